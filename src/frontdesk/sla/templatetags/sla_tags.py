"""`{% due_badge moment %}`: an SLA due time as a badge that says how long is left.

The text is rendered here and kept current in the browser by `app.js` (`data-countdown`),
so a list left open does not show a stale "in 5 min" while the ticket goes overdue.
"""

from datetime import datetime, timedelta
from typing import Any

from django import template
from django.utils.translation import gettext as _

from frontdesk.core import clock

register = template.Library()

SOON = timedelta(hours=1)  # due within this: the warning colour


@register.inclusion_tag("sla/_due_badge.html")
def due_badge(due_at: datetime | None, label: str = "") -> dict[str, Any]:
    if due_at is None:
        return {"due_at": None}
    left = due_at - clock.now()
    state = "overdue" if left < timedelta(0) else "soon" if left <= SOON else "ok"
    return {"due_at": due_at, "state": state, "text": countdown_text(left), "label": label}


def countdown_text(left: timedelta) -> str:
    """ "in 25 min", "in 3 h", "in 2 d", or "overdue 40 min" (whole units, rounded down)."""
    minutes = int(abs(left.total_seconds()) // 60)
    if minutes < 60:
        amount = _("{n} min").format(n=minutes)
    elif minutes < 48 * 60:
        amount = _("{n} h").format(n=minutes // 60)
    else:
        amount = _("{n} d").format(n=minutes // (24 * 60))
    if left < timedelta(0):
        return _("overdue {amount}").format(amount=amount)
    return _("in {amount}").format(amount=amount)
