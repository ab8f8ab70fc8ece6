"""The macro form of the macros page: name, text, who it is shared with, and its field
changes as ordinary fields (turned into the rule language's actions for `save_macro`).

The actions decide what is allowed (who may share with whom, which placeholders exist);
their refusals are put back next to the field they are about.
"""

import re
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from frontdesk.accounts.access import is_admin
from frontdesk.accounts.choices import Role
from frontdesk.accounts.models import Team, User
from frontdesk.core.errors import DomainError
from frontdesk.macros.actions import MAX_BODY, MAX_NAME
from frontdesk.macros.choices import Visibility
from frontdesk.macros.errors import MacroErrorCode
from frontdesk.macros.models import Macro
from frontdesk.tickets.choices import StatusCategory, TicketType
from frontdesk.tickets.forms import PRIORITY_CHOICES, agent_choices
from frontdesk.tickets.models import Category, Status

# A value no slug or id can take: "clear this field" (team, category, assignee).
CLEAR = ":clear"
CHANGE_FIELDS = ("status", "priority", "type", "team", "category", "assignee")
_TAG_SPLIT = re.compile(r"[\s,]+")


def _choice(label: Any) -> forms.ChoiceField:
    return forms.ChoiceField(label=label, required=False)


class MacroForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=MAX_NAME)
    body = forms.CharField(
        label=_("Reply text (Markdown)"),
        required=False,
        max_length=MAX_BODY,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Placeholders such as {{requester.first_name}} are filled in for the ticket."),
    )
    visibility = forms.ChoiceField(
        label=_("Who may use it"), widget=forms.RadioSelect, choices=Visibility.choices
    )
    share_team = forms.ChoiceField(label=_("Team to share with"), required=False)
    is_active = forms.BooleanField(
        label=_("Active (offered in the composer)"), required=False, initial=True
    )
    set_status = _choice(_("Status"))
    set_priority = _choice(_("Priority"))
    set_type = _choice(_("Type"))
    set_team = _choice(_("Team"))
    set_category = _choice(_("Category"))
    set_assignee = _choice(_("Assignee"))
    add_tags = forms.CharField(
        label=_("Add tags"),
        required=False,
        max_length=1000,
        help_text=_("Separated by commas or spaces."),
    )
    remove_tags = forms.CharField(label=_("Remove tags"), required=False, max_length=1000)

    def __init__(self, *args: Any, user: User, macro: Macro | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        unchanged = [("", _("unchanged"))]
        clear = [(CLEAR, _("— clear —"))]
        teams = list(Team.objects.order_by("name").values_list("pk", "slug", "name"))
        statuses = Status.objects.exclude(category=StatusCategory.NEW).order_by("position", "pk")
        self._set("visibility", self._visibilities(user, macro))
        self._set("share_team", [("", "—"), *((str(pk), name) for pk, _s, name in teams)])
        self._set("set_status", unchanged + [(s.slug, s.name) for s in statuses])
        self._set("set_priority", unchanged + PRIORITY_CHOICES)
        self._set("set_type", unchanged + list(TicketType.choices))
        self._set("set_team", unchanged + clear + [(slug, name) for _p, slug, name in teams])
        categories = Category.objects.order_by("name").values_list("slug", "name")
        self._set("set_category", unchanged + clear + list(categories))
        self._set("set_assignee", unchanged + clear + agent_choices())

    def _set(self, name: str, choices: list[Any]) -> None:
        field = self.fields[name]
        assert isinstance(field, forms.ChoiceField)
        field.choices = choices

    @staticmethod
    def _visibilities(user: User, macro: Macro | None) -> list[tuple[str, Any]]:
        """The sharing the user may choose (the action checks again), and the macro's own."""
        allowed = {Visibility.PERSONAL}
        if is_admin(user):
            allowed |= {Visibility.TEAM, Visibility.EVERYONE}
        elif user.role == Role.SUPERVISOR:
            allowed.add(Visibility.TEAM)
        if macro is not None:
            allowed.add(Visibility(macro.visibility))
        return [(value, label) for value, label in Visibility.choices if value in allowed]

    @staticmethod
    def initial_for(macro: Macro | None) -> dict[str, Any]:
        if macro is None:
            return {"is_active": True, "visibility": Visibility.PERSONAL}
        data: dict[str, Any] = {
            "name": macro.name,
            "body": macro.body,
            "visibility": macro.visibility,
            "share_team": str(macro.team_id or ""),
            "is_active": macro.is_active,
        }
        for action in macro.actions if isinstance(macro.actions, list) else []:
            match action:
                case {"type": "set_field", "field": str(name), "value": value}:
                    data[f"set_{name}"] = CLEAR if value is None else str(value)
                case {"type": "add_tags", "tags": list(tags)}:
                    data["add_tags"] = " ".join(tags)
                case {"type": "remove_tags", "tags": list(tags)}:
                    data["remove_tags"] = " ".join(tags)
        return data

    def macro_actions(self) -> list[dict[str, Any]]:
        """The field changes in the rule language, for `save_macro` to check."""
        data = self.cleaned_data
        actions: list[dict[str, Any]] = []
        self._action_fields: list[str] = []  # the form field behind each action
        for name in CHANGE_FIELDS:
            chosen = data.get(f"set_{name}") or ""
            if not chosen:
                continue
            value: Any = None if chosen == CLEAR else chosen
            if name == "assignee" and value is not None:
                value = int(value)
            actions.append({"type": "set_field", "field": name, "value": value})
            self._action_fields.append(f"set_{name}")
        for kind in ("add_tags", "remove_tags"):
            tags = [t for t in _TAG_SPLIT.split(data.get(kind) or "") if t]
            if tags:
                actions.append({"type": kind, "tags": tags})
                self._action_fields.append(kind)
        return actions

    def save_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        team = data.get("share_team") or ""
        return {
            "name": data["name"],
            "body": data["body"],
            "actions": self.macro_actions(),
            "visibility": data["visibility"],
            "team_id": int(team) if team else None,
            "is_active": data["is_active"],
        }

    def put_error(self, exc: DomainError) -> None:
        """An action's refusal next to the field it is about, else above the form."""
        fields: dict[str, str] = {
            MacroErrorCode.INVALID_NAME: "name",
            MacroErrorCode.INVALID_BODY: "body",
            MacroErrorCode.EMPTY_MACRO: "body",
            MacroErrorCode.NOT_ALLOWED: "visibility",
            MacroErrorCode.INVALID_VISIBILITY: "visibility",
        }
        field = fields.get(exc.code)
        if exc.code == MacroErrorCode.INVALID_VISIBILITY and self.data.get("visibility") == "team":
            field = "share_team"
        if exc.code == MacroErrorCode.INVALID_ACTIONS and isinstance(exc.details, dict):
            found = re.match(r"actions\[(\d+)\]", str(exc.details.get("path", "")))
            index = int(found.group(1)) if found else -1
            behind = getattr(self, "_action_fields", [])
            field = behind[index] if 0 <= index < len(behind) else None
        self.add_error(field, exc.message)


def make_read_only(form: forms.Form) -> None:
    for field in form.fields.values():
        field.disabled = True
