"""Routing rules applied to a new ticket, and the audit event of each firing.

`create_ticket` calls `route_new_ticket` on the unsaved ticket before the team's automatic
assignment (so a rule's team decides the strategy) and `record_routing` after the save. A
rule's action that cannot be carried out (a team or category slug that no longer exists, a
custom field value the field refuses, more than the tags a ticket may have) is skipped and
the event says why: routing never makes ticket creation fail.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.utils import timezone

from frontdesk.accounts.models import Team
from frontdesk.routing.decide import Decision, Explicit, Firing, decide
from frontdesk.routing.rulebook import active_rules
from frontdesk.tickets.choices import PRIORITY_BY_NAME, EventAction, Priority, TicketType
from frontdesk.tickets.events import SYSTEM_ORIGIN, record_event
from frontdesk.tickets.facts import ticket_facts
from frontdesk.tickets.fields import FieldSpec, FieldValueError, merge_values
from frontdesk.tickets.models import Category, CustomFieldDefinition, Tag, Ticket

MAX_TAGS = 50  # as `tickets.actions.resolve.MAX_TAGS`


@dataclass(frozen=True)
class RuleDecision:
    """What one fired rule did to the ticket: the changes made, the fields left as the
    creator set them, and the actions skipped with the reason."""

    firing: Firing
    changes: dict[str, Any]
    skipped: dict[str, str]
    capped: bool = False  # the last firing before the cap cut the run short

    def event_value(self) -> dict[str, Any]:
        value: dict[str, Any] = {
            "rule_id": self.firing.rule_id,
            "rule": self.firing.name,
            "changes": self.changes,
            "why": list(self.firing.explanation),
        }
        if self.firing.kept:
            value["kept"] = list(self.firing.kept)
        if self.skipped:
            value["skipped"] = self.skipped
        if self.firing.stopped:
            value["stopped"] = True
        if self.capped:
            value["capped"] = True
        return value


@dataclass(frozen=True)
class RoutingOutcome:
    """The fired rules, in order, and the ticket's tags after them (creator's and rules')."""

    decisions: tuple[RuleDecision, ...] = ()
    tags: list[Tag] = field(default_factory=list)


def route_new_ticket(
    ticket: Ticket, *, tags: Sequence[Tag], body: str, now: datetime
) -> RoutingOutcome:
    """Run the active routing rules on the unsaved `ticket` (requester, organisation and
    status set) and make their changes to it. `tags` are the creator's tag rows; the
    outcome's `tags` are the rows to attach. Costs one query for the rules (none while
    they are cached) plus at most one each for the teams, categories, custom fields and
    tags the firings name, however many rules there are."""
    rules = active_rules()
    if not rules:
        return RoutingOutcome(tags=list(tags))
    names = [tag.name for tag in tags]
    facts = ticket_facts(ticket, tags=names, body=body)
    # time_of_day and weekday are read on the desk's clock (settings.TIME_ZONE).
    decision = decide(rules, facts, _explicit(ticket, names), now=timezone.localtime(now))
    if not decision.firings:
        return RoutingOutcome(tags=list(tags))
    applier = _Applier(ticket, decision, names)
    decisions = tuple(applier.apply(firing) for firing in decision.firings)
    if decision.capped:
        decisions = (*decisions[:-1], _with_cap(decisions[-1]))
    return RoutingOutcome(decisions, applier.tag_rows(tags))


def record_routing(ticket: Ticket, outcome: RoutingOutcome, *, now: datetime) -> None:
    """One internal `routed` event per fired rule, by the system; call after the save."""
    for decision in outcome.decisions:
        record_event(
            ticket,
            EventAction.ROUTED,
            actor=None,
            origin=SYSTEM_ORIGIN,
            now=now,
            new=decision.event_value(),
        )


def _explicit(ticket: Ticket, tag_names: Iterable[str]) -> Explicit:
    fields = set()
    if ticket.team_id is not None or ticket.assignee_id is not None:
        fields.add("team")  # an assignee the creator chose pins the team too
    if ticket.category_id is not None:
        fields.add("category")
    if ticket.priority != Priority.NORMAL:
        fields.add("priority")
    if ticket.type != TicketType.QUESTION:
        fields.add("type")
    return Explicit(frozenset(fields), frozenset(tag_names), frozenset(ticket.custom_fields))


def _with_cap(decision: RuleDecision) -> RuleDecision:
    return RuleDecision(decision.firing, decision.changes, decision.skipped, capped=True)


class _Applier:
    """Makes the firings' changes to the unsaved ticket, in order, looking up the teams,
    categories and custom fields they name once for all of them."""

    def __init__(self, ticket: Ticket, decision: Decision, tag_names: Iterable[str]) -> None:
        self.ticket = ticket
        self.tags = set(tag_names)
        slugs: dict[str, set[str]] = {"team": set(), "category": set()}
        for firing in decision.firings:
            for name, found in slugs.items():
                if firing.changes.get(name):
                    found.add(firing.changes[name])
        self.teams = (
            {t.slug: t for t in Team.objects.filter(slug__in=slugs["team"])}
            if slugs["team"]
            else {}
        )
        self.categories = (
            {c.slug: c for c in Category.objects.filter(slug__in=slugs["category"])}
            if slugs["category"]
            else {}
        )
        custom = any("custom_fields" in f.changes for f in decision.firings)
        self.specs = _field_specs() if custom else {}

    def apply(self, firing: Firing) -> RuleDecision:
        changes: dict[str, Any] = {}
        skipped: dict[str, str] = {}
        for name, value in firing.changes.items():
            if name == "custom_fields":
                self._apply_custom(value, changes, skipped)
                continue
            reason = self._apply_one(name, value)
            if reason is None:
                changes[name] = value
            else:
                skipped[name] = reason
        return RuleDecision(firing, changes, skipped)

    def _apply_one(self, name: str, value: Any) -> str | None:
        """Make one change; the reason it cannot be made, or None."""
        ticket = self.ticket
        match name:
            case "team":
                if value is not None and value not in self.teams:
                    return f"no team {value!r}"
                ticket.team = self.teams[value] if value is not None else None
            case "category":
                if value is not None and value not in self.categories:
                    return f"no category {value!r}"
                ticket.category = self.categories[value] if value is not None else None
            case "priority":
                ticket.priority = PRIORITY_BY_NAME[value]
            case "type":
                ticket.type = value
            case "tags":
                after = (self.tags | set(value["added"])) - set(value["removed"])
                if len(after) > MAX_TAGS:
                    return f"a ticket has at most {MAX_TAGS} tags"
                self.tags = after
            case _:
                return "not a routing change"
        return None

    def _apply_custom(
        self, values: dict[str, Any], changes: dict[str, Any], skipped: dict[str, str]
    ) -> None:
        applied = {}
        for key, value in values.items():
            try:
                merged = merge_values(self.specs, self.ticket.custom_fields, {key: value})
            except FieldValueError as exc:
                skipped[f"custom.{key}"] = exc.reason
            else:
                self.ticket.custom_fields = merged
                applied[key] = value
        if applied:
            changes["custom_fields"] = applied

    def tag_rows(self, creators: Sequence[Tag]) -> list[Tag]:
        """The rows of the final tags: the creator's, and rules' created on first use."""
        if self.tags == {tag.name for tag in creators}:
            return list(creators)
        wanted = sorted(self.tags)
        existing = {t.name: t for t in Tag.objects.filter(name__in=wanted)}
        missing = [Tag(name=name) for name in wanted if name not in existing]
        if missing:
            Tag.objects.bulk_create(missing, ignore_conflicts=True)
            existing = {t.name: t for t in Tag.objects.filter(name__in=wanted)}
        return [existing[name] for name in wanted]


def _field_specs() -> dict[str, FieldSpec]:
    """As `tickets.actions._common.field_specs` (not imported: that package imports this)."""
    return {
        d.key: FieldSpec(d.key, d.field_type, tuple(d.choices), d.required)
        for d in CustomFieldDefinition.objects.filter(is_active=True)
    }
