"""Quick in-process search timings on an existing bench database (no seeding).

    DJANGO_SETTINGS_MODULE=frontdesk.config.settings \\
    DATABASE_URL=sqlite:////tmp/frontdesk-bench/search/search.sqlite3 \\
    .venv/bin/python bench/search_quick.py

Runs `search()` (what the API and the page call) as the first agent with a team and the
admin for a common word, an absent word, a phrase and a filtered query: one untimed warm-up,
then RUNS (default 5) timed runs each; prints one JSON line per query with p50 / p95 in ms
(nearest rank). The database is only read. `bench/search.py` is the full benchmark (seeds,
more operations, 40 runs).
"""

import json
import os
import time

import django

django.setup()

from frontdesk.accounts.models import User  # noqa: E402
from frontdesk.search.queries import search  # noqa: E402

RUNS = int(os.environ.get("RUNS", "5"))
QUERIES = {
    "common word": "error",
    "absent word": "quixotically",
    "phrase": '"keeps logging us out"',
    "filtered": "timeout status:open,pending priority>=high",
}


def main() -> None:
    admin = User.objects.filter(role="admin", is_active=True).order_by("pk").first()
    agent = (
        User.objects.filter(role="agent", is_active=True, teams__isnull=False)
        .order_by("pk")
        .first()
    )
    for who, user in (("agent", agent), ("admin", admin)):
        if user is None:
            raise SystemExit(f"no {who} in this database")
        for name, text in QUERIES.items():
            search(user, text)  # warm-up
            samples = []
            for _ in range(RUNS):
                started = time.perf_counter()
                page = search(user, text)
                samples.append((time.perf_counter() - started) * 1000)
            samples.sort()
            row = {
                "as": who,
                "query": name,
                "p50": round(samples[len(samples) // 2], 1),
                "p95": round(samples[max(0, -(-len(samples) * 95 // 100) - 1)], 1),
                "hits": len(page.hits),
            }
            print(json.dumps(row), flush=True)


if __name__ == "__main__":
    main()
