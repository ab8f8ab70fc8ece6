"""Background work for tickets. Tasks take ids (or nothing), are idempotent, call actions."""

from django.tasks import task

from frontdesk.core.scheduler import every
from frontdesk.tickets.actions import close_solved_tickets


@every(seconds=300)
@task()
def auto_close_solved() -> int:
    """Close tickets that have stayed solved past the configured number of days."""
    return close_solved_tickets()
