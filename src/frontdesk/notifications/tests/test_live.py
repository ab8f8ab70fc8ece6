"""The workspace's event stream carries the user's own notification changes."""

import json
from typing import Any

import pytest
from django.test import Client

from frontdesk.core import clock, live
from frontdesk.notifications.actions import notify
from frontdesk.notifications.choices import NotificationKind


@pytest.fixture(autouse=True)
def memory_backend(settings: Any, monkeypatch: Any) -> None:
    settings.FRONTDESK_LIVE_BACKEND = "memory"
    settings.FRONTDESK_LIVE_STREAM_SECONDS = 0.4
    monkeypatch.setattr(live, "_brokers", {})


def stream_events(user: Any, publish: Any) -> list[tuple[str, Any]]:
    client = Client()
    client.force_login(user)
    response: Any = client.get("/desk/live/")
    publish()
    body = b"".join(response.streaming_content).decode()
    found = []
    for block in body.split("\n\n"):
        fields = dict(line.split(": ", 1) for line in block.split("\n") if ": " in line)
        if "event" in fields:
            found.append((fields["event"], json.loads(fields["data"])))
    return found


def test_the_stream_relays_the_users_notifications(desk, django_capture_on_commit_callbacks):
    def assign() -> None:
        with django_capture_on_commit_callbacks(execute=True):
            notify([desk.alice], kind=NotificationKind.SYSTEM, text="x", now=clock.now())

    assert stream_events(desk.alice, assign) == [
        ("notifications", {"kind": "notifications", "change": "new"})
    ]


def test_the_stream_does_not_relay_someone_elses(desk, django_capture_on_commit_callbacks):
    def tell_sam() -> None:
        with django_capture_on_commit_callbacks(execute=True):
            notify([desk.sam], kind=NotificationKind.SYSTEM, text="x", now=clock.now())

    assert stream_events(desk.alice, tell_sam) == []
