"""A ticket row as the rule engine sees it (`automation.conditions.TicketFacts`).

SLA policies, routing rules and triggers all judge tickets through these facts, so a
condition means the same wherever an admin writes it.
"""

from collections.abc import Iterable
from datetime import datetime

from frontdesk.ai.sentiment import score
from frontdesk.automation.conditions import EventFacts, EventKind, TicketFacts
from frontdesk.tickets.models import Ticket


def ticket_facts(
    ticket: Ticket, *, tags: Iterable[str] | None = None, body: str = ""
) -> TicketFacts:
    """Facts of `ticket` as it is in memory (saved or not). `tags` defaults to the stored
    ones; pass them when the caller holds newer ones (creation)."""
    requester_email = ticket.requester.email.lower()
    organization = ticket.organization
    return TicketFacts(
        subject=ticket.subject,
        body=body,
        channel=ticket.channel,
        mailbox=None,
        type=ticket.type,
        priority=ticket.priority,
        status=ticket.status.slug,
        status_category=ticket.status_category,
        team=ticket.team.slug if ticket.team else None,
        assignee_id=ticket.assignee_id,
        requester_email=requester_email,
        requester_domain=requester_email.rpartition("@")[2],
        organization=organization.name if organization else None,
        organization_tier=organization.tier if organization else None,
        tags=frozenset(_tag_names(ticket) if tags is None else tags),
        custom_fields=ticket.custom_fields,
        category=ticket.category.slug if ticket.category else None,
        created_at=ticket.created_at,
        updated_at=ticket.updated_at,
        sentiment=score(body).compound if body.strip() else None,
    )


def system_event(kind: EventKind, now: datetime) -> EventFacts:
    """An event for conditions judged outside a trigger (SLA policy choice, routing)."""
    return EventFacts(kind=kind, actor_role="system", occurred_at=now)


def _tag_names(ticket: Ticket) -> list[str]:
    if ticket._state.adding:  # not saved yet: no stored tags
        return []
    return list(ticket.tags.values_list("name", flat=True))
