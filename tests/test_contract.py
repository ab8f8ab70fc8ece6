"""Contract test: schemathesis against a live Frontdesk (granian, file SQLite, demo data).

Runs every operation of the committed OpenAPI schema with generated input, as the demo
admin and as a demo customer, and fails on any 5xx or response that violates the schema.
"""

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

EXAMPLES = os.environ.get("FRONTDESK_CONTRACT_EXAMPLES", "15")
STARTUP_SECONDS = 60


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def frontdesk(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "frontdesk.cli", *args],
        env=env,
        check=True,
        capture_output=True,
        text=True,
        timeout=300,
    )
    return result.stdout.strip()


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, dict[str, str]]]:
    data_dir = tmp_path_factory.mktemp("contract")
    env = {
        **os.environ,
        "FRONTDESK_DATA_DIR": str(data_dir),
        "DJANGO_SETTINGS_MODULE": "frontdesk.config.settings",
    }
    env.pop("DATABASE_URL", None)
    database = fresh_postgres_database() if os.environ.get("FRONTDESK_TEST_DATABASE_URL") else None
    if database:
        env["DATABASE_URL"] = database
    frontdesk(env, "migrate", "-v0")
    frontdesk(env, "demo")
    tokens = {
        role: frontdesk(env, "token", "create", "--user", email, "--scopes", scopes)
        for role, email, scopes in (
            ("admin", "admin@demo.frontdesk.test", "read,write,admin"),
            ("customer", "customer@demo.frontdesk.test", "read,write"),
        )
    }
    port = free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "granian",
            "--interface",
            "wsgi",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            "1",
            "--log-level",
            "warning",
            "frontdesk.config.wsgi:application",
        ],
        env=env,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(base + "/healthz")
        yield base, tokens
    finally:
        server.terminate()
        server.wait(timeout=10)
        shutil.rmtree(data_dir, ignore_errors=True)
        if database:
            drop_postgres_database(database)


def fresh_postgres_database() -> str:
    """A new, empty database beside the test database, for the live server to own."""
    import psycopg

    base = os.environ["FRONTDESK_TEST_DATABASE_URL"].rsplit("/", 1)[0]
    name = f"frontdesk_contract_{os.getpid()}"
    with psycopg.connect(base + "/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    return f"{base}/{name}"


def drop_postgres_database(url: str) -> None:
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(base + "/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def wait_until_up(url: str) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"server did not answer at {url}")


def test_no_server_errors_and_no_schema_violations(live, tmp_path):
    # One test for both roles, so parallel runs never start two servers on one database.
    base, tokens = live
    for role in ("admin", "customer"):
        run_schemathesis(base, tokens[role], tmp_path / role)


def run_schemathesis(base: str, token: str, report_dir: Path) -> None:
    schema = Path(__file__).resolve().parent.parent / "src/frontdesk/api/openapi.json"
    result = subprocess.run(
        [
            str(Path(sys.executable).parent / "schemathesis"),
            "run",
            str(schema),
            "--url",
            base,
            "-H",
            f"Authorization: Bearer {token}",
            "--checks",
            "not_a_server_error,status_code_conformance,"
            "content_type_conformance,response_schema_conformance",
            "--max-examples",
            EXAMPLES,
            # Raw MIME (message/rfc822) cannot be generated from a schema; the mail tests
            # post real messages, hostile ones included, to this endpoint.
            "--exclude-name",
            "POST /api/v1/mail/inbound",
            "--seed",
            "1",
            "--generation-deterministic",
            "--report-dir",
            str(report_dir),
        ],
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
