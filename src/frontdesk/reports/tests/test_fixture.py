"""The hand-computed fixture (docs/metrics.md): five tickets with scripted histories, every
metric asserted against values worked out by hand below.

The desk works Monday-Friday 09:00-17:00 in Berlin (UTC+1 in November and December), so a
Berlin time of 10:00 is 09:00 UTC and every day's working hours fall on the same UTC day.
The report covers Monday 23 November to Sunday 6 December 2026. All times below are Berlin.

A  alice, support, email, normal. Created Mon 23 10:00 (assigned: open).
   alice replies Mon 10:30 (first response: 30 min = 1800 s, business the same).
   bob replies Mon 16:00; alice replies Tue 24 09:30 and solves.
     next response cycle Mon 16:00 -> Tue 09:30: 17.5 h = 63000 s calendar;
     business Mon 16-17 + Tue 9-9:30 = 1.5 h = 5400 s.
   resolution Mon 10:00 -> Tue 09:30 = 23.5 h = 84600 s; business 7 h + 0.5 h = 27000 s.
   requester wait: open the whole time, the same 84600 / 27000 s.
   2 public agent replies: not first contact resolution. SLA: all achieved.
B  dave, billing, api, normal. Created Mon 23 11:00 (assigned), dave replies 11:45 and
   solves: first response = resolution = wait = 45 min = 2700 s (business too).
   One public agent reply, never reopened: first contact resolution.
C  alice, support, email, normal. Created Fri 27 16:00 (assigned).
   alice replies Fri 16:30, status pending (first response 1800 s, business 1800 s).
   bob replies Mon 30 10:00 (pending -> open; next response cycle starts).
   alice replies Mon 30 11:30 and solves (cycle 1.5 h = 5400 s, business 5400 s).
   bob replies Tue 1 Dec 09:00: solved -> open, reopened once (a new cycle starts).
   sam replies Tue 10:00 and solves (cycle 1 h = 3600 s).
     next response, mean of the cycles: (5400 + 3600) / 2 = 4500 s, business 4500 s.
   resolution Fri 27 16:00 -> Tue 1 10:00 = 3 d 18 h = 324000 s;
     business Fri 16-17 (1 h) + Mon 9-17 (8 h) + Tue 9-10 (1 h) = 10 h = 36000 s.
   requester wait (new/open/on hold only): Fri 16:00-16:30, Mon 10:00-11:30, Tue
     09:00-10:00 = 0.5 + 1.5 + 1 = 3 h = 10800 s (all in working hours: business too).
   3 public agent replies, reopened: no FCR. Solver: alice (the assignee at the solve).
D  billing, api, normal, unassigned. Created Wed 25 10:00, never answered. The sweep at
   12:00 records the first response breach. Still open at the end: backlog.
E  dave, billing, api, high. Created Tue 24 10:00 (assigned). dave replies 11:00 (first
   response 3600 s, the 30-minute target breached), solves at 13:30 without a reply:
   resolution = wait = 3.5 h = 12600 s, inside the 240-minute target. FCR.
"""

from datetime import date
from typing import Any

import pytest

from frontdesk.reports import actions as report_actions
from frontdesk.reports import queries
from frontdesk.reports.models import ActivePeriod, TicketMetrics
from frontdesk.reports.tests.conftest import berlin
from frontdesk.sla.actions import sweep_due_tickets
from frontdesk.tickets.actions import create_ticket, post_reply, update_ticket
from frontdesk.tickets.events import Origin

EMAIL, API = Origin(channel="email"), Origin(channel="api")
FILTERS = queries.Filters(start=date(2026, 11, 23), end=date(2026, 12, 6))


@pytest.fixture
def scripted(desk: Any, office_policy: Any, committed: Any) -> dict[str, Any]:
    office_policy()

    def create(origin: Origin, at: Any, team: Any, assignee: Any, **fields: Any) -> Any:
        return committed(
            lambda: create_ticket(
                actor=desk.carol,
                origin=origin,
                subject="Help",
                body="Please help.",
                requester_email=desk.bob.email,
                team_id=team.pk,
                assignee_id=assignee.pk if assignee else None,
                now=at,
                **fields,
            )
        )

    def reply(actor: Any, ticket: Any, at: Any, status: str | None = None) -> None:
        committed(
            lambda: post_reply(
                actor=actor, origin=API, number=ticket.number, body="Hi", status=status, now=at
            )
        )

    def solve(actor: Any, ticket: Any, at: Any) -> None:
        committed(
            lambda: update_ticket(
                actor=actor,
                origin=API,
                number=ticket.number,
                changes={"status": "solved"},
                expected_version=None,
                now=at,
            )
        )

    a = create(EMAIL, berlin(11, 23, 10), desk.support, desk.alice)
    reply(desk.alice, a, berlin(11, 23, 10, 30))
    reply(desk.bob, a, berlin(11, 23, 16))
    reply(desk.alice, a, berlin(11, 24, 9, 30), status="solved")
    b = create(API, berlin(11, 23, 11), desk.billing, desk.dave)
    reply(desk.dave, b, berlin(11, 23, 11, 45), status="solved")
    e = create(API, berlin(11, 24, 10), desk.billing, desk.dave, priority="high")
    reply(desk.dave, e, berlin(11, 24, 11))
    solve(desk.dave, e, berlin(11, 24, 13, 30))
    d = create(API, berlin(11, 25, 10), desk.billing, None)
    committed(lambda: sweep_due_tickets(now=berlin(11, 25, 12)))
    c = create(EMAIL, berlin(11, 27, 16), desk.support, desk.alice)
    reply(desk.alice, c, berlin(11, 27, 16, 30), status="pending")
    reply(desk.bob, c, berlin(11, 30, 10))
    reply(desk.alice, c, berlin(11, 30, 11, 30), status="solved")
    reply(desk.bob, c, berlin(12, 1, 9))
    reply(desk.sam, c, berlin(12, 1, 10), status="solved")
    # The sweep's breach on D is not a ticket change: the scheduler's job picks it up.
    report_actions.sweep_stale(now=berlin(11, 25, 12, 1))
    return {"a": a, "b": b, "c": c, "d": d, "e": e, "desk": desk}


def row(ticket: Any) -> TicketMetrics:
    return TicketMetrics.objects.get(ticket=ticket)


def test_per_ticket_rows(scripted: dict[str, Any]) -> None:
    desk = scripted["desk"]
    a, b, c, d, e = (row(scripted[k]) for k in "abcde")
    assert (a.first_response_seconds, a.first_response_business_seconds) == (1800, 1800)
    assert (a.next_response_seconds, a.next_response_business_seconds) == (63000, 5400)
    assert (a.resolution_seconds, a.resolution_business_seconds) == (84600, 27000)
    assert (a.requester_wait_seconds, a.requester_wait_business_seconds) == (84600, 27000)
    assert (a.public_agent_replies, a.customer_messages, a.reopen_count) == (2, 1, 0)
    assert not a.first_contact_resolution
    assert a.solver_id == desk.alice.pk
    assert (a.sla_first_response, a.sla_next_response, a.sla_resolution) == ("achieved",) * 3
    assert a.sla_periodic_update == ""

    assert (b.first_response_seconds, b.resolution_seconds, b.requester_wait_seconds) == (
        2700,
        2700,
        2700,
    )
    assert b.first_contact_resolution
    assert b.solver_id == desk.dave.pk
    assert b.next_response_seconds is None
    assert b.next_response_cycles == 0

    assert (c.first_response_seconds, c.first_response_business_seconds) == (1800, 1800)
    assert (c.next_response_seconds, c.next_response_business_seconds) == (4500, 4500)
    assert c.next_response_cycles == 2
    assert (c.resolution_seconds, c.resolution_business_seconds) == (324000, 36000)
    assert (c.requester_wait_seconds, c.requester_wait_business_seconds) == (10800, 10800)
    assert (c.public_agent_replies, c.reopen_count) == (3, 1)
    assert c.first_solved_at == berlin(11, 30, 11, 30)
    assert c.solved_at == berlin(12, 1, 10)
    assert c.first_reopened_at == berlin(12, 1, 9)
    assert c.solver_id == desk.alice.pk
    assert c.first_responder_id == desk.alice.pk
    assert not c.first_contact_resolution
    assert (c.sla_first_response, c.sla_next_response, c.sla_resolution) == ("achieved",) * 3

    assert d.first_response_seconds is None
    assert d.solved_at is None
    assert (d.sla_first_response, d.sla_resolution) == ("breached", "active")
    assert list(ActivePeriod.objects.filter(ticket_id=d.pk).values_list("ended_at", flat=True)) == [
        None
    ]

    assert (e.first_response_seconds, e.resolution_seconds) == (3600, 12600)
    assert e.first_contact_resolution
    assert (e.sla_first_response, e.sla_resolution) == ("breached", "achieved")
    # C was unsolved twice: Fri 16:00 -> Mon 11:30 (pending counts) and Tue 09:00 -> 10:00.
    assert list(
        ActivePeriod.objects.filter(ticket_id=c.pk)
        .order_by("started_at")
        .values_list("started_at", "ended_at")
    ) == [
        (berlin(11, 27, 16), berlin(11, 30, 11, 30)),
        (berlin(12, 1, 9), berlin(12, 1, 10)),
    ]


def test_rows_equal_a_rebuild_from_the_event_log(scripted: dict[str, Any]) -> None:
    kept = {r.pk: r for r in TicketMetrics.objects.all()}
    report_actions.rebuild_all()
    rebuilt = {r.pk: r for r in TicketMetrics.objects.all()}
    fields = [f for f in report_actions.METRIC_FIELDS if f not in ("computed_at",)]
    for pk, before in kept.items():
        after = rebuilt[pk]
        assert {f: getattr(before, f) for f in fields} == {f: getattr(after, f) for f in fields}


def test_overview(scripted: dict[str, Any]) -> None:
    report = queries.overview(scripted["desk"].carol, FILTERS)
    volume = report["volume"]
    # Created: A, B (Mon 23), E (Tue 24), D (Wed 25), C (Fri 27). Solved (last solve):
    # B (Mon 23), A and E (Tue 24), C (Tue 1 Dec). Reopened: C (Tue 1 Dec).
    assert (volume["created"], volume["solved"], volume["reopened"]) == (5, 4, 1)
    by_day = {d["day"]: (d["created"], d["solved"], d["reopened"]) for d in volume["series"]}
    assert by_day["2026-11-23"] == (2, 1, 0)
    assert by_day["2026-11-24"] == (1, 2, 0)
    assert by_day["2026-11-27"] == (1, 0, 0)
    assert by_day["2026-12-01"] == (0, 1, 1)
    assert len(by_day) == 14
    # Backlog at each day's end (UTC midnight): 23: A; 24: none; 25-26: D; 27-29: D, C
    # (pending is unsolved); 30: D (C solved at 11:30); 1 Dec on: D.
    backlog = [d["open"] for d in report["backlog"]["series"]]
    assert backlog == [1, 0, 1, 1, 2, 2, 2, 1, 1, 1, 1, 1, 1, 1]
    assert report["backlog"]["at_end"] == 1
    # D's age at Mon 7 Dec 00:00 UTC: from Wed 25 Nov 09:00 UTC = 11 d 15 h = 1004400 s.
    assert report["backlog"]["age_seconds"] == {
        "count": 1,
        "median": 1004400.0,
        "mean": 1004400.0,
        "p90": 1004400.0,
    }
    buckets = {b["bucket"]: b["tickets"] for b in report["backlog"]["age_buckets"]}
    assert buckets == {"< 1 day": 0, "1-3 days": 0, "3-7 days": 0, "7-30 days": 1, "> 30 days": 0}

    durations = report["durations"]
    # First response (created in range, answered): A 1800, B 2700, C 1800, E 3600, all in
    # working hours. Sorted 1800 1800 2700 3600: median (1800 + 2700) / 2 = 2250, mean
    # 9900 / 4 = 2475, p90 = the ceil(3.6) = 4th value = 3600.
    expected_frt = {"count": 4, "median": 2250.0, "mean": 2475.0, "p90": 3600.0}
    assert durations["first_response"] == {"calendar": expected_frt, "business": expected_frt}
    # Next response: A 63000 / 5400, C 4500 / 4500.
    assert durations["next_response"] == {
        "calendar": {"count": 2, "median": 33750.0, "mean": 33750.0, "p90": 63000.0},
        "business": {"count": 2, "median": 4950.0, "mean": 4950.0, "p90": 5400.0},
    }
    # Resolution (solved in range): calendar 2700 12600 84600 324000 -> median 48600,
    # mean 423900 / 4 = 105975; business 2700 12600 27000 36000 -> median 19800, mean 19575.
    assert durations["resolution"] == {
        "calendar": {"count": 4, "median": 48600.0, "mean": 105975.0, "p90": 324000.0},
        "business": {"count": 4, "median": 19800.0, "mean": 19575.0, "p90": 36000.0},
    }
    # Requester wait: calendar 2700 10800 12600 84600 -> median 11700, mean 110700 / 4 =
    # 27675; business 2700 10800 12600 27000 -> median 11700, mean 53100 / 4 = 13275.
    assert durations["requester_wait"] == {
        "calendar": {"count": 4, "median": 11700.0, "mean": 27675.0, "p90": 84600.0},
        "business": {"count": 4, "median": 11700.0, "mean": 13275.0, "p90": 27000.0},
    }
    # FCR: B and E of the 4 solved = 50 %; reopened: C = 25 %.
    assert report["outcomes"] == {
        "solved": 4,
        "first_contact_resolved": 2,
        "first_contact_resolution_rate": 50.0,
        "reopened": 1,
        "reopen_rate": 25.0,
    }
    sla = {s["target"]: s for s in report["sla"]}
    # First response: A, B, C achieved; D (sweep) and E (late reply) breached: 3 / 5 = 60 %.
    assert sla["first_response"] == {
        "target": "first_response",
        "achieved": 3,
        "breached": 2,
        "active": 0,
        "compliance": 60.0,
    }
    # Resolution: A, B, C, E achieved; D still running.
    assert (sla["resolution"]["achieved"], sla["resolution"]["active"]) == (4, 1)
    assert sla["resolution"]["compliance"] == 100.0
    assert sla["periodic_update"]["compliance"] is None  # no ticket has that target
    # No request form was used: no deflection attempts, no rate.
    assert report["deflection"] == {
        "available": True,
        "deflected": 0,
        "attempts": 0,
        "pending": 0,
        "rate": None,
    }


def test_breakdowns_and_agents(scripted: dict[str, Any]) -> None:
    desk = scripted["desk"]
    by_team = {r["label"]: r for r in queries.breakdown(desk.carol, FILTERS, "team")}
    # Support: A and C (created and solved, FRT 1800 both); billing: B, D, E.
    assert (by_team["Support"]["created"], by_team["Support"]["solved"]) == (2, 2)
    assert by_team["Support"]["median_first_response_seconds"] == 1800.0
    assert (by_team["Billing"]["created"], by_team["Billing"]["solved"]) == (3, 2)
    # Billing FRT: B 2700, E 3600 -> median 3150; FCR: B and E -> 100 %.
    assert by_team["Billing"]["median_first_response_seconds"] == 3150.0
    assert by_team["Billing"]["first_contact_resolution_rate"] == 100.0
    by_channel = {r["key"]: r["created"] for r in queries.breakdown(desk.carol, FILTERS, "channel")}
    assert by_channel == {"email": 2, "api": 3}
    people = {r["agent"]: r for r in queries.agents(desk.carol, FILTERS)}
    # alice: assignee of A and C, solved both, replies A 2 + C 2 = 4, first responses 1800 x2.
    assert {k: people["Alice"][k] for k in ("assigned", "solved", "replies")} == {
        "assigned": 2,
        "solved": 2,
        "replies": 4,
    }
    assert people["Alice"]["median_first_response_seconds"] == 1800.0
    # dave: B and E; 2 replies; FRT 2700 and 3600 -> 3150. sam: one reply on C, nothing else.
    assert (people["Dave"]["assigned"], people["Dave"]["solved"], people["Dave"]["replies"]) == (
        2,
        2,
        2,
    )
    assert people["Dave"]["median_first_response_seconds"] == 3150.0
    assert (people["Sam"]["replies"], people["Sam"]["solved"]) == (1, 0)
    # A filter narrows everything: the support team only.
    support = queries.Filters(start=FILTERS.start, end=FILTERS.end, team=desk.support.pk)
    assert queries.overview(desk.carol, support)["volume"]["created"] == 2
