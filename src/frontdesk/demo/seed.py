"""`frontdesk seed`: bulk-generate realistic tickets for benchmarks.

This module deliberately bypasses the actions (ADR 0002's one exception). It is a bulk
load for benchmarks, like a restore from a backup: going through `create_ticket` and
`post_reply` costs tens of queries per ticket, far too slow for hundreds of thousands of
tickets, and nothing here needs checking (the data is generated consistent). It never
runs in a live help desk. What it writes keeps the invariants the actions keep:

- `status_category` matches the status; solved/closed tickets carry `solved_at`/`closed_at`,
  and `updated_at` is never before `created_at`;
- numbers come from the same `TicketCounter` row the actions use, advanced once per batch
  (`value = value + batch`), so tickets created later through the API continue the sequence;
- every ticket has its opening message from the requester and one CREATED event;
- every ticket has its search document (`search.SearchDocument`), composed from the same
  text the batch writes, as `search.actions.reindex_tickets` would compose it.

Rows are built per batch (memory stays bounded) and written with `bulk_create` inside one
transaction per batch. Output is deterministic for a given seed and `now`.
"""

import random
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from itertools import accumulate

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F

from frontdesk.accounts.models import User
from frontdesk.core import clock
from frontdesk.customers.models import Organization
from frontdesk.demo import seed_text
from frontdesk.demo.seed_people import Agent, Pool, Requester, Squad, ensure_pool
from frontdesk.search.actions import write_documents
from frontdesk.search.documents import DocumentText, Part, compose
from frontdesk.tickets.choices import (
    Channel,
    EventAction,
    MessageKind,
    Priority,
    StatusCategory,
    TicketType,
)
from frontdesk.tickets.content import text_to_html
from frontdesk.tickets.models import (
    Message,
    Tag,
    Ticket,
    TicketCounter,
    TicketEvent,
    TicketTag,
)

COUNTER_NAME = "ticket"  # the TicketCounter row tickets.actions numbers tickets from
SPAN = timedelta(days=730)
ACTIVE_SHARE = 0.35  # of all tickets; the rest is solved or closed
ASSIGNED_SHARE = 0.70
NOTE_SHARE = 0.15  # of the agent's turns in a conversation
REFERENCE_BASE = 100_000

ACTIVE_WEIGHTS = {
    StatusCategory.NEW: 25,
    StatusCategory.OPEN: 40,
    StatusCategory.PENDING: 20,
    StatusCategory.ON_HOLD: 15,
}
PRIORITY_WEIGHTS = {Priority.LOW: 15, Priority.NORMAL: 60, Priority.HIGH: 20, Priority.URGENT: 5}
TYPE_WEIGHTS = {
    TicketType.INCIDENT: 35,
    TicketType.QUESTION: 30,
    TicketType.SERVICE_REQUEST: 20,
    TicketType.PROBLEM: 5,
    TicketType.TASK: 10,
}
CHANNEL_WEIGHTS = {
    Channel.EMAIL: 40,
    Channel.PORTAL: 25,
    Channel.API: 10,
    Channel.PHONE: 10,
    Channel.CHAT: 10,
    Channel.WEB: 5,
}
TAG_COUNT_WEIGHTS = {0: 40, 1: 35, 2: 20, 3: 5}
# New tickets are never assigned (an assignment opens them), so the others are assigned a
# little more often for ASSIGNED_SHARE of all tickets to be.
NEW_SHARE = ACTIVE_SHARE * ACTIVE_WEIGHTS[StatusCategory.NEW] / sum(ACTIVE_WEIGHTS.values())
ASSIGN_RATE = min(1.0, ASSIGNED_SHARE / (1 - NEW_SHARE))
CUSTOMER_CHANNELS = frozenset({Channel.EMAIL, Channel.PORTAL, Channel.CHAT})


class Weighted[T]:
    """A fixed weighted choice, with the cumulative weights computed once."""

    def __init__(self, weights: dict[T, int]) -> None:
        self.values = list(weights)
        self.cumulative = list(accumulate(weights.values()))

    def pick(self, rng: random.Random) -> T:
        return rng.choices(self.values, cum_weights=self.cumulative)[0]


ACTIVE = Weighted(ACTIVE_WEIGHTS)
PRIORITIES = Weighted(PRIORITY_WEIGHTS)
TYPES = Weighted(TYPE_WEIGHTS)
CHANNELS = Weighted(CHANNEL_WEIGHTS)
TAG_COUNTS = Weighted(TAG_COUNT_WEIGHTS)


@dataclass(frozen=True)
class Plan:
    total: int
    messages: int
    now: datetime
    messages_max: int = 0  # > messages: each ticket gets between the two, uniformly
    names: "Names | None" = None

    def message_count(self, rng: random.Random) -> int:
        if self.messages_max > self.messages:
            return rng.randint(self.messages, self.messages_max)
        return self.messages

    @property
    def start(self) -> datetime:
        return self.now - SPAN


@dataclass(frozen=True)
class Names:
    """What search documents show of people, organisations and tags, read once."""

    people: dict[int, tuple[str, str]]  # user id -> (name, email)
    organizations: dict[int, str]
    tags: dict[int, str]

    @staticmethod
    def load(pool: Pool) -> "Names":
        ids = [r.id for r in pool.requesters]
        return Names(
            people={
                pk: (name, email)
                for pk, name, email in User.objects.filter(pk__in=ids).values_list(
                    "pk", "name", "email"
                )
            },
            organizations=dict(Organization.objects.values_list("pk", "name")),
            tags=dict(Tag.objects.filter(pk__in=pool.tags).values_list("pk", "name")),
        )


@dataclass
class Draft:
    """A ticket before insertion, with what its messages need."""

    ticket: Ticket
    requester: Requester
    agent: Agent | None  # who writes the agent's turns: the assignee or a team mate
    kinds: list[str]  # "customer", "agent" or "note", one per message
    times: list[datetime]
    tag_ids: list[int]


@dataclass
class SeedReport:
    tickets: int
    messages: int
    events: int
    ticket_tags: int
    first_number: int | None
    last_number: int | None
    database: str
    seed: int
    batch: int
    seconds: dict[str, float] = field(default_factory=dict)
    tickets_per_second: float = 0.0
    documents: int = 0


def seed(
    *,
    tickets: int,
    messages: int = 3,
    seed: int = 42,
    batch: int = 5000,
    now: datetime | None = None,
    progress: Callable[[int], None] | None = None,
    messages_max: int = 0,
    search: bool = True,
) -> SeedReport:
    """Generate `tickets` tickets with `messages` messages each (or between `messages` and
    `messages_max`); see the module docstring. `search=False` skips the search documents
    (then run `frontdesk search reindex`)."""
    if tickets < 0 or messages < 1 or batch < 1:
        raise ValueError("tickets >= 0, messages >= 1 and batch >= 1 are required")
    if messages_max and messages_max < messages:
        raise ValueError("the largest number of messages must be at least the smallest")
    started = time.monotonic()
    rng = random.Random(seed)  # noqa: S311 - reproducible test data, not secrets
    pool = ensure_pool()
    setup_done = time.monotonic()
    plan = Plan(
        total=tickets,
        messages=messages,
        now=now or clock.now(),
        messages_max=messages_max,
        names=Names.load(pool) if search else None,
    )
    counts: Counter[str] = Counter()
    numbers: list[int] = []
    for offset in range(0, tickets, batch):
        size = min(batch, tickets - offset)
        with transaction.atomic():
            first = reserve_numbers(size)
            counts.update(write_batch(rng, pool, plan, offset, first, size))
        numbers += [first, first + size - 1]
        if progress:
            progress(offset + size)
    return _report(counts, numbers, seed, batch, started, setup_done)


def reserve_numbers(count: int) -> int:
    """Advance the ticket counter by `count` and return the first number reserved.

    The UPDATE locks the counter row until our transaction ends, so the value we then read
    is ours alone, exactly like `next_ticket_number` taking one number at a time.
    """
    counter = TicketCounter.objects.filter(name=COUNTER_NAME)
    if not counter.update(value=F("value") + count):
        TicketCounter.objects.get_or_create(name=COUNTER_NAME)
        return reserve_numbers(count)
    last = counter.values_list("value", flat=True).get()
    return last - count + 1


def write_batch(
    rng: random.Random, pool: Pool, plan: Plan, offset: int, first_number: int, size: int
) -> Counter[str]:
    drafts = [draft_ticket(rng, pool, plan, offset + i, first_number + i) for i in range(size)]
    Ticket.objects.bulk_create([d.ticket for d in drafts])
    written = Counter(tickets=len(drafts))
    messages = _messages(rng, drafts)
    written["messages"] = len(Message.objects.bulk_create(messages))
    written["events"] = len(TicketEvent.objects.bulk_create(_events(drafts)))
    tags = [TicketTag(ticket_id=d.ticket.pk, tag_id=t) for d in drafts for t in d.tag_ids]
    written["ticket_tags"] = len(TicketTag.objects.bulk_create(tags))
    if plan.names is not None:
        written["documents"] = write_documents(_documents(plan.names, drafts, messages), plan.now)
    return written


def _documents(
    names: Names, drafts: list[Draft], messages: list[Message]
) -> Iterator[tuple[int, DocumentText]]:
    """The search documents of a batch, from the rows just written (see `search.documents`)."""
    parts: dict[int, list[Part]] = {}
    for message in messages:
        parts.setdefault(message.ticket_id, []).append(Part(message.body_text, message.is_public))
    for draft in drafts:
        ticket = draft.ticket
        name, email = names.people.get(ticket.requester_id, ("", ""))
        yield (
            ticket.pk,
            compose(
                number=ticket.number,
                subject=ticket.subject,
                requester_name=name,
                requester_email=email,
                organization=names.organizations.get(ticket.organization_id or 0),
                tags=[names.tags[t] for t in draft.tag_ids if t in names.tags],
                custom_fields=ticket.custom_fields,
                messages=parts.get(ticket.pk, []),
                attachments=[],
            ),
        )


def draft_ticket(rng: random.Random, pool: Pool, plan: Plan, index: int, number: int) -> Draft:
    # Creation times rise with the index, so numbers follow time as they would live.
    created = plan.start + SPAN * ((index + rng.random()) / plan.total)
    requester = rng.choice(pool.requesters)
    squad = rng.choice(pool.squads)
    category = _category(rng, index / plan.total)
    assignee, agent = _staffing(rng, squad, category)
    kinds = _kinds(rng, plan.message_count(rng), agent_may_reply=category != StatusCategory.NEW)
    times = _times(rng, created, len(kinds), plan.now)
    ticket = Ticket(
        number=number,
        subject=seed_text.subject(rng),
        requester_id=requester.id,
        organization_id=requester.organization_id,
        channel=CHANNELS.pick(rng),
        type=TYPES.pick(rng),
        priority=PRIORITIES.pick(rng),
        category_id=rng.choice(pool.categories) if pool.categories and rng.random() < 0.7 else None,
        team_id=squad.team_id,
        assignee_id=assignee.id if assignee else None,
        custom_fields={},
        created_at=created,
        first_response_at=next(
            (t for k, t in zip(kinds, times, strict=True) if k == "agent"), None
        ),
    )
    _settle(rng, ticket, category, times[-1], plan.now, pool)
    tag_ids = rng.sample(pool.tags, min(TAG_COUNTS.pick(rng), len(pool.tags)))
    return Draft(ticket, requester, agent, kinds, times, tag_ids)


def _staffing(rng: random.Random, squad: Squad, category: str) -> tuple[Agent | None, Agent | None]:
    """The assignee (if any) and who writes the agent's turns: the assignee, or a team mate
    on an unassigned ticket."""
    if not squad.agents:
        return None, None
    if category != StatusCategory.NEW and rng.random() < ASSIGN_RATE:
        assignee = rng.choice(squad.agents)
        return assignee, assignee
    return None, rng.choice(squad.agents)


def _category(rng: random.Random, position: float) -> str:
    """Active or done: the backlog leans to recent tickets (share 0 for the oldest, twice
    the average for the newest), so ACTIVE_SHARE holds overall."""
    if rng.random() < 2 * ACTIVE_SHARE * position:
        return ACTIVE.pick(rng)
    return StatusCategory.SOLVED  # `_settle` closes it if it was solved long enough ago


def _kinds(rng: random.Random, count: int, *, agent_may_reply: bool) -> list[str]:
    """Requester first, then agent and requester in turn; some agent turns are internal
    notes, and all of them on a new ticket (a public reply would have opened it)."""
    kinds = ["customer"]
    for turn in range(1, count):
        if turn % 2 == 0:
            kinds.append("customer")
        elif agent_may_reply and rng.random() >= NOTE_SHARE:
            kinds.append("agent")
        else:
            kinds.append("note")
    return kinds


def _times(rng: random.Random, created: datetime, count: int, now: datetime) -> list[datetime]:
    """Message times: a first answer within hours, later turns within two days, squeezed
    to end before `now` for the newest tickets."""
    gaps = [0.0] + [
        rng.uniform(300, 8 * 3600) if turn == 1 else rng.uniform(1800, 2 * 86400)
        for turn in range(1, count)
    ]
    room = (now - created).total_seconds() * 0.9
    scale = min(1.0, room / sum(gaps)) if sum(gaps) else 1.0
    times, elapsed = [], 0.0
    for gap in gaps:
        elapsed += gap * scale
        times.append(created + timedelta(seconds=elapsed))
    return times


def _settle(
    rng: random.Random, ticket: Ticket, category: str, last: datetime, now: datetime, pool: Pool
) -> None:
    """Set the status and the lifecycle timestamps that go with it."""
    ticket.updated_at = last
    ticket.version = 1
    if category == StatusCategory.SOLVED:
        solved = min(last + timedelta(seconds=rng.uniform(600, 86400)), now)
        closed = solved + timedelta(
            days=settings.FRONTDESK_AUTO_CLOSE_DAYS, seconds=rng.uniform(0, 300)
        )
        ticket.solved_at, ticket.updated_at, ticket.version = solved, solved, 2
        if closed < now:  # the auto-close job would have closed it by now
            category = StatusCategory.CLOSED
            ticket.closed_at, ticket.updated_at, ticket.version = closed, closed, 3
    ticket.status_id = pool.statuses[category]
    ticket.status_category = category


def _messages(rng: random.Random, drafts: list[Draft]) -> list[Message]:
    return [message for draft in drafts for message in _conversation(rng, draft)]


def _conversation(rng: random.Random, draft: Draft) -> list[Message]:
    return [
        _message(rng, draft, turn, kind, at)
        for turn, (kind, at) in enumerate(zip(draft.kinds, draft.times, strict=True))
    ]


def _message(rng: random.Random, draft: Draft, turn: int, kind: str, at: datetime) -> Message:
    ticket, requester, agent = draft.ticket, draft.requester, draft.agent
    if kind == "customer":
        author: int | None = requester.id
        channel = ticket.channel if turn == 0 else _reply_channel(ticket.channel)
        text = (
            seed_text.first_message(
                rng, ticket.subject, reference(ticket.number), requester.first_name
            )
            if turn == 0
            else seed_text.customer_reply(rng, requester.first_name)
        )
    else:
        author, channel = (agent.id if agent else None), Channel.WEB
        text = (
            seed_text.agent_reply(rng, requester.first_name, agent.name if agent else "Support")
            if kind == "agent"
            else seed_text.internal_note(rng)
        )
    public = kind != "note"
    return Message(
        ticket_id=ticket.pk,
        kind=MessageKind.REPLY if public else MessageKind.NOTE,
        is_public=public,
        author_id=author,
        body_text=text,
        body_html=text_to_html(text),
        channel=channel,
        created_at=at,
    )


def _reply_channel(channel: str) -> str:
    """Customers answer where they wrote; tickets raised by staff are answered by email."""
    return channel if channel in CUSTOMER_CHANNELS else Channel.EMAIL


def reference(number: int) -> str:
    """The token quoted in a ticket's first message, unique across seed runs as numbers are."""
    return f"AT-{REFERENCE_BASE + number}"


def _events(drafts: list[Draft]) -> list[TicketEvent]:
    return [
        TicketEvent(
            ticket_id=d.ticket.pk,
            actor_id=d.requester.id,
            action=EventAction.CREATED,
            new_value={"number": d.ticket.number, "subject": d.ticket.subject},
            channel=d.ticket.channel,
            is_public=True,
            created_at=d.ticket.created_at,
        )
        for d in drafts
    ]


def _report(
    counts: Counter[str], numbers: list[int], seed: int, batch: int, started: float, setup: float
) -> SeedReport:
    finished = time.monotonic()
    generate = finished - setup
    return SeedReport(
        tickets=counts["tickets"],
        messages=counts["messages"],
        events=counts["events"],
        ticket_tags=counts["ticket_tags"],
        documents=counts["documents"],
        first_number=min(numbers, default=None),
        last_number=max(numbers, default=None),
        database=connection.vendor,
        seed=seed,
        batch=batch,
        seconds={
            "setup": round(setup - started, 2),
            "tickets": round(generate, 2),
            "total": round(finished - started, 2),
        },
        tickets_per_second=round(counts["tickets"] / generate) if generate > 0 else 0.0,
    )
