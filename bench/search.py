"""Search and list benchmark at scale: 100k tickets on SQLite, 1M on PostgreSQL.

    .venv/bin/python bench/search.py                                  # both databases
    BENCH_DBS=postgres BENCH_SIZES="100000 300000 1000000" .venv/bin/python bench/search.py
    BENCH_DBS=sqlite BENCH_SIZES=100000 .venv/bin/python bench/search.py

For each database it creates a fresh data set (SQLite file under BENCH_WORKDIR, or the
PostgreSQL database `frontdesk_bench_search` on 127.0.0.1), migrates, and grows it with
`frontdesk seed --messages 3-5` to each size in BENCH_SIZES (each step adds tickets, search
documents included), then runs ANALYZE (VACUUM ANALYZE on PostgreSQL) and times, in the
process (the functions the API and pages call, no HTTP), BENCH_REPEAT times each:

- search as an agent (their teams + triage queue) and as the admin (everything) for a common
  word, a rare token (one ticket's `AT-` reference), an absent word, a phrase, and a
  filtered query (word + status + priority), first page of 25 with snippets;
- the first page of 25 open tickets (`ticket_list`, status new/open/pending/on_hold,
  newest update first) for the agent and the admin;
- the sidebar's view counts (`queue_counts`) for the agent.

Results go to bench/results/search.json and are printed as a Markdown table (p50 / p95 ms,
nearest rank).
"""

from __future__ import annotations

import json
import os
import platform
import random
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORKDIR = Path(os.environ.get("BENCH_WORKDIR", "/tmp/frontdesk-bench")) / "search"
DBS = os.environ.get("BENCH_DBS", "sqlite postgres").split()
SIZES = {
    "sqlite": [int(n) for n in os.environ.get("BENCH_SIZES_SQLITE", "100000").split()],
    "postgres": [int(n) for n in os.environ.get("BENCH_SIZES_POSTGRES", "1000000").split()],
}
if "BENCH_SIZES" in os.environ:
    SIZES = {db: [int(n) for n in os.environ["BENCH_SIZES"].split()] for db in SIZES}
REPEAT = int(os.environ.get("BENCH_REPEAT", "40"))
PG_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432")
PG_DB = "frontdesk_bench_search"
PYTHON = sys.executable
FRONTDESK = str(Path(PYTHON).parent / "frontdesk")


def main() -> None:
    results: dict[str, object] = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}",
        "commit": _git("rev-parse", "--short", "HEAD"),
        "runs": [],
    }
    for db in DBS:
        url = prepare(db)
        env = {
            **os.environ,
            "DATABASE_URL": url,
            "DJANGO_SETTINGS_MODULE": "frontdesk.config.settings",
        }
        subprocess.run([FRONTDESK, "migrate", "-v", "0"], env=env, check=True, cwd=ROOT)
        done = 0
        for size in SIZES[db]:
            started = time.monotonic()
            seeded = subprocess.run(
                [
                    FRONTDESK,
                    "seed",
                    "--tickets",
                    str(size - done),
                    "--messages",
                    "3-5",
                    "--seed",
                    str(42 + done),
                    "--batch",
                    "5000",
                ],
                env=env,
                check=True,
                cwd=ROOT,
                capture_output=True,
                text=True,
            )
            seed_report = json.loads(seeded.stdout.strip().splitlines()[-1])
            seed_seconds = round(time.monotonic() - started, 1)
            done = size
            child = subprocess.run(
                [PYTHON, __file__, "--child", db],
                env=env,
                check=True,
                cwd=ROOT,
                capture_output=True,
                text=True,
                timeout=3 * 3600,
            )
            run = json.loads(child.stdout.strip().splitlines()[-1])
            run.update(db=db, size=size, seed_seconds=seed_seconds, seed=seed_report)
            results["runs"].append(run)  # type: ignore[attr-defined]
            print(json.dumps({k: run[k] for k in ("db", "size", "seed_seconds")}), flush=True)
    out = ROOT / "bench" / "results" / "search.json"
    out.write_text(json.dumps(results, indent=2) + "\n")
    print(table(results))


def _git(*args: str) -> str:
    return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True).stdout.strip()


def prepare(db: str) -> str:
    if db == "sqlite":
        WORKDIR.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{WORKDIR / 'search.sqlite3'}{suffix}").unlink(missing_ok=True)
        return f"sqlite:///{WORKDIR / 'search.sqlite3'}"
    for command in (["dropdb", "--if-exists"], ["createdb"]):
        subprocess.run([*command, "-h", "127.0.0.1", "-U", "postgres", PG_DB], check=True)
    return f"{PG_URL}/{PG_DB}"


# ---- the child: runs inside Django against the seeded database ----


def run_child(db: str) -> dict[str, object]:
    import django

    django.setup()
    from django.db import connection

    from frontdesk.accounts.models import User
    from frontdesk.core.pagination import keyset_page
    from frontdesk.search.models import SearchDocument
    from frontdesk.search.queries import search
    from frontdesk.tickets.models import Ticket
    from frontdesk.tickets.queries import TicketFilters, ticket_list
    from frontdesk.tickets.queues import queue_counts

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if db == "postgres" else "ANALYZE")
        if db == "sqlite":
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    admin = User.objects.filter(role="admin", is_active=True).order_by("pk").first()
    if admin is None:  # the seeder makes agents and customers only
        admin = User.objects.create(email="bench-admin@bench.example", name="Bench", role="admin")
    agent = (
        User.objects.filter(role="agent", is_active=True, teams__isnull=False)
        .order_by("pk")
        .first()
    )
    if admin is None or agent is None:
        raise SystemExit("the seeded database has no admin or agent")
    rng = random.Random(7)
    numbers = list(Ticket.objects.order_by("-pk").values_list("number", flat=True)[:200000])
    rare = [f"AT-{100_000 + rng.choice(numbers)}" for _ in range(REPEAT + 3)]
    queries = {
        "common word": lambda i: "error",
        "rare token": lambda i: rare[i],
        "absent word": lambda i: "quixotically",
        "phrase": lambda i: '"keeps logging us out"',
        "filtered": lambda i: "timeout status:open,pending priority>=high",
    }
    open_filters = TicketFilters(status_category=["new", "open", "pending", "on_hold"])
    rows: list[dict[str, object]] = []

    def measure(name: str, who: str, call: object) -> None:
        samples = []
        found = None
        for i in range(REPEAT + 3):
            started = time.perf_counter()
            found = call(i)  # type: ignore[operator]
            elapsed = (time.perf_counter() - started) * 1000
            if i >= 3:  # the first calls warm caches and connections
                samples.append(elapsed)
        samples.sort()
        rows.append(
            {
                "operation": name,
                "as": who,
                "p50": round(samples[len(samples) // 2], 1),
                "p95": round(samples[max(0, -(-len(samples) * 95 // 100) - 1)], 1),
                "n": len(samples),
                "results": found,
            }
        )

    for who, user in (("agent", agent), ("admin", admin)):
        for name, text in queries.items():
            measure(f"search: {name}", who, lambda i, u=user, t=text: len(search(u, t(i)).hits))
        measure(
            "first page of open tickets",
            who,
            lambda i, u=user: len(
                keyset_page(
                    ticket_list(u, open_filters), order="-updated_at", cursor=None, limit=25
                ).items
            ),
        )
    measure("view counts (sidebar)", "agent", lambda i: dict(queue_counts(agent)))
    return {
        "tickets": Ticket.objects.count(),
        "documents": SearchDocument.objects.count(),
        "rows": rows,
        "database_size": _size(db, connection),
    }


def _size(db: str, connection: object) -> str:
    with connection.cursor() as cursor:  # type: ignore[attr-defined]
        if db == "postgres":
            cursor.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
            return str(cursor.fetchone()[0])
        cursor.execute("SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()")
        return f"{cursor.fetchone()[0] / 2**20:.0f} MiB"


def table(results: dict[str, object]) -> str:
    runs = results["runs"]  # type: ignore[index]
    lines = [
        "| operation | as | " + " | ".join(f"{r['db']} {r['size']:,}" for r in runs) + " |",
        "|---|---|" + "---|" * len(runs),
    ]
    if not runs:
        return "\n".join(lines)
    for index, row in enumerate(runs[0]["rows"]):
        cells = [f"{r['rows'][index]['p50']} / {r['rows'][index]['p95']}" for r in runs]
        lines.append(f"| {row['operation']} | {row['as']} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "--child":
        print(json.dumps(run_child(sys.argv[2])))
    else:
        main()
