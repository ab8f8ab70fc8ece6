"""Frontdesk benchmark: seeded data, a real server, our load driver, and the peer beside it.

    make bench                      # = .venv/bin/python bench/run.py
    BENCH_DBS=sqlite BENCH_TICKETS=2000 BENCH_PEER=0 .venv/bin/python bench/run.py

For each database it creates a fresh data set under /tmp (SQLite file, or the PostgreSQL
database `frontdesk_bench` on 127.0.0.1:5432), migrates, seeds N tickets with
`frontdesk seed --tickets N --messages 3 --seed 42`, brings one ticket of the agent's teams
to 50 messages through the API (replies and notes, for the ticket page scenario), signs the
agent in (a session in the database, for the workspace pages), runs ANALYZE (PostgreSQL:
VACUUM ANALYZE; SQLite: ANALYZE and a WAL checkpoint), then, for each server interface,
starts granian as production runs it (2 workers, loopback), drives the scenarios with
bench/loadgen.py and stops the server. The data set is restored from a snapshot before each
further interface, so every interface sees the same rows. Then it runs the django-helpdesk
peer harness (../shared/peers/django_helpdesk/bench.sh) for the same operations, and writes
bench/results/latest.json and bench/results/latest.md.

Knobs (environment):
  BENCH_DBS="sqlite postgres"   databases to run
  BENCH_TICKETS=100000          seeded tickets (3 messages each)
  BENCH_PEER=1                  also run the django-helpdesk harness (0: skip it)
  BENCH_INTERFACES="wsgi asgi"  granian interfaces to measure; the first is the reported one
  BENCH_ROUNDS=3                rounds per scenario
  BENCH_SCALE=1.0               multiplies the request counts
  BENCH_PORT=8123               port of our server (127.0.0.1 only)
  BENCH_WORKDIR=/tmp/frontdesk-bench   data dirs, logs
  BENCH_PG_URL=postgres://postgres@127.0.0.1:5432   PostgreSQL server (loopback)
  BENCH_KEEP=0                  1: keep the databases afterwards (for EXPLAIN)
  BENCH_PEER_TIMEOUT=3600       seconds before the peer run is stopped
  BENCH_QUIET_WAIT=600          wait at most this long for a quiet machine before each
  BENCH_QUIET_LOAD=1.0          server run (1-minute load average at or below this)
"""

from __future__ import annotations

import contextlib
import json
import os
import platform
import random
import shlex
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
import urllib.parse
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import loadgen
from loadgen import Request, Target, json_check

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
RAW = RESULTS / "raw"
PEER_DIR_REL = Path("..") / "shared" / "peers" / "django_helpdesk"
PEER_SCENARIOS = "create_api,create_api_c8,list_page,list_data,detail,detail_c8,api_retrieve"
OPEN_CATEGORIES = "new,open,pending,on_hold"
WORKABLE_CATEGORIES = ("new", "open")  # the workspace's "All open" view
THREAD_MESSAGES = 50  # messages on the ticket of the `ui_ticket` scenario
ADMIN_EMAIL = "bench-admin@bench.example"
ADMIN_PASSWORD = "bench-admin-password-1"  # local throw-away data set only
FALLBACK_MAX_TICKETS = 5000
SERVER_START_TIMEOUT_S = 60
SERVER_STOP_GRACE_S = 15
COMMAND_TIMEOUT_S = 3600
PG_DB = "frontdesk_bench"
PG_SNAPSHOT = "frontdesk_bench_seeded"


def env_str(name: str, default: str) -> str:
    return os.environ.get(name, default).strip() or default


DBS = env_str("BENCH_DBS", "sqlite postgres").split()
TICKETS = int(env_str("BENCH_TICKETS", "100000"))
MESSAGES = 3
SEED = 42
PEER = env_str("BENCH_PEER", "1") not in {"0", "no", "false"}
INTERFACES = env_str("BENCH_INTERFACES", "wsgi asgi").split()
ROUNDS = int(env_str("BENCH_ROUNDS", "3"))
SCALE = float(env_str("BENCH_SCALE", "1.0"))
PORT = int(env_str("BENCH_PORT", "8123"))
WORK = Path(env_str("BENCH_WORKDIR", "/tmp/frontdesk-bench"))
PG_URL = env_str("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432").rstrip("/")
KEEP = env_str("BENCH_KEEP", "0") == "1"
PEER_TIMEOUT_S = int(env_str("BENCH_PEER_TIMEOUT", "3600"))
QUIET_WAIT_S = int(env_str("BENCH_QUIET_WAIT", "600"))
QUIET_LOAD = float(env_str("BENCH_QUIET_LOAD", "1.0"))
KNOBS = (
    "BENCH_DBS",
    "BENCH_TICKETS",
    "BENCH_PEER",
    "BENCH_INTERFACES",
    "BENCH_ROUNDS",
    "BENCH_SCALE",
    "BENCH_PORT",
    "BENCH_WORKDIR",
    "BENCH_PG_URL",
    "BENCH_KEEP",
    "BENCH_PEER_TIMEOUT",
    "BENCH_QUIET_WAIT",
    "BENCH_QUIET_LOAD",
)

T0 = time.monotonic()


def log(message: str) -> None:
    stamp = time.strftime("%H:%M:%S")
    print(f"[{stamp} +{time.monotonic() - T0:6.0f}s] {message}", flush=True)


# --------------------------------------------------------------------------- processes


def wait_for_quiet(what: str) -> list[float]:
    """The machine is shared: wait (bounded) until the 1-minute load average is low, so that
    other work does not run during the measurements. Returns the load seen at the start."""
    deadline = time.monotonic() + QUIET_WAIT_S
    load = os.getloadavg()
    while load[0] > QUIET_LOAD and time.monotonic() < deadline:
        log(
            f"{what}: load average {load[0]:.2f} > {QUIET_LOAD}; waiting (at most "
            f"{deadline - time.monotonic():.0f} s more)"
        )
        time.sleep(15)
        load = os.getloadavg()
    if load[0] > QUIET_LOAD:
        log(f"{what}: still busy (load {load[0]:.2f}); going on, the tables record it")
    return [round(x, 2) for x in load]


def base_env() -> dict[str, str]:
    """Our environment without anything that would point the app somewhere else."""
    return {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("FRONTDESK_", "GRANIAN_", "DJANGO_")) and k != "DATABASE_URL"
    }


def run(
    cmd: list[str],
    *,
    env: dict[str, str] | None = None,
    timeout: float = COMMAND_TIMEOUT_S,
    capture: bool = True,
    cwd: Path | None = None,
) -> str:
    """Run a command to completion (bounded by `timeout`); raise with its output on failure."""
    proc = subprocess.run(
        cmd,
        env=env,
        cwd=cwd,
        timeout=timeout,
        text=True,
        check=False,
        stdout=subprocess.PIPE if capture else None,
        stderr=subprocess.STDOUT if capture else None,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"{shlex.join(cmd)} exited {proc.returncode}:\n{proc.stdout or ''}")
    return proc.stdout or ""


def timed(fn: Callable[[], Any]) -> tuple[Any, float]:
    t = time.perf_counter()
    value = fn()
    return value, round(time.perf_counter() - t, 2)


# --------------------------------------------------------------------------- databases


class Database:
    """One benchmark data set: where it lives, and the few SQL chores the harness needs."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self.data_dir = WORK / kind
        self.sqlite_path = self.data_dir / "frontdesk.sqlite3"
        self.snapshot_path = self.data_dir / "seeded.sqlite3"
        parts = urllib.parse.urlsplit(PG_URL)
        self.pg_host = parts.hostname or "127.0.0.1"
        self.pg_port = str(parts.port or 5432)
        self.pg_user = parts.username or "postgres"
        loadgen.loopback_host(self.pg_host)

    # -- environment of every frontdesk process for this data set
    def env(self) -> dict[str, str]:
        env = base_env()
        env["FRONTDESK_DATA_DIR"] = str(self.data_dir)
        env["FRONTDESK_LOG_LEVEL"] = "WARNING"
        if self.kind == "postgres":
            env["DATABASE_URL"] = f"{PG_URL}/{PG_DB}"
        return env

    def _pg_cli(self, tool: str, *args: str) -> str:
        return run(
            [tool, "-h", self.pg_host, "-p", self.pg_port, "-U", self.pg_user, *args], timeout=600
        )

    def _connect_pg(self, dbname: str = PG_DB) -> Any:
        import psycopg

        return psycopg.connect(
            host=self.pg_host, port=self.pg_port, user=self.pg_user, dbname=dbname, autocommit=True
        )

    def query(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        """Read-only facts about the data set (counts, ticket numbers, sizes)."""
        if self.kind == "sqlite":
            with contextlib.closing(sqlite3.connect(self.sqlite_path, timeout=30)) as conn:
                return conn.execute(sql.replace("%s", "?"), params).fetchall()
        with self._connect_pg() as conn:
            return conn.execute(sql, params).fetchall()

    def create_empty(self) -> None:
        if self.data_dir.exists():
            shutil.rmtree(self.data_dir)
        self.data_dir.mkdir(parents=True)
        if self.kind == "postgres":
            self.drop()
            self._pg_cli("createdb", PG_DB)

    def drop(self) -> None:
        if self.kind == "postgres":
            self._pg_cli("dropdb", "--if-exists", PG_DB)
            self._pg_cli("dropdb", "--if-exists", PG_SNAPSHOT)

    def analyze(self) -> None:
        if self.kind == "sqlite":
            with contextlib.closing(sqlite3.connect(self.sqlite_path, timeout=30)) as conn:
                conn.execute("ANALYZE")
                conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        else:
            with self._connect_pg() as conn:
                conn.execute("VACUUM ANALYZE")

    def snapshot(self) -> None:
        if self.kind == "sqlite":
            shutil.copyfile(self.sqlite_path, self.snapshot_path)
        else:
            self._pg_cli("createdb", "-T", PG_DB, PG_SNAPSHOT)

    def restore(self) -> None:
        if self.kind == "sqlite":
            for suffix in ("", "-wal", "-shm"):
                Path(f"{self.sqlite_path}{suffix}").unlink(missing_ok=True)
            shutil.copyfile(self.snapshot_path, self.sqlite_path)
        else:
            self._pg_cli("dropdb", "--if-exists", PG_DB)
            self._pg_cli("createdb", "-T", PG_SNAPSHOT, PG_DB)
        self.analyze()

    def size(self) -> str:
        if self.kind == "sqlite":
            return f"{self.sqlite_path.stat().st_size / 2**20:.0f} MiB"
        rows = self.query("SELECT pg_size_pretty(pg_database_size(current_database()))")
        return str(rows[0][0])

    def version(self) -> str:
        if self.kind == "sqlite":
            return f"SQLite {sqlite3.sqlite_version}"
        with self._connect_pg("postgres") as conn:
            rows = conn.execute("SHOW server_version").fetchall()
        return f"PostgreSQL {rows[0][0]}"


# --------------------------------------------------------------------------- the app


def frontdesk(
    db: Database,
    *args: str,
    env_extra: dict[str, str] | None = None,
    timeout: float = COMMAND_TIMEOUT_S,
) -> str:
    env = db.env() | (env_extra or {})
    return run([sys.executable, "-m", "frontdesk.cli", *args], env=env, timeout=timeout)


def has_seed_command(db: Database) -> bool:
    return "seed" in frontdesk(db, "help", "--commands").split()


class Server:
    """granian as production runs it (2 workers), on loopback, started and stopped by pid."""

    def __init__(self, db: Database, interface: str) -> None:
        self.db, self.interface = db, interface
        self.target = Target("127.0.0.1", PORT)
        self.log_path = db.data_dir / f"granian-{interface}.log"
        self.proc: subprocess.Popen[bytes] | None = None
        self.cmd = [
            sys.executable,
            "-m",
            "granian",
            "--interface",
            interface,
            "--host",
            "127.0.0.1",
            "--port",
            str(PORT),
            "--workers",
            "2",
            f"frontdesk.config.{interface}:application",
        ]

    def start(self) -> None:
        probe = loadgen.Connection(self.target)
        with contextlib.suppress(OSError):
            probe.send(Request("GET", "/healthz"))
            raise RuntimeError(f"something already answers on 127.0.0.1:{PORT}")
        probe.close()
        with self.log_path.open("ab") as out:
            self.proc = subprocess.Popen(
                self.cmd,
                env=self.db.env(),
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                cwd=ROOT,
            )
        deadline = time.monotonic() + SERVER_START_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"granian exited {self.proc.returncode}; see {self.log_path}")
            conn = loadgen.Connection(self.target)
            try:
                status, _ = conn.send(Request("GET", "/readyz"))
                if status == 200:
                    return
            except OSError:
                pass
            finally:
                conn.close()
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"granian did not become ready in {SERVER_START_TIMEOUT_S}s")

    def stop(self) -> None:
        proc, self.proc = self.proc, None
        if proc is None or proc.poll() is not None:
            return
        proc.send_signal(signal.SIGTERM)  # granian's main process stops its workers
        try:
            proc.wait(timeout=SERVER_STOP_GRACE_S)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)  # the session this harness created
            proc.wait(timeout=SERVER_STOP_GRACE_S)

    def logged_errors(self) -> dict[str, Any]:
        """What the server logged as failures during this run: 500s and their causes."""
        if not self.log_path.exists():
            return {"server_errors": 0, "causes": {}}
        lines = self.log_path.read_text(errors="replace").splitlines()
        causes: dict[str, int] = {}
        for line in lines:
            if line.startswith(("django.db.utils.", "psycopg.", "sqlite3.")):
                causes[line[:160]] = causes.get(line[:160], 0) + 1
        return {
            "server_errors": sum("Internal Server Error" in line for line in lines),
            "causes": causes,
        }

    @contextlib.contextmanager
    def running(self) -> Iterator[Server]:
        self.start()
        try:
            yield self
        finally:
            self.stop()


class Api:
    """Tiny JSON client for set-up calls (not timed)."""

    def __init__(self, target: Target, token: str) -> None:
        self.target, self.token = target, token

    def call(self, method: str, path: str, body: Any = None, expect: int = 200) -> Any:
        headers = {"Authorization": f"Bearer {self.token}", "Accept": "application/json"}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        conn = loadgen.Connection(self.target)
        try:
            status, raw = conn.send(Request(method, f"/api/v1{path}", data, headers))
        finally:
            conn.close()
        if status != expect:
            raise RuntimeError(f"{method} {path} -> {status} (wanted {expect}): {raw[:300]!r}")
        return json.loads(raw) if raw else None


def fallback_seed(api: Api, tickets: int) -> None:
    """A small data set through the API, for when `frontdesk seed` is not available:
    2 teams (an agent in the first), tickets spread over the teams and the triage queue,
    3 messages each (the request, a reply, a second reply that moves the status on)."""
    if tickets > FALLBACK_MAX_TICKETS:
        raise RuntimeError(
            f"`frontdesk seed` is missing and the API fallback is limited to "
            f"{FALLBACK_MAX_TICKETS} tickets (asked for {tickets})."
        )
    agent = api.call(
        "POST",
        "/users",
        {"email": "agent1@bench.example", "role": "agent", "name": "Bench Agent"},
        expect=201,
    )
    teams = [
        api.call(
            "POST", "/teams", {"name": "Bench Support", "member_ids": [agent["id"]]}, expect=201
        )["id"],
        api.call("POST", "/teams", {"name": "Bench Billing", "member_ids": []}, expect=201)["id"],
    ]
    rng = random.Random(SEED)
    statuses = ["open", "pending", "solved", "closed", "open", "on-hold"]
    for i in range(tickets):
        team = [teams[0], teams[1], None][i % 3]
        body: dict[str, Any] = {
            "subject": f"Seeded request {i}: printer {rng.randint(1, 99)} is offline",
            "body": f"Hello, printer {i} stopped working this morning. Reference AT-{100000 + i}.",
            "requester_email": f"customer{i % 200}@bench.example",
        }
        if team is not None:
            body["team_id"] = team
        number = api.call("POST", "/tickets", body, expect=201)["number"]
        api.call(
            "POST",
            f"/tickets/{number}/replies",
            {"body": "Thanks, we are looking into it."},
            expect=201,
        )
        api.call(
            "POST",
            f"/tickets/{number}/replies",
            {"body": "Update: please try again now.", "status": statuses[i % 6]},
            expect=201,
        )


# --------------------------------------------------------------------------- scenarios


def scaled(n: int) -> int:
    return max(3, round(n * SCALE))


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}", "Accept": "application/json"}


def list_check(expected: int) -> Callable[[bytes], bool]:
    return json_check(
        lambda d: (
            len(d["items"]) == expected
            and all(t["status_category"] in OPEN_CATEGORIES.split(",") for t in d["items"])
        )
    )


def page_check(*needles: str, count: tuple[str, int] | None = None) -> Callable[[bytes], bool]:
    """An HTML page that contains every needle (and `count[0]` exactly `count[1]` times)."""
    encoded = [n.encode() for n in needles]

    def check(data: bytes) -> bool:
        if not all(n in data for n in encoded):
            return False
        return count is None or data.count(count[0].encode()) == count[1]

    return check


def thread_check(messages: int) -> Callable[[bytes], bool]:
    """The ticket page with its conversation: exactly `messages` message items (an item is
    `<li class="entry entry--<kind>`; audit events are `entry--event` and do not count)."""

    def check(data: bytes) -> bool:
        if b'id="thread"' not in data:
            return False
        items = data.count(b'<li class="entry entry--')
        return items - data.count(b'<li class="entry entry--event"') == messages

    return check


def scenarios(ctx: dict[str, Any]) -> list[tuple[str, Callable[[int], Request], dict[str, Any]]]:
    """(name, request factory, run_scenario options). Reads first, then writes."""
    admin, agent = auth(ctx["admin_token"]), auth(ctx["agent_token"])
    browser = {"Cookie": f"sessionid={ctx['session_key']}", "Accept": "text/html"}
    ui_rows = min(25, ctx["facts"]["agent_workable_tickets"])
    ui_number = ctx["ui_ticket"]["number"]
    numbers: list[int] = ctx["sample_numbers"]
    list_path = f"/api/v1/tickets?status_category={OPEN_CATEGORIES}&limit=25"
    admin_page = min(25, ctx["facts"]["open_tickets"])
    agent_page = min(25, ctx["facts"]["agent_open_tickets"])
    teams: list[int | None] = [*ctx["team_ids"][:3], None]
    subjects = [
        "Laptop battery drains overnight",
        "Cannot access payroll portal",
        "Printer on 2nd floor jams",
        "VPN drops every 10 minutes",
        "Invoice shows wrong VAT rate",
        "Need a new docking station",
    ]

    def get_list(headers: dict[str, str], page: int) -> Callable[[int], Request]:
        return lambda i: Request("GET", list_path, None, headers, (200,), list_check(page))

    def retrieve(i: int) -> Request:
        number = numbers[i % len(numbers)]
        return Request(
            "GET",
            f"/api/v1/tickets/{number}",
            None,
            admin,
            (200,),
            json_check(lambda d: d["number"] == number),
        )

    def create(i: int) -> Request:
        subject = subjects[i % len(subjects)]
        payload: dict[str, Any] = {
            "subject": f"{subject} (bench {i})",
            "body": f"Hello,\n\nsince this morning {subject.lower()}. We restarted twice. "
            "Please help.\n\nThanks,\nBench",
            "requester_email": f"bench.user{i % 50}@customer.example",
        }
        if (team := teams[i % len(teams)]) is not None:
            payload["team_id"] = team
        headers = admin | {"Content-Type": "application/json"}
        return Request(
            "POST",
            "/api/v1/tickets",
            json.dumps(payload).encode(),
            headers,
            (201,),
            json_check(lambda d: d["subject"] == payload["subject"]),
        )

    def c8_create(i: int) -> Request:
        return create(100_000 + i)

    def ui_list(i: int) -> Request:
        check = page_check("data-ticket-list", count=("<tr data-href=", ui_rows))
        return Request("GET", "/desk/views/open/", None, browser, (200,), check)

    def ui_ticket(i: int) -> Request:
        check = thread_check(THREAD_MESSAGES)
        return Request("GET", f"/desk/tickets/{ui_number}/", None, browser, (200,), check)

    read = {"rounds": ROUNDS, "warmup": 10, "round_cap_s": 20.0, "budget_s": 60.0}
    write = {"rounds": ROUNDS, "warmup": 0, "round_cap_s": 20.0, "budget_s": 60.0}
    return [
        ("list_admin", get_list(admin, admin_page), read | {"count": scaled(100)}),
        ("list_agent", get_list(agent, agent_page), read | {"count": scaled(100)}),
        ("retrieve", retrieve, read | {"count": scaled(300)}),
        ("retrieve_c8", lambda i: retrieve(i + 7), read | {"count": scaled(800), "concurrency": 8}),
        ("ui_list", ui_list, read | {"count": scaled(100)}),
        ("ui_ticket", ui_ticket, read | {"count": scaled(100)}),
        ("create", create, write | {"count": scaled(100)}),
        ("create_c8", c8_create, write | {"count": scaled(400), "concurrency": 8}),
    ]


# --------------------------------------------------------------------------- one database


def find_agent(api: Api) -> dict[str, Any]:
    """An agent who belongs to a team (the first by email), for the agent's list view."""
    teams = api.call("GET", "/teams")
    members = {uid: team["id"] for team in teams for uid in team["member_ids"]}
    cursor, pages = None, 0
    while pages < 50:  # bounded: 50 pages x 200 agents
        path = "/users?role=agent&limit=200" + (f"&cursor={cursor}" if cursor else "")
        page = api.call("GET", path)
        for user in page["items"]:
            if user["is_active"] and user["id"] in members:
                mine = [t["id"] for t in teams if user["id"] in t["member_ids"]]
                return {
                    "id": user["id"],
                    "email": user["email"],
                    "team_ids": mine,
                    "all_team_ids": [t["id"] for t in teams],
                }
        cursor, pages = page["next_cursor"], pages + 1
        if not cursor:
            break
    raise RuntimeError("no active agent who is a member of a team")


def agent_visible_count(db: Database, agent: dict[str, Any], cats: tuple[str, ...]) -> int:
    """Tickets in these status categories that the agent sees (the API's permission gate)."""
    marks = ",".join(["%s"] * len(cats))
    return int(
        db.query(
            f"""SELECT count(*) FROM tickets_ticket t WHERE t.status_category IN ({marks}) AND (
              t.team_id IS NULL OR t.assignee_id = %s
              OR t.team_id IN (SELECT team_id FROM accounts_team_members WHERE user_id = %s)
              OR EXISTS (SELECT 1 FROM tickets_ticketfollower f
                         WHERE f.ticket_id = t.id AND f.user_id = %s))""",
            (*cats, agent["id"], agent["id"], agent["id"]),
        )[0][0]
    )


def dataset_facts(db: Database, agent: dict[str, Any]) -> dict[str, Any]:
    cats = tuple(OPEN_CATEGORIES.split(","))
    marks = ",".join(["%s"] * len(cats))
    count = db.query("SELECT count(*) FROM tickets_ticket")[0][0]
    messages = db.query("SELECT count(*) FROM tickets_message")[0][0]
    open_count = db.query(
        f"SELECT count(*) FROM tickets_ticket WHERE status_category IN ({marks})", cats
    )[0][0]
    agent_open = agent_visible_count(db, agent, cats)
    users = db.query("SELECT role, count(*) FROM accounts_user GROUP BY role ORDER BY role")
    return {
        "tickets": count,
        "messages": messages,
        "open_tickets": open_count,
        "agent_open_tickets": agent_open,
        "agent_workable_tickets": agent_visible_count(db, agent, WORKABLE_CATEGORIES),
        "users_by_role": dict(users),
        "teams": db.query("SELECT count(*) FROM accounts_team")[0][0],
    }


# Bodies of the messages added to the ticket of `ui_ticket`: replies to the customer and
# internal notes, alternately; two of them written in Markdown (the source, and the HTML
# the workspace's composer would make of it).
REPLY_BODIES = [
    "Thanks for the details. I have forwarded the logs to our infrastructure team and will "
    "get back to you as soon as they have had a look. In the meantime, could you tell us "
    "whether the problem also happens on the office network?",
    "We deployed a configuration change this morning that should address the timeouts. "
    "Could you try again and let us know whether the error still shows up?",
    "I understand this is blocking your team. I have raised the priority and asked a "
    "colleague from the second line to join. You will hear from us before the end of the day.",
    "The export you sent helped a lot: the failing requests all come from the old client "
    "version. Updating to 4.2 should fix it; the installer is on the downloads page.",
]
NOTE_BODIES = [
    "Checked the gateway logs: the 502s started at 09:14, right after the certificate "
    "rotation. Probably unrelated to the customer's VPN, but keep an eye on it.",
    "Customer is on the enterprise plan with a 4-hour response target. Escalating to the "
    "network team if the workaround does not hold by tomorrow.",
    "Same symptom as the ticket from last week about the payroll portal. Linking the "
    "incident once the post-mortem is published.",
    "Called the customer: they confirmed the issue only affects the two laptops that were "
    "re-imaged on Monday. Asked IT for the image version.",
]
MARKDOWN_MESSAGES = {
    5: (
        "Here is what we found so far:\n\n"
        "1. The **sync job** stops after about 10 minutes.\n"
        "2. The client logs show `ERR_TIMEOUT` on every retry.\n\n"
        "Please run `netstat -an > net.txt` and attach the file to this ticket.",
        "<p>Here is what we found so far:</p>\n<ol>\n"
        "<li>The <strong>sync job</strong> stops after about 10 minutes.</li>\n"
        "<li>The client logs show <code>ERR_TIMEOUT</code> on every retry.</li>\n</ol>\n"
        "<p>Please run <code>netstat -an &gt; net.txt</code> and attach the file to this "
        "ticket.</p>",
    ),
    30: (
        "## Root cause\n\n"
        "The proxy dropped idle connections after *60 s*, shorter than the client's "
        "keep-alive.\n\n"
        "- Raised the proxy timeout to 300 s\n"
        "- Scheduled the client update for Thursday\n\n"
        "> Workaround until then: restart the client after lunch.",
        "<h2>Root cause</h2>\n"
        "<p>The proxy dropped idle connections after <em>60 s</em>, shorter than the "
        "client's keep-alive.</p>\n<ul>\n<li>Raised the proxy timeout to 300 s</li>\n"
        "<li>Scheduled the client update for Thursday</li>\n</ul>\n"
        "<blockquote>\n<p>Workaround until then: restart the client after lunch.</p>\n"
        "</blockquote>",
    ),
}


def prepare_thread(db: Database, api: Api, agent: dict[str, Any]) -> dict[str, Any]:
    """Bring one ticket the agent sees to THREAD_MESSAGES messages, for `ui_ticket`: the
    newest new/open ticket of the agent's teams, topped up with public replies and internal
    notes (alternately) by the admin through the API. Runs while a server is up."""
    teams = agent["team_ids"]
    cats = WORKABLE_CATEGORIES
    rows = db.query(
        f"""SELECT t.number, (SELECT count(*) FROM tickets_message m WHERE m.ticket_id = t.id)
            FROM tickets_ticket t
            WHERE t.team_id IN ({",".join(["%s"] * len(teams))})
              AND t.status_category IN ({",".join(["%s"] * len(cats))})
              AND (SELECT count(*) FROM tickets_message m WHERE m.ticket_id = t.id) <= %s
            ORDER BY t.number DESC LIMIT 1""",
        (*teams, *cats, THREAD_MESSAGES),
    )
    if not rows:
        raise RuntimeError(f"no new/open ticket of the agent's teams {teams}")
    number, existing = int(rows[0][0]), int(rows[0][1])
    for i in range(THREAD_MESSAGES - existing):
        kind, bodies = ("replies", REPLY_BODIES) if i % 2 == 0 else ("notes", NOTE_BODIES)
        body: dict[str, Any] = {"body": bodies[(i // 2) % len(bodies)]}
        if i in MARKDOWN_MESSAGES:
            body = dict(zip(("body", "body_html"), MARKDOWN_MESSAGES[i], strict=True))
        api.call("POST", f"/tickets/{number}/{kind}", body, expect=201)
    messages = api.call("GET", f"/tickets/{number}/messages?limit=200")["items"]
    if len(messages) != THREAD_MESSAGES:
        raise RuntimeError(f"ticket {number} has {len(messages)} messages, not {THREAD_MESSAGES}")
    return {"number": number, "messages": len(messages), "seeded_messages": existing}


SESSION_SCRIPT = """
from importlib import import_module
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from frontdesk.accounts.models import User
user = User.objects.get(pk=%d)
session = import_module(settings.SESSION_ENGINE).SessionStore()
session[SESSION_KEY] = user._meta.pk.value_to_string(user)
session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
session[HASH_SESSION_KEY] = user.get_session_auth_hash()
session.save()
print(session.session_key)
"""


def agent_session(db: Database, agent: dict[str, Any]) -> str:
    """A signed-in session for the agent, as `django.contrib.auth.login` leaves it; the key
    goes in the `sessionid` cookie of the workspace scenarios."""
    output = frontdesk(db, "shell", "--no-imports", "-c", SESSION_SCRIPT % int(agent["id"]))
    key = output.strip().splitlines()[-1]
    if not key.isalnum():
        raise RuntimeError(f"unexpected session key {key!r}")
    return key


def bench_database(kind: str) -> dict[str, Any]:
    db = Database(kind)
    out: dict[str, Any] = {"database": db.version(), "interfaces": {}}
    log(
        f"[{kind}] fresh data set in {db.data_dir}"
        + (f" + database {PG_DB}" if kind == "postgres" else "")
    )
    db.create_empty()
    _, out["migrate_s"] = timed(lambda: frontdesk(db, "migrate", "--no-input", "-v0"))
    frontdesk(db, "collectstatic", "--no-input", "-v0")
    seed_cmd = ["seed", "--tickets", str(TICKETS), "--messages", str(MESSAGES), "--seed", str(SEED)]
    seeded_by_command = has_seed_command(db)
    if seeded_by_command:
        log(f"[{kind}] frontdesk {' '.join(seed_cmd)}")
        seed_output, out["seed_s"] = timed(lambda: frontdesk(db, *seed_cmd))
        out["seed_command"] = "frontdesk " + " ".join(seed_cmd)
        out["seed_output_tail"] = seed_output.strip().splitlines()[-5:]
    frontdesk(
        db,
        "createadmin",
        "--email",
        ADMIN_EMAIL,
        "--name",
        "Bench Admin",
        env_extra={"FRONTDESK_ADMIN_PASSWORD": ADMIN_PASSWORD},
    )
    admin_token = (
        frontdesk(
            db,
            "token",
            "create",
            "--user",
            ADMIN_EMAIL,
            "--scopes",
            "read,write,admin",
            "--name",
            "bench",
        )
        .strip()
        .splitlines()[-1]
    )
    with Server(db, INTERFACES[0]).running() as server:
        api = Api(server.target, admin_token)
        if not seeded_by_command:
            log(f"[{kind}] `frontdesk seed` not available: seeding {TICKETS} tickets via the API")
            _, out["seed_s"] = timed(lambda: fallback_seed(api, TICKETS))
            out["seed_command"] = f"API fallback (bench/run.py fallback_seed, {TICKETS} tickets)"
        agent = find_agent(api)
        ui_ticket = prepare_thread(db, api, agent)
    log(f"[{kind}] ticket {ui_ticket['number']} brought to {ui_ticket['messages']} messages")
    session_key = agent_session(db, agent)
    agent_token = (
        frontdesk(
            db,
            "token",
            "create",
            "--user",
            agent["email"],
            "--scopes",
            "read,write",
            "--name",
            "bench",
        )
        .strip()
        .splitlines()[-1]
    )
    _, out["analyze_s"] = timed(db.analyze)
    out["facts"] = dataset_facts(db, agent) | {"db_size": db.size()}
    out["agent"] = agent
    out["ui_ticket"] = ui_ticket
    log(f"[{kind}] data set: {out['facts']} (seed {out.get('seed_s')} s)")
    numbers = [row[0] for row in db.query("SELECT number FROM tickets_ticket ORDER BY number")]
    ctx = {
        "admin_token": admin_token,
        "agent_token": agent_token,
        "facts": out["facts"],
        "sample_numbers": random.Random(SEED).sample(numbers, min(len(numbers), 2000)),
        "team_ids": agent["all_team_ids"],
        "session_key": session_key,
        "ui_ticket": ui_ticket,
    }
    db.snapshot()
    try:
        for n, interface in enumerate(INTERFACES):
            if n:
                log(f"[{kind}] restoring the seeded snapshot")
                db.restore()
            server = Server(db, interface)
            log(f"[{kind}] granian --interface {interface}: {shlex.join(server.cmd[1:])}")
            results: dict[str, Any] = {"server_command": shlex.join(server.cmd[1:])}
            results["loadavg_before"] = wait_for_quiet(f"[{kind}] {interface}")
            with server.running():
                for name, factory, options in scenarios(ctx):
                    results[name] = loadgen.run_scenario(
                        name, server.target, factory, **options, log=log
                    )
            results["server_log"] = server.logged_errors()
            if results["server_log"]["server_errors"]:
                log(f"[{kind}] {interface}: the server logged {results['server_log']}")
            out["interfaces"][interface] = results
    finally:
        if not KEEP:
            db.drop()
    return out


# --------------------------------------------------------------------------- the peer


def run_peer(kinds: list[str]) -> dict[str, Any]:
    peer_dir = (ROOT / PEER_DIR_REL).resolve()
    results_dir = RAW / "peer"
    env = base_env() | {
        "BENCH_DBS": " ".join(kinds),
        "BENCH_SIZES": str(TICKETS),
        "BENCH_ONLY": PEER_SCENARIOS,
        "BENCH_ROUNDS": str(ROUNDS),
        "BENCH_SCALE": str(SCALE),
        "BENCH_RESULTS": str(results_dir),
        "DH_VENV": "/tmp/peer-dh-venv",
        "DH_VAR": str(WORK / "peer-var"),
    }
    shown = " ".join(
        f"{k}={shlex.quote(env[k])}"
        for k in (
            "BENCH_DBS",
            "BENCH_SIZES",
            "BENCH_ONLY",
            "BENCH_ROUNDS",
            "BENCH_RESULTS",
            "DH_VENV",
            "DH_VAR",
        )
    )
    # Shown relative to the checkout, so results never record this machine's paths.
    command = f"(cd {PEER_DIR_REL} && {shown} ./bench.sh)".replace(str(ROOT) + "/", "")
    load_before = wait_for_quiet("peer")
    log(f"peer: {command}")
    started = time.monotonic()
    with (WORK / "peer.log").open("w") as peer_log:
        proc = subprocess.Popen(
            ["./bench.sh"],
            cwd=peer_dir,
            env=env,
            stdout=peer_log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            code = proc.wait(timeout=PEER_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGTERM)  # lets bench.sh's trap stop its servers
            try:
                proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=30)
            code = -1
    tail = (WORK / "peer.log").read_text(errors="replace").splitlines()
    for line in tail:
        if line.startswith("[") or "c=" in line:
            print("   peer| " + line, flush=True)
    out: dict[str, Any] = {
        "command": command,
        "exit_code": code,
        "wall_s": round(time.monotonic() - started, 1),
        "loadavg_before": load_before,
        "loadavg_after": [round(x, 2) for x in os.getloadavg()],
        "by_db": {},
    }
    raw = results_dir / "raw"
    if (raw / "machine.json").exists():
        out["machine"] = json.loads((raw / "machine.json").read_text())
    for kind in kinds:
        bench_file = raw / f"bench_{kind}_{TICKETS}.json"
        seed_file = raw / f"seed_{kind}_{TICKETS}.json"
        if bench_file.exists():
            data = json.loads(bench_file.read_text())
            for scenario in data.get("scenarios", {}).values():
                for round_detail in scenario.get("rounds_detail", []):
                    round_detail.pop("lat_ms", None)  # the raw copy keeps them
            out["by_db"][kind] = {
                "bench": data,
                "seed": json.loads(seed_file.read_text()) if seed_file.exists() else None,
            }
    if code != 0:
        log(f"peer harness exited {code}; see {WORK / 'peer.log'}")
    return out


# --------------------------------------------------------------------------- report


def machine_facts() -> dict[str, Any]:
    mem_kib = int(Path("/proc/meminfo").read_text().split()[1])
    os_release = dict(
        line.split("=", 1)
        for line in Path("/etc/os-release").read_text().splitlines()
        if "=" in line
    )
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    pg = "not used"
    if "postgres" in DBS:
        try:
            pg = Database("postgres").version()
        except Exception as exc:  # reported, and the PostgreSQL run will fail loudly
            pg = f"unavailable ({exc})"
    commit = run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT).strip()
    modified = [
        line[3:]
        for line in run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT)
        .strip("\n")
        .splitlines()
        if line[3:].startswith("src/")
    ]
    dirty = bool(modified)
    return {
        "cores": os.cpu_count(),
        "cpu": cpu,
        "ram_gib": round(mem_kib / 2**20, 1),
        "os": os_release.get("PRETTY_NAME", "").strip('"'),
        "kernel": platform.release(),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "postgres": pg,
        "granian": metadata.version("granian"),
        "django": metadata.version("Django"),
        "django_ninja": metadata.version("django-ninja"),
        "psycopg": metadata.version("psycopg"),
        "frontdesk_commit": commit + (" (+ uncommitted changes)" if dirty else ""),
        "uncommitted_src_files": modified,
        "loadavg_at_start": os.getloadavg(),
    }


def fmt_ms(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value:,.0f}" if value >= 100 else f"{value:.1f}"


def cell(result: dict[str, Any] | None, *, rate: bool = False) -> str:
    if not result:
        return "—"
    if "skipped" in result:
        return "not run"
    m = result["median"]
    text = f"{fmt_ms(m['p50_ms'])} / {fmt_ms(m['p95_ms'])}"
    if rate and m.get("rps") is not None:
        text += f" · {m['rps']:,.1f}/s"
    text += f" (n={m['ok']}" + (f", **{m['errors']} errors**" if m["errors"] else "") + ")"
    return text


# (label, our scenario, peer scenario(s), show throughput, target); several peer scenarios
# are shown one under the other in the peer's cell, each named.
ROWS: list[tuple[str, str, str | tuple[str, ...] | None, bool, str]] = [
    ("a. create a ticket (REST), sequential", "create", "create_api", True, ""),
    (
        "a. create a ticket (REST), 8 clients",
        "create_c8",
        "create_api_c8",
        True,
        "≥ 10x peer tickets/s",
    ),
    ("b. first page of 25 open tickets, admin", "list_admin", "list_data", False, "≤ 20 ms"),
    ("b. first page of 25 open tickets, agent (own teams)", "list_agent", None, False, "≤ 20 ms"),
    (
        "c. one ticket, sequential (peer: REST `GET /api/tickets/<id>/`)",
        "retrieve",
        "api_retrieve",
        False,
        "≤ 15 ms",
    ),
    (
        "c. one ticket, sequential (peer: HTML page `GET /tickets/<id>/`)",
        "retrieve",
        "detail",
        False,
        "≤ 15 ms",
    ),
    ("c. one ticket, 8 clients (peer: HTML page)", "retrieve_c8", "detail_c8", True, "≤ 15 ms"),
    (
        "d. agent ticket list page (first 25 open), HTML (peer: page shell + its rows by AJAX)",
        "ui_list",
        ("list_page", "list_data"),
        False,
        "p95 ≤ 100 ms (PostgreSQL)",
    ),
    (
        "e. ticket page with 50 messages, HTML (peer: `GET /tickets/<id>/`, 3 follow-ups)",
        "ui_ticket",
        "detail",
        False,
        "p95 ≤ 100 ms (PostgreSQL)",
    ),
]


def peer_cell(
    scenarios: dict[str, Any], theirs: str | tuple[str, ...] | None, *, rate: bool
) -> str:
    if theirs is None:
        return "n/a"
    if isinstance(theirs, str):
        return cell(scenarios.get(theirs), rate=rate)
    return "<br>".join(f"`{name}` {cell(scenarios.get(name), rate=rate)}" for name in theirs)


def human(n: int) -> str:
    return f"{n // 1000}k" if n >= 1000 and n % 1000 == 0 else str(n)


def render_markdown(report: dict[str, Any]) -> str:
    ours, peer = report["ours"], report.get("peer") or {"by_db": {}}
    primary = INTERFACES[0]
    m = report["machine"]
    lines = [
        f"# Frontdesk vs django-helpdesk, {human(TICKETS)} tickets ({report['started']})",
        "",
        f"Command: `{report['command']}`",
        "",
        f"Machine: {m['cores']} cores ({m['cpu']}), {m['ram_gib']} GiB RAM, {m['os']}, "
        f"kernel {m['kernel']}; Python {m['python']}, SQLite {m['sqlite']}, {m['postgres']}; "
        f"granian {m['granian']}, Django {m['django']}, django-ninja {m['django_ninja']}; "
        f"Frontdesk {m['frontdesk_commit']}. Wall time {report['wall_s']:.0f} s.",
        "",
        f"Cells: **p50 / p95 ms** (nearest rank, median over rounds) · throughput "
        f"(median over rounds) · n = successful requests. Ours: granian `--interface "
        f"{primary}`, 2 workers. Peer: django-helpdesk {
            peer.get('machine', {}).get('django_helpdesk', '?')
        } on gunicorn, 2 sync workers.",
        "",
    ]
    kinds = [k for k in DBS if k in ours]
    header = (
        "| operation | target | "
        + " | ".join(f"{k} ours | {k} django-helpdesk" for k in kinds)
        + " |"
    )
    lines += [header, "|---|---|" + "---|---|" * len(kinds)]
    for label, mine, theirs, rate, target in ROWS:
        cells = []
        for k in kinds:
            cells.append(cell(ours[k]["interfaces"].get(primary, {}).get(mine), rate=rate))
            peer_bench = peer["by_db"].get(k, {}).get("bench", {}).get("scenarios", {})
            cells.append(peer_cell(peer_bench, theirs, rate=rate))
        lines.append(f"| {label} | {target} | " + " | ".join(cells) + " |")
    lines.append("")
    ratios = []
    for k in kinds:
        mine = ours[k]["interfaces"].get(primary, {}).get("create_c8", {}).get("median", {})
        theirs = (
            peer["by_db"]
            .get(k, {})
            .get("bench", {})
            .get("scenarios", {})
            .get("create_api_c8", {})
            .get("median", {})
        )
        if mine.get("rps") and theirs.get("rps"):
            ratios.append(
                f"{k}: {mine['rps'] / theirs['rps']:.1f}x "
                f"({mine['rps']:.0f} vs {theirs['rps']:.0f} tickets/s)"
            )
    if ratios:
        lines += ["Creation with 8 clients, ours / django-helpdesk: " + "; ".join(ratios) + ".", ""]
    if len(INTERFACES) > 1:
        lines += ["Our server interfaces (same data, same run):", ""]
        header = "| operation | " + " | ".join(f"{k} {i}" for k in kinds for i in INTERFACES) + " |"
        lines += [header, "|---|" + "---|" * (len(kinds) * len(INTERFACES))]
        for name in (
            "create",
            "create_c8",
            "list_admin",
            "list_agent",
            "retrieve",
            "retrieve_c8",
            "ui_list",
            "ui_ticket",
        ):
            cells = [
                cell(
                    ours[k]["interfaces"].get(i, {}).get(name),
                    rate=name.endswith("c8") or name.startswith("create"),
                )
                for k in kinds
                for i in INTERFACES
            ]
            lines.append(f"| {name} | " + " | ".join(cells) + " |")
        lines.append("")
    loads = []
    for k in kinds:
        for i in INTERFACES:
            res = ours[k]["interfaces"].get(i, {})
            seen = [
                x
                for sc in res.values()
                if isinstance(sc, dict) and "median" in sc
                for x in sc["median"].get("loadavg_1m", [])
            ]
            if seen:
                loads.append(f"{k} {i} {min(seen):.1f}-{max(seen):.1f}")
    if loads:
        lines += [
            "1-minute load average around our scenarios (2 cores; the driver itself adds "
            "about 1-2): " + ", ".join(loads) + ".",
            "",
        ]
    lines += [
        "Data sets:",
        "",
        "| | tickets | messages | open | open seen by the agent | seed s | DB size |",
        "|---|---|---|---|---|---|---|",
    ]
    for k in kinds:
        f = ours[k]["facts"]
        lines.append(
            f"| {k} ours | {f['tickets']:,} | {f['messages']:,} | "
            f"{f['open_tickets']:,} | {f['agent_open_tickets']:,} | "
            f"{ours[k].get('seed_s')} | {f['db_size']} |"
        )
        s = peer["by_db"].get(k, {}).get("seed")
        probe = peer["by_db"].get(k, {}).get("bench", {}).get("probes", {}).get("list_data", {})
        if s:
            lines.append(
                f"| {k} django-helpdesk | {s['tickets']:,} | {s['followups']:,} | "
                f"{probe.get('recordsTotal', '?')} | n/a | {s['total_s']} | "
                f"{s.get('db_size', '?')} |"
            )
    lines.append("")
    if peer.get("command"):
        lines += [
            f"Peer command: `{peer['command']}` (exit {peer['exit_code']}, "
            f"{peer['wall_s']:.0f} s).",
            "",
        ]
    return "\n".join(lines)


def main() -> None:
    started = datetime.now(UTC)
    knobs = " ".join(f"{k}={shlex.quote(os.environ[k])}" for k in KNOBS if k in os.environ)
    command = (knobs + " " if knobs else "") + shlex.join(
        [os.path.relpath(sys.executable, ROOT), os.path.relpath(__file__, ROOT), *sys.argv[1:]]
    )
    print(f"command: {command}")
    print(
        f"effective: BENCH_DBS={' '.join(DBS)!r} BENCH_TICKETS={TICKETS} "
        f"BENCH_PEER={int(PEER)} BENCH_INTERFACES={' '.join(INTERFACES)!r} "
        f"BENCH_ROUNDS={ROUNDS} BENCH_SCALE={SCALE}"
    )
    unknown = set(DBS) - {"sqlite", "postgres"} | set(INTERFACES) - {"asgi", "wsgi"}
    if unknown:
        sys.exit(f"unknown BENCH_DBS/BENCH_INTERFACES value(s): {sorted(unknown)}")
    machine = machine_facts()
    for key, value in machine.items():
        print(f"machine: {key} = {value}")
    WORK.mkdir(parents=True, exist_ok=True)
    RAW.mkdir(parents=True, exist_ok=True)
    ours = {kind: bench_database(kind) for kind in DBS}
    peer = run_peer(DBS) if PEER else None
    report = {
        "command": command,
        "started": started.strftime("%Y-%m-%d %H:%M UTC"),
        "wall_s": round(time.monotonic() - T0, 1),
        "machine": machine,
        "config": {
            "dbs": DBS,
            "tickets": TICKETS,
            "messages": MESSAGES,
            "seed": SEED,
            "interfaces": INTERFACES,
            "reported_interface": INTERFACES[0],
            "rounds": ROUNDS,
            "scale": SCALE,
        },
        "ours": ours,
        "peer": peer,
    }
    stamp = started.strftime("%Y%m%dT%H%M%SZ")
    (RAW / f"run-{stamp}.json").write_text(json.dumps(report, indent=1))
    for db_result in ours.values():  # per-request latencies stay in the raw copy only
        for results in db_result["interfaces"].values():
            for scenario in results.values():
                if isinstance(scenario, dict):
                    scenario.pop("latencies_ms", None)
    (RESULTS / "latest.json").write_text(json.dumps(report, indent=1) + "\n")
    markdown = render_markdown(report)
    (RESULTS / "latest.md").write_text(markdown + "\n")
    print()
    print(markdown)
    failures = [
        f"{kind}/{iface}/{name}"
        for kind, r in ours.items()
        for iface, results in r["interfaces"].items()
        for name, sc in results.items()
        if isinstance(sc, dict) and sc.get("median", {}).get("errors")
    ]
    if failures:
        log(f"WARNING: requests failed in {', '.join(failures)} (see the tables)")
    if any(f.split("/")[1] == INTERFACES[0] for f in failures):
        sys.exit("requests failed in the reported configuration")
    if peer is not None and peer["exit_code"] != 0:
        sys.exit("the peer harness failed")
    log(f"done -> {RESULTS / 'latest.json'}, {RESULTS / 'latest.md'}")


if __name__ == "__main__":
    main()
