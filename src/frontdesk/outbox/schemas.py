"""API shapes of the outbox, notification preferences and mail templates. Inputs forbid
unknown fields."""

from datetime import datetime
from typing import Annotated

from ninja import Field, Schema

from frontdesk.api.schemas import InputSchema
from frontdesk.notifications.choices import NotificationKind
from frontdesk.outbox.defaults import Preference, Wording
from frontdesk.outbox.models import OutboundEmail
from frontdesk.outbox.render import PLACEHOLDERS

KIND_LABELS = dict(NotificationKind.choices)


class PreferenceOut(Schema):
    kind: str
    label: str
    in_app: bool
    email: bool

    @staticmethod
    def of(preference: Preference) -> "PreferenceOut":
        return PreferenceOut(
            kind=preference.kind,
            label=str(KIND_LABELS.get(preference.kind, preference.kind)),
            in_app=preference.in_app,
            email=preference.email,
        )


class PreferenceIn(InputSchema):
    kind: str
    in_app: bool
    email: bool


class PreferencesIn(InputSchema):
    """The kinds to change; kinds left out keep their current setting."""

    preferences: Annotated[list[PreferenceIn], Field(max_length=50)]


class OutboundOut(Schema):
    id: int
    kind: str
    state: str
    ticket_number: int | None
    to: list[str]
    cc: list[str]
    subject: str
    message_id: str
    attempts: int
    next_attempt_at: datetime | None
    last_error: str = Field(description="The server's last answer; never a password.")
    sent_at: datetime | None
    created_at: datetime

    @staticmethod
    def of(email: OutboundEmail) -> "OutboundOut":
        return OutboundOut.model_construct(
            id=email.pk,
            kind=email.kind,
            state=email.state,
            ticket_number=email.ticket.number if email.ticket else None,
            to=list(email.to),
            cc=list(email.cc),
            subject=email.subject,
            message_id=email.message_id,
            attempts=email.attempts,
            next_attempt_at=email.next_attempt_at,
            last_error=email.last_error,
            sent_at=email.sent_at,
            created_at=email.created_at,
        )


class OutboundPage(Schema):
    items: list[OutboundOut]
    next_cursor: str | None


class TemplateOut(Schema):
    key: str
    subject: str
    body: str
    customised: bool = Field(description="False: the built-in wording is in use.")
    placeholders: dict[str, str] = Field(description="The placeholders a template may use.")

    @staticmethod
    def of(row: tuple[str, Wording, bool]) -> "TemplateOut":
        key, wording, customised = row
        return TemplateOut(
            key=key,
            subject=wording.subject,
            body=wording.body,
            customised=customised,
            placeholders=PLACEHOLDERS,
        )


class TemplateIn(InputSchema):
    subject: Annotated[str, Field(min_length=1, max_length=500)]
    body: Annotated[str, Field(min_length=1, max_length=20000)]
