"""`frontdesk worker`: run background tasks (database backend, or RQ when REDIS_URL is set)."""

from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Run the task worker for the configured backend."

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.REDIS_URL:
            call_command("rqworker", "default", job_class="django_tasks_rq.Job")
        else:
            call_command("db_worker", interval=0.5)
