"""The scheduler's pass over time rules: each active rule acts on the tickets that meet its
condition now, once per episode.

Candidates. A time rule must bound the time (`hours_since.<event>` gt/gte among the
conditions that must all hold), so only tickets at least that old can match: the pass
reads open tickets (never closed ones) created (or, for `hours_since.updated`, last
updated) before the threshold, narrowed by the rule's required status category, status,
priority and assignee tests, and without a run of this rule since the ticket last changed
(nothing can have started a new episode then). Pages go by id, `MAX_EXAMINED` per rule and
pass; each page is locked `FOR UPDATE SKIP LOCKED` on PostgreSQL, so two schedulers split
the work instead of waiting on each other.

Once per episode. An episode is named by the moments the rule's `hours_since.*` count
from (without any, when the status last changed): "pending for 5 days" counts from the
status change, so the rule acts once per pending spell. Before acting, the pass inserts
`TimeRuleRun(rule, ticket, episode)` under a unique constraint, in the transaction that
acts: a second scheduler, a restarted one, or the next pass finds the row (or waits for
it and fails to insert) and does nothing.
"""

import logging
from datetime import datetime

from django.db import IntegrityError, connection, transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from frontdesk.automation.conditions import EventFacts, TicketFacts, evaluate, explain
from frontdesk.automation.errors import RuleError
from frontdesk.automation.rules import Rule, run_rules
from frontdesk.core import clock
from frontdesk.tickets.choices import StatusCategory
from frontdesk.tickets.facts import ticket_facts
from frontdesk.tickets.models import Status, Ticket, TicketTag
from frontdesk.triggers.actions.apply import carry_out
from frontdesk.triggers.actions.run import event_chain, run_triggers, write_records
from frontdesk.triggers.facts import event_facts, last_moments, update_kind
from frontdesk.triggers.models import TimeRule, TimeRuleRun
from frontdesk.triggers.rulebook import candidate_filter, since_kinds, time_rule

log = logging.getLogger(__name__)

PAGE = 200
MAX_EXAMINED = 5_000  # tickets per rule and pass; the next pass goes on
SLA_KINDS = frozenset({"sla_warning", "sla_breach"})


def active_time_rules() -> list[Rule]:
    rules = []
    for row in TimeRule.objects.filter(is_active=True).order_by("position", "pk"):
        try:
            rules.append(time_rule(row))
        except RuleError as exc:
            log.warning("time rule %s (%s) skipped: %s", row.pk, row.name, exc)
    return rules


def episode_kinds(rule: Rule) -> frozenset[str]:
    return since_kinds(rule.condition) or frozenset({"status_changed"})


def episode_of(rule: Rule, moments: dict[str, datetime]) -> str:
    """The name of the episode: `kind=moment` for each moment the rule counts from."""
    return (
        ";".join(
            f"{kind}={moments[kind].isoformat()}"
            for kind in sorted(episode_kinds(rule))
            if kind in moments
        )
        or "-"
    )


def run_time_rules(*, now: datetime | None = None, rules: list[Rule] | None = None) -> int:
    """One pass of every active time rule (or `rules`); returns how many times a rule
    acted. Idempotent and safe with several schedulers (see the module docstring)."""
    now = now or clock.now()
    return sum(_run_rule(rule, now) for rule in (active_time_rules() if rules is None else rules))


def candidates(rule: Rule, now: datetime) -> QuerySet[Ticket]:
    rows = Ticket.objects.exclude(status_category=StatusCategory.CLOSED).filter(
        candidate_filter(rule.condition, now)
    )
    if not episode_kinds(rule) & SLA_KINDS:
        # Acted since the ticket last changed: the same episode, whatever the condition.
        acted = TimeRuleRun.objects.filter(
            rule_id=rule.id, ticket=OuterRef("pk"), created_at__gte=OuterRef("updated_at")
        )
        rows = rows.exclude(Exists(acted))
    return rows


def _run_rule(rule: Rule, now: datetime) -> int:
    base = candidates(rule, now)
    kinds = episode_kinds(rule)
    last_pk, examined, acted = 0, 0, 0
    while examined < MAX_EXAMINED:
        with transaction.atomic():
            page = (
                base.filter(pk__gt=last_pk)
                .select_related("requester", "organization", "status", "team", "category")
                .order_by("pk")
            )
            if connection.features.has_select_for_update_skip_locked:
                page = page.select_for_update(skip_locked=True, of=("self",))
            batch = list(page[:PAGE])
            if not batch:
                break
            last_pk = batch[-1].pk
            moments = last_moments(batch, kinds)
            tags: dict[int, list[str]] = {t.pk: [] for t in batch}
            for ticket_id, name in TicketTag.objects.filter(ticket__in=batch).values_list(
                "ticket_id", "tag__name"
            ):
                tags[ticket_id].append(name)
            for ticket in batch:
                acted += _consider(rule, ticket, tags[ticket.pk], moments[ticket.pk], now)
        examined += len(batch)
        if len(batch) < PAGE:
            break
    return acted


def _consider(
    rule: Rule, ticket: Ticket, tags: list[str], moments: dict[str, datetime], now: datetime
) -> int:
    local_now = timezone.localtime(now)
    facts = ticket_facts(ticket, tags=tags)
    event = EventFacts(kind="time", actor_role="system", occurred_at=now, since=moments)
    if not evaluate(rule.condition, facts, event, now=local_now):
        return 0
    try:
        with transaction.atomic():
            run = TimeRuleRun.objects.create(
                rule_id=rule.id,
                ticket=ticket,
                episode=episode_of(rule, moments),
                why=explain(rule.condition, facts, event, now=local_now),
                created_at=now,
            )
    except IntegrityError:
        return 0  # acted in this episode already (another pass or scheduler)
    try:
        with transaction.atomic():
            _act(rule, ticket, facts, event, run, now)
    except Exception:
        log.exception(
            "time rule %s on ticket %s failed; its changes were undone", rule.id, ticket.pk
        )
        run.skipped = {"*": "failed; see the server log"}
        run.save(update_fields=["skipped"])
    return 1


def _act(
    rule: Rule,
    ticket: Ticket,
    facts: TicketFacts,
    event: EventFacts,
    run: TimeRuleRun,
    now: datetime,
) -> None:
    local_now = timezone.localtime(now)
    categories = dict(Status.objects.values_list("slug", "category"))
    result = run_rules([rule], facts, event, now=local_now, status_categories=categories)
    with event_chain() as budget:
        budget[ticket.pk] = budget.get(ticket.pk, 0) + len(result.fired)
        outcome = carry_out(ticket, result, facts, now=now, event="time")
        if outcome.records:
            record = outcome.records[0]
            run.changes, run.effects, run.skipped = record.changes, record.effects, record.skipped
            run.save(update_fields=["changes", "effects", "skipped"])
        write_records(ticket, outcome.records, kind="time_rule", event="time", now=now)
        if outcome.applied:
            # What the rule changed is an event like any other: the triggers see it.
            changed = event_facts(
                update_kind(outcome.applied), actor=None, now=now, changes=outcome.applied
            )
            run_triggers(ticket, changed, now=now)
