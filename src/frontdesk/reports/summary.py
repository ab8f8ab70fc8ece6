"""The plain-text body of a scheduled report email: the page's key numbers."""

from typing import Any
from urllib.parse import urlencode

from frontdesk.accounts.models import User
from frontdesk.reports import queries
from frontdesk.reports.models import ScheduledReport
from frontdesk.reports.templatetags.reports_tags import duration, percent


def summary_text(
    user: User, schedule: ScheduledReport, filters: queries.Filters
) -> tuple[str, str]:
    period = f"{filters.start} to {filters.end}"
    lines = [f"{schedule.name}: {period}", ""]
    if schedule.page == "overview":
        report = queries.overview(user, filters)
        lines += _overview_lines(report)
    else:
        rows: list[dict[str, Any]]
        if schedule.page == "agents":
            rows = queries.agents(user, filters)
        elif schedule.page == "sla":
            rows = queries.sla_by_priority(user, filters)
        else:
            dimension = {"teams": "team", "channels": "channel"}[schedule.page]
            rows = queries.breakdown(user, filters, dimension)
        for row in rows:
            lines.append(", ".join(f"{k}: {v}" for k, v in row.items() if v is not None))
    path = "/desk/reports/" + ("" if schedule.page == "overview" else f"{schedule.page}/")
    lines += ["", f"Open the dashboard: {path}?{urlencode(filters.as_query())}"]
    return f"Report: {schedule.name} ({period})", "\n".join(lines)


def _overview_lines(report: dict[str, Any]) -> list[str]:
    volume, durations, outcomes = report["volume"], report["durations"], report["outcomes"]
    lines = [
        f"Created: {volume['created']}   Solved: {volume['solved']}   "
        f"Reopened: {volume['reopened']}",
        f"Backlog at the end: {report['backlog']['at_end']}",
    ]
    for name, label in (
        ("first_response", "First response"),
        ("next_response", "Next response"),
        ("resolution", "Full resolution"),
        ("requester_wait", "Requester wait"),
    ):
        calendar, business = durations[name]["calendar"], durations[name]["business"]
        lines.append(
            f"{label}: median {duration(calendar['median'])} "
            f"(business {duration(business['median'])}), p90 {duration(calendar['p90'])}"
        )
    lines.append(
        f"First contact resolution: {percent(outcomes['first_contact_resolution_rate'])}   "
        f"Reopen rate: {percent(outcomes['reopen_rate'])}"
    )
    for target in report["sla"]:
        lines.append(f"SLA {target['target']}: {percent(target['compliance'])}")
    csat = report["csat"]
    lines.append(f"CSAT: {percent(csat['score'])} of {csat['rated']} rated")
    return lines
