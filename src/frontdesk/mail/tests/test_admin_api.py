"""The email admin API: mailboxes (passwords write-only), the inbound records and retry,
and raw MIME over HTTP (idempotent with the other paths, size-limited)."""

import json
from typing import Any

import pytest
from django.test import Client

from frontdesk.mail import actions
from frontdesk.mail.models import InboundMessage, Mailbox, Source
from frontdesk.mail.tests.conftest import SUPPORT
from frontdesk.tickets.models import Message, Ticket

IMAP_SECRET = "imap-S3cret-do-not-show"
SMTP_SECRET = "smtp-S3cret-do-not-show"


def mailbox_body(**changes: Any) -> dict[str, Any]:
    return {
        "address": "help@desk.example",
        "display_name": "Help",
        "imap_host": "imap.desk.example",
        "imap_username": "help",
        "imap_password": IMAP_SECRET,
        "smtp_host": "smtp.desk.example",
        "smtp_username": "help",
        "smtp_password": SMTP_SECRET,
        **changes,
    }


def no_secret(content: bytes | str) -> None:
    text = content.decode() if isinstance(content, bytes) else content
    assert IMAP_SECRET not in text
    assert SMTP_SECRET not in text


def post_json(client: Client, url: str, body: Any, method: str = "POST") -> Any:
    return client.generic(method, url, json.dumps(body), content_type="application/json")


def test_mailbox_crud_never_shows_a_password(desk: Any, as_user: Any) -> None:
    client = as_user(desk.carol)
    created = post_json(client, "/api/v1/mail/mailboxes", mailbox_body())
    assert created.status_code == 201, created.content
    no_secret(created.content)
    data = created.json()
    assert data["imap_password_set"] is True
    assert data["smtp_password_set"] is True
    assert "imap_password" not in data
    mailbox = Mailbox.objects.get()
    assert mailbox.imap_password == IMAP_SECRET

    # Leaving the password out keeps it; "" removes it.
    body = mailbox_body(display_name="Help desk")
    del body["imap_password"]
    body["smtp_password"] = ""
    changed = post_json(client, f"/api/v1/mail/mailboxes/{mailbox.pk}", body, "PUT")
    assert changed.status_code == 200, changed.content
    mailbox.refresh_from_db()
    assert (mailbox.display_name, mailbox.imap_password, mailbox.smtp_password) == (
        "Help desk",
        IMAP_SECRET,
        "",
    )
    for url in ("/api/v1/mail/mailboxes", f"/api/v1/mail/mailboxes/{mailbox.pk}"):
        response = client.get(url)
        assert response.status_code == 200
        no_secret(response.content)
    assert client.delete(f"/api/v1/mail/mailboxes/{mailbox.pk}").status_code == 204
    assert not Mailbox.objects.exists()


@pytest.mark.parametrize(
    "changes",
    [
        {"imap_password": IMAP_SECRET * 20},  # too long
        {"address": "not an address"},
        {"after_fetch": "move", "move_to_folder": ""},
        {"imap_port": 0},
        {"smtp_security": IMAP_SECRET},
    ],
)
def test_refused_mailbox_settings_do_not_echo_secrets(
    desk: Any, as_user: Any, changes: dict[str, Any]
) -> None:
    response = post_json(as_user(desk.carol), "/api/v1/mail/mailboxes", mailbox_body(**changes))
    assert response.status_code == 422, response.content
    no_secret(response.content)
    assert not Mailbox.objects.exists()


def test_a_duplicate_address_is_refused(desk: Any, as_user: Any) -> None:
    client = as_user(desk.carol)
    assert post_json(client, "/api/v1/mail/mailboxes", mailbox_body()).status_code == 201
    again = post_json(client, "/api/v1/mail/mailboxes", mailbox_body())
    assert (again.status_code, again.json()["code"]) == (422, "mailbox_exists")


def test_the_quarantine_lists_records_and_retry_processes(
    desk: Any, mailbox: Any, make_mail: Any, as_user: Any
) -> None:
    good = actions.ingest(raw=make_mail(), source=Source.CLI, mailbox=mailbox)
    assert good.ticket is not None
    bad = actions.ingest(raw=b"Subject: no sender\r\n\r\nhi\r\n", source=Source.IMAP)
    client = as_user(desk.carol)
    listed = client.get("/api/v1/mail/inbound?state=quarantined").json()
    assert [item["id"] for item in listed["items"]] == [bad.pk]
    assert listed["items"][0]["reason"] == "no_sender"
    everything = client.get("/api/v1/mail/inbound").json()["items"]
    record = next(item for item in everything if item["id"] == good.pk)
    assert record["source"] == "cli"
    assert record["state"] == "processed"
    assert record["signal"] == ""
    assert record["ticket_number"] == good.ticket.number
    assert record["mailbox"] == SUPPORT
    # Retry: a processed one is refused; a quarantined one runs again (still no sender).
    done = client.post(f"/api/v1/mail/inbound/{good.pk}/retry")
    assert (done.status_code, done.json()["code"]) == (422, "already_processed")
    again = client.post(f"/api/v1/mail/inbound/{bad.pk}/retry")
    assert again.status_code == 200
    assert again.json()["attempts"] == 2


def test_raw_mime_over_http_is_idempotent_with_the_other_paths(
    desk: Any, mailbox: Any, make_mail: Any, as_user: Any
) -> None:
    client = as_user(desk.carol)
    raw = make_mail(message_id="<http-1@client.example>")
    url = f"/api/v1/mail/inbound?mailbox={SUPPORT}"
    first = client.post(url, raw, content_type="message/rfc822")
    assert first.status_code == 201, first.content
    assert first.json()["state"] == "processed"
    assert first.json()["source"] == "http"
    same = client.post(url, raw, content_type="message/rfc822")
    assert (same.status_code, same.json()["id"]) == (200, first.json()["id"])
    # The same bytes by the command, the same Message-ID relayed again: one message.
    assert actions.ingest(raw=raw, source=Source.CLI).pk == first.json()["id"]
    relayed = client.post(url, b"Received: by relay\r\n" + raw, content_type="message/rfc822")
    assert (relayed.status_code, relayed.json()["reason"]) == (201, "duplicate")
    assert Ticket.objects.count() == 1
    assert Message.objects.count() == 1


def test_raw_mime_over_http_limits(
    desk: Any, mailbox: Any, make_mail: Any, as_user: Any, settings: Any
) -> None:
    settings.FRONTDESK_MAIL_MAX_BYTES = 2000
    client = as_user(desk.carol)
    big = make_mail(body="x" * 5000)
    response = client.post("/api/v1/mail/inbound", big, content_type="message/rfc822")
    assert (response.status_code, response.json()["code"]) == (413, "message_too_large")
    assert not InboundMessage.objects.exists()
    wrong = client.post("/api/v1/mail/inbound", make_mail(), content_type="text/plain")
    assert (wrong.status_code, wrong.json()["code"]) == (415, "unsupported_media_type")
    unknown = client.post(
        "/api/v1/mail/inbound?mailbox=nobody@x.example", make_mail(), content_type="message/rfc822"
    )
    assert (unknown.status_code, unknown.json()["code"]) == (422, "unknown_mailbox")


def test_raw_mime_over_http_needs_an_admin_token(desk: Any, make_mail: Any, as_user: Any) -> None:
    agent = as_user(desk.alice).post(
        "/api/v1/mail/inbound", make_mail(), content_type="message/rfc822"
    )
    assert agent.status_code == 403
    no_admin_scope = as_user(desk.carol, ("read", "write")).post(
        "/api/v1/mail/inbound", make_mail(), content_type="message/rfc822"
    )
    assert (no_admin_scope.status_code, no_admin_scope.json()["code"]) == (
        403,
        "insufficient_scope",
    )
    assert (
        Client()
        .post("/api/v1/mail/inbound", make_mail(), content_type="message/rfc822")
        .status_code
        == 401
    )
    assert not InboundMessage.objects.exists()


def test_the_pollers_error_never_holds_the_password(desk: Any, monkeypatch: Any) -> None:
    from imapclient.exceptions import LoginError  # type: ignore[import-untyped]

    from frontdesk.mail import imap

    mailbox = actions.save_mailbox(
        actor=desk.carol,
        address="poll@desk.example",
        imap_host="127.0.0.1",
        imap_security="none",
        imap_username="poll",
        imap_password=IMAP_SECRET,
    )

    class Refusing:
        def __enter__(self) -> "Refusing":
            return self

        def __exit__(self, *args: Any) -> None:
            return None

        def login(self, username: str, password: str) -> None:
            raise LoginError(f"[AUTHENTICATIONFAILED] bad password {password}")

    monkeypatch.setattr(imap, "connect", lambda mailbox: Refusing())
    result = imap.poll_mailbox(mailbox.pk)
    mailbox.refresh_from_db()
    assert mailbox.last_error == result.error == "login failed: check the username and password"
    no_secret(mailbox.last_error)
