"""`frontdesk search reindex [--pending]`: rebuild the search index from the tickets."""

import json
from argparse import ArgumentParser
from dataclasses import asdict
from typing import Any

from django.core.management.base import BaseCommand

from frontdesk.search.actions import flush_pending, reindex_all


class Command(BaseCommand):
    help = "Search index maintenance: `reindex` rebuilds every ticket's document."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        reindex = sub.add_parser("reindex", help="Rebuild the search documents.")
        reindex.add_argument(
            "--pending",
            action="store_true",
            help="Only the tickets queued by changes whose rebuild did not run (after a crash).",
        )
        reindex.add_argument("--batch", type=int, default=2000, help="Tickets per transaction.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["pending"]:
            self.stdout.write(json.dumps({"documents": flush_pending()}))
            return
        verbose = options["verbosity"] > 1
        report = reindex_all(
            batch=options["batch"],
            progress=(lambda done: self.stderr.write(f"{done} documents")) if verbose else None,
        )
        self.stdout.write(json.dumps(asdict(report)))
