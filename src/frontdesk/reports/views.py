"""Report pages for supervisors and administrators: overview, team, agent, channel and SLA
pages with charts (Chart.js, loaded only here, fed from json_script data: no inline script)
and a data table beside each; filters live in the URL. Exports go through the same gate."""

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from frontdesk.accounts.models import Team, User
from frontdesk.core import clock
from frontdesk.core.errors import NotFound
from frontdesk.core.web import render_page, request_user, staff_view
from frontdesk.reports import actions, exports, queries
from frontdesk.reports.access import require_report_reader
from frontdesk.reports.models import ScheduledReport
from frontdesk.tickets.choices import Channel, Priority
from frontdesk.tickets.views._common import desk_context

WEEKDAYS = (
    gettext_lazy("Monday"),
    gettext_lazy("Tuesday"),
    gettext_lazy("Wednesday"),
    gettext_lazy("Thursday"),
    gettext_lazy("Friday"),
    gettext_lazy("Saturday"),
    gettext_lazy("Sunday"),
)
PAGES = {
    "overview": gettext_lazy("Overview"),
    "teams": gettext_lazy("Teams"),
    "agents": gettext_lazy("Agents"),
    "channels": gettext_lazy("Channels"),
    "sla": gettext_lazy("SLA"),
}


def page_data(user: User, page: str, filters: queries.Filters) -> dict[str, Any]:
    """The numbers of one page (also what its exports and scheduled emails carry)."""
    if page == "overview":
        return {
            "overview": queries.overview(user, filters),
            "forecast": queries.volume_forecast(user, filters),
        }
    if page == "teams":
        return {"rows": queries.breakdown(user, filters, "team")}
    if page == "channels":
        return {"rows": queries.breakdown(user, filters, "channel")}
    if page == "agents":
        return {"rows": queries.agents(user, filters)}
    if page == "sla":
        return {"rows": queries.sla_by_priority(user, filters)}
    raise NotFound("No such report.")


@require_GET
@staff_view
def report_page(request: HttpRequest, page: str) -> HttpResponse:
    user = request_user(request)
    require_report_reader(user)
    if page not in PAGES:
        raise NotFound("No such report.")
    filters = queries.parse_filters(request.GET, today=clock.now().date())
    data = page_data(user, page, filters)
    query = urlencode(filters.as_query())
    context = desk_context(
        user,
        "reports",
        page=page,
        page_title=PAGES[page],
        pages=PAGES,
        filters=filters,
        query=query,
        teams=Team.objects.order_by("name"),
        agents=User.objects.filter(role__in=["admin", "supervisor", "agent", "light_agent"])
        .filter(is_active=True)
        .order_by("name"),
        channels=Channel.choices,
        priorities=[p.label for p in sorted(Priority, reverse=True)],
        charts=_charts(page, data),
        **data,
    )
    return render_page(request, f"reports/{page}.html", context)


def _charts(page: str, data: dict[str, Any]) -> dict[str, Any]:
    """What reports.js draws: a chart per canvas, from the same numbers as its table."""
    if page == "overview":
        overview, forecast = data["overview"], data["forecast"]
        series = overview["volume"]["series"]
        return {
            "volume": {
                "type": "line",
                "labels": [d["day"] for d in series],
                "datasets": [
                    {"label": _("Created"), "data": [d["created"] for d in series]},
                    {"label": _("Solved"), "data": [d["solved"] for d in series]},
                ],
            },
            "backlog": {
                "type": "line",
                "labels": [d["day"] for d in overview["backlog"]["series"]],
                "datasets": [
                    {"label": _("Open"), "data": [d["open"] for d in overview["backlog"]["series"]]}
                ],
            },
            "sla": {
                "type": "bar",
                "labels": [s["target"] for s in overview["sla"]],
                "datasets": [
                    {"label": _("Achieved"), "data": [s["achieved"] for s in overview["sla"]]},
                    {"label": _("Breached"), "data": [s["breached"] for s in overview["sla"]]},
                ],
            },
            "forecast": {
                "type": "line",
                "labels": [d["day"] for d in forecast["forecast"]],
                "datasets": [
                    {"label": _("Expected"), "data": [d["expected"] for d in forecast["forecast"]]}
                ],
            },
        }
    rows = data["rows"]
    if page == "sla":
        return {
            "main": {
                "type": "bar",
                "labels": [f"{r['priority']} {r['target']}" for r in rows],
                "datasets": [{"label": _("Compliance %"), "data": [r["compliance"] for r in rows]}],
            }
        }
    label = "agent" if page == "agents" else "label"
    value = "solved" if page == "agents" else "created"
    return {
        "main": {
            "type": "bar",
            "labels": [str(r[label]) for r in rows],
            "datasets": [{"label": _(value.title()), "data": [r[value] for r in rows]}],
        }
    }


@require_GET
@staff_view
def report_export(request: HttpRequest, page: str, fmt: str) -> HttpResponse:
    """/desk/reports/<page>.csv or .json with the page's filters."""
    user = request_user(request)
    require_report_reader(user)
    if page not in PAGES or fmt not in ("csv", "json"):
        raise NotFound("No such export.")
    filters = queries.parse_filters(request.GET, today=clock.now().date())
    data = page_data(user, page, filters)
    if fmt == "json":
        response = HttpResponse(exports.to_json(data), content_type="application/json")
    else:
        if "rows" in data:
            rows = data["rows"]
            columns = list(rows[0]) if rows else ["empty"]
            body = exports.to_csv(columns, [[r.get(c) for c in columns] for r in rows])
        else:
            body = exports.to_csv(["metric", "value"], exports.flatten(data))
        response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    name = f"report-{page}-{filters.start}-{filters.end}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_http_methods(["GET", "POST"])
@staff_view
def schedules_page(request: HttpRequest) -> HttpResponse:
    """Scheduled reports: yours (administrators see everyone's); add one."""
    user = request_user(request)
    require_report_reader(user)
    if request.method == "POST":
        actions.create_schedule(
            actor=user,
            name=request.POST.get("name", ""),
            page=request.POST.get("page", "overview"),
            query=request.POST.get("query", ""),
            frequency=request.POST.get("frequency", "weekly"),
            weekday=request.POST.get("weekday", "0"),
            hour=request.POST.get("hour", "7"),
            recipient_ids=request.POST.getlist("recipients"),
        )
        messages.success(request, _("The report is scheduled."))
        return redirect("reports:schedules")
    schedules = ScheduledReport.objects.prefetch_related("recipients").order_by("name")
    if user.role != "admin":
        schedules = schedules.filter(owner=user)
    context = desk_context(
        user,
        "reports",
        schedules=schedules,
        pages=PAGES,
        people=User.objects.filter(role__in=["admin", "supervisor"], is_active=True).order_by(
            "name"
        ),
        query=request.GET.urlencode(),
        page="schedules",
        weekdays=list(enumerate(WEEKDAYS)),
    )
    return render_page(request, "reports/schedules.html", context)


@require_POST
@staff_view
def delete_schedule(request: HttpRequest, schedule_id: int) -> HttpResponse:
    actions.delete_schedule(actor=request_user(request), schedule_id=schedule_id)
    messages.success(request, _("The schedule is removed."))
    return redirect("reports:schedules")
