"""``python -m lotse.validate``: checks content and training data before anything runs.

Exit code 1 with a list of problems if a topic or language lacks an answer, a field is unknown,
a link is not https, an entry has no source, or an intent lacks training data in a language.
"""
from __future__ import annotations

import argparse
import collections
import sys
from pathlib import Path
from typing import List, Optional

import yaml

from lotse import content as content_module
from lotse import widget_strings
from lotse import nlu_data

ROOT = Path(__file__).resolve().parent.parent
MIN_EXAMPLES = 25


def domain_intents(path: Path) -> List[str]:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return [i if isinstance(i, str) else next(iter(i)) for i in data.get("intents") or []]


def check_training_data(content: content_module.Content, nlu_dir: Path,
                        report: content_module.Report) -> None:
    items = nlu_data.read_all(nlu_dir)
    counts = collections.Counter((i.lang, i.topic) for i in items)
    for path in sorted(nlu_dir.glob("*/*.yml")):
        for item in nlu_data.read_file(path):
            if item.lang != path.parent.name:
                report.errors.append(f"{path.relative_to(nlu_dir)}: metadata lang "
                                     f"'{item.lang}' does not match its folder")
                break
            if item.topic not in content.topics:
                report.errors.append(f"{path.relative_to(nlu_dir)}: unknown intent "
                                     f"'{item.topic}'")
                break
    for lang in content.required_languages:
        for topic in content.topics:
            if counts[(lang, topic)] < MIN_EXAMPLES:
                report.errors.append(f"data/nlu/{lang}/{topic}.yml: {counts[(lang, topic)]} "
                                     f"examples, at least {MIN_EXAMPLES} needed")


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--content", type=Path, default=None, help="content directory")
    parser.add_argument("--domain", type=Path, default=ROOT / "domain.yml")
    parser.add_argument("--nlu", type=Path, default=ROOT / "data" / "nlu")
    parser.add_argument("--no-training-data", action="store_true",
                        help="check content and domain only")
    args = parser.parse_args(argv)
    try:
        content = content_module.load(args.content)
    except content_module.ContentError as error:
        print(f"ERROR {error}")
        return 1
    report = content_module.validate(content, intents=domain_intents(args.domain))
    report.errors.extend(widget_strings.validate(content))
    if not args.no_training_data:
        check_training_data(content, args.nlu, report)
    for warning in report.warnings:
        print(f"WARNING {warning}")
    for error in report.errors:
        print(f"ERROR {error}")
    if report.ok:
        print(f"Content OK: {len(content.topics)} topics, "
              f"languages {', '.join(content.required_languages)}.")
        return 0
    print(f"{len(report.errors)} problem(s) found.")
    return 1


if __name__ == "__main__":
    sys.exit(main())
