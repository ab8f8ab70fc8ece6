"""Live chat: starting, writing, isolation between visitors, CORS, limits, agents."""

import io
import json
import time
from typing import Any

import pytest
from conftest import Desk
from django.core.cache import cache
from django.test import Client

from frontdesk.accounts.choices import Availability
from frontdesk.accounts.models import AgentProfile
from frontdesk.chat import actions
from frontdesk.chat.identity import sign_identity
from frontdesk.chat.models import ChatSession, ChatWidget
from frontdesk.outbox.models import OutboundEmail
from frontdesk.tickets.actions import add_note, post_reply
from frontdesk.tickets.choices import Channel
from frontdesk.tickets.events import Origin
from frontdesk.tickets.models import Ticket

SITE = "https://shop.example.com"


@pytest.fixture(autouse=True)
def _fresh_cache() -> Any:
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def widget(desk: Desk) -> ChatWidget:
    AgentProfile.objects.update_or_create(
        user=desk.alice, defaults={"availability": Availability.ONLINE}
    )
    return actions.create_widget(
        actor=desk.carol,
        name="Shop",
        allowed_origins=f"{SITE}\nhttps://www.example.com",
        team_id=desk.support.pk,
        identity_secret="host-site-secret",
    )


def call(
    widget: ChatWidget,
    path: str,
    body: Any = None,
    *,
    token: str = "",
    origin: str = SITE,
    method: str = "post",
) -> Any:
    headers = {"Origin": origin}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    url = f"/chat/api/{widget.key}/{path}"
    client = Client()
    if method == "get":
        return client.get(url, headers=headers)
    if method == "options":
        return client.options(url, headers=headers)
    return client.post(
        url, json.dumps(body or {}), content_type="application/json", headers=headers
    )


def start(widget: ChatWidget, email: str = "visitor@example.net", text: str = "Hello?") -> str:
    response = call(widget, "start", {"name": "Vic", "email": email, "message": text})
    assert response.status_code == 201, response.content
    return str(response.json()["token"])


def test_a_visitor_starts_and_writes(widget: ChatWidget, desk: Desk) -> None:
    token = start(widget, text="My order never came")
    ticket = Ticket.objects.get()
    assert ticket.channel == Channel.CHAT
    assert ticket.subject == "Chat: My order never came"
    assert ticket.team == desk.support
    assert ticket.requester.email == "visitor@example.net"
    assert ticket.requester.is_customer
    sent = call(widget, "messages", {"text": "Order 1009"}, token=token)
    assert sent.status_code == 201
    assert sent.json()["from"] == "visitor"
    listed = call(widget, "messages", token=token, method="get").json()
    assert [m["text"] for m in listed["messages"]] == ["My order never came", "Order 1009"]
    assert listed["state"] == "waiting"


def test_agents_accept_and_answer_and_the_visitor_sees_only_public_replies(
    widget: ChatWidget, desk: Desk
) -> None:
    token = start(widget)
    ticket = Ticket.objects.get()
    client = Client()
    client.force_login(desk.alice)
    page = client.get("/desk/chats/")
    assert f"#{ticket.number}" in page.content.decode()
    assert 'data-chat-state="waiting"' in page.content.decode()
    accepted = client.post(f"/desk/chats/{ticket.number}/accept")
    assert accepted.status_code == 302
    session = ChatSession.objects.get()
    assert session.state == "active"
    assert session.accepted_by == desk.alice
    ticket.refresh_from_db()
    assert ticket.assignee == desk.alice
    post_reply(actor=desk.alice, origin=Origin(), number=ticket.number, body="Hi Vic, looking.")
    add_note(actor=desk.alice, origin=Origin(), number=ticket.number, body="secret note")
    seen = call(widget, "messages", token=token, method="get").json()["messages"]
    assert [(m["from"], m["text"]) for m in seen] == [
        ("visitor", "Hello?"),
        ("agent", "Hi Vic, looking."),
    ]
    after = call(widget, "messages?after=" + str(seen[0]["id"]), token=token, method="get")
    assert [m["text"] for m in after.json()["messages"]] == ["Hi Vic, looking."]


def test_a_visitor_never_sees_another_conversation(widget: ChatWidget, desk: Desk) -> None:
    first = start(widget, "one@example.net", "first secret")
    second = start(widget, "two@example.net", "second secret")
    mine = call(widget, "messages", token=first, method="get").json()["messages"]
    assert [m["text"] for m in mine] == ["first secret"]
    theirs = call(widget, "messages", token=second, method="get").json()["messages"]
    assert [m["text"] for m in theirs] == ["second secret"]
    assert call(widget, "messages", token="forged", method="get").status_code == 404
    assert call(widget, "messages", method="get").status_code == 404
    # A token works only with its own widget.
    other = actions.create_widget(actor=None, name="Other", allowed_origins=SITE)
    assert call(other, "messages", token=first, method="get").status_code == 404
    # Staff pages are not reachable with a visitor's session.
    assert Client().get("/desk/chats/").status_code == 302


def test_origins_are_checked_and_cors_is_explicit(widget: ChatWidget) -> None:
    refused = call(widget, "config", origin="https://evil.example.org", method="get")
    assert refused.status_code == 403
    assert "Access-Control-Allow-Origin" not in refused
    assert call(widget, "config", origin="", method="get").status_code == 403
    preflight = call(widget, "start", origin=SITE, method="options")
    assert preflight.status_code == 204
    assert preflight["Access-Control-Allow-Origin"] == SITE
    assert "Authorization" in preflight["Access-Control-Allow-Headers"]
    assert "Access-Control-Allow-Credentials" not in preflight
    config = call(widget, "config", method="get")
    assert config.json()["open"] is True
    assert config["Access-Control-Allow-Origin"] == SITE
    assert not config.cookies
    assert call(widget, "config", origin="https://www.example.com", method="get").status_code == 200


def test_offline_the_widget_takes_a_request(widget: ChatWidget, desk: Desk) -> None:
    AgentProfile.objects.filter(user=desk.alice).update(availability=Availability.OFFLINE)
    assert call(widget, "config", method="get").json()["open"] is False
    response = call(widget, "start", {"name": "V", "email": "v@example.net", "message": "Call me"})
    assert response.status_code == 201
    assert response.json()["mode"] == "request"
    assert "token" not in response.json()
    ticket = Ticket.objects.get(number=response.json()["ticket"])
    assert ticket.channel == Channel.CHAT
    assert ticket.subject == "Call me"
    assert not ChatSession.objects.exists()


def test_signed_identity_from_the_host_site(widget: ChatWidget, desk: Desk) -> None:
    good = sign_identity("host-site-secret", "bob@example.com", "Bob", int(time.time()) + 60)
    response = call(widget, "start", {"identity": good, "message": "Hi, it's Bob"})
    assert response.status_code == 201
    assert Ticket.objects.get().requester == desk.bob
    forged = sign_identity("wrong-secret", "bob@example.com", "Bob", int(time.time()) + 60)
    assert call(widget, "start", {"identity": forged, "message": "x"}).status_code == 401
    expired = sign_identity("host-site-secret", "bob@example.com", "Bob", int(time.time()) - 1)
    assert call(widget, "start", {"identity": expired, "message": "x"}).status_code == 401


def test_limits_on_what_visitors_send(widget: ChatWidget) -> None:
    token = start(widget)
    long = call(widget, "messages", {"text": "x" * 5001}, token=token)
    assert long.status_code == 422
    assert long.json()["code"] == "message_too_long"
    assert call(widget, "messages", {"text": "  "}, token=token).json()["code"] == "empty_message"
    huge = Client().post(
        f"/chat/api/{widget.key}/messages",
        b'{"text": "' + b"y" * 20000 + b'"}',
        content_type="application/json",
        headers={"Origin": SITE, "Authorization": f"Bearer {token}"},
    )
    assert huge.json()["code"] == "payload_too_large"
    statuses = [
        call(widget, "messages", {"text": f"m{i}"}, token=token).status_code for i in range(21)
    ]
    # Every attempt counts, the two refused ones above included: 20 a minute.
    assert statuses.count(201) == 18
    assert statuses[-3:] == [429, 429, 429]
    starts = [
        call(
            widget, "start", {"name": "n", "email": f"s{i}@example.net", "message": "m"}
        ).status_code
        for i in range(10)
    ]
    assert starts.count(201) == 9  # one was started above
    assert starts[-1] == 429


def test_files_are_attached_and_size_limited(widget: ChatWidget) -> None:
    token = start(widget)
    url = f"/chat/api/{widget.key}/files"
    headers = {"Origin": SITE, "Authorization": f"Bearer {token}"}
    upload = io.BytesIO(b"%PDF-1.4 receipt")
    upload.name = "receipt.pdf"
    sent = Client().post(url, {"file": upload}, headers=headers)
    assert sent.status_code == 201, sent.content
    assert sent.json()["text"] == "[sent a file: receipt.pdf]"
    big = io.BytesIO(b"0" * (actions.MAX_FILE_BYTES + 1))
    big.name = "big.bin"
    refused = Client().post(url, {"file": big}, headers=headers)
    assert refused.status_code == 422
    assert refused.json()["code"] == "file_too_large"


def test_ending_sends_the_transcript_through_the_outbox(
    widget: ChatWidget, desk: Desk, django_capture_on_commit_callbacks: Any
) -> None:
    token = start(widget, text="Where is my parcel?")
    ticket = Ticket.objects.get()
    post_reply(actor=desk.alice, origin=Origin(), number=ticket.number, body="It ships today.")
    with django_capture_on_commit_callbacks(execute=False):
        ended = call(widget, "end", {"transcript": True}, token=token)
    assert ended.json() == {"state": "ended", "transcript_sent": True}
    mail = OutboundEmail.objects.filter(
        to=["visitor@example.net"], subject__contains="transcript"
    ).get()
    assert "Where is my parcel?" in mail.body_text
    assert "It ships today." in mail.body_text
    assert call(widget, "messages", {"text": "more"}, token=token).json()["code"] == "chat_ended"


def test_typing_is_published_and_throttled(widget: ChatWidget, monkeypatch: Any) -> None:
    published: list[tuple[str, dict[str, Any]]] = []
    monkeypatch.setattr(
        "frontdesk.core.live.publish", lambda topic, data: published.append((topic, data))
    )
    token = start(widget)
    assert call(widget, "typing", token=token).status_code == 204
    assert call(widget, "typing", token=token).status_code == 204
    session = ChatSession.objects.get()
    assert published == [
        (f"chat:{session.pk}", {"kind": "typing", "who": "visitor"}),
        (
            f"ticket:{session.ticket.number}",
            {
                "kind": "presence",
                "user_id": session.visitor_id,
                "name": "Vic",
                "state": "replying",
                "ttl": 6,
            },
        ),
    ]


def test_the_stream_sends_the_conversation(widget: ChatWidget, settings: Any) -> None:
    settings.FRONTDESK_LIVE_STREAM_SECONDS = 0
    token = start(widget, text="Streamed hello")
    response = call(widget, "stream", token=token, method="get")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/event-stream"
    body = b"".join(response.streaming_content).decode()
    assert "event: message" in body
    assert "Streamed hello" in body


def test_live_replies_are_not_emailed_but_request_replies_are(
    widget: ChatWidget, desk: Desk
) -> None:
    start(widget)
    live_ticket = Ticket.objects.get()
    post_reply(actor=desk.alice, origin=Origin(), number=live_ticket.number, body="Live answer")
    assert not OutboundEmail.objects.filter(ticket=live_ticket).exists()
    AgentProfile.objects.filter(user=desk.alice).update(availability=Availability.OFFLINE)
    answer = call(widget, "start", {"name": "R", "email": "r@example.net", "message": "Later"})
    request_ticket = Ticket.objects.get(number=answer.json()["ticket"])
    post_reply(actor=desk.alice, origin=Origin(), number=request_ticket.number, body="By mail")
    assert OutboundEmail.objects.filter(ticket=request_ticket, to=["r@example.net"]).exists()


def test_the_chats_view_lists_chat_tickets(widget: ChatWidget, desk: Desk) -> None:
    start(widget)
    client = Client()
    client.force_login(desk.alice)
    sidebar = client.get("/desk/?part=sidebar").content.decode()
    assert "Chats" in sidebar
    assert "badge badge--urgent" in sidebar  # the cue: a waiting chat
    listing = client.get("/desk/views/chats/")
    assert listing.status_code == 200
    assert Ticket.objects.get().subject in listing.content.decode()


def test_query_budgets(widget: ChatWidget, desk: Desk, django_assert_max_num_queries: Any) -> None:
    """Polling and the agents' page do not grow with the conversation or the chats."""
    tokens = [start(widget, f"v{i}@example.net", f"hello {i}") for i in range(3)]
    for i in range(5):
        call(widget, "messages", {"text": f"more {i}"}, token=tokens[0])
    with django_assert_max_num_queries(3):
        assert call(widget, "messages", token=tokens[0], method="get").status_code == 200
    with django_assert_max_num_queries(1):
        assert (
            call(widget, "config", origin="https://evil.example.org", method="get").status_code
            == 403
        )
    client = Client()
    client.force_login(desk.alice)
    client.get("/desk/chats/")
    with django_assert_max_num_queries(30) as captured:
        assert client.get("/desk/chats/").status_code == 200
    few = len(captured.captured_queries)
    for i in range(3, 8):
        start(widget, f"v{i}@example.net", f"hello {i}")
    with django_assert_max_num_queries(few):
        client.get("/desk/chats/")


def test_command_creates_a_widget(desk: Desk, capsys: Any) -> None:
    from django.core.management import call_command

    call_command("chatwidget", "create", "--name", "Docs", "--origins", SITE)
    key = capsys.readouterr().out.strip()
    assert ChatWidget.objects.get(key=key).origins() == {SITE}
