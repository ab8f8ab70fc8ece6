"""Monitoring alerts to tickets: the only writer of `AlertSource` and `Alert` rows.

Every ticket write goes through the ticket actions as the source's actor, so routing,
SLA, triggers and notifications apply as for any other channel:

- a firing alert with no open alert for its key opens a ticket (`create_ticket`, channel
  `alert`, priority from the severity); when the previous alert of that key was closed,
  the new ticket is linked to the old one;
- a repeat adds an internal note (`add_note`), at most one per `note_interval_seconds`;
  the repeats in between are counted and told in the next note (flapping stays quiet);
- "resolved" adds a note and, with `on_resolved=solve`, solves the ticket
  (`update_ticket`) and closes the alert; with `note`, the alert stays open, so a firing
  again lands on the same ticket;
- a firing for an alert whose ticket an agent solved or closed opens a new linked ticket.

Each event runs in its own transaction under a lock on the open alert's row; a race
between two first deliveries of a key is settled by the partial unique constraint.
"""

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction

from frontdesk.accounts.access import can_work_tickets, require_admin
from frontdesk.accounts.actions import hash_token
from frontdesk.accounts.models import Team, User
from frontdesk.alerts.choices import AlertState, DedupeBy, OnResolved
from frontdesk.alerts.errors import AlertErrorCode
from frontdesk.alerts.models import Alert, AlertSource
from frontdesk.alerts.payloads import AlertEvent
from frontdesk.core import clock
from frontdesk.core.errors import Conflict, DomainError, Forbidden, Invalid
from frontdesk.tickets.actions import add_note, create_ticket, link_tickets, update_ticket
from frontdesk.tickets.actions._common import default_status
from frontdesk.tickets.actions.channel import record_channel_note
from frontdesk.tickets.choices import ACTIVE_CATEGORIES, Channel, LinkKind, StatusCategory
from frontdesk.tickets.content import text_to_html
from frontdesk.tickets.events import Origin
from frontdesk.tickets.models import Ticket

TOKEN_PREFIX = "fda_"  # noqa: S105 - a label, not a secret


@dataclass(frozen=True)
class Outcome:
    key: str
    ticket_number: int | None
    result: str  # created | noted | counted | resolved | solved | ignored


def create_source(
    *,
    actor: User | None,
    name: str,
    as_user_id: int,
    requester_email: str = "",
    default_team_id: int | None = None,
    on_resolved: str = OnResolved.NOTE,
    dedupe_by: str = DedupeBy.ALERT,
    note_interval_seconds: int = 300,
    now: datetime | None = None,
) -> tuple[AlertSource, str]:
    """Create a source and its token; the token is returned once, only its hash is kept.
    `actor=None` is the command line."""
    if actor is not None:
        require_admin(actor)
    name = name.strip()[:200]
    if not name:
        raise Invalid("empty_name", "A source needs a name.")
    if on_resolved not in OnResolved.values:
        raise Invalid("unknown_on_resolved", f"on_resolved is one of {OnResolved.values}.")
    if dedupe_by not in DedupeBy.values:
        raise Invalid("unknown_dedupe_by", f"dedupe_by is one of {DedupeBy.values}.")
    acting = User.objects.filter(pk=as_user_id).first()
    if acting is None or not can_work_tickets(acting):
        raise Invalid(
            AlertErrorCode.UNKNOWN_USER, "A source acts as an active agent, supervisor or admin."
        )
    team = None
    if default_team_id is not None:
        team = Team.objects.filter(pk=default_team_id).first()
        if team is None:
            raise Invalid("unknown_team", f"No team with id {default_team_id}.")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    try:
        with transaction.atomic():
            source = AlertSource.objects.create(
                name=name,
                token_hash=hash_token(token),
                token_hint=token[:10],
                actor=acting,
                requester_email=requester_email.strip().lower(),
                default_team=team,
                on_resolved=on_resolved,
                dedupe_by=dedupe_by,
                note_interval_seconds=max(0, min(note_interval_seconds, 7 * 86400)),
                created_at=now or clock.now(),
            )
    except IntegrityError:
        raise Conflict(AlertErrorCode.DUPLICATE_NAME, "A source with this name exists.") from None
    return source, token


def authenticate(token: str) -> AlertSource | None:
    """The active source whose token this is (compared by hash, so in constant time as far
    as the secret goes), or None."""
    if not token.startswith(TOKEN_PREFIX) or len(token) > 200:
        return None
    return (
        AlertSource.objects.filter(token_hash=hash_token(token), is_active=True)
        .select_related("actor")
        .first()
    )


def receive(
    *,
    source: AlertSource,
    events: list[AlertEvent],
    ip_address: str | None = None,
    now: datetime | None = None,
) -> list[Outcome]:
    now = now or clock.now()
    if not can_work_tickets(source.actor):
        raise Forbidden(
            AlertErrorCode.SOURCE_MISCONFIGURED,
            "The account this source acts as may not work on tickets.",
        )
    origin = Origin(channel=Channel.ALERT, ip_address=ip_address)
    return [_receive_one(source, event, origin, now) for event in events]


def _receive_one(source: AlertSource, event: AlertEvent, origin: Origin, now: datetime) -> Outcome:
    for _attempt in range(2):  # a lost race for the first delivery retries once, as a repeat
        try:
            with transaction.atomic():
                return _apply(source, event, origin, now)
        except IntegrityError:
            continue
    raise Conflict("alert_race", "The alert changed concurrently; retry.")


def _apply(source: AlertSource, event: AlertEvent, origin: Origin, now: datetime) -> Outcome:
    alert = (
        Alert.objects.select_for_update()
        .filter(source=source, key=event.key, is_open=True)
        .select_related("ticket")
        .first()
    )
    if alert is not None and alert.ticket.status_category not in ACTIVE_CATEGORIES:
        # Solved or closed by an agent meanwhile: this problem is over; a new one starts.
        alert.is_open = False
        alert.save(update_fields=["is_open"])
        alert = None if event.state == AlertState.FIRING else alert
        if alert is not None:
            return Outcome(event.key, alert.ticket.number, "ignored")
    if event.state == AlertState.RESOLVED:
        if alert is None or alert.state == AlertState.RESOLVED:
            return Outcome(event.key, alert.ticket.number if alert else None, "ignored")
        return _resolve(source, alert, event, origin, now)
    if alert is None:
        return _open(source, event, origin, now)
    return _repeat(source, alert, event, origin, now)


def _open(source: AlertSource, event: AlertEvent, origin: Origin, now: datetime) -> Outcome:
    previous = (
        Alert.objects.filter(source=source, key=event.key, is_open=False)
        .order_by("-first_seen_at", "-pk")
        .select_related("ticket")
        .first()
    )
    ticket = create_ticket(
        actor=source.actor,
        origin=origin,
        subject=f"[{source.name}] {event.title}",
        body=_body(event, previous.ticket if previous else None),
        requester_email=source.requester_email or None,
        priority=event.priority,
        type="incident",
        default_team_id=source.default_team_id,
        now=now,
    )
    Alert.objects.create(
        source=source,
        key=event.key,
        ticket=ticket,
        state=AlertState.FIRING,
        title=event.title,
        labels=dict(event.labels),
        first_seen_at=now,
        last_seen_at=now,
        last_note_at=now,
    )
    if previous is not None:
        try:
            with transaction.atomic():
                link_tickets(
                    actor=source.actor,
                    origin=origin,
                    number=ticket.number,
                    target_number=previous.ticket.number,
                    kind=LinkKind.RELATED,
                    now=now,
                )
        except DomainError:
            pass  # the actor no longer sees the old ticket; the body names it
    return Outcome(event.key, ticket.number, "created")


def _repeat(
    source: AlertSource, alert: Alert, event: AlertEvent, origin: Origin, now: datetime
) -> Outcome:
    refired = alert.state == AlertState.RESOLVED
    alert.occurrences += 1
    alert.last_seen_at = now
    alert.state = AlertState.FIRING
    alert.resolved_at = None
    due = now - alert.last_note_at >= timedelta(seconds=source.note_interval_seconds)
    result = "counted"
    if due or refired:
        quiet = f" ({alert.unnoted} more since the last note)" if alert.unnoted else ""
        what = "Firing again" if refired else "Still firing"
        _note(
            source,
            alert.ticket,
            f"{what}: occurrence {alert.occurrences}{quiet}.\n\n{event.description}".strip(),
            origin,
            now,
        )
        alert.unnoted, alert.last_note_at, result = 0, now, "noted"
    else:
        alert.unnoted += 1
    alert.save()
    return Outcome(event.key, alert.ticket.number, result)


def _resolve(
    source: AlertSource, alert: Alert, event: AlertEvent, origin: Origin, now: datetime
) -> Outcome:
    alert.state, alert.resolved_at, alert.last_seen_at = AlertState.RESOLVED, now, now
    quiet = f" ({alert.unnoted} repeats since the last note)" if alert.unnoted else ""
    _note(
        source,
        alert.ticket,
        f"Resolved after {alert.occurrences} occurrence(s){quiet}.",
        origin,
        now,
    )
    alert.unnoted, alert.last_note_at = 0, now
    result = "resolved"
    if source.on_resolved == OnResolved.SOLVE:
        alert.is_open = False
        try:
            with transaction.atomic():
                update_ticket(
                    actor=source.actor,
                    origin=origin,
                    number=alert.ticket.number,
                    changes={"status": default_status(StatusCategory.SOLVED).slug},
                    expected_version=None,
                    now=now,
                )
            result = "solved"
        except DomainError as exc:
            _note(source, alert.ticket, f"Could not solve the ticket: {exc.message}", origin, now)
    alert.save()
    return Outcome(event.key, alert.ticket.number, result)


def _note(source: AlertSource, ticket: Ticket, text: str, origin: Origin, now: datetime) -> None:
    """An internal note by the source's actor; if the ticket moved out of the actor's
    sight (another team), the channel writes it on the actor's behalf all the same."""
    try:
        with transaction.atomic():
            add_note(actor=source.actor, origin=origin, number=ticket.number, body=text, now=now)
    except DomainError:
        ticket.refresh_from_db(fields=["version"])
        record_channel_note(
            ticket=ticket,
            author=source.actor,
            origin=origin,
            body=text,
            body_html=text_to_html(text),
            now=now,
        )


def _body(event: AlertEvent, previous: Ticket | None) -> str:
    lines = [event.description or event.title, ""]
    if event.severity:
        lines.append(f"Severity: {event.severity}")
    if event.started_at:
        lines.append(f"Started: {event.started_at}")
    if event.url:
        lines.append(f"Source: {event.url}")
    if event.labels:
        lines.append("Labels: " + ", ".join(f"{k}={v}" for k, v in sorted(event.labels.items())))
    lines.append(f"Alert key: {event.key}")
    if previous is not None:
        lines.append(f"Fired before: ticket #{previous.number}")
    return "\n".join(lines)
