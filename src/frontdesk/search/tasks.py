"""The scheduler's search job: rebuild what a crash left pending (docs/search.md)."""

from datetime import timedelta

from django.tasks import task

from frontdesk.core.scheduler import every
from frontdesk.search.actions import flush_pending


@every(seconds=60)
@task()
def search_flush_pending() -> int:
    # Rows younger than a minute belong to transactions whose own callback is running.
    return flush_pending(older_than=timedelta(seconds=60))
