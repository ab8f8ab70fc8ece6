"""REST endpoints for tickets: thin wrappers that parse, call an action or query, and shape.

Tickets are addressed by their public number (`/tickets/1042`), never by primary key.
"""

from datetime import datetime
from typing import Annotated
from uuid import UUID

from django.http import FileResponse, HttpRequest
from ninja import Field, File, Form, Header, Query, Router, Schema, Status
from ninja.files import UploadedFile

from frontdesk.accounts.access import require_staff
from frontdesk.api.auth import actor, admin_actor
from frontdesk.api.origin import origin_of
from frontdesk.api.schemas import ERRORS
from frontdesk.core import clock
from frontdesk.core.errors import NotFound
from frontdesk.core.pagination import keyset_page
from frontdesk.sla.queries import ticket_sla
from frontdesk.tickets import actions
from frontdesk.tickets.access import access_attachment
from frontdesk.tickets.actions import catalog
from frontdesk.tickets.actions.conversation import attachment_path
from frontdesk.tickets.models import (
    Category,
    CustomFieldDefinition,
    Tag,
    Ticket,
    TicketLink,
)
from frontdesk.tickets.models import Status as TicketStatus
from frontdesk.tickets.queries import (
    TicketFilters,
    event_list,
    message_list,
    ticket_detail,
    ticket_list,
)
from frontdesk.tickets.schemas import (
    AttachmentOut,
    CategoryIn,
    CategoryOut,
    CustomFieldIn,
    CustomFieldOut,
    EventOut,
    EventPage,
    FollowerIn,
    LinkIn,
    LinkOut,
    MergeIn,
    MessageOut,
    MessagePage,
    NoteIn,
    ReplyIn,
    StatusIn,
    StatusOut,
    TagOut,
    TicketCreateIn,
    TicketOrder,
    TicketOut,
    TicketPage,
    TicketSlaOut,
    TicketUpdateIn,
)

router = Router(tags=["tickets"])
catalog_router = Router(tags=["ticket settings"])

CommaList = Annotated[str | None, Query(description="Comma-separated values.")]


class TicketQuery(Schema):
    status: CommaList = None
    status_category: CommaList = None
    priority: CommaList = None
    type: CommaList = None
    channel: CommaList = None
    team_id: int | None = None
    assignee_id: int | None = None
    unassigned: bool | None = None
    requester_id: int | None = None
    organization_id: int | None = None
    category: str | None = None
    tag: str | None = None
    created_after: datetime | None = None
    created_before: datetime | None = None
    updated_after: datetime | None = None
    updated_before: datetime | None = None
    order: TicketOrder = "-updated_at"
    cursor: str | None = None
    limit: Annotated[int, Field(ge=1, le=100)] = 25


def _split(value: str | None) -> list[str] | None:
    return [v.strip() for v in value.split(",") if v.strip()] if value else None


@router.get("/tickets", response={200: TicketPage, **ERRORS})
def list_tickets(request: HttpRequest, query: Query[TicketQuery]) -> TicketPage:
    filters = TicketFilters(
        status=_split(query.status),
        status_category=_split(query.status_category),
        priority=_split(query.priority),
        type=_split(query.type),
        channel=_split(query.channel),
        team_id=query.team_id,
        assignee_id=query.assignee_id,
        unassigned=query.unassigned,
        requester_id=query.requester_id,
        organization_id=query.organization_id,
        category=query.category,
        tag=query.tag,
        created_after=query.created_after,
        created_before=query.created_before,
        updated_after=query.updated_after,
        updated_before=query.updated_before,
    )
    page = keyset_page(
        ticket_list(actor(request), filters),
        order=query.order,
        cursor=query.cursor,
        limit=query.limit,
    )
    return TicketPage(items=[TicketOut.of(t) for t in page.items], next_cursor=page.next_cursor)


@router.post("/tickets", response={200: TicketOut, 201: TicketOut, **ERRORS})
def create_ticket(
    request: HttpRequest,
    payload: TicketCreateIn,
    idempotency_key: Annotated[str | None, Header(alias="Idempotency-Key", max_length=255)] = None,
) -> Status[TicketOut]:
    """Create a ticket. Send an `Idempotency-Key` header to make retries safe: the same key
    and body return the first ticket (200) instead of creating another."""
    user, origin = actor(request), origin_of(request)
    fields = payload.model_dump()
    if idempotency_key:
        ticket, created = actions.create_ticket_idempotent(
            idempotency_key=idempotency_key, actor=user, payload=fields, origin=origin
        )
    else:
        ticket, created = actions.create_ticket(actor=user, origin=origin, **fields), True
    if not created:  # a replay: answer as a read now would, through the gate
        return Status(200, _ticket_out(request, ticket.number))
    # A new ticket carries every related row the response needs, so it is not read again;
    # only its tags are (routing rules may have added some to the creator's).
    return Status(201, TicketOut.of(ticket))


@router.get("/tickets/{number}", response={200: TicketOut, **ERRORS})
def get_ticket(request: HttpRequest, number: int) -> TicketOut:
    return _ticket_out(request, number)


@router.get("/tickets/{number}/sla", response={200: TicketSlaOut, **ERRORS})
def get_ticket_sla(request: HttpRequest, number: int) -> TicketSlaOut:
    """The ticket's SLA clocks: due times, outcomes and how each due time was derived
    (calendar intervals, pauses, target). Staff only: customers get a 404."""
    user = actor(request)
    require_staff(user)
    ticket = ticket_detail(user).filter(number=number).first()
    if ticket is None:
        raise NotFound("No such ticket.")
    return TicketSlaOut.of(ticket, ticket_sla(ticket, now=clock.now()))


@router.patch("/tickets/{number}", response={200: TicketOut, **ERRORS})
def update_ticket(request: HttpRequest, number: int, payload: TicketUpdateIn) -> TicketOut:
    changes = payload.model_dump(exclude_unset=True)
    version = changes.pop("version")
    ticket = actions.update_ticket(
        actor=actor(request),
        origin=origin_of(request),
        number=number,
        changes=changes,
        expected_version=version,
    )
    # Not _ticket_out: a ticket moved to a team the caller is not in is now out of their
    # sight, but the change succeeded and they get its result.
    updated = Ticket.objects.with_list_relations().select_related("merged_into")
    return TicketOut.of(updated.get(pk=ticket.pk))


@router.post("/tickets/{number}/claim", response={200: TicketOut, **ERRORS})
def claim_ticket(request: HttpRequest, number: int) -> TicketOut:
    actions.claim_ticket(actor=actor(request), origin=origin_of(request), number=number)
    return _ticket_out(request, number)


@router.post("/tickets/{number}/reopen", response={200: TicketOut, **ERRORS})
def reopen_ticket(request: HttpRequest, number: int) -> TicketOut:
    actions.reopen_ticket(actor=actor(request), origin=origin_of(request), number=number)
    return _ticket_out(request, number)


@router.post("/tickets/{number}/merge", response={200: TicketOut, **ERRORS})
def merge_ticket(request: HttpRequest, number: int, payload: MergeIn) -> TicketOut:
    """Merge this ticket into `into_number`; returns the surviving ticket."""
    target = actions.merge_tickets(
        actor=actor(request),
        origin=origin_of(request),
        number=number,
        into_number=payload.into_number,
    )
    return _ticket_out(request, target.number)


@router.get("/tickets/{number}/messages", response={200: MessagePage, **ERRORS})
def list_messages(
    request: HttpRequest,
    number: int,
    cursor: str | None = None,
    limit: Annotated[int, Field(ge=1, le=200)] = 50,
) -> MessagePage:
    page = keyset_page(
        message_list(actor(request), number), order="created_at", cursor=cursor, limit=limit
    )
    return MessagePage(items=[MessageOut.of(m) for m in page.items], next_cursor=page.next_cursor)


@router.post("/tickets/{number}/replies", response={201: MessageOut, **ERRORS})
def post_reply(request: HttpRequest, number: int, payload: ReplyIn) -> Status[MessageOut]:
    user = actor(request)
    message = actions.post_reply(
        actor=user, origin=origin_of(request), number=number, **payload.model_dump()
    )
    return Status(201, _message_out(request, message.ticket.number, message.pk))


@router.post("/tickets/{number}/notes", response={201: MessageOut, **ERRORS})
def add_note(request: HttpRequest, number: int, payload: NoteIn) -> Status[MessageOut]:
    message = actions.add_note(
        actor=actor(request), origin=origin_of(request), number=number, **payload.model_dump()
    )
    return Status(201, _message_out(request, number, message.pk))


@router.get("/tickets/{number}/events", response={200: EventPage, **ERRORS})
def list_events(
    request: HttpRequest,
    number: int,
    cursor: str | None = None,
    limit: Annotated[int, Field(ge=1, le=500)] = 100,
) -> EventPage:
    page = keyset_page(
        event_list(actor(request), number), order="created_at", cursor=cursor, limit=limit
    )
    return EventPage(items=[EventOut.of(e) for e in page.items], next_cursor=page.next_cursor)


@router.post("/tickets/{number}/attachments", response={201: AttachmentOut, **ERRORS})
def upload_attachment(
    request: HttpRequest,
    number: int,
    file: File[UploadedFile],
    internal: Form[bool] = False,  # noqa: FBT002
) -> Status[AttachmentOut]:
    """Upload a file (multipart). Reference its id in `attachment_ids` of a reply or note."""
    attachment = actions.attach_file(
        actor=actor(request),
        origin=origin_of(request),
        number=number,
        file_name=file.name or "attachment",
        content=file,
        internal=internal,
    )
    return Status(201, AttachmentOut.of(attachment))


@router.get("/attachments/{attachment_id}", response={200: None, **ERRORS})
def download_attachment(request: HttpRequest, attachment_id: UUID) -> FileResponse:
    """The file, always as a download (`Content-Disposition: attachment`, `nosniff`)."""
    attachment = access_attachment(actor(request), str(attachment_id))
    path = attachment_path(attachment)
    if not path.exists():
        raise NotFound("The file is missing from storage.")
    response = FileResponse(
        path.open("rb"),
        as_attachment=True,
        filename=attachment.file_name,
        content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@router.post("/tickets/{number}/links", response={201: LinkOut, **ERRORS})
def link_ticket(request: HttpRequest, number: int, payload: LinkIn) -> Status[LinkOut]:
    link = actions.link_tickets(
        actor=actor(request),
        origin=origin_of(request),
        number=number,
        target_number=payload.target_number,
        kind=payload.kind,
    )
    link_out = LinkOut(
        id=link.pk, source_number=number, target_number=payload.target_number, kind=link.kind
    )
    return Status(201, link_out)


@router.get("/tickets/{number}/links", response={200: list[LinkOut], **ERRORS})
def list_links(request: HttpRequest, number: int) -> list[LinkOut]:
    ticket = ticket_detail(actor(request)).filter(number=number).first()
    if ticket is None:
        raise NotFound("No such ticket.")
    links = TicketLink.objects.filter(source=ticket) | TicketLink.objects.filter(target=ticket)
    return [
        LinkOut(
            id=link.pk,
            source_number=link.source.number,
            target_number=link.target.number,
            kind=link.kind,
        )
        for link in links.select_related("source", "target").order_by("pk")
    ]


@router.delete("/tickets/{number}/links/{link_id}", response={204: None, **ERRORS})
def unlink_ticket(request: HttpRequest, number: int, link_id: int) -> Status[None]:
    actions.unlink_tickets(
        actor=actor(request), origin=origin_of(request), number=number, link_id=link_id
    )
    return Status(204, None)


@router.post("/tickets/{number}/followers", response={204: None, **ERRORS})
def follow(request: HttpRequest, number: int, payload: FollowerIn) -> Status[None]:
    actions.follow_ticket(
        actor=actor(request), origin=origin_of(request), number=number, user_id=payload.user_id
    )
    return Status(204, None)


@router.delete("/tickets/{number}/followers/{user_id}", response={204: None, **ERRORS})
def unfollow(request: HttpRequest, number: int, user_id: int) -> Status[None]:
    actions.unfollow_ticket(
        actor=actor(request), origin=origin_of(request), number=number, user_id=user_id
    )
    return Status(204, None)


def _ticket_out(request: HttpRequest, number: int) -> TicketOut:
    ticket = ticket_detail(actor(request)).filter(number=number).first()
    if ticket is None:
        raise NotFound("No such ticket.")
    return TicketOut.of(ticket)


def _message_out(request: HttpRequest, number: int, message_id: int) -> MessageOut:
    return MessageOut.of(message_list(actor(request), number).get(pk=message_id))


# --- ticket settings: statuses, categories, tags, custom fields ---------------------------


@catalog_router.get("/statuses", response={200: list[StatusOut], **ERRORS})
def list_statuses(request: HttpRequest) -> list[StatusOut]:
    actor(request)
    return [StatusOut.from_orm(s) for s in TicketStatus.objects.all()]


@catalog_router.post("/statuses", response={201: StatusOut, **ERRORS})
def create_status(request: HttpRequest, payload: StatusIn) -> Status[StatusOut]:
    status = catalog.create_status(actor=admin_actor(request), **payload.model_dump())
    return Status(201, StatusOut.from_orm(status))


@catalog_router.get("/categories", response={200: list[CategoryOut], **ERRORS})
def list_categories(request: HttpRequest) -> list[CategoryOut]:
    actor(request)
    return [CategoryOut.from_orm(c) for c in Category.objects.order_by("name")]


@catalog_router.post("/categories", response={201: CategoryOut, **ERRORS})
def create_category(request: HttpRequest, payload: CategoryIn) -> Status[CategoryOut]:
    category = catalog.create_category(actor=admin_actor(request), name=payload.name)
    return Status(201, CategoryOut.from_orm(category))


@catalog_router.get("/tags", response={200: list[TagOut], **ERRORS})
def list_tags(
    request: HttpRequest,
    prefix: str = "",
    limit: Annotated[int, Field(ge=1, le=500)] = 100,
) -> list[TagOut]:
    require_staff(actor(request))
    tags = Tag.objects.filter(name__startswith=prefix.lower()).order_by("name")[:limit]
    return [TagOut(name=t.name) for t in tags]


@catalog_router.get("/custom-fields", response={200: list[CustomFieldOut], **ERRORS})
def list_custom_fields(request: HttpRequest) -> list[CustomFieldOut]:
    actor(request)
    return [CustomFieldOut.from_orm(d) for d in CustomFieldDefinition.objects.order_by("key")]


@catalog_router.post("/custom-fields", response={201: CustomFieldOut, **ERRORS})
def create_custom_field(request: HttpRequest, payload: CustomFieldIn) -> Status[CustomFieldOut]:
    field = catalog.create_custom_field(actor=admin_actor(request), **payload.model_dump())
    return Status(201, CustomFieldOut.from_orm(field))
