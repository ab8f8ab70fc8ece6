"""Keyset (cursor) pagination: pages cost the same at row 10 and row 10 million.

A cursor is the opaque, url-safe encoding of the last row's sort key and primary key.
"""

import base64
import binascii
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.db.models import Field, Model, Q, QuerySet

from frontdesk.core.errors import Invalid


@dataclass(frozen=True)
class Page[M: Model]:
    items: list[M]
    next_cursor: str | None


def encode_cursor(values: list[Any]) -> str:
    raw = json.dumps([v.isoformat() if isinstance(v, datetime) else v for v in values])
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str, *, size: int) -> list[Any]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        values = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (binascii.Error, ValueError, UnicodeDecodeError) as exc:
        raise Invalid("invalid_cursor", "The cursor is not one this API issued.") from exc
    if not isinstance(values, list) or len(values) != size:
        raise Invalid("invalid_cursor", "The cursor is not one this API issued.")
    return values


def keyset_page[M: Model](
    queryset: QuerySet[M], *, order: str, cursor: str | None, limit: int
) -> Page[M]:
    """One page of `queryset` ordered by `order` (e.g. "-updated_at") then by primary key."""
    descending = order.startswith("-")
    field = order.lstrip("-")
    direction = "-" if descending else ""
    queryset = queryset.order_by(f"{direction}{field}", f"{direction}pk")
    if cursor:
        value, pk = decode_cursor(cursor, size=2)
        value = _coerce(queryset.model, field, value)
        pk = _coerce(queryset.model, queryset.model._meta.pk.name, pk)
        after = "lt" if descending else "gt"
        queryset = queryset.filter(
            Q(**{f"{field}__{after}": value}) | Q(**{field: value, f"pk__{after}": pk})
        )
    rows = list(queryset[: limit + 1])
    next_cursor = None
    if len(rows) > limit:
        rows = rows[:limit]
        last = rows[-1]
        next_cursor = encode_cursor([getattr(last, field), last.pk])
    return Page(items=rows, next_cursor=next_cursor)


def _coerce(model: type[Model], field: str, value: Any) -> Any:
    model_field = model._meta.get_field(field)
    if not isinstance(model_field, Field):
        raise Invalid("invalid_cursor", "The cursor is not one this API issued.")
    try:
        coerced = model_field.to_python(value)
        if isinstance(coerced, datetime):
            # In UTC now: a far offset on year 1 or 9999 would overflow inside the query.
            coerced = coerced.replace(tzinfo=coerced.tzinfo or UTC).astimezone(UTC)
        if coerced is None or (isinstance(coerced, str) and "\x00" in coerced):
            raise ValueError(value)  # sort keys are never null; PostgreSQL text has no NUL
    except Exception as exc:  # a forged cursor must be a 4xx, whatever the field type
        raise Invalid("invalid_cursor", "The cursor is not one this API issued.") from exc
    return coerced
