"""REST endpoints: your own notification preferences (staff), and for administrators the
outbox (with a retry) and the wording of automatic mail."""

from typing import Annotated

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from frontdesk.accounts.access import require_staff
from frontdesk.api.auth import actor, admin_actor
from frontdesk.api.schemas import ERRORS
from frontdesk.core.pagination import keyset_page
from frontdesk.outbox import actions, queries
from frontdesk.outbox.choices import OutboundState
from frontdesk.outbox.schemas import (
    OutboundOut,
    OutboundPage,
    PreferenceOut,
    PreferencesIn,
    TemplateIn,
    TemplateOut,
)

router = Router(tags=["email"])


@router.get("/users/me/notification-preferences", response={200: list[PreferenceOut], **ERRORS})
def get_preferences(request: HttpRequest) -> list[PreferenceOut]:
    """How you hear about each kind of notification: in the app, by email, or both."""
    user = actor(request)
    require_staff(user)
    return [PreferenceOut.of(p) for p in queries.my_preferences(user)]


@router.put("/users/me/notification-preferences", response={200: list[PreferenceOut], **ERRORS})
def put_preferences(request: HttpRequest, payload: PreferencesIn) -> list[PreferenceOut]:
    """Change how you hear about the listed kinds (an unknown kind is a 422)."""
    user = actor(request)
    actions.set_preferences(
        user,
        [actions.PreferenceChange(p.kind, p.in_app, p.email) for p in payload.preferences],
    )
    return [PreferenceOut.of(p) for p in queries.my_preferences(user)]


class OutboxQuery(Schema):
    state: OutboundState | None = None
    cursor: str | None = None
    limit: Annotated[int, Field(ge=1, le=100)] = 25


@router.get("/outbox", response={200: OutboundPage, **ERRORS})
def list_outbox(request: HttpRequest, query: Query[OutboxQuery]) -> OutboundPage:
    """Outbound email, newest first, with its delivery state (administrators)."""
    emails = queries.outbox_list(actor(request), state=query.state)
    page = keyset_page(emails, order="-created_at", cursor=query.cursor, limit=query.limit)
    return OutboundPage(items=[OutboundOut.of(e) for e in page.items], next_cursor=page.next_cursor)


@router.post("/outbox/{outbound_id}/retry", response={200: OutboundOut, **ERRORS})
def retry_outbound(request: HttpRequest, outbound_id: int) -> OutboundOut:
    """Send a failed (or waiting) email again now, with a fresh attempt count."""
    email = actions.retry_email(actor=admin_actor(request), email_id=outbound_id)
    return OutboundOut.of(queries.outbound_email(admin_actor(request), email.pk))


@router.get("/outbox/templates", response={200: list[TemplateOut], **ERRORS})
def get_email_templates(request: HttpRequest) -> list[TemplateOut]:
    """The wording of automatic mail (acknowledgment, one per notification kind) with the
    placeholders it may use (administrators)."""
    return [TemplateOut.of(row) for row in queries.email_templates(actor(request))]


@router.put("/outbox/templates/{template_key}", response={200: TemplateOut, **ERRORS})
def put_template(request: HttpRequest, template_key: str, payload: TemplateIn) -> TemplateOut:
    """Replace a template's wording; an unknown `{{placeholder}}` is a 422
    `unknown_placeholder`. No template engine runs on this text."""
    user = admin_actor(request)
    actions.save_template(actor=user, key=template_key, subject=payload.subject, body=payload.body)
    return next(
        TemplateOut.of(row) for row in queries.email_templates(user) if row[0] == template_key
    )


@router.delete("/outbox/templates/{template_key}", response={204: None, **ERRORS})
def reset_template(request: HttpRequest, template_key: str) -> Status[None]:
    """Go back to the built-in wording."""
    actions.reset_template(actor=admin_actor(request), key=template_key)
    return Status(204, None)
