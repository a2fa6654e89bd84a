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

from bot.rasa_client import DEFAULT_MAX_IN_FLIGHT, ROUTINGS, rasa_time
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

    @property
    def rate(self) -> float:
        return len(self.latencies_ms) / self.seconds if self.seconds else 0.0

    def percentile(self, p: float) -> float:
        values = sorted(self.latencies_ms)
        if not values:
            return float("nan")
        return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


async def resident(session: aiohttp.ClientSession, url: str, index: int,
                   result: LevelResult, think: float, deadline: float) -> None:
    """Chats until the deadline: one scripted conversation after another, each with a new
    sender id, cycling through the languages."""
    languages = sorted(SCRIPTS)
    pause = random.Random(index)
    conversation = 0
    while time.perf_counter() < deadline:
        lang = languages[(index + conversation) % len(languages)]
        conversation += 1
        sender = f"bench-{uuid.uuid4().hex}"
        for text in SCRIPTS[lang]:
            if think:  # reading the answer and typing the next message
                await asyncio.sleep(pause.uniform(0.5 * think, 1.5 * think))
            if time.perf_counter() >= deadline:
                return
            await send(session, url, sender, text, lang, result)


async def send(session: aiohttp.ClientSession, url: str, sender: str, text: str, lang: str,
               result: LevelResult) -> None:
    started = time.perf_counter()
    try:
        async with session.post(url, json={"sender_id": sender, "text": text,
                                           "language_hint": lang}) as response:
            body = await response.json()
            elapsed = (time.perf_counter() - started) * 1000
            if response.status != 200 or not body.get("messages"):
                result.errors += 1
                return
            result.latencies_ms.append(elapsed)
            rasa = rasa_time(response.headers.get("Server-Timing", ""))
            if rasa is not None:
                result.rasa_ms.append(rasa)
    except (aiohttp.ClientError, asyncio.TimeoutError, ValueError):
        result.errors += 1


async def run_level(base_url: str, concurrency: int, think: float = 0.0,
                    duration: float = 30.0) -> LevelResult:
    """``concurrency`` residents chat for ``duration`` seconds (a message sent before the end
    is waited for); messages per second counts the answers within that time."""
    result = LevelResult(concurrency)
    url = base_url.rstrip("/") + "/api/messages"
    timeout = aiohttp.ClientTimeout(total=120)
    connector = aiohttp.TCPConnector(limit=0)
    async with aiohttp.ClientSession(timeout=timeout, connector=connector) as session:
        started = time.perf_counter()
        await asyncio.gather(*(resident(session, url, i, result, think, started + duration)
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


def report(results: List[LevelResult], main_runs: List[LevelResult],
           memory: Dict[str, Dict[str, float]], training_s: Optional[float],
           ready_s: Optional[float], target: str, think: float, duration: float,
           chart_name: str) -> str:
    main = main_runs[len(main_runs) // 2]
    rss, pss = memory.get("rss", {}), memory.get("pss", {})
    rasa_median = statistics.median(main.rasa_ms) if main.rasa_ms else float("nan")
    median = main.percentile(50)
    throughput = main.rate
    total_rss = sum(rss.values())
    verdict = lambda ok: "met" if ok else "NOT met"  # noqa: E731
    lines = [
        "# Benchmark: residents chatting through the widget path",
        "",
        f"- date: {dt.datetime.now():%Y-%m-%d %H:%M}; machine: {platform.machine()}, "
        f"{_cpu_count()} cores, Linux {platform.release()}, Python {platform.python_version()}",
        f"- target: {target}; scripted conversations in 8 languages, 2 of them with a handoff; "
        f"each level runs {duration:.0f} s, every resident starting one conversation after "
        "another",
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
        f"| peak PSS, all services | {sum(pss.values()):.0f} MB | |",
        "",
        f"{len(main_runs)} runs of {duration:.0f} s at {main.concurrency} residents; the one with "
        "the median messages per second is shown. All runs: " + "; ".join(
            f"{run.rate:.1f} messages/s, p95 {run.percentile(95):.0f} ms" for run in main_runs)
        + ".",
        "",
        "Peak RSS per service: " + ", ".join(f"{name} {mb:.0f} MB" for name, mb in rss.items()),
        "",
        "RSS counts pages that processes share (the replicas map the same sentence-encoder "
        "weights) once per process; PSS divides them among the sharers. Each service's peak "
        "is summed, so both totals are upper bounds.",
        "",
        "## By concurrency",
        "",
        "| residents | messages | errors | median | p95 | p99 | messages/s | Rasa median |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in results:
        rate = r.rate
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
                  stack: Optional[Stack], think: float, duration: float,
                  repeat: int = 1) -> tuple:
    """Runs every level once and the main level ``repeat`` times; of those, the run with the
    median messages per second is the one reported (this machine is noisy)."""
    await run_level(base_url, 2, duration=5)  # warm-up: load caches, open connections
    results, main_runs = [], []
    for level in levels:
        runs = []
        for _ in range(repeat if level == main_level else 1):
            runs.append(await run_level(base_url, level, think, duration))
            print(f"{level:>4} residents: {runs[-1].rate:.1f} messages/s, p95 "
                  f"{runs[-1].percentile(95):.0f} ms, errors {runs[-1].errors}", flush=True)
        runs.sort(key=lambda run: run.rate)
        results.append(runs[len(runs) // 2])
        if level == main_level:
            main_runs = runs
    memory = {"rss": stack.peak_rss_mb(), "pss": stack.peak_pss_mb()} if stack else {}
    return results, main_runs, memory


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m lotse.benchmark", description=__doc__.split("\n")[0])
    parser.add_argument("--target", help="gateway URL of a running stack (default: start one)")
    parser.add_argument("--residents", type=int, default=50)
    parser.add_argument("--levels", default=",".join(map(str, LEVELS)))
    parser.add_argument("--skip-training", action="store_true")
    parser.add_argument("--think", type=float, default=0.0,
                        help="mean seconds a resident waits before each message (0: none)")
    parser.add_argument("--duration", type=float, default=30.0,
                        help="seconds each concurrency level runs")
    parser.add_argument("--replicas", type=int, default=None,
                        help="Rasa replicas of the started stack (default: one per core, "
                             "at most 2; LOTSE_RASA_REPLICAS)")
    parser.add_argument("--repeat", type=int, default=3,
                        help="runs of the main level; the median one is reported")
    parser.add_argument("--routing", choices=ROUTINGS, default=ROUTINGS[0],
                        help="how the gateway spreads messages over the replicas")
    parser.add_argument("--max-in-flight", type=int, default=DEFAULT_MAX_IN_FLIGHT,
                        help="balanced routing: messages at once per replica (0: no limit)")
    parser.add_argument("--no-screens", action="store_true",
                        help="every message gets the sentence embedding (LOTSE_NLU_SCREENS=off)")
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
            stack = Stack(args.replicas, {"LOTSE_RASA_ROUTING": args.routing,
                                          "LOTSE_RASA_MAX_IN_FLIGHT": str(args.max_in_flight),
                                          **({"LOTSE_NLU_SCREENS": "off"} if args.no_screens
                                             else {})})
            ready_s = stack.start()
            base_url = stack.gateway_url
        results, main_runs, memory = asyncio.run(measure(base_url, levels, args.residents, stack,
                                                         args.think, args.duration,
                                                         max(1, args.repeat)))
    finally:
        if stack:
            stack.stop()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    chart_name = f"{args.out.stem}-latency-by-concurrency.png"
    chart(results, args.out.parent / chart_name)
    routing = f"{args.routing} routing"
    if args.routing == "balanced":
        routing += (f" with at most {args.max_in_flight} messages at once per replica"
                    if args.max_in_flight else " without a limit per replica")
    target = args.target or (f"stack started by the benchmark (embedded defaults: SQLite, "
                             f"{stack.replicas} Rasa replica(s), {routing}; n-gram "
                             f"screens {'off' if args.no_screens else 'on'})")
    args.out.write_text(report(results, main_runs, memory, training_s, ready_s, target,
                               args.think, args.duration, chart_name), encoding="utf-8")
    print(f"report: {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
