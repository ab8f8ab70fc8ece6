"""Forms of the trigger and time rule pages: a rule with its condition and actions as JSON,
and the dry run's ticket and event. The actions decide what is allowed; their refusals are
put back next to the field they are about."""

import json
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from frontdesk.automation.conditions import ACTOR_ROLES, EVENT_KINDS
from frontdesk.core.errors import DomainError
from frontdesk.triggers.actions.rules import MAX_NAME
from frontdesk.triggers.errors import TriggerErrorCode
from frontdesk.triggers.models import TimeRule, Trigger

TRIGGER_CONDITION_EXAMPLE = (
    '{"all": [\n'
    '  {"field": "event.kind", "op": "equals", "value": "customer_replied"},\n'
    '  {"field": "organization_tier", "op": "equals", "value": "enterprise"},\n'
    '  {"field": "body", "op": "includes_any", "value": ["urgent", "asap"]}\n'
    "]}"
)
TIME_CONDITION_EXAMPLE = (
    '{"all": [\n'
    '  {"field": "status_category", "op": "equals", "value": "pending"},\n'
    '  {"field": "hours_since.status_changed", "op": "gte", "value": 120}\n'
    "]}"
)
ACTIONS_EXAMPLE = (
    "[\n"
    '  {"type": "set_field", "field": "priority", "value": "urgent"},\n'
    '  {"type": "add_tags", "tags": ["escalated"]},\n'
    '  {"type": "add_note", "text": "Escalated: an enterprise customer asked urgently."},\n'
    '  {"type": "send_email", "to": "supervisors", "template": "vip_escalation"}\n'
    "]"
)
MAX_JSON = 20_000
TRIGGER_EVENTS = tuple(kind for kind in EVENT_KINDS if kind != "time")


def json_text(label: Any, help_text: Any, rows: int) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        max_length=MAX_JSON,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows, "spellcheck": "false", "class": "code"}),
    )


def parse_json(text: str, empty: Any, shape: type, wrong_shape: str) -> Any:
    """The JSON in `text` (`empty` when blank), or a form error saying what is wrong."""
    text = text.strip()
    if not text:
        return empty
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise forms.ValidationError(
            _("This is not valid JSON: %(error)s"), params={"error": exc}
        ) from exc
    if not isinstance(value, shape):
        raise forms.ValidationError(wrong_shape)
    return value


class TimeRuleForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=MAX_NAME)
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)
    condition = json_text(
        _("When a ticket matches (JSON)"),
        _(
            "It must bound the time: an hours_since.<event> condition with gt or gte that "
            "must hold. The language is described in docs/automation.md."
        ),
        rows=8,
    )
    actions = json_text(
        _("Then (JSON)"),
        _(
            "set_field, add_tags, remove_tags, set_custom_field, add_follower, assign, "
            "add_note, send_email, webhook, apply_macro."
        ),
        rows=8,
    )

    @classmethod
    def initial_for(cls, rule: Trigger | TimeRule | None) -> dict[str, Any]:
        if rule is None:
            return {"is_active": True}
        return {
            "name": rule.name,
            "is_active": rule.is_active,
            "condition": json.dumps(rule.condition, indent=2, ensure_ascii=False),
            "actions": json.dumps(rule.actions, indent=2, ensure_ascii=False),
        }

    def clean_condition(self) -> dict[str, Any]:
        shape = str(_("A condition is a JSON object: {…}."))
        return dict(parse_json(self.cleaned_data["condition"], {}, dict, shape))

    def clean_actions(self) -> list[Any]:
        shape = str(_("Actions are a JSON list: […]."))
        return list(parse_json(self.cleaned_data["actions"], [], list, shape))

    def put_error(self, exc: DomainError) -> None:
        """An action's refusal next to the field it is about, else above the form."""
        field = None
        if exc.code == TriggerErrorCode.INVALID_RULE and isinstance(exc.details, dict):
            field = exc.details.get("part")
        elif exc.code in (TriggerErrorCode.INVALID_NAME, TriggerErrorCode.DUPLICATE_NAME):
            field = "name"
        self.add_error(field if field in self.fields else None, exc.message)

    def make_read_only(self) -> None:
        """Supervisors see the rule as the admins' form shows it, but cannot change it."""
        for field in self.fields.values():
            field.disabled = True


class TriggerForm(TimeRuleForm):
    stop_processing = forms.BooleanField(
        label=_("Stop here"),
        required=False,
        help_text=_("When this trigger fires, no later trigger runs for the event."),
    )
    condition = json_text(
        _("When an event leaves the ticket matching (JSON)"),
        _("Empty: every event. The language is described in docs/automation.md."),
        rows=8,
    )
    field_order = ("name", "is_active", "stop_processing", "condition", "actions")

    @classmethod
    def initial_for(cls, rule: Trigger | TimeRule | None) -> dict[str, Any]:
        initial = super().initial_for(rule)
        if isinstance(rule, Trigger):
            initial["stop_processing"] = rule.stop_processing
        return initial


class DryRunForm(forms.Form):
    """A real ticket and what happens to it, to try the rules on. Changes nothing."""

    prefix = "test"

    number = forms.IntegerField(label=_("Ticket number"), min_value=1)
    event = forms.ChoiceField(
        label=_("Event"),
        choices=[(kind, kind) for kind in TRIGGER_EVENTS],
        initial="updated",
    )
    actor_role = forms.ChoiceField(
        label=_("Done by"), choices=[(role, role) for role in ACTOR_ROLES], initial="agent"
    )
    body = forms.CharField(
        label=_("Message (body)"),
        required=False,
        max_length=100_000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Empty: the ticket's newest message."),
    )

    def __init__(self, *args: Any, time: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if time:  # time rules: the clock ticking, done by nobody
            del self.fields["event"], self.fields["actor_role"], self.fields["body"]
