"""API shapes of tickets and their conversation. Inputs forbid unknown fields."""

from collections.abc import Collection
from datetime import datetime
from typing import Any, Literal
from uuid import UUID

from ninja import Field, Schema

from frontdesk.api.schemas import InputSchema
from frontdesk.sla.queries import TicketSla
from frontdesk.tickets.models import Attachment, Message, Ticket, TicketEvent

PriorityName = Literal["low", "normal", "high", "urgent"]
TypeName = Literal["incident", "service_request", "question", "problem", "task"]
LinkKindName = Literal["related", "duplicate", "parent"]
TicketOrder = Literal["-updated_at", "updated_at", "-created_at", "created_at"]
Subject = Field(min_length=1, max_length=500)
Body = Field(max_length=200_000)


# Output shapes are built with model_construct from typed model fields: validating 25
# tickets with nested people on every page was a third of the list's server time. The
# contract test (schemathesis, response_schema_conformance) holds them to the schema.


class PersonOut(Schema):
    id: int
    email: str
    name: str


class TicketOut(Schema):
    number: int
    subject: str
    status: str
    status_category: str
    priority: PriorityName
    type: TypeName
    channel: str
    category: str | None
    tags: list[str]
    team_id: int | None
    assignee_id: int | None
    requester: PersonOut
    organization_id: int | None
    custom_fields: dict[str, Any]
    merged_into: int | None
    created_at: datetime
    updated_at: datetime
    first_response_at: datetime | None
    solved_at: datetime | None
    closed_at: datetime | None
    version: int

    @staticmethod
    def of(ticket: Ticket, tags: Collection[str] | None = None) -> "TicketOut":
        """`tags` may be passed by a caller that already knows them (saves a query)."""
        requester = ticket.requester
        return TicketOut.model_construct(
            number=ticket.number,
            subject=ticket.subject,
            status=ticket.status.slug,
            status_category=ticket.status_category,
            priority=ticket.get_priority_display(),
            type=ticket.type,
            channel=ticket.channel,
            category=ticket.category.slug if ticket.category else None,
            tags=sorted(t.name for t in ticket.tags.all()) if tags is None else sorted(tags),
            team_id=ticket.team_id,
            assignee_id=ticket.assignee_id,
            requester=PersonOut.model_construct(
                id=requester.pk, email=requester.email, name=requester.name
            ),
            organization_id=ticket.organization_id,
            custom_fields=ticket.custom_fields,
            merged_into=ticket.merged_into.number if ticket.merged_into else None,
            created_at=ticket.created_at,
            updated_at=ticket.updated_at,
            first_response_at=ticket.first_response_at,
            solved_at=ticket.solved_at,
            closed_at=ticket.closed_at,
            version=ticket.version,
        )


class SlaClockOut(Schema):
    metric: str
    label: str
    state: str = Field(description="running, warning, paused, achieved or breached")
    started_at: datetime
    due_at: datetime | None = Field(description="None while a pause holds the clock")
    warn_at: datetime | None
    achieved_at: datetime | None
    explain: list[str] = Field(description="How the due time was derived, line by line")


class TicketSlaOut(Schema):
    policy_id: int | None
    policy_name: str | None
    next_due_at: datetime | None
    next_deadline_at: datetime | None
    clocks: list[SlaClockOut]

    @staticmethod
    def of(ticket: Ticket, sla: TicketSla) -> "TicketSlaOut":
        return TicketSlaOut(
            policy_id=sla.policy_id,
            policy_name=sla.policy_name,
            next_due_at=ticket.next_due_at,
            next_deadline_at=ticket.next_deadline_at,
            clocks=[
                SlaClockOut(
                    metric=c.metric,
                    label=c.label,
                    state=c.state,
                    started_at=c.started_at,
                    due_at=c.due_at,
                    warn_at=c.warn_at,
                    achieved_at=c.achieved_at,
                    explain=list(c.explain),
                )
                for c in sla.clocks
            ],
        )


class TicketPage(Schema):
    items: list[TicketOut]
    next_cursor: str | None


class TicketCreateIn(InputSchema):
    subject: str = Subject
    body: str = Body
    body_html: str | None = Field(None, max_length=200_000)
    requester_email: str | None = Field(None, max_length=254)
    requester_name: str = Field("", max_length=200)
    organization_id: int | None = None
    type: TypeName = "question"
    priority: PriorityName = "normal"
    category: str | None = Field(None, max_length=100)
    tags: list[str] = Field(default_factory=list, max_length=50)
    team_id: int | None = None
    assignee_id: int | None = None
    custom_fields: dict[str, Any] = Field(default_factory=dict)


class TicketUpdateIn(InputSchema):
    """Only the fields present change. `null` clears category, team and assignee."""

    version: int = Field(description="The version you read; a stale one is a 409 conflict.")
    subject: str = Field(None, min_length=1, max_length=500)  # type: ignore[assignment]
    status: str = Field(None, max_length=100)  # type: ignore[assignment]
    priority: PriorityName = Field(None)  # type: ignore[arg-type]
    type: TypeName = Field(None)  # type: ignore[arg-type]
    category: str | None = Field(None, max_length=100)
    team_id: int | None = None
    assignee_id: int | None = None
    tags: list[str] = Field(None, max_length=50)  # type: ignore[arg-type]
    # Keys to set; a null value clears the field.
    custom_fields: dict[str, Any] = Field(None)  # type: ignore[arg-type]


class ReplyIn(InputSchema):
    body: str = Body
    body_html: str | None = Field(None, max_length=200_000)
    status: str | None = Field(None, max_length=100, description="Status after the reply.")
    attachment_ids: list[UUID] = Field(default_factory=list, max_length=20)


class NoteIn(InputSchema):
    body: str = Body
    body_html: str | None = Field(None, max_length=200_000)
    attachment_ids: list[UUID] = Field(default_factory=list, max_length=20)


class AttachmentOut(Schema):
    id: UUID
    file_name: str
    size: int
    content_type: str
    sha256: str
    is_public: bool
    message_id: int | None
    created_at: datetime

    @staticmethod
    def of(attachment: Attachment) -> "AttachmentOut":
        return AttachmentOut.model_construct(
            id=attachment.pk,
            file_name=attachment.file_name,
            size=attachment.size,
            content_type=attachment.content_type,
            sha256=attachment.sha256,
            is_public=attachment.is_public,
            message_id=attachment.message_id,
            created_at=attachment.created_at,
        )


class MessageOut(Schema):
    id: int
    kind: str
    is_public: bool
    author: PersonOut | None
    body_text: str
    body_html: str
    channel: str
    created_at: datetime
    attachments: list[AttachmentOut]

    @staticmethod
    def of(message: Message) -> "MessageOut":
        author = message.author
        return MessageOut.model_construct(
            id=message.pk,
            kind=message.kind,
            is_public=message.is_public,
            author=PersonOut.model_construct(id=author.pk, email=author.email, name=author.name)
            if author
            else None,
            body_text=message.body_text,
            body_html=message.body_html,
            channel=message.channel,
            created_at=message.created_at,
            attachments=[AttachmentOut.of(a) for a in message.attachments.all()],
        )


class MessagePage(Schema):
    items: list[MessageOut]
    next_cursor: str | None


class EventOut(Schema):
    id: int
    action: str
    field: str
    old_value: Any
    new_value: Any
    actor_id: int | None
    channel: str
    ip_address: str | None
    created_at: datetime

    @staticmethod
    def of(event: TicketEvent) -> "EventOut":
        return EventOut.model_construct(
            id=event.pk,
            action=event.action,
            field=event.field,
            old_value=event.old_value,
            new_value=event.new_value,
            actor_id=event.actor_id,
            channel=event.channel,
            ip_address=event.ip_address,
            created_at=event.created_at,
        )


class EventPage(Schema):
    items: list[EventOut]
    next_cursor: str | None


class LinkIn(InputSchema):
    target_number: int
    kind: LinkKindName = "related"


class LinkOut(Schema):
    id: int
    source_number: int
    target_number: int
    kind: str


class MergeIn(InputSchema):
    into_number: int


class FollowerIn(InputSchema):
    user_id: int


class StatusOut(Schema):
    slug: str
    name: str
    category: str
    position: int
    is_default: bool


class StatusIn(InputSchema):
    name: str = Field(min_length=1, max_length=100)
    category: Literal["new", "open", "pending", "on_hold", "solved", "closed"]
    position: int = Field(0, ge=0, le=1000)


class CategoryOut(Schema):
    slug: str
    name: str


class CategoryIn(InputSchema):
    name: str = Field(min_length=1, max_length=100)


class TagOut(Schema):
    name: str


class CustomFieldOut(Schema):
    key: str
    label: str
    field_type: str
    choices: list[str]
    required: bool
    is_active: bool


class CustomFieldIn(InputSchema):
    key: str = Field(min_length=1, max_length=64)
    label: str = Field(min_length=1, max_length=100)
    field_type: Literal["text", "number", "date", "choice", "checkbox"]
    choices: list[str] = Field(default_factory=list, max_length=200)
    required: bool = False
