"""Notification preferences, email notifications, templates and the admin pages."""

from collections.abc import Callable
from typing import Any

import pytest
from conftest import Desk
from django.test import Client

from frontdesk.core import clock
from frontdesk.core.errors import Invalid, NotFound
from frontdesk.notifications.actions import notify
from frontdesk.notifications.choices import NotificationKind
from frontdesk.notifications.models import Notification
from frontdesk.outbox import actions as outbox
from frontdesk.outbox.actions import PreferenceChange
from frontdesk.outbox.models import OutboundEmail
from frontdesk.outbox.queries import my_preferences
from frontdesk.outbox.sending import send_due
from frontdesk.tickets import actions
from frontdesk.tickets.events import Origin
from frontdesk.tickets.models import Ticket


def _tell(desk: Desk, ticket: Ticket, kind: str, dedupe_key: str = "") -> list[Notification]:
    return notify(
        [desk.alice],
        kind=NotificationKind(kind),
        text=f"Something about {ticket.number}",
        ticket=ticket,
        actor=desk.sam,
        now=clock.now(),
        dedupe_key=dedupe_key,
    )


def test_defaults_email_the_important_kinds(desk: Desk) -> None:
    chosen = {p.kind: (p.in_app, p.email) for p in my_preferences(desk.alice)}
    assert chosen["assigned"] == (True, True)
    assert chosen["mention"] == (True, True)
    assert chosen["sla_breach"] == (True, True)
    assert chosen["approval_requested"] == (True, True)
    assert chosen["customer_replied"] == (True, False)
    assert chosen["sla_warning"] == (True, False)


def test_notify_emails_by_preference(desk: Desk, make_ticket: Callable[..., Ticket]) -> None:
    ticket = make_ticket()
    OutboundEmail.objects.all().delete()
    assert len(_tell(desk, ticket, "mention")) == 1
    (email,) = OutboundEmail.objects.filter(kind="notification")
    assert email.to == ["alice@example.com"]
    assert email.recipient_id == desk.alice.pk
    assert email.auto_submitted == "auto-generated"
    assert f"[#{ticket.number}]" in email.subject
    assert "Something about" in email.body_text

    _tell(desk, ticket, "customer_replied")  # in the app only, by default
    assert OutboundEmail.objects.filter(kind="notification").count() == 1


def test_a_user_can_turn_either_channel_off(desk: Desk, make_ticket: Callable[..., Ticket]) -> None:
    ticket = make_ticket()
    OutboundEmail.objects.all().delete()
    outbox.set_preferences(
        desk.alice,
        [
            PreferenceChange("mention", in_app=False, email=True),
            PreferenceChange("customer_replied", in_app=False, email=False),
        ],
    )
    assert _tell(desk, ticket, "mention") == []  # no bell entry
    assert OutboundEmail.objects.filter(kind="notification").count() == 1  # but an email
    assert _tell(desk, ticket, "customer_replied") == []
    assert OutboundEmail.objects.filter(kind="notification").count() == 1
    assert not Notification.objects.filter(recipient=desk.alice).exists()


def test_a_dedupe_key_sends_one_email(desk: Desk, make_ticket: Callable[..., Ticket]) -> None:
    ticket = make_ticket()
    OutboundEmail.objects.all().delete()
    for _ in range(3):
        _tell(desk, ticket, "sla_breach", dedupe_key=f"breach:{ticket.pk}")
    assert OutboundEmail.objects.filter(kind="notification").count() == 1


def test_preferences_refuse_unknown_kinds_and_customers(desk: Desk) -> None:
    with pytest.raises(Invalid):
        outbox.set_preferences(desk.alice, [PreferenceChange("nope", in_app=True, email=True)])
    with pytest.raises(NotFound):
        outbox.set_preferences(desk.bob, [PreferenceChange("mention", in_app=True, email=True)])


def test_preferences_api_round_trip(desk: Desk, as_user: Callable[..., Client]) -> None:
    client = as_user(desk.alice)
    url = "/api/v1/users/me/notification-preferences"
    body = {"preferences": [{"kind": "assigned", "in_app": True, "email": False}]}
    response = client.put(url, body, content_type="application/json")
    assert response.status_code == 200
    assigned = next(p for p in response.json() if p["kind"] == "assigned")
    assert assigned == {"kind": "assigned", "label": "Assigned", "in_app": True, "email": False}
    assert client.get(url).json() == response.json()
    bad = {"preferences": [{"kind": "nope", "in_app": True, "email": False}]}
    assert client.put(url, bad, content_type="application/json").status_code == 422


def test_preferences_page_saves_the_checkboxes(desk: Desk) -> None:
    client = Client()
    client.force_login(desk.alice)
    page = client.get("/desk/settings/notifications/")
    assert page.status_code == 200
    assert 'name="email_mention"' in page.content.decode()
    response = client.post("/desk/settings/notifications/", {"in_app_mention": "on"})
    assert response.status_code == 302
    chosen = {p.kind: (p.in_app, p.email) for p in my_preferences(desk.alice)}
    assert chosen["mention"] == (True, False)
    assert chosen["assigned"] == (False, False)  # every box the form did not send is off
    client.force_login(desk.bob)
    assert client.get("/desk/settings/notifications/").status_code == 404


def test_an_admin_rewords_a_template_with_safe_placeholders(
    desk: Desk, make_ticket: Callable[..., Ticket]
) -> None:
    outbox.save_template(
        actor=desk.carol,
        key="acknowledgment",
        subject="We got it [#{{ticket.number}}]",
        body="Dear {{requester.name}}, about {{ticket.subject}}.",
    )
    ticket = make_ticket(subject="{{agent.name}} {% debug %}")
    email = outbox.acknowledge_new_ticket(ticket)
    assert email is not None
    assert email.subject == f"We got it [#{ticket.number}]"
    assert email.body_text == "Dear Bob, about {{agent.name}} {% debug %}."
    assert "&lt;" not in email.body_html or "{% debug %}" in email.body_html

    with pytest.raises(Invalid) as refused:
        outbox.save_template(
            actor=desk.carol,
            key="acknowledgment",
            subject="Hi",
            body="{{ticket.requester.password}} {{ticket.__class__}}",
        )
    assert refused.value.code == "unknown_placeholder"
    assert refused.value.details == {"unknown": ["ticket.requester.password", "ticket.__class__"]}


def test_template_api_refuses_injection(desk: Desk, as_user: Callable[..., Client]) -> None:
    client = as_user(desk.carol)
    url = "/api/v1/outbox/templates/mention"
    bad = {"subject": "x", "body": "{{ settings.SECRET_KEY }}"}
    response = client.put(url, bad, content_type="application/json")
    assert response.status_code == 422
    assert response.json()["code"] == "unknown_placeholder"
    good = {"subject": "@ on #{{ticket.number}}", "body": "{{notification.text}}"}
    response = client.put(url, good, content_type="application/json")
    assert response.status_code == 200
    assert response.json()["customised"] is True
    assert (
        client.put(
            "/api/v1/outbox/templates/nope", good, content_type="application/json"
        ).status_code
        == 404
    )


def test_acknowledgments_are_rate_limited_per_address(
    desk: Desk, make_ticket: Callable[..., Ticket], settings: Any
) -> None:
    settings.FRONTDESK_ACK_LIMIT_PER_HOUR = 2
    sent = [outbox.acknowledge_new_ticket(make_ticket()) for _ in range(4)]
    assert [e is not None for e in sent] == [True, True, False, False]
    assert outbox.acknowledge_new_ticket(make_ticket(requester=desk.bea)) is not None


def test_no_acknowledgment_for_automatic_mail_or_our_own_address(
    desk: Desk, make_ticket: Callable[..., Ticket], settings: Any
) -> None:
    class Automatic:
        is_automatic = True

    assert outbox.acknowledge_new_ticket(make_ticket(), Automatic()) is None
    settings.DEFAULT_FROM_EMAIL = "Desk <bob@example.com>"
    assert outbox.acknowledge_new_ticket(make_ticket()) is None


def test_without_smtp_mail_goes_to_djangos_mailer(
    desk: Desk, make_ticket: Callable[..., Ticket], mailoutbox: list[Any]
) -> None:
    ticket = make_ticket()
    actions.post_reply(actor=desk.alice, origin=Origin(), number=ticket.number, body="Hi Bob")
    send_due()
    (mail,) = mailoutbox
    assert mail.to == ["bob@example.com"]
    assert mail.subject == f"Re: Printer on fire [#{ticket.number}]"
    assert mail.extra_headers["Message-ID"] == OutboundEmail.objects.get().message_id


def test_outbox_page_lists_and_retries(desk: Desk, make_ticket: Callable[..., Ticket]) -> None:
    ticket = make_ticket()
    actions.post_reply(actor=desk.alice, origin=Origin(), number=ticket.number, body="Hi Bob")
    email = OutboundEmail.objects.get()
    OutboundEmail.objects.filter(pk=email.pk).update(
        state="failed", attempts=3, last_error="550 5.1.1 No such user"
    )
    client = Client()
    client.force_login(desk.carol)
    page = client.get("/desk/admin/outbox/?state=failed").content.decode()
    assert "550 5.1.1 No such user" in page
    assert f"/desk/admin/outbox/{email.pk}/retry/" in page
    assert client.post(f"/desk/admin/outbox/{email.pk}/retry/").status_code == 302
    email.refresh_from_db()
    assert (email.state, email.attempts) == ("queued", 0)
    assert client.get("/desk/admin/outbox/templates/").status_code == 200
    assert client.get("/desk/admin/outbox/templates/acknowledgment/").status_code == 200
    response = client.post(
        "/desk/admin/outbox/templates/acknowledgment/",
        {"subject": "Hi {{ticket.__init__}}", "body": "x"},
    )
    assert response.status_code == 422
    assert "Unknown placeholders" in response.content.decode()

    client.force_login(desk.sam)  # a supervisor is not an administrator
    assert client.get("/desk/admin/outbox/").status_code == 403
