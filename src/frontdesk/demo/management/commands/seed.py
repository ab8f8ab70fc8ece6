"""`frontdesk seed --tickets N`: bulk-generate benchmark tickets and print timings as JSON."""

import json
from argparse import ArgumentParser
from dataclasses import asdict
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from frontdesk.demo.seed import seed


class Command(BaseCommand):
    help = "Bulk-generate realistic tickets for benchmarks (bypasses the actions, like a restore)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--tickets", type=int, required=True, help="How many tickets.")
        parser.add_argument("--messages", type=int, default=3, help="Messages per ticket.")
        parser.add_argument("--seed", type=int, default=42, help="Random seed.")
        parser.add_argument("--batch", type=int, default=5000, help="Tickets per transaction.")

    def handle(self, *args: Any, **options: Any) -> None:
        verbose = options["verbosity"] > 1
        try:
            report = seed(
                tickets=options["tickets"],
                messages=options["messages"],
                seed=options["seed"],
                batch=options["batch"],
                progress=(lambda done: self.stderr.write(f"{done} tickets")) if verbose else None,
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(json.dumps(asdict(report)))
