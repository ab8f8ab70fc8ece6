"""Who may set a team's assignment, what is accepted, and the same through the API."""

import json
from typing import Any

import pytest
from django.test import Client

from frontdesk.core.errors import DomainError, Forbidden, Invalid, NotFound
from frontdesk.routing.actions import configure_team_assignment, set_availability
from frontdesk.routing.models import TeamAssignment
from frontdesk.routing.tests.crew import NOW


def configure(desk: Any, who: str, team: str, **settings: Any) -> TeamAssignment:
    return configure_team_assignment(
        actor=getattr(desk, who),
        team_id=getattr(desk, team).pk,
        strategy=settings.pop("strategy", "load_balanced"),
        **settings,
    )


@pytest.mark.parametrize(
    ("who", "team", "refused"),
    [
        pytest.param("carol", "billing", None, id="admin_any_team"),
        pytest.param("sam", "support", None, id="supervisor_own_team"),
        pytest.param("sam", "billing", Forbidden, id="supervisor_other_team"),
        pytest.param("alice", "support", Forbidden, id="agent"),
        pytest.param("lena", "support", Forbidden, id="light_agent"),
        pytest.param("bob", "support", NotFound, id="customer"),
    ],
)
def test_admins_and_the_teams_supervisors_set_the_strategy(desk, who, team, refused):
    if refused is None:
        settings = configure(desk, who, team, reassign_offline_after_minutes=15)
        assert (settings.strategy, settings.reassign_offline_after_minutes) == (
            "load_balanced",
            15,
        )
        return
    with pytest.raises(refused):
        configure(desk, who, team)
    assert not TeamAssignment.objects.exists()


@pytest.mark.parametrize(
    ("settings", "code"),
    [
        pytest.param({"strategy": "random"}, "unknown_strategy", id="unknown_strategy"),
        pytest.param({"reassign_offline_after_minutes": 0}, "invalid_reassign_delay", id="zero"),
        pytest.param(
            {"reassign_offline_after_minutes": 7 * 24 * 60 + 1},
            "invalid_reassign_delay",
            id="over_a_week",
        ),
    ],
)
def test_invalid_settings_are_refused(desk, settings, code):
    with pytest.raises(Invalid) as refused:
        configure(desk, "carol", "support", **settings)
    assert refused.value.code == code


def test_reconfiguring_keeps_the_rotation(desk, crew, raise_ticket):
    raise_ticket()  # ann's: the cursor is on ann
    configure_team_assignment(actor=desk.carol, team_id=crew.team.pk, strategy="load_balanced")
    configure_team_assignment(actor=desk.carol, team_id=crew.team.pk, strategy="round_robin")

    assert raise_ticket().assignee_id == crew.ben.pk


def test_customers_have_no_presence(desk):
    with pytest.raises(Forbidden):
        set_availability(actor=desk.bob, availability="online", now=NOW)
    with pytest.raises(DomainError) as refused:
        set_availability(actor=desk.alice, availability="busy", now=NOW)
    assert refused.value.code == "unknown_availability"


# --- the API ------------------------------------------------------------------------------


def put(client: Client, path: str, body: Any) -> Any:
    return client.put("/api/v1" + path, json.dumps(body), content_type="application/json")


def test_a_team_reads_as_manual_until_configured(desk, as_user):
    response = as_user(desk.sam).get(f"/api/v1/teams/{desk.support.pk}/assignment")

    assert response.status_code == 200
    assert response.json() == {
        "team_id": desk.support.pk,
        "strategy": "manual",
        "reassign_offline_after_minutes": None,
        "escalates_to": None,
    }


def test_a_supervisor_configures_their_team(desk, as_user):
    path = f"/teams/{desk.support.pk}/assignment"
    body = {
        "strategy": "skills",
        "reassign_offline_after_minutes": 45,
        "escalates_to": desk.billing.pk,
    }

    response = put(as_user(desk.sam), path, body)

    assert response.status_code == 200, response.content
    assert response.json() == {"team_id": desk.support.pk, **body}
    assert as_user(desk.carol).get("/api/v1" + path).json() == response.json()


@pytest.mark.parametrize(
    ("who", "team", "body", "status", "code"),
    [
        pytest.param("alice", "support", {"strategy": "manual"}, 403, "team_lead_required"),
        pytest.param("sam", "billing", {"strategy": "manual"}, 403, "team_lead_required"),
        pytest.param("bob", "support", {"strategy": "manual"}, 404, "not_found"),
        pytest.param("carol", "support", {"strategy": "fifo"}, 422, "validation_error"),
        pytest.param(
            "carol",
            "support",
            {"strategy": "manual", "reassign_offline_after_minutes": -1},
            422,
            "validation_error",
        ),
        pytest.param(
            "carol", "support", {"strategy": "manual", "rr_cursor": 1}, 422, "validation_error"
        ),
    ],
)
def test_refused_team_settings(desk, as_user, who, team, body, status, code):
    response = put(as_user(getattr(desk, who)), f"/teams/{getattr(desk, team).pk}/assignment", body)

    assert (response.status_code, response.json()["code"]) == (status, code)
    assert not TeamAssignment.objects.exists()


def test_an_unknown_team_is_not_found(desk, as_user):
    response = put(as_user(desk.carol), "/teams/999999/assignment", {"strategy": "manual"})
    assert response.status_code == 404


def test_an_agent_sets_their_own_presence(desk, as_user):
    client = as_user(desk.alice)

    offline = put(client, "/users/me/availability", {"availability": "offline"})
    online = put(client, "/users/me/availability", {"availability": "online"})

    assert offline.status_code == 200
    assert offline.json()["availability"] == "offline"
    assert offline.json()["offline_since"] is not None
    assert online.json() == {"availability": "online", "offline_since": None}
    refused = put(as_user(desk.bob), "/users/me/availability", {"availability": "online"})
    assert (refused.status_code, refused.json()["code"]) == (403, "no_presence")
    invalid = put(client, "/users/me/availability", {"availability": "busy"})
    assert invalid.status_code == 422
