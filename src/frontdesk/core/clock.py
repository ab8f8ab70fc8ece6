"""The one clock. Actions take `now` from here so tests can pass their own."""

from datetime import UTC, datetime


def now() -> datetime:
    return datetime.now(tz=UTC)
