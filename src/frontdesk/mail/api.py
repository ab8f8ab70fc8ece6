"""REST endpoints of the email channel (administrators): mailboxes, the inbound messages'
records (the quarantine) with a retry, and raw MIME intake over HTTP."""

from typing import Annotated

from django.conf import settings
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from frontdesk.api.auth import actor, admin_actor
from frontdesk.api.schemas import ERRORS, ErrorOut
from frontdesk.core.errors import DomainError, Invalid
from frontdesk.core.pagination import keyset_page
from frontdesk.mail import actions, queries
from frontdesk.mail.models import Mailbox, Source, State
from frontdesk.mail.schemas import InboundOut, InboundPage, MailboxIn, MailboxOut
from frontdesk.mail.store import store_raw

router = Router(tags=["email"])

RAW_MIME = "message/rfc822"
INTAKE_ERRORS = {**ERRORS, 413: ErrorOut, 415: ErrorOut}


class MessageTooLarge(DomainError):
    http_status = 413

    def __init__(self) -> None:
        super().__init__(
            "message_too_large",
            f"The message is larger than {settings.FRONTDESK_MAIL_MAX_BYTES} bytes.",
        )


class UnsupportedMediaType(DomainError):
    http_status = 415

    def __init__(self) -> None:
        super().__init__("unsupported_media_type", f"Send the raw message as {RAW_MIME}.")


# --- mailboxes ----------------------------------------------------------------------------


@router.get("/mail/mailboxes", response={200: list[MailboxOut], **ERRORS})
def list_mailboxes(request: HttpRequest) -> list[MailboxOut]:
    """Every mailbox, with its poller's health. Passwords are never shown, only whether
    one is set."""
    return [MailboxOut.of(m) for m in queries.mailboxes(actor(request))]


@router.post("/mail/mailboxes", response={201: MailboxOut, **ERRORS})
def create_mailbox(request: HttpRequest, payload: MailboxIn) -> Status[MailboxOut]:
    """Add a mailbox. A duplicate address is a 422 `mailbox_exists`."""
    mailbox = actions.save_mailbox(actor=admin_actor(request), **payload.model_dump())
    return Status(201, MailboxOut.of(mailbox))


@router.get("/mail/mailboxes/{mailbox_id}", response={200: MailboxOut, **ERRORS})
def get_mailbox(request: HttpRequest, mailbox_id: int) -> MailboxOut:
    return MailboxOut.of(queries.mailbox(actor(request), mailbox_id))


@router.put("/mail/mailboxes/{mailbox_id}", response={200: MailboxOut, **ERRORS})
def put_mailbox(request: HttpRequest, mailbox_id: int, payload: MailboxIn) -> MailboxOut:
    """Replace a mailbox's settings; a password left out (or null) is kept."""
    user = admin_actor(request)
    actions.save_mailbox(actor=user, mailbox_id=mailbox_id, **payload.model_dump())
    return MailboxOut.of(queries.mailbox(user, mailbox_id))


@router.delete("/mail/mailboxes/{mailbox_id}", response={204: None, **ERRORS})
def delete_mailbox(request: HttpRequest, mailbox_id: int) -> Status[None]:
    """Remove a mailbox; the messages received through it keep their records."""
    actions.delete_mailbox(actor=admin_actor(request), mailbox_id=mailbox_id)
    return Status(204, None)


# --- inbound messages ---------------------------------------------------------------------


class InboundQuery(Schema):
    state: State | None = None
    cursor: str | None = None
    limit: Annotated[int, Field(ge=1, le=100)] = 25


@router.get("/mail/inbound", response={200: InboundPage, **ERRORS})
def list_inbound(request: HttpRequest, query: Query[InboundQuery]) -> InboundPage:
    """Received messages, newest first, each with what became of it: its source, state,
    reason, the threading signal that matched and its ticket. `?state=quarantined` is the
    quarantine."""
    rows = queries.inbound_list(actor(request), state=query.state)
    page = keyset_page(rows, order="-received_at", cursor=query.cursor, limit=query.limit)
    return InboundPage(items=[InboundOut.of(r) for r in page.items], next_cursor=page.next_cursor)


@router.get("/mail/inbound/{inbound_id}", response={200: InboundOut, **ERRORS})
def get_inbound(request: HttpRequest, inbound_id: int) -> InboundOut:
    return InboundOut.of(queries.inbound(actor(request), inbound_id))


@router.post("/mail/inbound/{inbound_id}/retry", response={200: InboundOut, **ERRORS})
def retry_inbound(request: HttpRequest, inbound_id: int) -> InboundOut:
    """Run a quarantined or ignored message through the pipeline again (a processed one
    is a 422 `already_processed`)."""
    user = admin_actor(request)
    actions.retry_inbound(actor=user, inbound_id=inbound_id)
    return InboundOut.of(queries.inbound(user, inbound_id))


@router.post(
    "/mail/inbound",
    response={200: InboundOut, 201: InboundOut, **INTAKE_ERRORS},
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {RAW_MIME: {"schema": {"type": "string", "format": "binary"}}},
        }
    },
)
def post_inbound(
    request: HttpRequest, mailbox: Annotated[str | None, Query(max_length=254)] = None
) -> Status[InboundOut]:
    """Receive one raw RFC 822 message (body `Content-Type: message/rfc822`), as the
    `ingest-email` command and IMAP polling do: stored durably, then processed. 201: new;
    200: the same bytes were received before (by any path), nothing changes. Over
    FRONTDESK_MAIL_MAX_BYTES: 413 `message_too_large`. `?mailbox=` names the mailbox
    the mail was sent to."""
    admin_actor(request)
    if request.content_type != RAW_MIME:
        raise UnsupportedMediaType()
    target = _mailbox_named(mailbox)
    limit = settings.FRONTDESK_MAIL_MAX_BYTES
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > limit:
        raise MessageTooLarge()
    stored = store_raw(_Bounded(request, limit), limit=limit)
    row, created = actions.accept(stored, source=Source.HTTP, mailbox=target, source_ref="api")
    return Status(201 if created else 200, InboundOut.of(row))


class _Bounded:
    """Reads the request body, refusing it (413) once it passes `limit` bytes: a body
    without a Content-Length is not read to its end first."""

    def __init__(self, stream: HttpRequest, limit: int) -> None:
        self.stream, self.limit, self.seen = stream, limit, 0

    def read(self, size: int = -1) -> bytes:
        data = self.stream.read(size)
        self.seen += len(data)
        if self.seen > self.limit:
            raise MessageTooLarge()
        return data


def _mailbox_named(address: str | None) -> Mailbox | None:
    if not address:
        return None
    found = Mailbox.objects.filter(address=address.strip().lower()).first()
    if found is None:
        raise Invalid("unknown_mailbox", "No mailbox has that address.")
    return found
