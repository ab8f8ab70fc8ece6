"""Pure validation of custom field values against their definitions."""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from frontdesk.tickets.choices import FieldType

MAX_TEXT_LENGTH = 10_000


@dataclass(frozen=True)
class FieldSpec:
    key: str
    field_type: str
    choices: tuple[str, ...] = ()
    required: bool = False


class FieldValueError(ValueError):
    def __init__(self, key: str, reason: str) -> None:
        super().__init__(f"{key}: {reason}")
        self.key = key
        self.reason = reason


def coerce_value(spec: FieldSpec, value: Any) -> Any:
    """The stored form of `value` for this field, or FieldValueError."""
    match spec.field_type:
        case FieldType.TEXT:
            if not isinstance(value, str) or len(value) > MAX_TEXT_LENGTH:
                raise FieldValueError(spec.key, f"expected text up to {MAX_TEXT_LENGTH} chars")
            return value.replace("\x00", "")
        case FieldType.NUMBER:
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise FieldValueError(spec.key, "expected a number")
            if value != value or value in (float("inf"), float("-inf")):
                raise FieldValueError(spec.key, "expected a finite number")
            return value
        case FieldType.DATE:
            try:
                return date.fromisoformat(value).isoformat()
            except (TypeError, ValueError) as exc:
                raise FieldValueError(spec.key, "expected a date YYYY-MM-DD") from exc
        case FieldType.CHOICE:
            if value not in spec.choices:
                raise FieldValueError(spec.key, f"expected one of {list(spec.choices)}")
            return value
        case FieldType.CHECKBOX:
            if not isinstance(value, bool):
                raise FieldValueError(spec.key, "expected true or false")
            return value
    raise FieldValueError(spec.key, "unknown field type")


def merge_values(
    specs: Mapping[str, FieldSpec], current: Mapping[str, Any], changes: Mapping[str, Any]
) -> dict[str, Any]:
    """`current` updated with `changes`; a None value clears a field. Raises on any bad key."""
    merged = dict(current)
    for key, value in changes.items():
        spec = specs.get(key)
        if spec is None:
            raise FieldValueError(key, "no such custom field")
        if value is None:
            if spec.required:
                raise FieldValueError(key, "this field is required and cannot be cleared")
            merged.pop(key, None)
        else:
            merged[key] = coerce_value(spec, value)
    return merged


def missing_required(specs: Mapping[str, FieldSpec], values: Mapping[str, Any]) -> list[str]:
    """Required fields without a value (checked when a ticket is created)."""
    return sorted(k for k, s in specs.items() if s.required and k not in values)
