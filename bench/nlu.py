"""Benchmark of the understanding step: start-up cost, memory, and time per message.

Run: .venv/bin/python bench/nlu.py (prints figures, one JSON line; writes bench/results/nlu.json)
"""

from __future__ import annotations

import json
import resource
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
RESULTS = ROOT / "bench" / "results" / "nlu.json"
ROUNDS = 5


def _rss_mb() -> float:
    """Peak resident set size of this process so far, in MB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> int:
    """Measure, print, and write the figures."""
    rss_start = _rss_mb()
    started = time.perf_counter()
    from bot.nlu import evaluate, understand, warm_up

    examples = evaluate.load("train") + evaluate.load("heldout")
    import_ms = (time.perf_counter() - started) * 1000
    first = examples[0]
    started = time.perf_counter()
    understand(first.text, first.context)
    first_call_ms = (time.perf_counter() - started) * 1000
    started = time.perf_counter()
    warm_up()
    warm_up_ms = (time.perf_counter() - started) * 1000
    rss_loaded = _rss_mb()

    timings = []
    for _ in range(ROUNDS):
        for example in examples:
            started = time.perf_counter()
            understand(example.text, example.context)
            timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    figures = {
        "messages": len(examples),
        "rounds": ROUNDS,
        "median_ms": round(statistics.median(timings), 3),
        "p95_ms": round(timings[int(len(timings) * 0.95)], 3),
        "max_ms": round(timings[-1], 3),
        "import_ms": round(import_ms, 1),
        "first_call_ms": round(first_call_ms, 1),
        "warm_up_ms": round(warm_up_ms, 1),
        "rss_added_mb": round(rss_loaded - rss_start, 1),
    }
    for name, value in figures.items():
        print(f"{name:>15}: {value}")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
