"""``python -m lotse.compare_pipelines``: k-fold cross-validation of candidate NLU pipelines.

Every config in configs/candidates/ (or those named) is trained on k-1 folds and tested on the
remaining one, k times, with folds stratified by language and topic. Writes
docs/pipeline-comparison.md with intent accuracy and macro-F1 per language and training times.
"""
from __future__ import annotations

import argparse
import datetime as dt
import platform
import sys
import time
from pathlib import Path
from typing import Dict, List, Optional

from lotse import evaluation, nlu_data

ROOT = Path(__file__).resolve().parent.parent


def cross_validate(config: Path, items: List[nlu_data.Item], folds: int, seed: int,
                   max_folds: Optional[int] = None) -> Dict[str, object]:
    predictions: List[evaluation.Prediction] = []
    seconds: List[float] = []
    splits = evaluation.k_folds(items, folds, seed)[:max_folds or folds]
    for index, (train, test) in enumerate(splits):
        with evaluation.temporary_directory() as tmp:
            started = time.perf_counter()
            model = evaluation.train_nlu_model(train, config, Path(tmp), f"fold{index}")
            seconds.append(time.perf_counter() - started)
            predictions.extend(evaluation.parse_all(model, test))
        print(f"{config.stem}: fold {index + 1}/{len(splits)} done in {seconds[-1]:.0f} s",
              flush=True)
    return {"scores": evaluation.score(predictions), "seconds": seconds}


def classifier_config(config: Path) -> Optional[Dict]:
    """The LotseIntentClassifier settings of a candidate config, None for other classifiers."""
    for component in evaluation.load_yaml(config).get("pipeline") or []:
        if component.get("name", "").endswith("LotseIntentClassifier"):
            return {k: v for k, v in component.items() if k != "name"}
    return None


def quick_validate(config: Path, items: List[nlu_data.Item], folds: int, seed: int,
                   max_folds: Optional[int] = None) -> Dict[str, object]:
    """Same folds, the intent classifier trained and applied in batch, without Rasa.

    Uses the true language of each test example for transliteration (the full run uses the
    detected one) and no fallback threshold; only for LotseIntentClassifier candidates.
    """
    from lotse import sentence_encoder
    from lotse.intent_model import IntentModel, IntentModelConfig

    settings = IntentModelConfig.from_dict(classifier_config(config) or {})
    cache = sentence_encoder.training_cache()
    predictions: List[evaluation.Prediction] = []
    seconds: List[float] = []
    for train, test in evaluation.k_folds(items, folds, seed)[:max_folds or folds]:
        started = time.perf_counter()
        model = IntentModel(settings).fit([i.text for i in train], [i.lang for i in train],
                                          [i.topic for i in train], cache)
        seconds.append(time.perf_counter() - started)
        features = model._features([i.text for i in test], [i.lang for i in test], cache)
        for item, intent in zip(test, model.classifier.predict(features)):
            predictions.append(evaluation.Prediction(item, str(intent), 1.0, None))
    cache.save()
    return {"scores": evaluation.score(predictions), "seconds": seconds}


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("configs", nargs="*", type=Path,
                        help="candidate configs (default: configs/candidates/*.yml)")
    parser.add_argument("--folds", type=int, default=3)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--max-folds", type=int, default=None,
                        help="run only the first N folds (for slow candidates)")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "pipeline-comparison.md")
    parser.add_argument("--quick", action="store_true",
                        help="batch intent classification without Rasa (LotseIntentClassifier "
                             "candidates only; no fallback, no language detection)")
    args = parser.parse_args(argv)
    configs = args.configs or sorted((ROOT / "configs" / "candidates").glob("*.yml"))
    items = nlu_data.read_all()
    if args.quick:
        configs = [c for c in configs if classifier_config(c) is not None]
    run = quick_validate if args.quick else cross_validate
    results = {config.stem: run(config, items, args.folds, args.seed, args.max_folds)
               for config in configs}
    used = args.max_folds or args.folds
    lines = ["# NLU pipeline comparison", "",
             f"- date: {dt.date.today().isoformat()}; machine: {platform.machine()}, "
             f"2 cores; {len(items)} examples, {args.folds}-fold cross-validation stratified "
             f"by language and topic (seed {args.seed}), {used} of {args.folds} folds run",
             ("- quick mode: intent classifier in batch, without Rasa, fallback and language "
              "detection (true language used for transliteration; the language-ID column is "
              "not measured here)" if args.quick else
              "- full Rasa NLU pipeline; nlu_fallback predictions count as errors"), ""]
    languages = sorted({i.lang for i in items})
    lines += ["## Intent accuracy per language", "",
              "| pipeline | " + " | ".join(languages) + " | all | macro-F1 | train s/fold |",
              "| --- | " + " | ".join("---:" for _ in languages) + " | ---: | ---: | ---: |"]
    for name, result in results.items():
        scores = result["scores"]
        seconds = result["seconds"]
        cells = [f"{scores.per_language[l].accuracy:.3f}" for l in languages]
        lines.append(f"| {name} | " + " | ".join(cells) +
                     f" | {scores.overall_accuracy:.3f} | {scores.overall_macro_f1:.3f} | "
                     f"{sum(seconds) / len(seconds):.0f} |")
    for name, result in results.items():
        lines += ["", f"## {name}", "", evaluation.scores_table(result["scores"])]
    evaluation.write_report(args.out, lines)
    return 0


if __name__ == "__main__":
    sys.exit(main())
