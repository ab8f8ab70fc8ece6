"""The administrators' webhook pages: the list with each webhook's state, creating one (its
secret shown once), refusals inline, turning off and on, rotating the secret, the delivery
log, "send test", deleting; other staff 403, customers 404, CSRF."""

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client

from frontdesk.core import clock
from frontdesk.webhooks import actions
from frontdesk.webhooks.models import Webhook, WebhookAttempt, WebhookDelivery

pytestmark = pytest.mark.django_db

PAGES = "/desk/admin/webhooks"
URL = "https://93.184.215.14/hooks"


def signed_in(user: Any, *, csrf: bool = False) -> Client:
    client = Client(enforce_csrf_checks=csrf)
    client.force_login(user)
    return client


def hook(desk: Any, **fields: Any) -> Webhook:
    data: dict[str, Any] = {"name": "CRM", "url": URL, "event_types": ["ticket.created"]}
    return actions.save_webhook(actor=desk.carol, **(data | fields))


def form(**changes: Any) -> dict[str, Any]:
    data = {
        "name": "CRM",
        "url": URL,
        "event_types": ["ticket.created", "ticket.replied"],
        "is_active": "on",
    }
    return data | changes


def test_the_list_shows_each_webhooks_state(desk):
    hook(desk, name="Live")
    off = hook(desk, name="Paused", is_active=False)
    broken = hook(desk, name="Broken")
    Webhook.objects.filter(pk=broken.pk).update(
        is_active=False,
        disabled_at=clock.now(),
        disabled_reason="20 failed attempts in a row; last: HTTP 500",
        consecutive_failures=20,
    )

    page = signed_in(desk.carol).get(f"{PAGES}/")

    text = page.content.decode()
    assert page.status_code == 200
    assert "Ticket created" in text
    assert "HTTP 500" in text
    assert "turned off by an administrator" in text
    assert f'href="{PAGES}/{off.pk}/"' in text
    assert f'href="{PAGES}/"' in text  # the header's admin link


def test_creating_shows_the_secret_once(desk):
    client = signed_in(desk.carol)

    response = client.post(f"{PAGES}/new/", form())

    webhook = Webhook.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{PAGES}/{webhook.pk}/"
    assert webhook.event_types == ["ticket.created", "ticket.replied"]
    first = client.get(response["Location"]).content.decode()
    assert webhook.secret in first
    again = client.get(response["Location"]).content.decode()
    assert webhook.secret not in again
    assert f"…{webhook.secret[-4:]}" in again


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"url": "http://169.254.169.254/latest/meta-data/"}, "url", ""),
        ({"url": "http://127.0.0.1:8080/"}, "url", ""),
        ({"event_types": ["ticket.exploded"]}, "event_types", "valid choice"),
        ({"name": ""}, "name", "required"),
    ],
)
def test_refusals_are_shown_next_to_their_field(desk, changes, field, message):
    response = signed_in(desk.carol).post(f"{PAGES}/new/", form(**changes))

    assert response.status_code == 422
    errors = response.context["form"].errors
    assert field in errors
    assert message in " ".join(errors[field])
    assert Webhook.objects.count() == 0


def test_editing_keeps_the_secret_and_turning_back_on_clears_failures(desk):
    webhook = hook(desk)
    Webhook.objects.filter(pk=webhook.pk).update(
        is_active=False, disabled_at=clock.now(), consecutive_failures=20
    )
    client = signed_in(desk.carol)

    response = client.post(f"{PAGES}/{webhook.pk}/", form(name="CRM 2"))

    assert response.status_code == 302
    saved = Webhook.objects.get()
    assert (saved.name, saved.secret, saved.is_active) == ("CRM 2", webhook.secret, True)
    assert (saved.consecutive_failures, saved.disabled_at) == (0, None)
    assert saved.secret not in client.get(f"{PAGES}/{webhook.pk}/").content.decode()


def test_switching_off_and_on(desk):
    webhook = hook(desk)
    client = signed_in(desk.carol)

    assert client.post(f"{PAGES}/{webhook.pk}/switch/").status_code == 302
    assert Webhook.objects.get().is_active is False
    assert client.post(f"{PAGES}/{webhook.pk}/switch/").status_code == 302
    assert Webhook.objects.get().is_active is True


def test_rotating_the_secret_shows_the_new_one_once(desk):
    webhook = hook(desk)
    client = signed_in(desk.carol)

    response = client.post(f"{PAGES}/{webhook.pk}/rotate/")

    rotated = Webhook.objects.get().secret
    assert rotated != webhook.secret
    assert rotated in client.get(response["Location"]).content.decode()
    assert rotated not in client.get(response["Location"]).content.decode()


def test_the_delivery_log_shows_attempts(desk, make_ticket):
    webhook = hook(desk)
    ticket = make_ticket()
    now = clock.now()
    delivery = WebhookDelivery.objects.create(
        webhook=webhook,
        event_type="ticket.created",
        ticket=ticket,
        payload={},
        state="failed",
        attempts=2,
        created_at=now,
    )
    for number, status, error, ms in ((1, 503, "", 120), (2, None, "timed out", 10_000)):
        WebhookAttempt.objects.create(
            delivery=delivery,
            number=number,
            status_code=status,
            error=error,
            duration_ms=ms,
            created_at=now + timedelta(seconds=number),
        )

    text = signed_in(desk.carol).get(f"{PAGES}/{webhook.pk}/").content.decode()

    assert "ticket.created" in text
    assert f"#{ticket.number}" in text
    assert "503" in text
    assert "120 ms" in text
    assert "timed out" in text
    assert "Failed" in text


def test_send_test_queues_a_ping(desk):
    webhook = hook(desk)

    response = signed_in(desk.carol).post(f"{PAGES}/{webhook.pk}/test/")

    assert response.status_code == 302
    assert list(WebhookDelivery.objects.values_list("event_type", flat=True)) == ["ping"]


def test_deleting(desk):
    webhook = hook(desk)
    assert signed_in(desk.carol).post(f"{PAGES}/{webhook.pk}/delete/").status_code == 302
    assert Webhook.objects.count() == 0


@pytest.mark.parametrize("path", ["/", "/new/", "/{id}/"])
def test_only_administrators(desk, path):
    webhook = hook(desk)
    url = PAGES + path.format(id=webhook.pk)
    for user, status in ((desk.sam, 403), (desk.alice, 403), (desk.bob, 404)):
        assert signed_in(user).get(url).status_code == status
    assert signed_in(desk.sam).post(f"{PAGES}/{webhook.pk}/test/").status_code == 403
    assert signed_in(desk.sam).post(f"{PAGES}/{webhook.pk}/delete/").status_code == 403
    assert Webhook.objects.count() == 1
    assert WebhookDelivery.objects.count() == 0
    assert f'href="{PAGES}/"' not in signed_in(desk.sam).get("/desk/").content.decode()


def test_writes_need_the_csrf_token(desk):
    webhook = hook(desk)
    client = signed_in(desk.carol, csrf=True)
    assert client.post(f"{PAGES}/new/", form()).status_code == 403
    assert client.post(f"{PAGES}/{webhook.pk}/test/").status_code == 403
    assert client.post(f"{PAGES}/{webhook.pk}/delete/").status_code == 403
    assert Webhook.objects.count() == 1
    assert WebhookDelivery.objects.count() == 0
