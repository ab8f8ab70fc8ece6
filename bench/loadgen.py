"""A small, bounded HTTP load driver for benchmarking Frontdesk on this machine.

Standard library only: one thread per simulated client, each with its own keep-alive
`http.client` connection. It only ever talks to a loopback address, every loop is bounded
by a request count and a wall-clock cap, and every response is checked (status code and,
optionally, the body) before its latency is counted.

Method, per scenario:
  * untimed warm-up requests (caches, connection pools, lazy imports in the server);
  * `rounds` rounds; a round is a closed loop of `concurrency` clients that together issue
    at most `count` requests and stop early once `round_cap_s` has passed (but never before
    `min_requests`); no new round starts once the scenario has used `budget_s`;
  * per round: nearest-rank p50/p95 of the successful requests' latencies and the
    throughput (successful requests / round wall time); the summary is the median over
    rounds of each figure.

Used as a library by bench/run.py; also usable by hand:
  python bench/loadgen.py --url http://127.0.0.1:8000/api/v1/tickets/1001 \
      --header "Authorization: Bearer fd_..." -n 200 -c 8
"""

from __future__ import annotations

import argparse
import http.client
import ipaddress
import json
import math
import os
import socket
import statistics
import sys
import threading
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

# Hard ceilings, whatever the caller asks for.
MAX_REQUESTS_PER_ROUND = 20_000
MAX_CONCURRENCY = 64
MAX_ROUNDS = 20
MAX_ROUND_SECONDS = 300.0
MAX_WARMUP = 200
SOCKET_TIMEOUT_S = 60.0
ERROR_SAMPLES = 5
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class NotLoopbackError(ValueError):
    pass


def loopback_host(host: str) -> str:
    """Return `host` if it resolves only to loopback addresses; refuse anything else."""
    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except socket.gaierror as exc:
        raise NotLoopbackError(f"cannot resolve {host!r}: {exc}") from exc
    addresses = {info[4][0] for info in infos}
    if not addresses or not all(ipaddress.ip_address(a).is_loopback for a in addresses):
        raise NotLoopbackError(f"refusing non-loopback host {host!r} ({sorted(addresses)})")
    return host


@dataclass(frozen=True)
class Target:
    host: str
    port: int

    @classmethod
    def from_url(cls, url: str) -> Target:
        parts = urllib.parse.urlsplit(url)
        if parts.scheme != "http":
            raise NotLoopbackError(f"only plain http to loopback is supported, not {url!r}")
        host = parts.hostname or ""
        return cls(loopback_host(host), parts.port or 80)

    def __post_init__(self) -> None:
        loopback_host(self.host)


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    body: bytes | None = None
    headers: dict[str, str] = field(default_factory=dict)
    expect: tuple[int, ...] = (200,)
    check: Callable[[bytes], bool] | None = None


# A scenario's request factory: request number i (0-based, across the round) -> Request.
RequestFactory = Callable[[int], Request]


class Connection:
    """One client's keep-alive connection; reconnects once if the server closed it."""

    def __init__(self, target: Target) -> None:
        self.target = target
        self._conn: http.client.HTTPConnection | None = None

    def _open(self) -> http.client.HTTPConnection:
        if self._conn is None:
            self._conn = http.client.HTTPConnection(
                self.target.host, self.target.port, timeout=SOCKET_TIMEOUT_S
            )
        return self._conn

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def send(self, req: Request) -> tuple[int, bytes]:
        for attempt in (1, 2):
            conn = self._open()
            try:
                conn.request(req.method, req.path, body=req.body, headers=req.headers)
                resp = conn.getresponse()
                data = resp.read()
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                # A keep-alive connection the server dropped while idle: a safe request is
                # retried once on a fresh connection (the latency includes both attempts).
                # A POST is never retried, since the server may have acted on it.
                self.close()
                if attempt == 2 or req.method not in SAFE_METHODS:
                    raise
                continue
            if resp.getheader("connection", "").lower() == "close":
                self.close()
            return resp.status, data
        raise AssertionError("unreachable")


def percentile(sorted_values: list[float], q: float) -> float | None:
    """Nearest-rank percentile: the smallest value with at least q of the data at or below."""
    if not sorted_values:
        return None
    rank = max(1, math.ceil(q * len(sorted_values)))
    return sorted_values[rank - 1]


@dataclass
class RoundResult:
    latencies_ms: list[float]
    errors: int
    error_samples: list[str]
    wall_s: float

    @property
    def ok(self) -> int:
        return len(self.latencies_ms)

    def summary(self) -> dict[str, Any]:
        ordered = sorted(self.latencies_ms)
        p50, p95 = percentile(ordered, 0.50), percentile(ordered, 0.95)
        return {
            "ok": self.ok,
            "errors": self.errors,
            "wall_s": round(self.wall_s, 3),
            "rps": round(self.ok / self.wall_s, 2) if self.wall_s > 0 else None,
            "p50_ms": None if p50 is None else round(p50, 2),
            "p95_ms": None if p95 is None else round(p95, 2),
            "max_ms": round(ordered[-1], 2) if ordered else None,
            "error_samples": self.error_samples,
        }


def run_round(
    target: Target,
    factory: RequestFactory,
    *,
    count: int,
    concurrency: int,
    round_cap_s: float,
    min_requests: int = 3,
    offset: int = 0,
) -> RoundResult:
    """Closed loop: `concurrency` clients share `count` requests; stop early at the cap."""
    count = min(count, MAX_REQUESTS_PER_ROUND)
    concurrency = max(1, min(concurrency, MAX_CONCURRENCY, count))
    round_cap_s = min(round_cap_s, MAX_ROUND_SECONDS)
    lock = threading.Lock()
    issued = 0
    latencies: list[float] = []
    errors: list[str] = []
    error_count = 0
    start = time.perf_counter()
    deadline = start + round_cap_s

    def take() -> int | None:
        nonlocal issued
        with lock:
            if issued >= count:
                return None
            if issued >= min_requests and time.perf_counter() > deadline:
                return None
            issued += 1
            return offset + issued - 1

    def client() -> None:
        nonlocal error_count
        conn = Connection(target)
        try:
            while (i := take()) is not None:
                req = factory(i)
                t0 = time.perf_counter()
                try:
                    status, data = conn.send(req)
                except (OSError, http.client.HTTPException) as exc:
                    conn.close()
                    problem = f"{type(exc).__name__}: {exc}"
                else:
                    elapsed_ms = (time.perf_counter() - t0) * 1000.0
                    if status in req.expect and (req.check is None or req.check(data)):
                        with lock:
                            latencies.append(elapsed_ms)
                        continue
                    problem = f"{req.method} {req.path} -> HTTP {status}: {data[:200]!r}"
                with lock:
                    error_count += 1
                    if len(errors) < ERROR_SAMPLES:
                        errors.append(problem[:400])
        finally:
            conn.close()

    threads = [threading.Thread(target=client, daemon=True) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    # Each request is bounded by the socket timeout, so the join is bounded too.
    join_deadline = deadline + SOCKET_TIMEOUT_S * 2 + 5
    for thread in threads:
        thread.join(timeout=max(0.1, join_deadline - time.perf_counter()))
    wall = time.perf_counter() - start
    with lock:
        stuck = sum(t.is_alive() for t in threads)
        if stuck:
            error_count += stuck
            errors.append(f"{stuck} client(s) still waiting at the hard deadline")
        return RoundResult(list(latencies), error_count, list(errors), wall)


def median_of(rounds: list[dict[str, Any]], key: str) -> float | None:
    values = [r[key] for r in rounds if r.get(key) is not None]
    return round(statistics.median(values), 2) if values else None


def run_scenario(
    name: str,
    target: Target,
    factory: RequestFactory,
    *,
    count: int,
    concurrency: int = 1,
    rounds: int = 3,
    warmup: int = 5,
    round_cap_s: float = 20.0,
    budget_s: float = 60.0,
    log: Callable[[str], None] | None = print,
) -> dict[str, Any]:
    """Warm up, then run up to `rounds` rounds; returns per-round and median figures."""
    rounds = max(1, min(rounds, MAX_ROUNDS))
    warmup = max(0, min(warmup, MAX_WARMUP))
    # Warm-up: untimed, but still checked, so a broken scenario fails loudly and early.
    warm = Connection(target)
    warm_errors: list[str] = []
    try:
        for i in range(warmup):
            req = factory(1_000_000 + i)
            status, data = warm.send(req)
            if status not in req.expect or (req.check is not None and not req.check(data)):
                warm_errors.append(f"{req.method} {req.path} -> HTTP {status}: {data[:300]!r}")
                break
    finally:
        warm.close()
    if warm_errors:
        raise RuntimeError(f"{name}: warm-up request failed: {warm_errors[0]}")

    details: list[dict[str, Any]] = []
    latencies: list[list[float]] = []
    load_before = os.getloadavg()
    started = time.perf_counter()
    for r in range(rounds):
        if details and time.perf_counter() - started > budget_s:
            break
        result = run_round(
            target,
            factory,
            count=count,
            concurrency=concurrency,
            round_cap_s=round_cap_s,
            offset=r * count,
        )
        details.append(result.summary())
        latencies.append([round(x, 3) for x in result.latencies_ms])
    summary = {
        "rounds": len(details),
        "p50_ms": median_of(details, "p50_ms"),
        "p95_ms": median_of(details, "p95_ms"),
        "rps": median_of(details, "rps"),
        "ok": sum(d["ok"] for d in details),
        "errors": sum(d["errors"] for d in details),
        # 1-minute load average before and after (2 cores: above ~2 means other work ran)
        "loadavg_1m": [round(load_before[0], 2), round(os.getloadavg()[0], 2)],
    }
    if log is not None:
        log(
            f"  {name:<22} c={concurrency} ok={summary['ok']:<5} err={summary['errors']:<3} "
            f"p50={summary['p50_ms']} ms p95={summary['p95_ms']} ms rps={summary['rps']}"
        )
    return {
        "concurrency": concurrency,
        "count_per_round": count,
        "round_cap_s": round_cap_s,
        "budget_s": budget_s,
        "warmup": warmup,
        "median": summary,
        "rounds_detail": details,
        "latencies_ms": latencies,
    }


def json_check(predicate: Callable[[Any], bool]) -> Callable[[bytes], bool]:
    """A body check that parses JSON and applies `predicate` (False on any parse error)."""

    def check(data: bytes) -> bool:
        try:
            return bool(predicate(json.loads(data)))
        except (ValueError, TypeError, KeyError, AttributeError):
            return False

    return check


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", required=True, help="http://127.0.0.1:PORT/path (loopback)")
    parser.add_argument("--method", default="GET")
    parser.add_argument("--data", default=None, help="request body (sent as is)")
    parser.add_argument("--header", action="append", default=[], help="'Name: value'")
    parser.add_argument("--expect", default="200", help="comma-separated status codes")
    parser.add_argument("-n", "--count", type=int, default=100, help="requests per round")
    parser.add_argument("-c", "--concurrency", type=int, default=1)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--round-cap", type=float, default=20.0, help="seconds per round")
    parser.add_argument("--budget", type=float, default=60.0, help="seconds per scenario")
    args = parser.parse_args()

    target = Target.from_url(args.url)
    parts = urllib.parse.urlsplit(args.url)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    headers = dict(h.split(":", 1) for h in args.header)
    headers = {k.strip(): v.strip() for k, v in headers.items()}
    body = args.data.encode() if args.data is not None else None
    if body is not None:
        headers.setdefault("Content-Type", "application/json")
    request = Request(
        args.method.upper(),
        path,
        body,
        headers,
        tuple(int(s) for s in args.expect.split(",")),
    )
    result = run_scenario(
        "cli",
        target,
        lambda i: request,
        count=args.count,
        concurrency=args.concurrency,
        rounds=args.rounds,
        warmup=args.warmup,
        round_cap_s=args.round_cap,
        budget_s=args.budget,
        log=lambda line: print(line, file=sys.stderr),
    )
    result.pop("latencies_ms")
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
