"""Texts of the website widget's own controls (``content/widget.yml``), checked and bundled.

The gateway inlines :func:`bundle` into ``/widget.js``; :func:`validate` is part of content
validation: every key needs a non-empty text in every required language.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Dict, List, Optional

import yaml

from lotse.content import Content

FILE_NAME = "widget.yml"


def load(directory: Path) -> Dict[str, Dict[str, str]]:
    """``{key: {lang: text}}`` from ``<directory>/widget.yml`` (empty if the file is missing)."""
    path = Path(directory) / FILE_NAME
    if not path.exists():
        return {}
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    strings = data.get("strings") if isinstance(data, dict) else None
    return strings if isinstance(strings, dict) else {}


def validate(content: Content, directory: Optional[Path] = None) -> List[str]:
    """Problems of ``widget.yml`` as messages; an empty list means it is complete."""
    path = Path(directory or content.directory) / FILE_NAME
    if not path.exists():
        return [f"{FILE_NAME}: missing"]
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as error:
        return [f"{FILE_NAME}: {error}"]
    if not isinstance(data, dict) or set(data) != {"strings"} \
            or not isinstance(data["strings"], dict) or not data["strings"]:
        return [f"{FILE_NAME}: must contain only a non-empty mapping 'strings'"]
    required = content.required_languages
    known = set(required) | set(content.languages.get("next") or [])
    errors: List[str] = []
    for key, texts in data["strings"].items():
        where = f"{FILE_NAME}: {key}"
        if not isinstance(texts, dict):
            errors.append(f"{where}: must map languages to texts")
            continue
        for lang in required:
            if not isinstance(texts.get(lang), str) or not texts[lang].strip():
                errors.append(f"{where}: missing text in '{lang}'")
        for lang in sorted(set(texts) - known, key=str):
            errors.append(f"{where}: unknown language '{lang}'")
    return errors


def bundle(content: Content, strings: Dict[str, Dict[str, str]]) -> Dict[str, Any]:
    """What the widget needs: the languages in menu order and its texts per language."""
    names = content.languages.get("names") or {}
    rtl = set(content.languages.get("rtl") or [])
    languages = [{"code": lang, "name": names.get(lang, lang),
                  "dir": "rtl" if lang in rtl else "ltr"} for lang in content.required_languages]
    per_language = {lang: {key: str(texts[lang]).strip() for key, texts in strings.items()
                           if isinstance(texts, dict) and texts.get(lang)}
                    for lang in content.required_languages}
    return {"default": content.default_language, "languages": languages,
            "strings": per_language}
