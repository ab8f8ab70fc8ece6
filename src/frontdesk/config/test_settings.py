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
TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405 - whitenoise warns if it is missing
