"""The offline AI in the workspace: the ticket page's AI card (loaded after the page, so the
page never waits for the model) and the administrators' page /desk/admin/ai/."""

from functools import wraps
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from frontdesk.ai import actions, queries
from frontdesk.ai.access import require_ai_admin
from frontdesk.ai.choices import Mode, TriageField
from frontdesk.core.errors import DomainError, Invalid
from frontdesk.core.web import View, is_htmx, render_page, request_user, staff_view
from frontdesk.tickets.views._common import desk_context, web_origin

ACTIVE_VIEW = "ai"


def ai_admin_page(view: View) -> View:
    @staff_view
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        require_ai_admin(request_user(request))
        return view(request, *args, **kwargs)

    return wrapper


@require_GET
@staff_view
def ticket_panel(request: HttpRequest, number: int) -> HttpResponse:
    user = request_user(request)
    ticket = queries.ticket_for(user, number)
    similar = queries.similar_tickets(user, ticket)
    context = {
        "ticket": ticket,
        "suggestions": queries.suggestions(ticket),
        "sentiment": queries.sentiment(ticket, limit=5),
        "similar": similar,
        "answers": queries.answer_suggestions(user, ticket, similar),
    }
    return render_page(request, "ai/_panel.html", context)


def _back_to_ticket(request: HttpRequest, number: int) -> HttpResponse:
    if is_htmx(request):
        response = HttpResponse(status=204)
        response["HX-Refresh"] = "true"
        return response
    return redirect("tickets:detail", number)


@require_POST
@staff_view
def accept(request: HttpRequest, prediction_id: int) -> HttpResponse:
    ticket = actions.accept_prediction(
        actor=request_user(request), origin=web_origin(request), prediction_id=prediction_id
    )
    return _back_to_ticket(request, ticket.number)


@require_POST
@staff_view
def dismiss(request: HttpRequest, prediction_id: int) -> HttpResponse:
    user = request_user(request)
    number = int(request.POST.get("number") or 0)
    actions.dismiss_prediction(actor=user, prediction_id=prediction_id)
    return _back_to_ticket(request, number)


def _admin_context(request: HttpRequest, **extra: Any) -> dict[str, Any]:
    user = request_user(request)
    versions = queries.model_versions(user)
    active = actions.active_model()
    counts = queries.prediction_counts(user)
    labels = dict(TriageField.choices)
    return desk_context(
        user,
        ACTIVE_VIEW,
        versions=versions,
        active=active,
        settings=[
            {"setting": s, "label": labels[name], "counts": counts.get(name, {})}
            for name, s in actions.field_settings().items()
        ],
        modes=Mode.choices,
        accuracy=queries.production_accuracy(user),
        **extra,
    )


@require_GET
@ai_admin_page
def admin_page(request: HttpRequest) -> HttpResponse:
    return render_page(request, "ai/admin.html", _admin_context(request))


@require_POST
@ai_admin_page
def train_now(request: HttpRequest) -> HttpResponse:
    from frontdesk.ai.tasks import train_on_demand

    train_on_demand.enqueue(request_user(request).pk)
    messages.success(request, _("Training started; the new version appears here when done."))
    return redirect("ai:admin")


@require_POST
@ai_admin_page
def save_setting(request: HttpRequest, field: str) -> HttpResponse:
    try:
        threshold = float(request.POST.get("threshold", "0.9"))
    except ValueError:
        threshold = -1.0
    try:
        actions.save_field_setting(
            actor=request_user(request),
            field_name=field,
            mode=request.POST.get("mode", ""),
            threshold=threshold,
        )
    except Invalid as exc:
        context = _admin_context(request, error_field=field, error=exc.message)
        return render_page(request, "ai/admin.html", context, status=422)
    except DomainError:
        raise
    messages.success(request, _("Saved."))
    return redirect("ai:admin")
