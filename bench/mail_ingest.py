"""Email ingestion benchmark: 2,000 mixed messages through `frontdesk ingest-email`, and the
peak memory of one 25 MB message.

    .venv/bin/python bench/mail_ingest.py                   # SQLite and PostgreSQL
    BENCH_DBS=sqlite BENCH_MESSAGES=500 .venv/bin/python bench/mail_ingest.py

For each database it starts from an empty one (SQLite file under BENCH_WORKDIR, or the
PostgreSQL database `frontdesk_bench_mail` on 127.0.0.1), migrates, and writes
BENCH_MESSAGES small message files: about 55% new requests from 300 senders, 30% replies
threaded by In-Reply-To, 5% replies found only by References, 5% out-of-office answers, 5%
with a small PDF attachment. One `frontdesk ingest-email FILE...` process (one worker)
ingests them all; the rate is messages per second of that process's wall time, Django's
start-up included; its CPU time (user + system) is reported too, as a rate that other load on
the machine does not change. Then a fresh process ingests one 25 MB message (an 18 MB attachment,
base64) and reports its peak resident memory above the level after a warm-up message.

Results go to bench/results/mail_ingest.json and are printed as a Markdown table.
"""

from __future__ import annotations

import base64
import json
import os
import platform
import random
import resource
import shutil
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORKDIR = Path(os.environ.get("BENCH_WORKDIR", "/tmp/frontdesk-bench")) / "mail"
DBS = os.environ.get("BENCH_DBS", "sqlite postgres").split()
MESSAGES = int(os.environ.get("BENCH_MESSAGES", "2000"))
PG_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432")
PG_DB = "frontdesk_bench_mail"
SUPPORT = "support@bench.example"
BIG_BYTES = 25 * 2**20


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--memory":
        print(json.dumps(measure_memory(Path(sys.argv[2]), Path(sys.argv[3]))))
        return
    results: dict[str, object] = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}",
        "messages": MESSAGES,
        "runs": [],
    }
    messages = write_messages(WORKDIR / "messages", MESSAGES)
    big = write_big(WORKDIR / "big.eml")
    warm = WORKDIR / "messages" / "m00000.eml"
    runs: list[dict[str, object]] = []
    for db in DBS:
        env = environment(db)
        frontdesk(["migrate", "--verbosity", "0"], env)
        load = os.getloadavg()[0]
        cpu_before = _children_cpu()
        started = time.perf_counter()
        out = frontdesk(["ingest-email", "--no-ack", *map(str, messages)], env)
        seconds = time.perf_counter() - started
        cpu = _children_cpu() - cpu_before
        states: dict[str, int] = {}
        for line in out.splitlines():
            state = line.split(": ", 1)[1].split(" ", 1)[0] if ": " in line else "?"
            states[state] = states.get(state, 0) + 1
        memory = json.loads(
            subprocess.run(
                [sys.executable, __file__, "--memory", str(warm), str(big)],
                env=env,
                check=True,
                capture_output=True,
                text=True,
            )
            .stdout.strip()
            .splitlines()[-1]
        )
        runs.append(
            {
                "db": db,
                "messages": len(messages),
                "seconds": round(seconds, 2),
                "per_second": round(len(messages) / seconds, 1),
                "cpu_seconds": round(cpu, 2),
                "per_cpu_second": round(len(messages) / cpu, 1),
                "load_before": round(load, 2),
                "states": states,
                **memory,
            }
        )
    results["runs"] = runs
    out_file = ROOT / "bench" / "results" / "mail_ingest.json"
    out_file.parent.mkdir(parents=True, exist_ok=True)
    out_file.write_text(json.dumps(results, indent=2) + "\n")
    print(
        "| database | messages | seconds | messages/s | CPU seconds | messages per CPU second "
        "| load before | 25 MB message: extra peak memory |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for run in runs:
        print(
            f"| {run['db']} | {run['messages']} | {run['seconds']} | {run['per_second']} "
            f"| {run['cpu_seconds']} | {run['per_cpu_second']} | {run['load_before']} "
            f"| {run['extra_mb']} MB |"
        )


def _children_cpu() -> float:
    """User + system CPU seconds of the finished child processes (the ingest command)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def environment(db: str) -> dict[str, str]:
    data = WORKDIR / f"data-{db}"
    shutil.rmtree(data, ignore_errors=True)
    data.mkdir(parents=True)
    if db == "sqlite":
        url = f"sqlite:///{data / 'bench.sqlite3'}"
    else:
        subprocess.run(
            ["dropdb", "--if-exists", "-h", "127.0.0.1", "-U", "postgres", PG_DB], check=True
        )
        subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", PG_DB], check=True)
        url = f"{PG_URL}/{PG_DB}"
    return {
        **os.environ,
        "DATABASE_URL": url,
        "FRONTDESK_DATA_DIR": str(data),
        "FRONTDESK_FROM_EMAIL": SUPPORT,
        "FRONTDESK_LOG_LEVEL": "WARNING",
        "DJANGO_SETTINGS_MODULE": "frontdesk.config.settings",
    }


def frontdesk(args: list[str], env: dict[str, str]) -> str:
    command = [str(Path(sys.executable).parent / "frontdesk"), *args]
    return subprocess.run(command, env=env, check=True, capture_output=True, text=True).stdout


# --- the messages -------------------------------------------------------------------------


def message(n: int, sender: str, subject: str, body: str, extra: str = "", mime: str = "") -> bytes:
    head = (
        f"From: {sender}\r\nTo: {SUPPORT}\r\nSubject: {subject}\r\n"
        f"Date: Mon, 23 Nov 2026 09:00:00 +0000\r\nMessage-ID: <bench-{n}@client.example>\r\n"
        f"MIME-Version: 1.0\r\n{extra}"
    )
    if mime:
        return (head + mime).encode()
    return (head + f"Content-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n").encode()


def write_messages(folder: Path, count: int) -> list[Path]:
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    rng = random.Random(42)
    senders = [f"Customer {i} <customer{i}@example{i % 30}.com>" for i in range(300)]
    new_ids: list[int] = []
    pdf = base64.encodebytes(b"%PDF-1.4\n" + bytes(rng.getrandbits(8) for _ in range(20_000)))
    paths = []
    for n in range(count):
        roll = rng.random()
        sender = rng.choice(senders)
        if n < 20 or roll < 0.55 or not new_ids:
            raw = message(
                n, sender, f"Request {n}: printer {rng.randint(1, 99)}", "It smokes. " * 20
            )
            new_ids.append(n)
        elif roll < 0.85:
            parent = rng.choice(new_ids)
            raw = message(
                n,
                sender,
                f"Re: Request {parent}",
                "Any news?\n\n> It smokes.",
                f"In-Reply-To: <bench-{parent}@client.example>\r\n",
            )
        elif roll < 0.90:
            parent = rng.choice(new_ids)
            raw = message(
                n,
                sender,
                f"RE: Request {parent}",
                "Thanks",
                f"References: <x@y> <bench-{parent}@client.example>\r\n",
            )
        elif roll < 0.95:
            parent = rng.choice(new_ids)
            raw = message(
                n,
                sender,
                "Out of office",
                "Away until Monday.",
                f"Auto-Submitted: auto-replied\r\nIn-Reply-To: <bench-{parent}@client.example>\r\n",
            )
        else:
            mime = (
                'Content-Type: multipart/mixed; boundary="b"\r\n\r\n--b\r\n'
                "Content-Type: text/plain\r\n\r\nInvoice attached.\r\n--b\r\n"
                "Content-Type: application/pdf\r\nContent-Transfer-Encoding: base64\r\n"
                "Content-Disposition: attachment; filename=invoice.pdf\r\n\r\n"
                + pdf.decode().replace("\n", "\r\n")
                + "--b--\r\n"
            )
            raw = message(n, sender, f"Invoice {n}", "", mime=mime)
        path = folder / f"m{n:05d}.eml"
        path.write_bytes(raw)
        paths.append(path)
    return paths


def write_big(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    payload_bytes = (BIG_BYTES - 4096) * 3 // 4 // 57 * 57
    head = (
        f"From: Big <big@example.com>\r\nTo: {SUPPORT}\r\nSubject: Logs\r\n"
        "Message-ID: <big@example.com>\r\nMIME-Version: 1.0\r\n"
        'Content-Type: multipart/mixed; boundary="b"\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\n'
        "Logs attached.\r\n--b\r\nContent-Type: application/octet-stream\r\n"
        "Content-Transfer-Encoding: base64\r\n"
        "Content-Disposition: attachment; filename=logs.bin\r\n\r\n"
    )
    chunk = os.urandom(57 * 1000)
    with path.open("wb") as out:
        out.write(head.encode())
        written = 0
        while written < payload_bytes:
            piece = chunk[: min(len(chunk), payload_bytes - written)]
            out.write(base64.encodebytes(piece).replace(b"\n", b"\r\n"))
            written += len(piece)
        out.write(b"--b--\r\n")
    return path


# --- the memory child ---------------------------------------------------------------------


def measure_memory(warm: Path, big: Path) -> dict[str, object]:
    import django

    django.setup()
    from frontdesk.mail.actions import ingest
    from frontdesk.mail.models import Source

    with warm.open("rb") as stream:  # imports, caches and connections warmed up
        ingest(raw=stream, source=Source.CLI, source_ref="warm-up", acknowledge=False)
    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with big.open("rb") as stream:
        row = ingest(raw=stream, source=Source.CLI, source_ref="big", acknowledge=False)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {
        "big_mb": round(big.stat().st_size / 2**20, 1),
        "big_state": row.state,
        "extra_mb": round((peak - base) / 1024, 1),
    }


if __name__ == "__main__":
    main()
