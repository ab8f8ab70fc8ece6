"""`frontdesk alertsource create --name N --as EMAIL [--requester E] [--team ID]
[--on-resolved note|solve] [--dedupe-by alert|group] [--note-interval S]`.

Prints only the source's token on stdout (shown once; only its hash is kept).
"""

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from frontdesk.accounts.models import User
from frontdesk.alerts.actions import create_source
from frontdesk.alerts.choices import DedupeBy, OnResolved
from frontdesk.core.errors import DomainError


class Command(BaseCommand):
    help = "Manage monitoring alert sources."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="Create a source and print its token.")
        create.add_argument("--name", required=True)
        create.add_argument("--as", dest="as_user", required=True, help="Staff account email.")
        create.add_argument("--requester", default="", help="Contact the tickets are for.")
        create.add_argument("--team", type=int, default=None, help="Default team id.")
        create.add_argument("--on-resolved", choices=OnResolved.values, default=OnResolved.NOTE)
        create.add_argument("--dedupe-by", choices=DedupeBy.values, default=DedupeBy.ALERT)
        create.add_argument("--note-interval", type=int, default=300, help="Seconds.")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(email=options["as_user"].lower()).first()
        if user is None:
            raise CommandError(f"No user {options['as_user']}.")
        try:
            _, token = create_source(
                actor=None,
                name=options["name"],
                as_user_id=user.pk,
                requester_email=options["requester"],
                default_team_id=options["team"],
                on_resolved=options["on_resolved"],
                dedupe_by=options["dedupe_by"],
                note_interval_seconds=options["note_interval"],
            )
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(token)
