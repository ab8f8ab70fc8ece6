"""The ticket page's conversation: messages and audit events as one time-ordered list.

Pure presentation: it takes rows already read through the permission gate and returns
entries for the template. Events that only repeat a message ("replied", "noted") are left
out; field changes name the people and teams instead of showing ids.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.utils.translation import gettext as _

from frontdesk.tickets.choices import EventAction, MessageKind
from frontdesk.tickets.models import Message, TicketEvent

HIDDEN_ACTIONS = frozenset({EventAction.CREATED, EventAction.REPLIED, EventAction.NOTED})
PEOPLE_FIELDS = frozenset({"assignee_id", "assignee"})
TEAM_FIELDS = frozenset({"team_id", "team"})
SLA_ACTIONS = frozenset({EventAction.SLA_WARNING, EventAction.SLA_BREACH, EventAction.ESCALATED})


@dataclass(frozen=True)
class Entry:
    kind: str  # "reply", "note", "system" or "event"
    at: datetime
    message: Message | None = None
    event: TicketEvent | None = None
    text: str = ""


def build_timeline(
    messages: Iterable[Message],
    events: Iterable[TicketEvent],
    names: Mapping[str, Mapping[int, str]],
) -> list[Entry]:
    entries = [Entry(kind=_message_kind(m), at=m.created_at, message=m) for m in messages]
    entries += [
        Entry(kind="event", at=e.created_at, event=e, text=describe_event(e, names))
        for e in events
        if e.action not in HIDDEN_ACTIONS
    ]
    return sorted(entries, key=lambda entry: entry.at)


def _message_kind(message: Message) -> str:
    return "note" if message.kind == MessageKind.NOTE else str(message.kind)


def referenced_ids(events: Sequence[TicketEvent]) -> dict[str, set[int]]:
    """The user and team ids that field-change events mention, to look their names up."""
    wanted: dict[str, set[int]] = {"users": set(), "teams": set()}
    for event in events:
        if event.action == EventAction.AUTO_ASSIGNED and isinstance(event.new_value, dict):
            assignee = event.new_value.get("assignee")
            wanted["users"].update([assignee] if isinstance(assignee, int) else [])
        bucket = _bucket(event.field)
        if bucket:
            wanted[bucket].update(
                v for v in (event.old_value, event.new_value) if isinstance(v, int)
            )
    return wanted


def _bucket(field: str) -> str | None:
    if field in PEOPLE_FIELDS:
        return "users"
    if field in TEAM_FIELDS:
        return "teams"
    return None


def describe_event(event: TicketEvent, names: Mapping[str, Mapping[int, str]]) -> str:
    actor = str(event.actor) if event.actor else _("Frontdesk")
    if event.action in SLA_ACTIONS:
        return _("%(actor)s: %(what)s (%(metric)s)") % {
            "actor": actor,
            "what": event.get_action_display(),
            "metric": event.field.replace("_", " "),
        }
    if event.action == EventAction.AUTO_ASSIGNED:
        return _describe_auto_assignment(actor, event.new_value, names.get("users", {}))
    if event.action == EventAction.ROUTED:
        return describe_routing(event.new_value)
    if event.action != EventAction.CHANGED:
        return f"{actor}: {event.get_action_display()}{_detail(event.new_value)}"
    bucket = _bucket(event.field)
    old = _name(event.old_value, names.get(bucket or "", {}))
    new = _name(event.new_value, names.get(bucket or "", {}))
    field = event.field.removesuffix("_id").replace("_", " ")
    return _("%(actor)s changed %(field)s from %(old)s to %(new)s") % {
        "actor": actor,
        "field": field,
        "old": old,
        "new": new,
    }


def _describe_auto_assignment(actor: str, value: Any, people: Mapping[int, str]) -> str:
    details = value if isinstance(value, dict) else {}
    assignee = details.get("assignee")
    reason = str(details.get("reason") or "")
    if assignee is None:
        return _("%(actor)s: nobody assigned automatically (%(reason)s)") % {
            "actor": actor,
            "reason": reason,
        }
    return _("%(actor)s assigned %(agent)s automatically (%(reason)s)") % {
        "actor": actor,
        "agent": _name(assignee, people),
        "reason": reason,
    }


_ROUTING_ORDER = {
    name: i for i, name in enumerate(("team", "category", "priority", "type", "tags"))
}


def describe_routing(value: Any) -> str:
    """`Rule “VIP” routed it: team billing, priority high, tags +vip; kept as created:
    priority; skipped: category (no category 'gone')`."""
    details = value if isinstance(value, dict) else {}
    changes = details.get("changes")
    changes = changes if isinstance(changes, dict) else {}
    # In a fixed order: PostgreSQL's jsonb does not keep the keys' order.
    ordered = sorted(changes.items(), key=lambda item: _ROUTING_ORDER.get(item[0], 99))
    parts = [_routing_change(name, value) for name, value in ordered]
    text = _("Rule “%(rule)s” routed it: %(changes)s") % {
        "rule": details.get("rule", "?"),
        "changes": ", ".join(parts) or _("no change"),
    }
    kept = details.get("kept")
    if isinstance(kept, list) and kept:
        text += "; " + _("kept as created: %(fields)s") % {"fields": ", ".join(map(str, kept))}
    skipped = details.get("skipped")
    if isinstance(skipped, dict) and skipped:
        reasons = ", ".join(f"{name} ({reason})" for name, reason in skipped.items())
        text += "; " + _("skipped: %(reasons)s") % {"reasons": reasons}
    return text


def _routing_change(name: str, value: Any) -> str:
    if name == "tags" and isinstance(value, dict):
        tags = [f"+{t}" for t in value.get("added", [])]
        tags += [f"-{t}" for t in value.get("removed", [])]
        return f"tags {' '.join(tags)}"
    if name == "custom_fields" and isinstance(value, dict):
        return ", ".join(f"{key} {_name(v, {})}" for key, v in value.items())
    return f"{name} {_name(value, {})}"


def _name(value: Any, names: Mapping[int, str]) -> str:
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, int) and value in names:
        return names[value]
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) or "—"
    return str(value)


def _detail(value: Any) -> str:
    if isinstance(value, dict) and "number" in value:
        return f" #{value['number']}"
    return ""
