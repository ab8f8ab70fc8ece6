"""`frontdesk chatwidget create --name N --origins "https://a.example https://b.example"
[--team ID] [--calendar ID] [--identity-secret S]`: prints the widget key, for the
script tag's `data-widget`."""

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from frontdesk.chat.actions import create_widget
from frontdesk.core.errors import DomainError


class Command(BaseCommand):
    help = "Manage live chat widgets."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="Create a widget and print its key.")
        create.add_argument("--name", required=True)
        create.add_argument("--origins", required=True, help="Allowed origins, space-separated.")
        create.add_argument("--team", type=int, default=None)
        create.add_argument("--calendar", type=int, default=None, help="Business calendar id.")
        create.add_argument("--identity-secret", default="", help="Signs host-site identities.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            widget = create_widget(
                actor=None,
                name=options["name"],
                allowed_origins=options["origins"],
                team_id=options["team"],
                calendar_id=options["calendar"],
                identity_secret=options["identity_secret"],
            )
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(widget.key)
