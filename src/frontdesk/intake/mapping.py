"""A source's mapping from the fields of a posted JSON document to ticket fields (pure).

A mapping is an object: ticket field -> where to find its value in the document.

- a dotted path, with list indexes as numbers: `"contact.email"`, `"answers.0.text"`;
- a constant, written with a leading `=`: `"=web form"`; `"=="` starts a constant `=`.

Ticket fields: `subject`, `body` (both required), `requester_email`, `requester_name`,
`external_id` (deduplication and threading), `priority`, `type`, `tags` (a list or a
comma-separated string) and `custom_fields.<key>`. A field the mapping does not name is
read from the document's top level under its own name (so a source with an empty mapping
takes `{"subject": ..., "body": ..., "requester_email": ...}` as is).
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

TARGETS = (
    "subject",
    "body",
    "requester_email",
    "requester_name",
    "external_id",
    "priority",
    "type",
    "tags",
)
CUSTOM_PREFIX = "custom_fields."
LIMITS = {
    "subject": 500,
    "body": 100_000,
    "requester_email": 254,
    "requester_name": 200,
    "external_id": 255,
    "priority": 20,
    "type": 40,
}
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MAX_PATH_DEPTH = 20


class MappingError(ValueError):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


@dataclass(frozen=True)
class Extracted:
    subject: str
    body: str
    requester_email: str = ""
    requester_name: str = ""
    external_id: str = ""
    priority: str = ""
    type: str = ""
    tags: tuple[str, ...] = ()
    custom_fields: Mapping[str, Any] = field(default_factory=dict)


def validate_mapping(mapping: Any) -> dict[str, str]:
    """The mapping as stored, or MappingError naming the bad entry."""
    if not isinstance(mapping, dict):
        raise MappingError("mapping", "must be an object")
    clean = {}
    for target, where in mapping.items():
        if not isinstance(target, str) or not (
            target in TARGETS or (target.startswith(CUSTOM_PREFIX) and len(target) > 14)
        ):
            raise MappingError(str(target), "is not a ticket field")
        if not isinstance(where, str) or not where or len(where) > 500:
            raise MappingError(target, "must be a non-empty path or =constant")
        if not where.startswith("=") and where.count(".") >= MAX_PATH_DEPTH:
            raise MappingError(target, f"a path has at most {MAX_PATH_DEPTH} parts")
        clean[target] = where
    return clean


def extract(mapping: Mapping[str, str], document: Any) -> Extracted:
    if not isinstance(document, dict):
        raise MappingError("body", "the document must be a JSON object")
    values: dict[str, Any] = {}
    for target in TARGETS:
        raw = _lookup(document, mapping.get(target, target))
        if raw is None:
            continue
        values[target] = _tags(raw) if target == "tags" else _text(target, raw)
    custom = {
        target.removeprefix(CUSTOM_PREFIX): _lookup(document, where)
        for target, where in mapping.items()
        if target.startswith(CUSTOM_PREFIX)
    }
    for key, value in custom.items():
        if value is not None and not isinstance(value, (str, int, float, bool)):
            raise MappingError(CUSTOM_PREFIX + key, "must be a string, number or boolean")
    for required in ("subject", "body"):
        if not values.get(required):
            raise MappingError(mapping.get(required, required), "is required")
    email = values.get("requester_email", "")
    if email and not EMAIL.match(email):
        raise MappingError(mapping.get("requester_email", "requester_email"), "is not an address")
    return Extracted(**values, custom_fields={k: v for k, v in custom.items() if v is not None})


def _lookup(document: Any, where: str) -> Any:
    if where.startswith("="):
        return where[1:]
    value = document
    for part in where.split("."):
        if isinstance(value, dict):
            value = value.get(part)
        elif isinstance(value, list) and part.isdigit() and int(part) < len(value):
            value = value[int(part)]
        else:
            return None
        if value is None:
            return None
    return value


def _text(target: str, raw: Any) -> str:
    if isinstance(raw, bool) or not isinstance(raw, (str, int, float)):
        raise MappingError(target, "must be a string")
    text = str(raw).strip()
    if len(text) > LIMITS[target]:
        raise MappingError(target, f"longer than {LIMITS[target]} characters")
    return text


def _tags(raw: Any) -> tuple[str, ...]:
    items = raw.split(",") if isinstance(raw, str) else raw
    if not isinstance(items, list) or not all(isinstance(t, str) for t in items):
        raise MappingError("tags", "must be a list of strings or a comma-separated string")
    if len(items) > 50:
        raise MappingError("tags", "at most 50 tags")
    return tuple(t.strip() for t in items if t.strip())
