"""Background work for SLAs: the deadline sweep, once a minute."""

from django.tasks import task

from frontdesk.core.scheduler import every
from frontdesk.sla.actions import sweep_due_tickets


@every(seconds=60)
@task()
def sweep_sla_deadlines() -> int:
    """Record due SLA warnings and breaches (each once) and run their escalations."""
    return sweep_due_tickets()
