"""Background work for routing. Tasks take ids (or nothing), are idempotent, call actions."""

from django.tasks import task

from frontdesk.core.scheduler import every
from frontdesk.routing.actions import reassign_from_offline_agents


@every(seconds=60)
@task()
def reassign_offline() -> int:
    """Move the tickets of agents offline for longer than their team allows."""
    return reassign_from_offline_agents()
