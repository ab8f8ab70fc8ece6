"""Test settings: fast hashing, in-memory mail, tasks run at once.

`FRONTDESK_TEST_DATABASE_URL` points the same suite at PostgreSQL.
"""

import os

from frontdesk.config.settings import *  # noqa: F403
from frontdesk.config.settings import database_config

if test_url := os.environ.get("FRONTDESK_TEST_DATABASE_URL"):
    DATABASES = {"default": database_config(test_url)}
else:
    DATABASES = {"default": database_config("sqlite:///:memory:")}
    # The browser tests' live server shares the one in-memory connection between its
    # threads; keep Django's per-request connection handling as simple as it can be there.
    DATABASES["default"]["CONN_MAX_AGE"] = 0

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
if os.environ.get("FRONTDESK_TEST_TASKS") == "rq" and REDIS_URL:  # noqa: F405
    # The scale-out path (.ci/run): the RQ backend on Redis (REDIS_URL), with jobs run in the
    # test process as soon as they are enqueued (`ASYNC: False`), so the suite's assertions
    # hold while every task still goes through RQ's enqueue, serialisation and job execution.
    RQ_QUEUES = {"default": {"URL": REDIS_URL, "ASYNC": False}}  # type: ignore[dict-item]  # noqa: F405
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend"}}
else:
    TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405 - whitenoise warns if it is missing
