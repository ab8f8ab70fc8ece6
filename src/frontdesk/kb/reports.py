"""Knowledge-base figures for reports (the reports issue reuses these): deflection and
article feedback over a period. Pure reads."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, Q

from frontdesk.kb.models import Deflection

# A set of suggestions becomes a deflection once this long passed without a ticket.
SETTLE = timedelta(hours=24)


@dataclass(frozen=True)
class DeflectionFigures:
    start: datetime
    end: datetime
    shown: int  # suggestion sets shown
    visits: int  # visits that were shown suggestions
    clicked: int  # visits that opened a suggested article
    submitted: int  # visits that submitted a ticket after seeing suggestions
    submitted_after_click: int  # ... after opening a suggested article
    deflected: int  # visits shown suggestions, settled, that submitted no ticket
    deflected_after_click: int  # ... of which opened a suggested article
    pending: int  # visits not yet settled (younger than SETTLE, no ticket)

    @property
    def deflection_rate(self) -> float | None:
        settled = self.deflected + self.submitted
        return round(self.deflected / settled, 4) if settled else None


def deflection_figures(start: datetime, end: datetime, *, now: datetime) -> DeflectionFigures:
    """Figures for suggestion sets shown in [start, end), counted by visit: a visit is
    submitted if any of its sets led to a ticket, else deflected once its last set is
    older than SETTLE."""
    rows = Deflection.objects.filter(shown_at__gte=start, shown_at__lt=end)
    visits = rows.values("visit").annotate(
        sets=Count("pk"),
        clicks=Count("pk", filter=Q(clicked_at__isnull=False)),
        tickets=Count("pk", filter=Q(submitted_at__isnull=False)),
        latest=Count("pk", filter=Q(shown_at__gt=now - SETTLE)),
    )
    shown = clicked = submitted = submitted_click = deflected = deflected_click = pending = 0
    count = 0
    for visit in visits:
        count += 1
        shown += visit["sets"]
        has_click = visit["clicks"] > 0
        clicked += has_click
        if visit["tickets"]:
            submitted += 1
            submitted_click += has_click
        elif visit["latest"]:
            pending += 1
        else:
            deflected += 1
            deflected_click += has_click
    return DeflectionFigures(
        start,
        end,
        shown,
        count,
        clicked,
        submitted,
        submitted_click,
        deflected,
        deflected_click,
        pending,
    )
