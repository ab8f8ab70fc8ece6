"""A small periodic scheduler on top of django.tasks.

Jobs are registered with an interval. Each tick, for every job, the scheduler computes the
current slot (`floor(now / interval)`) and inserts a JobRun row; only a successful insert
enqueues the task. Several schedulers, or a restarted one, therefore run each slot once.
"""

import logging
import signal
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from types import FrameType

from django.db import IntegrityError, transaction
from django.tasks import Task

from frontdesk.core import clock
from frontdesk.core.models import JobRun

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    every_seconds: int
    task: Task  # type: ignore[type-arg]


REGISTRY: dict[str, PeriodicJob] = {}


def every(seconds: int) -> Callable[[Task], Task]:  # type: ignore[type-arg]
    """Register a task (taking no arguments) to run once per `seconds`-long slot."""

    def register(task: Task) -> Task:  # type: ignore[type-arg]
        REGISTRY[task.name] = PeriodicJob(task.name, seconds, task)
        return task

    return register


def slot_of(job: PeriodicJob, now: datetime) -> int:
    epoch = int(now.timestamp())
    return epoch - epoch % job.every_seconds


def tick(now: datetime | None = None) -> list[str]:
    """Enqueue every job whose current slot has not run yet; return their names."""
    now = now or clock.now()
    enqueued = []
    for job in REGISTRY.values():
        try:
            with transaction.atomic():
                JobRun.objects.create(name=job.name, slot=slot_of(job, now))
                job.task.enqueue()
        except IntegrityError:
            continue  # another scheduler (or an earlier tick) took this slot
        enqueued.append(job.name)
    return enqueued


def run_forever(poll_seconds: float = 5.0, stop: threading.Event | None = None) -> None:
    stop = stop or threading.Event()

    def request_stop(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)
    # Importing the task modules registers their periodic jobs.
    import frontdesk.ai.tasks
    import frontdesk.mail.tasks
    import frontdesk.outbox.tasks
    import frontdesk.reports.tasks
    import frontdesk.routing.tasks
    import frontdesk.search.tasks
    import frontdesk.sla.tasks
    import frontdesk.slack.tasks
    import frontdesk.tickets.tasks
    import frontdesk.triggers.tasks
    import frontdesk.webhooks.tasks  # noqa: F401

    log.info("scheduler started with jobs: %s", ", ".join(sorted(REGISTRY)))
    while not stop.is_set():
        for name in tick():
            log.info("enqueued %s", name)
        stop.wait(poll_seconds)
