"""`frontdesk scheduler`: enqueue periodic jobs once per slot (safe to run several)."""

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand

from frontdesk.core.scheduler import run_forever


class Command(BaseCommand):
    help = "Run the periodic job scheduler."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--poll", type=float, default=5.0, help="Seconds between ticks.")

    def handle(self, *args: Any, **options: Any) -> None:
        run_forever(poll_seconds=options["poll"])
