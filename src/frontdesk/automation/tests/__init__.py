"""Tests of the automation engine. Shared facts: a ticket and an event that every case
tweaks with keyword overrides."""

from datetime import UTC, datetime, timedelta
from typing import Any

from frontdesk.automation.conditions import EventFacts, TicketFacts

NOW = datetime(2026, 11, 23, 14, 30, tzinfo=UTC)  # a Monday afternoon


def make_ticket(**overrides: Any) -> TicketFacts:
    """A billing ticket from a gold-tier customer; every field set unless overridden."""
    fields: dict[str, Any] = {
        "subject": "Refund for order 1042",
        "body": "Hello, I was charged twice. Please refund the second payment.",
        "channel": "email",
        "mailbox": "support",
        "type": "question",
        "priority": 2,
        "status": "open",
        "status_category": "open",
        "team": "billing",
        "assignee_id": 7,
        "requester_email": "bob@acme.test",
        "requester_domain": "acme.test",
        "organization": "Acme",
        "organization_tier": "gold",
        "tags": frozenset({"vip", "refund"}),
        "custom_fields": {"plan": "Gold", "seats": 25, "renewal": "2026-12-01", "trial": False},
        "category": "invoices",
        "created_at": NOW - timedelta(hours=30),
        "updated_at": NOW - timedelta(hours=2),
    }
    return TicketFacts(**(fields | overrides))


def make_event(**overrides: Any) -> EventFacts:
    """An agent's update that changed nothing, unless overridden."""
    fields: dict[str, Any] = {"kind": "updated", "actor_role": "agent", "occurred_at": NOW}
    return EventFacts(**(fields | overrides))
