"""SLA actions: the only code that writes SLA rows and the tickets' SLA columns."""

from frontdesk.sla.actions.config import (
    add_holiday,
    delete_calendar,
    delete_policy,
    import_country_holidays,
    remove_holiday,
    save_calendar,
    save_policy,
)
from frontdesk.sla.actions.deadlines import refresh_deadlines, sweep_due_tickets

__all__ = [
    "add_holiday",
    "delete_calendar",
    "delete_policy",
    "import_country_holidays",
    "refresh_deadlines",
    "remove_holiday",
    "save_calendar",
    "save_policy",
    "sweep_due_tickets",
]
