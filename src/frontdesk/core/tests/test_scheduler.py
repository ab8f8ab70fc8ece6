from datetime import UTC, datetime, timedelta

import pytest
from django.tasks import task

from frontdesk.core import scheduler
from frontdesk.core.models import JobRun

CALLS: list[int] = []


@task()
def record_call() -> None:
    CALLS.append(1)


@pytest.fixture
def job(monkeypatch):
    CALLS.clear()
    registry = {"record_call": scheduler.PeriodicJob("record_call", 60, record_call)}
    monkeypatch.setattr(scheduler, "REGISTRY", registry)
    return registry["record_call"]


@pytest.mark.django_db
def test_each_slot_runs_once_however_many_ticks(job):
    now = datetime(2026, 11, 22, 10, 0, 5, tzinfo=UTC)
    assert scheduler.tick(now) == ["record_call"]
    assert scheduler.tick(now + timedelta(seconds=30)) == []  # same 60 s slot
    assert scheduler.tick(now + timedelta(seconds=60)) == ["record_call"]
    assert CALLS == [1, 1]
    assert JobRun.objects.filter(name="record_call").count() == 2


@pytest.mark.parametrize(
    ("second", "expected_slot_offset"),
    [(0, 0), (59, 0), (60, 60), (119, 60)],
    ids=["slot_start", "slot_end", "next_slot", "next_slot_end"],
)
def test_slot_of_floors_to_the_interval(job, second, expected_slot_offset):
    base = datetime(2026, 1, 1, tzinfo=UTC)
    slot = scheduler.slot_of(job, base + timedelta(seconds=second))
    assert slot == int(base.timestamp()) + expected_slot_offset
