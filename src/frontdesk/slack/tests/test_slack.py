"""Slack: signed Events API requests (valid, bad signature, replayed timestamp), messages
to tickets, thread replies, and agent replies posted to a local Web API stand-in."""

import json
import time
from collections.abc import Iterator
from typing import Any

import pytest
from conftest import Desk
from django.test import Client, override_settings

from frontdesk.slack.actions import send_pending
from frontdesk.slack.models import SlackEvent, SlackIdentity, SlackReply, SlackThread
from frontdesk.slack.signing import sign
from frontdesk.slack.tests.standin import StandIn, slack_stand_in
from frontdesk.tickets.actions import post_reply, update_ticket
from frontdesk.tickets.choices import Channel, MessageKind, StatusCategory
from frontdesk.tickets.events import Origin
from frontdesk.tickets.models import Message, Ticket

SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
BOT_TOKEN = "xoxb-test-token"
CHANNEL = "C024BE91L"


@pytest.fixture
def slack(desk: Desk) -> Iterator[StandIn]:
    with slack_stand_in() as stand_in:
        stand_in.users["U2147483697"] = {
            "id": "U2147483697",
            "name": "bob",
            "profile": {"email": "Bob@Example.com", "real_name": "Bob Builder"},
        }
        stand_in.users["U0ALICE"] = {
            "id": "U0ALICE",
            "profile": {"email": "alice@example.com", "real_name": "Alice"},
        }
        stand_in.users["U0ERIN"] = {"id": "U0ERIN", "profile": {"email": "erin@example.com"}}
        with override_settings(
            FRONTDESK_SLACK_SIGNING_SECRET=SECRET,
            FRONTDESK_SLACK_BOT_TOKEN=BOT_TOKEN,
            FRONTDESK_SLACK_API_URL=stand_in.url,
            FRONTDESK_SLACK_CHANNELS=[CHANNEL],
            FRONTDESK_SLACK_TEAM_ID=str(desk.support.pk),
        ):
            yield stand_in


def message_event(
    text: str, *, ts: str = "1700000000.000100", user: str = "U2147483697", **event: Any
) -> dict[str, Any]:
    """An Events API envelope around a `message` event, as Slack sends it."""
    return {
        "token": "deprecated-verification-token",
        "team_id": "T061EG9R6",
        "api_app_id": "A0PNCHHK2",
        "event": {
            "type": "message",
            "channel": CHANNEL,
            "user": user,
            "text": text,
            "ts": ts,
            "event_ts": ts,
            "channel_type": "channel",
            **event,
        },
        "type": "event_callback",
        "event_id": f"Ev{ts.replace('.', '')}{user}",
        "event_time": 1700000000,
    }


def send(
    body: Any, *, timestamp: int | None = None, secret: str = SECRET, signature: str | None = None
) -> Any:
    raw = json.dumps(body).encode()
    ts = str(int(time.time()) if timestamp is None else timestamp)
    return Client().post(
        "/hooks/slack/events",
        raw,
        content_type="application/json",
        headers={
            "X-Slack-Request-Timestamp": ts,
            "X-Slack-Signature": signature or sign(secret, ts, raw),
        },
    )


def test_url_verification(slack: StandIn) -> None:
    response = send(
        {
            "type": "url_verification",
            "challenge": "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P",
            "token": "x",
        }
    )
    assert response.status_code == 200
    assert response.json() == {"challenge": "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"}


def test_a_channel_message_opens_a_ticket_for_the_matched_customer(
    slack: StandIn, desk: Desk
) -> None:
    response = send(message_event("VPN is down again\nSince this morning, from home."))
    assert response.json() == {"result": "created"}
    ticket = Ticket.objects.get()
    assert ticket.channel == Channel.SLACK
    assert ticket.subject == "VPN is down again"
    assert ticket.requester == desk.bob  # matched by address across channels
    assert ticket.team == desk.support
    assert SlackThread.objects.get().thread_ts == "1700000000.000100"
    assert SlackIdentity.objects.get().user == desk.bob
    lookups = [c for c in slack.calls if c["method"] == "users.info"]
    assert lookups[0]["query"] == {"user": "U2147483697"}
    assert lookups[0]["authorization"] == f"Bearer {BOT_TOKEN}"


def test_signatures_are_verified_and_replays_refused(slack: StandIn) -> None:
    body = message_event("Printer")
    bad = send(body, signature="v0=" + "0" * 64)
    assert bad.status_code == 401
    assert bad.json()["code"] == "bad_signature"
    wrong_secret = send(body, secret="not-the-secret")
    assert wrong_secret.json()["code"] == "bad_signature"
    replayed = send(body, timestamp=int(time.time()) - 600)
    assert replayed.status_code == 401
    assert replayed.json()["code"] == "stale_request"
    missing = Client().post("/hooks/slack/events", b"{}", content_type="application/json")
    assert missing.json()["code"] == "missing_signature"
    assert not Ticket.objects.exists()
    # A tampered body under a genuine signature of another body.
    ts = str(int(time.time()))
    signature = sign(SECRET, ts, json.dumps(message_event("other")).encode())
    tampered = send(body, timestamp=int(ts), signature=signature)
    assert tampered.status_code == 401
    # The genuine request, then Slack's retry of the same event: applied once.
    assert send(body).json() == {"result": "created"}
    assert send(body).json() == {"result": "duplicate"}
    assert Ticket.objects.count() == 1


def test_unconfigured_is_not_found(desk: Desk) -> None:
    with override_settings(FRONTDESK_SLACK_SIGNING_SECRET=""):
        assert send(message_event("x")).status_code == 404


def test_other_channels_bots_and_edits_are_ignored(slack: StandIn) -> None:
    assert (
        send(message_event("elsewhere", ts="1.1", channel="C0OTHER")).json()["result"] == "ignored"
    )
    assert send(message_event("bot", ts="1.2", bot_id="B01")).json()["result"] == "ignored"
    edit = message_event("edit", ts="1.3", subtype="message_changed")
    assert send(edit).json()["result"] == "ignored"
    assert not Ticket.objects.exists()


def test_a_direct_message_opens_a_ticket(slack: StandIn) -> None:
    dm = message_event("Can I get a new laptop?", channel="D0DM", channel_type="im")
    assert send(dm).json()["result"] == "created"
    assert Ticket.objects.get().subject == "Can I get a new laptop?"


def test_thread_replies_become_ticket_messages(slack: StandIn, desk: Desk) -> None:
    send(message_event("VPN is down"))
    ticket = Ticket.objects.get()
    update_ticket(
        actor=desk.alice,
        origin=Origin(),
        number=ticket.number,
        changes={"status": "pending"},
        expected_version=None,
    )
    reply = message_event("Still down", ts="1700000050.000200", thread_ts="1700000000.000100")
    assert send(reply).json()["result"] == "replied"
    ticket.refresh_from_db()
    assert ticket.status_category == StatusCategory.OPEN  # the requester's reply reopens
    last = Message.objects.filter(ticket=ticket).order_by("pk").last()
    assert last is not None
    assert (last.kind, last.author, last.channel) == (MessageKind.REPLY, desk.bob, Channel.SLACK)
    # Staff in the thread: an internal note; another customer: a note for review.
    staff = message_event(
        "Looking", ts="1700000060.000300", thread_ts="1700000000.000100", user="U0ALICE"
    )
    assert send(staff).json()["result"] == "noted"
    other = message_event(
        "Me too", ts="1700000070.000400", thread_ts="1700000000.000100", user="U0ERIN"
    )
    assert send(other).json()["result"] == "noted"
    notes = Message.objects.filter(ticket=ticket, kind=MessageKind.NOTE).order_by("pk")
    assert [n.author for n in notes] == [desk.alice, desk.erin]
    assert not any(n.is_public for n in notes)
    # A reply in an unknown thread is not taken.
    stray = message_event("?", ts="1700000080.000500", thread_ts="1600000000.000001")
    assert send(stray).json()["result"] == "ignored"


def test_agent_replies_are_posted_into_the_thread(
    slack: StandIn, desk: Desk, django_capture_on_commit_callbacks: Any
) -> None:
    send(message_event("VPN is down"))
    ticket = Ticket.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        post_reply(
            actor=desk.alice, origin=Origin(), number=ticket.number, body="Restarting it now."
        )
    posts = slack.posts()
    assert len(posts) == 1
    assert posts[0]["authorization"] == f"Bearer {BOT_TOKEN}"
    assert posts[0]["json"] == {
        "channel": CHANNEL,
        "thread_ts": "1700000000.000100",
        "text": "*Alice*: Restarting it now.",
    }
    reply = SlackReply.objects.get()
    assert reply.state == SlackReply.State.SENT
    assert reply.slack_ts.startswith("1700000100.")
    # Notes stay internal: nothing is posted for them.
    from frontdesk.tickets.actions import add_note

    add_note(actor=desk.alice, origin=Origin(), number=ticket.number, body="internal")
    assert len(slack.posts()) == 1


def test_failed_posts_are_retried_then_given_up(
    slack: StandIn, desk: Desk, django_capture_on_commit_callbacks: Any
) -> None:
    send(message_event("VPN is down"))
    ticket = Ticket.objects.get()
    slack.fail_posts = True
    with django_capture_on_commit_callbacks(execute=True):
        post_reply(actor=desk.alice, origin=Origin(), number=ticket.number, body="On it.")
    reply = SlackReply.objects.get()
    assert reply.state == SlackReply.State.PENDING
    assert "channel_not_found" in reply.error
    for _ in range(4):
        send_pending()
    reply.refresh_from_db()
    assert reply.state == SlackReply.State.FAILED
    assert reply.attempts == 5
    slack.fail_posts = False
    assert send_pending() == 0


def test_unknown_slack_users_get_a_placeholder_contact(slack: StandIn) -> None:
    send(message_event("Hi", user="U0NOBODY"))
    ticket = Ticket.objects.get()
    assert ticket.requester.email == "u0nobody@slack.invalid"
    assert ticket.requester.is_customer


def test_events_are_recorded_once(slack: StandIn) -> None:
    body = message_event("VPN")
    send(body)
    send(body)
    assert SlackEvent.objects.count() == 1
