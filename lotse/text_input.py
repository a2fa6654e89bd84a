"""What counts as an empty message, for every channel (the gateway and Rasa's Lotse channel)."""
from __future__ import annotations

import unicodedata


def has_visible_text(text: str) -> bool:
    """False for text of only whitespace, direction marks and other invisible characters."""
    return any(not c.isspace() and unicodedata.category(c) not in ("Cf", "Cc", "Zs")
               for c in text)
