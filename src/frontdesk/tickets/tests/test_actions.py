"""Lifecycle rules of the ticket actions, through the API where a client would see them."""

import io
import json
import threading
from datetime import timedelta
from typing import Any
from urllib.parse import quote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client

from frontdesk.accounts.models import User
from frontdesk.core import clock
from frontdesk.core.errors import Conflict, NotFound
from frontdesk.tickets import actions
from frontdesk.tickets.choices import EventAction, LinkKind, MessageKind
from frontdesk.tickets.events import Origin
from frontdesk.tickets.models import (
    Attachment,
    Message,
    Ticket,
    TicketEvent,
    TicketFollower,
    TicketLink,
)

ORIGIN = Origin()


@pytest.fixture(autouse=True)
def attachments_dir(settings, tmp_path):
    settings.ATTACHMENTS_DIR = tmp_path / "attachments"


def post(client: Client, path: str, body: Any, **headers: str) -> Any:
    return client.post(
        "/api/v1" + path, json.dumps(body), content_type="application/json", headers=headers
    )


def patch(client: Client, path: str, body: Any) -> Any:
    return client.patch("/api/v1" + path, json.dumps(body), content_type="application/json")


def move_to(desk, ticket: Ticket, slug: str, **kwargs: Any) -> Ticket:
    """Put a ticket in a status as an admin would (no reply involved)."""
    return actions.update_ticket(
        actor=desk.carol,
        origin=ORIGIN,
        number=ticket.number,
        changes={"status": slug},
        expected_version=None,
        **kwargs,
    )


def events_of(ticket: Ticket, action: str) -> list[TicketEvent]:
    return list(TicketEvent.objects.filter(ticket=ticket, action=action).order_by("pk"))


# --- replies move the status --------------------------------------------------------------

REPLY_RULES = [
    # start status, who replies, status afterwards, REOPENED event recorded
    pytest.param("new", "alice", "open", False, id="agent-first-reply-opens-new"),
    pytest.param("new", "bob", "new", False, id="customer-reply-leaves-new"),
    pytest.param("open", "bob", "open", False, id="customer-reply-leaves-open"),
    pytest.param("pending", "bob", "open", False, id="customer-reply-reopens-pending"),
    pytest.param("on-hold", "bob", "on-hold", False, id="customer-reply-leaves-on-hold"),
    pytest.param("solved", "bob", "open", True, id="customer-reply-reopens-solved"),
    pytest.param("solved", "bea", "open", True, id="colleague-reply-reopens-solved"),
    pytest.param("pending", "alice", "pending", False, id="agent-reply-leaves-pending"),
    pytest.param("solved", "sam", "solved", False, id="supervisor-reply-leaves-solved"),
]


@pytest.mark.parametrize(("start", "replier", "expected", "reopened"), REPLY_RULES)
def test_reply_lifecycle(desk, make_ticket, as_user, start, replier, expected, reopened):
    ticket = make_ticket(requester=desk.bob)
    if start != "new":
        move_to(desk, ticket, start)
    user = getattr(desk, replier)

    response = post(as_user(user), f"/tickets/{ticket.number}/replies", {"body": "Hello"})

    assert response.status_code == 201, response.content
    ticket.refresh_from_db()
    assert ticket.status.slug == expected
    assert bool(events_of(ticket, EventAction.REOPENED)) is reopened
    assert (ticket.first_response_at is not None) is user.is_staff
    if user.is_staff:
        assert ticket.first_response_at == Message.objects.get(pk=response.json()["id"]).created_at
    if ticket.status.slug != start:
        change = TicketEvent.objects.get(
            ticket=ticket, action=EventAction.CHANGED, field="status", actor=user
        )
        assert (change.old_value, change.new_value) == (start, expected)


def test_first_response_time_is_the_first_agent_reply_only(desk, make_ticket, as_user):
    ticket = make_ticket()
    first = post(as_user(desk.alice), f"/tickets/{ticket.number}/replies", {"body": "One"})
    post(as_user(desk.sam), f"/tickets/{ticket.number}/replies", {"body": "Two"})
    ticket.refresh_from_db()
    assert ticket.first_response_at == Message.objects.get(pk=first.json()["id"]).created_at


def test_customer_reply_to_closed_ticket_opens_a_linked_follow_up(
    desk, make_ticket, as_user, settings
):
    assert settings.FRONTDESK_CLOSED_REPLY == "followup"  # the default
    closed = make_ticket(requester=desk.bob, subject="Printer on fire")
    move_to(desk, closed, "closed")
    before = Ticket.objects.count()

    response = post(
        as_user(desk.bob), f"/tickets/{closed.number}/replies", {"body": "It is burning again"}
    )

    assert response.status_code == 201, response.content
    assert Ticket.objects.count() == before + 1
    closed.refresh_from_db()
    assert closed.status.slug == "closed"
    follow_up = Ticket.objects.exclude(pk=closed.pk).get()
    assert follow_up.subject == "Re: Printer on fire"
    assert follow_up.requester == desk.bob
    assert (follow_up.team_id, follow_up.organization_id) == (
        closed.team_id,
        closed.organization_id,
    )
    assert Message.objects.get(pk=response.json()["id"]).ticket == follow_up
    assert TicketLink.objects.filter(
        source=follow_up, target=closed, kind=LinkKind.RELATED
    ).exists()
    created = events_of(closed, EventAction.FOLLOW_UP_CREATED)
    assert [e.new_value for e in created] == [{"number": follow_up.number}]
    assert not events_of(closed, EventAction.REOPENED)


def test_customer_reply_to_closed_ticket_reopens_it_by_setting(
    desk, make_ticket, as_user, settings
):
    settings.FRONTDESK_CLOSED_REPLY = "reopen"
    closed = make_ticket(requester=desk.bob)
    move_to(desk, closed, "closed")

    response = post(as_user(desk.bob), f"/tickets/{closed.number}/replies", {"body": "Again"})

    assert response.status_code == 201, response.content
    assert Ticket.objects.count() == 1
    closed.refresh_from_db()
    assert (closed.status.slug, closed.closed_at) == ("open", None)
    assert len(events_of(closed, EventAction.REOPENED)) == 1
    assert Message.objects.get(pk=response.json()["id"]).ticket == closed


def test_staff_cannot_reply_to_a_closed_ticket(desk, make_ticket, as_user):
    closed = make_ticket()
    move_to(desk, closed, "closed")
    response = post(as_user(desk.alice), f"/tickets/{closed.number}/replies", {"body": "Hi"})
    assert response.status_code == 409
    assert response.json()["code"] == "ticket_closed"
    assert Message.objects.filter(ticket=closed).count() == 1


def test_reply_can_set_the_next_status(desk, make_ticket, as_user):
    ticket = make_ticket()
    response = post(
        as_user(desk.alice),
        f"/tickets/{ticket.number}/replies",
        {"body": "Try this", "status": "pending"},
    )
    assert response.status_code == 201
    ticket.refresh_from_db()
    assert ticket.status.slug == "pending"


# --- updates: optimistic locking and the audit trail -----------------------------------


def test_stale_version_is_a_409_and_changes_nothing(desk, make_ticket, as_user):
    ticket = make_ticket()
    client = as_user(desk.alice)
    v = client.get(f"/api/v1/tickets/{ticket.number}").json()["version"]
    assert (
        patch(client, f"/tickets/{ticket.number}", {"version": v, "priority": "high"}).status_code
        == 200
    )

    response = patch(client, f"/tickets/{ticket.number}", {"version": v, "priority": "low"})

    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "version_conflict"
    assert body["details"] == {"current_version": v + 1}
    ticket.refresh_from_db()
    assert (ticket.priority, ticket.version) == (3, v + 1)


UPDATE_EVENTS = [
    # changes (callables get the desk), expected {field: (old, new)} on an open ticket
    pytest.param({"priority": "high"}, {"priority": ("normal", "high")}, id="priority"),
    pytest.param(
        {"subject": "  Scanner  "}, {"subject": ("Printer on fire", "Scanner")}, id="subject"
    ),
    pytest.param({"type": "incident"}, {"type": ("question", "incident")}, id="type"),
    pytest.param({"status": "pending"}, {"status": ("open", "pending")}, id="status"),
    pytest.param({"tags": ["VIP", "b", "vip"]}, {"tags": ([], ["b", "vip"])}, id="tags"),
    pytest.param(
        {"assignee_id": lambda d: d.alice.pk},
        {"assignee": (None, lambda d: d.alice.pk)},
        id="assignee",
    ),
    pytest.param(
        {"team_id": lambda d: d.billing.pk},
        {"team": (lambda d: d.support.pk, lambda d: d.billing.pk)},
        id="team",
    ),
    pytest.param(
        {"priority": "high", "type": "problem", "status": "pending"},
        {
            "priority": ("normal", "high"),
            "type": ("question", "problem"),
            "status": ("open", "pending"),
        },
        id="three-fields",
    ),
    pytest.param({"priority": "normal", "type": "question"}, {}, id="no-op"),
]


def _resolve(value: Any, desk) -> Any:
    if callable(value):
        return value(desk)
    if isinstance(value, tuple):
        return tuple(_resolve(v, desk) for v in value)
    return value


@pytest.mark.parametrize(("changes", "expected"), UPDATE_EVENTS)
def test_update_records_one_event_per_changed_field(desk, make_ticket, as_user, changes, expected):
    ticket = move_to(desk, make_ticket(), "open")
    version = ticket.version
    changes = {k: _resolve(v, desk) for k, v in changes.items()}
    expected = {k: _resolve(v, desk) for k, v in expected.items()}
    seen = set(TicketEvent.objects.values_list("pk", flat=True))

    response = patch(
        as_user(desk.alice), f"/tickets/{ticket.number}", {"version": version, **changes}
    )

    assert response.status_code == 200, response.content
    new_events = TicketEvent.objects.exclude(pk__in=seen)
    assert {e.field: (e.old_value, e.new_value) for e in new_events} == expected
    assert all(e.action == EventAction.CHANGED and e.actor == desk.alice for e in new_events)
    assert new_events.count() == len(expected)
    assert response.json()["version"] == version + (1 if expected else 0)


def test_moving_team_drops_an_assignee_outside_it_and_records_it(desk, make_ticket, as_user):
    ticket = make_ticket(assignee_id=desk.alice.pk)
    client = as_user(desk.sam)
    response = patch(
        client, f"/tickets/{ticket.number}", {"version": ticket.version, "team_id": desk.billing.pk}
    )
    assert response.status_code == 200, response.content
    assert response.json()["assignee_id"] is None
    trail = {
        e.field: (e.old_value, e.new_value)
        for e in TicketEvent.objects.filter(ticket=ticket, action=EventAction.CHANGED)
    }
    assert trail == {"team": (desk.support.pk, desk.billing.pk), "assignee": (desk.alice.pk, None)}


def test_first_change_by_an_agent_opens_a_new_ticket(desk, make_ticket, as_user):
    ticket = make_ticket()
    response = patch(
        as_user(desk.alice),
        f"/tickets/{ticket.number}",
        {"version": ticket.version, "priority": "urgent"},
    )
    assert response.json()["status"] == "open"
    fields = set(
        TicketEvent.objects.filter(ticket=ticket, action=EventAction.CHANGED).values_list(
            "field", flat=True
        )
    )
    assert fields == {"priority", "status"}


# --- merge ------------------------------------------------------------------------------


def test_merge_moves_the_conversation_and_closes_the_source(desk, make_ticket, as_user):
    source = make_ticket(requester=desk.bea, subject="Duplicate")
    target = make_ticket(requester=desk.bob, subject="Original")
    actions.add_note(actor=desk.alice, origin=ORIGIN, number=source.number, body="internal")
    moved = set(Message.objects.filter(ticket=source).values_list("pk", flat=True))

    response = post(
        as_user(desk.alice), f"/tickets/{source.number}/merge", {"into_number": target.number}
    )

    assert response.status_code == 200, response.content
    assert response.json()["number"] == target.number
    source.refresh_from_db()
    assert source.status.slug == "closed"
    assert source.merged_into == target
    assert moved <= set(Message.objects.filter(ticket=target).values_list("pk", flat=True))
    assert not Message.objects.filter(ticket=source).exclude(kind=MessageKind.SYSTEM).exists()
    assert [e.new_value for e in events_of(source, EventAction.MERGED_INTO)] == [
        {"number": target.number}
    ]
    assert [e.new_value for e in events_of(target, EventAction.MERGED_FROM)] == [
        {"number": source.number}
    ]
    assert TicketLink.objects.filter(source=source, target=target, kind=LinkKind.DUPLICATE).exists()
    assert TicketFollower.objects.filter(ticket=target, user=desk.bea).exists()
    assert (
        as_user(desk.bob).get(f"/api/v1/tickets/{source.number}").json()["merged_into"]
        == target.number
    )


@pytest.mark.parametrize(
    ("actor", "source_team", "target_team"),
    [
        pytest.param("dave", "support", "billing", id="billing-agent-support-into-billing"),
        pytest.param("dave", "billing", "support", id="billing-agent-billing-into-support"),
        pytest.param("alice", "support", "billing", id="support-agent-support-into-billing"),
    ],
)
def test_merge_needs_access_to_both_tickets(desk, make_ticket, actor, source_team, target_team):
    source = make_ticket(team=getattr(desk, source_team))
    target = make_ticket(team=getattr(desk, target_team))
    with pytest.raises(NotFound):
        actions.merge_tickets(
            actor=getattr(desk, actor),
            origin=ORIGIN,
            number=source.number,
            into_number=target.number,
        )
    source.refresh_from_db()
    assert source.merged_into is None
    assert source.status.slug == "new"
    assert Message.objects.filter(ticket=source).count() == 1


def test_merge_over_http_into_an_unseen_ticket_is_404(desk, make_ticket, as_user):
    source = make_ticket(team=desk.support)
    target = make_ticket(team=desk.billing)
    response = post(
        as_user(desk.alice), f"/tickets/{source.number}/merge", {"into_number": target.number}
    )
    assert response.status_code == 404
    assert Ticket.objects.get(pk=source.pk).merged_into is None


# --- claim ------------------------------------------------------------------------------


def test_second_claimant_gets_a_conflict(desk, make_ticket, as_user):
    ticket = make_ticket()
    first = post(as_user(desk.alice), f"/tickets/{ticket.number}/claim", {})
    assert first.status_code == 200
    assert (first.json()["assignee_id"], first.json()["status"]) == (desk.alice.pk, "open")

    second = post(as_user(desk.sam), f"/tickets/{ticket.number}/claim", {})

    assert second.status_code == 409
    assert second.json()["code"] == "already_assigned"
    assert Ticket.objects.get(pk=ticket.pk).assignee == desk.alice
    with pytest.raises(Conflict) as excinfo:
        actions.claim_ticket(actor=desk.sam, origin=ORIGIN, number=ticket.number)
    assert excinfo.value.code == "already_assigned"
    again = post(as_user(desk.alice), f"/tickets/{ticket.number}/claim", {})
    assert again.status_code == 200  # claiming your own ticket is a no-op


def postgres_only() -> Any:
    return pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs a server database for real concurrency"
    )


def in_threads(count: int, work: Any) -> list[Any]:
    results: list[Any] = [None] * count
    barrier = threading.Barrier(count)

    def run(i: int) -> None:
        try:
            barrier.wait()
            results[i] = work(i)
        except Exception as exc:
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


@postgres_only()
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("migration_rows")
def test_concurrent_claims_have_one_winner(desk, make_ticket):
    ticket = make_ticket()
    claimants = [desk.alice, desk.sam]
    results = in_threads(
        2, lambda i: actions.claim_ticket(actor=claimants[i], origin=ORIGIN, number=ticket.number)
    )
    conflicts = [r for r in results if isinstance(r, Conflict)]
    assert len(conflicts) == 1, results
    assert conflicts[0].code == "already_assigned"
    winner = next(r for r in results if isinstance(r, Ticket))
    assert Ticket.objects.get(pk=ticket.pk).assignee_id == winner.assignee_id


# --- idempotent create --------------------------------------------------------------------


def test_idempotent_create_returns_the_first_ticket(desk, as_user):
    client = as_user(desk.bob)
    body = {"subject": "VPN down", "body": "Since 9am."}

    first = post(client, "/tickets", body, **{"Idempotency-Key": "k-1"})
    again = post(client, "/tickets", body, **{"Idempotency-Key": "k-1"})

    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["number"] == again.json()["number"]
    assert Ticket.objects.count() == 1

    other = post(client, "/tickets", {**body, "body": "Since 10am."}, **{"Idempotency-Key": "k-1"})
    assert other.status_code == 422
    assert other.json()["code"] == "idempotency_key_reused"
    assert Ticket.objects.count() == 1

    assert post(client, "/tickets", body, **{"Idempotency-Key": "k-2"}).status_code == 201
    assert post(client, "/tickets", body).status_code == 201
    assert Ticket.objects.count() == 3


def test_idempotency_keys_are_per_user(desk, as_user):
    body = {"subject": "VPN down", "body": "Since 9am."}
    a = post(as_user(desk.bob), "/tickets", body, **{"Idempotency-Key": "same"})
    b = post(as_user(desk.erin), "/tickets", body, **{"Idempotency-Key": "same"})
    assert (a.status_code, b.status_code) == (201, 201)
    assert a.json()["number"] != b.json()["number"]


# --- what customers never see ------------------------------------------------------------


def test_internal_notes_never_reach_customers(desk, make_ticket, as_user):
    ticket = make_ticket(requester=desk.bob)
    note = post(
        as_user(desk.lena), f"/tickets/{ticket.number}/notes", {"body": "Customer is grumpy"}
    )
    assert note.status_code == 201
    assert note.json()["is_public"] is False
    post(as_user(desk.alice), f"/tickets/{ticket.number}/replies", {"body": "Hello Bob"})

    for customer in (desk.bob, desk.bea):
        client = as_user(customer)
        messages = client.get(f"/api/v1/tickets/{ticket.number}/messages").json()["items"]
        assert [m["body_text"] for m in messages] == ["It smokes.", "Hello Bob"]
        events = client.get(f"/api/v1/tickets/{ticket.number}/events").json()["items"]
        assert EventAction.NOTED not in {e["action"] for e in events}
        assert "grumpy" not in json.dumps(events)
    staff = as_user(desk.alice).get(f"/api/v1/tickets/{ticket.number}/messages").json()
    assert "Customer is grumpy" in [m["body_text"] for m in staff["items"]]


def upload(client: Client, number: int, name: str, content: bytes, **form: Any) -> Any:
    return client.post(
        f"/api/v1/tickets/{number}/attachments", {"file": SimpleUploadedFile(name, content), **form}
    )


def download(client: Client, attachment_id: str) -> Any:
    return client.get(f"/api/v1/attachments/{attachment_id}")


def body_of(response: Any) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_internal_attachments_never_reach_customers(desk, make_ticket, as_user):
    ticket = make_ticket(requester=desk.bob)
    agent = as_user(desk.alice)
    internal = upload(agent, ticket.number, "secret-plan.txt", b"x", internal="true").json()
    public = upload(agent, ticket.number, "later-a-note.txt", b"y").json()
    assert (internal["is_public"], public["is_public"]) == (False, True)
    note = post(
        agent,
        f"/tickets/{ticket.number}/notes",
        {"body": "see files", "attachment_ids": [internal["id"], public["id"]]},
    )
    assert note.status_code == 201, note.content

    customer = as_user(desk.bob)
    for attachment in (internal, public):
        assert download(customer, attachment["id"]).status_code == 404
        assert download(agent, attachment["id"]).status_code == 200
    seen = json.dumps(
        [
            customer.get(f"/api/v1/tickets/{ticket.number}/events").json(),
            customer.get(f"/api/v1/tickets/{ticket.number}/messages").json(),
        ]
    )
    for attachment in (internal, public):
        assert attachment["id"] not in seen
        assert attachment["file_name"] not in seen


def test_light_agent_uploads_are_internal(desk, make_ticket, as_user):
    ticket = make_ticket(requester=desk.bob)
    response = upload(as_user(desk.lena), ticket.number, "notes.txt", b"x", internal="false")
    assert response.status_code == 201
    assert response.json()["is_public"] is False
    assert download(as_user(desk.bob), response.json()["id"]).status_code == 404


def test_customer_uploads_are_public_and_claimed_by_their_reply(desk, make_ticket, as_user):
    ticket = make_ticket(requester=desk.bob)
    client = as_user(desk.bob)
    uploaded = upload(client, ticket.number, "photo.txt", b"smoke", internal="true").json()
    assert uploaded["is_public"] is True
    reply = post(
        client,
        f"/tickets/{ticket.number}/replies",
        {"body": "see photo", "attachment_ids": [uploaded["id"]]},
    )
    assert reply.status_code == 201
    assert [a["id"] for a in reply.json()["attachments"]] == [uploaded["id"]]
    # Someone else's upload cannot be claimed.
    other = upload(as_user(desk.bea), ticket.number, "x.txt", b"x").json()
    stolen = post(
        client,
        f"/tickets/{ticket.number}/replies",
        {"body": "mine", "attachment_ids": [other["id"]]},
    )
    assert stolen.status_code == 422
    assert stolen.json()["code"] == "invalid_attachment"


# --- attachments are served safely --------------------------------------------------------


def test_download_is_an_attachment_with_nosniff(desk, make_ticket, as_user):
    ticket = make_ticket()
    client = as_user(desk.bob)
    uploaded = upload(client, ticket.number, "report.pdf", b"%PDF-1.7 hello")
    assert uploaded.status_code == 201, uploaded.content
    meta = uploaded.json()
    assert (meta["content_type"], meta["size"]) == ("application/pdf", 14)

    response = download(client, meta["id"])

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert 'filename="report.pdf"' in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "application/pdf"
    assert body_of(response) == b"%PDF-1.7 hello"


@pytest.mark.parametrize(
    ("name", "content", "served_as"),
    [
        pytest.param(
            "cat.png",
            b"<html><script>alert(1)</script></html>",
            "application/octet-stream",
            id="html-claiming-png",
        ),
        pytest.param(
            "page.html", b"<html><body>hi</body></html>", "application/octet-stream", id="html"
        ),
        pytest.param(
            "image.svg", b"<svg onload=alert(1)></svg>", "application/octet-stream", id="svg"
        ),
        pytest.param("real.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 16, "image/png", id="real-png"),
        pytest.param("notes.txt", b"plain words\n", "text/plain", id="text"),
        pytest.param("fake.txt", b"\x00\x01binary", "application/octet-stream", id="binary-txt"),
    ],
)
def test_content_type_is_sniffed_never_trusted(
    desk, make_ticket, as_user, name, content, served_as
):
    ticket = make_ticket()
    client = as_user(desk.bob)
    uploaded = client.post(
        f"/api/v1/tickets/{ticket.number}/attachments",
        {"file": SimpleUploadedFile(name, content, content_type="image/png")},
    ).json()
    response = download(client, uploaded["id"])
    assert response["Content-Type"] == served_as
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    body_of(response)


def raw_multipart(filename_star: str, content: bytes) -> tuple[bytes, str]:
    boundary = "XyZzY"
    body = (
        (
            f"--{boundary}\r\n"
            f'Content-Disposition: form-data; name="file"; filename*={filename_star}\r\n'
            "Content-Type: application/octet-stream\r\n\r\n"
        ).encode()
        + content
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return body, f"multipart/form-data; boundary={boundary}"


@pytest.mark.parametrize(
    "hostile",
    [
        "../../etc/passwd\r\nX: y",
        "..\\..\\windows\\win.ini",
        "/absolute/path.txt",
        "\x00\x1b[31mred\x7f.txt",
        "....",
        "",
    ],
)
def test_hostile_file_names_become_safe(desk, make_ticket, as_user, hostile):
    ticket = make_ticket()
    attachment = actions.attach_file(
        actor=desk.bob,
        origin=ORIGIN,
        number=ticket.number,
        file_name=hostile,
        content=io.BytesIO(b"x"),
    )
    name = attachment.file_name
    assert name
    assert not set(name) & {"/", "\\", "\r", "\n", "\x00"}
    assert all(ch.isprintable() for ch in name)
    assert not name.startswith(".")
    response = download(as_user(desk.bob), str(attachment.pk))
    assert response.status_code == 200
    assert "\n" not in response["Content-Disposition"]
    assert "\r" not in response["Content-Disposition"]
    body_of(response)


def test_hostile_file_name_over_http(desk, make_ticket, as_user):
    ticket = make_ticket()
    body, content_type = raw_multipart("utf-8''" + quote("../../etc/passwd\r\nX: y"), b"root")
    response = as_user(desk.bob).generic(
        "POST", f"/api/v1/tickets/{ticket.number}/attachments", body, content_type=content_type
    )
    assert response.status_code == 201, response.content
    name = response.json()["file_name"]
    assert name == "passwdX: y"
    stored = Attachment.objects.get(pk=response.json()["id"])
    assert stored.file_name == name
    assert "etc" not in stored.storage_name
    served = download(as_user(desk.bob), str(stored.pk))
    assert served["Content-Disposition"] == 'attachment; filename="passwdX: y"'
    body_of(served)


def test_oversized_upload_is_refused_and_not_stored(desk, make_ticket, as_user, settings):
    settings.FRONTDESK_MAX_ATTACHMENT_BYTES = 10
    ticket = make_ticket()
    response = upload(as_user(desk.bob), ticket.number, "big.bin", b"x" * 11)
    assert response.status_code == 422
    assert response.json()["code"] == "attachment_too_large"
    assert not Attachment.objects.exists()
    assert not [p for p in settings.ATTACHMENTS_DIR.rglob("*") if p.is_file()]


# --- ticket numbers -------------------------------------------------------------------


def test_ticket_numbers_are_unique_and_sequential(desk, make_ticket):
    numbers = [make_ticket(subject=f"T{i}").number for i in range(40)]
    assert numbers == list(range(numbers[0], numbers[0] + 40))
    assert numbers[0] == 1001


@postgres_only()
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("migration_rows")
def test_ticket_numbers_are_unique_under_concurrent_creates(desk):
    def create(i: int) -> list[int]:
        return [
            actions.create_ticket(
                actor=desk.alice,
                origin=ORIGIN,
                subject=f"T{i}-{j}",
                body="x",
                requester_email=desk.bob.email,
            ).number
            for j in range(5)
        ]

    results = in_threads(8, create)
    assert not [r for r in results if isinstance(r, Exception)], [repr(r) for r in results]
    numbers = [n for r in results for n in r]
    assert len(numbers) == 40, results
    assert sorted(numbers) == list(range(min(numbers), min(numbers) + 40))


@postgres_only()
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("migration_rows")
def test_concurrent_first_tickets_of_a_new_address_share_one_contact(desk):
    def create(i: int) -> int:
        return actions.create_ticket(
            actor=desk.alice,
            origin=ORIGIN,
            subject=f"First contact {i}",
            body="x",
            requester_email="brand.new@example.org",
        ).requester_id

    results = in_threads(8, create)
    assert not [r for r in results if isinstance(r, Exception)], [repr(r) for r in results]
    assert len(set(results)) == 1
    assert User.objects.filter(email="brand.new@example.org").count() == 1


# --- auto close -----------------------------------------------------------------------

AUTO_CLOSE = [
    # status, days since it was solved (or changed), closed by the job
    pytest.param("solved", 10, True, id="solved-long-ago"),
    pytest.param("solved", 4.01, True, id="solved-just-over-the-limit"),
    pytest.param("solved", 3.99, False, id="solved-just-under-the-limit"),
    pytest.param("solved", 0, False, id="solved-now"),
    pytest.param("pending", 30, False, id="pending-for-a-month"),
    pytest.param("open", 30, False, id="open-for-a-month"),
]


@pytest.mark.parametrize(("status", "days", "closes"), AUTO_CLOSE)
def test_close_solved_tickets(desk, make_ticket, settings, status, days, closes):
    settings.FRONTDESK_AUTO_CLOSE_DAYS = 4
    now = clock.now()
    ticket = make_ticket()
    move_to(desk, ticket, status, now=now - timedelta(days=days))

    closed = actions.close_solved_tickets(now=now)

    assert closed == int(closes)
    ticket.refresh_from_db()
    assert (ticket.status.slug == "closed") is closes
    assert bool(events_of(ticket, EventAction.AUTO_CLOSED)) is closes
    if closes:
        assert ticket.closed_at == now
    assert actions.close_solved_tickets(now=now) == 0  # idempotent


def test_a_reopened_ticket_is_not_auto_closed(desk, make_ticket, settings):
    settings.FRONTDESK_AUTO_CLOSE_DAYS = 4
    now = clock.now()
    ticket = make_ticket()
    move_to(desk, ticket, "solved", now=now - timedelta(days=10))
    actions.reopen_ticket(
        actor=desk.bob, origin=ORIGIN, number=ticket.number, now=now - timedelta(days=9)
    )
    assert actions.close_solved_tickets(now=now) == 0
    assert Ticket.objects.get(pk=ticket.pk).status.slug == "open"
