"""The scheduler's report jobs: stale metric rows, and scheduled report emails."""

from django.tasks import task

from frontdesk.core.scheduler import every
from frontdesk.reports.actions import send_due_reports, sweep_stale


@every(seconds=60)
@task()
def reports_sweep_stale() -> int:
    return sweep_stale()


@every(seconds=300)
@task()
def reports_send_scheduled() -> int:
    return send_due_reports()
