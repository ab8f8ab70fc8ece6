"""Domain errors carry a stable machine code; the API maps each kind to an HTTP status.

Apps define their codes as StrEnum members in their own `errors.py` and raise these
classes with them, so UI, API and tests assert on codes rather than messages.
"""

from enum import StrEnum
from typing import Any


class DomainError(Exception):
    """A broken business rule. Maps to 400 unless a subclass says otherwise."""

    http_status = 400

    def __init__(self, code: StrEnum | str, message: str, details: Any = None) -> None:
        super().__init__(message)
        self.code = str(code)
        self.message = message
        self.details = details


class NotFound(DomainError):
    """The object does not exist or the actor may not know that it does (never a 403)."""

    http_status = 404

    def __init__(self, message: str = "Not found.") -> None:
        super().__init__("not_found", message)


class Forbidden(DomainError):
    """The actor can see the object but may not perform this action on it."""

    http_status = 403


class Conflict(DomainError):
    """The object changed since the client read it, or a uniqueness rule was hit."""

    http_status = 409


class Invalid(DomainError):
    """Input that is well-formed but not acceptable (unknown status, bad custom field)."""

    http_status = 422
