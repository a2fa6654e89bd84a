"""A safety net for danger: words that mean "someone is in danger now" (content/urgent.yml).

The intent classifier can miss an emergency hidden in another question ("my husband hits me,
what about my permit?"). When a message contains one of these words, the actions show 110 / 112
and the violence hotline first, whatever the topic. Matching is deliberately simple and
predictable: a keyword matches at the start of a word (so inflected forms match), phrases match
as written; Arabic-script keywords match inside words (prefixes like و / ب attach to words).
"""
from __future__ import annotations

import re
import unicodedata
from typing import Dict, Iterable, List

_ARABIC_SCRIPT = re.compile(r"[\u0600-\u06ff]")


_ARABIC_LETTERS = str.maketrans({"ي": "ی", "ى": "ی", "ك": "ک", "أ": "ا", "إ": "ا", "آ": "ا",
                                 "ı": "i", "ł": "l", "\u200c": None})


def normalise(text: str) -> str:
    """Case-folded, without Latin diacritics or Arabic vowel marks, one Arabic/Persian spelling,
    Turkish ı and Polish ł as i and l, no Persian half-space."""
    decomposed = unicodedata.normalize("NFD", unicodedata.normalize("NFKC", text).casefold())
    kept = "".join(c for c in decomposed
                   if not ("\u0300" <= c <= "\u036f" or "\u064b" <= c <= "\u065f"))
    return unicodedata.normalize("NFC", kept).replace("ß", "ss").translate(_ARABIC_LETTERS)


class UrgentMatcher:
    def __init__(self, keywords: Dict[str, Iterable[str]]):
        patterns: List[str] = []
        for words in keywords.values():
            for word in words:
                word = normalise(str(word)).strip()
                if not word:
                    continue
                boundary = "" if _ARABIC_SCRIPT.search(word) else r"(?<![\w])"
                patterns.append(boundary + re.escape(word))
        self._pattern = re.compile("|".join(patterns)) if patterns else None

    def matches(self, text: str) -> bool:
        return bool(self._pattern and self._pattern.search(normalise(text or "")))


def validate(data: Dict, languages: List[str], errors: List[str]) -> None:
    if not isinstance(data, dict) or not data:
        errors.append("urgent.yml: missing")
        return
    for key in sorted(set(data) - {"source", "checked", "keywords"}):
        errors.append(f"urgent.yml: unknown field '{key}'")
    if not str(data.get("source") or "").strip():
        errors.append("urgent.yml: no source")
    keywords = data.get("keywords") or {}
    for lang in languages:
        words = keywords.get(lang) or []
        if len(words) < 10:
            errors.append(f"urgent.yml: '{lang}' needs at least 10 keywords (has {len(words)})")
        for word in words:
            if len(normalise(str(word)).strip()) < 3:
                errors.append(f"urgent.yml: '{lang}' keyword '{word}' is too short to be safe")
