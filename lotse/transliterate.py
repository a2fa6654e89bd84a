"""Rough transliteration of Latin-letter Arabic, Persian, Ukrainian and Russian into their script.

Residents often write "bdi jadded el i9ame" or "yak prodovzhyty dozvil". The sentence encoder
understands the native script far better, so the intent classifier also sees a transliterated
copy. Exactness does not matter; closeness to how the word is spelled natively does.
"""
from __future__ import annotations

import re
from typing import Dict, List, Tuple

_CYRILLIC_COMMON: List[Tuple[str, str]] = [
    ("shch", "щ"), ("sch", "щ"), ("zh", "ж"), ("kh", "х"), ("ch", "ч"), ("sh", "ш"),
    ("ts", "ц"), ("tz", "ц"), ("ya", "я"), ("ja", "я"), ("yu", "ю"), ("ju", "ю"), ("ia", "я"),
    ("iu", "ю"),
]
_CYRILLIC: Dict[str, List[Tuple[str, str]]] = {
    "uk": _CYRILLIC_COMMON + [("ye", "є"), ("ie", "є"), ("yi", "ї"), ("ji", "ї"), ("'", "ь"),
                              ("y", "и"), ("i", "і"), ("h", "г"), ("g", "ґ")],
    "ru": _CYRILLIC_COMMON + [("yo", "ё"), ("jo", "ё"), ("ye", "е"), ("'", "ь"), ("y", "ы"),
                              ("i", "и"), ("h", "х"), ("g", "г")],
}
_CYRILLIC_LETTERS = {
    "a": "а", "b": "б", "v": "в", "w": "в", "d": "д", "e": "е", "j": "й", "z": "з", "k": "к",
    "l": "л", "m": "м", "n": "н", "o": "о", "p": "п", "r": "р", "s": "с", "t": "т", "u": "у",
    "f": "ф", "c": "ц", "x": "кс", "q": "к",
}

_ARABIC_DIGRAPHS = [("sh", "ش"), ("kh", "خ"), ("gh", "غ"), ("th", "ث"), ("dh", "ذ"),
                    ("ch", "تش"), ("ou", "و"), ("oo", "و"), ("ee", "ي")]
_ARABIC_LETTERS = {
    "2": "ء", "3": "ع", "5": "خ", "6": "ط", "7": "ح", "8": "غ", "9": "ق",
    "b": "ب", "p": "ب", "t": "ت", "j": "ج", "g": "ج", "d": "د", "r": "ر", "z": "ز", "s": "س",
    "f": "ف", "v": "ف", "q": "ق", "k": "ك", "l": "ل", "m": "م", "n": "ن", "h": "ه", "w": "و",
    "y": "ي", "x": "كس", "c": "ك",
}
_PERSIAN_DIGRAPHS = [("sh", "ش"), ("kh", "خ"), ("gh", "ق"), ("ch", "چ"), ("zh", "ژ"),
                     ("ou", "و"), ("oo", "و"), ("ee", "ی"), ("aa", "ا")]
_PERSIAN_LETTERS = {
    "b": "ب", "p": "پ", "t": "ت", "j": "ج", "d": "د", "r": "ر", "z": "ز", "s": "س", "f": "ف",
    "v": "و", "w": "و", "q": "ق", "k": "ک", "g": "گ", "l": "ل", "m": "م", "n": "ن", "h": "ه",
    "y": "ی", "x": "خ", "c": "ک", "2": "ء", "3": "ع", "7": "ح",
}
_VOWELS = set("aeiou")
_WORD = re.compile(r"[a-z0-9']+")


def _cyrillic_word(word: str, lang: str) -> str:
    out, i = [], 0
    pairs = _CYRILLIC[lang]
    while i < len(word):
        for latin, cyr in pairs:
            if word.startswith(latin, i):
                out.append(cyr)
                i += len(latin)
                break
        else:
            out.append(_CYRILLIC_LETTERS.get(word[i], word[i]))
            i += 1
    return "".join(out)


def _abjad_word(word: str, digraphs, letters, long_a: str, final_e: str,
                keep_inner_a: bool) -> str:
    if word.isdigit():
        return word
    out, i, n = [], 0, len(word)
    while i < n:
        char = word[i]
        matched = next(((lat, ara) for lat, ara in digraphs if word.startswith(lat, i)), None)
        if matched:
            out.append(matched[1])
            i += len(matched[0])
            continue
        if char in _VOWELS:
            first, last = i == 0, i == n - 1
            if first:
                yeh = "ی" if letters is _PERSIAN_LETTERS else "ي"
                out.append("ا" if char in "ae" else ("ا" + yeh if char == "i" else "او"))
            elif char == "i":
                out.append("ی" if letters is _PERSIAN_LETTERS else "ي")
            elif char in "ou":
                out.append("و")
            elif last:
                out.append(long_a if char == "a" else final_e)
            elif char == "a" and keep_inner_a:
                out.append(long_a)
            i += 1
            continue
        if out and i > 0 and word[i - 1] == char:  # doubled consonant: one letter
            i += 1
            continue
        out.append(letters.get(char, char))
        i += 1
    return "".join(out)


def to_native_script(text: str, lang: str) -> str:
    """``text`` with its Latin-letter words written in ``lang``'s script (others unchanged)."""
    lowered = text.lower()
    if lang in _CYRILLIC:
        convert = lambda w: _cyrillic_word(w, lang)  # noqa: E731
    elif lang == "ar":
        convert = lambda w: _abjad_word(w, _ARABIC_DIGRAPHS, _ARABIC_LETTERS,  # noqa: E731
                                        "ا", "ه", keep_inner_a=False)
    elif lang == "fa":
        convert = lambda w: _abjad_word(w, _PERSIAN_DIGRAPHS, _PERSIAN_LETTERS,  # noqa: E731
                                        "ا", "ه", keep_inner_a=False)
    else:
        return text
    return _WORD.sub(lambda m: convert(m.group(0)), lowered)


def mostly_latin(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return False
    return sum(c.isascii() for c in letters) > 0.6 * len(letters)
