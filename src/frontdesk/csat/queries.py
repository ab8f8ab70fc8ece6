"""Satisfaction figures for reports (the reports issue reuses these), the ticket page and
the agent: pure reads over `Survey`."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Q, QuerySet

from frontdesk.csat.choices import Rating
from frontdesk.csat.models import Survey


@dataclass(frozen=True)
class CsatFigures:
    key: str  # "all", or the agent's/team's id or the ticket type
    label: str
    surveys: int  # surveys created (tickets solved) in the period
    rated: int
    good: int
    bad: int

    @property
    def score(self) -> float | None:
        """Good ratings as a share of ratings (the usual CSAT score), 0..1."""
        return round(self.good / self.rated, 4) if self.rated else None

    @property
    def response_rate(self) -> float | None:
        return round(self.rated / self.surveys, 4) if self.surveys else None


GROUPS = {"agent": "agent", "team": "team", "type": "ticket_type"}


def surveys_between(start: datetime, end: datetime) -> QuerySet[Survey]:
    """Surveys of tickets solved in [start, end)."""
    return Survey.objects.filter(solved_at__gte=start, solved_at__lt=end)


def csat_figures(start: datetime, end: datetime, *, group: str = "") -> list[CsatFigures]:
    """Satisfaction of tickets solved in [start, end): overall, or per agent, team or
    ticket type (`group`), the biggest groups first."""
    rows = surveys_between(start, end)
    counts = {
        "surveys": Count("pk"),
        "rated": Count("pk", filter=~Q(rating="")),
        "good": Count("pk", filter=Q(rating=Rating.GOOD)),
        "bad": Count("pk", filter=Q(rating=Rating.BAD)),
    }
    if not group:
        total = rows.aggregate(**counts)
        return [CsatFigures("all", "All", **total)]
    field = GROUPS[group]
    label_field = {"agent": "agent__name", "team": "team__name", "type": "ticket_type"}[group]
    extra = ["agent__email"] if group == "agent" else []
    grouped = rows.values(field, label_field, *extra).annotate(**counts).order_by("-surveys")
    out = []
    for row in grouped:
        key = row[field]
        label = row[label_field] or (row.get("agent__email") or "")
        out.append(
            CsatFigures(
                "" if key is None else str(key),
                label or "—",
                row["surveys"],
                row["rated"],
                row["good"],
                row["bad"],
            )
        )
    return out


def agent_score(agent_id: int, start: datetime, end: datetime) -> CsatFigures:
    rows = surveys_between(start, end).filter(agent_id=agent_id)
    total = rows.aggregate(
        surveys=Count("pk"),
        rated=Count("pk", filter=~Q(rating="")),
        good=Count("pk", filter=Q(rating=Rating.GOOD)),
        bad=Count("pk", filter=Q(rating=Rating.BAD)),
    )
    return CsatFigures(str(agent_id), "", **total)


def ticket_survey(ticket_id: int) -> Survey | None:
    return Survey.objects.filter(ticket_id=ticket_id).first()
