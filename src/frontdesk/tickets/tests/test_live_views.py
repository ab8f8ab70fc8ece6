"""Live updates: what actions publish, the event stream and presence.

The views are mounted by this module's own URLconf, so these tests do not depend on the
rest of the workspace's pages.
"""

import asyncio
import json
import time
from typing import Any

import pytest
from django.core.cache import cache
from django.core.signals import request_finished
from django.db import close_old_connections, transaction
from django.http import HttpResponse
from django.test import Client
from django.urls import path

from frontdesk.core import live
from frontdesk.tickets import actions
from frontdesk.tickets.events import Origin
from frontdesk.tickets.models import Ticket
from frontdesk.tickets.views import live as live_views

ORIGIN = Origin()


def sign_in_page(request: Any) -> HttpResponse:
    return HttpResponse("sign in")


urlpatterns = [
    path("desk/live/", live_views.stream, name="live"),
    path("desk/tickets/<int:number>/presence/", live_views.presence, name="presence"),
    path("accounts/login/", sign_in_page, name="account_login"),
]

pytestmark = pytest.mark.urls(__name__)


@pytest.fixture(autouse=True)
def memory_backend(settings, monkeypatch):
    """The in-process broker, fresh for each test; short streams; no presence memory."""
    settings.FRONTDESK_LIVE_BACKEND = "memory"
    settings.FRONTDESK_LIVE_STREAM_SECONDS = 0.6
    monkeypatch.setattr(live, "_brokers", {})
    cache.clear()
    yield
    cache.clear()


def client_for(user: Any, **kwargs: Any) -> Client:
    client = Client(**kwargs)
    client.force_login(user)
    return client


def frames(response: Any) -> list[tuple[str, Any]]:
    """(event, data) pairs of an SSE body; comments as ("#", text), retry as ("retry", n)."""
    body = b"".join(response.streaming_content).decode()
    assert body.endswith("\n\n")
    parsed: list[tuple[str, Any]] = []
    for block in body.split("\n\n")[:-1]:
        fields = dict(line.split(": ", 1) for line in block.split("\n"))
        if "event" in fields:
            parsed.append((fields["event"], json.loads(fields["data"])))
        elif "retry" in fields:
            parsed.append(("retry", int(fields["retry"])))
        else:
            parsed.append(("#", fields[""]))
    return parsed


def events(parsed: list[tuple[str, Any]], name: str) -> list[Any]:
    return [data for event, data in parsed if event == name]


def drain(subscription: live.Subscription) -> list[live.LiveMessage]:
    return list(iter(lambda: subscription.get(timeout=0), None))


def close_like_a_server(response: Any) -> None:
    """What a WSGI server does when the client goes away, without the request_finished
    handler that would close the test's database connection (as Django's test client)."""
    request_finished.disconnect(close_old_connections)
    try:
        response.close()
    finally:
        request_finished.connect(close_old_connections)


# -- what actions publish -----------------------------------------------------------------


def test_an_action_publishes_once_per_topic_after_commit(
    desk, make_ticket, django_capture_on_commit_callbacks
):
    ticket = make_ticket()
    with live.subscribe(["tickets", f"ticket:{ticket.number}"]) as subscription:
        with django_capture_on_commit_callbacks(execute=True):
            actions.update_ticket(
                actor=desk.alice,
                origin=ORIGIN,
                number=ticket.number,
                changes={"priority": "high", "type": "incident", "subject": "On fire"},
                expected_version=None,
            )
            assert drain(subscription) == []  # nothing before the commit
        ticket.refresh_from_db()
        messages = drain(subscription)
    assert sorted(m.topic for m in messages) == ["ticket:" + str(ticket.number), "tickets"]
    by_topic = {m.topic: m.data for m in messages}
    assert by_topic[f"ticket:{ticket.number}"] == {
        "kind": "changed",
        "number": ticket.number,
        "version": ticket.version,
        "actor_id": desk.alice.pk,
        "actor_name": "Alice",
        "action": "changed",
    }
    assert by_topic["tickets"] == {"kind": "changed", "number": ticket.number}


def test_several_events_of_one_action_make_one_publish(
    desk, make_ticket, django_capture_on_commit_callbacks
):
    """A first reply writes a `replied` event and a status change: still one message."""
    ticket = make_ticket()
    with live.subscribe(["tickets", f"ticket:{ticket.number}"]) as subscription:
        with django_capture_on_commit_callbacks(execute=True):
            actions.post_reply(actor=desk.alice, origin=ORIGIN, number=ticket.number, body="On it.")
        messages = drain(subscription)
    ticket.refresh_from_db()
    assert [m.topic for m in messages].count(f"ticket:{ticket.number}") == 1
    assert [m.topic for m in messages].count("tickets") == 1
    assert messages[0].data["version"] == ticket.version


def test_each_ticket_of_a_transaction_is_published_once(
    desk, make_ticket, django_capture_on_commit_callbacks
):
    first, second = make_ticket(), make_ticket()
    with live.subscribe(["tickets"]) as subscription:
        with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
            for ticket in (first, second, first):
                actions.add_note(
                    actor=desk.alice, origin=ORIGIN, number=ticket.number, body="Looking."
                )
        numbers = [m.data["number"] for m in drain(subscription)]
    assert sorted(numbers) == sorted([first.number, second.number])


def test_a_rolled_back_change_publishes_nothing_and_the_next_one_does(
    desk, make_ticket, django_capture_on_commit_callbacks
):
    ticket = make_ticket()

    def note_then_fail() -> None:
        with transaction.atomic():
            actions.add_note(actor=desk.alice, origin=ORIGIN, number=ticket.number, body="x")
            raise RuntimeError

    with live.subscribe([f"ticket:{ticket.number}"]) as subscription:
        with django_capture_on_commit_callbacks(execute=True):
            with pytest.raises(RuntimeError):
                note_then_fail()
            assert drain(subscription) == []
            actions.add_note(actor=desk.alice, origin=ORIGIN, number=ticket.number, body="y")
        messages = drain(subscription)
    assert len(messages) == 1
    assert messages[0].data["action"] == "noted"


# -- the stream: who may open it ----------------------------------------------------------


def test_stream_sends_anonymous_users_to_sign_in():
    response = Client().get("/desk/live/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


def test_stream_is_not_found_for_customers(desk):
    assert client_for(desk.bob).get("/desk/live/").status_code == 404


def test_stream_of_a_ticket_the_agent_cannot_see_is_not_found(desk, make_ticket):
    ticket = make_ticket(team=desk.support)
    client = client_for(desk.dave)  # billing
    assert client.get(f"/desk/live/?ticket={ticket.number}").status_code == 404
    assert client.get("/desk/live/?ticket=99999").status_code == 404
    assert client.get("/desk/live/?ticket=abc").status_code == 404


def test_stream_is_get_only(desk):
    assert client_for(desk.alice).post("/desk/live/").status_code == 405


# -- the stream: what it sends ------------------------------------------------------------


def test_stream_relays_a_ticket_change(desk, make_ticket):
    ticket = make_ticket()
    response = client_for(desk.alice).get(f"/desk/live/?ticket={ticket.number}")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/event-stream"
    assert response["Cache-Control"] == "no-cache"
    assert response["X-Accel-Buffering"] == "no"
    data = {"kind": "changed", "number": ticket.number, "version": 7, "actor_id": 1}
    live.publish(f"ticket:{ticket.number}", data)
    parsed = frames(response)
    assert events(parsed, "ticket-changed") == [data]
    assert parsed[0] == ("#", "connected")
    assert parsed[-1] == ("retry", 1000)


def test_stream_relays_what_another_agent_does(
    desk, make_ticket, django_capture_on_commit_callbacks
):
    """End to end: Sam's reply, published after commit, reaches Alice's open stream."""
    ticket = make_ticket()
    response = client_for(desk.alice).get(f"/desk/live/?ticket={ticket.number}")
    with django_capture_on_commit_callbacks(execute=True):
        actions.post_reply(actor=desk.sam, origin=ORIGIN, number=ticket.number, body="Hi.")
    parsed = frames(response)
    [changed] = events(parsed, "ticket-changed")
    assert changed["actor_name"] == "Sam"
    assert events(parsed, "list-changed") == [{"number": ticket.number}]


def test_list_changed_only_for_tickets_the_user_can_see(desk, make_ticket):
    support_ticket = make_ticket(team=desk.support)
    billing_ticket = make_ticket(team=desk.billing)
    response = client_for(desk.dave).get("/desk/live/")
    live.publish("tickets", {"kind": "changed", "number": support_ticket.number})
    assert events(frames(response), "list-changed") == []

    response = client_for(desk.dave).get("/desk/live/")
    live.publish("tickets", {"kind": "changed", "number": billing_ticket.number})
    assert events(frames(response), "list-changed") == [{"number": billing_ticket.number}]


def test_list_changed_bursts_are_coalesced(desk, make_ticket):
    tickets = [make_ticket() for _ in range(3)]
    response = client_for(desk.alice).get("/desk/live/")
    for _ in range(5):
        for ticket in tickets:
            live.publish("tickets", {"kind": "changed", "number": ticket.number})
    # 15 changes in a 0.6 s stream: one at once, one after the 0.5 s pause.
    assert 1 <= len(events(frames(response), "list-changed")) <= 2


def test_stream_without_a_ticket_ignores_ticket_topics(desk, make_ticket):
    ticket = make_ticket()
    response = client_for(desk.alice).get("/desk/live/")
    live.publish(f"ticket:{ticket.number}", {"kind": "changed", "number": ticket.number})
    assert events(frames(response), "ticket-changed") == []


def test_stream_relays_presence_of_others_but_not_ones_own(desk, make_ticket):
    ticket = make_ticket()
    response = client_for(desk.alice).get(f"/desk/live/?ticket={ticket.number}")
    for user in (desk.alice, desk.sam):
        data = {"kind": "presence", "user_id": user.pk, "name": str(user), "state": "viewing"}
        live.publish(f"ticket:{ticket.number}", {**data, "ttl": 30})
    assert [p["name"] for p in events(frames(response), "presence")] == ["Sam"]


def test_stream_keeps_the_connection_alive(desk, monkeypatch):
    monkeypatch.setattr(live_views, "KEEPALIVE_SECONDS", 0.2)
    parsed = frames(client_for(desk.alice).get("/desk/live/"))
    assert parsed.count(("#", "keepalive")) >= 2


def test_closing_the_response_releases_the_subscription(desk, make_ticket):
    ticket = make_ticket()
    broker = live.get_broker()
    assert isinstance(broker, live.MemoryBroker)
    response = client_for(desk.alice).get(f"/desk/live/?ticket={ticket.number}")
    assert set(broker._by_topic) == {
        "tickets",
        f"ticket:{ticket.number}",
        live.user_topic(desk.alice.pk),
    }
    close_like_a_server(response)  # the client went away before reading anything
    assert broker._by_topic == {}

    streaming: Any = client_for(desk.alice).get("/desk/live/")
    content = iter(streaming.streaming_content)
    assert next(content) == b": connected\n\n"
    close_like_a_server(streaming)  # ... or in the middle of the stream
    assert broker._by_topic == {}


def test_stream_tells_the_browser_to_retry_later_when_the_broker_is_down(desk, monkeypatch):
    def unavailable(topics: Any) -> live.Subscription:
        raise live.LiveUnavailable

    monkeypatch.setattr(live, "subscribe", unavailable)
    response = client_for(desk.alice).get("/desk/live/")
    assert response.status_code == 200
    assert frames(response) == [("#", "live updates unavailable"), ("retry", 5000)]


def test_asgi_servers_get_the_frames_one_by_one(desk, make_ticket):
    """Under ASGI the same generator runs on a thread of its own, frame by frame."""
    ticket = make_ticket()
    subscription = live.subscribe(["tickets", f"ticket:{ticket.number}"])
    stream = live_views.EventStream(desk.alice, ticket, subscription, seconds=0.3)
    live.publish(f"ticket:{ticket.number}", {"kind": "changed", "number": ticket.number})
    content = live_views.AsyncEventStream(stream)

    async def read() -> list[str]:
        return [chunk async for chunk in content]

    chunks = asyncio.run(read())
    content.close()
    assert chunks[0] == ": connected\n\n"
    assert chunks[1].startswith("event: ticket-changed\n")
    assert chunks[-1] == "retry: 1000\n\n"


# -- presence -----------------------------------------------------------------------------


def presence_url(ticket: Ticket) -> str:
    return f"/desk/tickets/{ticket.number}/presence/"


def test_presence_is_published_to_the_tickets_viewers(desk, make_ticket):
    ticket = make_ticket()
    with live.subscribe([f"ticket:{ticket.number}"]) as subscription:
        response = client_for(desk.alice).post(presence_url(ticket), {"state": "viewing"})
        assert response.status_code == 204
        [message] = drain(subscription)
    assert message.data == {
        "kind": "presence",
        "user_id": desk.alice.pk,
        "name": "Alice",
        "state": "viewing",
        "ttl": 30,
    }


def test_presence_repeats_are_dropped_but_state_changes_go_out(desk, make_ticket):
    ticket = make_ticket()
    client = client_for(desk.alice)
    with live.subscribe([f"ticket:{ticket.number}"]) as subscription:
        for state in ("viewing", "viewing", "replying", "replying", "viewing", "left"):
            assert client.post(presence_url(ticket), {"state": state}).status_code == 204
        states = [m.data["state"] for m in drain(subscription)]
    assert states == ["viewing", "replying", "viewing", "left"]


def test_presence_answering_a_newcomer_is_not_dropped_as_a_repeat(desk, make_ticket):
    """Sam opens the ticket right after Alice's heartbeat: her answer must still go out."""
    ticket = make_ticket()
    client = client_for(desk.alice)
    with live.subscribe([f"ticket:{ticket.number}"]) as subscription:
        client.post(presence_url(ticket), {"state": "viewing"})
        client.post(presence_url(ticket), {"state": "viewing", "reply": "1"})
        client.post(presence_url(ticket), {"state": "viewing", "reply": "1"})  # a repeat
        assert len(drain(subscription)) == 2


def test_presence_on_a_ticket_the_agent_cannot_see_is_not_found(desk, make_ticket):
    ticket = make_ticket(team=desk.support)
    response = client_for(desk.dave).post(presence_url(ticket), {"state": "viewing"})
    assert response.status_code == 404


def test_presence_is_not_found_for_customers(desk, make_ticket):
    ticket = make_ticket(requester=desk.bob)
    response = client_for(desk.bob).post(presence_url(ticket), {"state": "viewing"})
    assert response.status_code == 404


def test_presence_refuses_an_unknown_state(desk, make_ticket):
    ticket = make_ticket()
    response = client_for(desk.alice).post(presence_url(ticket), {"state": "dancing"})
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_state"


def test_presence_is_post_only(desk, make_ticket):
    ticket = make_ticket()
    assert client_for(desk.alice).get(presence_url(ticket)).status_code == 405


def test_presence_needs_the_csrf_token(desk, make_ticket):
    ticket = make_ticket()
    client = client_for(desk.alice, enforce_csrf_checks=True)
    assert client.post(presence_url(ticket), {"state": "viewing"}).status_code == 403


def test_presence_sends_anonymous_users_to_sign_in(desk, make_ticket):
    ticket = make_ticket()
    response = Client().post(presence_url(ticket), {"state": "viewing"})
    assert response.status_code == 302


def test_ending_all_streams_stops_an_open_stream_early(desk, make_ticket, settings):
    from frontdesk.tickets.views.live import STREAMS

    settings.FRONTDESK_LIVE_STREAM_SECONDS = 30
    client = Client()
    client.force_login(desk.alice)
    response = client.get("/desk/live/")
    frames = iter(response.streaming_content)  # type: ignore[attr-defined]
    assert next(frames) == b": connected\n\n"
    started = time.monotonic()
    STREAMS.generation += 1  # what end_all() does, without waiting in this thread
    rest = b"".join(frames)
    assert rest.endswith(b"retry: 1000\n\n")
    assert time.monotonic() - started < 5
    response.close()
