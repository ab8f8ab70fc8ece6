"""`frontdesk run`: one foreground command that serves a working instance.

It migrates, loads demo data on the first start, prints the URL, the demo logins and a
fresh API token, then supervises the web server, the task worker and the scheduler.
Ctrl-C (or SIGTERM) stops all three; if one dies, the others are stopped too.
"""

import contextlib
import os
import signal
import subprocess
import sys
import time
from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from frontdesk.accounts.models import User
from frontdesk.core import live

STOP_GRACE_SECONDS = 10


class Command(BaseCommand):
    help = "Migrate, load demo data on first start, and run web server, worker and scheduler."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--host", default=settings.HOST)
        parser.add_argument("--port", type=int, default=settings.PORT)
        parser.add_argument(
            "--workers",
            type=int,
            default=None,
            help="Web server processes (default: FRONTDESK_WEB_WORKERS, else 2; 1 with the "
            "memory live backend, whose messages stay inside one process).",
        )
        parser.add_argument("--no-demo", action="store_true", help="Do not load demo data.")

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        if not options["no_demo"] and not User.objects.exists():
            self.stdout.write("First start: loading demo data...")
            call_command("demo", verbosity=0)
        options["workers"] = self._web_workers(options["workers"])
        self._print_banner(options["host"], options["port"])
        processes = self._start(options)
        sys.exit(supervise(processes))

    def _web_workers(self, requested: int | None) -> int:
        backend = live.backend_name()
        if requested is None and (configured := os.environ.get("FRONTDESK_WEB_WORKERS")):
            requested = int(configured)
        if requested is None:
            return 1 if backend == "memory" else 2
        if requested > 1 and backend == "memory":
            self.stderr.write(
                f"Warning: {requested} web workers with the memory live backend: live updates "
                "reach only clients of the same worker (set FRONTDESK_LIVE_BACKEND=postgres "
                "or redis)."
            )
        return requested

    def _print_banner(self, host: str, port: int) -> None:
        from frontdesk.demo.banner import issue_demo_token, login_lines

        url = f"http://{host}:{port}/"
        lines = ["", f"Frontdesk is running at {url}", f"API docs: {url}api/v1/docs", ""]
        lines += login_lines()
        token = issue_demo_token()
        if token:
            lines += [
                "",
                f"API token for the demo admin (read, write, admin): {token}",
                f"  curl -H 'Authorization: Bearer {token}' {url}api/v1/tickets",
            ]
        lines += ["", "Press Ctrl-C to stop.", ""]
        self.stdout.write("\n".join(lines))

    def _start(self, options: dict[str, Any]) -> list[subprocess.Popen[bytes]]:
        frontdesk = [sys.executable, "-m", "frontdesk.cli"]
        # WSGI by default: measured faster, and error-free under concurrency, for our
        # sync views (docs/benchmarks.md). "asginl" is ASGI without lifespan, which
        # Django does not implement.
        interface = os.environ.get("FRONTDESK_SERVER_INTERFACE", "wsgi")
        web = [
            sys.executable,
            "-m",
            "granian",
            "--interface",
            interface,
            "--host",
            options["host"],
            "--port",
            str(options["port"]),
            "--workers",
            str(options["workers"]),
            "--log-level",
            "warning",
        ]
        if interface == "wsgi":
            # Each open live stream holds one of these threads (for at most
            # FRONTDESK_LIVE_STREAM_SECONDS), so there must be room beside them.
            web += ["--blocking-threads", str(settings.FRONTDESK_WEB_THREADS)]
        web.append(f"frontdesk.config.{'wsgi' if interface == 'wsgi' else 'asgi'}:application")
        # Each child leads its own process group, so stopping one also stops what it
        # spawned (granian's worker processes) and Ctrl-C reaches only this supervisor.
        return [
            subprocess.Popen(command, start_new_session=True)
            for command in (web, [*frontdesk, "worker"], [*frontdesk, "scheduler"])
        ]


def supervise(processes: list[subprocess.Popen[bytes]]) -> int:
    """Wait until a signal arrives or a child exits; then stop every child. Returns the
    exit status: 0 after a requested stop, 1 if a child died on its own."""
    stopping = False

    def request_stop(signum: int, frame: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, request_stop)
    signal.signal(signal.SIGTERM, request_stop)
    while not stopping and all(p.poll() is None for p in processes):
        time.sleep(0.2)
    crashed = not stopping
    for process in processes:
        signal_group(process, signal.SIGTERM)
    deadline = time.monotonic() + STOP_GRACE_SECONDS
    for process in processes:
        try:
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            signal_group(process, signal.SIGKILL)
            process.wait()
        signal_group(process, signal.SIGKILL)  # leftovers of an exited group leader
    return 1 if crashed else 0


def signal_group(process: subprocess.Popen[bytes], signum: int) -> None:
    """Signal the child's whole process group (it is the group leader)."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signum)
