"""Reads the NLU training data (data/nlu/<lang>/<intent>.yml) as plain labelled items."""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, List, Optional

import yaml

DEFAULT_NLU_DIR = Path(__file__).resolve().parent.parent / "data" / "nlu"
# [text](entity) or [text]{"entity": ..., "value": ...}
ENTITY_ANNOTATION = re.compile(r"\[(?P<text>[^\]]+)\](?:\([^)]*\)|\{[^}]*\})")


@dataclass(frozen=True)
class Item:
    text: str        # plain text, entity annotations removed
    lang: str
    topic: str
    raw: str = ""    # as written in the file, with annotations


def plain_text(example: str) -> str:
    return ENTITY_ANNOTATION.sub(lambda m: m.group("text"), example).strip()


def _examples(block: str) -> List[str]:
    lines = []
    for line in (block or "").splitlines():
        line = line.strip()
        if line.startswith("- "):
            lines.append(line[2:].strip())
    return lines


def read_file(path: Path) -> Iterator[Item]:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    for block in data.get("nlu") or []:
        intent = block.get("intent")
        if not intent:
            continue
        lang = ((block.get("metadata") or {}).get("lang")) or path.parent.name
        for raw in _examples(block.get("examples")):
            yield Item(plain_text(raw), lang, intent, raw)


def read_all(directory: Optional[Path] = None) -> List[Item]:
    directory = Path(directory or DEFAULT_NLU_DIR)
    items: List[Item] = []
    for path in sorted(directory.glob("*/*.yml")):
        items.extend(read_file(path))
    return items


def read_labelled(path: Path) -> List[Item]:
    """A labelled evaluation file: ``items: [{text, lang, topic}, ...]``."""
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    return [Item(str(i["text"]), str(i["lang"]), str(i["topic"]), str(i["text"]))
            for i in data.get("items") or []]
