"""Saved views' filters: parse stored JSON into a frozen value, and turn that into a Q.

`parse_filters` is pure: it checks the shape and the fixed vocabularies (status categories,
priorities, types, channels) and that custom field keys are known; whether a status slug
or a team id exists is for the caller (an action) to check. `filters_to_q` builds a
condition to put on top of `access.visible_to`, never instead of it, so a saved view can
never show more than the permission gate allows.

Accepted keys (all optional):

    status_category  list of StatusCategory values     status     list of status slugs
    priority         list of priority names              type       list of TicketType values
    channel          list of Channel values              team_id    team id
    assignee         "me" | "none" | user id             category   category slug
    tag              list of tags, all required          exclude_tag  list of tags, none allowed
    custom           {field key: exact value}            created_within_days  1..3650
"""

import math
import re
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, NoReturn

from django.db.models import Exists, JSONField, OuterRef, Q, QuerySet, Value
from django.db.models.fields.json import KeyTransform, KeyTransformExact

from frontdesk.accounts.models import User
from frontdesk.core import clock
from frontdesk.core.errors import Invalid
from frontdesk.tickets.choices import PRIORITY_BY_NAME, Channel, StatusCategory, TicketType
from frontdesk.tickets.fields import FieldSpec, FieldValueError, coerce_value
from frontdesk.tickets.models import SAVED_VIEW_SORTS, TicketTag

INVALID_FILTER = "invalid_filter"
MAX_VALUES = 50  # items in one list filter
MAX_CUSTOM = 20
MAX_DAYS = 3650
MAX_TAG_LENGTH = 64
SLUG = re.compile(r"^[-\w]{1,100}$")

# Columns a list can show, in display order, and the sorts it can use (the keys of
# forms.LIST_SORTS; a test keeps them in step).
COLUMNS = (
    "number",
    "subject",
    "requester",
    "status",
    "priority",
    "type",
    "team",
    "assignee",
    "due",
    "category",
    "created",
    "updated",
    "tags",
)
DEFAULT_COLUMNS = (
    "number",
    "subject",
    "requester",
    "status",
    "team",
    "assignee",
    "due",
    "updated",
    "tags",
)
SORTS = SAVED_VIEW_SORTS
DEFAULT_SORT = "-updated_at"

type CustomValue = str | int | float | bool


@dataclass(frozen=True)
class ViewFilters:
    status_category: tuple[str, ...] = ()
    status: tuple[str, ...] = ()
    priority: tuple[str, ...] = ()
    type: tuple[str, ...] = ()
    channel: tuple[str, ...] = ()
    team_id: int | None = None
    assignee: str | int | None = None  # "me", "none" or a user id
    tag: tuple[str, ...] = ()
    exclude_tag: tuple[str, ...] = ()
    category: str | None = None
    custom: tuple[tuple[str, CustomValue], ...] = ()  # sorted by key
    created_within_days: int | None = None

    def as_json(self) -> dict[str, Any]:
        """The canonical stored form: only the filters that are set."""
        data: dict[str, Any] = {}
        for name in ("status_category", "status", "priority", "type", "channel"):
            if values := getattr(self, name):
                data[name] = list(values)
        for name in ("team_id", "assignee", "category", "created_within_days"):
            if (value := getattr(self, name)) is not None:
                data[name] = value
        if self.tag:
            data["tag"] = list(self.tag)
        if self.exclude_tag:
            data["exclude_tag"] = list(self.exclude_tag)
        if self.custom:
            data["custom"] = dict(self.custom)
        return data


def parse_filters(
    raw: Mapping[str, Any], *, known_fields: Collection[str] | Mapping[str, FieldSpec]
) -> ViewFilters:
    """Validate `raw` (a saved view's filters) or raise Invalid("invalid_filter", ...).

    `known_fields` are the custom field keys a filter may use. Given a mapping of key to
    FieldSpec (the actions pass the active definitions), values are also checked against
    the field's type and stored in the field's form, so they compare the way ticket values
    were stored (a checkbox filter must be true or false, never 1).
    """
    if not isinstance(raw, Mapping):
        _fail("Filters must be an object.")
    unknown = sorted(str(k) for k in raw if k not in FILTER_KEYS)
    if unknown:
        _fail(f"Unknown filters: {', '.join(unknown)}; use {', '.join(FILTER_KEYS)}.")
    values: dict[str, Any] = {}
    for key, value in raw.items():
        if key == "custom":
            values[key] = _custom(value, known_fields)
        else:
            values[key] = _PARSERS[key](key, value)
    both = set(values.get("tag", ())) & set(values.get("exclude_tag", ()))
    if both:
        _fail(f"Tags both required and excluded: {', '.join(sorted(both))}.")
    return ViewFilters(**values)


def parse_stored_filters(raw: Any) -> ViewFilters:
    """A saved view's stored filters. They were checked against the active custom fields
    when saved; a field deactivated since then still filters on the values tickets keep."""
    custom = raw.get("custom") if isinstance(raw, Mapping) else None
    known = [k for k in custom if isinstance(k, str)] if isinstance(custom, Mapping) else []
    return parse_filters(raw, known_fields=known)


def filters_to_q(filters: ViewFilters, user: User) -> Q:
    """The condition for `filters`, as seen by `user` ("me" is the user looking)."""
    q = Q()
    if filters.status_category:
        q &= Q(status_category__in=filters.status_category)
    if filters.status:
        q &= Q(status__slug__in=filters.status)
    if filters.priority:
        q &= Q(priority__in=[PRIORITY_BY_NAME[p] for p in filters.priority])
    if filters.type:
        q &= Q(type__in=filters.type)
    if filters.channel:
        q &= Q(channel__in=filters.channel)
    if filters.team_id is not None:
        q &= Q(team_id=filters.team_id)
    if filters.assignee == "me":
        q &= Q(assignee=user)
    elif filters.assignee == "none":
        q &= Q(assignee__isnull=True)
    elif filters.assignee is not None:
        q &= Q(assignee_id=filters.assignee)
    for tag in filters.tag:
        q &= Q(Exists(_tagged(tag)))
    if filters.exclude_tag:
        q &= ~Q(Exists(_tagged(*filters.exclude_tag)))
    if filters.category is not None:
        q &= Q(category__slug=filters.category)
    for key, value in filters.custom:
        # An explicit key transform and a JSON value: `custom_fields__<key>=value` as a
        # keyword would read keys such as "contains" or "a__b" as lookups. Both SQLite and
        # PostgreSQL then compare JSON values: true never equals 1, nor "1" equal 1.
        key_value = KeyTransform(key, "custom_fields")
        q &= Q(KeyTransformExact(key_value, Value(value, output_field=JSONField())))
    if filters.created_within_days is not None:
        q &= Q(created_at__gte=clock.now() - timedelta(days=filters.created_within_days))
    return q


def parse_columns(raw: Any) -> tuple[str, ...]:
    """A non-empty subset of COLUMNS, returned in display order."""
    if not _is_list(raw) or not raw:
        raise Invalid("invalid_columns", "Choose at least one column.")
    unknown = sorted({str(c) for c in raw} - set(COLUMNS))
    if unknown:
        raise Invalid(
            "invalid_columns", f"Unknown columns: {', '.join(unknown)}; use {', '.join(COLUMNS)}."
        )
    return tuple(c for c in COLUMNS if c in raw)


def parse_sort(raw: Any) -> str:
    if raw not in SORTS:
        raise Invalid("invalid_sort", f"Unknown sort {raw!r}; use one of {', '.join(SORTS)}.")
    return str(raw)


# --- parsers of single filters -----------------------------------------------------------


def _fail(message: str) -> NoReturn:
    raise Invalid(INVALID_FILTER, message)


def _tagged(*names: str) -> QuerySet[TicketTag]:
    return TicketTag.objects.filter(ticket=OuterRef("pk"), tag__name__in=names)


def _is_list(value: Any) -> bool:
    return isinstance(value, Sequence) and not isinstance(value, str | bytes)


def _strings(name: str, value: Any) -> tuple[str, ...]:
    if not _is_list(value) or not all(isinstance(v, str) for v in value):
        _fail(f"{name}: expected a list of strings.")
    if len(value) > MAX_VALUES:
        _fail(f"{name}: at most {MAX_VALUES} values.")
    return tuple(dict.fromkeys(value))  # without duplicates, in the given order


def _one_of(allowed: Collection[str]) -> Callable[[str, Any], tuple[str, ...]]:
    def parse(name: str, value: Any) -> tuple[str, ...]:
        values = _strings(name, value)
        unknown = [v for v in values if v not in allowed]
        if unknown:
            _fail(f"{name}: unknown {', '.join(map(repr, unknown))}; use {', '.join(allowed)}.")
        return values

    return parse


def _slugs(name: str, value: Any) -> tuple[str, ...]:
    values = _strings(name, value)
    for slug in values:
        if not SLUG.match(slug):
            _fail(f"{name}: {slug!r} is not a slug.")
    return values


def _slug(name: str, value: Any) -> str:
    if not isinstance(value, str) or not SLUG.match(value):
        _fail(f"{name}: expected a slug.")
    return str(value)


def _positive_int(name: str, value: Any, maximum: int = 2**63 - 1) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value <= maximum:
        _fail(f"{name}: expected a whole number from 1 to {maximum}.")
    return int(value)


def _id(name: str, value: Any) -> int:
    return _positive_int(name, value)


def _assignee(name: str, value: Any) -> str | int:
    if value in ("me", "none"):
        return str(value)
    if isinstance(value, bool) or not isinstance(value, int):
        _fail(f'{name}: expected "me", "none" or a user id.')
    return _positive_int(name, value)


def _tags(name: str, value: Any) -> tuple[str, ...]:
    tags = []
    for tag in _strings(name, value):
        if not tag or len(tag) > MAX_TAG_LENGTH or any(c.isspace() for c in tag):
            _fail(f"{name}: {tag!r} is not a tag (1-{MAX_TAG_LENGTH} characters, no spaces).")
        tags.append(tag.lower())  # tags are stored lower-cased
    return tuple(dict.fromkeys(tags))


def _days(name: str, value: Any) -> int:
    return _positive_int(name, value, MAX_DAYS)


def _custom(
    value: Any, known: Collection[str] | Mapping[str, FieldSpec]
) -> tuple[tuple[str, CustomValue], ...]:
    if not isinstance(value, Mapping):
        _fail("custom: expected an object of field key to value.")
    if len(value) > MAX_CUSTOM:
        _fail(f"custom: at most {MAX_CUSTOM} fields.")
    parsed: dict[str, CustomValue] = {}
    for key, wanted in value.items():
        if not isinstance(key, str) or key not in known:
            _fail(f"custom: unknown custom field {key!r}.")
        if key.isdigit():  # a JSON path would read it as an array index
            _fail(f"custom: the field {key!r} cannot be filtered on (its key is a number).")
        if isinstance(wanted, float) and not math.isfinite(wanted):
            _fail(f"custom: {key}: expected a finite number.")
        if not isinstance(wanted, str | int | float | bool):
            _fail(f"custom: {key}: expected text, a number, true or false.")
        spec = known.get(key) if isinstance(known, Mapping) else None
        if isinstance(spec, FieldSpec):
            try:
                wanted = coerce_value(spec, wanted)
            except FieldValueError as exc:
                _fail(f"custom: {key}: {exc.reason}.")
        parsed[key] = wanted
    return tuple(sorted(parsed.items()))


_PARSERS: dict[str, Callable[[str, Any], Any]] = {
    "status_category": _one_of(StatusCategory.values),
    "status": _slugs,
    "priority": _one_of(list(PRIORITY_BY_NAME)),
    "type": _one_of(TicketType.values),
    "channel": _one_of(Channel.values),
    "team_id": _id,
    "assignee": _assignee,
    "tag": _tags,
    "exclude_tag": _tags,
    "category": _slug,
    "created_within_days": _days,
}
FILTER_KEYS = (*_PARSERS, "custom")
