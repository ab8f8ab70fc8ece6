"""`frontdesk intakesource create --name N --as EMAIL [--mapping JSON] [--channel C]
[--team ID]`: a generic inbound webhook source. Prints only its token (shown once)."""

import json
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from frontdesk.accounts.models import User
from frontdesk.core.errors import DomainError
from frontdesk.intake.actions import create_source


class Command(BaseCommand):
    help = "Manage generic inbound webhook sources."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="Create a source and print its token.")
        create.add_argument("--name", required=True)
        create.add_argument("--as", dest="as_user", required=True, help="Staff account email.")
        create.add_argument("--mapping", default="{}", help="JSON: ticket field -> path.")
        create.add_argument("--channel", default="api")
        create.add_argument("--team", type=int, default=None, help="Default team id.")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(email=options["as_user"].lower()).first()
        if user is None:
            raise CommandError(f"No user {options['as_user']}.")
        try:
            mapping = json.loads(options["mapping"])
        except ValueError as exc:
            raise CommandError(f"--mapping is not JSON: {exc}") from exc
        try:
            _, token = create_source(
                actor=None,
                name=options["name"],
                as_user_id=user.pk,
                mapping=mapping,
                channel=options["channel"],
                default_team_id=options["team"],
            )
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(token)
