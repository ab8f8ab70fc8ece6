"""The notifications page and the header's bell, mounted at /desk/ (`notifications:*`)."""

from typing import Any
from urllib.parse import urlencode

from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from frontdesk.accounts.models import User
from frontdesk.core.pagination import keyset_page
from frontdesk.core.web import is_htmx, render_page, request_user, staff_view
from frontdesk.notifications import actions
from frontdesk.notifications.queries import (
    UNREAD_CAP,
    notification_list,
    own_notification,
    unread_count,
)
from frontdesk.tickets.access import visible_to
from frontdesk.tickets.views._common import desk_context

PAGE_SIZE = 25


@require_GET
@staff_view
def notifications_page(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    unread_only = request.GET.get("unread") == "1"
    context = _list_context(user, unread_only=unread_only, cursor=request.GET.get("cursor"))
    return render_page(request, "notifications/list.html", context, fragment="results")


@require_GET
@staff_view
def bell(request: HttpRequest) -> HttpResponse:
    """The bell's link with a fresh count; fetched when a live message says it changed."""
    context = bell_context(request_user(request))
    return render(request, "notifications/_bell.html#link", context)


@require_POST
@staff_view
def read_all(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    unread_only = request.POST.get("unread") == "1"
    with transaction.atomic():
        actions.mark_all_read(user)
    if not is_htmx(request):
        return redirect(_page_url(unread_only=unread_only))
    context = _list_context(user, unread_only=unread_only, cursor=None)
    return render_page(request, "notifications/list.html", context, fragment="after_read")


@require_POST
@staff_view
def open_notification(request: HttpRequest, notification_id: int) -> HttpResponse:
    """Mark one notification read and go to its ticket (or back to the list when it has
    none, or the ticket is out of the user's sight by now)."""
    user = request_user(request)
    notification = own_notification(user, notification_id)
    with transaction.atomic():
        actions.mark_read(user, [notification.pk])
    ticket = notification.ticket
    if ticket is not None and visible_to(user).filter(pk=ticket.pk).exists():
        return redirect("tickets:detail", number=ticket.number)
    return redirect("notifications:list")


def bell_context(user: User) -> dict[str, Any]:
    count = unread_count(user)
    return {"unread_count": count, "unread_label": _count_label(count)}


def _count_label(count: int) -> str:
    return f"{UNREAD_CAP - 1}+" if count >= UNREAD_CAP else str(count)


def _list_context(user: User, *, unread_only: bool, cursor: str | None) -> dict[str, Any]:
    page = keyset_page(
        notification_list(user, unread_only=unread_only),
        order="-created_at",
        cursor=cursor,
        limit=PAGE_SIZE,
    )
    return desk_context(
        user,
        "notifications",
        page=page,
        unread_only=unread_only,
        filter_query=urlencode({"unread": "1"}) if unread_only else "",
        **bell_context(user),
    )


def _page_url(*, unread_only: bool) -> str:
    url = reverse("notifications:list")
    return f"{url}?unread=1" if unread_only else url
