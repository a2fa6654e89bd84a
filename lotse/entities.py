"""Finds language names and municipalities in a message, from content data.

Deterministic on purpose: a language the resident names ("auf arabisch", "po polsku") and a
municipality of the district (also misspelled: "elmshon", "pinneberch") are looked up in
content/languages.yml and content/municipalities.yml, which operators maintain.
"""
from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass
from typing import Dict, List, Optional, Tuple

_TOKEN = re.compile(r"[\w'-]+", re.UNICODE)
_ARABIC_SCRIPT = re.compile(r"[\u0600-\u06ff]")
_FOLD = str.maketrans({"ä": "a", "ö": "o", "ü": "u", "ß": "ss", "é": "e", "è": "e"})
MIN_FUZZY_LENGTH = 5
FUZZY_RATIO = 0.84


def fold(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).lower()
    text = text.replace("ae", "a").replace("oe", "o").replace("ue", "u")
    return text.translate(_FOLD)


@dataclass(frozen=True)
class Entity:
    entity: str
    value: str
    start: int
    end: int

    def as_dict(self, extractor: str) -> Dict[str, object]:
        return {"entity": self.entity, "value": self.value, "start": self.start,
                "end": self.end, "confidence_entity": 1.0, "extractor": extractor}


class EntityLookup:
    def __init__(self, language_aliases: Dict[str, List[str]], municipalities: List[str]):
        self._aliases: List[Tuple[str, str]] = sorted(
            ((alias.lower(), code) for code, aliases in language_aliases.items()
             for alias in aliases), key=lambda pair: -len(pair[0]))
        self._places_by_words: Dict[int, List[Place]] = {}
        for name in municipalities:
            place = Place(fold(name), name)
            self._places_by_words.setdefault(len(place.folded.split()), []).append(place)

    @classmethod
    def from_content(cls, languages: Dict, municipalities: Dict) -> "EntityLookup":
        return cls(languages.get("aliases") or {}, all_municipalities(municipalities))

    def languages(self, text: str) -> List[Entity]:
        folded = text.lower()  # same length as text, so offsets stay valid
        found: List[Entity] = []
        taken = [False] * len(folded)
        for alias, code in self._aliases:
            # Arabic-script words carry prefixes (بالعربي = "in Arabic"): match inside them.
            boundary = "" if _ARABIC_SCRIPT.search(alias) else r"(?<!\w)"
            for match in re.finditer(boundary + re.escape(alias), folded):
                start, end = match.start(), match.end()
                while end < len(folded) and (folded[end].isalnum()):
                    end += 1  # inflected forms: arabischer, по-русски
                if not any(taken[start:end]):
                    taken[start:end] = [True] * (end - start)
                    found.append(Entity("language", code, start, end))
        return sorted(found, key=lambda e: e.start)

    def municipalities(self, text: str) -> List[Entity]:
        tokens = [(m.group(0), m.start(), m.end()) for m in _TOKEN.finditer(text)]
        found: List[Entity] = []
        index = 0
        while index < len(tokens):
            match = self._match_at(tokens, index)
            if match:
                value, length = match
                found.append(Entity("municipality", value, tokens[index][1],
                                    tokens[index + length - 1][2]))
                index += length
            else:
                index += 1
        return found

    def _match_at(self, tokens, index) -> Optional[Tuple[str, int]]:
        for length in (3, 2, 1):
            if index + length > len(tokens):
                continue
            candidate = fold(" ".join(t[0] for t in tokens[index:index + length]))
            places = self._places_by_words.get(length)
            best = match_municipality(candidate, places) if places else None
            if best:
                return best, length
        return None


class Place:
    """A municipality's folded name, with difflib's index of it built once: it is compared with
    words of every message (building it per comparison was most of the lookup's time)."""

    def __init__(self, folded: str, name: str) -> None:
        self.folded, self.name = folded, name
        self.spaced = folded.replace("-", " ")
        self.matcher = difflib.SequenceMatcher(None, "", folded)


def match_municipality(candidate: str, places: List[Place]) -> Optional[str]:
    for place in places:
        if candidate == place.folded or candidate == place.spaced:
            return place.name
    if len(candidate) < MIN_FUZZY_LENGTH:
        return None
    scored = []
    for place in places:
        # real_quick_ratio() and quick_ratio() are upper bounds of ratio(): most places are
        # ruled out cheaply. The first depends on the lengths only.
        if 2 * min(len(candidate), len(place.folded)) < FUZZY_RATIO * (
                len(candidate) + len(place.folded)):
            continue
        matcher = place.matcher
        matcher.set_seq1(candidate)
        if matcher.quick_ratio() >= FUZZY_RATIO:
            scored.append((matcher.ratio(), place.name))
    ratio, name = max(scored, default=(0.0, ""))
    return name if ratio >= FUZZY_RATIO else None


def all_municipalities(data: Dict) -> List[str]:
    names = list(data.get("towns") or []) + list(data.get("municipalities") or [])
    for villages in (data.get("aemter") or {}).values():
        names.extend(villages or [])
    return names
