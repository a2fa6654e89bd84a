"""``python -m lotse.evaluate [FILE]``: intent and language-ID quality per language.

Without FILE: trains an NLU model on 80 % of data/nlu (stratified by language and topic, fixed
seed) and evaluates the held-out 20 %. With FILE (``items: [{text, lang, topic}]``): evaluates
those items with the trained model (``--model``, default models/lotse.tar.gz). Prints a table,
writes a Markdown report and a confusion-matrix PNG. Exits 0 whatever the numbers are.
"""
from __future__ import annotations

import argparse
import datetime as dt
import platform
import sys
import time
from pathlib import Path
from typing import List, Optional, Sequence

from lotse import evaluation, nlu_data

ROOT = Path(__file__).resolve().parent.parent


def report_markdown(title: str, scores: evaluation.Scores,
                    predictions: Sequence[evaluation.Prediction], image: str,
                    details: List[str]) -> str:
    lines = [f"# {title}", "", *details, "", evaluation.scores_table(scores), "",
             f"![Confusion matrix]({image})", "", "## Most frequent confusions", "",
             "| true | predicted | count |", "| --- | --- | ---: |"]
    lines += [f"| {a} | {b} | {c} |" for a, b, c in evaluation.top_confusions(predictions)]
    wrong_lang = [p for p in predictions if p.lang != p.item.lang][:25]
    if wrong_lang:
        lines += ["", "## Language-ID errors (first 25)", "",
                  "| text | true | detected |", "| --- | --- | --- |"]
        lines += [f"| {p.item.text.replace('|', '/')} | {p.item.lang} | {p.lang} |"
                  for p in wrong_lang]
    return "\n".join(lines) + "\n"


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", nargs="?", type=Path, help="labelled YAML file to evaluate")
    parser.add_argument("--config", type=Path, default=ROOT / "config.yml")
    parser.add_argument("--model", type=Path, default=ROOT / "models" / "lotse.tar.gz")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "evaluation")
    parser.add_argument("--test-fraction", type=float, default=0.2)
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    details = [f"- date: {dt.date.today().isoformat()}",
               f"- machine: {platform.machine()}, {platform.system()}, Python "
               f"{platform.python_version()}"]
    if args.file:
        items = nlu_data.read_labelled(args.file)
        if not args.model.exists():
            print(f"No model at {args.model}: run ./lotse.sh train first.")
            return 0
        predictions = evaluation.parse_all(args.model, items)
        name, title = args.file.stem, f"Evaluation of {args.file.name}"
        details.append(f"- model: {args.model.name}, items: {len(items)}")
    else:
        train, test = evaluation.stratified_split(nlu_data.read_all(), args.test_fraction,
                                                  args.seed)
        with evaluation.temporary_directory() as tmp:
            started = time.perf_counter()
            model = evaluation.train_nlu_model(train, args.config, Path(tmp), "heldout")
            training_seconds = time.perf_counter() - started
            predictions = evaluation.parse_all(model, test)
        name, title = "heldout", "Held-out evaluation"
        details += [f"- config: {args.config.name}; split: {len(train)} train / {len(test)} "
                    f"test, stratified by language and topic, seed {args.seed}",
                    f"- NLU training time on the split: {training_seconds:.0f} s",
                    "- nlu_fallback predictions count as errors"]
    scores = evaluation.score(predictions)
    image = f"{name}-confusion.png"
    evaluation.confusion_image(predictions, args.out / image, title)
    report = args.out / f"{name}.md"
    report.write_text(report_markdown(title, scores, predictions, image, details),
                      encoding="utf-8")
    print(evaluation.scores_table(scores))
    print(f"\nReport: {report}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
