"""The bulk benchmark generator: consistent rows, and numbering that live use continues."""

import json
from collections import Counter
from datetime import UTC, datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count, F, Max

from frontdesk.accounts.actions import create_user
from frontdesk.accounts.models import User
from frontdesk.demo.seed import reference, seed
from frontdesk.tickets.actions import create_ticket
from frontdesk.tickets.choices import ACTIVE_CATEGORIES, EventAction, MessageKind, StatusCategory
from frontdesk.tickets.events import Origin
from frontdesk.tickets.models import Message, Ticket, TicketCounter, TicketEvent

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


def test_seed_writes_consistent_tickets():
    report = seed(tickets=300, messages=3, batch=128, now=NOW)
    tickets = Ticket.objects.all()
    assert (report.tickets, report.messages, report.events) == (300, 900, 300)
    assert tickets.count() == 300
    assert Message.objects.count() == 900
    assert TicketEvent.objects.filter(action=EventAction.CREATED).count() == 300
    assert not tickets.exclude(status_category=F("status__category")).exists()
    assert not tickets.filter(updated_at__lt=F("created_at")).exists()
    assert not tickets.filter(updated_at__gt=NOW).exists()
    done = tickets.filter(status_category__in=[StatusCategory.SOLVED, StatusCategory.CLOSED])
    assert not done.filter(solved_at__isnull=True).exists()
    assert not tickets.filter(status_category="closed", closed_at__isnull=True).exists()
    assert not tickets.filter(status_category="new", assignee__isnull=False).exists()


def test_status_mix_and_assignment_are_roughly_as_specified():
    seed(tickets=300, now=NOW)
    tickets = Ticket.objects.all()
    active = tickets.filter(status_category__in=ACTIVE_CATEGORIES).count() / 300
    assigned = tickets.filter(assignee__isnull=False).count() / 300
    assert 0.25 < active < 0.45
    assert 0.6 < assigned < 0.8
    assert set(tickets.values_list("status_category", flat=True)) >= {"new", "open", "closed"}


def test_numbers_are_unique_and_contiguous():
    report = seed(tickets=300, batch=64, now=NOW)
    numbers = sorted(Ticket.objects.values_list("number", flat=True))
    assert len(set(numbers)) == 300
    assert numbers == list(range(numbers[0], numbers[0] + 300))
    assert (report.first_number, report.last_number) == (numbers[0], numbers[-1])
    assert TicketCounter.objects.get(name="ticket").value == numbers[-1]


def test_a_ticket_created_afterwards_continues_the_sequence():
    seed(tickets=300, batch=100, now=NOW)
    highest = Ticket.objects.aggregate(Max("number"))["number__max"]
    admin = create_user(actor=None, email="admin@example.com", role="admin")
    ticket = create_ticket(actor=admin, origin=Origin(), subject="After the seed", body="Hi")
    assert ticket.number == highest + 1


def test_conversations_start_with_the_requester_and_keep_notes_internal():
    seed(tickets=300, messages=4, now=NOW)
    assert set(
        Message.objects.values("ticket").annotate(n=Count("id")).values_list("n", flat=True)
    ) == {4}
    for ticket in Ticket.objects.all()[:50]:
        first = ticket.messages.order_by("created_at", "pk")[0]
        assert first.author_id == ticket.requester_id
        assert reference(ticket.number) in first.body_text
        assert 40 <= len(first.body_text.split()) <= 110
    notes = Message.objects.filter(kind=MessageKind.NOTE)
    assert notes.exists()
    assert not notes.filter(is_public=True).exists()


def test_same_seed_gives_same_tickets():
    def snapshot() -> list[tuple[object, ...]]:
        return list(
            Ticket.objects.order_by("number").values_list(
                "number", "subject", "status_category", "priority", "channel", "created_at"
            )
        )

    with transaction.atomic():
        seed(tickets=50, seed=7, now=NOW)
        first = snapshot()
        transaction.set_rollback(True)
    seed(tickets=50, seed=7, now=NOW)
    assert snapshot() == first
    assert Ticket.objects.values("requester").distinct().count() > 1


def test_a_second_run_reuses_people_and_adds_tickets():
    seed(tickets=20, now=NOW)
    people = User.objects.count()
    second = seed(tickets=30, seed=1, now=NOW)
    assert User.objects.count() == people
    assert Ticket.objects.count() == 50
    assert second.first_number == 1001 + 20


def test_command_prints_json_timings():
    out = StringIO()
    call_command("seed", "--tickets", "25", "--messages", "2", "--batch", "10", stdout=out)
    report = json.loads(out.getvalue())
    assert (report["tickets"], report["messages"]) == (25, 50)
    assert set(report["seconds"]) == {"setup", "tickets", "total"}


def test_rejects_nonsense_arguments():
    with pytest.raises(ValueError, match="messages"):
        seed(tickets=10, messages=0)


def test_seed_varies_message_counts_and_writes_search_documents():
    from frontdesk.search.actions import build_documents
    from frontdesk.search.models import SearchDocument

    report = seed(tickets=120, messages=3, messages_max=5, batch=50, now=NOW)
    per_ticket = Counter(Message.objects.values_list("ticket_id", flat=True))
    assert set(per_ticket.values()) == {3, 4, 5}
    assert report.messages == sum(per_ticket.values())
    assert report.documents == 120 == SearchDocument.objects.count()
    # The seeder composes the same documents a rebuild from the rows would.
    ids = list(Ticket.objects.order_by("pk").values_list("pk", flat=True)[:30])
    stored = {
        d.ticket_id: (d.subject, d.keywords, d.public_text, d.internal_text)
        for d in SearchDocument.objects.filter(ticket_id__in=ids)
    }
    rebuilt = {
        pk: (t.subject, t.keywords, t.public_text, t.internal_text)
        for pk, t in build_documents(ids)
    }
    assert stored == rebuilt


def test_seed_command_takes_a_range_of_messages():
    out = StringIO()
    call_command("seed", "--tickets", "10", "--messages", "3-4", "--no-search", stdout=out)
    report = json.loads(out.getvalue())
    assert 30 <= report["messages"] <= 40
    assert report["documents"] == 0
