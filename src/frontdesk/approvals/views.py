"""Approval pages: "Awaiting my approval" (/desk/approvals/), deciding from the ticket
page's card, and the emailed decision link (/approvals/decide/<token>/), which works
without signing in because the token is the credential.

The link page decides only on POST (mail scanners and link previews fetch links with GET)
and is rate limited per client address, like the sign-in form.
"""

from typing import Any

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from frontdesk.approvals import actions
from frontdesk.approvals.access import access_request
from frontdesk.approvals.errors import ApprovalErrorCode
from frontdesk.approvals.queries import awaiting_decision
from frontdesk.core import clock
from frontdesk.core.errors import Conflict, Invalid, NotFound
from frontdesk.core.pagination import keyset_page
from frontdesk.core.web import is_htmx, render_page, request_user, staff_view
from frontdesk.tickets.choices import Channel
from frontdesk.tickets.events import Origin
from frontdesk.tickets.views._common import desk_context, web_origin
from frontdesk.tickets.views.detail import render_ticket

PAGE_SIZE = 25
# The link page: at most LINK_LIMIT requests per client address and window. A token has
# 256 random bits, so this is about load and noise rather than guessing.
LINK_LIMIT = 30
LINK_WINDOW_SECONDS = 600


@require_GET
@staff_view
def awaiting_page(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    page = keyset_page(
        awaiting_decision(user),
        order="created_at",
        cursor=request.GET.get("cursor"),
        limit=PAGE_SIZE,
    )
    context = desk_context(user, "approvals", page=page)
    return render_page(request, "approvals/list.html", context, fragment="results")


@require_POST
@staff_view
def decide_page(request: HttpRequest, approval_id: int) -> HttpResponse:
    """Approve or reject from the ticket's card (HTMX: the sidebar comes back) or from the
    list (back to the list)."""
    user = request_user(request)
    approval = access_request(user, approval_id)
    decision = request.POST.get("decision", "")
    comment = request.POST.get("comment", "")
    if decision == "cancel":
        actions.cancel(user, approval_id, comment, origin=web_origin(request))
    elif decision in ("approve", "reject"):
        actions.decide(
            user,
            approval_id,
            approve=decision == "approve",
            comment=comment,
            origin=web_origin(request),
        )
    else:
        raise Invalid("invalid_decision", "Choose approve or reject.")
    if request.POST.get("next") == "ticket":
        if is_htmx(request):
            return render_ticket(request, user, approval.ticket.number, fragment="after_change")
        return redirect("tickets:detail", number=approval.ticket.number)
    return redirect("approvals:list")


@never_cache
@require_http_methods(["GET", "POST"])
def link_page(request: HttpRequest, token: str) -> HttpResponse:
    """The emailed link: GET shows the ticket and the form; only a POST decides."""
    if _over_limit(request):
        limited = {"code": ApprovalErrorCode.TOO_MANY_REQUESTS, "message": _TOO_MANY}
        return render(request, "error.html", limited, status=429)
    now = clock.now()
    try:
        row = actions.link_approver(token, now=now)
    except NotFound as exc:
        return render(request, "approvals/link.html", {"invalid": exc.message}, status=404)
    context: dict[str, Any] = {"row": row, "ticket": row.request.ticket, "token": token}
    if request.method == "GET":
        return render(request, "approvals/link.html", context)
    decision = request.POST.get("decision", "")
    if decision not in ("approve", "reject"):
        return render(request, "approvals/link.html", {**context, "error": _CHOOSE}, status=422)
    origin = Origin(channel=Channel.EMAIL, ip_address=request.META.get("REMOTE_ADDR") or None)
    try:
        decided = actions.decide_by_token(
            token,
            approve=decision == "approve",
            comment=request.POST.get("comment", ""),
            origin=origin,
            now=now,
        )
    except NotFound as exc:
        return render(request, "approvals/link.html", {"invalid": exc.message}, status=404)
    except (Invalid, Conflict) as exc:
        return render(
            request,
            "approvals/link.html",
            {**context, "error": exc.message, "comment": request.POST.get("comment", "")},
            status=exc.http_status,
        )
    return render(request, "approvals/link.html", {"done": decided, "ticket": decided.ticket})


_TOO_MANY = "Too many requests from your address; try again in a few minutes."
_CHOOSE = "Choose approve or reject."


def _over_limit(request: HttpRequest) -> bool:
    """A fixed window per client address in the shared cache (settings.CACHES)."""
    address = request.META.get("REMOTE_ADDR") or "unknown"
    key = f"frontdesk:approval-link:{address}"
    cache.add(key, 0, timeout=LINK_WINDOW_SECONDS)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=LINK_WINDOW_SECONDS)
        count = 1
    return count > LINK_LIMIT
