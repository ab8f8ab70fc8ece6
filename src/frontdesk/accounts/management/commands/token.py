"""`frontdesk token create --user EMAIL --scopes read,write[,admin] [--name N] [--days D]`.

Prints only the secret on stdout, so `TOKEN=$(frontdesk token create ...)` works.
"""

from argparse import ArgumentParser
from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from frontdesk.accounts.actions import create_api_token
from frontdesk.accounts.models import User
from frontdesk.core import clock
from frontdesk.core.errors import DomainError


class Command(BaseCommand):
    help = "Manage API tokens."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="Issue a token and print its secret.")
        create.add_argument("--user", required=True, help="Email of the token's owner.")
        create.add_argument("--scopes", default="read,write")
        create.add_argument("--name", default="command line")
        create.add_argument("--days", type=int, default=None, help="Expire after D days.")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(email=options["user"].lower(), is_active=True).first()
        if user is None:
            raise CommandError(f"No active user {options['user']}.")
        scopes = [s.strip() for s in options["scopes"].split(",") if s.strip()]
        expires = clock.now() + timedelta(days=options["days"]) if options["days"] else None
        try:
            # The command line acts with the owner's own authority.
            _, secret = create_api_token(
                actor=user, user=user, name=options["name"], scopes=scopes, expires_at=expires
            )
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(secret)
