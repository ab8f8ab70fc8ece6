"""Tickets and other tickets or people: links, merges and followers."""

from datetime import datetime

from django.db import transaction

from frontdesk.accounts.models import User
from frontdesk.core import clock
from frontdesk.core.errors import Invalid, NotFound
from frontdesk.tickets.access import access_ticket, require_can_work
from frontdesk.tickets.actions._common import (
    default_status,
    require_not_closed,
    save_ticket,
    set_status,
    touch,
)
from frontdesk.tickets.choices import EventAction, LinkKind, MessageKind, StatusCategory
from frontdesk.tickets.content import text_to_html
from frontdesk.tickets.errors import TicketErrorCode
from frontdesk.tickets.events import Origin, record_changes, record_event
from frontdesk.tickets.models import (
    Attachment,
    Message,
    Ticket,
    TicketFollower,
    TicketLink,
)


def link_tickets(
    *,
    actor: User,
    origin: Origin,
    number: int,
    target_number: int,
    kind: str,
    now: datetime | None = None,
) -> TicketLink:
    """Link two tickets the actor can both see (the check runs on both ends)."""
    now = now or clock.now()
    with transaction.atomic():
        source = access_ticket(actor, number, lock=True)  # unseen: 404 before any 403
        target = access_ticket(actor, target_number)
        require_can_work(actor)
        if kind not in LinkKind.values:
            raise Invalid(TicketErrorCode.INVALID_LINK, f"Unknown link kind {kind!r}.")
        if number == target_number:
            raise Invalid(TicketErrorCode.INVALID_LINK, "A ticket cannot link to itself.")
        link, created = TicketLink.objects.get_or_create(
            source=source, target=target, kind=kind, defaults={"created_at": now}
        )
        if created:
            for ticket, other in ((source, target), (target, source)):
                record_event(
                    ticket,
                    EventAction.LINKED,
                    actor=actor,
                    origin=origin,
                    now=now,
                    new={"kind": kind, "number": other.number},
                )
    return link


def unlink_tickets(
    *, actor: User, origin: Origin, number: int, link_id: int, now: datetime | None = None
) -> None:
    now = now or clock.now()
    with transaction.atomic():
        ticket = access_ticket(actor, number, lock=True)
        require_can_work(actor)
        link = (
            TicketLink.objects.filter(pk=link_id, source=ticket).select_related("target").first()
            or TicketLink.objects.filter(pk=link_id, target=ticket).select_related("source").first()
        )
        if link is None:
            raise NotFound("No such link.")
        other = link.target if link.source_id == ticket.pk else link.source
        record_event(
            ticket,
            EventAction.UNLINKED,
            actor=actor,
            origin=origin,
            now=now,
            old={"kind": link.kind, "number": other.number},
        )
        link.delete()


def merge_tickets(
    *, actor: User, origin: Origin, number: int, into_number: int, now: datetime | None = None
) -> Ticket:
    """Merge ticket `number` into `into_number`.

    The source's messages and attachments move to the target, its followers and requester
    follow the target, and the source is closed with `merged_into` set. Both tickets
    record the merge, and a duplicate link keeps the relation visible.
    """
    now = now or clock.now()
    with transaction.atomic():
        # Lock in number order so two opposite merges cannot deadlock.
        first, second = sorted((number, into_number))
        locked = {n: access_ticket(actor, n, lock=True) for n in (first, second)}
        require_can_work(actor)  # after the visibility checks: an unseen ticket is a 404
        if number == into_number:
            raise Invalid(TicketErrorCode.INVALID_MERGE, "A ticket cannot be merged into itself.")
        source, target = locked[number], locked[into_number]
        require_not_closed(source)
        require_not_closed(target)
        Message.objects.filter(ticket=source).update(ticket=target)
        Attachment.objects.filter(ticket=source).update(ticket=target)
        _carry_followers(source, target, now)
        change = set_status(source, default_status(StatusCategory.CLOSED), now)
        source.merged_into = target
        TicketLink.objects.get_or_create(
            source=source, target=target, kind=LinkKind.DUPLICATE, defaults={"created_at": now}
        )
        _system_note(source, f"Merged into #{target.number}.", now)
        _system_note(
            target, f"#{source.number} ({source.subject}) was merged into this ticket.", now
        )
        for ticket in (source, target):
            touch(ticket, now)
            save_ticket(ticket, now)
        record_event(
            source,
            EventAction.MERGED_INTO,
            actor=actor,
            origin=origin,
            now=now,
            new={"number": target.number},
        )
        record_event(
            target,
            EventAction.MERGED_FROM,
            actor=actor,
            origin=origin,
            now=now,
            new={"number": source.number},
        )
        record_changes(source, [change] if change else [], actor=actor, origin=origin, now=now)
    return target


def follow_ticket(
    *, actor: User, origin: Origin, number: int, user_id: int, now: datetime | None = None
) -> None:
    """Add a follower: a colleague, or a contact to CC. Idempotent."""
    now = now or clock.now()
    with transaction.atomic():
        ticket = access_ticket(actor, number, lock=True)  # unseen: 404 before any 403
        require_can_work(actor)
        follower = User.objects.filter(pk=user_id, is_active=True).first()
        if follower is None:
            raise Invalid(TicketErrorCode.UNKNOWN_USER, f"No active user with id {user_id}.")
        add_follower(ticket, follower, actor=actor, origin=origin, now=now)


def add_follower(
    ticket: Ticket, follower: User, *, actor: User, origin: Origin, now: datetime
) -> bool:
    """Make `follower` follow the (locked) ticket, inside the caller's transaction, after
    its permission checks. Idempotent; True if they did not follow it yet."""
    _, created = TicketFollower.objects.get_or_create(
        ticket=ticket, user=follower, defaults={"created_at": now}
    )
    if created:
        record_event(
            ticket, EventAction.FOLLOWED, actor=actor, origin=origin, now=now, new=follower.pk
        )
    return created


def unfollow_ticket(
    *, actor: User, origin: Origin, number: int, user_id: int, now: datetime | None = None
) -> None:
    """Remove a follower. Anyone who sees the ticket may remove themselves."""
    now = now or clock.now()
    with transaction.atomic():
        ticket = access_ticket(actor, number, lock=True)  # unseen: 404 before any 403
        if user_id != actor.pk:
            require_can_work(actor)
        deleted, _ = TicketFollower.objects.filter(ticket=ticket, user_id=user_id).delete()
        if deleted:
            record_event(
                ticket, EventAction.UNFOLLOWED, actor=actor, origin=origin, now=now, old=user_id
            )


def _carry_followers(source: Ticket, target: Ticket, now: datetime) -> None:
    user_ids = set(TicketFollower.objects.filter(ticket=source).values_list("user_id", flat=True))
    if source.requester_id != target.requester_id:
        user_ids.add(source.requester_id)
    TicketFollower.objects.bulk_create(
        [TicketFollower(ticket=target, user_id=uid, created_at=now) for uid in user_ids],
        ignore_conflicts=True,
    )


def _system_note(ticket: Ticket, text: str, now: datetime) -> None:
    Message.objects.create(
        ticket=ticket,
        kind=MessageKind.SYSTEM,
        is_public=False,
        author=None,
        body_text=text,
        body_html=text_to_html(text),
        channel="system",
        created_at=now,
    )
