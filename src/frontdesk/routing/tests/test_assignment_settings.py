"""The assignment settings page, agents' routing settings (action and API) and the header's
availability control."""

import json
from typing import Any

import pytest
from django.test import Client

from frontdesk.accounts.models import AgentProfile
from frontdesk.core.errors import Forbidden, Invalid, NotFound
from frontdesk.routing.actions import configure_agent_profile
from frontdesk.routing.models import TeamAssignment
from frontdesk.sla.actions import save_calendar


@pytest.fixture
def office(desk):
    return save_calendar(
        actor=desk.carol,
        name="Office",
        time_zone="Europe/Berlin",
        weekly={str(day): [["09:00", "17:00"]] for day in range(5)},
    )


def configure(actor: Any, agent: Any, **fields: Any) -> AgentProfile:
    return configure_agent_profile(
        actor=actor,
        user_id=agent.pk,
        capacity=fields.pop("capacity", 5),
        skills=fields.pop("skills", []),
        **fields,
    )


# --- the action -----------------------------------------------------------------------------


def test_an_admin_sets_capacity_skills_and_working_hours(desk, office):
    profile = configure(
        desk.carol,
        desk.alice,
        capacity=None,
        skills=["German", " german ", "SQL Server", ""],
        working_calendar_id=office.pk,
    )

    profile.refresh_from_db()
    assert (profile.capacity, profile.skills, profile.working_calendar_id) == (
        None,
        ["German", "SQLServer"],
        office.pk,
    )


@pytest.mark.parametrize(
    ("who", "agent", "refused"),
    [
        ("sam", "alice", None),
        ("sam", "sam", None),
        ("sam", "dave", Forbidden),
        ("alice", "alice", Forbidden),
        ("bob", "alice", NotFound),
        ("carol", "bob", NotFound),
    ],
)
def test_who_sets_whose_settings(desk, who, agent, refused):
    if refused is None:
        assert configure(getattr(desk, who), getattr(desk, agent)).capacity == 5
        return
    with pytest.raises(refused):
        configure(getattr(desk, who), getattr(desk, agent))


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"capacity": -1}, "invalid_capacity"),
        ({"capacity": 1001}, "invalid_capacity"),
        ({"skills": ["x" * 51]}, "invalid_skills"),
        ({"skills": [f"s{i}" for i in range(51)]}, "invalid_skills"),
        ({"working_calendar_id": 999_999}, "unknown_calendar"),
    ],
)
def test_invalid_agent_settings_are_refused(desk, fields, code):
    with pytest.raises(Invalid) as refused:
        configure(desk.carol, desk.alice, **fields)
    assert refused.value.code == code


def test_light_agents_have_no_routing_settings(desk):
    with pytest.raises(Invalid) as refused:
        configure(desk.carol, desk.lena)
    assert refused.value.code == "not_an_agent"


# --- the API ----------------------------------------------------------------------------------


def put(client: Client, path: str, body: Any) -> Any:
    return client.put("/api/v1" + path, json.dumps(body), content_type="application/json")


def test_a_supervisor_lists_and_changes_their_teams_agents(desk, as_user, office):
    client = as_user(desk.sam)

    listed = client.get("/api/v1/routing/agents")
    changed = put(
        client,
        f"/routing/agents/{desk.alice.pk}",
        {"capacity": 8, "skills": ["vpn"], "working_calendar_id": office.pk},
    )

    assert listed.status_code == 200
    assert [row["email"] for row in listed.json()] == ["alice@example.com", "sam@example.com"]
    assert changed.status_code == 200, changed.content
    assert changed.json() == {
        "user_id": desk.alice.pk,
        "name": "Alice",
        "email": "alice@example.com",
        "availability": "offline",
        "capacity": 8,
        "skills": ["vpn"],
        "working_calendar_id": office.pk,
    }


def test_an_admin_lists_every_working_agent(desk, as_user):
    emails = [row["email"] for row in as_user(desk.carol).get("/api/v1/routing/agents").json()]
    assert emails == [
        "alice@example.com",
        "carol@example.com",
        "dave@example.com",
        "sam@example.com",
    ]


@pytest.mark.parametrize(
    ("who", "status", "code"),
    [("alice", 403, "team_lead_required"), ("bob", 404, "not_found")],
)
def test_agents_and_customers_cannot_list(desk, as_user, who, status, code):
    response = as_user(getattr(desk, who)).get("/api/v1/routing/agents")
    assert (response.status_code, response.json()["code"]) == (status, code)


def test_a_supervisor_cannot_change_another_teams_agent(desk, as_user):
    response = put(as_user(desk.sam), f"/routing/agents/{desk.dave.pk}", {"capacity": 1})
    assert (response.status_code, response.json()["code"]) == (403, "team_lead_required")


def test_a_team_settings_put_sets_the_next_tier(desk, as_user):
    path = f"/teams/{desk.support.pk}/assignment"
    response = put(as_user(desk.sam), path, {"strategy": "manual", "escalates_to": desk.support.pk})
    assert (response.status_code, response.json()["code"]) == (422, "tier_cycle")


# --- the page ---------------------------------------------------------------------------------


def page_of(client: Client, user: Any) -> Any:
    client.force_login(user)
    return client.get("/desk/admin/assignment/")


def test_an_admin_sees_every_team_and_agent(desk, client):
    response = page_of(client, desk.carol)

    assert response.status_code == 200
    page = response.content.decode()
    assert f'id="team-{desk.billing.pk}"' in page
    assert f'id="agent-{desk.dave.pk}"' in page
    assert "Lena" not in page  # light agents hold no tickets


def test_a_supervisor_sees_their_own_teams_and_members(desk, client):
    page = page_of(client, desk.sam).content.decode()

    assert f'id="team-{desk.support.pk}"' in page
    assert f'id="team-{desk.billing.pk}"' not in page
    assert f'id="agent-{desk.alice.pk}"' in page
    assert f'id="agent-{desk.dave.pk}"' not in page


@pytest.mark.parametrize(("who", "status"), [("alice", 403), ("lena", 403), ("bob", 404)])
def test_agents_and_customers_do_not_get_the_page(desk, client, who, status):
    assert page_of(client, getattr(desk, who)).status_code == status


def test_saving_a_team_row(desk, client):
    client.force_login(desk.sam)
    prefix = f"team-{desk.support.pk}-"

    response = client.post(
        f"/desk/admin/assignment/teams/{desk.support.pk}/",
        {
            prefix + "strategy": "round_robin",
            prefix + "reassign_offline_after_minutes": "30",
            prefix + "escalates_to": str(desk.billing.pk),
        },
    )

    assert response.status_code == 302
    settings = TeamAssignment.objects.get(pk=desk.support.pk)
    assert (settings.strategy, settings.reassign_offline_after_minutes) == ("round_robin", 30)
    assert settings.escalates_to_id == desk.billing.pk


def test_a_loop_is_shown_on_the_next_tier_field(desk, client):
    client.force_login(desk.carol)
    client.post(
        f"/desk/admin/assignment/teams/{desk.support.pk}/",
        {
            f"team-{desk.support.pk}-strategy": "manual",
            f"team-{desk.support.pk}-escalates_to": str(desk.billing.pk),
        },
    )
    prefix = f"team-{desk.billing.pk}-"

    response = client.post(
        f"/desk/admin/assignment/teams/{desk.billing.pk}/",
        {prefix + "strategy": "manual", prefix + "escalates_to": str(desk.support.pk)},
    )

    assert response.status_code == 422
    assert "would lead back to Billing" in response.content.decode()
    assert not TeamAssignment.objects.filter(pk=desk.billing.pk).exists()


def test_a_supervisor_cannot_post_another_teams_row(desk, client):
    client.force_login(desk.sam)
    response = client.post(
        f"/desk/admin/assignment/teams/{desk.billing.pk}/",
        {f"team-{desk.billing.pk}-strategy": "round_robin"},
    )
    assert response.status_code == 403
    assert not TeamAssignment.objects.exists()


def test_saving_an_agent_row(desk, client, office):
    client.force_login(desk.sam)
    prefix = f"agent-{desk.alice.pk}-"

    response = client.post(
        f"/desk/admin/assignment/agents/{desk.alice.pk}/",
        {
            prefix + "capacity": "",
            prefix + "skills": "german, vpn",
            prefix + "working_calendar": str(office.pk),
        },
    )

    assert response.status_code == 302
    profile = AgentProfile.objects.get(user=desk.alice)
    assert (profile.capacity, profile.skills, profile.working_calendar_id) == (
        None,
        ["german", "vpn"],
        office.pk,
    )


def test_an_invalid_agent_row_keeps_what_was_typed(desk, client):
    client.force_login(desk.carol)
    prefix = f"agent-{desk.alice.pk}-"
    response = client.post(
        f"/desk/admin/assignment/agents/{desk.alice.pk}/",
        {prefix + "capacity": "-3", prefix + "skills": "typed-skill"},
    )
    assert response.status_code == 422
    assert "typed-skill" in response.content.decode()


@pytest.mark.parametrize(("who", "status"), [("sam", 403), ("alice", 403)])
def test_others_agents_rows_are_refused(desk, client, who, status):
    client.force_login(getattr(desk, who))
    response = client.post(
        f"/desk/admin/assignment/agents/{desk.dave.pk}/", {f"agent-{desk.dave.pk}-capacity": "1"}
    )
    assert response.status_code == status


def test_the_header_links_the_page_for_leads_only(desk, client):
    client.force_login(desk.sam)
    assert 'href="/desk/admin/assignment/"' in client.get("/desk/").content.decode()
    client.force_login(desk.alice)
    assert 'href="/desk/admin/assignment/"' not in client.get("/desk/").content.decode()


# --- the availability control -------------------------------------------------------------------


def test_the_header_shows_your_availability(desk, client):
    client.force_login(desk.alice)
    page = client.get("/desk/").content.decode()
    assert '<label class="visually-hidden" for="availability-select">' in page
    assert '<option value="offline" selected>' in page


def test_changing_availability_swaps_only_the_control(desk, client):
    client.force_login(desk.alice)

    response = client.post(
        "/desk/availability/", {"availability": "away"}, headers={"HX-Request": "true"}
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<form id="availability"')
    assert '<option value="away" selected>' in html
    assert AgentProfile.objects.get(user=desk.alice).availability == "away"


def test_without_htmx_the_control_posts_and_returns(desk, client):
    client.force_login(desk.alice)
    response = client.post(
        "/desk/availability/", {"availability": "online", "next": "/desk/search/"}
    )
    assert (response.status_code, response["Location"]) == (302, "/desk/search/")
    response = client.post(
        "/desk/availability/", {"availability": "online", "next": "https://evil.example/"}
    )
    assert response["Location"] == "/desk/"


def test_an_unknown_availability_is_refused(desk, client):
    client.force_login(desk.alice)
    response = client.post(
        "/desk/availability/", {"availability": "busy"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 422
    assert not AgentProfile.objects.filter(user=desk.alice, availability="busy").exists()


def test_customers_have_no_availability_control(desk, client):
    client.force_login(desk.bob)
    assert client.post("/desk/availability/", {"availability": "online"}).status_code == 404
