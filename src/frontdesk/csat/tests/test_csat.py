"""Satisfaction surveys: sent once when a ticket is solved, never to automatic senders or
bounced addresses, per-type switch; the link's page records only on POST; a week to change;
the portal page for the requester only; the sidebar; figures and the API."""

import re
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client

from frontdesk.core import clock
from frontdesk.csat import actions
from frontdesk.csat.models import CsatSetting, Survey
from frontdesk.csat.queries import csat_figures
from frontdesk.outbox.choices import OutboundState
from frontdesk.outbox.models import OutboundEmail
from frontdesk.tickets.actions.update import update_ticket
from frontdesk.tickets.events import Origin

pytestmark = pytest.mark.django_db


def solve(desk: Any, ticket: Any) -> Any:
    return set_status(desk, ticket, "solved")


def set_status(desk: Any, ticket: Any, status: str) -> Any:
    return update_ticket(
        actor=desk.alice,
        origin=Origin(),
        number=ticket.number,
        changes={"status": status},
        expected_version=None,
    )


def survey_mail(ticket: Any) -> OutboundEmail:
    return OutboundEmail.objects.get(ticket=ticket, dedupe_key__startswith="csat:")


def link_of(mail: OutboundEmail, rating: str) -> str:
    match = re.search(r"https?://[^/\s]+(/csat/[^\s?]+/)\?rating=" + rating, mail.body_text)
    assert match
    return match.group(1)


def test_solving_sends_one_survey_and_the_link_records_only_on_post(
    desk: Any, make_ticket: Any
) -> None:
    ticket = make_ticket(requester=desk.bob)
    solve(desk, ticket)
    survey = Survey.objects.get(ticket=ticket)
    mail = survey_mail(ticket)
    assert mail.to == ["bob@example.com"]
    assert mail.auto_submitted == "auto-generated"
    path = link_of(mail, "good")
    assert survey.token_hash == actions.hash_token(path.split("/")[2])
    page = Client().get(path + "?rating=good")  # a mail scanner's GET records nothing
    assert page.status_code == 200
    assert b'value="good" required checked' in page.content
    survey.refresh_from_db()
    assert survey.rating == ""
    posted = Client().post(path, {"rating": "bad", "comment": "Slow"})
    assert posted.status_code == 200
    survey.refresh_from_db()
    assert (survey.rating, survey.comment) == ("bad", "Slow")
    # Changeable for a week after the first rating, not after.
    first_rated_at = survey.first_rated_at
    assert first_rated_at is not None
    actions.rate(survey, "good", now=first_rated_at + timedelta(days=6))
    with pytest.raises(Exception, match="closed"):
        actions.rate(survey, "bad", now=first_rated_at + timedelta(days=8))
    assert Client().get("/csat/cs_nope/").status_code == 404


def test_one_survey_per_ticket_and_per_type_switch(desk: Any, make_ticket: Any) -> None:
    ticket = make_ticket(requester=desk.bob)
    solve(desk, ticket)
    set_status(desk, ticket, "open")
    solve(desk, ticket)
    assert Survey.objects.filter(ticket=ticket).count() == 1
    CsatSetting.objects.create(ticket_type="incident", enabled=False)
    other = make_ticket(requester=desk.bob, type="incident")
    solve(desk, other)
    assert not Survey.objects.filter(ticket=other).exists()


def test_never_mailed_to_bounced_or_automatic_senders(desk: Any, make_ticket: Any) -> None:
    first = make_ticket(requester=desk.bea)
    OutboundEmail.objects.filter(ticket=first).update(state=OutboundState.FAILED)
    OutboundEmail.objects.create(
        ticket=first,
        kind="reply",
        from_header="x",
        to=["bea@example.com"],
        subject="s",
        body_text="b",
        message_id="<m@x>",
        state=OutboundState.FAILED,
        created_at=clock.now(),
        updated_at=clock.now(),
    )
    second = make_ticket(requester=desk.bea)
    solve(desk, second)
    survey = Survey.objects.get(ticket=second)
    assert survey.skipped == "bounced"
    assert survey.email_id is None
    assert not OutboundEmail.objects.filter(dedupe_key__startswith="csat:").exists()


def test_portal_page_for_the_requester_only(desk: Any, make_ticket: Any) -> None:
    ticket = make_ticket(requester=desk.bob)
    solve(desk, ticket)
    url = f"/portal/satisfaction/{ticket.number}/"
    other = Client()
    other.force_login(desk.bea)
    assert other.get(url).status_code == 404
    assert other.post(url, {"rating": "bad"}).status_code == 404
    mine = Client()
    mine.force_login(desk.bob)
    assert mine.get(url).status_code == 200
    assert mine.post(url, {"rating": "good"}).status_code == 200
    assert Survey.objects.get(ticket=ticket).rating == "good"


def test_figures_and_api(desk: Any, make_ticket: Any, as_user: Any) -> None:
    for requester, rating in ((desk.bob, "good"), (desk.bea, "bad"), (desk.gil, "")):
        ticket = make_ticket(requester=requester, assignee_id=desk.alice.pk)
        solve(desk, ticket)
        if rating:
            actions.rate(Survey.objects.get(ticket=ticket), rating)
    now = clock.now()
    [overall] = csat_figures(now - timedelta(days=1), now + timedelta(days=1))
    assert (overall.surveys, overall.rated, overall.good, overall.score) == (3, 2, 1, 0.5)
    [alice] = csat_figures(now - timedelta(days=1), now + timedelta(days=1), group="agent")
    assert alice.key == str(desk.alice.pk)
    report = as_user(desk.sam).get("/api/v1/reports/csat?group=agent").json()
    assert report["rows"][0]["good"] == 1
    assert as_user(desk.alice).get("/api/v1/reports/csat").status_code == 403
    assert as_user(desk.bob).get("/api/v1/reports/csat").status_code == 404
    number = Survey.objects.get(requester=desk.bob).ticket.number
    assert (
        as_user(desk.alice).get(f"/api/v1/tickets/{number}/satisfaction").json()["rating"] == "good"
    )
    assert (
        as_user(desk.bea)
        .put(
            f"/api/v1/tickets/{number}/satisfaction",
            {"rating": "bad"},
            content_type="application/json",
        )
        .status_code
        == 404
    )


def test_settings_api_for_administrators(desk: Any, as_user: Any) -> None:
    """The per-type switch: administrators; other staff 403, customers 404 (as for the
    other settings, nothing is there for them)."""
    listed = as_user(desk.carol).get("/api/v1/csat/settings")
    assert {row["ticket_type"] for row in listed.json()} >= {"incident", "question"}
    assert as_user(desk.sam).get("/api/v1/csat/settings").status_code == 403
    assert as_user(desk.bob).get("/api/v1/csat/settings").status_code == 404
    url = "/api/v1/csat/settings/incident"
    body = {"enabled": False}
    assert as_user(desk.bob).put(url, body, content_type="application/json").status_code == 403
    assert as_user(desk.carol).put(url, body, content_type="application/json").json() == {
        "ticket_type": "incident",
        "enabled": False,
    }
    assert CsatSetting.objects.get(ticket_type="incident").enabled is False
