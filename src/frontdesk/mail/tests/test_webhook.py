"""The Mailgun raw-MIME webhook (django-anymail): a signed request is ingested with its
exact bytes; unsigned, badly signed or unauthenticated ones change nothing."""

import hashlib
import hmac
from typing import Any

import pytest
from django.test import Client

from frontdesk.mail.models import InboundMessage, Source, State
from frontdesk.mail.store import raw_path
from frontdesk.mail.tests.conftest import SUPPORT

KEY = "key-for-the-tests"
URL = "/hooks/mail/mailgun/mime"


@pytest.fixture(autouse=True)
def _signing_key(settings: Any) -> None:
    settings.ANYMAIL = {"MAILGUN_WEBHOOK_SIGNING_KEY": KEY, "WEBHOOK_SECRET": ""}


def signed(raw: bytes, *, key: str = KEY, token: str = "t" * 50) -> dict[str, str]:
    timestamp = "1795000000"
    signature = hmac.new(key.encode(), f"{timestamp}{token}".encode(), hashlib.sha256)
    return {
        "timestamp": timestamp,
        "token": token,
        "signature": signature.hexdigest(),
        "recipient": f"support+abc@{SUPPORT.split('@')[1]}",
        "sender": "bob@example.com",
        "body-mime": raw.decode(),
    }


def test_a_signed_request_is_ingested_byte_for_byte(
    desk: Any, mailbox: Any, make_mail: Any
) -> None:
    raw = make_mail(body="Grüße, the printer smokes.")
    response = Client().post(URL, signed(raw))
    assert response.status_code == 200, response.content
    row = InboundMessage.objects.get()
    assert (row.source, row.state, row.mailbox) == (Source.WEBHOOK, State.PROCESSED, mailbox)
    assert row.source_ref == "mailgun:" + "t" * 50
    assert raw_path(row.sha256).read_bytes() == raw
    # Mailgun delivering it again changes nothing.
    assert Client().post(URL, signed(raw, token="u" * 50)).status_code == 200
    assert InboundMessage.objects.count() == 1


@pytest.mark.parametrize(
    "tamper",
    [
        lambda form: form.pop("signature"),
        lambda form: form.update(signature="0" * 64),
        lambda form: form.update(timestamp="1795000001"),
    ],
)
def test_an_unsigned_or_forged_request_is_refused(
    desk: Any, mailbox: Any, make_mail: Any, tamper: Any
) -> None:
    form = signed(make_mail())
    tamper(form)
    response = Client().post(URL, form)
    assert (response.status_code, response.json()["code"]) == (403, "webhook_unauthenticated")
    assert not InboundMessage.objects.exists()


def test_basic_auth_is_required_when_configured(
    desk: Any, mailbox: Any, make_mail: Any, settings: Any
) -> None:
    settings.ANYMAIL = {"MAILGUN_WEBHOOK_SIGNING_KEY": KEY, "WEBHOOK_SECRET": "hook:pa55"}
    form = signed(make_mail())
    assert Client().post(URL, form).status_code == 403
    wrong = Client(HTTP_AUTHORIZATION="Basic aG9vazpub3Bl")  # hook:nope
    assert wrong.post(URL, form).status_code == 403
    assert not InboundMessage.objects.exists()
    right = Client(HTTP_AUTHORIZATION="Basic aG9vazpwYTU1")  # hook:pa55
    assert right.post(URL, form).status_code == 200
    assert InboundMessage.objects.count() == 1


def test_without_a_key_or_raw_mime_nothing_is_taken(
    desk: Any, mailbox: Any, make_mail: Any, settings: Any
) -> None:
    form = signed(make_mail())
    del form["body-mime"]
    form["body-plain"] = "parsed mode"
    response = Client().post(URL, form)
    assert (response.status_code, response.json()["code"]) == (422, "raw_mime_required")
    settings.ANYMAIL = {"WEBHOOK_SECRET": ""}
    assert Client().post(URL, signed(make_mail())).status_code == 404
    assert Client().get(URL).status_code == 405
    assert not InboundMessage.objects.exists()


def test_an_oversized_post_is_refused(
    desk: Any, mailbox: Any, make_mail: Any, settings: Any
) -> None:
    from frontdesk.mail import webhook

    settings.FRONTDESK_MAIL_MAX_BYTES = 100
    webhook_overhead = webhook.FORM_OVERHEAD
    form = signed(make_mail(body="x" * (webhook_overhead + 500)))
    response = Client().post(URL, form)
    assert (response.status_code, response.json()["code"]) == (413, "message_too_large")
    assert not InboundMessage.objects.exists()
