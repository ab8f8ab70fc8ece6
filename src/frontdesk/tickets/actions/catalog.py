"""Admin-defined vocabularies: statuses, categories and custom fields."""

from collections.abc import Callable, Sequence

from django.db import IntegrityError, transaction
from django.utils.text import slugify

from frontdesk.accounts.access import require_admin
from frontdesk.accounts.models import User
from frontdesk.core.errors import Conflict, Invalid
from frontdesk.tickets.choices import FieldType, StatusCategory
from frontdesk.tickets.models import Category, CustomFieldDefinition, Status


def create_status(*, actor: User | None, name: str, category: str, position: int = 0) -> Status:
    if actor is not None:
        require_admin(actor)
    if category not in StatusCategory.values:
        raise Invalid("unknown_category", f"Unknown status category {category!r}.")
    return _unique(
        lambda: Status.objects.create(
            name=name, slug=slugify(name)[:100], category=category, position=position
        ),
        "status_exists",
    )


def create_category(*, actor: User | None, name: str) -> Category:
    if actor is not None:
        require_admin(actor)
    return _unique(
        lambda: Category.objects.create(name=name, slug=slugify(name)[:100]), "category_exists"
    )


def create_custom_field(
    *,
    actor: User | None,
    key: str,
    label: str,
    field_type: str,
    choices: Sequence[str] = (),
    required: bool = False,
) -> CustomFieldDefinition:
    if actor is not None:
        require_admin(actor)
    if field_type not in FieldType.values:
        raise Invalid("unknown_field_type", f"Unknown field type {field_type!r}.")
    if (field_type == FieldType.CHOICE) != bool(choices):
        raise Invalid("invalid_choices", "Choice fields, and only they, need choices.")
    if slugify(key) != key:
        raise Invalid("invalid_key", "Keys are lower-case letters, digits, - and _.")
    return _unique(
        lambda: CustomFieldDefinition.objects.create(
            key=key, label=label, field_type=field_type, choices=list(choices), required=required
        ),
        "custom_field_exists",
    )


def _unique[T](create: Callable[[], T], code: str) -> T:
    try:
        with transaction.atomic():
            return create()
    except IntegrityError as exc:
        raise Conflict(code, "That name is already taken.") from exc
