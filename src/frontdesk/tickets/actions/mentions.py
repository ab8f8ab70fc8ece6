"""@mentions in replies and notes: the mentioned agents follow the ticket and are told.

Mentions are by address (`@maya@example.com`, what the composer's autocomplete inserts).
Called by the message actions inside their transaction, so the API's replies and notes
mention exactly as the workspace's do.
"""

import re
from datetime import datetime

from frontdesk.accounts.access import can_work_tickets
from frontdesk.accounts.models import User
from frontdesk.notifications.actions import notify_mentioned
from frontdesk.tickets.actions.relations import add_follower
from frontdesk.tickets.actions.resolve import ASSIGNABLE_ROLES
from frontdesk.tickets.events import Origin
from frontdesk.tickets.models import Ticket

MENTION = re.compile(r"(?<![\w.])@([\w.+-]+@[\w-]+(?:\.[\w-]+)+)")
MAX_MENTIONS = 20  # a pasted address list is not twenty people to interrupt


def mentioned_emails(body: str) -> set[str]:
    return {match.lower() for match in MENTION.findall(body)}


def mention_agents(
    ticket: Ticket, *, actor: User, origin: Origin, body: str, now: datetime
) -> list[User]:
    """Agents @mentioned by a staff author follow the ticket, so it shows in their views,
    and are notified. Light agents may not add followers: the agents they mention are only
    notified, and only those who see the ticket already. Customers mention nobody."""
    emails = mentioned_emails(body)
    if not emails or not actor.is_staff:
        return []
    agents = list(
        User.objects.filter(email__in=emails, is_active=True, role__in=ASSIGNABLE_ROLES)
        .exclude(pk=actor.pk)
        .order_by("pk")[:MAX_MENTIONS]
    )
    if can_work_tickets(actor):
        for agent in agents:
            add_follower(ticket, agent, actor=actor, origin=origin, now=now)
    notify_mentioned(ticket, agents, actor=actor, now=now)
    return agents
