"""`frontdesk reports rebuild [--stale]`: the metric rows rebuilt from the event log."""

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from frontdesk.reports.actions import rebuild_all, sweep_stale


class Command(BaseCommand):
    help = "Report maintenance: `rebuild` recomputes every ticket's metric row."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["rebuild"])
        parser.add_argument(
            "--stale", action="store_true", help="only rows behind their ticket (last hour)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        count = sweep_stale() if options["stale"] else rebuild_all()
        elapsed = time.monotonic() - started
        self.stdout.write(f"rebuilt the metrics of {count} tickets in {elapsed:.1f} s")
