"""`frontdesk ingest-email [--mailbox ADDRESS] [FILE ...]`: raw RFC 822 messages from files
(one message per file) or from standard input (one message), for an MTA pipe and bulk
import. Prints one line per message: its state, reason and ticket. Exit status 0 when
every message was stored and recorded (quarantined ones included: they are kept); 75
(EX_TEMPFAIL) when one could not be (an unreadable file, a full disk, the database
unreachable), so that an MTA keeps the message and delivers it again later.

Files are taken in batches: each batch is written to the raw store, made durable with one
`sync_store()`, and only then recorded and processed (docs/email.md, "RPO 0")."""

import sys
from itertools import batched
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError

from frontdesk.mail.actions import accept, ingest, ingest_run
from frontdesk.mail.models import InboundMessage, Mailbox, Source
from frontdesk.mail.store import Stored, store_raw, sync_store

BATCH = 200
EX_TEMPFAIL = 75


class Command(BaseCommand):
    help = "Ingest raw RFC 822 email messages from files or standard input."
    # An MTA pipes every message into a fresh process: skip the system checks (they import
    # every URL and API schema, seconds of start-up that `frontdesk run` does anyway).
    requires_system_checks = ()

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
        acknowledge = not options["no_ack"]
        failed = 0
        with ingest_run():
            if not options["files"]:
                try:
                    row = ingest(
                        raw=sys.stdin.buffer,
                        source=Source.CLI,
                        mailbox=mailbox,
                        source_ref="stdin",
                        acknowledge=acknowledge,
                    )
                except (OSError, DatabaseError) as exc:
                    failed += 1
                    self.stderr.write(f"-: not stored ({_describe(exc)})")
                else:
                    self._report("-", row)
            for batch in batched(options["files"], BATCH):
                failed += self._ingest(batch, mailbox, acknowledge=acknowledge)
        if failed:
            raise SystemExit(EX_TEMPFAIL)

    def _ingest(self, names: tuple[str, ...], mailbox: Mailbox | None, *, acknowledge: bool) -> int:
        failed = 0
        stored: list[tuple[str, Stored]] = []
        for name in names:
            try:
                with Path(name).open("rb") as stream:
                    stored.append((name, store_raw(stream, durable=False)))
            except OSError as exc:
                failed += 1
                self.stderr.write(f"{name}: not stored ({_describe(exc)})")
        if stored:
            sync_store()  # the whole batch durable before any of it is recorded
        for name, item in stored:
            try:
                row, _created = accept(
                    item,
                    source=Source.CLI,
                    mailbox=mailbox,
                    source_ref=Path(name).name,
                    acknowledge=acknowledge,
                )
            except DatabaseError as exc:
                failed += 1
                self.stderr.write(f"{name}: not recorded ({_describe(exc)})")
            else:
                self._report(name, row)
        return failed

    def _report(self, name: str, row: InboundMessage) -> None:
        ticket = f" ticket #{row.ticket.number}" if row.ticket else ""
        reason = f" ({row.reason})" if row.reason else ""
        self.stdout.write(f"{name}: {row.state}{reason}{ticket}")


def _describe(exc: BaseException) -> str:
    detail = getattr(exc, "strerror", None)
    return f"{type(exc).__name__}: {detail}" if detail else type(exc).__name__
