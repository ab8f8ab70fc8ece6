"""The ticket page: header, conversation, composer and field sidebar.

One template (`tickets/detail.html`) with partials: after a change the response carries the
part that was acted on plus out-of-band copies of the others, so the version the sidebar
sends back is always the current one and a draft in the composer survives field edits.
"""

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from frontdesk.accounts.models import Team, User
from frontdesk.approvals.queries import approval_for
from frontdesk.core import clock
from frontdesk.core.errors import Conflict, DomainError, Invalid, NotFound
from frontdesk.core.web import render_page, request_user, staff_view
from frontdesk.macros.actions import apply_changes_for_reply
from frontdesk.sla.queries import ticket_sla
from frontdesk.tickets import actions
from frontdesk.tickets.access import access_ticket, visible_events, visible_to
from frontdesk.tickets.choices import LinkKind
from frontdesk.tickets.content import markdown_to_html
from frontdesk.tickets.events import Origin
from frontdesk.tickets.forms import CUSTOM_PREFIX, TicketFieldsForm, agent_choices
from frontdesk.tickets.models import Ticket, TicketEvent, TicketLink
from frontdesk.tickets.queries import event_list, message_list, ticket_detail, ticket_messages
from frontdesk.tickets.timeline import build_timeline, referenced_ids
from frontdesk.tickets.views._common import desk_context, web_origin

MAX_ENTRIES = 500  # newest messages and events shown; older ones stay in the API
MAX_UPLOAD_FILES = 10


@staff_view
def ticket_page(request: HttpRequest, number: int) -> HttpResponse:
    user = request_user(request)
    fragment = "live_refresh" if request.GET.get("part") == "live" else None
    return render_ticket(request, user, number, fragment=fragment)


def render_ticket(
    request: HttpRequest,
    user: User,
    number: int,
    *,
    fragment: str | None = None,
    status: int = 200,
    **extra: Any,
) -> HttpResponse:
    # This read is the permission check: ticket_detail starts from visible_to.
    ticket = (
        ticket_detail(user)
        .select_related("team", "assignee", "organization")
        .filter(number=number)
        .first()
    )
    if ticket is None:
        raise NotFound("No such ticket.")
    agents = agent_choices()
    context = desk_context(
        user, "", ticket=ticket, agents=agents, **_conversation(user, ticket), **extra
    )
    context.setdefault("fields_form", TicketFieldsForm(initial=_initial(ticket), agents=agents))
    context.setdefault("seen_at", clock.now().isoformat())
    context.setdefault("sla", ticket_sla(ticket, now=clock.now()))
    context.setdefault("approval", approval_for(ticket, user))
    return render_page(request, "tickets/detail.html", context, fragment=fragment, status=status)


def _conversation(user: User, ticket: Ticket) -> dict[str, Any]:
    messages = list(ticket_messages(user, ticket).order_by("-created_at", "-pk")[:MAX_ENTRIES])
    events = list(
        visible_events(user, ticket)
        .select_related("actor")
        .order_by("-created_at", "-pk")[:MAX_ENTRIES]
    )
    wanted = referenced_ids(events)
    names = {
        "users": {u.pk: str(u) for u in User.objects.filter(pk__in=wanted["users"])},
        "teams": {t.pk: t.name for t in Team.objects.filter(pk__in=wanted["teams"])},
    }
    requester_tickets = (
        ticket_detail(user)
        .filter(requester_id=ticket.requester_id)
        .exclude(pk=ticket.pk)
        .order_by("-updated_at")[:5]
    )
    return {
        **_relations(user, ticket),
        "timeline": build_timeline(reversed(messages), reversed(events), names),
        "last_message_id": max((m.pk for m in messages), default=0),
        "requester_tickets": list(requester_tickets),
    }


def _relations(user: User, ticket: Ticket) -> dict[str, Any]:
    """Followers and links. A linked ticket the viewer may not see shows its number only."""
    links = list(
        TicketLink.objects.filter(Q(source=ticket) | Q(target=ticket)).select_related(
            "source", "target"
        )
    )
    others = {link.target if link.source_id == ticket.pk else link.source for link in links}
    visible = set(
        visible_to(user).filter(pk__in=[t.pk for t in others]).values_list("pk", flat=True)
    )
    return {
        "followers": list(ticket.followers.order_by("name", "pk")),
        "links": [
            LinkedTicket(link, other, other.pk in visible, outgoing=link.source_id == ticket.pk)
            for link in links
            for other in [link.target if link.source_id == ticket.pk else link.source]
        ],
        "link_kinds": LinkKind.choices,
    }


@dataclass(frozen=True)
class LinkedTicket:
    link: TicketLink
    other: Ticket
    visible: bool
    outgoing: bool


def _initial(ticket: Ticket) -> dict[str, Any]:
    return {
        "version": ticket.version,
        "status": ticket.status.slug,
        "priority": ticket.get_priority_display(),
        "type": ticket.type,
        "category": ticket.category.slug if ticket.category else "",
        "team": str(ticket.team_id or ""),
        "assignee": str(ticket.assignee_id or ""),
        "tags": " ".join(sorted(t.name for t in ticket.tags.all())),
        "custom_fields": ticket.custom_fields,
        **{CUSTOM_PREFIX + key: value for key, value in ticket.custom_fields.items()},
    }


@require_POST
@staff_view
def update_fields(request: HttpRequest, number: int) -> HttpResponse:
    """Save the sidebar. A stale version answers 409 with what changed since, and by whom."""
    user = request_user(request)
    ticket = access_ticket(user, number)
    initial = _initial(ticket) | {"tags": [t.name for t in ticket.tags.all()]}
    form = TicketFieldsForm(request.POST)
    if not form.is_valid():
        return render_ticket(request, user, number, fragment="side", status=422, fields_form=form)
    try:
        actions.update_ticket(
            actor=user,
            origin=web_origin(request),
            number=number,
            changes=form.changes(initial),
            expected_version=form.cleaned_data["version"],
        )
    except Conflict:
        changes = _changes_since(user, number, request.POST.get("seen_at", ""))
        return render_ticket(request, user, number, fragment="side", status=409, conflict=changes)
    except DomainError as exc:
        return render_ticket(request, user, number, fragment="side", status=422, error=exc.message)
    return render_ticket(request, user, number, fragment="after_change")


def _changes_since(user: User, number: int, seen_at: str) -> list[TicketEvent]:
    events = event_list(user, number).select_related("actor").order_by("created_at", "pk")
    if seen_at:
        events = events.filter(created_at__gt=seen_at)
    return list(events[:20])


@require_POST
@staff_view
def post_message(request: HttpRequest, number: int) -> HttpResponse:
    """Send a reply or add a note. If someone wrote on the ticket since the composer was
    opened, ask first (409) instead of sending a reply that may no longer fit."""
    user = request_user(request)
    kind = request.POST.get("kind", "reply")
    body = request.POST.get("body", "")
    newer = _newer_messages(user, number, request.POST.get("last_message_id", "0"))
    if newer and not request.POST.get("confirm"):
        return _composer_again(request, user, number, 409, newer=newer)
    try:
        _send(request, user, number, kind, body)
    except DomainError as exc:
        return _composer_again(request, user, number, exc.http_status, error=exc.message)
    return render_ticket(request, user, number, fragment="after_message")


def _composer_again(
    request: HttpRequest, user: User, number: int, status: int, **extra: Any
) -> HttpResponse:
    """The composer with the draft kept, swapped over itself instead of the thread."""
    response = render_ticket(
        request, user, number, fragment="composer", status=status, draft=request.POST, **extra
    )
    response["HX-Retarget"] = "#composer"
    response["HX-Reswap"] = "outerHTML"
    return response


def _newer_messages(user: User, number: int, last_id: str) -> list[Any]:
    try:
        seen = int(last_id)
    except ValueError:
        seen = 0
    return list(message_list(user, number).filter(pk__gt=seen).order_by("pk")[:5])


def _send(request: HttpRequest, user: User, number: int, kind: str, body: str) -> None:
    if not body.strip():  # before any upload, so a failed send leaves no stray files
        raise Invalid("empty_body", _("Write a message first."))
    if kind not in ("reply", "note"):
        raise Invalid("invalid_kind", _("Choose a reply or a note."))
    origin = web_origin(request)
    macro = request.POST.get("macro", "").strip()
    with transaction.atomic():
        _post(request, user, number, kind, body, origin)
        if macro.isdigit():
            # The macro picked in the composer: its field changes, made as this agent after
            # the message (so a macro that hands the ticket to another team still gets its
            # reply out), in the same transaction: a refused change sends nothing.
            apply_changes_for_reply(actor=user, origin=origin, macro_id=int(macro), number=number)


def _post(
    request: HttpRequest, user: User, number: int, kind: str, body: str, origin: Origin
) -> None:
    files = request.FILES.getlist("files")[:MAX_UPLOAD_FILES]
    uploaded = [
        actions.attach_file(
            actor=user,
            origin=origin,
            number=number,
            file_name=f.name or "upload",
            content=f,
            internal=kind == "note",
        ).pk
        for f in files
    ]
    body_html = markdown_to_html(body)
    if kind == "note":
        actions.add_note(
            actor=user,
            origin=origin,
            number=number,
            body=body,
            body_html=body_html,
            attachment_ids=uploaded,
        )
    else:
        actions.post_reply(
            actor=user,
            origin=origin,
            number=number,
            body=body,
            body_html=body_html,
            attachment_ids=uploaded,
            status=request.POST.get("status") or None,
        )


@require_POST
@staff_view
def claim(request: HttpRequest, number: int) -> HttpResponse:
    user = request_user(request)
    actions.claim_ticket(actor=user, origin=web_origin(request), number=number)
    return render_ticket(request, user, number, fragment="after_change")
