"""Monitoring alerts: Alertmanager version 4 and generic payloads to tickets."""

import json
from datetime import timedelta
from typing import Any

import pytest
from conftest import Desk
from django.core.management import call_command
from django.test import Client

from frontdesk.alerts.actions import create_source
from frontdesk.alerts.models import Alert, AlertSource
from frontdesk.core import clock
from frontdesk.tickets.choices import Channel, MessageKind, Priority, StatusCategory
from frontdesk.tickets.models import Message, Ticket, TicketLink

FINGERPRINT = "c1d2a3b4e5f60718"


def alertmanager(
    status: str = "firing", *, fingerprint: str = FINGERPRINT, **extra: Any
) -> dict[str, Any]:
    """A notification as Alertmanager 0.27 posts it (webhook version 4)."""
    alert = {
        "status": status,
        "labels": {
            "alertname": "DiskFull",
            "instance": "db1:9100",
            "job": "node",
            "severity": "critical",
        },
        "annotations": {
            "summary": "Disk almost full on db1",
            "description": "/var/lib/postgresql is 97% full.",
        },
        "startsAt": "2026-11-23T10:00:00.000Z",
        "endsAt": "2026-11-23T11:00:00.000Z" if status == "resolved" else "0001-01-01T00:00:00Z",
        "generatorURL": "http://prometheus.example.com/graph?g0.expr=disk",
        "fingerprint": fingerprint,
    }
    return {
        "receiver": "frontdesk",
        "status": status,
        "alerts": [alert],
        "groupLabels": {"alertname": "DiskFull"},
        "commonLabels": alert["labels"],
        "commonAnnotations": alert["annotations"],
        "externalURL": "http://alertmanager.example.com",
        "version": "4",
        "groupKey": '{}:{alertname="DiskFull"}',
        "truncatedAlerts": 0,
        **extra,
    }


@pytest.fixture
def source_token(desk: Desk) -> str:
    _, token = create_source(
        actor=desk.carol,
        name="Prometheus",
        as_user_id=desk.alice.pk,
        requester_email="ops@example.com",
        default_team_id=desk.support.pk,
        note_interval_seconds=0,
    )
    return token


def post(token: str, body: Any, kind: str = "alertmanager") -> Any:
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    return Client().post(
        f"/hooks/alerts/{kind}",
        raw,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )


def notes(ticket: Ticket) -> list[str]:
    rows = Message.objects.filter(ticket=ticket, kind=MessageKind.NOTE).order_by("pk")
    return [m.body_text for m in rows]


def test_firing_twice_is_one_ticket_with_two_occurrences(source_token: str, desk: Desk) -> None:
    first = post(source_token, alertmanager())
    assert first.status_code == 200, first.content
    assert first.json()["results"][0]["result"] == "created"
    second = post(source_token, alertmanager())
    assert second.json()["results"][0]["result"] == "noted"
    ticket = Ticket.objects.get()
    assert ticket.channel == Channel.ALERT
    assert ticket.priority == Priority.URGENT  # severity critical
    assert ticket.team == desk.support
    assert ticket.requester.email == "ops@example.com"
    assert ticket.subject == "[Prometheus] DiskFull: Disk almost full on db1"
    alert = Alert.objects.get()
    assert alert.occurrences == 2
    assert alert.ticket == ticket
    assert notes(ticket) == ["Still firing: occurrence 2.\n\n/var/lib/postgresql is 97% full."]


def test_resolved_notes_and_solves_with_the_setting(desk: Desk) -> None:
    _, token = create_source(actor=None, name="AM", as_user_id=desk.alice.pk, on_resolved="solve")
    post(token, alertmanager())
    response = post(token, alertmanager("resolved"))
    assert response.json()["results"][0]["result"] == "solved"
    ticket = Ticket.objects.get()
    assert ticket.status_category == StatusCategory.SOLVED
    assert notes(ticket) == ["Resolved after 1 occurrence(s)."]
    assert not Alert.objects.get().is_open
    # A new firing after the solve opens a new ticket, linked to the old one.
    again = post(token, alertmanager())
    assert again.json()["results"][0]["result"] == "created"
    new = Ticket.objects.exclude(pk=ticket.pk).get()
    assert TicketLink.objects.filter(source=new, target=ticket).exists()
    assert Alert.objects.filter(is_open=True).get().ticket == new


def test_resolved_with_note_setting_keeps_the_ticket_and_refiring_lands_on_it(
    source_token: str,
) -> None:
    post(source_token, alertmanager())
    assert post(source_token, alertmanager("resolved")).json()["results"][0]["result"] == "resolved"
    assert post(source_token, alertmanager("resolved")).json()["results"][0]["result"] == "ignored"
    ticket = Ticket.objects.get()
    assert ticket.status_category == StatusCategory.NEW
    assert post(source_token, alertmanager()).json()["results"][0]["result"] == "noted"
    assert Ticket.objects.count() == 1
    assert notes(ticket)[-1].startswith("Firing again: occurrence 2.")


def test_repeats_are_rate_bounded(desk: Desk, monkeypatch: pytest.MonkeyPatch) -> None:
    _, token = create_source(
        actor=None, name="Noisy", as_user_id=desk.carol.pk, note_interval_seconds=600
    )
    start = clock.now()
    results = []
    for minute in range(5):
        monkeypatch.setattr(clock, "now", lambda m=minute: start + timedelta(minutes=m))
        results.append(post(token, alertmanager()).json()["results"][0]["result"])
    assert results == ["created", "counted", "counted", "counted", "counted"]
    monkeypatch.setattr(clock, "now", lambda: start + timedelta(minutes=11))
    assert post(token, alertmanager()).json()["results"][0]["result"] == "noted"
    ticket = Ticket.objects.get()
    assert notes(ticket) == [
        "Still firing: occurrence 6 (4 more since the last note).\n\n"
        "/var/lib/postgresql is 97% full."
    ]
    assert Alert.objects.get().occurrences == 6


def test_an_agent_solving_the_ticket_ends_the_problem(source_token: str, desk: Desk) -> None:
    from frontdesk.tickets.actions import update_ticket
    from frontdesk.tickets.events import Origin

    post(source_token, alertmanager())
    ticket = Ticket.objects.get()
    update_ticket(
        actor=desk.alice,
        origin=Origin(),
        number=ticket.number,
        changes={"status": "solved"},
        expected_version=None,
    )
    assert post(source_token, alertmanager()).json()["results"][0]["result"] == "created"
    assert Ticket.objects.count() == 2


def test_group_dedupe_uses_the_group_key(desk: Desk) -> None:
    _, token = create_source(
        actor=None,
        name="Grouped",
        as_user_id=desk.alice.pk,
        dedupe_by="group",
        note_interval_seconds=0,
    )
    other = alertmanager(fingerprint="ffff000011112222")
    post(token, alertmanager())
    response = post(token, other)
    assert response.json()["results"][0]["result"] == "noted"
    assert Alert.objects.get().key == '{}:{alertname="DiskFull"}'


def test_two_alerts_in_one_notification_are_two_tickets(source_token: str) -> None:
    body = alertmanager()
    second = dict(body["alerts"][0], fingerprint="0123456789abcdef")
    second["labels"] = dict(second["labels"], instance="db2:9100", severity="warning")
    body["alerts"].append(second)
    results = post(source_token, body).json()["results"]
    assert [r["result"] for r in results] == ["created", "created"]
    priorities = sorted(Ticket.objects.values_list("priority", flat=True))
    assert priorities == [Priority.NORMAL, Priority.URGENT]


def test_generic_alert_json(source_token: str) -> None:
    alert = {
        "key": "backup-nightly",
        "status": "firing",
        "title": "Nightly backup failed",
        "description": "Exit status 2",
        "severity": "error",
        "labels": {"host": "backup1"},
        "url": "https://monitor.example.com/checks/17",
    }
    assert post(source_token, alert, "generic").json()["results"][0]["result"] == "created"
    both = {"alerts": [alert, dict(alert, status="resolved")]}
    results = post(source_token, both, "generic").json()["results"]
    assert [r["result"] for r in results] == ["noted", "resolved"]
    ticket = Ticket.objects.get()
    assert ticket.priority == Priority.HIGH
    first = Message.objects.filter(ticket=ticket).order_by("pk").first()
    assert first is not None
    assert "https://monitor.example.com/checks/17" in first.body_text


@pytest.mark.parametrize(
    ("body", "status", "code", "field"),
    [
        (b"not json", 400, "invalid_json", None),
        ([], 422, "invalid_payload", "body"),
        ({"version": "3", "alerts": []}, 422, "invalid_payload", "version"),
        (
            {"version": "4", "alerts": [{"status": "firing"}]},
            422,
            "invalid_payload",
            "alerts[0].fingerprint",
        ),
        (
            {"version": "4", "alerts": [{"status": "odd", "fingerprint": "x"}]},
            422,
            "invalid_payload",
            "alerts[0].status",
        ),
    ],
)
def test_bad_alertmanager_payloads_are_clear_4xx(
    source_token: str, body: Any, status: int, code: str, field: str | None
) -> None:
    response = post(source_token, body)
    assert response.status_code == status
    assert response.json()["code"] == code
    if field:
        assert response.json()["details"] == {"field": field}
    assert not Ticket.objects.exists()


def test_generic_rejects_unknown_fields_and_missing_title(source_token: str) -> None:
    response = post(source_token, {"key": "k", "title": "t", "priority": "high"}, "generic")
    assert response.status_code == 422
    assert response.json()["details"] == {"field": "priority"}
    response = post(source_token, {"key": "k"}, "generic")
    assert response.status_code == 422
    assert response.json()["details"] == {"field": "title"}


def test_tokens_are_required_hashed_and_per_source(source_token: str, desk: Desk) -> None:
    assert post("fda_wrong", alertmanager()).status_code == 401
    assert post("", alertmanager()).status_code == 401
    response = Client().post(
        "/hooks/alerts/alertmanager", alertmanager(), content_type="application/json"
    )
    assert response.status_code == 401
    assert response.json()["code"] == "unauthenticated"
    source = AlertSource.objects.get()
    assert source_token not in (source.token_hash, source.token_hint)
    assert len(source.token_hash) == 64
    source.is_active = False
    source.save()
    assert post(source_token, alertmanager()).status_code == 401
    assert not Ticket.objects.exists()


def test_oversized_body_is_refused(source_token: str) -> None:
    response = post(source_token, b"{" + b" " * (1 << 20) + b"}")
    assert response.status_code == 413


def test_a_source_whose_account_was_demoted_is_refused(source_token: str, desk: Desk) -> None:
    desk.alice.role = "customer"
    desk.alice.save()
    response = post(source_token, alertmanager())
    assert response.status_code == 403
    assert response.json()["code"] == "source_misconfigured"


def test_only_get_is_refused(source_token: str) -> None:
    assert Client().get("/hooks/alerts/alertmanager").status_code == 405


def test_notes_still_land_when_the_ticket_left_the_actors_sight(
    source_token: str, desk: Desk
) -> None:
    from frontdesk.tickets.actions import update_ticket
    from frontdesk.tickets.events import Origin

    post(source_token, alertmanager())
    ticket = Ticket.objects.get()
    update_ticket(
        actor=desk.carol,
        origin=Origin(),
        number=ticket.number,
        changes={"team_id": desk.billing.pk},
        expected_version=None,
    )
    assert post(source_token, alertmanager()).json()["results"][0]["result"] == "noted"
    assert len(notes(ticket)) == 1


def test_command_creates_a_source_and_prints_the_token(desk: Desk, capsys: Any) -> None:
    call_command("alertsource", "create", "--name", "CLI", "--as", desk.alice.email)
    token = capsys.readouterr().out.strip()
    assert token.startswith("fda_")
    assert post(token, alertmanager()).status_code == 200


def test_query_budgets(source_token: str, django_assert_max_num_queries: Any) -> None:
    """A repeat of a known alert and a refused request stay cheap whatever the history."""
    post(source_token, alertmanager())
    with django_assert_max_num_queries(2):
        assert post("fda_wrong", alertmanager()).status_code == 401
    # 8 statements and 6 savepoint commands: the source, the locked alert, the note
    # (gate, message, ticket, event), the alert's counters.
    with django_assert_max_num_queries(14):
        assert post(source_token, alertmanager()).json()["results"][0]["result"] in (
            "noted",
            "counted",
        )
