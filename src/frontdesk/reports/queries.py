"""The read side of reports: filtered metric rows and the numbers of each page and endpoint.

Every function starts from `scope(user)` (the permission gate: `tickets.access.visible_to`)
and applies the same `Filters`, so the dashboard, the API and the exports agree. The
definitions are in docs/metrics.md.
"""

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from django.apps import apps
from django.db import connection
from django.db.models import (
    Aggregate,
    Avg,
    Count,
    ExpressionWrapper,
    F,
    FloatField,
    Q,
    QuerySet,
    Value,
)
from django.db.models.functions import Extract, TruncDate

from frontdesk.accounts.access import team_ids
from frontdesk.accounts.choices import Role
from frontdesk.accounts.models import Team, User
from frontdesk.core import clock
from frontdesk.core.errors import Invalid
from frontdesk.reports.access import require_report_reader
from frontdesk.reports.models import ActivePeriod, TicketMetrics
from frontdesk.reports.stats import rate, summarise
from frontdesk.tickets.access import visible_to
from frontdesk.tickets.choices import PRIORITY_BY_NAME, Channel, Priority, TicketType
from frontdesk.tickets.models import Category, Message, TicketFollower, TicketTag

DEFAULT_DAYS = 30
MAX_DAYS = 731
SLA_TARGETS = ("first_response", "next_response", "periodic_update", "resolution")
DURATIONS = ("first_response", "next_response", "resolution", "requester_wait")
DIMENSIONS = ("team", "agent", "channel", "priority", "type", "category", "organization")
AGE_BUCKETS = (
    ("< 1 day", 1),
    ("1-3 days", 3),
    ("3-7 days", 7),
    ("7-30 days", 30),
    ("> 30 days", None),
)


@dataclass(frozen=True)
class Filters:
    """The slice of a report; `start` and `end` are UTC days, both included."""

    start: date
    end: date
    team: int | None = None
    agent: int | None = None
    channel: str = ""
    priority: int | None = None
    type: str = ""
    category: int | None = None
    tag: str = ""
    organization: int | None = None

    @property
    def since(self) -> datetime:
        return datetime.combine(self.start, time.min, tzinfo=UTC)

    @property
    def until(self) -> datetime:
        """The end of the range, exclusive: midnight after `end`."""
        return datetime.combine(self.end + timedelta(days=1), time.min, tzinfo=UTC)

    def days(self) -> list[date]:
        return [self.start + timedelta(days=i) for i in range((self.end - self.start).days + 1)]

    def as_query(self) -> dict[str, str]:
        """The URL query string's parameters (defaults left out)."""
        query = {"from": self.start.isoformat(), "to": self.end.isoformat()}
        for name in ("team", "agent", "category", "organization"):
            value = getattr(self, name)
            if value is not None:
                query[name] = str(value)
        if self.priority is not None:
            query["priority"] = Priority(self.priority).label
        for name in ("channel", "type", "tag"):
            if getattr(self, name):
                query[name] = getattr(self, name)
        return query


def parse_filters(params: Mapping[str, Any], *, today: date) -> Filters:
    """Filters from URL parameters (`from`, `to`, `team`, `agent`, `channel`, `priority`,
    `type`, `category`, `tag`, `organization`); 422 `invalid_filter` for a bad value."""

    def text(name: str) -> str:
        value = params.get(name)
        return "" if value is None else str(value).strip()

    def number(name: str) -> int | None:
        value = text(name)
        if not value:
            return None
        if not value.isdigit() or len(value) > 12:
            raise Invalid("invalid_filter", f"{name} must be an id.", {"field": name})
        return int(value)

    def day(name: str, default: date) -> date:
        value = text(name)
        if not value:
            return default
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise Invalid(
                "invalid_filter", f"{name} must be a date (YYYY-MM-DD).", {"field": name}
            ) from None

    end = day("to", today)
    start = day("from", end - timedelta(days=DEFAULT_DAYS - 1))
    if start > end:
        raise Invalid("invalid_filter", "from must not be after to.", {"field": "from"})
    if (end - start).days >= MAX_DAYS:
        raise Invalid("invalid_filter", "The range is at most two years.", {"field": "from"})
    priority = text("priority")
    if priority and priority not in PRIORITY_BY_NAME:
        raise Invalid("invalid_filter", "Unknown priority.", {"field": "priority"})
    channel, kind = text("channel"), text("type")
    if channel and channel not in Channel.values:
        raise Invalid("invalid_filter", "Unknown channel.", {"field": "channel"})
    if kind and kind not in TicketType.values:
        raise Invalid("invalid_filter", "Unknown type.", {"field": "type"})
    return Filters(
        start=start,
        end=end,
        team=number("team"),
        agent=number("agent"),
        channel=channel,
        priority=PRIORITY_BY_NAME[priority].value if priority else None,
        type=kind,
        category=number("category"),
        tag=text("tag")[:64],
        organization=number("organization"),
    )


def scope(user: User) -> QuerySet[TicketMetrics]:
    """The metric rows of the tickets `user` may see, for report readers only."""
    return TicketMetrics.objects.filter(_scope_q(user))


def _scope_q(user: User) -> Q:
    """`visible_to`'s rule on the rows' own (current) team and assignee columns, so the
    planner keeps the date-range indexes instead of joining every visible ticket."""
    require_report_reader(user)
    if user.role == Role.ADMIN:
        return Q()
    followed = TicketFollower.objects.filter(user=user).values("ticket_id")
    return (
        Q(team__isnull=True)
        | Q(team_id__in=team_ids(user))
        | Q(assignee=user)
        | Q(ticket_id__in=followed)
    )


def slice_q(user: User, filters: Filters) -> Q:
    """The gate and every filter but the date range, on the columns that the metric rows
    and the active periods share."""
    q = _scope_q(user)
    exact = {
        "team_id": filters.team,
        "assignee_id": filters.agent,
        "priority": filters.priority,
        "category_id": filters.category,
        "organization_id": filters.organization,
    }
    q &= Q(**{k: v for k, v in exact.items() if v is not None})
    if filters.channel:
        q &= Q(channel=filters.channel)
    if filters.type:
        q &= Q(type=filters.type)
    if filters.tag:
        tagged = TicketTag.objects.filter(tag__name=filters.tag).values("ticket_id")
        q &= Q(ticket_id__in=tagged)
    return q


def sliced(user: User, filters: Filters) -> QuerySet[TicketMetrics]:
    """`scope` narrowed by every filter but the date range."""
    return TicketMetrics.objects.filter(slice_q(user, filters))


# --- the overview -------------------------------------------------------------------------


def _between(field: str, filters: Filters) -> Q:
    return Q(**{f"{field}__gte": filters.since, f"{field}__lt": filters.until})


def _per_day(rows: QuerySet[Any], field: str, filters: Filters) -> dict[date, int]:
    counts = (
        rows.filter(_between(field, filters))
        .annotate(day=TruncDate(field, tzinfo=UTC))
        .values("day")
        .annotate(n=Count("pk"))
        .values_list("day", "n")
    )
    return dict(counts)


def volume(rows: QuerySet[TicketMetrics], filters: Filters) -> dict[str, Any]:
    created = _per_day(rows, "created_at", filters)
    solved = _per_day(rows, "solved_at", filters)
    reopened = _per_day(rows, "first_reopened_at", filters)
    series = [
        {
            "day": day.isoformat(),
            "created": created.get(day, 0),
            "solved": solved.get(day, 0),
            "reopened": reopened.get(day, 0),
        }
        for day in filters.days()
    ]
    return {
        "created": sum(created.values()),
        "solved": sum(solved.values()),
        "reopened": sum(reopened.values()),
        "series": series,
    }


def backlog(where: Q, filters: Filters) -> dict[str, Any]:
    """Unsolved tickets at the end of each day, and the age of those open at the end.

    The level at the range's start counts the periods covering that instant as two index
    ranges (still open; ended after it), so the cost follows the backlog and the range, not
    the whole history; each day then adds the periods started and takes those ended."""
    periods = ActivePeriod.objects.filter(where)
    since, until = filters.since, filters.until
    level = _covering(periods, since)
    started = _per_day(periods, "started_at", filters)
    ended = _per_day(periods, "ended_at", filters)
    series = []
    for day in filters.days():
        level += started.get(day, 0) - ended.get(day, 0)
        series.append({"day": day.isoformat(), "open": level})
    open_at_end = periods.filter(started_at__lt=until).filter(
        Q(ended_at__isnull=True) | Q(ended_at__gte=until)
    )
    summary, counts = _ages(open_at_end, until)
    buckets = [
        {"bucket": label, "tickets": n} for (label, _), n in zip(AGE_BUCKETS, counts, strict=True)
    ]
    return {"at_end": level, "series": series, "age_seconds": summary, "age_buckets": buckets}


def _bucket_bounds() -> list[tuple[int, int | None]]:
    bounds, lower = [], 0
    for _, upper in AGE_BUCKETS:
        bounds.append((lower * 86400, None if upper is None else upper * 86400))
        lower = upper or lower
    return bounds


def _ages(periods: QuerySet[ActivePeriod], at: datetime) -> tuple[dict[str, Any], list[int]]:
    """The age summary (as `stats.summarise`) and bucket counts of `periods`' tickets at
    `at`. PostgreSQL computes them in one aggregate (the same median, mean and nearest-rank
    p90); elsewhere Python does."""
    bounds = _bucket_bounds()
    if connection.vendor == "postgresql":
        age = ExpressionWrapper(
            Extract(Value(at) - F("created_at"), "epoch"), output_field=FloatField()
        )
        rows = periods.filter(created_at__isnull=False).annotate(age=age)
        buckets = {
            f"b{i}": Count(
                "pk", filter=Q(age__gte=low) & (Q() if high is None else Q(age__lt=high))
            )
            for i, (low, high) in enumerate(bounds)
        }
        result = rows.aggregate(
            n=Count("pk"),
            median=_Percentile("age", percentile=0.5, function="PERCENTILE_CONT"),
            mean=Avg("age"),
            p90=_Percentile("age", percentile=0.9, function="PERCENTILE_DISC"),
            **buckets,
        )
        n = result["n"]
        summary = {
            "count": n,
            "median": None if not n else float(result["median"]),
            "mean": None if not n else round(float(result["mean"]), 1),
            "p90": None if not n else float(result["p90"]),
        }
        return summary, [result[f"b{i}"] for i in range(len(bounds))]
    created = periods.values_list("created_at", flat=True)
    ages = [(at - c).total_seconds() for c in created if c is not None]
    counts = [
        sum(1 for a in ages if a >= low and (high is None or a < high)) for low, high in bounds
    ]
    return summarise(ages).as_json(), counts


class _Percentile(Aggregate):
    template = "%(function)s(%(percentile)s) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()

    def __init__(self, expression: str, *, percentile: float, function: str) -> None:
        super().__init__(expression, percentile=percentile, function=function)


def _covering(periods: QuerySet[ActivePeriod], instant: datetime) -> int:
    """Periods covering `instant`: started before it and still open or ended after it."""
    still_open = periods.filter(ended_at__isnull=True, started_at__lt=instant).count()
    ended_after = periods.filter(ended_at__gte=instant, started_at__lt=instant).count()
    return still_open + ended_after


def durations(rows: QuerySet[TicketMetrics], filters: Filters) -> dict[str, Any]:
    """Calendar and business summaries: response times of tickets created in the range,
    resolution and requester wait of tickets solved in it."""
    created = rows.filter(_between("created_at", filters))
    solved = rows.filter(_between("solved_at", filters))
    result: dict[str, Any] = {}
    for name, population in (
        ("first_response", created),
        ("next_response", created),
        ("resolution", solved),
        ("requester_wait", solved),
    ):
        values = list(
            population.filter(**{f"{name}_seconds__isnull": False}).values_list(
                f"{name}_seconds", f"{name}_business_seconds"
            )
        )
        result[name] = {
            "calendar": summarise([v[0] for v in values]).as_json(),
            "business": summarise([v[1] for v in values]).as_json(),
        }
    return result


def outcomes(rows: QuerySet[TicketMetrics], filters: Filters) -> dict[str, Any]:
    """First contact resolution and reopen rate among tickets solved in the range."""
    solved = rows.filter(_between("solved_at", filters))
    counts = solved.aggregate(
        solved=Count("pk"),
        fcr=Count("pk", filter=Q(first_contact_resolution=True)),
        reopened=Count("pk", filter=Q(reopen_count__gt=0)),
    )
    return {
        "solved": counts["solved"],
        "first_contact_resolved": counts["fcr"],
        "first_contact_resolution_rate": rate(counts["fcr"], counts["solved"]),
        "reopened": counts["reopened"],
        "reopen_rate": rate(counts["reopened"], counts["solved"]),
    }


def sla(rows: QuerySet[TicketMetrics], filters: Filters) -> list[dict[str, Any]]:
    """Per target, the tickets created in the range: achieved, breached, still active, and
    compliance = achieved / (achieved + breached)."""
    created = rows.filter(_between("created_at", filters))
    aggregates = {}
    for target in SLA_TARGETS:
        for outcome in ("achieved", "breached", "active"):
            aggregates[f"{target}__{outcome}"] = Count("pk", filter=Q(**{f"sla_{target}": outcome}))
    counts = created.aggregate(**aggregates)
    result = []
    for target in SLA_TARGETS:
        achieved = counts[f"{target}__achieved"]
        breached = counts[f"{target}__breached"]
        result.append(
            {
                "target": target,
                "achieved": achieved,
                "breached": breached,
                "active": counts[f"{target}__active"],
                "compliance": rate(achieved, achieved + breached),
            }
        )
    return result


def csat(rows: QuerySet[TicketMetrics], filters: Filters) -> dict[str, Any]:
    """Ratings given in the range (`csat` app): % good of rated. Pending without the app."""
    if not apps.is_installed("frontdesk.csat"):
        return {"available": False, "good": 0, "bad": 0, "rated": 0, "score": None}
    survey = apps.get_model("csat", "Survey")
    rated = survey.objects.filter(rated_at__gte=filters.since, rated_at__lt=filters.until).exclude(
        rating=""
    )
    if rows.query.where:
        rated = rated.filter(ticket_id__in=rows.values("ticket_id"))
    counts = rated.aggregate(
        good=Count("pk", filter=Q(rating="good")), bad=Count("pk", filter=Q(rating="bad"))
    )
    total = counts["good"] + counts["bad"]
    return {
        "available": True,
        "good": counts["good"],
        "bad": counts["bad"],
        "rated": total,
        "score": rate(counts["good"], total),
    }


def deflection(filters: Filters) -> dict[str, Any]:
    """Requests the knowledge base's suggestions deflected, by visit (`kb.reports`): a visit
    shown suggestions in the range that submitted no ticket within a day is deflected; the
    rate is deflected / (deflected + submitted). Only the date range applies (there is no
    ticket to slice)."""
    if not apps.is_installed("frontdesk.kb"):
        return {"available": False, "deflected": 0, "attempts": 0, "pending": 0, "rate": None}
    from frontdesk.kb.reports import deflection_figures

    figures = deflection_figures(filters.since, filters.until, now=clock.now())
    attempts = figures.deflected + figures.submitted
    return {
        "available": True,
        "deflected": figures.deflected,
        "attempts": attempts,
        "pending": figures.pending,
        "rate": rate(figures.deflected, attempts),
    }


def overview(user: User, filters: Filters) -> dict[str, Any]:
    rows = sliced(user, filters)
    return {
        "filters": filters.as_query(),
        "volume": volume(rows, filters),
        "backlog": backlog(slice_q(user, filters), filters),
        "durations": durations(rows, filters),
        "outcomes": outcomes(rows, filters),
        "sla": sla(rows, filters),
        "csat": csat(rows, filters),
        "deflection": deflection(filters),
    }


# --- breakdowns ---------------------------------------------------------------------------


DIMENSION_FIELDS = {
    "team": "team_id",
    "agent": "assignee_id",
    "channel": "channel",
    "priority": "priority",
    "type": "type",
    "category": "category_id",
    "organization": "organization_id",
}


def breakdown(user: User, filters: Filters, dimension: str) -> list[dict[str, Any]]:
    """One row per value of `dimension` (its current value on the ticket): created, solved,
    median first response and resolution (calendar), FCR and SLA compliance."""
    if dimension not in DIMENSION_FIELDS:
        raise Invalid("invalid_dimension", "Unknown dimension.", {"allowed": list(DIMENSIONS)})
    column = DIMENSION_FIELDS[dimension]
    rows = sliced(user, filters)
    groups: dict[Any, dict[str, list[Any]]] = defaultdict(lambda: defaultdict(list))
    created = rows.filter(_between("created_at", filters)).values_list(
        column, "first_response_seconds", "sla_first_response", "sla_resolution"
    )
    for key, frt, sla_first, sla_resolution in created:
        group = groups[key]
        group["created"].append(1)
        if frt is not None:
            group["frt"].append(frt)
        for outcome in (sla_first, sla_resolution):
            if outcome in ("achieved", "breached"):
                group["sla"].append(outcome == "achieved")
    solved = rows.filter(_between("solved_at", filters)).values_list(
        column, "resolution_seconds", "first_contact_resolution"
    )
    for key, resolution, fcr in solved:
        group = groups[key]
        group["solved"].append(1)
        if resolution is not None:
            group["resolution"].append(resolution)
        group["fcr"].append(bool(fcr))
    labels = dimension_labels(dimension, [k for k in groups if k is not None])
    result = []
    for key, group in groups.items():
        result.append(
            {
                "key": key,
                "label": labels.get(key, "(none)" if key is None else str(key)),
                "created": len(group["created"]),
                "solved": len(group["solved"]),
                "median_first_response_seconds": summarise(group["frt"]).median,
                "median_resolution_seconds": summarise(group["resolution"]).median,
                "first_contact_resolution_rate": rate(sum(group["fcr"]), len(group["fcr"])),
                "sla_compliance": rate(sum(group["sla"]), len(group["sla"])),
            }
        )
    result.sort(key=lambda r: (-r["created"], r["label"]))
    return result


def dimension_labels(dimension: str, keys: Iterable[Any]) -> dict[Any, str]:
    keys = list(keys)
    if dimension == "team":
        return dict(Team.objects.filter(pk__in=keys).values_list("pk", "name"))
    if dimension == "agent":
        return {u.pk: str(u) for u in User.objects.filter(pk__in=keys)}
    if dimension == "category":
        return dict(Category.objects.filter(pk__in=keys).values_list("pk", "name"))
    if dimension == "organization":
        organization = apps.get_model("customers", "Organization")
        return dict(organization.objects.filter(pk__in=keys).values_list("pk", "name"))
    if dimension == "priority":
        return {k: Priority(k).label for k in keys}
    if dimension == "channel":
        return {k: str(Channel(k).label) for k in keys if k in Channel.values}
    return {k: str(TicketType(k).label) for k in keys if k in TicketType.values}


def agents(user: User, filters: Filters) -> list[dict[str, Any]]:
    """Per agent: tickets created in the range that are assigned to them, solved by them
    (assignee at the solve), public replies written, median first response of the tickets
    they answered first, and CSAT of the tickets they solved. Handle time needs time
    tracking, which does not exist yet (None)."""
    rows = sliced(user, replace(filters, agent=None))  # the agent filter picks a row
    ticket_ids = rows.values("ticket_id")
    stats: dict[int, dict[str, Any]] = defaultdict(lambda: defaultdict(list))
    created = rows.filter(_between("created_at", filters), assignee__isnull=False)
    for assignee in created.values_list("assignee_id", flat=True):
        stats[assignee]["assigned"].append(1)
    for solver in rows.filter(_between("solved_at", filters), solver__isnull=False).values_list(
        "solver_id", flat=True
    ):
        stats[solver]["solved"].append(1)
    replies = (
        Message.objects.filter(
            ticket_id__in=ticket_ids, kind="reply", is_public=True, **_range_kw(filters)
        )
        .filter(author__role__in=[Role.ADMIN, Role.SUPERVISOR, Role.AGENT, Role.LIGHT_AGENT])
        .values("author_id")
        .annotate(n=Count("pk"))
        .values_list("author_id", "n")
    )
    for author, n in replies:
        stats[author]["replies"].append(n)
    for responder, frt in rows.filter(
        _between("first_response_at", filters), first_responder__isnull=False
    ).values_list("first_responder_id", "first_response_seconds"):
        stats[responder]["frt"].append(frt)
    ratings = _ratings_by_agent(rows, filters)
    for agent_id, (good, total) in ratings.items():
        stats[agent_id]["csat"] = [good, total]
    if filters.agent is not None:
        stats = {k: v for k, v in stats.items() if k == filters.agent}
    names = {u.pk: str(u) for u in User.objects.filter(pk__in=list(stats))}
    result = []
    for agent_id, s in stats.items():
        good, total = s.get("csat") or [0, 0]
        result.append(
            {
                "agent_id": agent_id,
                "agent": names.get(agent_id, str(agent_id)),
                "assigned": len(s["assigned"]),
                "solved": len(s["solved"]),
                "replies": sum(s["replies"]),
                "median_first_response_seconds": summarise(s["frt"]).median,
                "csat_score": rate(good, total),
                "handle_time_seconds": None,
            }
        )
    result.sort(key=lambda r: r["agent"])
    return result


def _range_kw(filters: Filters) -> dict[str, datetime]:
    return {"created_at__gte": filters.since, "created_at__lt": filters.until}


def _ratings_by_agent(
    rows: QuerySet[TicketMetrics], filters: Filters
) -> dict[int, tuple[int, int]]:
    if not apps.is_installed("frontdesk.csat"):
        return {}
    survey = apps.get_model("csat", "Survey")
    rated = (
        survey.objects.filter(
            rated_at__gte=filters.since,
            rated_at__lt=filters.until,
            agent__isnull=False,
            ticket_id__in=rows.values("ticket_id"),
        )
        .exclude(rating="")
        .values("agent_id")
        .annotate(good=Count("pk", filter=Q(rating="good")), total=Count("pk"))
        .values_list("agent_id", "good", "total")
    )
    return {agent: (good, total) for agent, good, total in rated}


def sla_by_priority(user: User, filters: Filters) -> list[dict[str, Any]]:
    """The SLA page: `sla` per priority."""
    rows = sliced(user, filters)
    result = []
    for priority in sorted(Priority, reverse=True):
        for entry in sla(rows.filter(priority=priority.value), filters):
            result.append({"priority": priority.label, **entry})
    return result


# --- forecast -----------------------------------------------------------------------------

FORECAST_HISTORY_DAYS = 84


def volume_forecast(user: User, filters: Filters) -> dict[str, Any]:
    """Tickets created per day for the 14 days after `filters.end`, from the 84 days up to
    and including it (the date range's start is ignored; the other filters apply)."""
    from frontdesk.reports.forecast import HORIZON, forecast

    history = replace(filters, start=filters.end - timedelta(days=FORECAST_HISTORY_DAYS - 1))
    created = _per_day(sliced(user, history), "created_at", history)
    counts = [created.get(day, 0) for day in history.days()]
    result = forecast(counts)
    held_days = history.days()[-len(result.holdout_actual) :] if result.holdout_actual else []
    return {
        "method": result.method,
        "history_days": FORECAST_HISTORY_DAYS,
        "forecast": [
            {"day": (filters.end + timedelta(days=i + 1)).isoformat(), "expected": value}
            for i, value in enumerate(result.values[:HORIZON])
        ],
        "holdout": [
            {"day": day.isoformat(), "actual": actual, "predicted": predicted}
            for day, actual, predicted in zip(
                held_days, result.holdout_actual, result.holdout_predicted, strict=True
            )
        ],
        "mae": result.mae,
        "mape": result.mape,
        "baseline_mae": result.baseline_mae,
    }


# --- ticket exports -----------------------------------------------------------------------

TICKET_COLUMNS = (
    "number",
    "subject",
    "status_category",
    "priority",
    "type",
    "channel",
    "team_id",
    "assignee_id",
    "organization_id",
    "created_at",
    "updated_at",
    "first_response_at",
    "solved_at",
    "first_response_seconds",
    "first_response_business_seconds",
    "resolution_seconds",
    "resolution_business_seconds",
    "reopen_count",
    "public_agent_replies",
    "first_contact_resolution",
)
EXPORT_LIMIT = 50_000
INCREMENTAL_PAGE = 1000


def ticket_export_rows(tickets: QuerySet[Any]) -> Iterable[tuple[Any, ...]]:
    """The export columns of `tickets` (already gated), with their metric rows."""
    rows = tickets.select_related("metrics").order_by("number")[:EXPORT_LIMIT]
    for ticket in rows.iterator(chunk_size=2000):
        yield _ticket_row(ticket)


def _ticket_row(ticket: Any) -> tuple[Any, ...]:
    metrics = getattr(ticket, "metrics", None)

    def m(name: str) -> Any:
        return None if metrics is None else getattr(metrics, name)

    return (
        ticket.number,
        ticket.subject,
        ticket.status_category,
        Priority(ticket.priority).label,
        ticket.type,
        ticket.channel,
        ticket.team_id,
        ticket.assignee_id,
        ticket.organization_id,
        ticket.created_at,
        ticket.updated_at,
        ticket.first_response_at,
        ticket.solved_at,
        m("first_response_seconds"),
        m("first_response_business_seconds"),
        m("resolution_seconds"),
        m("resolution_business_seconds"),
        m("reopen_count"),
        m("public_agent_replies"),
        m("first_contact_resolution"),
    )


def view_tickets(user: User, view: str) -> QuerySet[Any]:
    """The tickets of a workspace view (a built-in queue's slug, or `saved:<id>`), through
    the permission gate. Report readers only, like every export."""
    from frontdesk.tickets.queries import visible_saved_views
    from frontdesk.tickets.queues import find_queue, queue_tickets
    from frontdesk.tickets.view_filters import filters_to_q, parse_stored_filters

    require_report_reader(user)
    if view.startswith("saved:"):
        ident = view.removeprefix("saved:")
        saved = visible_saved_views(user).filter(pk=int(ident) if ident.isdigit() else 0).first()
        if saved is None:
            from frontdesk.core.errors import NotFound

            raise NotFound("No such view.")
        return visible_to(user).filter(filters_to_q(parse_stored_filters(saved.filters), user))
    return queue_tickets(user, find_queue(view or "open"))


def incremental_tickets(
    user: User, since: datetime, after_id: int = 0, limit: int = INCREMENTAL_PAGE
) -> tuple[list[tuple[Any, ...]], tuple[datetime, int] | None, bool]:
    """Tickets changed at or after `since` in (updated_at, id) order, resuming after the
    cursor's ticket: the rows, the cursor of the last row (None for an empty page: keep
    yours) and whether more rows are waiting."""
    require_report_reader(user)
    tickets = (
        visible_to(user)
        .filter(Q(updated_at__gt=since) | Q(updated_at=since, pk__gt=after_id))
        .select_related("metrics")
        .order_by("updated_at", "pk")[: limit + 1]
    )
    page = list(tickets)
    more = len(page) > limit
    page = page[:limit]
    cursor = (page[-1].updated_at, page[-1].pk) if page else None
    return [_ticket_row(t) for t in page], cursor, more
