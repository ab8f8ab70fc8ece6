"""`frontdesk ingest-email [--mailbox ADDRESS] [FILE ...]`: raw RFC 822 messages from files
(one message per file) or from standard input (one message), for an MTA pipe and bulk
import. Prints one line per message: its state, reason and ticket. Exit status 0 when
every message was stored (quarantined ones included: they are kept), 1 otherwise."""

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from frontdesk.mail.actions import ingest
from frontdesk.mail.models import Mailbox, Source


class Command(BaseCommand):
    help = "Ingest raw RFC 822 email messages from files or standard input."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="*", help="message files; none: standard input")
        parser.add_argument("--mailbox", help="the address the mail was sent to")
        parser.add_argument("--no-ack", action="store_true", help="never acknowledge (bulk import)")

    def handle(self, *args: Any, **options: Any) -> None:
        mailbox = None
        if options["mailbox"]:
            mailbox = Mailbox.objects.filter(address=options["mailbox"].strip().lower()).first()
            if mailbox is None:
                raise CommandError(f"No mailbox {options['mailbox']!r}.")
        failed = 0
        sources = options["files"] or ["-"]
        for name in sources:
            try:
                if name == "-":
                    row = ingest(
                        raw=sys.stdin.buffer,
                        source=Source.CLI,
                        mailbox=mailbox,
                        source_ref="stdin",
                        acknowledge=not options["no_ack"],
                    )
                else:
                    with Path(name).open("rb") as stream:
                        row = ingest(
                            raw=stream,
                            source=Source.CLI,
                            mailbox=mailbox,
                            source_ref=Path(name).name,
                            acknowledge=not options["no_ack"],
                        )
            except OSError as exc:
                failed += 1
                self.stderr.write(f"{name}: not stored ({type(exc).__name__}: {exc.strerror})")
                continue
            ticket = f" ticket #{row.ticket.number}" if row.ticket else ""
            reason = f" ({row.reason})" if row.reason else ""
            self.stdout.write(f"{name}: {row.state}{reason}{ticket}")
        if failed:
            raise SystemExit(1)
