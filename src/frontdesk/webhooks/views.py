"""Webhook pages for administrators, mounted at /desk/admin/webhooks/ (`webhooks:*`): the
webhooks with their state, a webhook's form, its delivery log, a test delivery, turning it
off and on, and rotating its secret.

A new or rotated signing secret is shown once: it is kept in the session for the one page
view after the redirect, then dropped. Other staff get 403, customers 404.
"""

from functools import wraps
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from frontdesk.core.errors import DomainError
from frontdesk.core.web import View, render_page, request_user, staff_view
from frontdesk.tickets.views._common import desk_context
from frontdesk.webhooks import actions, queries
from frontdesk.webhooks.access import require_webhook_admin
from frontdesk.webhooks.choices import EventType
from frontdesk.webhooks.forms import WebhookForm
from frontdesk.webhooks.models import Webhook

ACTIVE_VIEW = "webhooks"  # no sidebar entry is current on these pages
LOG_SIZE = 50
_SHOWN_ONCE = "webhook_shown_once"  # the session key


def webhook_admin_page(view: View) -> View:
    @staff_view
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        require_webhook_admin(request_user(request))
        return view(request, *args, **kwargs)

    return wrapper


def _show_secret_once(request: HttpRequest, webhook: Webhook) -> None:
    request.session[_SHOWN_ONCE] = {"id": webhook.pk, "secret": webhook.secret}


def _take_secret(request: HttpRequest, webhook: Webhook) -> str:
    kept = request.session.get(_SHOWN_ONCE)
    if isinstance(kept, dict) and kept.get("id") == webhook.pk:
        del request.session[_SHOWN_ONCE]
        return str(kept.get("secret", ""))
    return ""


def _labels(types: list[str]) -> list[str]:
    known = dict(EventType.choices)
    return [str(known.get(t, t)) for t in types]


@require_GET
@webhook_admin_page
def webhook_list(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    rows = [(hook, _labels(list(hook.event_types))) for hook in queries.webhooks(user)]
    return render_page(request, "webhooks/list.html", desk_context(user, ACTIVE_VIEW, rows=rows))


@require_http_methods(["GET", "POST"])
@webhook_admin_page
def webhook_page(request: HttpRequest, webhook_id: int | None = None) -> HttpResponse:
    """A webhook's form (without an id, a new one), its state and its delivery log."""
    user = request_user(request)
    webhook = queries.webhook(user, webhook_id) if webhook_id is not None else None
    posted = request.POST if request.method == "POST" else None
    form = WebhookForm(posted, initial=WebhookForm.initial_for(webhook))
    status = 200
    if posted is not None:
        status = 422
        if form.is_valid():
            try:
                saved = actions.save_webhook(
                    actor=user, webhook_id=webhook.pk if webhook else None, **form.cleaned_data
                )
            except DomainError as exc:
                form.put_error(exc)
                status = exc.http_status
            else:
                messages.success(request, _("Saved “%(name)s”.") % {"name": saved.name})
                if webhook is None:
                    _show_secret_once(request, saved)
                return redirect("webhooks:webhook", webhook_id=saved.pk)
    deliveries = list(queries.deliveries(user, webhook.pk)[:LOG_SIZE]) if webhook else []
    context = desk_context(
        user,
        ACTIVE_VIEW,
        webhook=webhook,
        form=form,
        secret=_take_secret(request, webhook) if webhook and posted is None else "",
        deliveries=deliveries,
        log_size=LOG_SIZE,
    )
    return render_page(request, "webhooks/webhook.html", context, status=status)


def _resave(user: Any, webhook: Webhook, **changes: Any) -> Webhook:
    data: dict[str, Any] = {
        "name": webhook.name,
        "url": webhook.url,
        "event_types": list(webhook.event_types),
        "is_active": webhook.is_active,
    }
    return actions.save_webhook(actor=user, webhook_id=webhook.pk, **(data | changes))


@require_POST
@webhook_admin_page
def switch_webhook(request: HttpRequest, webhook_id: int) -> HttpResponse:
    """Turn a webhook off, or back on (clearing its failure count)."""
    user = request_user(request)
    webhook = queries.webhook(user, webhook_id)
    try:
        saved = _resave(user, webhook, is_active=not webhook.is_active)
    except DomainError as exc:  # e.g. its URL is refused now
        messages.error(request, exc.message)
    else:
        done = _("Turned “%(name)s” on.") if saved.is_active else _("Turned “%(name)s” off.")
        messages.success(request, done % {"name": saved.name})
    return redirect("webhooks:webhook", webhook_id=webhook.pk)


@require_POST
@webhook_admin_page
def rotate_secret(request: HttpRequest, webhook_id: int) -> HttpResponse:
    user = request_user(request)
    webhook = queries.webhook(user, webhook_id)
    try:
        saved = _resave(user, webhook, rotate_secret=True)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        _show_secret_once(request, saved)
        messages.success(request, _("Issued a new secret; the old one no longer signs."))
    return redirect("webhooks:webhook", webhook_id=webhook.pk)


@require_POST
@webhook_admin_page
def test_webhook(request: HttpRequest, webhook_id: int) -> HttpResponse:
    user = request_user(request)
    webhook = queries.webhook(user, webhook_id)
    actions.send_test(actor=user, webhook_id=webhook.pk)
    messages.success(request, _("Queued a test delivery (ping); its answer shows in the log."))
    return redirect("webhooks:webhook", webhook_id=webhook.pk)


@require_POST
@webhook_admin_page
def delete_webhook(request: HttpRequest, webhook_id: int) -> HttpResponse:
    user = request_user(request)
    webhook = queries.webhook(user, webhook_id)
    actions.delete_webhook(actor=user, webhook_id=webhook.pk)
    messages.success(
        request, _("Deleted “%(name)s” and its delivery log.") % {"name": webhook.name}
    )
    return redirect("webhooks:list")
