"""The read side of triggers and time rules: the rules in run order, the record of their
runs, and the dry run (which triggers would fire on a real ticket for an event, and why).

Supervisors and administrators read; the runs are limited to the tickets the reader may
see (their explanations quote the ticket's facts).
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from frontdesk.accounts.models import User
from frontdesk.automation.actions import Effect, apply_changes
from frontdesk.automation.conditions import EventFacts, EventKind, TicketFacts, explain
from frontdesk.automation.rules import Rule, RunResult, run_rules
from frontdesk.core.errors import NotFound
from frontdesk.tickets.access import access_ticket, visible_to
from frontdesk.tickets.facts import ticket_facts
from frontdesk.tickets.models import Message, Status, Ticket
from frontdesk.triggers.access import require_automation_reader
from frontdesk.triggers.actions.apply import describe_effect
from frontdesk.triggers.actions.run import MAX_FIRINGS
from frontdesk.triggers.actions.time_rules import active_time_rules
from frontdesk.triggers.facts import last_moments
from frontdesk.triggers.models import TimeRule, TimeRuleRun, Trigger, TriggerRun
from frontdesk.triggers.rulebook import active_triggers, sets_status, since_kinds

# --- the rules ----------------------------------------------------------------------------


def triggers(user: User) -> QuerySet[Trigger]:
    """Every trigger, active or not, in the order they run."""
    require_automation_reader(user)
    return Trigger.objects.order_by("position", "pk")


def trigger(user: User, rule_id: int) -> Trigger:
    found = triggers(user).filter(pk=rule_id).first()
    if found is None:
        raise NotFound("No such trigger.")
    return found


def time_rules(user: User) -> QuerySet[TimeRule]:
    """Every time rule, active or not, in the order they run."""
    require_automation_reader(user)
    return TimeRule.objects.order_by("position", "pk")


def time_rule(user: User, rule_id: int) -> TimeRule:
    found = time_rules(user).filter(pk=rule_id).first()
    if found is None:
        raise NotFound("No such time rule.")
    return found


# --- the record ---------------------------------------------------------------------------


def trigger_runs(
    user: User, *, trigger_id: int | None = None, ticket_number: int | None = None
) -> QuerySet[TriggerRun]:
    """Firings on tickets `user` may see, with their ticket's number; newest first once
    paged. Filter by trigger or by ticket number."""
    require_automation_reader(user)
    runs = TriggerRun.objects.filter(ticket__in=visible_to(user).values("pk"))
    if trigger_id is not None:
        runs = runs.filter(trigger_id=trigger_id)
    if ticket_number is not None:
        runs = runs.filter(ticket__number=ticket_number)
    return runs.select_related("ticket").only(
        *(f.name for f in TriggerRun._meta.concrete_fields), "ticket__number"
    )


def time_rule_runs(user: User, *, rule_id: int | None = None) -> QuerySet[TimeRuleRun]:
    """Times a time rule acted, on tickets `user` may see."""
    require_automation_reader(user)
    runs = TimeRuleRun.objects.filter(ticket__in=visible_to(user).values("pk"))
    if rule_id is not None:
        runs = runs.filter(rule_id=rule_id)
    return runs.select_related("ticket", "rule").only(
        *(f.name for f in TimeRuleRun._meta.concrete_fields), "ticket__number", "rule__name"
    )


# --- the dry run --------------------------------------------------------------------------


@dataclass(frozen=True)
class Firing:
    """A rule that would fire: why, its changes (tags as added/removed, as recorded on
    the ticket) and the effects it would ask for."""

    rule_id: int
    name: str
    why: tuple[str, ...]
    changes: dict[str, Any]
    effects: list[dict[str, Any]]
    stopped: bool = False

    def record(self, kind: str) -> dict[str, Any]:
        """In the shape of a `triggered` event's value, for the timeline's wording."""
        return {"kind": kind, "rule": self.name, "changes": self.changes}


@dataclass(frozen=True)
class Check:
    """A rule that would not fire, each condition with the fact it saw."""

    rule_id: int
    name: str
    why: tuple[str, ...]


@dataclass(frozen=True)
class DryRun:
    ticket: Ticket
    event: str
    fired: tuple[Firing, ...]
    not_fired: tuple[Check, ...]
    capped: bool


def dry_run(
    user: User,
    number: int,
    *,
    event: EventKind,
    now: datetime,
    actor_role: str = "agent",
    body: str | None = None,
    rules: Sequence[Rule] | None = None,
    time: bool = False,
) -> DryRun:
    """Which triggers (with `time`, time rules) would fire on ticket `number` for `event`,
    and why; changes nothing. `rules`: drafts to try instead of the active ones. `body`:
    the message behind the event; by default the ticket's newest message."""
    require_automation_reader(user)
    ticket = access_ticket(user, number)
    if time:
        candidates = tuple(active_time_rules() if rules is None else rules)
    else:
        candidates = tuple(active_triggers().rules if rules is None else rules)
    kinds = frozenset().union(*(since_kinds(rule.condition) for rule in candidates))
    moments = last_moments([ticket], kinds)[ticket.pk] if kinds else {}
    if body is None:
        newest = Message.objects.filter(ticket=ticket).order_by("-created_at", "-pk").first()
        body = newest.body_text if newest else ""
    facts = ticket_facts(ticket, body=body)
    facts_event = EventFacts(
        kind=event,
        actor_role="system" if time else actor_role,
        occurred_at=now,
        since=moments,
    )
    local_now = timezone.localtime(now)
    categories = (
        dict(Status.objects.values_list("slug", "category")) if sets_status(candidates) else {}
    )

    def run(chosen: Sequence[Rule]) -> RunResult:
        return run_rules(
            chosen,
            facts,
            facts_event,
            now=local_now,
            max_firings=MAX_FIRINGS,
            status_categories=categories,
        )

    # Time rules act each on its own; triggers run together, seeing each other's changes.
    results = [run((rule,)) for rule in candidates] if time else [run(candidates)]
    fired: list[Firing] = []
    for result in results:
        fired += _firings(result, facts, categories)
    fired_ids = {firing.rule_id for firing in fired}
    final = results[-1].ticket if results and not time else facts
    not_fired = tuple(
        Check(rule.id, rule.name, tuple(explain(rule.condition, final, facts_event, now=local_now)))
        for rule in candidates
        if rule.id not in fired_ids
    )
    return DryRun(ticket, event, tuple(fired), not_fired, any(result.capped for result in results))


def _firings(result: RunResult, original: TicketFacts, categories: dict[str, str]) -> list[Firing]:
    firings = []
    before = original
    for fired in result.fired:
        changes: dict[str, Any] = {}
        for name, value in fired.plan.changes.items():
            if name == "tags":
                after = frozenset(value)
                changes["tags"] = {
                    "added": sorted(after - before.tags),
                    "removed": sorted(before.tags - after),
                }
            else:
                changes[name] = value
        effects: list[Effect] = list(fired.plan.effects)
        firings.append(
            Firing(
                fired.rule_id,
                fired.name,
                tuple(fired.explanation),
                changes,
                [describe_effect(effect) for effect in effects],
                stopped=fired.rule_id == result.stopped_by,
            )
        )
        before = apply_changes(before, fired.plan.changes, status_categories=categories)
    return firings
