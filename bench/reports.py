"""Reports benchmark: the overview dashboard's queries over 1M tickets and 10M events on
PostgreSQL.

    .venv/bin/python bench/reports.py                        # 1M tickets, 10 events each
    BENCH_TICKETS=100000 BENCH_EVENTS_PER_TICKET=10 .venv/bin/python bench/reports.py
    BENCH_REUSE=1 .venv/bin/python bench/reports.py          # measure again, no reseed

It creates the PostgreSQL database `frontdesk_bench_reports` on 127.0.0.1, migrates, and
seeds with set-based bulk inserts (INSERT ... SELECT over generate_series: creating a
million tickets through the actions would take hours and measure creation, not reports):
BENCH_TICKETS tickets created evenly over two years before 23 November 2026, spread over 5
teams, 20 agents, 6 channels and 4 priorities, 90 % solved; BENCH_EVENTS_PER_TICKET audit
events each (status changes, replies, notes, assignments); and the per-ticket metric rows
and unsolved periods the actions keep (`reports_ticket_metrics`, `reports_active_period`),
with first response, resolution and wait times drawn at random. After VACUUM ANALYZE it
times `reports.queries.overview` (everything the overview page shows but the forecast)
and `volume_forecast` for the last 30 days as an administrator, the same with a team
filter, and the overview as a supervisor (through `visible_to`). Each is run 5 times after
one warm-up; the median and the slowest are reported.

Results go to bench/results/reports.json and are printed as a Markdown table.
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import subprocess
import sys
import time
from datetime import UTC, date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TICKETS = int(os.environ.get("BENCH_TICKETS", "1000000"))
EVENTS_PER_TICKET = int(os.environ.get("BENCH_EVENTS_PER_TICKET", "10"))
REUSE = os.environ.get("BENCH_REUSE") == "1"
PG_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432")
PG_DB = "frontdesk_bench_reports"
END = datetime(2026, 11, 23, tzinfo=UTC)
DAYS = 730
RUNS = 5


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        print(json.dumps(run_child()))
        return
    if not REUSE:
        subprocess.run(
            ["dropdb", "--if-exists", "-h", "127.0.0.1", "-U", "postgres", PG_DB], check=True
        )
        subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", PG_DB], check=True)
    child = subprocess.run(
        [sys.executable, __file__, "--child"],
        env={
            **os.environ,
            "DATABASE_URL": f"{PG_URL}/{PG_DB}",
            "DJANGO_SETTINGS_MODULE": "frontdesk.config.settings",
        },
        capture_output=True,
        text=True,
        check=False,
    )
    sys.stderr.write(child.stderr)
    if child.returncode:
        sys.exit(child.returncode)
    result = json.loads(child.stdout.strip().splitlines()[-1])
    result["when"] = datetime.now(UTC).isoformat(timespec="seconds")
    result["machine"] = (
        f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    )
    out = ROOT / "bench" / "results" / "reports.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n")
    seeded = "" if result["seed_seconds"] is None else f" (seeded in {result['seed_seconds']} s)"
    print(f"{result['tickets']:,} tickets, {result['events']:,} events{seeded}\n")
    print("| query | median ms | slowest ms |\n|---|---:|---:|")
    for row in result["timings"]:
        print(f"| {row['name']} | {row['median_ms']} | {row['max_ms']} |")


def log(message: str) -> None:
    sys.stderr.write(f"[{time.strftime('%H:%M:%S')}] {message}\n")
    sys.stderr.flush()


# --- inside the child process ------------------------------------------------------------


def run_child() -> dict[str, object]:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    started = time.monotonic()
    if not REUSE:
        seed(connection)
    seed_seconds = round(time.monotonic() - started, 1)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM tickets_ticket")
        tickets = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM tickets_ticketevent")
        events = cursor.fetchone()[0]
    return {
        "tickets": tickets,
        "events": events,
        "seed_seconds": seed_seconds if not REUSE else None,
        "timings": measure(),
    }


def seed(connection) -> None:  # type: ignore[no-untyped-def]
    from frontdesk.accounts.models import Team, User

    now = END
    requester = User.objects.create_user(email="requester@bench.test", name="Requester")
    agents = [
        User.objects.create_user(email=f"agent{i}@bench.test", name=f"Agent {i}", role="agent")
        for i in range(20)
    ]
    teams = [Team.objects.create(name=f"Team {i}", slug=f"team-{i}") for i in range(5)]
    User.objects.create_user(email="admin@bench.test", name="Admin", role="admin")
    supervisor = User.objects.create_user(
        email="supervisor@bench.test", name="Supervisor", role="supervisor"
    )
    teams[0].members.add(supervisor)
    team_ids = "ARRAY[" + ",".join(str(t.pk) for t in teams) + "]"
    agent_ids = "ARRAY[" + ",".join(str(a.pk) for a in agents) + "]"
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, slug FROM tickets_status")
        status = {slug: pk for pk, slug in cursor.fetchall()}
        start = now.timestamp() - DAYS * 86400
        log(f"tickets: {TICKETS:,}")
        cursor.execute(
            f"""
            INSERT INTO tickets_ticket (number, subject, requester_id, channel, type, status_id,
              status_category, priority, team_id, assignee_id, custom_fields, created_at,
              updated_at, first_response_at, solved_at, sla_clocks, version)
            SELECT 1000 + g, 'Bench ticket ' || g, %s,
              (ARRAY['email','portal','api','web','phone','chat'])[1 + g %% 6], 'question',
              CASE WHEN g %% 10 = 0 THEN %s ELSE %s END,
              CASE WHEN g %% 10 = 0 THEN 'open' ELSE 'solved' END,
              1 + g %% 4, ({team_ids})[1 + g %% 5], ({agent_ids})[1 + g %% 20], '{{}}',
              to_timestamp(%s + g * %s), to_timestamp(%s + g * %s + 7200),
              to_timestamp(%s + g * %s + 1800),
              CASE WHEN g %% 10 = 0 THEN NULL ELSE to_timestamp(%s + g * %s + 7200) END,
              '{{}}', 3
            FROM generate_series(1, %s) AS g
            """,
            [
                requester.pk,
                status["open"],
                status["solved"],
                start,
                DAYS * 86400 / TICKETS,
                start,
                DAYS * 86400 / TICKETS,
                start,
                DAYS * 86400 / TICKETS,
                start,
                DAYS * 86400 / TICKETS,
                TICKETS,
            ],
        )
        log("metric rows")
        cursor.execute(
            """
            INSERT INTO reports_ticket_metrics (ticket_id, source_version, computed_at,
              created_at, channel, type, priority, status_category, team_id, assignee_id,
              category_id, organization_id, first_solved_at, solved_at, reopen_count,
              first_reopened_at, solver_id, public_agent_replies, customer_messages,
              internal_notes, first_response_at, first_responder_id, first_response_seconds,
              first_response_business_seconds, next_response_seconds,
              next_response_business_seconds, next_response_cycles, resolution_seconds,
              resolution_business_seconds, requester_wait_seconds,
              requester_wait_business_seconds, first_contact_resolution, sla_first_response,
              sla_next_response, sla_periodic_update, sla_resolution)
            SELECT t.id, t.version, t.updated_at, t.created_at, t.channel, t.type, t.priority,
              t.status_category, t.team_id, t.assignee_id, NULL, NULL, t.solved_at, t.solved_at,
              (t.id %% 17 = 0)::int, CASE WHEN t.id %% 17 = 0 THEN t.created_at END,
              CASE WHEN t.solved_at IS NOT NULL THEN t.assignee_id END,
              1 + t.id %% 3, 1 + t.id %% 2, t.id %% 2, t.first_response_at, t.assignee_id,
              600 + (t.id * 7919) %% 7200, 300 + (t.id * 7919) %% 3600,
              CASE WHEN t.id %% 3 = 0 THEN 900 + (t.id * 104729) %% 20000 END,
              CASE WHEN t.id %% 3 = 0 THEN 600 + (t.id * 104729) %% 9000 END,
              (t.id %% 3 = 0)::int,
              CASE WHEN t.solved_at IS NOT NULL THEN 3600 + (t.id * 15485863) %% 400000 END,
              CASE WHEN t.solved_at IS NOT NULL THEN 1800 + (t.id * 15485863) %% 90000 END,
              CASE WHEN t.solved_at IS NOT NULL THEN 1800 + (t.id * 32452843) %% 300000 END,
              CASE WHEN t.solved_at IS NOT NULL THEN 900 + (t.id * 32452843) %% 60000 END,
              t.id %% 3 = 1,
              CASE WHEN t.id %% 11 = 0 THEN 'breached' ELSE 'achieved' END,
              CASE WHEN t.id %% 3 = 0 THEN 'achieved' ELSE '' END, '',
              CASE WHEN t.solved_at IS NULL THEN 'active'
                   WHEN t.id %% 13 = 0 THEN 'breached' ELSE 'achieved' END
            FROM tickets_ticket t
            """,
            [],
        )
        log("unsolved periods")
        cursor.execute(
            """
            INSERT INTO reports_active_period (ticket_id, started_at, ended_at, created_at,
              channel, type, priority, team_id, assignee_id, category_id, organization_id)
            SELECT id, created_at, solved_at, created_at, channel, type, priority, team_id,
              assignee_id, category_id, organization_id
            FROM tickets_ticket
            """
        )
        total = TICKETS * EVENTS_PER_TICKET
        log(f"events: {total:,}")
        step = 100_000
        for low in range(0, TICKETS, step):
            cursor.execute(
                """
                INSERT INTO tickets_ticketevent (ticket_id, actor_id, action, field, old_value,
                  new_value, channel, is_public, created_at)
                SELECT t.id, t.assignee_id,
                  (ARRAY['changed','replied','noted','changed','replied'])[1 + e %% 5],
                  CASE WHEN e %% 5 = 0 THEN 'status' WHEN e %% 5 = 3 THEN 'assignee' ELSE '' END,
                  CASE WHEN e %% 5 = 0 THEN '"new"'::jsonb END,
                  CASE WHEN e %% 5 = 0 THEN '"open"'::jsonb WHEN e %% 5 = 3
                       THEN to_jsonb(t.assignee_id) END,
                  'web', e %% 5 = 1, t.created_at + e * interval '10 minutes'
                FROM tickets_ticket t, generate_series(1, %s) AS e
                WHERE t.id > (SELECT min(id) - 1 FROM tickets_ticket) + %s
                  AND t.id <= (SELECT min(id) - 1 FROM tickets_ticket) + %s
                """,
                [EVENTS_PER_TICKET, low, low + step],
            )
            log(f"  events for tickets {low + step:,}")
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence('tickets_ticket', 'id'), max(id))"
            " FROM tickets_ticket"
        )
        cursor.execute("UPDATE tickets_ticketcounter SET value = %s", [1000 + TICKETS])
    log("vacuum analyze")
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


def measure() -> list[dict[str, object]]:
    from frontdesk.accounts.models import Team, User
    from frontdesk.reports import queries

    admin = User.objects.get(email="admin@bench.test")
    supervisor = User.objects.get(email="supervisor@bench.test")
    team = Team.objects.order_by("pk").first()
    last30 = queries.Filters(start=date(2026, 10, 24), end=date(2026, 11, 22))
    cases = [
        ("overview, admin, last 30 days", lambda: queries.overview(admin, last30)),
        (
            "overview, admin, last 30 days, one team",
            lambda: queries.overview(
                admin, queries.Filters(start=last30.start, end=last30.end, team=team.pk)
            ),
        ),
        ("forecast (84 days of history)", lambda: queries.volume_forecast(admin, last30)),
        (
            "overview, supervisor (visible_to), 30 days",
            lambda: queries.overview(supervisor, last30),
        ),
    ]
    timings = []
    for name, run in cases:
        run()
        samples = []
        for _ in range(RUNS):
            started = time.perf_counter()
            run()
            samples.append((time.perf_counter() - started) * 1000)
        timings.append(
            {
                "name": name,
                "median_ms": round(statistics.median(samples), 1),
                "max_ms": round(max(samples), 1),
            }
        )
        log(f"{name}: {timings[-1]}")
    return timings


if __name__ == "__main__":
    main()
