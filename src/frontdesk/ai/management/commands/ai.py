"""`frontdesk ai train|evaluate|status`: the offline triage model from the command line."""

import json
import time
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from frontdesk.ai import actions, synthetic, triage


class Command(BaseCommand):
    help = "Offline AI: train the triage model, evaluate it, show the active version."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        train = sub.add_parser("train", help="Train a new version on this instance's tickets.")
        train.add_argument("--min-examples", type=int, default=actions.DEFAULT_MIN_EXAMPLES)
        evaluate = sub.add_parser(
            "evaluate",
            help="Train and evaluate on the generated labelled data set (no database), "
            "beside a keyword-rule baseline.",
        )
        evaluate.add_argument("--tickets", type=int, default=5_000)
        evaluate.add_argument("--noise", type=float, default=0.1)
        sub.add_parser("status", help="The active version and its held-out metrics.")

    def handle(self, *args: Any, **options: Any) -> None:
        match options["action"]:
            case "train":
                trained = actions.train_model(min_examples=options["min_examples"])
                if trained.error:
                    raise CommandError(trained.error)
                self.stdout.write(json.dumps(_summary(trained)))
            case "status":
                active = actions.active_model()
                summary = _summary(active) if active is not None else {"version": None}
                self.stdout.write(json.dumps(summary))
            case "evaluate":
                self.stdout.write(json.dumps(_evaluate(options["tickets"], options["noise"])))


def _summary(row: Any) -> dict[str, Any]:
    return {
        "version": row.pk,
        "state": row.state,
        "examples": row.n_examples,
        "similar_indexed": row.n_similar,
        "duration_ms": row.duration_ms,
        "fields": {
            name: {k: v for k, v in m.items() if k in ("accuracy", "macro_f1", "reason")}
            for name, m in row.metrics.items()
        },
    }


def _evaluate(count: int, noise: float) -> dict[str, Any]:
    examples = synthetic.example_list(count, seed=1, noise=noise)
    held_out = synthetic.example_list(max(1, count // 5), seed=2, noise=noise)
    started = time.perf_counter()
    result = triage.train(examples)
    seconds = time.perf_counter() - started
    return {
        "train_tickets": count,
        "held_out_tickets": len(held_out),
        "noise": noise,
        "train_seconds": round(seconds, 2),
        "model": triage.evaluate(result.bundle, held_out),
        "keyword_baseline": synthetic.keyword_baseline(held_out),
    }
