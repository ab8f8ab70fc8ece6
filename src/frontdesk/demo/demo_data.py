"""The demo help desk: people, customers and about 300 tickets from the last 60 days.

Everything is written through the actions (with `now=` in the past), so the data, the
ticket numbers and the audit trail are exactly what real use would leave behind. The load
is deterministic for a seed and happens once: if the demo admin exists, nothing is done.
"""

import random
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction

from frontdesk.accounts.models import User
from frontdesk.core import clock
from frontdesk.demo.cast import create_cast, demo_email
from frontdesk.demo.content import CUSTOMER_KEY, STAFF
from frontdesk.demo.playback import play
from frontdesk.demo.routing import create_demo_assignment, create_demo_rules
from frontdesk.demo.sla import create_demo_sla
from frontdesk.demo.stories import plan_stories
from frontdesk.tickets.models import Ticket

DEMO_PASSWORD = "frontdesk-demo"  # noqa: S105 - published in the README on purpose
DEMO_SEED = 2026
TICKETS = 300
DAYS = 60


@dataclass(frozen=True)
class DemoSummary:
    created: bool  # False when the demo data was already there
    password: str
    logins: list[tuple[str, str]]  # (role, email)
    tickets: int
    seconds: float


def demo_logins() -> list[tuple[str, str]]:
    """The demo sign-ins as (role, email), staff first, for banners and docs."""
    staff = [(str(member.role), demo_email(member.key)) for member in STAFF]
    return [*staff, ("customer", demo_email(CUSTOMER_KEY))]


def admin_email() -> str:
    return demo_email(STAFF[0].key)


def load_demo(*, seed: int = DEMO_SEED, now: datetime | None = None) -> DemoSummary:
    """Load the demo help desk unless it is there already. All or nothing: one transaction."""
    started = time.monotonic()
    if User.objects.filter(email=admin_email()).exists():
        return _summary(created=False, started=started)
    now = now or clock.now()
    rng = random.Random(seed)  # noqa: S311 - reproducible demo data, not secrets
    with transaction.atomic():
        cast = create_cast(rng, DEMO_PASSWORD)
        admin = User.objects.get(email=admin_email())
        create_demo_sla(admin, now=now - timedelta(days=DAYS))
        stories = plan_stories(rng, cast, now=now, count=TICKETS, days=DAYS)
        play(stories, cast, now=now, days=DAYS)
        create_demo_rules(admin, now=now)
        create_demo_assignment(admin, cast.teams, now=now)
    return _summary(created=True, started=started)


def _summary(*, created: bool, started: float) -> DemoSummary:
    return DemoSummary(
        created=created,
        password=DEMO_PASSWORD,
        logins=demo_logins(),
        tickets=Ticket.objects.count(),
        seconds=round(time.monotonic() - started, 2),
    )
