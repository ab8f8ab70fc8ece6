"""The email admin pages: mailboxes with 'test connection', the quarantine, a message's
record and its raw download. Passwords never reach a page."""

import socket
from typing import Any

import pytest
from django.test import Client

from frontdesk.mail import actions
from frontdesk.mail.models import Mailbox, Source
from frontdesk.mail.store import raw_path

SECRET = "pa55-never-on-a-page"


@pytest.fixture
def admin(desk: Any) -> Client:
    client = Client()
    client.force_login(desk.carol)
    return client


def form(**changes: Any) -> dict[str, Any]:
    return {
        "address": "help@desk.example",
        "display_name": "Help",
        "is_active": "on",
        "imap_host": "127.0.0.1",
        "imap_port": "993",
        "imap_security": "tls",
        "imap_username": "help",
        "imap_password": SECRET,
        "imap_folder": "INBOX",
        "poll_interval_seconds": "60",
        "after_fetch": "mark_seen",
        "smtp_host": "",
        "smtp_port": "587",
        "smtp_security": "starttls",
        "smtp_password": "",
        **changes,
    }


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_only_administrators_get_the_pages(desk: Any) -> None:
    for user, status in ((desk.alice, 403), (desk.sam, 403), (desk.bob, 404)):
        client = Client()
        client.force_login(user)
        assert client.get("/desk/admin/mail/").status_code == status
        assert client.get("/desk/admin/mail/inbound/").status_code == status


def test_create_edit_and_test_a_mailbox_without_showing_the_password(
    desk: Any, admin: Client
) -> None:
    created = admin.post("/desk/admin/mail/mailboxes/new/", form())
    assert created.status_code == 302, created.content.decode()[:2000]
    mailbox = Mailbox.objects.get()
    assert mailbox.imap_password == SECRET
    page = admin.get(created["Location"]).content.decode()
    assert SECRET not in page
    assert "A password is stored." in page
    # Saving with the password field empty keeps it.
    assert admin.post(created["Location"], form(imap_password="")).status_code == 302
    mailbox.refresh_from_db()
    assert mailbox.imap_password == SECRET
    # Test connection: a refused port, reported without the secret.
    Mailbox.objects.filter(pk=mailbox.pk).update(imap_security="none", imap_port=closed_port())
    tested = admin.post(f"/desk/admin/mail/mailboxes/{mailbox.pk}/test/imap/", follow=True)
    text = tested.content.decode()
    assert "IMAP: Could not connect (ConnectionRefusedError)." in text
    assert SECRET not in text
    listing = admin.get("/desk/admin/mail/").content.decode()
    assert "help@desk.example" in listing
    assert SECRET not in listing


def test_a_refused_form_does_not_echo_the_password(desk: Any, admin: Client) -> None:
    for changes in ({"address": "nope"}, {"after_fetch": "move", "move_to_folder": ""}):
        response = admin.post("/desk/admin/mail/mailboxes/new/", form(**changes))
        assert response.status_code == 422
        assert SECRET not in response.content.decode()
    assert not Mailbox.objects.exists()


def test_smtp_test_connection_against_a_real_peer(desk: Any, admin: Client) -> None:
    """STARTTLS with a private CA and a login: success; a wrong password and a certificate
    nobody vouches for are reported, never with the password."""
    from frontdesk.outbox.tests.smtp_peer import CREDENTIALS, smtp_peer

    with smtp_peer() as peer:
        mailbox = actions.save_mailbox(
            actor=desk.carol,
            address="out@desk.example",
            smtp_host="127.0.0.1",
            smtp_port=peer.port,
            smtp_security="starttls",
            smtp_username=CREDENTIALS[0],
            smtp_password=CREDENTIALS[1],
            smtp_ca_cert=peer.certificates.ca_pem,
        )
        url = f"/desk/admin/mail/mailboxes/{mailbox.pk}/test/smtp/"
        good = admin.post(url, follow=True).content.decode()
        Mailbox.objects.filter(pk=mailbox.pk).update(smtp_password=SECRET)
        wrong = admin.post(url, follow=True).content.decode()
        Mailbox.objects.filter(pk=mailbox.pk).update(smtp_ca_cert="")
        untrusted = admin.post(url, follow=True).content.decode()
    assert f"SMTP: Connected to 127.0.0.1:{peer.port} and signed in." in good
    assert "SMTP: Login failed: check the username and password." in wrong
    assert "SMTP: The server&#x27;s TLS certificate could not be verified." in untrusted
    for page in (good, wrong, untrusted):
        assert SECRET not in page
        assert CREDENTIALS[1] not in page


def test_quarantine_record_retry_and_raw_download(
    desk: Any, mailbox: Any, make_mail: Any, admin: Client
) -> None:
    raw = b"Subject: no sender\r\n\r\n<script>alert(1)</script>\r\n"
    row = actions.ingest(raw=raw, source=Source.IMAP, mailbox=mailbox)
    listing = admin.get("/desk/admin/mail/inbound/").content.decode()
    assert "no_sender" in listing
    assert f"/desk/admin/mail/inbound/{row.pk}/retry/" in listing
    record = admin.get(f"/desk/admin/mail/inbound/{row.pk}/").content.decode()
    assert "no_sender" in record
    assert f"/desk/admin/mail/inbound/{row.pk}/raw/" in record
    download = admin.get(f"/desk/admin/mail/inbound/{row.pk}/raw/")
    assert download.status_code == 200
    assert download["Content-Type"] == "application/octet-stream"
    assert download["X-Content-Type-Options"] == "nosniff"
    assert download["Content-Disposition"].startswith("attachment;")
    assert download.getvalue() == raw_path(row.sha256).read_bytes() == raw
    retried = admin.post(f"/desk/admin/mail/inbound/{row.pk}/retry/", follow=True)
    assert "Still quarantined" in retried.content.decode()
    ok = actions.ingest(raw=make_mail(), source=Source.CLI, mailbox=mailbox)
    assert ok.ticket is not None
    processed = admin.get("/desk/admin/mail/inbound/?state=processed").content.decode()
    assert f"#{ok.ticket.number}" in processed


def test_the_header_links_to_the_email_settings(desk: Any, admin: Client) -> None:
    assert 'href="/desk/admin/mail/"' in admin.get("/desk/").content.decode()
