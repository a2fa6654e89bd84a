"""The benchmark's report (numbers are measured by `./lotse.sh bench`, never asserted here)."""
from lotse.benchmark import LevelResult, report


def level(concurrency, rate, latency_ms, seconds=10.0):
    messages = int(rate * seconds)
    return LevelResult(concurrency, latencies_ms=[latency_ms] * messages,
                       rasa_ms=[latency_ms / 2] * messages, seconds=seconds)


def test_report_shows_the_median_run_and_judges_it_against_the_targets():
    runs = sorted([level(50, 30.0, 900.0), level(50, 45.0, 120.0), level(50, 41.0, 140.0)],
                  key=lambda run: run.rate)
    text = report([level(1, 14.0, 40.0), runs[1]], runs,
                  {"rss": {"rasa": 800.0, "rasa2": 800.0}, "pss": {"rasa": 650.0}},
                  200.0, 15.0, "a test stack", 0.0, 10.0, "chart.png")
    assert "| messages per second | 41.0 | ≥ 40: met |" in text
    assert "| latency p95 | 140 ms | ≤ 150 ms: met |" in text
    assert "30.0 messages/s, p95 900 ms; 41.0 messages/s, p95 140 ms; 45.0 messages/s" in text
    assert "| peak RSS, all services | 1600 MB | ≤ 2.5 GB: met |" in text
    assert "| peak PSS, all services | 650 MB | |" in text
    assert "| 1 | 140 | 0 | 40 | 40 | 40 | 14.0 | 20 |" in text


def test_targets_not_met_are_said_so():
    slow = [level(50, 20.0, 2000.0)]
    text = report(slow, slow, {}, None, None, "a test stack", 3.0, 10.0, "chart.png")
    assert "≥ 40: NOT met" in text and "≤ 150 ms: NOT met" in text
    assert "model training time: not measured" in text
