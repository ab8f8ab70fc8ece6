"""The corpus: CPython's test_email messages and our own fixtures go through the whole
pipeline with no uncaught exception; each becomes a ticket, a message or a quarantine entry
with a reason; our fixtures' expected threading is met exactly (accuracy 100%)."""

import dataclasses
import importlib.util
from pathlib import Path
from typing import Any

import pytest

from frontdesk.mail.actions import ingest as _ingest
from frontdesk.mail.models import InboundMessage, Source, State
from frontdesk.mail.tests.conftest import SUPPORT
from frontdesk.mail.tests.corpus import Case, corpus, mail, std
from frontdesk.tickets.models import Attachment, Ticket
from frontdesk.tickets.reply_tokens import reply_address


def ingest(**kwargs: Any) -> Any:
    return _ingest(**kwargs)


def cpython_corpus() -> Path | None:
    spec = importlib.util.find_spec("test")
    if spec is None or not spec.submodule_search_locations:
        return None
    folder = Path(next(iter(spec.submodule_search_locations))) / "test_email" / "data"
    return folder if folder.is_dir() else None


def check_outcome(row: InboundMessage) -> None:
    assert row.state in (State.PROCESSED, State.IGNORED, State.QUARANTINED)
    if row.state == State.PROCESSED:
        assert row.ticket_id is not None
        assert row.ticket_message_id is not None
    else:
        assert row.reason, f"{row.pk} has no reason"


def test_cpython_email_corpus(desk: Any, mailbox: Any) -> None:
    folder = cpython_corpus()
    if folder is None:
        pytest.skip("CPython's test package (test/test_email/data) is not installed")
    files = sorted(folder.glob("msg_*.txt"))
    assert len(files) >= 40
    for path in files:
        row = ingest(
            raw=path.read_bytes(), source=Source.CLI, mailbox=mailbox, source_ref=path.name
        )
        check_outcome(row)
    assert InboundMessage.objects.count() == len({p.read_bytes() for p in files})


def test_our_fixture_corpus_threads_every_message_as_expected(desk: Any, mailbox: Any) -> None:
    cases = corpus()
    assert len(cases) >= 40
    tickets: dict[str, Ticket] = {}
    right = 0
    for case in cases:
        if case.name == "cc-reply-by-participant-token":
            token_to = reply_address(SUPPORT, tickets["gmail-new"].number)
            case = dataclasses.replace(
                case,
                raw=mail(
                    std("tok1@example.com", subject="no headers kept") | {"To": token_to}, "ok"
                ),
            )
        row = ingest(raw=case.raw, source=Source.CLI, mailbox=mailbox, source_ref=case.name)
        check_outcome(row)
        assert (row.state, case.name) == (case.state, case.name), (row.reason, row.detail)
        if case.reason:
            assert row.reason == case.reason, case.name
        if row.state == State.PROCESSED:
            assert row.ticket is not None
            if case.thread:
                assert row.ticket == tickets[case.thread], case.name
                assert row.signal == case.signal, case.name
            else:
                assert row.signal == "", case.name
                assert row.ticket not in tickets.values(), case.name
                tickets[case.name] = row.ticket
            assert row.ticket_message is not None
            assert row.ticket_message.kind == case.kind, case.name
        right += 1
    assert right == len(cases)  # threading accuracy 100%


def test_content_of_hostile_and_inline_mail(desk: Any, mailbox: Any) -> None:
    by_name = {c.name: c for c in corpus(huge_bytes=10)}
    hostile = ingest(raw=by_name["hostile-html"].raw, source=Source.CLI, mailbox=mailbox)
    html = hostile.ticket_message.body_html
    for bad in ("<script", "onclick", "javascript:", "<iframe", "<style", 'src="https://tracker'):
        assert bad not in html
    assert "remote image from tracker.example" in html
    inline = ingest(raw=by_name["inline-cid-image"].raw, source=Source.CLI, mailbox=mailbox)
    attachment = Attachment.objects.get(message=inline.ticket_message)
    assert f"/api/v1/attachments/{attachment.pk}/download" in inline.ticket_message.body_html
    assert attachment.content_type == "image/png"
    names = ingest(raw=by_name["path-traversal-filename"].raw, source=Source.CLI, mailbox=mailbox)
    files = sorted(
        Attachment.objects.filter(message=names.ticket_message).values_list("file_name", flat=True)
    )
    assert all("/" not in f and "\r" not in f and "\n" not in f for f in files)
    assert "passwd" in files
    quoted = ingest(
        raw=mail(
            std("q@example.com", subject="quoted") | {"Content-Type": "text/plain"},
            "New text.\n\nOn Mon, Nov 23, 2026 at 10:00 AM Support wrote:\n> old text\n",
        ),
        source=Source.CLI,
        mailbox=mailbox,
    )
    body = quoted.ticket_message.body_html
    assert body.index("New text.") < body.index("<hr><blockquote>") < body.index("old text")
    assert "old text" in quoted.ticket_message.body_text  # the full body is kept


def test_huge_attachment_is_left_out_but_kept_raw(desk: Any, mailbox: Any, settings: Any) -> None:
    settings.FRONTDESK_MAX_ATTACHMENT_BYTES = 1000
    case = next(c for c in corpus(huge_bytes=5000) if c.name == "huge-attachment")
    row = ingest(raw=case.raw, source=Source.CLI, mailbox=mailbox)
    assert row.state == State.PROCESSED
    assert "big.bin" in row.detail
    assert not Attachment.objects.filter(message=row.ticket_message).exists()


def test_oversized_message_is_quarantined(desk: Any, mailbox: Any, settings: Any) -> None:
    settings.FRONTDESK_MAIL_MAX_BYTES = 2000
    case = next(c for c in corpus(huge_bytes=5000) if c.name == "huge-attachment")
    row = ingest(raw=case.raw, source=Source.CLI, mailbox=mailbox)
    assert (row.state, row.reason) == (State.QUARANTINED, "too_large")
    assert row.size == len(case.raw)


_ = Case
