"""Plan the demo tickets: who asks what, through which channel, and how far each gets.

Planning is pure (no writes): each `Story` gets a fate (the status category it should end
in) and a timeline of beats (create, triage, reply...). `playback` then performs the beats
of all stories in time order through the actions.
"""

import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from frontdesk.accounts.models import User
from frontdesk.customers.models import Organization, Tier
from frontdesk.demo.cast import Cast
from frontdesk.demo.content import (
    ADDRESSES,
    FIRST_NAMES,
    LAST_NAMES,
    SCENARIOS,
    Scenario,
)
from frontdesk.tickets.choices import Channel, Priority, TicketType

CUSTOMER_CHANNELS = (Channel.EMAIL, Channel.PORTAL, Channel.CHAT)
CHANNEL_WEIGHTS = {
    Channel.EMAIL: 34,
    Channel.PORTAL: 24,
    Channel.CHAT: 10,
    Channel.PHONE: 12,
    Channel.WEB: 8,
    Channel.API: 12,
}
PRIORITY_WEIGHTS = {Priority.LOW: 20, Priority.NORMAL: 50, Priority.HIGH: 22, Priority.URGENT: 8}
MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
DEMO_CUSTOMER_WEIGHT = 3  # the demo login raises a few more tickets, so its portal is lively
SAFETY_MARGIN = timedelta(minutes=2)  # the last beat of a story stays this far before `now`


class Fate(StrEnum):
    """The status category a story ends in (closing is left to the auto-close job)."""

    NEW = "new"
    OPEN = "open"
    PENDING = "pending"
    ON_HOLD = "on_hold"
    SOLVED = "solved"


class Beat(StrEnum):
    CREATE = "create"
    TRIAGE = "triage"  # a supervisor or agent sets team, tags, category (and maybe assignee)
    CLAIM = "claim"  # the assignee takes it from the team queue
    CHASE = "chase"  # the requester asks for news on an untouched ticket
    ASK = "ask"  # the agent's first reply asks for details: pending
    DETAILS = "details"  # the requester answers: back to open
    NOTE = "note"
    HOLD_NOTE = "hold_note"
    HOLD = "hold"
    SOLVE = "solve"
    STILL_BROKEN = "still_broken"  # the requester reopens a solved ticket
    FIXED_AGAIN = "fixed_again"
    FOLLOW_UP = "follow_up"  # the requester writes to the closed ticket: a follow-up ticket


# Fate weights by ticket age: young tickets are still in flight, old ones mostly done.
FATES_BY_AGE = (
    (timedelta(days=1), {Fate.NEW: 45, Fate.OPEN: 25, Fate.PENDING: 15, Fate.SOLVED: 15}),
    (
        timedelta(days=4),
        {Fate.NEW: 5, Fate.OPEN: 25, Fate.PENDING: 20, Fate.ON_HOLD: 10, Fate.SOLVED: 40},
    ),
    (
        timedelta.max,
        {Fate.OPEN: 3, Fate.PENDING: 4, Fate.ON_HOLD: 5, Fate.SOLVED: 88},
    ),
)


@dataclass
class Story:
    scenario: Scenario
    requester: User
    organization: Organization
    channel: str
    created_at: datetime
    fate: Fate
    assignee: User
    rng: random.Random
    priority: str = Priority.NORMAL.label
    assign_in_triage: bool = False
    words: dict[str, Any] = field(default_factory=dict)
    custom_fields: dict[str, Any] = field(default_factory=dict)
    beats: list[tuple[Beat, datetime]] = field(default_factory=list)
    number: int = 0  # known once the CREATE beat ran

    @property
    def team_key(self) -> str:
        return self.scenario.team

    def text(self, template: str) -> str:
        return template.format_map(self.words)


def plan_stories(
    rng: random.Random, cast: Cast, *, now: datetime, count: int, days: int
) -> list[Story]:
    # Times come from their own generator so the content does not depend on the date.
    time_rng = random.Random(rng.random())  # noqa: S311 - demo data, not secrets
    times = creation_times(time_rng, now=now, count=count, days=days)
    stories = [_story(rng, cast, created_at, now) for created_at in times]
    _cover_every_fate(stories, now)
    for story in stories:
        story.beats = timeline(story, now)
    return stories


def creation_times(rng: random.Random, *, now: datetime, count: int, days: int) -> list[datetime]:
    """Ticket arrival times, oldest first: mostly office hours, fewer at weekends."""
    times: list[datetime] = []
    while len(times) < count:
        day = now - timedelta(days=rng.uniform(0, days))
        hour = rng.choice((7, 8, 9, 9, 10, 10, 11, 11, 12, 13, 14, 14, 15, 15, 16, 17, 19, 22))
        at = day.replace(hour=hour, minute=rng.randrange(60), second=rng.randrange(60))
        quiet_day = at.weekday() >= 5 and rng.random() < 0.7
        if at < now - SAFETY_MARGIN and not quiet_day:
            times.append(at)
    return sorted(times)


def _story(rng: random.Random, cast: Cast, created_at: datetime, now: datetime) -> Story:
    scenario = rng.choice(SCENARIOS)
    weights = [DEMO_CUSTOMER_WEIGHT if c == cast.customer else 1 for c in cast.contacts]
    requester = rng.choices(cast.contacts, weights)[0]
    channel = Channel.WEB if scenario.staff_only else _weighted(rng, CHANNEL_WEIGHTS)
    story = Story(
        scenario=scenario,
        requester=requester,
        organization=cast.organization_of[requester.pk],
        channel=channel,
        created_at=created_at,
        fate=_weighted(rng, _fate_weights(now - created_at)),
        assignee=rng.choice(cast.members(scenario.team, assignable=True)),
        rng=random.Random(rng.getrandbits(64)),  # noqa: S311 - demo data, not secrets
        priority=_weighted(rng, PRIORITY_WEIGHTS).label,
        assign_in_triage=rng.random() < 0.5,
    )
    story.words = story_words(story)
    story.custom_fields = _custom_fields(story)
    return story


def _fate_weights(age: timedelta) -> dict[Fate, int]:
    return next(weights for limit, weights in FATES_BY_AGE if age < limit)


def _weighted[T](rng: random.Random, weights: dict[T, int]) -> T:
    return rng.choices(list(weights), list(weights.values()))[0]


def _cover_every_fate(stories: list[Story], now: datetime) -> None:
    """Make sure the newest tickets show every fate, whatever the dice said: the newest one
    stays new, and a few other recent ones take any fate nobody got."""
    recent = [s for s in reversed(stories) if now - s.created_at < timedelta(days=3)]
    if not recent:
        return
    recent[0].fate = Fate.NEW
    for fate in Fate:
        counts = Counter(s.fate for s in recent)
        if counts[fate]:
            continue
        spare = next((s for s in recent[1:] if counts[s.fate] > 1), None)
        if spare is None:
            return  # too few recent tickets to show everything
        spare.fate = fate


def story_words(story: Story) -> dict[str, Any]:
    """Values for the scenario's placeholders, drawn once per ticket."""
    rng, created = story.rng, story.created_at
    domain = story.organization.email_domains[0]
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    earlier = created - timedelta(days=rng.randint(2, 20))
    return {
        "first": story.requester.name.split()[0],
        "org": story.organization.name,
        "org_short": story.organization.name.split()[0],
        "tier": Tier(story.organization.tier).label,
        "person": f"{first} {last}",
        "person_email": f"{first}.{last}@{domain}".lower(),
        "serial": f"PT2-{rng.randint(100000, 999999)}",
        "invoice": f"INV-{created.year}-{rng.randint(1000, 9999)}",
        "amount": f"€{rng.randint(49, 1900)}.00",
        "card4": f"{rng.randint(0, 9999):04d}",
        "date": f"{earlier.day} {MONTHS[earlier.month - 1]}",
        "month": MONTHS[(created.month - 2) % 12],
        "address": rng.choice(ADDRESSES),
        "vat": f"GB{rng.randint(100_000_000, 999_999_999)}",
        "n": rng.randint(1000, 9999),
        "asset": f"LT-{rng.randint(1000, 9999)}",
        "ip": f"192.168.{rng.randint(1, 20)}.{rng.randint(20, 250)}",
        "host": f"shop.{domain}",
        "case": f"V-{rng.randint(10000, 99999)}",
        "tag": story.scenario.tags[0],
    }


def _custom_fields(story: Story) -> dict[str, Any]:
    rng = story.rng
    values: dict[str, Any] = {"product": rng.choice(story.scenario.products)}
    if story.team_key == "billing":
        values["order_number"] = f"SO-{rng.randint(100000, 999999)}"
    if story.scenario.type in (TicketType.INCIDENT, TicketType.PROBLEM) and rng.random() < 0.6:
        values["affected_users"] = rng.randint(1, 40)
    return values


def tags(story: Story) -> list[str]:
    extra = ["vip"] if story.organization.tier == Tier.ENTERPRISE else []
    return [*story.scenario.tags, *extra]


def timeline(story: Story, now: datetime) -> list[tuple[Beat, datetime]]:
    """The story's beats with their times, squeezed to end before `now` if need be."""
    script = _script(story)
    total = sum(minutes for _, minutes in script)
    room = (now - SAFETY_MARGIN - story.created_at) / timedelta(minutes=1)
    scale = min(1.0, room / total) if total else 1.0
    beats, elapsed = [], 0
    for beat, minutes in script:
        elapsed += minutes
        beats.append((beat, story.created_at + timedelta(minutes=elapsed * scale)))
    last = beats[-1][1]
    if story.fate == Fate.SOLVED and story.rng.random() < 0.05:
        follow_up = last + timedelta(days=story.rng.uniform(7, 10))
        if follow_up < now - SAFETY_MARGIN:
            beats.append((Beat.FOLLOW_UP, follow_up))
    return beats


def _script(story: Story) -> list[tuple[Beat, int]]:
    """The beats for the story's fate, each with a typical delay in minutes."""
    rng, fate = story.rng, story.fate
    script = [(Beat.CREATE, 0)]
    if fate == Fate.NEW:
        if story.channel in CUSTOMER_CHANNELS and rng.random() < 0.3:
            script.append((Beat.CHASE, rng.randint(120, 1440)))
        return script
    script += _assignment(story)
    script.append((Beat.ASK, rng.randint(10, 240)))
    if fate == Fate.PENDING:
        return script
    script.append((Beat.DETAILS, rng.randint(30, 1200)))
    if fate == Fate.OPEN:
        return script + ([(Beat.NOTE, rng.randint(15, 240))] if rng.random() < 0.5 else [])
    if fate == Fate.ON_HOLD:
        return [*script, (Beat.HOLD_NOTE, rng.randint(15, 240)), (Beat.HOLD, rng.randint(5, 60))]
    if rng.random() < 0.6:
        script.append((Beat.NOTE, rng.randint(15, 240)))
    script.append((Beat.SOLVE, rng.randint(60, 2880)))
    if rng.random() < 0.12:
        script += [
            (Beat.STILL_BROKEN, rng.randint(120, 2880)),
            (Beat.FIXED_AGAIN, rng.randint(30, 600)),
        ]
    return script


def _assignment(story: Story) -> list[tuple[Beat, int]]:
    """Customer tickets are triaged; API tickets land in a team queue and get claimed;
    tickets an agent logs (phone, workspace) are assigned from the start."""
    rng = story.rng
    if story.channel in CUSTOMER_CHANNELS:
        triage = [(Beat.TRIAGE, rng.randint(5, 120))]
        return triage if story.assign_in_triage else [*triage, (Beat.CLAIM, rng.randint(5, 90))]
    if story.channel == Channel.API:
        return [(Beat.CLAIM, rng.randint(5, 90))]
    return []
