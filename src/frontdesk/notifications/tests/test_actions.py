"""notify, mark_read and mark_all_read: who is told, exactly once, and what goes live."""

from datetime import timedelta
from typing import Any

import pytest
from django.db import IntegrityError, transaction

from frontdesk.core import clock, live
from frontdesk.notifications import actions
from frontdesk.notifications.choices import NotificationKind
from frontdesk.notifications.models import MAX_TEXT_LENGTH, Notification

NOW = clock.now()


@pytest.fixture(autouse=True)
def memory_backend(settings: Any, monkeypatch: Any) -> None:
    settings.FRONTDESK_LIVE_BACKEND = "memory"
    monkeypatch.setattr(live, "_brokers", {})


def notify(recipients: Any, **kwargs: Any) -> list[Notification]:
    kwargs.setdefault("kind", NotificationKind.SYSTEM)
    kwargs.setdefault("text", "Something happened")
    kwargs.setdefault("now", NOW)
    return actions.notify(recipients, **kwargs)


def drain(subscription: live.Subscription) -> list[live.LiveMessage]:
    return list(iter(lambda: subscription.get(timeout=0), None))


def test_notify_writes_one_row_per_recipient(desk, make_ticket):
    ticket = make_ticket()
    rows = notify(
        [desk.alice, desk.sam, desk.alice],
        kind=NotificationKind.ASSIGNED,
        text="Carol assigned you",
        ticket=ticket,
        actor=desk.carol,
    )
    assert sorted(n.recipient_id for n in rows) == sorted([desk.alice.pk, desk.sam.pk])
    assert all(n.pk for n in rows)
    stored = Notification.objects.get(recipient=desk.alice)
    assert (stored.kind, stored.text, stored.ticket_id, stored.actor_id) == (
        "assigned",
        "Carol assigned you",
        ticket.pk,
        desk.carol.pk,
    )
    assert stored.read_at is None


def test_the_actor_is_not_told_about_their_own_action(desk):
    assert notify([desk.alice, desk.sam], actor=desk.alice)[0].recipient == desk.sam
    assert not Notification.objects.filter(recipient=desk.alice).exists()


def test_inactive_users_and_customers_are_not_told(desk):
    desk.sam.is_active = False
    desk.sam.save()
    assert notify([desk.sam, desk.bob]) == []
    assert not Notification.objects.exists()


def test_nobody_hears_about_a_ticket_they_cannot_see(desk, make_ticket):
    billing_ticket = make_ticket(team=desk.billing)
    rows = notify([desk.alice, desk.dave, desk.carol], ticket=billing_ticket)
    # Alice is in support only; Dave works billing; Carol is an admin and sees everything.
    assert sorted(n.recipient_id for n in rows) == sorted([desk.dave.pk, desk.carol.pk])


def test_a_dedupe_key_tells_each_recipient_once(desk, make_ticket):
    ticket = make_ticket()
    key = f"sla:first_response:{ticket.pk}:warning"
    first = notify([desk.alice], ticket=ticket, dedupe_key=key)
    again = notify([desk.alice, desk.sam], ticket=ticket, dedupe_key=key, now=NOW + timedelta(1))
    assert [n.recipient_id for n in first] == [desk.alice.pk]
    assert [n.recipient_id for n in again] == [desk.sam.pk]
    assert all(n.pk for n in first + again)
    assert Notification.objects.filter(dedupe_key=key).count() == 2
    # Without a key, the same thing may be told again.
    notify([desk.alice], ticket=ticket)
    notify([desk.alice], ticket=ticket)
    assert Notification.objects.filter(recipient=desk.alice, dedupe_key="").count() == 2


def test_the_database_refuses_a_second_row_with_the_same_dedupe_key(desk):
    """What makes a race between two sweeps safe: the constraint, not the check before."""
    row = {"recipient": desk.alice, "kind": "system", "text": "x", "created_at": NOW}
    Notification.objects.create(**row, dedupe_key="k")
    with pytest.raises(IntegrityError), transaction.atomic():
        Notification.objects.create(**row, dedupe_key="k")
    # The ignore_conflicts insert that notify makes skips it instead of failing.
    Notification.objects.bulk_create([Notification(**row, dedupe_key="k")], ignore_conflicts=True)
    assert Notification.objects.filter(dedupe_key="k").count() == 1


def test_text_is_one_short_line_of_plain_text(desk):
    [row] = notify([desk.alice], text="Line one\n\n  line\ttwo\x00 " + "x" * 400)
    assert row.text.startswith("Line one line two ")
    assert len(row.text) == MAX_TEXT_LENGTH
    assert row.text.endswith("…")


def test_recipients_hear_live_after_commit_only(desk, django_capture_on_commit_callbacks):
    with live.subscribe([live.user_topic(desk.alice.pk)]) as subscription:
        with django_capture_on_commit_callbacks(execute=True):
            notify([desk.alice, desk.sam])
            assert drain(subscription) == []
        [message] = drain(subscription)
    # No content: the page re-reads the bell through the permission-checked view.
    assert message.data == {"kind": "notifications", "change": "new"}


def test_nothing_goes_live_when_nobody_was_told(desk, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        notify([desk.bob])
    assert callbacks == []


def test_mark_read_touches_only_the_actors_own_unread_notifications(desk):
    mine = notify([desk.alice])[0]
    theirs = notify([desk.sam])[0]
    later = NOW + timedelta(minutes=5)
    assert actions.mark_read(desk.alice, [mine.pk, theirs.pk], now=later) == 1
    assert actions.mark_read(desk.alice, [mine.pk], now=later + timedelta(1)) == 0
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.read_at == later
    assert theirs.read_at is None
    assert actions.mark_read(desk.alice, []) == 0


def test_mark_all_read(desk, django_capture_on_commit_callbacks):
    notify([desk.alice])
    notify([desk.alice])
    notify([desk.sam])
    with live.subscribe([live.user_topic(desk.alice.pk)]) as subscription:
        with django_capture_on_commit_callbacks(execute=True):
            assert actions.mark_all_read(desk.alice, now=NOW) == 2
        # The user's other tabs update their bell.
        assert [m.data["change"] for m in drain(subscription)] == ["read"]
    assert not Notification.objects.filter(recipient=desk.alice).unread().exists()
    assert Notification.objects.filter(recipient=desk.sam).unread().count() == 1
    assert actions.mark_all_read(desk.alice, now=NOW) == 0
