"""The ticket page's smaller edits: subject, followers, links and merge.

Each calls one action and answers like the sidebar does (`after_change`), so header,
thread and sidebar come back together with the new version.
"""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from frontdesk.core.errors import Invalid
from frontdesk.core.web import is_htmx, request_user, staff_view
from frontdesk.tickets import actions
from frontdesk.tickets.views._common import web_origin
from frontdesk.tickets.views.detail import render_ticket


def _int(request: HttpRequest, name: str) -> int:
    try:
        return int(request.POST.get(name, ""))
    except ValueError:
        raise Invalid("invalid_value", f"{name} must be a number.") from None


@require_POST
@staff_view
def edit_subject(request: HttpRequest, number: int) -> HttpResponse:
    user = request_user(request)
    actions.update_ticket(
        actor=user,
        origin=web_origin(request),
        number=number,
        changes={"subject": request.POST.get("subject", "")},
        expected_version=_int(request, "version"),
    )
    return render_ticket(request, user, number, fragment="after_change")


@require_POST
@staff_view
def followers(request: HttpRequest, number: int) -> HttpResponse:
    """`add` or `remove` one follower (`user_id`)."""
    user, origin = request_user(request), web_origin(request)
    follower_id = _int(request, "user_id")
    if request.POST.get("op") == "remove":
        actions.unfollow_ticket(actor=user, origin=origin, number=number, user_id=follower_id)
    else:
        actions.follow_ticket(actor=user, origin=origin, number=number, user_id=follower_id)
    return render_ticket(request, user, number, fragment="after_change")


@require_POST
@staff_view
def links(request: HttpRequest, number: int) -> HttpResponse:
    """Link to another ticket (`target`, `kind`), or remove a link (`op=remove`, `link_id`)."""
    user, origin = request_user(request), web_origin(request)
    if request.POST.get("op") == "remove":
        link_id = _int(request, "link_id")
        actions.unlink_tickets(actor=user, origin=origin, number=number, link_id=link_id)
    else:
        actions.link_tickets(
            actor=user,
            origin=origin,
            number=number,
            target_number=_int(request, "target"),
            kind=request.POST.get("kind", "related"),
        )
    return render_ticket(request, user, number, fragment="after_change")


@require_POST
@staff_view
def merge(request: HttpRequest, number: int) -> HttpResponse:
    """Merge this ticket into `into`; the agent continues on the surviving ticket."""
    user = request_user(request)
    into = _int(request, "into")
    target = actions.merge_tickets(
        actor=user, origin=web_origin(request), number=number, into_number=into
    )
    if is_htmx(request):  # a redirect would be followed inside the XHR and swapped in
        return HttpResponse(
            headers={"HX-Redirect": reverse("tickets:detail", args=[target.number])}
        )
    return redirect("tickets:detail", number=target.number)
