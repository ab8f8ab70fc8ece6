"""`frontdesk createadmin --email E [--name N]`: create an administrator.

The password comes from FRONTDESK_ADMIN_PASSWORD or an interactive prompt, never argv
(which other local users can read from the process list).
"""

import getpass
import os
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from frontdesk.accounts.actions import create_user
from frontdesk.core.errors import DomainError


class Command(BaseCommand):
    help = "Create an administrator account."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--email", required=True)
        parser.add_argument("--name", default="")

    def handle(self, *args: Any, **options: Any) -> None:
        password = os.environ.get("FRONTDESK_ADMIN_PASSWORD") or getpass.getpass("Password: ")
        if len(password) < 8:
            raise CommandError("The password needs at least 8 characters.")
        try:
            user = create_user(
                actor=None,
                email=options["email"],
                name=options["name"],
                role="admin",
                password=password,
            )
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(f"Created administrator {user.email}")
