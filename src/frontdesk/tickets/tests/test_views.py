"""The agent workspace pages: access, behaviour, and query budgets that do not grow."""

from collections.abc import Callable
from typing import Any

import pytest
from conftest import Desk
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from frontdesk.accounts.models import User
from frontdesk.tickets import actions
from frontdesk.tickets.choices import Channel, MessageKind, StatusCategory
from frontdesk.tickets.events import Origin
from frontdesk.tickets.models import Message, Ticket, TicketEvent, TicketFollower

HTMX = {"HX-Request": "true"}


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, response.content[:500]
    return len(captured)


# --- access -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url", ["/desk/", "/desk/views/mine/", "/desk/search/?q=x", "/desk/customers/"]
)
def test_anonymous_is_sent_to_sign_in(db: Any, url: str) -> None:
    response = Client().get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("url", ["/desk/", "/desk/views/mine/", "/desk/customers/"])
def test_customers_do_not_see_the_workspace(desk: Desk, url: str) -> None:
    assert signed_in(desk.bob).get(url).status_code == 404


def test_ticket_of_another_team_is_not_found(
    desk: Desk, make_ticket: Callable[..., Ticket]
) -> None:
    billing = make_ticket(team=desk.billing)
    assert signed_in(desk.alice).get(f"/desk/tickets/{billing.number}/").status_code == 404
    assert signed_in(desk.dave).get(f"/desk/tickets/{billing.number}/").status_code == 200


def test_root_goes_to_the_workspace(db: Any) -> None:
    response = Client().get("/")
    assert response.status_code == 302
    assert response["Location"] == "/desk/"


# --- home and lists -------------------------------------------------------------------------


def test_home_shows_my_tickets_and_counts(desk: Desk, make_ticket: Callable[..., Ticket]) -> None:
    mine = make_ticket(subject="Mine to fix", assignee_id=desk.alice.pk)
    make_ticket(subject="Nobody has it")
    client = signed_in(desk.alice)
    response = client.get("/desk/")
    html = response.content.decode()
    assert response.status_code == 200
    assert f"#{mine.number}" in html
    assert "Nobody has it" in html
    assert 'hx-trigger="load, live-refresh"' in html  # the counts come right after
    sidebar = client.get("/desk/?part=sidebar&active=mine").content.decode()
    assert sidebar.lstrip().startswith('<div id="queue-nav"')
    assert 'hx-trigger="live-refresh"' in sidebar  # counted: no second load
    assert 'aria-label="1 ticket"' in sidebar  # "My open tickets" count
    assert 'href="/desk/views/mine/" aria-current="page"' in sidebar


def test_queue_lists_only_visible_tickets(desk: Desk, make_ticket: Callable[..., Ticket]) -> None:
    make_ticket(subject="Support thing")
    make_ticket(subject="Billing thing", team=desk.billing)
    html = signed_in(desk.alice).get("/desk/views/open/").content.decode()
    assert "Support thing" in html
    assert "Billing thing" not in html


def test_queue_filters_and_sorts(desk: Desk, make_ticket: Callable[..., Ticket]) -> None:
    make_ticket(subject="Urgent one", priority="urgent", tags=["vip"])
    make_ticket(subject="Normal one")
    client = signed_in(desk.alice)
    html = client.get("/desk/views/open/?priority=urgent").content.decode()
    assert "Urgent one" in html
    assert "Normal one" not in html
    html = client.get("/desk/views/open/?tag=VIP&sort=-priority").content.decode()
    assert "Urgent one" in html
    assert "Normal one" not in html


def test_unknown_view_and_bad_cursor_are_client_errors(desk: Desk) -> None:
    client = signed_in(desk.alice)
    assert client.get("/desk/views/nope/").status_code == 404
    response = client.get("/desk/views/open/?cursor=garbage")
    assert 400 <= response.status_code < 500


def test_queue_pages_with_keyset_cursor(desk: Desk, make_ticket: Callable[..., Ticket]) -> None:
    for i in range(27):
        make_ticket(subject=f"Ticket {i:02d}")
    client = signed_in(desk.alice)
    first = client.get("/desk/views/open/")
    cursor = first.context["page"].next_cursor
    assert cursor
    second = client.get("/desk/views/open/", {"cursor": cursor})
    assert len(first.context["page"].items) == 25
    assert len(second.context["page"].items) == 2


def test_htmx_list_request_gets_only_the_results(
    desk: Desk, make_ticket: Callable[..., Ticket]
) -> None:
    make_ticket()
    html = signed_in(desk.alice).get("/desk/views/open/", headers=HTMX).content.decode()
    assert html.lstrip().startswith('<div id="results"')
    assert "<html" not in html


def test_list_and_home_query_counts_do_not_grow(
    desk: Desk, make_ticket: Callable[..., Ticket]
) -> None:
    client = signed_in(desk.alice)
    make_ticket(tags=["a"])
    make_ticket(tags=["b"], assignee_id=desk.alice.pk)
    pages = ("/desk/views/open/", "/desk/", "/desk/?part=sidebar")
    small = [queries(client, page) for page in pages]
    for i in range(30):
        make_ticket(tags=[f"t{i}"], assignee_id=desk.alice.pk)
    large = [queries(client, page) for page in pages]
    assert large == small


# --- bulk -----------------------------------------------------------------------------------


def test_bulk_update_changes_each_visible_ticket(
    desk: Desk, make_ticket: Callable[..., Ticket]
) -> None:
    one, two = make_ticket(), make_ticket()
    hidden = make_ticket(team=desk.billing)
    response = signed_in(desk.alice).post(
        "/desk/tickets/bulk/",
        {
            "numbers": [one.number, two.number, hidden.number],
            "status": "pending",
            "add_tags": "vip",
            "next": "/desk/views/open/",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == "/desk/views/open/"
    for ticket in (one, two):
        ticket.refresh_from_db()
        assert ticket.status_category == StatusCategory.PENDING
        assert [t.name for t in ticket.tags.all()] == ["vip"]
    hidden.refresh_from_db()
    assert hidden.status_category == StatusCategory.NEW
    assert not hidden.tags.exists()


def test_bulk_update_refuses_foreign_redirects(
    desk: Desk, make_ticket: Callable[..., Ticket]
) -> None:
    ticket = make_ticket()
    response = signed_in(desk.alice).post(
        "/desk/tickets/bulk/",
        {"numbers": [ticket.number], "priority": "high", "next": "https://evil.example/"},
    )
    assert response["Location"] == "/desk/"


# --- ticket page ----------------------------------------------------------------------------


def test_ticket_page_tells_replies_notes_and_events_apart(
    desk: Desk, make_ticket: Callable[..., Ticket]
) -> None:
    ticket = make_ticket(subject="Printer on fire")
    actions.add_note(actor=desk.alice, origin=Origin(), number=ticket.number, body="Secret note")
    actions.update_ticket(
        actor=desk.alice,
        origin=Origin(),
        number=ticket.number,
        changes={"assignee_id": desk.alice.pk},
        expected_version=None,
    )
    html = signed_in(desk.alice).get(f"/desk/tickets/{ticket.number}/").content.decode()
    assert "entry--note" in html
    assert "Secret note" in html
    assert "entry--customer" in html
    assert "changed assignee from — to Alice" in html


def test_ticket_page_queries_do_not_grow_with_messages(
    desk: Desk, make_ticket: Callable[..., Ticket]
) -> None:
    ticket = make_ticket()
    client = signed_in(desk.alice)
    url = f"/desk/tickets/{ticket.number}/"
    small = queries(client, url)
    for i in range(25):
        actions.post_reply(actor=desk.alice, origin=Origin(), number=ticket.number, body=f"r{i}")
        actions.add_note(actor=desk.alice, origin=Origin(), number=ticket.number, body=f"n{i}")
    assert queries(client, url) == small


def test_reply_from_the_composer(desk: Desk, make_ticket: Callable[..., Ticket]) -> None:
    ticket = make_ticket()
    seen = str(Message.objects.get(ticket=ticket).pk)
    response = signed_in(desk.alice).post(
        f"/desk/tickets/{ticket.number}/messages/",
        {"kind": "reply", "body": "**Fixed** it", "status": "pending", "last_message_id": seen},
        headers=HTMX,
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<section id="thread"')
    assert 'id="composer" class="composer" data-composer hx-swap-oob="true"' in html
    message = Message.objects.filter(ticket=ticket).latest("pk")
    assert message.kind == MessageKind.REPLY
    assert message.channel == Channel.WEB
    assert message.body_html == "<p><strong>Fixed</strong> it</p>\n"
    ticket.refresh_from_db()
    assert ticket.status_category == StatusCategory.PENDING


def test_note_with_mention_makes_the_agent_follow(
    desk: Desk, make_ticket: Callable[..., Ticket]
) -> None:
    ticket = make_ticket()
    signed_in(desk.alice).post(
        f"/desk/tickets/{ticket.number}/messages/",
        {"kind": "note", "body": "@sam@example.com can you look?", "last_message_id": "99999"},
    )
    note = Message.objects.filter(ticket=ticket).latest("pk")
    assert note.kind == MessageKind.NOTE
    assert not note.is_public
    assert TicketFollower.objects.filter(ticket=ticket, user=desk.sam).exists()


def test_empty_message_keeps_the_composer(desk: Desk, make_ticket: Callable[..., Ticket]) -> None:
    ticket = make_ticket()
    response = signed_in(desk.alice).post(
        f"/desk/tickets/{ticket.number}/messages/",
        {"kind": "reply", "body": "  ", "last_message_id": "99999"},
        headers=HTMX,
    )
    assert response.status_code == 422
    assert response["HX-Retarget"] == "#composer"
    assert Message.objects.filter(ticket=ticket).count() == 1


def test_reply_asks_first_when_a_message_arrived_meanwhile(
    desk: Desk, make_ticket: Callable[..., Ticket]
) -> None:
    ticket = make_ticket()
    seen = Message.objects.filter(ticket=ticket).latest("pk").pk
    actions.post_reply(actor=desk.bob, origin=Origin(), number=ticket.number, body="Any news?")
    client = signed_in(desk.alice)
    url = f"/desk/tickets/{ticket.number}/messages/"
    draft = {"kind": "reply", "body": "On it", "last_message_id": str(seen)}
    response = client.post(url, draft, headers=HTMX)
    assert response.status_code == 409
    assert "Any news?" in response.content.decode()
    assert "On it" in response.content.decode()  # the draft is kept
    assert not Message.objects.filter(ticket=ticket, body_text="On it").exists()
    assert client.post(url, draft | {"confirm": "1"}, headers=HTMX).status_code == 200
    assert Message.objects.filter(ticket=ticket, body_text="On it").exists()


def test_light_agent_cannot_reply_but_can_note(
    desk: Desk, make_ticket: Callable[..., Ticket]
) -> None:
    ticket = make_ticket()
    client = signed_in(desk.lena)
    url = f"/desk/tickets/{ticket.number}/messages/"
    reply = client.post(url, {"kind": "reply", "body": "hi", "last_message_id": "99999"})
    assert reply.status_code == 403
    note = client.post(url, {"kind": "note", "body": "hm", "last_message_id": "99999"})
    assert note.status_code == 200
    assert Message.objects.filter(ticket=ticket).count() == 2


def fields(ticket: Ticket, **changes: Any) -> dict[str, Any]:
    data = {
        "version": ticket.version,
        "status": ticket.status.slug,
        "priority": ticket.get_priority_display(),
        "type": ticket.type,
        "category": "",
        "team": str(ticket.team_id or ""),
        "assignee": str(ticket.assignee_id or ""),
        "tags": "",
        "seen_at": "",
    }
    return data | changes


def test_sidebar_saves_changed_fields(desk: Desk, make_ticket: Callable[..., Ticket]) -> None:
    ticket = make_ticket()
    response = signed_in(desk.alice).post(
        f"/desk/tickets/{ticket.number}/fields/",
        fields(ticket, status="pending", tags="vip, printer"),
        headers=HTMX,
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<aside id="ticket-side"')
    assert 'id="ticket-header" class="page-header" hx-swap-oob="true"' in html
    ticket.refresh_from_db()
    assert ticket.status_category == StatusCategory.PENDING
    assert sorted(t.name for t in ticket.tags.all()) == ["printer", "vip"]
    assert TicketEvent.objects.filter(ticket=ticket, field="status").count() == 1


def test_stale_sidebar_edit_is_a_conflict(desk: Desk, make_ticket: Callable[..., Ticket]) -> None:
    ticket = make_ticket()
    stale = fields(ticket, priority="urgent", seen_at="2000-01-01T00:00:00+00:00")
    actions.update_ticket(
        actor=desk.sam,
        origin=Origin(),
        number=ticket.number,
        changes={"status": "pending"},
        expected_version=ticket.version,
    )
    response = signed_in(desk.alice).post(
        f"/desk/tickets/{ticket.number}/fields/", stale, headers=HTMX
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert "Someone changed this ticket" in html
    assert "Sam" in html
    ticket.refresh_from_db()
    assert ticket.get_priority_display() == "normal"


def test_take_it_assigns_to_me(desk: Desk, make_ticket: Callable[..., Ticket]) -> None:
    ticket = make_ticket()
    response = signed_in(desk.alice).post(f"/desk/tickets/{ticket.number}/claim/", headers=HTMX)
    assert response.status_code == 200
    ticket.refresh_from_db()
    assert ticket.assignee == desk.alice


def test_get_is_not_allowed_on_actions(desk: Desk, make_ticket: Callable[..., Ticket]) -> None:
    ticket = make_ticket()
    client = signed_in(desk.alice)
    for part in ("claim", "fields", "messages"):
        assert client.get(f"/desk/tickets/{ticket.number}/{part}/").status_code == 405


def test_actions_need_the_csrf_token(desk: Desk, make_ticket: Callable[..., Ticket]) -> None:
    ticket = make_ticket()
    client = Client(enforce_csrf_checks=True)
    client.force_login(desk.alice)
    assert client.post(f"/desk/tickets/{ticket.number}/claim/").status_code == 403
    ticket.refresh_from_db()
    assert ticket.assignee is None


# --- new ticket, search, composer helpers, customers ------------------------------------------


def test_new_ticket_for_a_caller(desk: Desk) -> None:
    response = signed_in(desk.alice).post(
        "/desk/tickets/new/",
        {
            "requester_email": "caller@example.net",
            "requester_name": "Cal Ler",
            "channel": "phone",
            "subject": "Called about VPN",
            "body": "Cannot connect since Monday.",
            "priority": "high",
            "type": "incident",
            "team": str(desk.support.pk),
            "assignee": "",
        },
    )
    ticket = Ticket.objects.get(subject="Called about VPN")
    assert response.status_code == 302
    assert response["Location"] == f"/desk/tickets/{ticket.number}/"
    assert ticket.channel == Channel.PHONE
    assert ticket.requester.email == "caller@example.net"
    assert ticket.requester.name == "Cal Ler"


def test_new_ticket_form_errors_are_shown(desk: Desk) -> None:
    response = signed_in(desk.alice).post("/desk/tickets/new/", {"subject": "x"})
    assert response.status_code == 422
    assert "This field is required." in response.content.decode()
    assert not Ticket.objects.exists()


def test_search_by_number_opens_the_ticket(desk: Desk, make_ticket: Callable[..., Ticket]) -> None:
    ticket = make_ticket()
    hidden = make_ticket(team=desk.billing, subject="Hidden invoice")
    client = signed_in(desk.alice)
    response = client.get("/desk/search/", {"q": f"#{ticket.number}"})
    assert response["Location"] == f"/desk/tickets/{ticket.number}/"
    assert client.get("/desk/search/", {"q": f"#{hidden.number}"}).status_code == 200
    assert "Hidden invoice" not in client.get("/desk/search/", {"q": "invoice"}).content.decode()


def test_preview_renders_sanitised_markdown(desk: Desk) -> None:
    response = signed_in(desk.alice).post(
        "/desk/compose/preview/", {"body": "*hi* <img src=x onerror=alert(1)>"}
    )
    assert response.content.decode() == ("<p><em>hi</em> &lt;img src=x onerror=alert(1)&gt;</p>\n")


def test_mention_suggestions_list_agents_only(desk: Desk) -> None:
    html = signed_in(desk.alice).get("/desk/compose/mentions/", {"q": "sa"}).content.decode()
    assert "sam@example.com" in html
    html = signed_in(desk.alice).get("/desk/compose/mentions/", {"q": "bo"}).content.decode()
    assert "bob@example.com" not in html


def test_customer_pages_show_only_visible_tickets(
    desk: Desk, make_ticket: Callable[..., Ticket]
) -> None:
    make_ticket(requester=desk.gil, subject="Globex support")
    make_ticket(requester=desk.gil, subject="Globex billing", team=desk.billing)
    client = signed_in(desk.alice)
    html = client.get(f"/desk/customers/{desk.gil.pk}/").content.decode()
    assert "Globex support" in html
    assert "Globex billing" not in html
    html = client.get(f"/desk/organizations/{desk.globex.pk}/").content.decode()
    assert "Globex support" in html
    assert "gus@example.com" in html
    assert client.get(f"/desk/customers/{desk.alice.pk}/").status_code == 404
    assert "gil@example.com" in client.get("/desk/customers/?q=gil").content.decode()


# --- subject, followers, links, merge ------------------------------------------------------


def test_edit_subject(desk: Desk, make_ticket: Callable[..., Ticket]) -> None:
    ticket = make_ticket(subject="Old")
    response = signed_in(desk.alice).post(
        f"/desk/tickets/{ticket.number}/subject/",
        {"subject": "New subject", "version": ticket.version},
        headers=HTMX,
    )
    assert response.status_code == 200
    ticket.refresh_from_db()
    assert ticket.subject == "New subject"


def test_stale_subject_edit_shows_the_error_in_place(
    desk: Desk, make_ticket: Callable[..., Ticket]
) -> None:
    ticket = make_ticket(subject="Old")
    response = signed_in(desk.alice).post(
        f"/desk/tickets/{ticket.number}/subject/",
        {"subject": "New", "version": ticket.version - 1},
        headers=HTMX,
    )
    assert response.status_code == 409
    assert response["HX-Retarget"] == "#error-area"
    assert 'role="alert"' in response.content.decode()
    ticket.refresh_from_db()
    assert ticket.subject == "Old"


def test_followers_and_links_from_the_sidebar(
    desk: Desk, make_ticket: Callable[..., Ticket]
) -> None:
    ticket, other = make_ticket(), make_ticket(subject="The other one")
    hidden = make_ticket(team=desk.billing, subject="Billing secret")
    client = signed_in(desk.alice)
    url = f"/desk/tickets/{ticket.number}/"
    client.post(url + "followers/", {"user_id": desk.sam.pk}, headers=HTMX)
    assert TicketFollower.objects.filter(ticket=ticket, user=desk.sam).exists()
    client.post(url + "links/", {"target": other.number, "kind": "related"}, headers=HTMX)
    html = client.get(url).content.decode()
    assert "The other one" in html
    assert client.post(url + "links/", {"target": hidden.number}, headers=HTMX).status_code == 404
    # A link made by someone who sees both ends shows only the number to alice.
    actions.link_tickets(
        actor=desk.carol,
        origin=Origin(),
        number=ticket.number,
        target_number=hidden.number,
        kind="related",
    )
    html = client.get(url).content.decode()
    assert f"#{hidden.number}" in html
    assert "Billing secret" not in html
    client.post(url + "followers/", {"user_id": desk.sam.pk, "op": "remove"}, headers=HTMX)
    assert not TicketFollower.objects.filter(ticket=ticket, user=desk.sam).exists()


def test_merge_sends_the_agent_to_the_surviving_ticket(
    desk: Desk, make_ticket: Callable[..., Ticket]
) -> None:
    source, target = make_ticket(), make_ticket()
    response = signed_in(desk.alice).post(
        f"/desk/tickets/{source.number}/merge/", {"into": target.number}, headers=HTMX
    )
    assert response["HX-Redirect"] == f"/desk/tickets/{target.number}/"
    source.refresh_from_db()
    assert source.merged_into == target
    assert source.status_category == StatusCategory.CLOSED


def test_bad_numbers_are_client_errors(desk: Desk, make_ticket: Callable[..., Ticket]) -> None:
    ticket = make_ticket()
    response = signed_in(desk.alice).post(
        f"/desk/tickets/{ticket.number}/merge/", {"into": "abc"}, headers=HTMX
    )
    assert response.status_code == 422


def test_times_are_shown_in_the_viewers_time_zone(
    desk: Desk, make_ticket: Callable[..., Ticket]
) -> None:
    from zoneinfo import ZoneInfo

    from django.utils import dateformat

    ticket = make_ticket()
    desk.alice.time_zone = "Asia/Tokyo"
    desk.alice.save(update_fields=["time_zone"])
    created = Message.objects.get(ticket=ticket).created_at
    html = signed_in(desk.alice).get(f"/desk/tickets/{ticket.number}/").content.decode()
    tokyo = created.astimezone(ZoneInfo("Asia/Tokyo"))
    assert f'datetime="{dateformat.format(tokyo, "c")}"' in html


def test_new_ticket_form_suggests_customers(desk: Desk) -> None:
    client = signed_in(desk.alice)
    html = client.get("/desk/customers/suggest/", {"requester_email": "gi"}).content.decode()
    assert '<option value="gil@example.com">' in html
    assert (
        "alice@example.com"
        not in client.get("/desk/customers/suggest/", {"requester_email": "al"}).content.decode()
    )
    assert signed_in(desk.bob).get("/desk/customers/suggest/").status_code == 404


def test_column_headers_sort_the_list(desk: Desk, make_ticket: Callable[..., Ticket]) -> None:
    first, second = make_ticket(subject="First"), make_ticket(subject="Second")
    client = signed_in(desk.alice)
    html = client.get("/desk/views/open/?priority=").content.decode()
    assert 'aria-sort="descending"' in html  # the default: recently updated first
    assert 'href="?priority=&amp;sort=updated_at"' in html  # a second click reverses it
    response = client.get("/desk/views/open/", {"sort": "updated_at"})
    assert [t.number for t in response.context["page"].items] == [first.number, second.number]
    assert 'aria-sort="ascending"' in response.content.decode()


def test_bulk_merge_into_one_ticket(desk: Desk, make_ticket: Callable[..., Ticket]) -> None:
    keep, one, two = make_ticket(), make_ticket(), make_ticket()
    signed_in(desk.alice).post(
        "/desk/tickets/bulk/",
        {"numbers": [keep.number, one.number, two.number], "merge_into": keep.number},
    )
    for ticket in (one, two):
        ticket.refresh_from_db()
        assert ticket.merged_into == keep
    keep.refresh_from_db()
    assert keep.merged_into is None
    assert Message.objects.filter(ticket=keep, kind=MessageKind.REPLY).count() == 3


def test_bulk_without_a_change_goes_back_safely(desk: Desk) -> None:
    response = signed_in(desk.alice).post(
        "/desk/tickets/bulk/", {"numbers": [1], "next": "//evil.example/"}
    )
    assert response["Location"] == "/desk/"


def test_sidebar_edits_custom_fields(desk: Desk, make_ticket: Callable[..., Ticket]) -> None:
    from frontdesk.tickets.actions.catalog import create_custom_field

    create_custom_field(
        actor=None,
        key="product",
        label="Product",
        field_type="choice",
        choices=["Cloud", "On-prem"],
    )
    create_custom_field(actor=None, key="seats", label="Seats", field_type="number")
    create_custom_field(actor=None, key="renewal", label="Renewal", field_type="date")
    create_custom_field(actor=None, key="vip", label="VIP", field_type="checkbox")
    create_custom_field(actor=None, key="order", label="Order", field_type="text")
    ticket = make_ticket(custom_fields={"order": "A-1"})
    client = signed_in(desk.alice)
    page = client.get(f"/desk/tickets/{ticket.number}/").content.decode()
    assert 'name="cf_product"' in page
    assert 'value="A-1"' in page
    form = fields(
        ticket,
        cf_product="Cloud",
        cf_seats="12",
        cf_renewal="2027-01-31",
        cf_vip="on",
        cf_order="",
    )
    response = client.post(f"/desk/tickets/{ticket.number}/fields/", form, headers=HTMX)
    assert response.status_code == 200
    ticket.refresh_from_db()
    assert ticket.custom_fields == {
        "product": "Cloud",
        "seats": 12,
        "renewal": "2027-01-31",
        "vip": True,
    }
    bad = fields(ticket, cf_product="Mainframe")
    assert (
        client.post(f"/desk/tickets/{ticket.number}/fields/", bad, headers=HTMX).status_code == 422
    )
