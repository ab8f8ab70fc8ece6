"""Schemas shared by every router: the error body and the page envelope."""

from typing import Any

from ninja import Schema
from pydantic import ConfigDict


class InputSchema(Schema):
    """Base for request bodies: unknown fields are an error (no mass assignment)."""

    model_config = ConfigDict(extra="forbid")


class ErrorOut(Schema):
    code: str
    message: str
    details: Any = None


ERRORS: dict[int, type[Schema]] = dict.fromkeys((400, 401, 403, 404, 409, 422, 429), ErrorOut)
