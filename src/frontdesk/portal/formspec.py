"""Request forms' field lists: parsing, conditional visibility, posted values (pure)."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from frontdesk.tickets.choices import FieldType
from frontdesk.tickets.fields import FieldSpec, FieldValueError, coerce_value


class FormSpecError(ValueError):
    def __init__(self, index: int, reason: str) -> None:
        super().__init__(f"fields[{index}]: {reason}")
        self.index = index
        self.reason = reason


@dataclass(frozen=True)
class Condition:
    field: str
    equals: Any


@dataclass(frozen=True)
class FormField:
    key: str
    label: str
    field_type: str
    choices: tuple[str, ...]
    required: bool
    help_text: str
    show_if: Condition | None

    def spec(self) -> FieldSpec:
        return FieldSpec(self.key, self.field_type, self.choices, self.required)


@dataclass(frozen=True)
class Definition:
    """What the portal needs to know of a tickets.CustomFieldDefinition."""

    key: str
    label: str
    field_type: str
    choices: tuple[str, ...] = ()


def parse_fields(raw: Any, definitions: Mapping[str, Definition]) -> list[FormField]:
    """The form's fields from its stored JSON; FormSpecError on anything malformed."""
    if not isinstance(raw, list):
        raise FormSpecError(0, "expected a list of fields")
    fields: list[FormField] = []
    seen: dict[str, FormField] = {}
    for index, item in enumerate(raw):
        if not isinstance(item, dict):
            raise FormSpecError(index, "expected an object")
        unknown = set(item) - {"key", "required", "help_text", "show_if"}
        if unknown:
            raise FormSpecError(index, f"unknown keys {sorted(unknown)}")
        key = item.get("key")
        definition = definitions.get(key) if isinstance(key, str) else None
        if definition is None:
            raise FormSpecError(index, f"no active custom field {key!r}")
        if key in seen:
            raise FormSpecError(index, f"{key!r} is listed twice")
        required = item.get("required", False)
        help_text = item.get("help_text", "")
        if not isinstance(required, bool) or not isinstance(help_text, str):
            raise FormSpecError(index, "required is true/false and help_text is text")
        condition = _condition(index, item.get("show_if"), seen)
        field = FormField(
            key=definition.key,
            label=definition.label,
            field_type=definition.field_type,
            choices=definition.choices,
            required=required,
            help_text=help_text[:500],
            show_if=condition,
        )
        seen[field.key] = field
        fields.append(field)
    return fields


def _condition(index: int, raw: Any, earlier: Mapping[str, FormField]) -> Condition | None:
    if raw is None:
        return None
    if not isinstance(raw, dict) or set(raw) != {"field", "equals"}:
        raise FormSpecError(index, 'show_if is {"field": key, "equals": value}')
    target = earlier.get(raw["field"])
    if target is None:
        raise FormSpecError(index, "show_if must name a field listed before this one")
    try:
        value = coerce_value(target.spec(), raw["equals"])
    except FieldValueError as exc:
        raise FormSpecError(index, f"show_if value: {exc.reason}") from exc
    return Condition(target.key, value)


def is_shown(field: FormField, values: Mapping[str, Any], fields: Sequence[FormField]) -> bool:
    """Shown when it has no condition, or its condition's field is shown and has the value."""
    if field.show_if is None:
        return True
    by_key = {f.key: f for f in fields}
    target = by_key.get(field.show_if.field)
    if target is None or not is_shown(target, values, fields):
        return False
    return bool(values.get(target.key) == field.show_if.equals)


def read_posted(
    fields: Sequence[FormField], posted: Mapping[str, str]
) -> tuple[dict[str, Any], dict[str, str]]:
    """Values typed from a posted form (`cf_<key>` names), and errors by key. Fields hidden
    by their condition are dropped; required shown fields must have a value."""
    values: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for field in fields:
        raw = posted.get(f"cf_{field.key}", "")
        value: Any
        if field.field_type == FieldType.CHECKBOX:
            value = raw in ("on", "true", "1") if raw else None
        elif raw.strip() == "":
            value = None
        elif field.field_type == FieldType.NUMBER:
            try:
                number = float(raw)
            except ValueError:
                errors[field.key] = "Enter a number."
                continue
            value = int(number) if number.is_integer() else number
        else:
            value = raw.strip()
        if value is None:
            continue
        try:
            values[field.key] = coerce_value(field.spec(), value)
        except FieldValueError as exc:
            errors[field.key] = exc.reason.capitalize() + "."
    shown = {f.key for f in fields if is_shown(f, values, fields)}
    values = {k: v for k, v in values.items() if k in shown}
    for field in fields:
        if field.key in shown and field.required and field.key not in values:
            if field.field_type == FieldType.CHECKBOX:
                errors.setdefault(field.key, "Tick this box to continue.")
            else:
                errors.setdefault(field.key, "This field is required.")
    return values, {k: v for k, v in errors.items() if k in shown}
