"""GET /api/v1/notifications and POST /api/v1/notifications/read."""

from datetime import datetime, timedelta
from typing import Any

from frontdesk.core import clock
from frontdesk.notifications.actions import notify
from frontdesk.notifications.choices import NotificationKind
from frontdesk.notifications.models import Notification

NOW = clock.now()


def tell(user: Any, text: str = "Hello", **kwargs: Any) -> Notification:
    kwargs.setdefault("now", NOW)
    [row] = notify([user], kind=NotificationKind.MENTION, text=text, **kwargs)
    return row


def post_read(client: Any, body: Any) -> Any:
    return client.post("/api/v1/notifications/read", body, content_type="application/json")


def test_list_shows_own_notifications_newest_first(desk, make_ticket, as_user):
    ticket = make_ticket()
    older = tell(desk.alice, "older", ticket=ticket, actor=desk.sam)
    tell(desk.alice, "newer", now=NOW + timedelta(minutes=1))
    tell(desk.sam, "not hers")
    response = as_user(desk.alice).get("/api/v1/notifications")
    assert response.status_code == 200
    body = response.json()
    assert [n["text"] for n in body["items"]] == ["newer", "older"]
    assert body["next_cursor"] is None
    item = body["items"][1]
    created_at = datetime.fromisoformat(item.pop("created_at"))
    assert abs(created_at - older.created_at) < timedelta(milliseconds=1)
    assert item == {
        "id": older.pk,
        "kind": "mention",
        "text": "older",
        "ticket_number": ticket.number,
        "actor_id": desk.sam.pk,
        "read_at": None,
    }


def test_list_filters_unread_and_pages_by_cursor(desk, as_user):
    for i in range(5):
        tell(desk.alice, f"n{i}", now=NOW + timedelta(minutes=i))
    Notification.objects.filter(text="n4").update(read_at=NOW)
    client = as_user(desk.alice)
    first = client.get("/api/v1/notifications", {"unread": "true", "limit": 2}).json()
    assert [n["text"] for n in first["items"]] == ["n3", "n2"]
    second = client.get(
        "/api/v1/notifications", {"unread": "true", "limit": 2, "cursor": first["next_cursor"]}
    ).json()
    assert [n["text"] for n in second["items"]] == ["n1", "n0"]
    assert client.get("/api/v1/notifications", {"cursor": "nonsense"}).status_code == 422


def test_read_by_ids_marks_only_own(desk, as_user):
    mine, also_mine = tell(desk.alice), tell(desk.alice)
    theirs = tell(desk.sam)
    response = post_read(as_user(desk.alice), {"ids": [mine.pk, theirs.pk]})
    assert response.status_code == 200
    assert response.json() == {"marked": 1}
    read = set(Notification.objects.filter(read_at__isnull=False).values_list("pk", flat=True))
    assert read == {mine.pk}
    assert also_mine.pk not in read


def test_read_all(desk, as_user):
    tell(desk.alice)
    tell(desk.alice)
    tell(desk.sam)
    client = as_user(desk.alice)
    assert post_read(client, {"all": True}).json() == {"marked": 2}
    assert post_read(client, {"all": True}).json() == {"marked": 0}
    assert Notification.objects.unread().get().recipient == desk.sam


def test_read_needs_ids_or_all_and_nothing_else(desk, as_user):
    client = as_user(desk.alice)
    bodies: list[dict[str, Any]] = [
        {},
        {"ids": []},
        {"ids": [1], "all": True},
        {"all": False},
        {"id": 1},
    ]
    for body in bodies:
        response = post_read(client, body)
        assert response.status_code == 422, body
        assert response.json()["code"] == "validation_error"


def test_customers_have_no_notifications(desk, as_user):
    client = as_user(desk.bob)
    assert client.get("/api/v1/notifications").status_code == 404
    assert post_read(client, {"all": True}).status_code == 404


def test_a_read_only_token_cannot_mark_read(desk, as_user):
    tell(desk.alice)
    response = post_read(as_user(desk.alice, ("read",)), {"all": True})
    assert response.status_code == 403
    assert response.json()["code"] == "insufficient_scope"
