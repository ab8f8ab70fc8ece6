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
        parser.add_argument(
            "--messages",
            default="3",
            help="Messages per ticket: a number (3) or a range (3-5, uniformly).",
        )
        parser.add_argument(
            "--no-search",
            action="store_true",
            help="Skip the search documents (then run `frontdesk search reindex`).",
        )
        parser.add_argument("--seed", type=int, default=42, help="Random seed.")
        parser.add_argument("--batch", type=int, default=5000, help="Tickets per transaction.")

    def handle(self, *args: Any, **options: Any) -> None:
        verbose = options["verbosity"] > 1
        low, _, high = str(options["messages"]).partition("-")
        try:
            report = seed(
                tickets=options["tickets"],
                messages=int(low),
                messages_max=int(high) if high else 0,
                search=not options["no_search"],
                seed=options["seed"],
                batch=options["batch"],
                progress=(lambda done: self.stderr.write(f"{done} tickets")) if verbose else None,
            )
        except ValueError as exc:  # also a --messages that is not a number or a range
            raise CommandError(str(exc)) from exc
        self.stdout.write(json.dumps(asdict(report)))
