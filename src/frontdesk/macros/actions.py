"""Writers for macros: saving and deleting them, and applying one to a ticket.

Applying renders the text for the ticket and the agent (`placeholders.py`) and makes the
field changes through `tickets.actions.update_ticket`, so a macro can do nothing the agent
could not do by hand (and the triggers see an ordinary update). Each application counts.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import F

from frontdesk.accounts.models import Team, User
from frontdesk.automation.actions import (
    AddTags,
    RemoveTags,
    SetField,
    parse_actions,
    plan_actions,
    serialize_actions,
)
from frontdesk.automation.errors import RuleError
from frontdesk.core import clock
from frontdesk.core.errors import Invalid, NotFound
from frontdesk.macros import placeholders
from frontdesk.macros.access import require_can_change, require_may_share
from frontdesk.macros.choices import PostAs, Visibility
from frontdesk.macros.errors import MacroErrorCode
from frontdesk.macros.models import Macro
from frontdesk.macros.queries import macro as visible_macro
from frontdesk.tickets.choices import Priority
from frontdesk.tickets.content import markdown_to_html
from frontdesk.tickets.events import Origin
from frontdesk.tickets.facts import ticket_facts
from frontdesk.tickets.models import Message, Status, Ticket

MAX_NAME = 100
MAX_BODY = 20_000
# What a macro may change: the fields an agent sets in the sidebar, and tags.
MACRO_FIELDS = ("status", "priority", "type", "team", "category", "assignee")


# --- checking -----------------------------------------------------------------------------


def check_actions(data: Any) -> list[dict[str, Any]]:
    """A macro's field changes in the rule language (set_field, add_tags, remove_tags), or
    Invalid with the path at fault."""
    if data in (None, ""):
        return []
    try:
        parsed = parse_actions(data)
    except RuleError as exc:
        raise _invalid_actions(exc.path, exc.message) from exc
    for i, action in enumerate(parsed):
        if isinstance(action, SetField) and action.field in MACRO_FIELDS:
            continue
        if isinstance(action, AddTags | RemoveTags):
            continue
        raise _invalid_actions(
            f"[{i}]",
            "a macro sets status, priority, type, team, category or assignee, or "
            "adds or removes tags",
        )
    return serialize_actions(parsed)


def _invalid_actions(path: str, message: str) -> Invalid:
    return Invalid(MacroErrorCode.INVALID_ACTIONS, message, {"path": f"actions{path}"})


def check_body(body: str) -> str:
    body = body or ""
    if len(body) > MAX_BODY:
        raise Invalid(MacroErrorCode.INVALID_BODY, f"At most {MAX_BODY} characters of text.")
    _, unknown = placeholders.placeholders_in(body)
    if unknown:
        names = ", ".join("{{" + name + "}}" for name in placeholders.PLACEHOLDERS)
        raise Invalid(
            MacroErrorCode.INVALID_BODY,
            f"Unknown placeholder {{{{{unknown[0]}}}}}; use {names}.",
            {"unknown": unknown},
        )
    return body


# --- saving -------------------------------------------------------------------------------


def save_macro(
    *,
    actor: User,
    macro_id: int | None = None,
    name: str,
    body: str = "",
    actions: Any = (),
    visibility: str = Visibility.PERSONAL,
    team_id: int | None = None,
    is_active: bool = True,
    now: datetime | None = None,
) -> Macro:
    """Create or replace a macro. A personal macro belongs to its creator (replacing one
    keeps its owner)."""
    now = now or clock.now()
    macro = visible_macro(actor, macro_id) if macro_id is not None else None
    if macro is not None:
        require_can_change(actor, macro)
    if visibility not in Visibility.values:
        raise Invalid(MacroErrorCode.INVALID_VISIBILITY, f"Unknown visibility {visibility!r}.")
    if visibility == Visibility.TEAM:
        if team_id is None or not Team.objects.filter(pk=team_id).exists():
            raise Invalid(MacroErrorCode.INVALID_VISIBILITY, "Choose the team to share with.")
    else:
        team_id = None
    require_may_share(actor, visibility, team_id)
    name = (name or "").strip()
    if not 1 <= len(name) <= MAX_NAME:
        raise Invalid(MacroErrorCode.INVALID_NAME, f"A name of 1-{MAX_NAME} characters.")
    body = check_body(body)
    checked = check_actions(list(actions) if isinstance(actions, tuple) else actions)
    if not body.strip() and not checked:
        raise Invalid(MacroErrorCode.EMPTY_MACRO, "A macro needs text, field changes or both.")
    with transaction.atomic():
        if macro is None:
            macro = Macro(created_by=actor, created_at=now)
        else:
            macro = Macro.objects.select_for_update().get(pk=macro.pk)
        owner = macro.owner_id or actor.pk
        macro.name, macro.body, macro.actions = name, body, checked
        macro.visibility, macro.team_id, macro.is_active = visibility, team_id, is_active
        macro.owner_id = owner if visibility == Visibility.PERSONAL else None
        macro.updated_at = now
        macro.save()
    return macro


def delete_macro(*, actor: User, macro_id: int) -> None:
    macro = visible_macro(actor, macro_id)
    require_can_change(actor, macro)
    Macro.objects.filter(pk=macro.pk).delete()


def count_use(macro: Macro, *, now: datetime) -> None:
    Macro.objects.filter(pk=macro.pk).update(usage_count=F("usage_count") + 1, last_used_at=now)


# --- rendering ----------------------------------------------------------------------------


def first_name(user: User | None) -> str:
    if user is None:
        return ""
    if user.name.strip():
        return user.name.split()[0]
    return user.email.split("@")[0]


def placeholder_values(ticket: Ticket, agent: User | None) -> dict[str, str]:
    from django.conf import settings

    requester, assignee = ticket.requester, ticket.assignee
    return {
        "ticket.number": str(ticket.number),
        "ticket.subject": ticket.subject,
        "ticket.status": ticket.status.name,
        "ticket.priority": Priority(ticket.priority).label,
        "ticket.type": ticket.get_type_display(),
        "ticket.team": ticket.team.name if ticket.team else "",
        "ticket.url": f"{settings.FRONTDESK_PUBLIC_URL.rstrip('/')}/desk/tickets/{ticket.number}/",
        "requester.name": requester.name or requester.email,
        "requester.first_name": first_name(requester),
        "requester.email": requester.email,
        "organization.name": ticket.organization.name if ticket.organization else "",
        "assignee.name": str(assignee.name or assignee.email) if assignee else "",
        "assignee.first_name": first_name(assignee),
        "agent.name": str(agent.name or agent.email) if agent else "",
        "agent.first_name": first_name(agent),
    }


@dataclass(frozen=True)
class Preview:
    """What applying `macro` to `ticket` would do."""

    macro: Macro
    ticket: Ticket
    text: str
    unknown: tuple[str, ...]
    changes: Mapping[str, Any]  # shaped like update_ticket's `changes`
    summary: list[str] = field(default_factory=list)  # the changes in words


def preview(macro: Macro, ticket: Ticket, agent: User | None) -> Preview:
    rendered = placeholders.render(macro.body, placeholder_values(ticket, agent))
    changes, summary = ticket_changes(macro, ticket)
    return Preview(macro, ticket, rendered.text, rendered.unknown, changes, summary)


def ticket_changes(macro: Macro, ticket: Ticket) -> tuple[dict[str, Any], list[str]]:
    """The macro's field changes for this ticket (only what differs), for `update_ticket`,
    and in words. A team or status that no longer exists is refused when applied."""
    try:
        plan = plan_actions(parse_actions(macro.actions or []), ticket_facts(ticket))
    except RuleError as exc:
        raise _invalid_actions(exc.path, exc.message) from exc
    changes: dict[str, Any] = {}
    summary: list[str] = []
    for key, value in plan.changes.items():
        if key == "team":
            team = Team.objects.filter(slug=value).first() if value else None
            changes["team_id"] = team.pk if team else None
            summary.append(f"Team → {team.name if team else '—'}")
        elif key == "assignee_id":
            person = User.objects.filter(pk=value).first() if value else None
            changes["assignee_id"] = value
            summary.append(f"Assignee → {person or '—'}")
        elif key == "tags":
            changes["tags"] = list(value)
            before = set(ticket.tags.values_list("name", flat=True))
            added = [f"+{t}" for t in sorted(set(value) - before)]
            removed = [f"-{t}" for t in sorted(before - set(value))]
            summary.append("Tags " + " ".join(added + removed))
        elif key == "status":
            status = Status.objects.filter(slug=value).first()
            changes["status"] = value
            summary.append(f"Status → {status.name if status else value}")
        elif key in ("priority", "type", "category"):
            changes[key] = value
            summary.append(f"{key.title()} → {value if value is not None else '—'}")
    return changes, summary


# --- applying -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Applied:
    ticket: Ticket
    text: str
    changes: Mapping[str, Any]
    message: Message | None


def apply_macro(
    *,
    actor: User,
    origin: Origin,
    macro_id: int,
    number: int,
    post: str = PostAs.REPLY,
    now: datetime | None = None,
) -> Applied:
    """Apply a macro: its field changes, then its text posted as a public reply or internal
    note (or, with `post="none"`, only returned), all in one transaction."""
    from frontdesk.tickets import actions as ticket_actions
    from frontdesk.tickets.access import access_ticket

    now = now or clock.now()
    macro = _usable(actor, macro_id)
    if post not in PostAs.values:
        raise Invalid("invalid_post", f"Unknown choice {post!r}; use reply, note or none.")
    with transaction.atomic():
        ticket = access_ticket(actor, number, lock=True)
        shown = preview(macro, ticket, actor)
        if shown.changes:
            ticket = ticket_actions.update_ticket(
                actor=actor,
                origin=origin,
                number=number,
                changes=shown.changes,
                expected_version=None,
                now=now,
            )
        message = None
        if post != PostAs.NONE:
            if not shown.text.strip():
                raise Invalid(MacroErrorCode.EMPTY_MACRO, "This macro has no text to post.")
            poster = ticket_actions.post_reply if post == PostAs.REPLY else ticket_actions.add_note
            message = poster(
                actor=actor,
                origin=origin,
                number=number,
                body=shown.text,
                body_html=markdown_to_html(shown.text),
                now=now,
            )
        count_use(macro, now=now)
    ticket.refresh_from_db()
    return Applied(ticket, shown.text, shown.changes, message)


def apply_changes_for_reply(
    *, actor: User, origin: Origin, macro_id: int, number: int, now: datetime | None = None
) -> Mapping[str, Any]:
    """The composer's half of applying: the agent sent the (edited) text themselves; make
    the macro's field changes and count the use. Call in the sending transaction."""
    from frontdesk.tickets import actions as ticket_actions
    from frontdesk.tickets.access import access_ticket

    now = now or clock.now()
    macro = _usable(actor, macro_id)
    ticket = access_ticket(actor, number, lock=True)
    changes, _ = ticket_changes(macro, ticket)
    if changes:
        ticket_actions.update_ticket(
            actor=actor,
            origin=origin,
            number=number,
            changes=changes,
            expected_version=None,
            now=now,
        )
    count_use(macro, now=now)
    return changes


def _usable(actor: User, macro_id: int) -> Macro:
    macro = visible_macro(actor, macro_id)
    if not macro.is_active:
        raise NotFound("No such macro.")
    return macro


def describe(actions: Sequence[Mapping[str, Any]]) -> list[str]:
    """A macro's field changes in words, without a ticket (the list pages)."""
    parts = []
    for action in actions:
        match action:
            case {"type": "set_field", "field": name, "value": value}:
                parts.append(f"{name} → {value if value is not None else '—'}")
            case {"type": "add_tags", "tags": tags}:
                parts.append(" ".join(f"+{t}" for t in tags))
            case {"type": "remove_tags", "tags": tags}:
                parts.append(" ".join(f"-{t}" for t in tags))
    return parts
