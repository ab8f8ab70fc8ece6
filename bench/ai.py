"""Offline AI benchmark: triage training time on 100k tickets, prediction latency per ticket,
similar-ticket lookup latency. Pure CPU, no database (the model code is the same as
`frontdesk ai train` runs after reading the tickets).

    .venv/bin/python bench/ai.py                     # 100k tickets, 500 predictions
    BENCH_AI_TICKETS=20000 .venv/bin/python bench/ai.py

The tickets are the generated labelled set of `frontdesk.ai.synthetic` (5 topics, 10 %
label noise); each body is padded with filler sentences to BENCH_AI_BODY_WORDS words so
the text is closer to real first messages. Prediction latency is one ticket at a time (as
at ticket creation), nearest-rank p50/p95/p99 over BENCH_AI_PREDICTIONS held-out tickets;
similar-ticket lookups query an index of BENCH_AI_SIMILAR solved tickets (the app indexes
at most 20,000). Results go to bench/results/ai.json.
"""

from __future__ import annotations

import json
import math
import os
import platform
import random
import sys
import time
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from frontdesk.ai import similar, synthetic, triage  # noqa: E402

TICKETS = int(os.environ.get("BENCH_AI_TICKETS", "100000"))
PREDICTIONS = int(os.environ.get("BENCH_AI_PREDICTIONS", "500"))
SIMILAR = int(os.environ.get("BENCH_AI_SIMILAR", "20000"))
BODY_WORDS = int(os.environ.get("BENCH_AI_BODY_WORDS", "80"))
FILLER = [
    *[
        "we",
        "tried",
        "restarting",
        "it",
        "but",
        "nothing",
        "changed",
        "and",
        "the",
        "team",
        "is",
        "waiting",
        "on",
        "this",
    ],
    *[
        "since",
        "the",
        "morning",
        "so",
        "any",
        "update",
        "would",
        "be",
        "appreciated",
        "thank",
        "you",
        "for",
        "looking",
    ],
    *[
        "into",
        "it",
        "quickly",
        "our",
        "office",
        "uses",
        "the",
        "standard",
        "setup",
        "you",
        "installed",
        "last",
        "year",
    ],
]


def padded(examples: list[triage.Example], seed: int) -> list[triage.Example]:
    rng = random.Random(seed)
    out = []
    for e in examples:
        extra = " ".join(rng.choice(FILLER) for _ in range(BODY_WORDS))
        out.append(replace(e, body=f"{e.body} {extra}"))
    return out


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def main() -> None:
    print(f"command: {' '.join(sys.argv)}  tickets={TICKETS}", flush=True)
    load = os.getloadavg()
    load_before = [round(x, 2) for x in load]
    examples = padded(synthetic.example_list(TICKETS, seed=1, noise=0.1), 1)
    started, cpu = time.perf_counter(), time.process_time()
    result = triage.train(examples)
    train_seconds = time.perf_counter() - started
    train_cpu = time.process_time() - cpu
    print(f"trained in {train_seconds:.1f} s ({train_cpu:.1f} s CPU)", flush=True)

    held_out = padded(synthetic.example_list(PREDICTIONS, seed=2, noise=0.1), 2)
    accuracy = triage.evaluate(result.bundle, held_out)
    result.bundle.predict(held_out[0])  # warm-up
    latencies, cpu_times = [], []
    for example in held_out:
        t, c = time.perf_counter(), time.process_time()
        result.bundle.predict(example)
        latencies.append((time.perf_counter() - t) * 1000)
        cpu_times.append((time.process_time() - c) * 1000)

    docs = [f"{e.subject}\n{e.subject}\n{e.body}" for e in examples[:SIMILAR]]
    started = time.perf_counter()
    index = similar.build_index(list(range(len(docs))), docs)
    index_seconds = time.perf_counter() - started
    assert index is not None
    lookups = []
    for example in held_out[:200]:
        t = time.perf_counter()
        index.query(f"{example.subject}\n{example.body}", limit=20)
        lookups.append((time.perf_counter() - t) * 1000)

    report = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        "load_average_before": load_before,
        "load_average_after": [round(x, 2) for x in os.getloadavg()],
        "tickets": TICKETS,
        "body_words": BODY_WORDS,
        "train_seconds": round(train_seconds, 1),
        "train_cpu_seconds": round(train_cpu, 1),
        "held_out": accuracy,
        "predict_ms": {
            "p50": round(percentile(latencies, 50), 2),
            "p95": round(percentile(latencies, 95), 2),
            "p99": round(percentile(latencies, 99), 2),
        },
        "predict_cpu_ms": {
            "p50": round(percentile(cpu_times, 50), 2),
            "p95": round(percentile(cpu_times, 95), 2),
        },
        "similar_index": {"tickets": len(docs), "build_seconds": round(index_seconds, 1)},
        "similar_ms": {
            "p50": round(percentile(lookups, 50), 2),
            "p95": round(percentile(lookups, 95), 2),
        },
    }
    out = ROOT / "bench" / "results" / "ai.json"
    out.write_text(json.dumps(report, indent=1) + "\n")
    print(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
