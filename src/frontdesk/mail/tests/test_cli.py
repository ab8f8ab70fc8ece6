"""`frontdesk ingest-email`: files in batches made durable at once, standard input, and
the exit status."""

import io
import sys
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from frontdesk.mail.models import InboundMessage, Source, State
from frontdesk.mail.store import raw_path
from frontdesk.tickets.models import Ticket


def test_files_are_stored_synced_and_processed(
    desk: Any, mailbox: Any, make_mail: Any, tmp_path: Path, monkeypatch: Any
) -> None:
    from frontdesk.mail import store

    syncs: list[int] = []

    def syncfs(fd: int) -> int:
        syncs.append(fd)
        return 0

    monkeypatch.setattr(store, "_syncfs", lambda: syncfs)
    monkeypatch.setattr("frontdesk.mail.management.commands.ingest_email.BATCH", 2)
    files = []
    for n in range(3):
        path = tmp_path / f"m{n}.eml"
        path.write_bytes(make_mail(subject=f"Printer {n}"))
        files.append(str(path))
    out = io.StringIO()
    call_command("ingest_email", *files, "--mailbox", mailbox.address, stdout=out)
    assert len(syncs) == 2  # one per batch, not one per message
    lines = out.getvalue().splitlines()
    assert [line.split(": ")[1].split()[0] for line in lines] == ["processed"] * 3
    rows = InboundMessage.objects.order_by("pk")
    assert [r.source for r in rows] == [Source.CLI] * 3
    assert all(raw_path(r.sha256).exists() and r.mailbox == mailbox for r in rows)
    assert Ticket.objects.count() == 3


def test_standard_input_and_a_missing_file(
    desk: Any, mailbox: Any, make_mail: Any, monkeypatch: Any, tmp_path: Path
) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(make_mail())))
    out = io.StringIO()
    call_command("ingest_email", stdout=out)
    assert out.getvalue().startswith("-: processed")
    with pytest.raises(SystemExit) as exit_status:
        call_command("ingest_email", str(tmp_path / "nope.eml"), stderr=io.StringIO())
    assert exit_status.value.code == 75  # EX_TEMPFAIL: an MTA delivers it again later
    assert InboundMessage.objects.get().state == State.PROCESSED


def test_the_same_file_twice_is_one_message(
    desk: Any, mailbox: Any, make_mail: Any, tmp_path: Path
) -> None:
    path = tmp_path / "m.eml"
    path.write_bytes(make_mail())
    call_command("ingest_email", str(path), str(path), stdout=io.StringIO())
    assert InboundMessage.objects.count() == 1
    assert Ticket.objects.count() == 1
