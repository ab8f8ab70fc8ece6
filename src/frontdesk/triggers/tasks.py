"""Background work for automation: the time rules, every five minutes."""

from django.tasks import task

from frontdesk.core.scheduler import every
from frontdesk.triggers.actions.time_rules import run_time_rules


@every(seconds=300)
@task()
def run_time_rules_job() -> int:
    """Let each active time rule act on the tickets that meet it (each once per episode)."""
    return run_time_rules()
