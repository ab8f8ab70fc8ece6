"""Forms of the routing rule pages: a rule with its condition and actions as JSON, and a
sample ticket for the dry run. The actions decide what is allowed; their refusals are put
back next to the field they are about."""

import json
from datetime import datetime
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from frontdesk.accounts.choices import Availability
from frontdesk.accounts.models import AgentProfile, Team
from frontdesk.automation.conditions import CHANNELS, PRIORITY_RANKS, TICKET_TYPES
from frontdesk.core.errors import DomainError
from frontdesk.routing.actions.assignment import MAX_REASSIGN_DELAY_MINUTES
from frontdesk.routing.actions.profiles import MAX_CAPACITY
from frontdesk.routing.choices import AssignmentStrategy
from frontdesk.routing.errors import RoutingErrorCode
from frontdesk.routing.models import RoutingRule, TeamAssignment
from frontdesk.routing.queries import SampleTicket
from frontdesk.tickets.models import Category

CONDITION_EXAMPLE = (
    '{"all": [\n'
    '  {"field": "subject", "op": "includes_any", "value": ["invoice", "refund"]},\n'
    '  {"field": "organization_tier", "op": "equals", "value": "enterprise"}\n'
    "]}"
)
ACTIONS_EXAMPLE = (
    "[\n"
    '  {"type": "set_field", "field": "team", "value": "billing"},\n'
    '  {"type": "set_field", "field": "priority", "value": "high"},\n'
    '  {"type": "add_tags", "tags": ["vip"]}\n'
    "]"
)
MAX_JSON = 20_000


def _json_field(label: Any, help_text: Any, rows: int) -> forms.CharField:
    # label and help_text: text or lazily translated text
    return forms.CharField(
        label=label,
        required=False,
        max_length=MAX_JSON,
        widget=forms.Textarea(attrs={"rows": rows, "spellcheck": "false", "class": "code"}),
        help_text=help_text,
    )


def _parse_json(text: str, empty: Any, kind: type, what: str) -> Any:
    text = text.strip()
    if not text:
        return empty
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise forms.ValidationError(
            _("This is not valid JSON: %(error)s"), params={"error": exc}
        ) from exc
    if not isinstance(value, kind):
        raise forms.ValidationError(what)
    return value


class RuleForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)
    stop_processing = forms.BooleanField(
        label=_("Stop here"),
        required=False,
        help_text=_("When this rule fires, no later rule runs."),
    )
    condition = _json_field(
        _("When a new ticket matches (JSON)"),
        _("Empty: every ticket. The language is described in docs/routing.md."),
        rows=8,
    )
    actions = _json_field(
        _("Then (JSON)"),
        _("set_field (team, category, priority, type), add_tags, remove_tags, set_custom_field."),
        rows=6,
    )

    @staticmethod
    def initial_for(rule: RoutingRule | None) -> dict[str, Any]:
        if rule is None:
            return {"is_active": True}
        return {
            "name": rule.name,
            "is_active": rule.is_active,
            "stop_processing": rule.stop_processing,
            "condition": json.dumps(rule.condition, indent=2, ensure_ascii=False),
            "actions": json.dumps(rule.actions, indent=2, ensure_ascii=False),
        }

    def clean_condition(self) -> dict[str, Any]:
        what = _("A condition is a JSON object: {…}.")
        return dict(_parse_json(self.cleaned_data["condition"], {}, dict, str(what)))

    def clean_actions(self) -> list[Any]:
        what = _("Actions are a JSON list: […].")
        return list(_parse_json(self.cleaned_data["actions"], [], list, str(what)))

    def put_error(self, exc: DomainError) -> None:
        """An action's refusal next to the field it is about, else above the form."""
        field = None
        if exc.code == RoutingErrorCode.INVALID_RULE and isinstance(exc.details, dict):
            field = exc.details.get("part")
        elif exc.code in (RoutingErrorCode.INVALID_NAME, RoutingErrorCode.DUPLICATE_NAME):
            field = "name"
        self.add_error(field if field in self.fields else None, exc.message)


class SampleForm(forms.Form):
    """A made-up new ticket to try rules on. Team, category, a priority other than normal,
    a type other than question, tags and custom fields count as set by the creator."""

    prefix = "sample"

    subject = forms.CharField(label=_("Subject"), max_length=500, required=False)
    body = forms.CharField(
        label=_("Description"),
        max_length=100_000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    channel = forms.ChoiceField(label=_("Channel"), choices=[(c, c) for c in CHANNELS])
    priority = forms.ChoiceField(
        label=_("Priority"), choices=[(p, p) for p in PRIORITY_RANKS], initial="normal"
    )
    type = forms.ChoiceField(
        label=_("Type"), choices=[(t, t) for t in TICKET_TYPES], initial="question"
    )
    requester_email = forms.EmailField(
        label=_("Requester email"), max_length=254, initial="customer@example.com"
    )
    organization = forms.CharField(label=_("Organisation"), max_length=200, required=False)
    organization_tier = forms.CharField(label=_("Organisation tier"), max_length=50, required=False)
    tags = forms.CharField(
        label=_("Tags"), max_length=1_000, required=False, help_text=_("Separated by commas.")
    )
    team = forms.ChoiceField(label=_("Team chosen by the creator"), required=False)
    category = forms.ChoiceField(label=_("Category chosen by the creator"), required=False)
    custom_fields = _json_field(_("Custom fields (JSON)"), _('E.g. {"plan": "gold"}.'), rows=2)
    at = forms.DateTimeField(
        label=_("Arriving at"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        help_text=_("For time-of-day and weekday conditions; empty: now."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        team, category = self.fields["team"], self.fields["category"]
        assert isinstance(team, forms.ChoiceField)
        assert isinstance(category, forms.ChoiceField)
        team.choices = [("", "—"), *Team.objects.order_by("name").values_list("slug", "name")]
        category.choices = [
            ("", "—"),
            *Category.objects.order_by("name").values_list("slug", "name"),
        ]

    def clean_custom_fields(self) -> dict[str, Any]:
        what = _("Custom fields are a JSON object: {…}.")
        return dict(_parse_json(self.cleaned_data["custom_fields"], {}, dict, str(what)))

    def sample(self) -> SampleTicket:
        data = self.cleaned_data
        tags = tuple(t.strip() for t in data["tags"].split(",") if t.strip())
        return SampleTicket(
            subject=data["subject"],
            body=data["body"],
            channel=data["channel"],
            type=data["type"],
            priority=data["priority"],
            requester_email=data["requester_email"],
            organization=data["organization"] or None,
            organization_tier=data["organization_tier"] or None,
            tags=tags,
            custom_fields=data["custom_fields"],
            team=data["team"] or None,
            category=data["category"] or None,
        )

    def arrival(self, default: datetime) -> datetime:
        at: datetime | None = self.cleaned_data.get("at")
        return default if at is None else timezone.localtime(at)


def make_read_only(form: forms.Form) -> None:
    """Supervisors see the rule as the admins' form shows it, but cannot change it."""
    for field in form.fields.values():
        field.disabled = True


# --- the assignment settings page ---------------------------------------------------------


class TeamSettingsForm(forms.Form):
    """One team's row: strategy, reassignment of offline agents' tickets, next tier."""

    strategy = forms.ChoiceField(label=_("Strategy"), choices=AssignmentStrategy.choices)
    reassign_offline_after_minutes = forms.IntegerField(
        label=_("Reassign an offline agent's tickets after (minutes)"),
        required=False,
        min_value=1,
        max_value=MAX_REASSIGN_DELAY_MINUTES,
        help_text=_("Empty: never."),
    )
    escalates_to = forms.TypedChoiceField(
        label=_("Escalates to (next tier)"),
        required=False,
        coerce=int,
        empty_value=None,
    )

    def __init__(self, *args: Any, team: Team, teams: list[Team], **kwargs: Any) -> None:
        kwargs.setdefault("prefix", f"team-{team.pk}")
        super().__init__(*args, **kwargs)
        self.team = team
        field = self.fields["escalates_to"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", _("— none: top tier")), *((t.pk, t.name) for t in teams if t != team)]

    @staticmethod
    def initial_for(settings: TeamAssignment | None) -> dict[str, Any]:
        if settings is None:
            return {"strategy": AssignmentStrategy.MANUAL}
        return {
            "strategy": settings.strategy,
            "reassign_offline_after_minutes": settings.reassign_offline_after_minutes,
            "escalates_to": settings.escalates_to_id or "",
        }

    def put_error(self, exc: DomainError) -> None:
        fields = {
            RoutingErrorCode.TIER_CYCLE: "escalates_to",
            RoutingErrorCode.UNKNOWN_TEAM: "escalates_to",
            RoutingErrorCode.UNKNOWN_STRATEGY: "strategy",
            RoutingErrorCode.INVALID_REASSIGN_DELAY: "reassign_offline_after_minutes",
        }
        self.add_error(fields.get(exc.code), exc.message)  # type: ignore[call-overload]


class AgentSettingsForm(forms.Form):
    """One agent's row: capacity, skills, working hours."""

    capacity = forms.IntegerField(
        label=_("Capacity (active tickets)"),
        required=False,
        min_value=0,
        max_value=MAX_CAPACITY,
        help_text=_("Empty: no cap."),
    )
    skills = forms.CharField(
        label=_("Skills"),
        required=False,
        max_length=2_000,
        help_text=_("Separated by commas; tickets tagged skill:<name> need them."),
    )
    working_calendar = forms.TypedChoiceField(
        label=_("Working hours"), required=False, coerce=int, empty_value=None
    )

    def __init__(
        self, *args: Any, profile: AgentProfile, calendars: list[tuple[int, str]], **kwargs: Any
    ) -> None:
        kwargs.setdefault("prefix", f"agent-{profile.user_id}")
        super().__init__(*args, **kwargs)
        self.profile = profile
        field = self.fields["working_calendar"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", _("— always on shift")), *calendars]

    @staticmethod
    def initial_for(profile: AgentProfile) -> dict[str, Any]:
        skills = profile.skills if isinstance(profile.skills, list) else []
        return {
            "capacity": profile.capacity,
            "skills": ", ".join(str(s) for s in skills),
            "working_calendar": profile.working_calendar_id or "",
        }

    def values(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "capacity": data["capacity"],
            "skills": [s.strip() for s in data["skills"].split(",") if s.strip()],
            "working_calendar_id": data["working_calendar"],
        }

    def put_error(self, exc: DomainError) -> None:
        fields = {
            RoutingErrorCode.INVALID_CAPACITY: "capacity",
            RoutingErrorCode.INVALID_SKILLS: "skills",
            RoutingErrorCode.UNKNOWN_CALENDAR: "working_calendar",
        }
        self.add_error(fields.get(exc.code), exc.message)  # type: ignore[call-overload]


class AvailabilityForm(forms.Form):
    availability = forms.ChoiceField(label=_("Your availability"), choices=Availability.choices)
