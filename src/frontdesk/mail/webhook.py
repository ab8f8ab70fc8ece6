"""Provider inbound webhooks through django-anymail: Mailgun's raw-MIME route.

Mailgun posts a received message as a form whose `body-mime` field holds the message as
sent, when the route's forward() URL ends in `mime`: `/hooks/mail/mailgun/mime`. Anymail's
`MailgunInboundWebhookView` checks the request (HMAC signature with the webhook signing
key `FRONTDESK_MAILGUN_WEBHOOK_SIGNING_KEY`, and HTTP basic auth when
`FRONTDESK_ANYMAIL_WEBHOOK_SECRET` is set) and sends anymail's `inbound` signal; our
receiver hands the exact bytes to the pipeline (`actions.ingest`, source `webhook`).

The form is read here, not by Django's form parser: a form field is limited to
DATA_UPLOAD_MAX_MEMORY_SIZE and decoded as UTF-8, while a message may be up to
FRONTDESK_MAIL_MAX_BYTES and in any charset. The body is read up to that limit (413
beyond), the fields are parsed from the bytes, and `body-mime` keeps its bytes exactly.

Answers: 200 once the message is stored and recorded (Mailgun then forgets it); 403 for a
request that fails the checks; 404 while no signing key is configured; 413 too large;
422 without `body-mime` (a route not ending in `mime`). Mailgun retries anything but 200
and 406 for hours, so a message is never lost to a passing failure.
"""

import json
import logging
from email import policy
from email.parser import BytesParser
from typing import Any
from urllib.parse import parse_qsl

from anymail.exceptions import (  # type: ignore[import-untyped]
    AnymailWebhookValidationFailure,
)
from anymail.signals import AnymailInboundEvent, inbound  # type: ignore[import-untyped]
from anymail.webhooks.mailgun import (  # type: ignore[import-untyped]
    MailgunInboundWebhookView,
)
from django.conf import settings
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, QueryDict
from django.utils.datastructures import MultiValueDict
from django.views.decorators.csrf import csrf_exempt

from frontdesk.mail.actions import ingest
from frontdesk.mail.models import Mailbox, Source

log = logging.getLogger(__name__)

RAW_FIELD = "body-mime"
FORM_OVERHEAD = 1 << 20  # the other fields and the multipart framing


class MailgunRawInbound(MailgunInboundWebhookView):  # type: ignore[misc]
    """Anymail's Mailgun inbound view; the checks and the signal are anymail's."""


def _json(status: int, code: str, message: str) -> HttpResponse:
    body = json.dumps({"code": code, "message": message, "details": None})
    return HttpResponse(body, status=status, content_type="application/json")


@csrf_exempt
def mailgun_inbound(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _json(405, "method_not_allowed", "POST a message here.")
    if not settings.ANYMAIL.get("MAILGUN_WEBHOOK_SIGNING_KEY"):
        return _json(404, "not_configured", "The Mailgun webhook is not configured.")
    limit = settings.FRONTDESK_MAIL_MAX_BYTES + FORM_OVERHEAD
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > limit:
        return _json(413, "message_too_large", "The message is over the size limit.")
    body = request.read(limit + 1)
    if len(body) > limit:
        return _json(413, "message_too_large", "The message is over the size limit.")
    fields = _form_fields(request.content_type or "", request.META.get("CONTENT_TYPE", ""), body)
    del body
    raw = next((value for name, value in fields if name == RAW_FIELD), None)
    post = QueryDict(mutable=True)
    for name, value in fields:
        post.appendlist(name, value.decode("utf-8", "replace"))
    post._mutable = False
    request._post = post  # type: ignore[attr-defined]
    request._files = MultiValueDict()  # type: ignore[attr-defined]
    request.frontdesk_raw_mime = raw  # type: ignore[attr-defined]
    view = MailgunRawInbound()
    view.setup(request)
    try:
        view.run_validators(request)
    except AnymailWebhookValidationFailure:
        log.warning("refused a Mailgun webhook request that failed its checks")
        return _json(403, "webhook_unauthenticated", "The request failed the webhook checks.")
    if raw is None:
        return _json(422, "raw_mime_required", "Forward to a URL ending in 'mime'.")
    response: HttpResponse = view.post(request)  # anymail: the checks again, then the signal
    return response


def _form_fields(content_type: str, header: str, body: bytes) -> list[tuple[str, bytes]]:
    """(name, bytes) of each field of a multipart/form-data or urlencoded body."""
    if content_type == "application/x-www-form-urlencoded":
        return [
            (name.decode("utf-8", "replace"), value)
            for name, value in parse_qsl(body, keep_blank_values=True, max_num_fields=1000)
        ]
    if content_type != "multipart/form-data":
        return []
    head = b"Content-Type: " + header.encode("latin-1", "replace") + b"\r\n\r\n"
    form = BytesParser(policy=policy.default).parsebytes(head + body)
    fields = []
    for part in form.iter_parts():
        name = part.get_param("name", header="content-disposition")
        payload = part.get_payload(decode=True)
        if isinstance(name, str) and isinstance(payload, bytes):
            fields.append((name, payload))
    return fields


@receiver(inbound, sender=MailgunRawInbound, dispatch_uid="frontdesk-mailgun-inbound")
def on_mailgun_inbound(sender: Any, event: AnymailInboundEvent, **kwargs: Any) -> None:
    request = event.esp_event
    raw = getattr(request, "frontdesk_raw_mime", None)
    if raw is None:  # pragma: no cover - mailgun_inbound refuses these first
        return
    recipient = (event.message.envelope_recipient or "") if event.message else ""
    ingest(
        raw=raw,
        source=Source.WEBHOOK,
        mailbox=_mailbox_for(recipient),
        source_ref=f"mailgun:{event.event_id or ''}"[:255],
    )


def _mailbox_for(recipient: str) -> Mailbox | None:
    local, _, domain = recipient.strip().lower().partition("@")
    if not domain:
        return None
    return Mailbox.objects.filter(address=f"{local.split('+', 1)[0]}@{domain}").first()
