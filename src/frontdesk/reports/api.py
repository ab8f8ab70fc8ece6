"""Reports API (`/api/v1/reports/...`): the dashboard's numbers with the same filters,
exports and the incremental ticket export for BI tools (docs/reports.md). Supervisors and
administrators only; agents get 403 `reports_readers_only`, customers 404."""

import base64
import binascii
from datetime import UTC, datetime
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema

from frontdesk.api.auth import actor
from frontdesk.api.schemas import ERRORS
from frontdesk.core import clock
from frontdesk.core.errors import Invalid
from frontdesk.reports import exports, queries

router = Router(tags=["reports"])


class ReportFilters(Schema):
    """`from`/`to` are UTC days (YYYY-MM-DD, both included; default: the last 30 days)."""

    date_from: str | None = Field(None, alias="from")
    to: str | None = None
    team: str | None = None
    agent: str | None = None
    channel: str | None = None
    priority: str | None = None
    type: str | None = None
    category: str | None = None
    tag: str | None = None
    organization: str | None = None
    format: str | None = None


def _filters(request: HttpRequest) -> queries.Filters:
    return queries.parse_filters(request.GET, today=clock.now().date())


def _respond(request: HttpRequest, name: str, data: Any) -> Any:
    """JSON by default; `?format=csv` for a CSV of the same numbers."""
    if request.GET.get("format") == "csv":
        if isinstance(data, list):
            columns = list(data[0]) if data else ["empty"]
            body = exports.to_csv(columns, [[row.get(c) for c in columns] for row in data])
        else:
            body = exports.to_csv(["metric", "value"], exports.flatten(data))
        return _csv(body, f"{name}.csv")
    return data


def _csv(body: str, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@router.get("/reports/overview", response={200: dict[str, Any], **ERRORS})
def overview(request: HttpRequest, filters: Query[ReportFilters]) -> Any:
    """Volume, backlog, response and resolution times, FCR, reopen rate, SLA, CSAT."""
    return _respond(request, "overview", queries.overview(actor(request), _filters(request)))


@router.get("/reports/breakdown/{dimension}", response={200: list[dict[str, Any]], **ERRORS})
def list_report_breakdown(
    request: HttpRequest, dimension: str, filters: Query[ReportFilters]
) -> Any:
    """One row per team, agent, channel, priority, type, category or organization."""
    rows = queries.breakdown(actor(request), _filters(request), dimension)
    return _respond(request, f"by-{dimension}", rows)


@router.get("/reports/agents", response={200: list[dict[str, Any]], **ERRORS})
def list_report_agents(request: HttpRequest, filters: Query[ReportFilters]) -> Any:
    """Agent performance: assigned, solved, replies, median first response, CSAT."""
    return _respond(request, "agents", queries.agents(actor(request), _filters(request)))


@router.get("/reports/sla", response={200: list[dict[str, Any]], **ERRORS})
def list_report_sla(request: HttpRequest, filters: Query[ReportFilters]) -> Any:
    """SLA compliance per priority and target."""
    return _respond(request, "sla", queries.sla_by_priority(actor(request), _filters(request)))


@router.get("/reports/forecast", response={200: dict[str, Any], **ERRORS})
def forecast(request: HttpRequest, filters: Query[ReportFilters]) -> Any:
    """Expected tickets per day for the 14 days after `to`, with the held-out error."""
    return _respond(request, "forecast", queries.volume_forecast(actor(request), _filters(request)))


@router.get("/reports/tickets", response={200: None, **ERRORS})
def export_view(request: HttpRequest, view: str = "open", format: str = "csv") -> HttpResponse:
    """A workspace view's tickets (`view`: a built-in view's slug or `saved:<id>`) as CSV
    or JSON, at most 50,000 rows."""
    user = actor(request)
    rows = queries.ticket_export_rows(queries.view_tickets(user, view))
    if format == "json":
        data = [dict(zip(queries.TICKET_COLUMNS, row, strict=True)) for row in rows]
        return HttpResponse(exports.to_json(data), content_type="application/json")
    if format != "csv":
        raise Invalid("invalid_format", "format is csv or json.")
    return _csv(exports.to_csv(queries.TICKET_COLUMNS, rows), f"tickets-{view}.csv")


class IncrementalOut(Schema):
    tickets: list[dict[str, Any]]
    cursor: str | None
    more: bool


@router.get("/reports/tickets/incremental", response={200: IncrementalOut, **ERRORS})
def list_incremental_tickets(
    request: HttpRequest, cursor: str | None = None, start_time: str | None = None
) -> IncrementalOut:
    """Tickets changed since a point, oldest change first, 1000 a page. Start with
    `start_time` (ISO 8601) and then pass the returned `cursor`; a ticket changed again later
    comes again. An empty page keeps your cursor."""
    user = actor(request)
    since, after = _cursor(cursor, start_time)
    rows, next_cursor, more = queries.incremental_tickets(user, since, after)
    encoded = None
    if next_cursor is not None:
        raw = f"{next_cursor[0].isoformat()}|{next_cursor[1]}".encode()
        encoded = base64.urlsafe_b64encode(raw).decode()
    elif cursor:
        encoded = cursor
    return IncrementalOut(
        tickets=[dict(zip(queries.TICKET_COLUMNS, row, strict=True)) for row in rows],
        cursor=encoded,
        more=more,
    )


def _cursor(cursor: str | None, start_time: str | None) -> tuple[datetime, int]:
    try:
        if cursor:
            at, ident = base64.urlsafe_b64decode(cursor.encode()).decode().split("|")
            return _aware(datetime.fromisoformat(at)), int(ident)
        if start_time:
            return _aware(datetime.fromisoformat(start_time)), 0
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise Invalid("invalid_cursor", "The cursor or start_time is not valid.") from None
    return datetime(1970, 1, 1, tzinfo=UTC), 0


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)
