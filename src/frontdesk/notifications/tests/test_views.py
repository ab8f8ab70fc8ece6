"""The bell in the header, the notifications page, and marking read."""

import re
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from frontdesk.core import clock
from frontdesk.notifications.actions import notify
from frontdesk.notifications.choices import NotificationKind
from frontdesk.notifications.models import Notification
from frontdesk.notifications.views import PAGE_SIZE

HTMX = {"HX-Request": "true"}
NOW = clock.now()


def signed_in(user: Any, **kwargs: Any) -> Client:
    client = Client(**kwargs)
    client.force_login(user)
    return client


def tell(user: Any, text: str = "Something happened", **kwargs: Any) -> Notification:
    kwargs.setdefault("now", NOW)
    [row] = notify([user], kind=NotificationKind.SYSTEM, text=text, **kwargs)
    return row


def bell_label(html: str) -> str:
    match = re.search(r'class="visually-hidden">(Notifications, [^<]+)<', html)
    assert match, html
    return match.group(1)


# -- the bell -------------------------------------------------------------------------------


def test_every_desk_page_shows_the_bell_with_the_unread_count(desk):
    tell(desk.alice)
    tell(desk.alice)
    tell(desk.sam)
    html = signed_in(desk.alice).get("/desk/").content.decode()
    assert bell_label(html) == "Notifications, 2 unread"
    assert '<span class="bell__count" aria-hidden="true">2</span>' in html
    assert 'id="notification-bell" class="bell" aria-live="polite"' in html


def test_a_bell_without_unread_shows_no_badge(desk):
    html = signed_in(desk.alice).get("/desk/customers/").content.decode()
    assert bell_label(html) == "Notifications, 0 unread"
    assert "bell__count" not in html


def test_the_bell_fragment_is_just_the_link(desk):
    tell(desk.alice)
    response = signed_in(desk.alice).get("/desk/notifications/bell/", headers=HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    assert html.strip().startswith('<a class="bell__link" href="/desk/notifications/">')
    assert bell_label(html) == "Notifications, 1 unread"


def test_the_bell_caps_its_count(desk):
    Notification.objects.bulk_create(
        Notification(recipient=desk.alice, kind="system", text="x", created_at=NOW)
        for _ in range(120)
    )
    html = signed_in(desk.alice).get("/desk/notifications/bell/").content.decode()
    assert bell_label(html) == "Notifications, 99+ unread"


def test_every_desk_page_opens_the_live_stream(desk):
    """So the bell is live on pages that had no stream of their own."""
    html = signed_in(desk.alice).get("/desk/customers/").content.decode()
    assert 'data-live-url="/desk/live/"' in html


# -- the page -------------------------------------------------------------------------------


def test_the_page_lists_own_notifications_newest_first_unread_marked(desk, make_ticket):
    ticket = make_ticket()
    old = tell(desk.alice, "Older news", ticket=ticket)
    tell(desk.alice, "Newer news", now=NOW + timedelta(minutes=1))
    tell(desk.sam, "Not for Alice")
    Notification.objects.filter(pk=old.pk).update(read_at=NOW)
    html = signed_in(desk.alice).get("/desk/notifications/").content.decode()
    assert html.index("Newer news") < html.index("Older news")
    assert "Not for Alice" not in html
    assert html.count("notification--unread") == 1
    assert "Unread: </span>Newer news" in html
    assert f"/desk/notifications/{old.pk}/open/" in html


def test_the_text_is_escaped(desk):
    tell(desk.alice, '<img src=x onerror="alert(1)">')
    html = signed_in(desk.alice).get("/desk/notifications/").content.decode()
    assert "<img src=x" not in html
    assert "&lt;img src=x" in html


def test_the_unread_filter(desk):
    tell(desk.alice, "Still unread")
    Notification.objects.filter(pk=tell(desk.alice, "Seen it").pk).update(read_at=NOW)
    html = signed_in(desk.alice).get("/desk/notifications/?unread=1").content.decode()
    assert "Still unread" in html
    assert "Seen it" not in html


def test_the_page_is_paged_by_keyset(desk):
    Notification.objects.bulk_create(
        Notification(
            recipient=desk.alice, kind="system", text=f"N{i:03}", created_at=NOW + timedelta(i)
        )
        for i in range(PAGE_SIZE + 3)
    )
    client = signed_in(desk.alice)
    first = client.get("/desk/notifications/").content.decode()
    assert f"N{PAGE_SIZE + 2:03}" in first
    assert "N002" not in first
    cursor = re.search(r'cursor=([^"&]+)" rel="next"', first)
    assert cursor
    second = client.get(f"/desk/notifications/?cursor={cursor.group(1)}").content.decode()
    assert [f"N{i:03}" in second for i in range(3)] == [True, True, True]
    assert f"N{PAGE_SIZE + 2:03}" not in second


def test_an_htmx_refresh_gets_only_the_list(desk):
    tell(desk.alice, "Fresh")
    response = signed_in(desk.alice).get("/desk/notifications/", headers=HTMX)
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="notification-results"')
    assert "Fresh" in html
    assert "<header" not in html


def test_the_page_costs_the_same_queries_for_3_and_25_notifications(desk, make_ticket):
    ticket = make_ticket()
    client = signed_in(desk.alice)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/desk/notifications/").status_code == 200
        return len(captured)

    for _ in range(3):
        tell(desk.alice, ticket=ticket, actor=desk.sam)
    small = queries()
    for _ in range(22):
        tell(desk.alice, ticket=ticket, actor=desk.sam)
    assert queries() == small


# -- marking read ---------------------------------------------------------------------------


def test_opening_a_notification_marks_it_read_and_goes_to_its_ticket(desk, make_ticket):
    ticket = make_ticket()
    notification = tell(desk.alice, ticket=ticket)
    response = signed_in(desk.alice).post(f"/desk/notifications/{notification.pk}/open/")
    assert response.status_code == 302
    assert response["Location"] == f"/desk/tickets/{ticket.number}/"
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_a_notification_without_a_visible_ticket_goes_back_to_the_list(desk, make_ticket):
    ticket = make_ticket()
    notification = tell(desk.alice, ticket=ticket)
    ticket.team = desk.billing  # moved out of Alice's sight since
    ticket.save()
    response = signed_in(desk.alice).post(f"/desk/notifications/{notification.pk}/open/")
    assert response["Location"] == "/desk/notifications/"


def test_someone_elses_notification_is_not_found(desk):
    notification = tell(desk.sam)
    response = signed_in(desk.alice).post(f"/desk/notifications/{notification.pk}/open/")
    assert response.status_code == 404
    notification.refresh_from_db()
    assert notification.read_at is None


def test_mark_all_read_without_javascript_goes_back_to_the_list(desk):
    tell(desk.alice)
    tell(desk.sam)
    response = signed_in(desk.alice).post("/desk/notifications/read/", {"unread": "1"})
    assert response.status_code == 302
    assert response["Location"] == "/desk/notifications/?unread=1"
    assert not Notification.objects.filter(recipient=desk.alice).unread().exists()
    assert Notification.objects.filter(recipient=desk.sam).unread().exists()


def test_mark_all_read_with_htmx_swaps_the_list_and_the_bell(desk):
    tell(desk.alice, "Read me")
    response = signed_in(desk.alice).post("/desk/notifications/read/", headers=HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<div id="notification-results"')
    assert "notification--unread" not in html
    assert '<div id="notification-bell" hx-swap-oob="innerHTML">' in html
    assert bell_label(html) == "Notifications, 0 unread"


@pytest.mark.parametrize("url", ["/desk/notifications/read/", "/desk/notifications/1/open/"])
def test_posts_need_the_csrf_token(desk, url):
    tell(desk.alice)
    client = signed_in(desk.alice, enforce_csrf_checks=True)
    assert client.post(url).status_code == 403
    assert Notification.objects.filter(recipient=desk.alice).unread().count() == 1


@pytest.mark.parametrize("url", ["/desk/notifications/read/", "/desk/notifications/1/open/"])
def test_marking_read_is_post_only(desk, url):
    assert signed_in(desk.alice).get(url).status_code == 405


# -- who may come in ------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["/desk/notifications/", "/desk/notifications/bell/"])
def test_customers_do_not_have_notifications(desk, url):
    assert signed_in(desk.bob).get(url).status_code == 404
    assert signed_in(desk.bob).post("/desk/notifications/read/").status_code == 404


def test_anonymous_users_are_sent_to_sign_in(db):
    response = Client().get("/desk/notifications/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
