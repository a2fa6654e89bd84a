"""Shared evaluation machinery: splits, NLU training on a split, metrics, report writing."""
from __future__ import annotations

import asyncio
import collections
import random
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

import yaml

from lotse.nlu_data import Item

FALLBACK = "nlu_fallback"


def stratified_split(items: Sequence[Item], test_fraction: float = 0.2,
                     seed: int = 42) -> Tuple[List[Item], List[Item]]:
    """Same share of every (language, topic) in the test set; deterministic for a seed."""
    groups: Dict[Tuple[str, str], List[Item]] = collections.defaultdict(list)
    for item in items:
        groups[(item.lang, item.topic)].append(item)
    rng = random.Random(seed)
    train, test = [], []
    for key in sorted(groups):
        group = sorted(groups[key], key=lambda i: i.raw)
        rng.shuffle(group)
        n_test = max(1, round(len(group) * test_fraction))
        test.extend(group[:n_test])
        train.extend(group[n_test:])
    return train, test


def k_folds(items: Sequence[Item], k: int, seed: int = 42) -> List[Tuple[List[Item], List[Item]]]:
    groups: Dict[Tuple[str, str], List[Item]] = collections.defaultdict(list)
    for item in items:
        groups[(item.lang, item.topic)].append(item)
    rng = random.Random(seed)
    folds: List[List[Item]] = [[] for _ in range(k)]
    for key in sorted(groups):
        group = sorted(groups[key], key=lambda i: i.raw)
        rng.shuffle(group)
        for index, item in enumerate(group):
            folds[index % k].append(item)
    return [([i for j, f in enumerate(folds) if j != n for i in f], folds[n]) for n in range(k)]


def write_nlu_yaml(items: Sequence[Item], path: Path) -> None:
    """Writes items as Rasa NLU YAML, one block per (language, intent) with lang metadata."""
    blocks: Dict[Tuple[str, str], List[str]] = collections.defaultdict(list)
    for item in items:
        blocks[(item.lang, item.topic)].append(item.raw or item.text)
    lines = ['version: "3.1"', "nlu:"]
    for (lang, topic), examples in sorted(blocks.items()):
        lines += [f"- intent: {topic}", "  metadata:", f"    lang: {lang}", "  examples: |"]
        lines += [f"    - {example}" for example in examples]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def train_nlu_model(items: Sequence[Item], config: Path, out_dir: Path, name: str) -> Path:
    from rasa.model_training import train_nlu

    data_dir = out_dir / f"{name}-data"
    data_dir.mkdir(parents=True, exist_ok=True)
    write_nlu_yaml(items, data_dir / "nlu.yml")
    model = train_nlu(str(config), str(data_dir), str(out_dir), fixed_model_name=name)
    if not model:
        raise RuntimeError("NLU training failed")
    return Path(model)


@dataclass
class Prediction:
    item: Item
    intent: str
    confidence: float
    lang: Optional[str]


def parse_all(model: Path, items: Sequence[Item]) -> List[Prediction]:
    from rasa.core.agent import Agent

    agent = Agent.load(str(model))

    async def run() -> List[Prediction]:
        results = []
        for item in items:
            parsed = await agent.parse_message(item.text)
            intent = parsed.get("intent") or {}
            results.append(Prediction(item, intent.get("name") or FALLBACK,
                                      float(intent.get("confidence") or 0.0),
                                      (parsed.get("language") or {}).get("code")))
        return results

    return asyncio.run(run())


@dataclass
class LanguageScores:
    n: int
    accuracy: float
    macro_f1: float
    fallback_rate: float
    language_id: float


@dataclass
class Scores:
    per_language: Dict[str, LanguageScores] = field(default_factory=dict)
    overall_accuracy: float = 0.0
    overall_macro_f1: float = 0.0
    language_id: float = 0.0
    n: int = 0


def score(predictions: Sequence[Prediction]) -> Scores:
    from sklearn.metrics import accuracy_score, f1_score

    scores = Scores(n=len(predictions))
    if not predictions:
        return scores
    by_lang: Dict[str, List[Prediction]] = collections.defaultdict(list)
    for p in predictions:
        by_lang[p.item.lang].append(p)
    for lang, preds in sorted(by_lang.items()):
        truth = [p.item.topic for p in preds]
        guess = [p.intent for p in preds]
        scores.per_language[lang] = LanguageScores(
            n=len(preds),
            accuracy=accuracy_score(truth, guess),
            macro_f1=f1_score(truth, guess, labels=sorted(set(truth)), average="macro",
                              zero_division=0),
            fallback_rate=sum(g == FALLBACK for g in guess) / len(preds),
            language_id=sum(p.lang == p.item.lang for p in preds) / len(preds),
        )
    truth = [p.item.topic for p in predictions]
    guess = [p.intent for p in predictions]
    scores.overall_accuracy = accuracy_score(truth, guess)
    scores.overall_macro_f1 = f1_score(truth, guess, labels=sorted(set(truth)), average="macro",
                                       zero_division=0)
    scores.language_id = sum(p.lang == p.item.lang for p in predictions) / len(predictions)
    return scores


def scores_table(scores: Scores) -> str:
    lines = ["| language | n | intent accuracy | macro-F1 | fallback rate | language-ID |",
             "| --- | ---: | ---: | ---: | ---: | ---: |"]
    for lang, s in scores.per_language.items():
        lines.append(f"| {lang} | {s.n} | {s.accuracy:.3f} | {s.macro_f1:.3f} | "
                     f"{s.fallback_rate:.3f} | {s.language_id:.3f} |")
    lines.append(f"| **all** | {scores.n} | {scores.overall_accuracy:.3f} | "
                 f"{scores.overall_macro_f1:.3f} | | {scores.language_id:.3f} |")
    return "\n".join(lines)


def confusion_image(predictions: Sequence[Prediction], path: Path, title: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from sklearn.metrics import confusion_matrix

    labels = sorted({p.item.topic for p in predictions} | {p.intent for p in predictions})
    matrix = confusion_matrix([p.item.topic for p in predictions],
                              [p.intent for p in predictions], labels=labels)
    fig, ax = plt.subplots(figsize=(14, 12))
    ax.imshow(matrix, cmap="Blues")
    ax.set_xticks(range(len(labels)))
    ax.set_yticks(range(len(labels)))
    ax.set_xticklabels(labels, rotation=90, fontsize=7)
    ax.set_yticklabels(labels, fontsize=7)
    for i in range(len(labels)):
        for j in range(len(labels)):
            if matrix[i, j] and i != j:
                ax.text(j, i, str(matrix[i, j]), ha="center", va="center", fontsize=6,
                        color="darkred")
    ax.set_xlabel("predicted")
    ax.set_ylabel("true")
    ax.set_title(title)
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)


def top_confusions(predictions: Sequence[Prediction], n: int = 15) -> List[Tuple[str, str, int]]:
    pairs = collections.Counter((p.item.topic, p.intent) for p in predictions
                                if p.intent != p.item.topic)
    return [(a, b, c) for (a, b), c in pairs.most_common(n)]


def write_report(path: Path, lines: Sequence[str]) -> None:
    """Writes a Markdown report and prints it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))


def temporary_directory() -> tempfile.TemporaryDirectory:
    return tempfile.TemporaryDirectory(prefix="lotse-eval-")


def load_yaml(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8")) or {}
