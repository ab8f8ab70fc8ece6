"""Webhooks against a real HTTP receiver on loopback (its host explicitly allowed): signed
deliveries, retries with backoff on 5xx and timeouts, bounded attempts, no retry storm,
turning off after repeated failures, redirects not followed, and the SSRF guard refusing
the same receiver when it is not allowed."""

from datetime import timedelta

import pytest

from frontdesk.core import clock
from frontdesk.notifications.models import Notification
from frontdesk.tickets import actions as ticket_actions
from frontdesk.tickets.events import Origin
from frontdesk.webhooks import actions, sending
from frontdesk.webhooks.choices import DeliveryState
from frontdesk.webhooks.models import Webhook, WebhookAttempt, WebhookDelivery
from frontdesk.webhooks.subscriptions import forget_webhooks

pytestmark = pytest.mark.django_db


def subscribe(desk, receiver, events=("ticket.created",), url=None) -> Webhook:
    webhook = actions.save_webhook(
        actor=desk.carol, name="Receiver", url=url or receiver.url, event_types=list(events)
    )
    receiver.secret = webhook.secret
    forget_webhooks()  # as the commit would
    return webhook


def later(seconds: float):
    return clock.now() + timedelta(seconds=seconds)


def test_a_new_ticket_is_delivered_signed(
    desk, make_ticket, receiver, django_capture_on_commit_callbacks
):
    webhook = subscribe(desk, receiver)
    with django_capture_on_commit_callbacks(execute=True):
        ticket = make_ticket(subject="Printer on fire")

    assert len(receiver.received) == 1
    request = receiver.received[0]
    assert request.signed
    assert request.path == "/hooks/frontdesk"
    assert request.headers["X-Frontdesk-Event"] == "ticket.created"
    assert request.headers["Content-Type"] == "application/json"
    payload = request.payload
    assert payload["type"] == "ticket.created"
    assert payload["version"] == 1
    assert payload["webhook_id"] == webhook.pk
    assert payload["data"]["ticket"]["number"] == ticket.number
    assert payload["data"]["ticket"]["subject"] == "Printer on fire"
    assert payload["data"]["ticket"]["requester"]["email"] == "bob@example.com"
    assert payload["data"]["actor"]["id"] == desk.carol.pk
    delivery = WebhookDelivery.objects.get()
    assert request.headers["X-Frontdesk-Delivery"] == str(delivery.uid)
    assert delivery.state == DeliveryState.SUCCEEDED
    assert delivery.last_status == 200
    attempt = WebhookAttempt.objects.get()
    assert (attempt.status_code, attempt.succeeded) == (200, True)
    assert attempt.duration_ms >= 0
    assert attempt.response_body == '{"ok": true}'


def test_a_tampered_body_fails_the_check(desk, receiver):
    from frontdesk.webhooks.signing import signature_header, verify

    body = b'{"type":"ticket.created"}'
    header = signature_header("whsec_x", 1_700_000_000, body)
    assert verify("whsec_x", header, body, now=1_700_000_010)
    assert not verify("whsec_x", header, body + b" ", now=1_700_000_010)
    assert not verify("whsec_y", header, body, now=1_700_000_010)
    assert not verify("whsec_x", header, body, now=1_700_000_000 + 301)  # replayed late


def test_no_subscription_no_delivery(desk, make_ticket, receiver, django_assert_num_queries):
    subscribe(desk, receiver, events=("ticket.replied",))
    make_ticket()
    assert WebhookDelivery.objects.count() == 0


def test_5xx_is_retried_with_backoff_until_delivered(
    desk, make_ticket, receiver, django_capture_on_commit_callbacks
):
    receiver.script = [500, 502, 200]
    subscribe(desk, receiver)
    with django_capture_on_commit_callbacks(execute=True):
        make_ticket()
    delivery = WebhookDelivery.objects.get()
    assert (delivery.state, delivery.attempts, delivery.last_status) == ("pending", 1, 500)
    assert delivery.next_attempt_at is not None
    first_wait = delivery.next_attempt_at - delivery.created_at
    assert timedelta(seconds=29) < first_wait <= timedelta(seconds=31)

    assert sending.send_due(now=later(5)) == 0  # not before the backoff
    assert sending.send_due(now=later(31)) == 1
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts, delivery.last_status) == ("pending", 2, 502)
    assert delivery.next_attempt_at > later(59)  # doubled: 60 s
    assert sending.send_due(now=later(100)) == 1
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts) == ("succeeded", 3)
    assert [a.status_code for a in delivery.attempt_log.order_by("number")] == [500, 502, 200]
    assert len(receiver.received) == 3
    assert all(r.signed for r in receiver.received)
    # One delivery: the same id every time, so the receiver can drop repeats.
    assert len({r.headers["X-Frontdesk-Delivery"] for r in receiver.received}) == 1


def test_a_timeout_is_retried(
    desk, make_ticket, receiver, settings, django_capture_on_commit_callbacks
):
    settings.FRONTDESK_WEBHOOK_TIMEOUT_SECONDS = 0.3
    receiver.script = [("sleep", 1.0), 200]
    subscribe(desk, receiver)
    with django_capture_on_commit_callbacks(execute=True):
        make_ticket()
    delivery = WebhookDelivery.objects.get()
    assert delivery.state == "pending"
    assert "within 0.3 s" in delivery.last_error
    assert (delivery.last_duration_ms or 0) < 1000
    assert sending.send_due(now=later(31)) == 1
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts, delivery.last_status) == ("succeeded", 2, 200)


def test_attempts_are_bounded_and_a_failing_endpoint_is_not_stormed(
    desk, make_ticket, receiver, settings
):
    settings.FRONTDESK_WEBHOOK_MAX_ATTEMPTS = 3
    receiver.script = [503]
    subscribe(desk, receiver)
    for _ in range(5):
        make_ticket()  # five deliveries queued (their tasks not run: no commit here)
    assert WebhookDelivery.objects.filter(state="pending").count() == 5

    # One pass: the first attempt fails, the other four wait for the next pass.
    assert sending.send_due(now=later(0)) == 1
    assert len(receiver.received) == 1
    for minutes in range(1, 60):  # an hour of passes, one a minute
        sending.send_due(now=later(60 * minutes))
    # Five deliveries, at most three attempts each, and never more than one failing
    # request per pass.
    assert len(receiver.received) == 15
    assert WebhookDelivery.objects.filter(state="failed", attempts=3).count() == 5
    for delivery in WebhookDelivery.objects.all():
        times = list(delivery.attempt_log.order_by("number").values_list("created_at", flat=True))
        assert len(times) == 3


def test_turned_off_after_n_failures_in_a_row(
    desk, make_ticket, receiver, settings, django_capture_on_commit_callbacks
):
    settings.FRONTDESK_WEBHOOK_MAX_ATTEMPTS = 1
    settings.FRONTDESK_WEBHOOK_DISABLE_AFTER = 3
    receiver.script = [500, 200, 500]  # a success in between resets the count
    webhook = subscribe(desk, receiver)
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            make_ticket()
    webhook.refresh_from_db()
    assert (webhook.is_active, webhook.consecutive_failures) == (True, 0)
    for _ in range(3):
        with django_capture_on_commit_callbacks(execute=True):
            make_ticket()
    webhook.refresh_from_db()
    assert webhook.is_active is False
    assert webhook.consecutive_failures == 3
    assert "3 failed attempts" in webhook.disabled_reason
    assert Notification.objects.filter(recipient=desk.carol, text__contains="Receiver").exists()
    # Off: new events queue nothing and nothing more is sent.
    requests = len(receiver.received)
    with django_capture_on_commit_callbacks(execute=True):
        make_ticket()
    assert len(receiver.received) == requests
    assert WebhookDelivery.objects.count() == 5

    # Turning it back on clears the count.
    actions.save_webhook(
        actor=desk.carol,
        webhook_id=webhook.pk,
        name=webhook.name,
        url=webhook.url,
        event_types=webhook.event_types,
        is_active=True,
    )
    webhook.refresh_from_db()
    assert (webhook.is_active, webhook.consecutive_failures, webhook.disabled_at) == (
        True,
        0,
        None,
    )


def test_4xx_and_redirects_fail_at_once(
    desk, make_ticket, receiver, django_capture_on_commit_callbacks
):
    receiver.script = [("redirect", "/elsewhere"), 404]
    subscribe(desk, receiver)
    with django_capture_on_commit_callbacks(execute=True):
        make_ticket()
        make_ticket()
    first, second = WebhookDelivery.objects.order_by("pk")
    assert (first.state, first.last_status) == ("failed", 302)
    assert "redirects are not followed" in first.last_error
    assert (second.state, second.last_status) == ("failed", 404)
    assert [r.path for r in receiver.received] == ["/hooks/frontdesk"] * 2  # not /elsewhere


def test_without_the_allowance_the_guard_refuses_the_receiver(
    desk, make_ticket, receiver, settings, django_capture_on_commit_callbacks
):
    subscribe(desk, receiver)
    settings.FRONTDESK_WEBHOOK_ALLOWED_HOSTS = []  # an admin took the allowance back
    with django_capture_on_commit_callbacks(execute=True):
        make_ticket()
    delivery = WebhookDelivery.objects.get()
    assert delivery.state == "failed"
    assert delivery.last_error.startswith("refused: 127.0.0.1 is a loopback address")
    assert receiver.received == []


def test_a_trigger_calls_a_webhook(desk, make_ticket, receiver, django_capture_on_commit_callbacks):
    from frontdesk.triggers.actions import save_trigger
    from frontdesk.triggers.rulebook import forget_triggers

    webhook = subscribe(desk, receiver, events=())
    save_trigger(
        actor=desk.carol,
        name="Tell the CRM about urgent tickets",
        condition={"field": "priority", "op": "equals", "value": "urgent"},
        actions=[{"type": "webhook", "webhook_id": webhook.pk}],
    )
    forget_triggers()
    with django_capture_on_commit_callbacks(execute=True):
        ticket = make_ticket()
        ticket_actions.update_ticket(
            actor=desk.alice,
            origin=Origin(),
            number=ticket.number,
            changes={"priority": "urgent"},
            expected_version=None,
        )
    assert len(receiver.received) == 1
    payload = receiver.received[0].payload
    assert payload["type"] == "ticket.triggered"
    assert payload["data"]["trigger"] == {
        "rule": "Tell the CRM about urgent tickets",
        "event": "updated",
    }
    assert payload["data"]["ticket"]["priority"] == "urgent"
    assert receiver.received[0].signed


def test_ticket_events_map_to_event_types(
    desk, make_ticket, receiver, django_capture_on_commit_callbacks
):
    subscribe(desk, receiver, events=("ticket.updated", "ticket.replied", "ticket.note_added"))
    ticket = make_ticket()  # created: not subscribed
    with django_capture_on_commit_callbacks(execute=True):
        ticket_actions.update_ticket(
            actor=desk.alice,
            origin=Origin(),
            number=ticket.number,
            changes={"priority": "high"},
            expected_version=None,
        )
        ticket_actions.post_reply(
            actor=desk.bob, origin=Origin(), number=ticket.number, body="Still smoking."
        )
        ticket_actions.add_note(
            actor=desk.alice, origin=Origin(), number=ticket.number, body="Called them."
        )
    kinds = [r.payload["type"] for r in receiver.received]
    assert kinds == ["ticket.updated", "ticket.replied", "ticket.note_added"]
    updated, replied, noted = (r.payload["data"] for r in receiver.received)
    assert {"field": "priority", "old": "normal", "new": "high"} in updated["changes"]
    assert replied["message"]["body_text"] == "Still smoking."
    assert replied["message"]["public"] is True
    assert replied["message"]["author"]["role"] == "customer"
    assert noted["message"]["public"] is False
