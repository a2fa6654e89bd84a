"""Button payloads as Telegram ``callback_data`` (at most 64 bytes).

A payload that fits is its own callback data (payloads start with "/"). A longer one, such as
``/affirm{"handoff_choice": "<a long town name>"}``, is stored in a bounded in-memory map under a
short key ("#" + 16 characters derived from the payload, so a repeated payload reuses its key).
After a restart or once evicted, a key is unknown and the resident is asked to type instead.
"""
from __future__ import annotations

import base64
import hashlib
from typing import Optional

from bot.telegram.memory import BoundedLru

MAX_CALLBACK_BYTES = 64
KEY_PREFIX = "#"


class CallbackPayloads:
    def __init__(self, capacity: int = 10_000) -> None:
        self._payloads: BoundedLru[str, str] = BoundedLru(capacity)

    def encode(self, payload: str) -> str:
        if payload.startswith("/") and len(payload.encode("utf-8")) <= MAX_CALLBACK_BYTES:
            return payload
        digest = hashlib.sha256(payload.encode("utf-8")).digest()[:12]
        key = KEY_PREFIX + base64.urlsafe_b64encode(digest).decode("ascii")
        self._payloads.put(key, payload)
        return key

    def decode(self, data: Optional[str]) -> Optional[str]:
        """The payload behind ``data``; None when the key expired or the data is not ours."""
        if not data:
            return None
        if data.startswith("/"):
            return data
        if data.startswith(KEY_PREFIX):
            return self._payloads.get(data)
        return None

    def __len__(self) -> int:
        return len(self._payloads)
