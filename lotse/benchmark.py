"""Benchmark: simulated residents chatting through the widget's public path, with a report.

    python -m lotse.benchmark                     # start the stack itself, measure everything
    python -m lotse.benchmark --target http://127.0.0.1:8080 --skip-training

Drives N concurrent residents (default 50; also levels 1, 10 and 100 for the chart) through the
gateway's ``POST /api/messages`` with scripted conversations in eight languages, two of which
end in a consented handoff. Reports latency per message (median, p95, p99), messages per second,
errors, peak RSS of each service, model training time, time from start to ready, and Rasa's
own handling time of the same messages (the ``Server-Timing`` header of Lotse's channel), so
the overhead of gateway and actions shows as a ratio. Writes Markdown and a PNG chart.
"""
from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import platform
import random
import statistics
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional

import aiohttp

from bot.rasa_client import rasa_time
from lotse.bench_stack import ROOT, Stack, train_model

LEVELS = (1, 10, 50, 100)
TARGETS = {"p95_ms": 150.0, "messages_per_second": 40.0, "rss_mb": 2560.0}


def choice(value: str) -> str:
    return "/affirm" + json.dumps({"handoff_choice": value})


HANDOFF = [choice("age_27_plus"), "Elmshorn", choice("status:other"), choice("agency_ok"),
           choice("consent_yes"), "0176 1234 5678"]
SCRIPTS: Dict[str, List[str]] = {
    "de": ["hallo", "mein aufenthaltstitel läuft nächsten monat ab", "was kostet das",
           "/request_human", *HANDOFF, "Ich brauche Hilfe bei der Verlängerung.", choice("send")],
    "ar": ["مرحبا", "بدي جيب مرتي وولادي لعندي", "/request_human", *HANDOFF,
           "بدي مساعدة بلم الشمل لمرتي", choice("send")],
    "en": ["hi", "can i bring my wife to germany", "how long does it take", "thanks"],
    "tr": ["merhaba", "oturum iznimi nasıl uzatırım", "randevu almak istiyorum", "teşekkürler"],
    "uk": ["привіт", "як отримати захист за параграфом 24", "де вивчати німецьку", "дякую"],
    "ru": ["здравствуйте", "потерял паспорт что делать", "сколько стоит", "спасибо"],
    "fa": ["سلام", "چطوری اقامتم رو تمدید کنم", "کلاس زبان کجاست", "مرسی"],
    "pl": ["dzień dobry", "jak dostać kindergeld", "gdzie jest urząd", "dziękuję"],
}


@dataclass
class LevelResult:
    concurrency: int
    latencies_ms: List[float] = field(default_factory=list)
    rasa_ms: List[float] = field(default_factory=list)
    errors: int = 0
    seconds: float = 0.0

    @property
    def messages(self) -> int:
        return len(self.latencies_ms) + self.errors

    def percentile(self, p: float) -> float:
        values = sorted(self.latencies_ms)
        if not values:
            return float("nan")
        return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


async def resident(session: aiohttp.ClientSession, url: str, index: int,
                   result: LevelResult, think: float = 0.0) -> None:
    languages = sorted(SCRIPTS)
    lang = languages[index % len(languages)]
    sender = f"bench-{uuid.uuid4().hex}"
    pause = random.Random(index)
    for text in SCRIPTS[lang]:
        if think:  # reading the answer and typing the next message
            await asyncio.sleep(pause.uniform(0.5 * think, 1.5 * think))
        started = time.perf_counter()
        try:
            async with session.post(url, json={"sender_id": sender, "text": text,
                                               "language_hint": lang}) as response:
                body = await response.json()
                elapsed = (time.perf_counter() - started) * 1000
                if response.status != 200 or not body.get("messages"):
                    result.errors += 1
                    continue
                result.latencies_ms.append(elapsed)
                timing = response.headers.get("Server-Timing", "")
                rasa = rasa_time(timing)
                if rasa is not None:
                    result.rasa_ms.append(rasa)
        except (aiohttp.ClientError, asyncio.TimeoutError, ValueError):
            result.errors += 1


async def run_level(base_url: str, concurrency: int, think: float = 0.0) -> LevelResult:
    result = LevelResult(concurrency)
    url = base_url.rstrip("/") + "/api/messages"
    timeout = aiohttp.ClientTimeout(total=120)
    connector = aiohttp.TCPConnector(limit=0)
    async with aiohttp.ClientSession(timeout=timeout, connector=connector) as session:
        started = time.perf_counter()
        await asyncio.gather(*(resident(session, url, i, result, think)
                               for i in range(concurrency)))
        result.seconds = time.perf_counter() - started
    return result


def chart(results: List[LevelResult], path: Path) -> None:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    levels = [r.concurrency for r in results]
    figure, axis = plt.subplots(figsize=(7, 4))
    for p, style in ((50, "o-"), (95, "s-"), (99, "^-")):
        axis.plot(levels, [r.percentile(p) for r in results], style, label=f"p{p}")
    axis.axhline(TARGETS["p95_ms"], color="grey", linestyle="--", label="p95 target 150 ms")
    axis.set_xscale("log")
    axis.set_xticks(levels, [str(level) for level in levels])
    axis.set_xlabel("concurrent residents")
    axis.set_ylabel("latency per message (ms)")
    axis.set_title("Lotse: latency by concurrency (widget path)")
    axis.legend()
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)


def report(results: List[LevelResult], main: LevelResult, rss: Dict[str, float],
           training_s: Optional[float], ready_s: Optional[float], target: str,
           think: float, chart_name: str) -> str:
    rasa_median = statistics.median(main.rasa_ms) if main.rasa_ms else float("nan")
    median = main.percentile(50)
    throughput = len(main.latencies_ms) / main.seconds if main.seconds else 0.0
    total_rss = sum(rss.values())
    verdict = lambda ok: "met" if ok else "NOT met"  # noqa: E731
    lines = [
        "# Benchmark: residents chatting through the widget path",
        "",
        f"- date: {dt.datetime.now():%Y-%m-%d %H:%M}; machine: {platform.machine()}, "
        f"{_cpu_count()} cores, Linux {platform.release()}, Python {platform.python_version()}",
        f"- target: {target}; scripted conversations in 8 languages, 2 of them with a handoff",
        "- pacing: " + (f"each resident waits {0.5 * think:.1f}-{1.5 * think:.1f} s before each "
                        "message (reading, typing)" if think else
                        "none: every resident sends its next message as soon as the answer "
                        "arrives (saturation)"),
        f"- model training time: {f'{training_s:.0f} s' if training_s else 'not measured'}; "
        f"time from start to ready: {f'{ready_s:.0f} s' if ready_s else 'not measured'}",
        "",
        f"## {main.concurrency} concurrent residents",
        "",
        "| measure | value | target |",
        "| --- | ---: | --- |",
        f"| messages | {main.messages} | |",
        f"| errors | {main.errors} | 0 |",
        f"| latency median | {median:.0f} ms | |",
        f"| latency p95 | {main.percentile(95):.0f} ms | ≤ 150 ms: "
        f"{verdict(main.percentile(95) <= TARGETS['p95_ms'])} |",
        f"| latency p99 | {main.percentile(99):.0f} ms | |",
        f"| messages per second | {throughput:.1f} | ≥ 40: "
        f"{verdict(throughput >= TARGETS['messages_per_second'])} |",
        f"| Rasa's own handling time, median | {rasa_median:.0f} ms | |",
        f"| resident's wait / Rasa's time (medians) | {median / rasa_median:.2f} | |",
        f"| peak RSS, all services | {total_rss:.0f} MB | ≤ 2.5 GB: "
        f"{verdict(total_rss <= TARGETS['rss_mb'])} |",
        "",
        "Peak RSS per service: " + ", ".join(f"{name} {mb:.0f} MB" for name, mb in rss.items()),
        "",
        "## By concurrency",
        "",
        "| residents | messages | errors | median | p95 | p99 | messages/s | Rasa median |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in results:
        rate = len(r.latencies_ms) / r.seconds if r.seconds else 0.0
        rasa = statistics.median(r.rasa_ms) if r.rasa_ms else float("nan")
        lines.append(f"| {r.concurrency} | {r.messages} | {r.errors} | {r.percentile(50):.0f} | "
                     f"{r.percentile(95):.0f} | {r.percentile(99):.0f} | {rate:.1f} | "
                     f"{rasa:.0f} |")
    lines += ["", f"![Latency by concurrency]({chart_name})", "",
              "Latencies in ms, measured by the client at the gateway; Rasa's time is measured "
              "inside Lotse's Rasa channel for the same messages. Medians and ratios: this "
              "machine is shared and noisy."]
    return "\n".join(lines) + "\n"


def _cpu_count() -> int:
    import os
    return os.cpu_count() or 0


async def measure(base_url: str, levels: List[int], main_level: int,
                  stack: Optional[Stack], think: float) -> tuple:
    await run_level(base_url, 2)  # warm-up: load caches, open connections
    results = []
    for level in levels:
        results.append(await run_level(base_url, level, think))
        print(f"{level:>4} residents: p95 {results[-1].percentile(95):.0f} ms, "
              f"errors {results[-1].errors}", flush=True)
    main = next(r for r in results if r.concurrency == main_level)
    rss = stack.peak_rss_mb() if stack else {}
    return results, main, rss


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m lotse.benchmark", description=__doc__.split("\n")[0])
    parser.add_argument("--target", help="gateway URL of a running stack (default: start one)")
    parser.add_argument("--residents", type=int, default=50)
    parser.add_argument("--levels", default=",".join(map(str, LEVELS)))
    parser.add_argument("--skip-training", action="store_true")
    parser.add_argument("--think", type=float, default=0.0,
                        help="mean seconds a resident waits before each message (0: none)")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "benchmarks" / "latest.md")
    args = parser.parse_args(argv)
    levels = sorted({int(x) for x in args.levels.split(",")} | {args.residents})
    training_s = None if args.skip_training else train_model()
    stack = None
    ready_s = None
    try:
        if args.target:
            base_url = args.target
        else:
            stack = Stack()
            ready_s = stack.start()
            base_url = stack.gateway_url
        results, main_result, rss = asyncio.run(measure(base_url, levels, args.residents, stack,
                                                        args.think))
    finally:
        if stack:
            stack.stop()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    chart_name = f"{args.out.stem}-latency-by-concurrency.png"
    chart(results, args.out.parent / chart_name)
    args.out.write_text(report(results, main_result, rss, training_s, ready_s,
                               args.target or "stack started by the benchmark (embedded defaults)",
                               args.think, chart_name), encoding="utf-8")
    print(f"report: {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
