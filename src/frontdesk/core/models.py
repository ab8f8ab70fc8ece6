"""Infrastructure rows: the scheduler's run slots."""

from typing import ClassVar

from django.db import models


class JobRun(models.Model):
    """One run of a periodic job in one time slot. The unique (name, slot) pair is what
    makes two schedulers safe: only the one whose insert succeeds enqueues the job."""

    name = models.CharField(max_length=100)
    slot = models.BigIntegerField(help_text="Start of the slot, in seconds since the epoch.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["name", "slot"], name="job_run_unique_slot"),
        ]

    def __str__(self) -> str:
        return f"{self.name}@{self.slot}"
