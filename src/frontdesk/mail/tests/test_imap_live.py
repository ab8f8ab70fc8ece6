"""Live IMAP: a real Dovecot on loopback. Fetch, thread, move, and refuse an unverified
certificate. Skipped when dovecot is not installed, unless FRONTDESK_REQUIRE_DOVECOT=1."""

import os
import ssl
from collections.abc import Iterator
from typing import Any

import pytest
from imapclient import IMAPClient  # type: ignore[import-untyped]

from frontdesk.core import clock
from frontdesk.mail.imap import poll_mailbox
from frontdesk.mail.models import InboundMessage, Mailbox, State
from frontdesk.mail.tests.conftest import SUPPORT, build
from frontdesk.mail.tests.dovecot import Server, dovecot_binary, running_dovecot

if dovecot_binary() is None:
    if os.environ.get("FRONTDESK_REQUIRE_DOVECOT") == "1":
        raise RuntimeError("FRONTDESK_REQUIRE_DOVECOT=1 but dovecot is not installed")
    pytest.skip("dovecot is not installed (apt-get install dovecot-imapd)", allow_module_level=True)


@pytest.fixture(scope="module")
def server(tmp_path_factory: Any) -> Iterator[Server]:
    with running_dovecot(tmp_path_factory.mktemp("dovecot")) as running:
        yield running


def imap(server: Server) -> IMAPClient:
    context = ssl.create_default_context(cadata=server.ca_pem)
    client = IMAPClient(server.host, port=server.port, ssl=True, ssl_context=context, timeout=10)
    client.login(server.user, server.password)
    return client


def deliver(server: Server, *messages: bytes) -> None:
    with imap(server) as client:
        for raw in messages:
            client.append("INBOX", raw)


def folder_count(server: Server, folder: str, criteria: str = "ALL") -> int:
    with imap(server) as client:
        client.select_folder(folder, readonly=True)
        return len(client.search(criteria))


@pytest.fixture
def imap_mailbox(desk: Any, server: Server) -> Mailbox:
    now = clock.now()
    with imap(server) as client:  # every test starts with empty folders
        for folder in ("INBOX", "Processed"):
            client.select_folder(folder)
            uids = client.search("ALL")
            if uids:
                client.delete_messages(uids)
                client.expunge()
    return Mailbox.objects.create(
        address=SUPPORT,
        default_team=desk.support,
        imap_host=server.host,
        imap_port=server.port,
        imap_username=server.user,
        imap_password=server.password,
        imap_ca_cert=server.ca_pem,
        created_at=now,
        updated_at=now,
    )


def test_fetch_thread_and_mark_seen(desk: Any, server: Server, imap_mailbox: Mailbox) -> None:
    deliver(server, build(message_id="<first@c>"), build(subject="Re: x", In_Reply_To="<first@c>"))
    result = poll_mailbox(imap_mailbox.pk)
    assert (result.fetched, result.failed, result.error) == (2, 0, "")
    rows = list(InboundMessage.objects.order_by("pk"))
    assert [r.state for r in rows] == [State.PROCESSED, State.PROCESSED]
    assert rows[1].ticket == rows[0].ticket
    assert rows[1].signal == "in_reply_to"
    assert folder_count(server, "INBOX", "UNSEEN") == 0
    imap_mailbox.refresh_from_db()
    assert imap_mailbox.uid_validity
    assert imap_mailbox.last_uid == 2
    # Nothing new: nothing fetched again.
    assert poll_mailbox(imap_mailbox.pk).fetched == 0


def test_move_after_fetch(desk: Any, server: Server, imap_mailbox: Mailbox) -> None:
    Mailbox.objects.filter(pk=imap_mailbox.pk).update(
        after_fetch="move", move_to_folder="Processed"
    )
    deliver(server, build())
    assert poll_mailbox(imap_mailbox.pk).fetched == 1
    assert folder_count(server, "INBOX") == 0
    assert folder_count(server, "Processed") == 1


def test_one_bad_message_does_not_block_the_rest(
    desk: Any, server: Server, imap_mailbox: Mailbox
) -> None:
    deliver(server, b"Subject: no sender at all\r\n\r\nbody\r\n", build())
    result = poll_mailbox(imap_mailbox.pk)
    assert result.fetched == 2
    states = sorted(InboundMessage.objects.values_list("state", flat=True))
    assert states == [State.PROCESSED, State.QUARANTINED]


def test_unverified_certificate_is_refused(
    desk: Any, server: Server, imap_mailbox: Mailbox
) -> None:
    Mailbox.objects.filter(pk=imap_mailbox.pk).update(imap_ca_cert="")
    deliver(server, build())
    result = poll_mailbox(imap_mailbox.pk)
    assert result.error == "the server's TLS certificate could not be verified"
    imap_mailbox.refresh_from_db()
    assert imap_mailbox.consecutive_failures == 1
    assert imap_mailbox.next_poll_at is not None
    assert InboundMessage.objects.count() == 0


def test_wrong_password_backs_off_without_leaking_it(
    desk: Any, server: Server, imap_mailbox: Mailbox
) -> None:
    Mailbox.objects.filter(pk=imap_mailbox.pk).update(imap_password="wrong-Pa55word-xyz")
    first = poll_mailbox(imap_mailbox.pk)
    second = poll_mailbox(imap_mailbox.pk)
    imap_mailbox.refresh_from_db()
    assert imap_mailbox.consecutive_failures == 2
    assert "wrong-Pa55word-xyz" not in first.error + second.error + imap_mailbox.last_error
    assert imap_mailbox.next_poll_at is not None
    assert imap_mailbox.last_polled_at is not None
    assert imap_mailbox.next_poll_at - imap_mailbox.last_polled_at > __import__(
        "datetime"
    ).timedelta(seconds=imap_mailbox.poll_interval_seconds * 2)
