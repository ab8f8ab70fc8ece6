"""Ticket actions: the only code that writes ticket-domain rows.

Each action takes keyword arguments, an explicit `actor` and `origin`, gets `now` from
`core.clock` unless given one, runs in one transaction, checks permission through
`tickets.access`, and records its audit events.
"""

from frontdesk.tickets.actions.conversation import add_note, attach_file, post_reply
from frontdesk.tickets.actions.create import create_ticket, create_ticket_idempotent
from frontdesk.tickets.actions.escalate import escalate_ticket
from frontdesk.tickets.actions.lifecycle import close_solved_tickets
from frontdesk.tickets.actions.relations import (
    follow_ticket,
    link_tickets,
    merge_tickets,
    unfollow_ticket,
    unlink_tickets,
)
from frontdesk.tickets.actions.update import claim_ticket, reopen_ticket, update_ticket
from frontdesk.tickets.actions.views import (
    create_saved_view,
    delete_saved_view,
    update_saved_view,
)

__all__ = [
    "add_note",
    "attach_file",
    "claim_ticket",
    "close_solved_tickets",
    "create_saved_view",
    "create_ticket",
    "create_ticket_idempotent",
    "delete_saved_view",
    "escalate_ticket",
    "follow_ticket",
    "link_tickets",
    "merge_tickets",
    "post_reply",
    "reopen_ticket",
    "unfollow_ticket",
    "unlink_tickets",
    "update_saved_view",
    "update_ticket",
]
