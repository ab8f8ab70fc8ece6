"""REST endpoints for the caller's own notifications (staff only: customers have none)."""

from typing import Annotated

from django.db import transaction
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from frontdesk.accounts.access import require_staff
from frontdesk.accounts.models import User
from frontdesk.api.auth import actor
from frontdesk.api.schemas import ERRORS
from frontdesk.core.pagination import keyset_page
from frontdesk.notifications import actions
from frontdesk.notifications.queries import notification_list
from frontdesk.notifications.schemas import (
    NotificationOut,
    NotificationPage,
    NotificationReadIn,
    NotificationReadOut,
)

router = Router(tags=["notifications"])


def staff_actor(request: HttpRequest) -> User:
    """Notifications are a workspace feature: to customers they look absent (404)."""
    user = actor(request)
    require_staff(user)
    return user


class NotificationQuery(Schema):
    unread: bool = False
    cursor: str | None = None
    limit: Annotated[int, Field(ge=1, le=100)] = 25


@router.get("/notifications", response={200: NotificationPage, **ERRORS})
def list_notifications(request: HttpRequest, query: Query[NotificationQuery]) -> NotificationPage:
    """Your notifications, newest first; `unread=true` for the unread ones only."""
    notifications = notification_list(staff_actor(request), unread_only=query.unread)
    page = keyset_page(notifications, order="-created_at", cursor=query.cursor, limit=query.limit)
    return NotificationPage(
        items=[NotificationOut.of(n) for n in page.items], next_cursor=page.next_cursor
    )


@router.post("/notifications/read", response={200: NotificationReadOut, **ERRORS})
def mark_read(request: HttpRequest, payload: NotificationReadIn) -> NotificationReadOut:
    """Mark your notifications read: the listed `ids`, or `all: true`. Idempotent."""
    user = staff_actor(request)
    with transaction.atomic():
        if payload.all:
            marked = actions.mark_all_read(user)
        else:
            marked = actions.mark_read(user, payload.ids)
    return NotificationReadOut(marked=marked)
