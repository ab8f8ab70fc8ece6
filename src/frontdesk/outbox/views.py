"""Workspace pages, mounted at /desk/ (`outbox:*`): everyone's notification settings, and for
administrators the outbox (with a retry button) and the wording of automatic mail."""

from functools import wraps
from typing import Any

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from frontdesk.accounts.access import require_admin
from frontdesk.core.errors import DomainError, NotFound
from frontdesk.core.pagination import keyset_page
from frontdesk.core.web import View, render_page, request_user, staff_view
from frontdesk.notifications.choices import NotificationKind
from frontdesk.outbox import actions, queries
from frontdesk.outbox.choices import OutboundState
from frontdesk.outbox.defaults import TEMPLATE_KEYS
from frontdesk.outbox.render import PLACEHOLDERS
from frontdesk.tickets.views._common import desk_context

PAGE_SIZE = 50
KIND_LABELS = dict(NotificationKind.choices)


def admin_page(view: View) -> View:
    @staff_view
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        require_admin(request_user(request))
        return view(request, *args, **kwargs)

    return wrapper


@require_http_methods(["GET", "POST"])
@staff_view
def preferences_page(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    if request.method == "POST":
        changes = [
            actions.PreferenceChange(
                kind, f"in_app_{kind}" in request.POST, f"email_{kind}" in request.POST
            )
            for kind in NotificationKind.values
        ]
        actions.set_preferences(user, changes)
        messages.success(request, _("Your notification settings are saved."))
        return redirect("outbox:preferences")
    rows = [(p, KIND_LABELS.get(p.kind, p.kind)) for p in queries.my_preferences(user)]
    context = desk_context(user, "notification-settings", rows=rows)
    return render_page(request, "outbox/preferences.html", context)


@require_GET
@admin_page
def outbox_page(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    state = request.GET.get("state") or None
    if state not in (None, *OutboundState.values):
        state = None
    page = keyset_page(
        queries.outbox_list(user, state=state),
        order="-created_at",
        cursor=request.GET.get("cursor"),
        limit=PAGE_SIZE,
    )
    context = desk_context(
        user, "outbox", page=page, state=state or "", states=OutboundState.choices
    )
    return render_page(request, "outbox/outbox.html", context)


@require_POST
@admin_page
def retry(request: HttpRequest, email_id: int) -> HttpResponse:
    actions.retry_email(actor=request_user(request), email_id=email_id)
    messages.success(request, _("The email will be sent again shortly."))
    return redirect("outbox:list")


@require_GET
@admin_page
def templates_page(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    rows = queries.email_templates(user)
    context = desk_context(user, "outbox", rows=rows, labels=_template_labels())
    return render_page(request, "outbox/templates.html", context)


@require_http_methods(["GET", "POST"])
@admin_page
def template_page(request: HttpRequest, key: str) -> HttpResponse:
    user = request_user(request)
    if key not in TEMPLATE_KEYS:
        raise NotFound(_("No such template."))
    current = next(row for row in queries.email_templates(user) if row[0] == key)
    subject, body, error = current[1].subject, current[1].body, ""
    if request.method == "POST":
        if "reset" in request.POST:
            with transaction.atomic():
                actions.reset_template(actor=user, key=key)
            messages.success(request, _("The built-in wording is back."))
            return redirect("outbox:templates")
        subject = request.POST.get("subject", "")
        body = request.POST.get("body", "")
        try:
            actions.save_template(actor=user, key=key, subject=subject, body=body)
        except DomainError as exc:
            error = exc.message
        else:
            messages.success(request, _("The template is saved."))
            return redirect("outbox:templates")
    context = desk_context(
        user,
        "outbox",
        key=key,
        label=_template_labels()[key],
        subject=subject,
        body=body,
        customised=current[2],
        error=error,
        placeholders=PLACEHOLDERS,
    )
    return render_page(request, "outbox/template.html", context, status=422 if error else 200)


def _template_labels() -> dict[str, str]:
    labels = {"acknowledgment": _("Acknowledgment of a new ticket (to the customer)")}
    for kind, label in NotificationKind.choices:
        labels[kind] = _("Notification: %(kind)s") % {"kind": label}
    return labels
