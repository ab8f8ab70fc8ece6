"""API shapes of notifications. Inputs forbid unknown fields."""

from datetime import datetime
from typing import Annotated, Self

from ninja import Field, Schema
from pydantic import model_validator

from frontdesk.api.schemas import InputSchema
from frontdesk.notifications.models import Notification

MAX_IDS = 500


class NotificationOut(Schema):
    id: int
    kind: str
    text: str
    ticket_number: int | None
    actor_id: int | None
    created_at: datetime
    read_at: datetime | None

    @staticmethod
    def of(notification: Notification) -> "NotificationOut":
        ticket = notification.ticket
        return NotificationOut.model_construct(
            id=notification.pk,
            kind=notification.kind,
            text=notification.text,
            ticket_number=ticket.number if ticket else None,
            actor_id=notification.actor_id,
            created_at=notification.created_at,
            read_at=notification.read_at,
        )


class NotificationPage(Schema):
    items: list[NotificationOut]
    next_cursor: str | None


class NotificationReadIn(InputSchema):
    """Either `ids` (your own notifications; others' are ignored) or `all: true`."""

    ids: Annotated[list[int], Field(max_length=MAX_IDS)] = []
    all: bool = False

    @model_validator(mode="after")
    def ids_or_all(self) -> Self:
        if bool(self.ids) == self.all:
            raise ValueError("Send either a non-empty `ids` or `all: true`.")
        return self


class NotificationReadOut(Schema):
    marked: int = Field(description="How many notifications were unread and are read now.")
