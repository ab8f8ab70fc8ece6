"""Running a search: the parsed query applied on top of `visible_to(user)`, in one query.

Filters become conditions on the ticket row (names of teams, people and organisations are
resolved to ids first, from small tables); free text goes to the backend. With free text
the results are ranked by relevance (`backends.py`: on SQLite every match, by FTS5's bm25;
on PostgreSQL the `CANDIDATES` most recently updated matches, by ts_rank), in one query with
the visibility gate and the filters. Without free text they are ordered by last update.
Pages are keyset pages either way: on (rank, id) or (updated_at, id), both descending.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Exists, OuterRef, Q

from frontdesk.accounts.choices import STAFF_ROLES
from frontdesk.accounts.models import Team, User
from frontdesk.core import clock
from frontdesk.core.errors import Invalid
from frontdesk.core.pagination import decode_cursor, encode_cursor
from frontdesk.customers.models import Organization
from frontdesk.search.backends import backend
from frontdesk.search.documents import highlight, query_words, snippet, term_pattern
from frontdesk.search.models import SearchDocument
from frontdesk.search.query import PRIORITIES, Filter, Query, QueryError, parse, time_range
from frontdesk.tickets.access import visible_to
from frontdesk.tickets.choices import StatusCategory
from frontdesk.tickets.models import (
    Attachment,
    CustomFieldDefinition,
    Status,
    Ticket,
    TicketQuerySet,
    TicketTag,
)

MAX_LIMIT = 100
_COMPARE = {">": "gt", ">=": "gte", "<": "lt", "<=": "lte"}


@dataclass(frozen=True)
class Hit:
    ticket: Ticket
    rank: float | None
    snippet: str | None  # HTML: escaped text with <mark>ed terms
    snippet_source: str | None  # "conversation", "note" or None
    subject_html: str


@dataclass(frozen=True)
class SearchPage:
    query: Query
    hits: list[Hit]
    next_cursor: str | None
    ranked: bool


def search(user: User, text: str, *, cursor: str | None = None, limit: int = 25) -> SearchPage:
    """One page of the tickets `user` may see that match `text`. Raises `QueryError`."""
    query = parse(text)
    limit = max(1, min(limit, MAX_LIMIT))
    tickets = apply_filters(visible_to(user), query, user)
    staff = user.is_staff
    engine = backend()
    for term in query.negative_terms:
        tickets = tickets.exclude(engine.matches([term], staff=staff))
    positive = query.positive_terms
    if positive:
        ranked = engine.ranked(tickets, positive, staff=staff)
        rows, next_cursor = _page(ranked, "rank", cursor, limit)
    else:
        rows, next_cursor = _page(tickets, "updated_at", cursor, limit)
    return SearchPage(query, _hits(rows, query, staff=staff), next_cursor, bool(positive))


def _page(
    tickets: Any, key: str, cursor: str | None, limit: int
) -> tuple[list[Ticket], str | None]:
    """A keyset page on (key, pk), both descending."""
    tickets = tickets.with_list_relations().select_related("assignee").order_by(f"-{key}", "-pk")
    if cursor:
        value, pk = decode_cursor(cursor, size=2)
        try:
            value = float(value) if key == "rank" else datetime.fromisoformat(value)
            pk = int(pk)
        except (TypeError, ValueError) as exc:
            raise Invalid("invalid_cursor", "The cursor is not one this API issued.") from exc
        tickets = tickets.filter(Q(**{f"{key}__lt": value}) | Q(**{key: value, "pk__lt": pk}))
    rows = list(tickets[: limit + 1])
    if len(rows) <= limit:
        return rows, None
    rows = rows[:limit]
    return rows, encode_cursor([getattr(rows[-1], key), rows[-1].pk])


def _hits(rows: list[Ticket], query: Query, *, staff: bool) -> list[Hit]:
    pattern = term_pattern(query_words(t.text for t in query.positive_terms))
    texts = (
        {
            pk: (public, internal)
            for pk, public, internal in SearchDocument.objects.filter(
                ticket_id__in=[t.pk for t in rows]
            ).values_list("ticket_id", "public_text", "internal_text")
        }
        if pattern and rows
        else {}
    )
    hits = []
    for ticket in rows:
        public, internal = texts.get(ticket.pk, ("", ""))
        found, source = snippet(public, pattern), "conversation"
        if found is None and staff:
            found, source = snippet(internal, pattern), "note"
        hits.append(
            Hit(
                ticket=ticket,
                rank=getattr(ticket, "rank", None),
                snippet=found,
                snippet_source=source if found else None,
                subject_html=_subject(ticket.subject, pattern),
            )
        )
    return hits


def _subject(subject: str, pattern: Any) -> str:
    return highlight(subject, pattern)


def apply_filters(tickets: TicketQuerySet, query: Query, user: User) -> TicketQuerySet:
    now = clock.now()
    for item in query.filters:
        condition = _condition(item, user, now)
        tickets = tickets.exclude(condition) if item.negated else tickets.filter(condition)
    return tickets


def _condition(item: Filter, user: User, now: datetime) -> Q:
    values = item.values
    name = item.name
    if name == "number":
        return Q(number=int(values[0]))
    if name == "status":
        categories = [v for v in values if v in StatusCategory.values]
        slugs = [v for v in values if v not in StatusCategory.values]
        if slugs:
            known = set(Status.objects.filter(slug__in=slugs).values_list("slug", flat=True))
            _require_known(item, slugs, known, "status")
        return Q(status_category__in=categories) | Q(status__slug__in=slugs)
    if name == "priority":
        ranks = [PRIORITIES[v] for v in values]
        if item.op == ":":
            return Q(priority__in=ranks)
        return Q(**{f"priority__{_COMPARE[item.op]}": ranks[0]})
    if name == "type":
        return Q(type__in=values)
    if name == "channel":
        return Q(channel__in=values)
    if name == "has":
        attachments = Attachment.objects.filter(ticket=OuterRef("pk"))
        if not user.is_staff:
            attachments = attachments.filter(is_public=True)
        return Q(Exists(attachments))
    if name in ("created", "updated"):
        span = time_range(item.op, values[0], now)
        column = f"{name}_at"
        condition = Q()
        if span.start is not None:
            condition &= Q(**{f"{column}__gte": span.start})
        if span.end is not None:
            condition &= Q(**{f"{column}__lt": span.end})
        return condition
    if name == "tag":
        tagged = TicketTag.objects.filter(
            ticket=OuterRef("pk"), tag__name__in=[v.lower() for v in values]
        )
        return Q(Exists(tagged))
    if name == "assignee":
        return _assignee(item, user)
    if name == "team":
        if [v for v in values if v.lower() == "none"]:
            return Q(team__isnull=True) | Q(team_id__in=_team_ids(item, values, none_ok=True))
        return Q(team_id__in=_team_ids(item, values))
    if name == "requester":
        ids = _people(item, values)
        return Q(requester_id__in=ids)
    if name == "org":
        ids = []
        for value in values:
            found = list(
                Organization.objects.filter(name__icontains=value).values_list("pk", flat=True)[:50]
            )
            if not found:
                raise QueryError(f"No organisation matches `{value}`.", item.position)
            ids += found
        return Q(organization_id__in=ids)
    return _custom_field(item)


def _assignee(item: Filter, user: User) -> Q:
    condition = Q(pk__in=[])
    others = []
    for value in item.values:
        lowered = value.lower()
        if lowered == "me":
            condition |= Q(assignee=user)
        elif lowered == "none":
            condition |= Q(assignee__isnull=True)
        else:
            others.append(value)
    if others:
        condition |= Q(assignee_id__in=_people(item, others, staff=True))
    return condition


def _people(item: Filter, values: tuple[str, ...] | list[str], *, staff: bool = False) -> list[int]:
    ids: list[int] = []
    for value in values:
        people = User.objects.filter(role__in=STAFF_ROLES) if staff else User.objects.all()
        if "@" in value:
            found = list(people.filter(email__iexact=value).values_list("pk", flat=True))
        else:
            found = list(
                people.filter(Q(name__icontains=value) | Q(email__istartswith=value)).values_list(
                    "pk", flat=True
                )[:50]
            )
        if not found:
            raise QueryError(f"Nobody matches `{value}`.", item.position)
        ids += found
    return ids


def _team_ids(item: Filter, values: tuple[str, ...], *, none_ok: bool = False) -> list[int]:
    ids: list[int] = []
    for value in values:
        if none_ok and value.lower() == "none":
            continue
        found = list(
            Team.objects.filter(Q(slug__iexact=value) | Q(name__iexact=value)).values_list(
                "pk", flat=True
            )
        )
        if not found:
            raise QueryError(f"No team is called `{value}`.", item.position)
        ids += found
    return ids


def _custom_field(item: Filter) -> Q:
    definitions = {
        d.key.lower(): d.key for d in CustomFieldDefinition.objects.filter(is_active=True)
    } | {
        d.label.lower().replace(" ", "_"): d.key
        for d in CustomFieldDefinition.objects.filter(is_active=True)
    }
    key = definitions.get(item.name.lower())
    if key is None:
        raise QueryError(
            f"Unknown filter `{item.name}:`. Put it in quotes to search for the text.",
            item.position,
        )
    condition = Q(pk__in=[])
    for value in item.values:
        condition |= Q(**{f"custom_fields__{key}__iexact": value})
    return condition


def _require_known(item: Filter, wanted: list[str], known: set[str], what: str) -> None:
    missing = [w for w in wanted if w not in known]
    if missing:
        raise QueryError(
            f"Unknown {what} `{missing[0]}` (new, open, pending, on_hold, solved, closed, "
            "or a status's slug).",
            item.position,
        )
