"""SLA deadline sweep benchmark: 1,000 due tickets among 100k and 1M open ones.

    .venv/bin/python bench/sla_sweep.py                    # SQLite and PostgreSQL
    BENCH_DBS=sqlite BENCH_OPEN="10000 100000" .venv/bin/python bench/sla_sweep.py

For each database it creates a fresh data set (SQLite file under BENCH_WORKDIR, or the
PostgreSQL database `frontdesk_bench_sla` on 127.0.0.1), migrates, and creates a 24x7
calendar and one policy whose breach escalation notifies the assignee. It then grows the
set of open tickets with a running SLA clock to each size in BENCH_OPEN: all but BENCH_DUE of
them fall due in the future (1 hour to 30 days), BENCH_DUE of them are past their warning
and due times. Rows are written with bulk inserts in the shape the actions store
(`sla_clocks`, `next_deadline_at`), since creating a million tickets through the actions
would take hours and measure creation, not the sweep. After ANALYZE it times:

- `sweep`: one `sweep_due_tickets(now)` run that records BENCH_DUE warnings and breaches
  (two SlaEvent rows, two audit events and one notification per ticket);
- `idle sweep`: the next run, with nothing due (the cost of looking).

Results go to bench/results/sla_sweep.json and are printed as a Markdown table.
"""

from __future__ import annotations

import json
import os
import platform
import random
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORKDIR = Path(os.environ.get("BENCH_WORKDIR", "/tmp/frontdesk-bench")) / "sla"
DBS = os.environ.get("BENCH_DBS", "sqlite postgres").split()
SIZES = [int(n) for n in os.environ.get("BENCH_OPEN", "100000 1000000").split()]
DUE = int(os.environ.get("BENCH_DUE", "1000"))
PG_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432")
PG_DB = "frontdesk_bench_sla"
BATCH = 10_000
NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        print(json.dumps(run_child(sys.argv[2])))
        return
    results = {"when": datetime.now(UTC).isoformat(timespec="seconds"), "due": DUE, "runs": []}
    results["machine"] = (
        f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    )
    for db in DBS:
        url = prepare(db)
        child = subprocess.run(
            [sys.executable, __file__, "--child", db],
            env={
                **os.environ,
                "DATABASE_URL": url,
                "DJANGO_SETTINGS_MODULE": "frontdesk.config.settings",
            },
            capture_output=True,
            text=True,
            check=True,
            timeout=4 * 3600,
        )
        results["runs"] += json.loads(child.stdout.strip().splitlines()[-1])
    out = ROOT / "bench" / "results" / "sla_sweep.json"
    out.write_text(json.dumps(results, indent=2) + "\n")
    print(table(results))


def prepare(db: str) -> str:
    if db == "sqlite":
        WORKDIR.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{WORKDIR / 'sla.sqlite3'}{suffix}").unlink(missing_ok=True)
        return f"sqlite:///{WORKDIR / 'sla.sqlite3'}"
    subprocess.run(
        ["dropdb", "--if-exists", "-h", "127.0.0.1", "-U", "postgres", PG_DB], check=True
    )
    subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", PG_DB], check=True)
    return f"{PG_URL}/{PG_DB}"


# --- inside the child process (Django configured for one database) ------------------------


def run_child(db: str) -> list[dict[str, object]]:
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    policy, agent, requester = configure()
    runs = []
    seeded = 0
    for size in SIZES:
        seeded += insert_tickets(
            policy, agent, requester, start=seeded, count=size - seeded - DUE, due=False
        )
        seeded += insert_tickets(policy, agent, requester, start=seeded, count=DUE, due=True)
        analyze()
        runs.append({"db": db, "open": size, **time_sweeps()})
        print(json.dumps(runs[-1]), file=sys.stderr)
    return runs


def configure() -> tuple[object, object, object]:
    from frontdesk.accounts.actions import create_team, create_user
    from frontdesk.sla.actions import save_calendar, save_policy

    admin = create_user(actor=None, email="admin@bench.test", name="Admin", role="admin")
    agent = create_user(actor=None, email="agent@bench.test", name="Agent", role="agent")
    requester = create_user(actor=None, email="customer@bench.test", name="Customer")
    create_team(actor=admin, name="Support", member_ids=[agent.pk])
    calendar = save_calendar(
        actor=admin,
        name="24x7",
        time_zone="UTC",
        weekly={str(d): [["00:00", "00:00"]] for d in range(7)},
    )
    policy = save_policy(
        actor=admin,
        name="Standard",
        calendar_id=calendar.pk,
        targets=[
            {
                "priority": "normal",
                "metric": "first_response",
                "minutes": 60,
                "business_hours": False,
            }
        ],
        escalations=[{"on": "breach", "do": "notify_assignee"}],
    )
    return policy, agent, requester


def insert_tickets(
    policy: object, agent: object, requester: object, *, start: int, count: int, due: bool
) -> int:
    from frontdesk.accounts.models import Team
    from frontdesk.tickets.models import Status, Ticket

    status = Status.objects.get(category="open", is_default=True)
    team = Team.objects.get(slug="support")
    rng = random.Random(start)
    made = 0
    while made < count:
        rows = []
        for i in range(min(BATCH, count - made)):
            number = 1_000_000 + start + made + i
            if due:
                started = NOW - timedelta(minutes=rng.randint(61, 600))
            else:
                started = (
                    NOW + timedelta(minutes=rng.randint(60, 30 * 24 * 60)) - timedelta(minutes=60)
                )
            warn, deadline = started + timedelta(minutes=45), started + timedelta(minutes=60)
            rows.append(
                Ticket(
                    number=number,
                    subject=f"Ticket {number}",
                    requester=requester,
                    status=status,
                    status_category="open",
                    team=team,
                    assignee=agent,
                    created_at=started,
                    updated_at=started,
                    awaiting_agent_since=started,
                    sla_policy=policy,
                    first_response_due_at=deadline,
                    next_due_at=deadline,
                    next_deadline_at=warn,
                    sla_clocks={
                        "first_response": {
                            "started_at": started.isoformat(),
                            "due_at": deadline.isoformat(),
                            "warn_at": warn.isoformat(),
                            "running": True,
                            "warned": False,
                            "breached": False,
                        }
                    },
                )
            )
        Ticket.objects.bulk_create(rows)
        made += len(rows)
    return made


def analyze() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def time_sweeps() -> dict[str, object]:
    from frontdesk.notifications.models import Notification
    from frontdesk.sla.actions import sweep_due_tickets
    from frontdesk.sla.models import SlaEvent

    events_before = SlaEvent.objects.count()
    notes_before = Notification.objects.count()
    t0 = time.perf_counter()
    handled = sweep_due_tickets(now=NOW)
    sweep = time.perf_counter() - t0
    t0 = time.perf_counter()
    idle = sweep_due_tickets(now=NOW)
    idle_s = time.perf_counter() - t0
    return {
        "handled": handled,
        "sla_events": SlaEvent.objects.count() - events_before,
        "notifications": Notification.objects.count() - notes_before,
        "sweep_s": round(sweep, 3),
        "idle_handled": idle,
        "idle_sweep_ms": round(idle_s * 1000, 2),
    }


def table(results: dict[str, object]) -> str:
    lines = [
        f"SLA sweep, {results['due']} due tickets ({results['when']}, {results['machine']})",
        "",
        "| database | open tickets | due handled | SLA events | notifications | sweep "
        "| idle sweep |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for run in results["runs"]:  # type: ignore[attr-defined]
        lines.append(
            f"| {run['db']} | {run['open']:,} | {run['handled']:,} | {run['sla_events']:,} | "
            f"{run['notifications']:,} | {run['sweep_s']:.2f} s | {run['idle_sweep_ms']:.1f} ms |"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    main()
