"""Notifications: the only code that writes them.

`notify` runs inside the caller's transaction, so a notification exists exactly when the
change it tells about was committed. The live message to each recipient goes out after
commit on their own topic (docs/adr/0006-live-updates.md) and carries no content: the
page re-fetches the bell through the normal, permission-checked view.
"""

import re
from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import partial

from django.db import transaction

from frontdesk.accounts.models import User
from frontdesk.core import clock, live
from frontdesk.notifications.choices import NotificationKind
from frontdesk.notifications.models import (
    MAX_TEXT_LENGTH,
    Notification,
    NotificationQuerySet,
)
from frontdesk.outbox.actions import (
    NotificationMail,
    queue_notification_emails,
    split_by_preference,
)
from frontdesk.outbox.queries import preferences_for
from frontdesk.tickets.access import visible_to
from frontdesk.tickets.models import Ticket

WHITESPACE = re.compile(r"\s+")


def notify(
    recipients: Iterable[User],
    *,
    kind: NotificationKind,
    text: str,
    ticket: Ticket | None = None,
    actor: User | None = None,
    now: datetime,
    dedupe_key: str = "",
) -> list[Notification]:
    """Tell `recipients` about something; returns the notifications written.

    Call inside the caller's transaction. Nobody is told about their own action, inactive
    users and customers are never told (the workspace is staff-only), and nobody hears
    about a ticket they cannot see. With `dedupe_key`, a recipient already told under that
    key is not told again, even by a concurrent caller (a unique constraint decides).
    Each recipient's preference for `kind` decides whether they are told in the app, by
    email (queued in the outbox), or both; only in-app notifications are returned.
    """
    everyone = deliverable_recipients(recipients, ticket=ticket, actor=actor)
    # Each person's preference for this kind: in the app, by email, both or neither.
    people, by_email = split_by_preference(everyone, kind)
    if by_email:
        mails = [
            NotificationMail(person, kind, short_text(text), ticket, actor, dedupe_key)
            for person in by_email
        ]
        queue_notification_emails(mails, now=now)
    if dedupe_key:
        people = _not_yet_told(people, dedupe_key)
    if not people:
        return []
    rows = [
        Notification(
            recipient=person,
            kind=kind,
            ticket=ticket,
            actor=actor,
            text=short_text(text),
            dedupe_key=dedupe_key,
            created_at=now,
        )
        for person in people
    ]
    if dedupe_key:
        # Rows skipped on a conflict get no primary key: read back the ones that exist.
        Notification.objects.bulk_create(rows, ignore_conflicts=True)
        rows = list(Notification.objects.filter(recipient__in=people, dedupe_key=dedupe_key))
    else:
        rows = Notification.objects.bulk_create(rows)
    transaction.on_commit(partial(_announce, {p.pk for p in people}), robust=True)
    return rows


@dataclass(frozen=True)
class Notice:
    """One notification to write with `notify_each`."""

    recipient: User
    kind: NotificationKind
    text: str
    ticket: Ticket
    dedupe_key: str


def notify_each(notices: Sequence[Notice], *, now: datetime) -> int:
    """`notify` for many (recipient, ticket) pairs at once, with the same rules (active
    staff who see the ticket, each dedupe key once) in a fixed number of queries per
    distinct recipient instead of several per notice: the SLA sweep tells about hundreds
    of tickets in one transaction. Returns how many were written."""
    by_person: dict[int, list[Notice]] = defaultdict(list)
    for notice in notices:
        if notice.recipient.is_active and notice.recipient.is_staff:
            by_person[notice.recipient.pk].append(notice)
    rows = []
    mails = []
    chosen = preferences_for(list(by_person), {n.kind for n in notices})
    for person_notices in by_person.values():
        person = person_notices[0].recipient
        seen = set(
            visible_to(person)
            .filter(pk__in={n.ticket.pk for n in person_notices})
            .values_list("pk", flat=True)
        )
        keys = {n.dedupe_key for n in person_notices if n.dedupe_key}
        told = set(
            Notification.objects.filter(recipient=person, dedupe_key__in=keys).values_list(
                "dedupe_key", flat=True
            )
        )
        rows += [
            Notification(
                recipient=person,
                kind=n.kind,
                ticket=n.ticket,
                text=short_text(n.text),
                dedupe_key=n.dedupe_key,
                created_at=now,
            )
            for n in person_notices
            if n.ticket.pk in seen
            and not (n.dedupe_key and n.dedupe_key in told)
            and chosen[(person.pk, n.kind)].in_app
        ]
        mails += [
            NotificationMail(person, n.kind, short_text(n.text), n.ticket, None, n.dedupe_key)
            for n in person_notices
            if n.ticket.pk in seen and chosen[(person.pk, n.kind)].email
        ]
    Notification.objects.bulk_create(rows, ignore_conflicts=True, batch_size=500)
    queue_notification_emails(mails, now=now)
    if rows:
        transaction.on_commit(partial(_announce, {r.recipient_id for r in rows}), robust=True)
    return len(rows)


def deliverable_recipients(
    recipients: Iterable[User], *, ticket: Ticket | None, actor: User | None
) -> list[User]:
    """The recipients who may be told: active staff other than the actor who see `ticket`."""
    unique = {person.pk: person for person in recipients}
    people = [
        person
        for person in unique.values()
        if person.is_active and person.is_staff and (actor is None or person.pk != actor.pk)
    ]
    if ticket is None:
        return people
    # One small indexed query per person: recipients are an assignee or a few mentions.
    return [person for person in people if visible_to(person).filter(pk=ticket.pk).exists()]


def _not_yet_told(people: list[User], dedupe_key: str) -> list[User]:
    told = set(
        Notification.objects.filter(recipient__in=people, dedupe_key=dedupe_key).values_list(
            "recipient_id", flat=True
        )
    )
    return [person for person in people if person.pk not in told]


def short_text(text: str) -> str:
    """One line of plain text that fits the column (subjects may be 500 characters)."""
    line = WHITESPACE.sub(" ", text.replace("\x00", "")).strip()
    if len(line) <= MAX_TEXT_LENGTH:
        return line
    return line[: MAX_TEXT_LENGTH - 1].rstrip() + "…"


def mark_read(actor: User, ids: Collection[int], *, now: datetime | None = None) -> int:
    """Mark the actor's own notifications among `ids` read; returns how many changed.
    Ids of other people's notifications are ignored, as if they did not exist."""
    if not ids:
        return 0
    unread = Notification.objects.filter(recipient=actor, pk__in=ids).unread()
    return _mark(actor, unread, now or clock.now())


def mark_all_read(actor: User, *, now: datetime | None = None) -> int:
    unread = Notification.objects.filter(recipient=actor).unread()
    return _mark(actor, unread, now or clock.now())


def _mark(actor: User, unread: NotificationQuerySet, now: datetime) -> int:
    changed = unread.update(read_at=now)
    if changed:
        # The user's other tabs update their bell too.
        transaction.on_commit(partial(_announce, {actor.pk}, kind="read"), robust=True)
    return changed


def _announce(user_ids: Collection[int], kind: str = "new") -> None:
    for user_id in user_ids:
        live.publish(live.user_topic(user_id), {"kind": "notifications", "change": kind})


# -- what the ticket actions tell -------------------------------------------------------


def ticket_label(ticket: Ticket) -> str:
    return f"#{ticket.number}: {ticket.subject}"


def actor_name(actor: User | None) -> str:
    return str(actor) if actor else "Frontdesk"


def notify_assigned(ticket: Ticket, *, actor: User | None, now: datetime) -> list[Notification]:
    """The ticket's (new) assignee hears that it is theirs now, unless they took it."""
    if ticket.assignee is None:
        return []
    # A customer's new ticket is assigned by routing, not by them.
    by_staff = actor is not None and actor.is_staff
    text = (
        f"{actor_name(actor)} assigned you {ticket_label(ticket)}"
        if by_staff
        else f"{ticket_label(ticket)} was assigned to you"
    )
    return notify(
        [ticket.assignee],
        kind=NotificationKind.ASSIGNED,
        text=text,
        ticket=ticket,
        actor=actor,
        now=now,
    )


def notify_customer_replied(ticket: Ticket, *, actor: User, now: datetime) -> list[Notification]:
    """The assignee hears about a customer's reply; an unassigned ticket tells nobody (its
    queue shows it)."""
    if ticket.assignee is None:
        return []
    return notify(
        [ticket.assignee],
        kind=NotificationKind.CUSTOMER_REPLIED,
        text=f"{actor_name(actor)} replied on {ticket_label(ticket)}",
        ticket=ticket,
        actor=actor,
        now=now,
    )


def notify_mentioned(
    ticket: Ticket, agents: Iterable[User], *, actor: User, now: datetime
) -> list[Notification]:
    return notify(
        agents,
        kind=NotificationKind.MENTION,
        text=f"{actor_name(actor)} mentioned you on {ticket_label(ticket)}",
        ticket=ticket,
        actor=actor,
        now=now,
    )
