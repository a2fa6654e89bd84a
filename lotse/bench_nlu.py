"""``python -m lotse.bench_nlu``: parse latency and memory of the trained model (a report).

Loads models/lotse.tar.gz in-process, parses a fixed sample of training-data messages (every
language, one at a time, as the server does), and writes docs/benchmarks/nlu.md with model load
time, median / p95 / p99 parse latency per message and peak RSS.
"""
from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import platform
import random
import resource
import statistics
import sys
import time
from pathlib import Path
from typing import List, Optional

from lotse import evaluation, nlu_data

ROOT = Path(__file__).resolve().parent.parent


def percentile(values: List[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=ROOT / "models" / "lotse.tar.gz")
    parser.add_argument("--messages", type=int, default=400)
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "benchmarks" / "nlu.md")
    args = parser.parse_args(argv)
    from rasa.core.agent import Agent

    started = time.perf_counter()
    agent = Agent.load(str(args.model))
    load_seconds = time.perf_counter() - started
    items = nlu_data.read_all()
    sample = random.Random(7).sample(items, min(args.messages, len(items)))

    async def run() -> List[float]:
        await agent.parse_message("warm up")
        timings = []
        for item in sample:
            begin = time.perf_counter()
            await agent.parse_message(item.text)
            timings.append((time.perf_counter() - begin) * 1000)
        return timings

    timings = asyncio.run(run())
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    lines = [
        "# NLU parse benchmark", "",
        f"- date: {dt.date.today().isoformat()}; machine: {platform.machine()}, "
        f"{platform.system()}, 2 cores; Python {platform.python_version()}",
        f"- model: {args.model.name}; {len(sample)} messages sampled from data/nlu (all "
        "languages), parsed one at a time in-process (Rasa Agent.parse_message)", "",
        "| measure | value |", "| --- | ---: |",
        f"| model load | {load_seconds:.1f} s |",
        f"| parse latency median | {statistics.median(timings):.1f} ms |",
        f"| parse latency p95 | {percentile(timings, 0.95):.1f} ms |",
        f"| parse latency p99 | {percentile(timings, 0.99):.1f} ms |",
        f"| peak RSS of the process | {peak_mb:.0f} MB |",
    ]
    evaluation.write_report(args.out, lines)
    return 0


if __name__ == "__main__":
    sys.exit(main())
