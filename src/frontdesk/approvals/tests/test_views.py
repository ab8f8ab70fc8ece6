"""Approvals in the workspace (the ticket's card, "Awaiting my approval") and the emailed
decision link, which decides only on POST and is rate limited."""

from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from frontdesk.approvals import views
from frontdesk.approvals.actions import approval_link
from frontdesk.approvals.models import ApprovalRequest
from frontdesk.tickets.models import Ticket

HTMX = {"HX-Request": "true"}


def signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> Any:
    cache.clear()
    yield
    cache.clear()


def status_of(ticket: Ticket) -> str:
    return Ticket.objects.select_related("status").get(pk=ticket.pk).status.slug


def test_the_ticket_page_shows_the_card_with_buttons_for_approvers(
    desk: Any, rule: Any, service_request: Any
) -> None:
    rule()
    ticket = service_request()
    page = signed_in(desk.sam).get(f"/desk/tickets/{ticket.number}/").content.decode()
    assert 'id="approval-card"' in page
    assert 'value="approve"' in page
    page = signed_in(desk.alice).get(f"/desk/tickets/{ticket.number}/").content.decode()
    assert 'id="approval-card"' in page
    assert 'value="approve"' not in page
    other = signed_in(desk.alice).get(f"/desk/tickets/{service_request(type='question').number}/")
    assert 'id="approval-card"' not in other.content.decode()


def test_deciding_from_the_card_returns_the_sidebar(
    desk: Any, rule: Any, service_request: Any
) -> None:
    rule()
    ticket = service_request()
    request = ApprovalRequest.objects.get(ticket=ticket)
    response = signed_in(desk.sam).post(
        f"/desk/approvals/{request.pk}/decide/",
        {"decision": "approve", "comment": "", "next": "ticket"},
        headers=HTMX,
    )
    assert response.status_code == 200
    assert 'id="ticket-side"' in response.content.decode()
    assert status_of(ticket) == "open"


def test_a_colleague_cannot_decide_from_the_card(
    desk: Any, rule: Any, service_request: Any
) -> None:
    rule()
    request = ApprovalRequest.objects.get(ticket=service_request())
    url = f"/desk/approvals/{request.pk}/decide/"
    assert signed_in(desk.alice).post(url, {"decision": "approve"}).status_code == 403
    assert signed_in(desk.dave).post(url, {"decision": "approve"}).status_code == 404
    assert signed_in(desk.bob).post(url, {"decision": "approve"}).status_code == 404


def test_awaiting_my_approval(desk: Any, rule: Any, service_request: Any) -> None:
    rule()
    ticket = service_request(subject="New laptop")
    page = signed_in(desk.sam).get("/desk/approvals/")
    assert "New laptop" in page.content.decode()
    assert "New laptop" not in signed_in(desk.alice).get("/desk/approvals/").content.decode()
    assert signed_in(desk.bob).get("/desk/approvals/").status_code == 404
    request = ApprovalRequest.objects.get(ticket=ticket)
    response = signed_in(desk.sam).post(
        f"/desk/approvals/{request.pk}/decide/", {"decision": "reject", "comment": "Not now"}
    )
    assert response.status_code == 302
    assert status_of(ticket) == "solved"


def test_the_link_page_shows_the_ticket_and_a_get_never_decides(
    desk: Any, rule: Any, service_request: Any
) -> None:
    rule()
    ticket = service_request(subject="New laptop")
    request = ApprovalRequest.objects.get(ticket=ticket)
    path = approval_link(request, desk.sam)
    anonymous = Client()
    for _ in range(3):
        page = anonymous.get(path)
        assert page.status_code == 200
        assert "New laptop" in page.content.decode()
    assert anonymous.get(path + "?decision=approve").status_code == 200
    request.refresh_from_db()
    assert request.state == "pending"

    done = anonymous.post(path, {"decision": "approve"})
    assert done.status_code == 200
    assert "Thank you" in done.content.decode()
    assert status_of(ticket) == "open"
    again = anonymous.post(path, {"decision": "reject", "comment": "No"})
    assert again.status_code == 404
    assert anonymous.get(path).status_code == 404


def test_the_link_page_asks_for_a_reason_to_reject(
    desk: Any, rule: Any, service_request: Any
) -> None:
    rule()
    request = ApprovalRequest.objects.get(ticket=service_request())
    path = approval_link(request, desk.sam)
    response = Client().post(path, {"decision": "reject", "comment": ""})
    assert response.status_code == 422
    assert Client().post(path, {"decision": "maybe"}).status_code == 422
    assert Client().get("/approvals/decide/fda_not-a-token/").status_code == 404


def test_the_link_page_is_rate_limited(
    desk: Any, rule: Any, service_request: Any, monkeypatch: Any
) -> None:
    monkeypatch.setattr(views, "LINK_LIMIT", 3)
    client = Client()
    statuses = [client.get("/approvals/decide/fda_guess/").status_code for _ in range(5)]
    assert statuses == [404, 404, 404, 429, 429]
