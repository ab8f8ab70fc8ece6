from typing import Any

import pytest
from allauth.account.models import EmailAddress
from conftest import Desk
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from frontdesk.accounts.models import User
from frontdesk.core import clock
from frontdesk.portal.models import PendingRequest, RequestForm
from frontdesk.tickets.actions import add_note, attach_file, post_reply
from frontdesk.tickets.events import Origin
from frontdesk.tickets.models import CustomFieldDefinition, Ticket

pytestmark = pytest.mark.django_db


def verified(user: User) -> User:
    EmailAddress.objects.update_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )
    return user


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def device_form() -> RequestForm:
    CustomFieldDefinition.objects.create(
        key="device", label="Device", field_type="choice", choices=["laptop", "phone"]
    )
    CustomFieldDefinition.objects.create(key="os", label="Operating system", field_type="text")
    return RequestForm.objects.create(
        name="Hardware",
        slug="hardware",
        ticket_type="incident",
        fields=[
            {"key": "device", "required": True, "help_text": "Which device?"},
            {"key": "os", "required": True, "show_if": {"field": "device", "equals": "laptop"}},
        ],
        created_at=clock.now(),
        updated_at=clock.now(),
    )


def test_verified_customer_submits_with_custom_field_and_attachment(
    desk: Desk, device_form: RequestForm
) -> None:
    client = signed_in(verified(desk.bob))
    response = client.post(
        "/portal/tickets/new/?form=hardware",
        {
            "form": "hardware",
            "subject": "Screen flickers",
            "body": "Since today.",
            "cf_device": "laptop",
            "cf_os": "Debian",
            "attachments": SimpleUploadedFile("shot.png", b"\x89PNG\r\n\x1a\nxx", "image/png"),
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    ticket = Ticket.objects.get(subject="Screen flickers")
    assert ticket.channel == "portal"
    assert ticket.type == "incident"
    assert ticket.custom_fields == {"device": "laptop", "os": "Debian"}
    first = ticket.messages.get()
    assert [a.file_name for a in first.attachments.all()] == ["shot.png"]
    page = client.get(response["Location"]).content.decode()
    assert "shot.png" in page
    assert "Since today." in page


def test_hidden_conditional_field_is_dropped_and_required_shown_field_enforced(
    desk: Desk, device_form: RequestForm
) -> None:
    client = signed_in(verified(desk.bob))
    missing = client.post(
        "/portal/tickets/new/",
        {"form": "hardware", "subject": "S", "body": "B", "cf_device": "laptop"},
    )
    assert missing.status_code == 422
    ok = client.post(
        "/portal/tickets/new/",
        {"form": "hardware", "subject": "S", "body": "B", "cf_device": "phone", "cf_os": "x"},
    )
    assert ok.status_code == 302
    assert Ticket.objects.get(subject="S").custom_fields == {"device": "phone"}


def test_unverified_customer_cannot_submit(desk: Desk) -> None:
    client = signed_in(desk.bob)
    response = client.post("/portal/tickets/new/", {"subject": "S", "body": "B"})
    assert response.status_code == 422
    assert not Ticket.objects.filter(subject="S").exists()


def test_request_page_hides_internal_notes_and_files(desk: Desk, make_ticket: Any) -> None:
    ticket = make_ticket(requester=desk.bob, subject="Printer")
    post_reply(actor=desk.alice, origin=Origin(), number=ticket.number, body="Agent says hello")
    from io import BytesIO

    secret = attach_file(
        actor=desk.alice,
        origin=Origin(),
        number=ticket.number,
        file_name="secret.txt",
        content=BytesIO(b"s"),
        internal=True,
    )
    add_note(
        actor=desk.alice,
        origin=Origin(),
        number=ticket.number,
        body="Internal only",
        attachment_ids=[secret.pk],
    )
    client = signed_in(desk.bob)
    page = client.get(f"/portal/tickets/{ticket.number}/").content.decode()
    assert "Agent says hello" in page
    assert "Internal only" not in page
    assert "secret.txt" not in page
    assert client.get(f"/portal/attachments/{secret.pk}").status_code == 404


def test_customer_cannot_see_others_requests(desk: Desk, make_ticket: Any) -> None:
    gils = make_ticket(requester=desk.gil, subject="Globex private")
    beas = make_ticket(requester=desk.bea, subject="Acme shared")
    from io import BytesIO

    gil_file = attach_file(
        actor=desk.gil,
        origin=Origin(),
        number=gils.number,
        file_name="g.txt",
        content=BytesIO(b"g"),
    )
    # gus shares globex with gil, but globex does not share tickets
    gus = signed_in(desk.gus)
    assert gus.get(f"/portal/tickets/{gils.number}/").status_code == 404
    assert gus.get(f"/portal/attachments/{gil_file.pk}").status_code == 404
    assert "Globex private" not in gus.get("/portal/tickets/?scope=organisation").content.decode()
    assert gus.post(f"/portal/tickets/{gils.number}/", {"body": "hi"}).status_code == 404
    assert gus.post(f"/portal/tickets/{gils.number}/solve").status_code == 404
    # erin (initech) sees neither; bob (acme, shares) sees bea's
    erin = signed_in(desk.erin)
    assert erin.get(f"/portal/tickets/{beas.number}/").status_code == 404
    bob = signed_in(desk.bob)
    assert bob.get(f"/portal/tickets/{beas.number}/").status_code == 200
    assert "Acme shared" in bob.get("/portal/tickets/?scope=organisation").content.decode()
    assert "Acme shared" not in bob.get("/portal/tickets/").content.decode()


def test_staff_get_no_portal_requests(desk: Desk) -> None:
    assert signed_in(desk.alice).get("/portal/tickets/").status_code == 403


def test_solve_reopen_and_cc(desk: Desk, make_ticket: Any, settings: Any) -> None:
    ticket = make_ticket(requester=desk.bob)
    client = signed_in(desk.bob)
    assert client.post(f"/portal/tickets/{ticket.number}/solve").status_code == 302
    ticket.refresh_from_db()
    assert ticket.status_category == "solved"
    assert client.post(f"/portal/tickets/{ticket.number}/reopen").status_code == 302
    ticket.refresh_from_db()
    assert ticket.status_category == "open"
    client.post(f"/portal/tickets/{ticket.number}/solve")
    settings.FRONTDESK_PORTAL_REOPEN_DAYS = 0
    assert client.post(f"/portal/tickets/{ticket.number}/reopen").status_code == 409
    # CC: only the organisation's contacts
    assert (
        client.post(f"/portal/tickets/{ticket.number}/cc", {"user_id": desk.gil.pk}).status_code
        == 422
    )
    assert (
        client.post(f"/portal/tickets/{ticket.number}/cc", {"user_id": desk.bea.pk}).status_code
        == 302
    )
    assert ticket.followers.filter(pk=desk.bea.pk).exists()


def test_anonymous_request_is_held_until_confirmed(
    desk: Desk, settings: Any, client: Client
) -> None:
    settings.FRONTDESK_PORTAL_ANONYMOUS = True
    response = client.post(
        "/portal/tickets/new/",
        {"name": "Nora", "email": "Nora@Example.org", "subject": "Hello", "body": "Help"},
    )
    assert response.status_code == 200
    assert "Check your email" in response.content.decode()
    assert not Ticket.objects.filter(subject="Hello").exists()
    pending = PendingRequest.objects.get()
    from frontdesk.outbox.models import OutboundEmail

    email = OutboundEmail.objects.get(to=["nora@example.org"])
    link = next(w for w in email.body_text.split() if "/portal/confirm/" in w)
    path = link.split("://", 1)[1].split("/", 1)[1]
    assert client.get("/" + path).status_code == 200
    assert not Ticket.objects.filter(subject="Hello").exists()
    assert client.post("/" + path).status_code == 200
    ticket = Ticket.objects.get(subject="Hello")
    assert ticket.requester.email == "nora@example.org"
    assert ticket.channel == "portal"
    assert client.post("/" + path).status_code == 200  # idempotent
    assert Ticket.objects.filter(subject="Hello").count() == 1
    pending.refresh_from_db()
    assert pending.ticket_number == ticket.number


def test_anonymous_disabled_sends_to_sign_in(client: Client, db: Any) -> None:
    response = client.post(
        "/portal/tickets/new/", {"email": "x@example.org", "subject": "S", "body": "B"}
    )
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_anonymous_submissions_are_rate_limited(desk: Desk, settings: Any, client: Client) -> None:
    from django.core.cache import cache

    cache.clear()
    settings.FRONTDESK_PORTAL_ANONYMOUS = True
    settings.FRONTDESK_PORTAL_SUBMISSIONS_PER_IP_HOUR = 2
    codes = [
        client.post(
            "/portal/tickets/new/", {"email": f"a{i}@example.org", "subject": "S", "body": "B"}
        ).status_code
        for i in range(3)
    ]
    assert codes == [200, 200, 429]
    cache.clear()


def test_sign_up_makes_a_customer_and_sends_a_verification_link(db: Any, client: Client) -> None:
    from django.core.cache import cache

    cache.clear()
    response = client.post(
        "/accounts/signup/",
        {
            "email": "new@example.org",
            "password1": "a-long-passphrase",
            "password2": "a-long-passphrase",
            "role": "admin",
        },
    )
    assert response.status_code == 302
    user = User.objects.get(email="new@example.org")
    assert user.role == "customer"
    assert any("new@example.org" in m.to for m in mail.outbox)
    cache.clear()
