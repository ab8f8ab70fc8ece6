"""Forms of the agent workspace. They only parse input; the actions decide what is allowed."""

from datetime import date
from typing import Any

from django import forms
from django.db.models import Q
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from frontdesk.accounts.access import is_admin
from frontdesk.accounts.models import Team, User
from frontdesk.tickets.actions.resolve import ASSIGNABLE_ROLES
from frontdesk.tickets.choices import (
    PRIORITY_BY_NAME,
    Channel,
    FieldType,
    StatusCategory,
    TicketType,
)
from frontdesk.tickets.fields import MAX_TEXT_LENGTH
from frontdesk.tickets.models import Category, CustomFieldDefinition, SavedView, Status

PRIORITY_CHOICES = [(name, _(name.capitalize())) for name in PRIORITY_BY_NAME]
LIST_SORTS = {
    "-updated_at": _("Recently updated"),
    "updated_at": _("Least recently updated"),
    "-created_at": _("Newest"),
    "created_at": _("Oldest"),
    "-priority": _("Highest priority"),
    "-number": _("Highest number"),
}
MAX_BULK = 100
WORKSPACE_CHANNELS = (Channel.PHONE, Channel.WEB, Channel.CHAT, Channel.EMAIL)


def _blank(label: str | Promise) -> list[tuple[str, Any]]:
    return [("", label)]


def _set_choices(form: forms.Form, name: str, choices: list[tuple[Any, Any]]) -> None:
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)
    field.choices = choices


def agent_choices() -> list[tuple[str, str]]:
    agents = User.objects.filter(is_active=True, role__in=ASSIGNABLE_ROLES).order_by("name")
    return [(str(a.pk), str(a)) for a in agents]


def team_choices() -> list[tuple[str, str]]:
    return [(str(t.pk), t.name) for t in Team.objects.order_by("name")]


class ListFilterForm(forms.Form):
    """Filters of a ticket list; every field optional, unknown values simply ignored."""

    priority = forms.ChoiceField(required=False)
    team = forms.ChoiceField(required=False)
    assignee = forms.ChoiceField(required=False)
    tag = forms.CharField(required=False, max_length=64)
    sort = forms.ChoiceField(required=False, choices=list(LIST_SORTS.items()))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_choices(self, "priority", _blank(_("Any priority")) + PRIORITY_CHOICES)
        _set_choices(self, "team", _blank(_("Any team")) + team_choices())
        _set_choices(
            self,
            "assignee",
            [*_blank(_("Anyone")), ("me", _("Me")), ("none", _("Nobody")), *agent_choices()],
        )


class TicketFieldsForm(forms.Form):
    """The ticket page's field sidebar. `version` is what the agent saw (optimistic lock)."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    status = forms.ChoiceField()
    priority = forms.ChoiceField(choices=PRIORITY_CHOICES)
    type = forms.ChoiceField(choices=TicketType.choices)
    category = forms.ChoiceField(required=False)
    team = forms.ChoiceField(required=False)
    assignee = forms.ChoiceField(required=False)
    tags = forms.CharField(
        required=False, max_length=2000, help_text=_("Separate tags with commas or spaces.")
    )

    def __init__(
        self, *args: Any, agents: list[tuple[str, str]] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        # "New" stays listed so a new ticket's form is valid as shown; moving back to it
        # is refused by update_ticket.
        statuses = Status.objects.order_by("position", "pk")
        _set_choices(self, "status", [(s.slug, s.name) for s in statuses])
        categories = [(c.slug, c.name) for c in Category.objects.order_by("name")]
        _set_choices(self, "category", _blank("—") + categories)
        _set_choices(self, "team", _blank("—") + team_choices())
        _set_choices(self, "assignee", _blank(_("Unassigned")) + (agents or agent_choices()))
        self.custom_keys: list[str] = []
        for definition in CustomFieldDefinition.objects.filter(is_active=True).order_by("label"):
            self.fields[CUSTOM_PREFIX + definition.key] = custom_form_field(definition)
            self.custom_keys.append(definition.key)

    def changes(self, initial: dict[str, Any]) -> dict[str, Any]:
        """The fields that differ from what the page showed, as update_ticket expects them."""
        changed = self._builtin_changes(initial)
        custom = self._custom_changes(initial.get("custom_fields", {}))
        if custom:
            changed["custom_fields"] = custom
        return changed

    def _custom_changes(self, current: dict[str, Any]) -> dict[str, Any]:
        """Changed custom fields; an emptied one is None (cleared)."""
        changed: dict[str, Any] = {}
        for key in self.custom_keys:
            value = stored_custom_value(self.cleaned_data[CUSTOM_PREFIX + key])
            if value != current.get(key, False if value is False else None):
                changed[key] = value
        return changed

    def _builtin_changes(self, initial: dict[str, Any]) -> dict[str, Any]:
        data, changed = self.cleaned_data, {}
        for field in ("status", "priority", "type"):
            if data[field] != initial[field]:
                changed[field] = data[field]
        for field, key in (
            ("category", "category"),
            ("team", "team_id"),
            ("assignee", "assignee_id"),
        ):
            value = data[field] or None
            if value != (initial[field] or None):
                changed[key] = int(value) if value and key.endswith("_id") else value
        tags = sorted(set(split_tags(data["tags"])))
        if tags != sorted(initial["tags"]):
            changed["tags"] = tags
        return changed


CUSTOM_PREFIX = "cf_"


def custom_form_field(definition: CustomFieldDefinition) -> forms.Field:
    """A form field for an admin-defined custom field; the action validates the value."""
    common: dict[str, Any] = {"label": definition.label, "required": False}
    match definition.field_type:
        case FieldType.NUMBER:
            return forms.FloatField(**common)
        case FieldType.DATE:
            return forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), **common)
        case FieldType.CHOICE:
            choices = [("", "—"), *((c, c) for c in definition.choices)]
            return forms.ChoiceField(choices=choices, **common)
        case FieldType.CHECKBOX:
            return forms.BooleanField(**common)
    return forms.CharField(max_length=MAX_TEXT_LENGTH, **common)


def stored_custom_value(value: Any) -> Any:
    """What a custom field stores for a form value: None for empty, ISO text for a date,
    an int for a whole number."""
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def split_tags(value: str) -> list[str]:
    return [t for t in value.replace(",", " ").split() if t]


class BulkForm(forms.Form):
    """One change applied to many tickets from a list."""

    numbers = forms.TypedMultipleChoiceField(coerce=int, choices=[])
    status = forms.ChoiceField(required=False)
    priority = forms.ChoiceField(required=False)
    team = forms.ChoiceField(required=False)
    assignee = forms.ChoiceField(required=False)
    add_tags = forms.CharField(required=False, max_length=500)
    merge_into = forms.IntegerField(required=False, min_value=1)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        numbers = self.data.getlist("numbers") if hasattr(self.data, "getlist") else []
        _set_choices(self, "numbers", [(n, n) for n in numbers[:MAX_BULK]])
        statuses = Status.objects.exclude(category=StatusCategory.NEW).order_by("position", "pk")
        _set_choices(self, "status", _blank(_("Status…")) + [(s.slug, s.name) for s in statuses])
        _set_choices(self, "priority", _blank(_("Priority…")) + PRIORITY_CHOICES)
        _set_choices(self, "team", _blank(_("Team…")) + team_choices())
        _set_choices(
            self,
            "assignee",
            [*_blank(_("Assignee…")), ("none", _("Unassigned")), *agent_choices()],
        )

    def changes(self) -> dict[str, Any]:
        data, changed = self.cleaned_data, {}
        for field in ("status", "priority"):
            if data[field]:
                changed[field] = data[field]
        if data["team"]:
            changed["team_id"] = int(data["team"])
        if data["assignee"]:
            changed["assignee_id"] = None if data["assignee"] == "none" else int(data["assignee"])
        return changed


class NewTicketForm(forms.Form):
    """A ticket raised by an agent on a customer's behalf (phone call, walk-in, chat)."""

    requester_email = forms.EmailField(
        label=_("Customer email"),
        max_length=254,
        help_text=_("Type to find a customer; a new address creates one."),
        widget=forms.EmailInput(
            attrs={
                "list": "customer-suggestions",
                "autocomplete": "off",
                "hx-get": "/desk/customers/suggest/",
                "hx-trigger": "input changed delay:250ms",
                "hx-target": "#customer-suggestions",
            }
        ),
    )
    requester_name = forms.CharField(
        label=_("Customer name"),
        required=False,
        max_length=200,
        help_text=_("Only needed for a new customer; a contact is created for a new address."),
    )
    channel = forms.ChoiceField(
        label=_("Received by"),
        choices=[(c.value, c.label) for c in WORKSPACE_CHANNELS],
        initial=Channel.PHONE,
    )
    subject = forms.CharField(label=_("Subject"), max_length=500)
    body = forms.CharField(label=_("Description"), widget=forms.Textarea, max_length=100_000)
    priority = forms.ChoiceField(label=_("Priority"), choices=PRIORITY_CHOICES, initial="normal")
    type = forms.ChoiceField(label=_("Type"), choices=TicketType.choices, initial="question")
    team = forms.ChoiceField(label=_("Team"), required=False)
    assignee = forms.ChoiceField(label=_("Assignee"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_choices(self, "team", _blank("—") + team_choices())
        _set_choices(self, "assignee", _blank(_("Unassigned")) + agent_choices())


# --- saved views ---------------------------------------------------------------------------

COLUMN_LABELS = {
    "number": _("Number"),
    "subject": _("Subject"),
    "requester": _("Requester"),
    "status": _("Status"),
    "priority": _("Priority"),
    "type": _("Type"),
    "team": _("Team"),
    "assignee": _("Assignee"),
    "due": _("Due"),
    "category": _("Category"),
    "created": _("Created"),
    "updated": _("Updated"),
    "tags": _("Tags"),
}
# Columns hidden first on narrow screens.
OPTIONAL_COLUMNS = frozenset(COLUMN_LABELS) - {"number", "subject", "status"}


def sharing_choices(
    user: User, *, personal: bool = True, current: Team | None = None
) -> list[tuple[str, Any]]:
    """Personal ("Only me"), then the teams `user` may share a view with (admins: every
    team) and the team a view is shared with now, so keeping it is always possible."""
    teams = Team.objects.order_by("name")
    if not is_admin(user):
        allowed = Q(members=user)
        if current is not None:
            allowed |= Q(pk=current.pk)
        teams = teams.filter(allowed)
    mine = [("", _("Only me (personal)"))] if personal else []
    return mine + [(str(t.pk), t.name) for t in teams.distinct()]


class SaveViewForm(forms.Form):
    """The list page's "Save as view"; the list's filters come with it as hidden fields."""

    queue = forms.SlugField(widget=forms.HiddenInput)
    name = forms.CharField(label=_("View name"), max_length=100)
    share_team = forms.ChoiceField(label=_("Share with"), required=False)

    def __init__(self, user: User, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "save-view-%s")
        super().__init__(*args, **kwargs)
        _set_choices(self, "share_team", sharing_choices(user))

    def team_id(self) -> int | None:
        value = self.cleaned_data["share_team"]
        return int(value) if value else None


class EditSavedViewForm(forms.Form):
    """A saved view's name, columns, sort and sharing (its filters are kept as saved)."""

    name = forms.CharField(label=_("View name"), max_length=100)
    columns = forms.MultipleChoiceField(
        label=_("Columns"),
        choices=list(COLUMN_LABELS.items()),
        widget=forms.CheckboxSelectMultiple,
    )
    sort = forms.ChoiceField(label=_("Sort by"), choices=list(LIST_SORTS.items()))
    share_team = forms.ChoiceField(label=_("Share with"), required=False)

    def __init__(self, user: User, view: SavedView, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Only its owner makes a shared view personal (update_saved_view refuses others).
        owner = view.owner_id == user.pk
        _set_choices(self, "share_team", sharing_choices(user, personal=owner, current=view.team))

    def team_id(self) -> int | None:
        value = self.cleaned_data["share_team"]
        return int(value) if value else None
