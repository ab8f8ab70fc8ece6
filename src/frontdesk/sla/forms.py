"""Forms of the SLA settings pages. They turn what people type (hours as "09:00-17:00",
a condition as JSON, a grid of targets) into the values `sla.actions.config` takes; the
actions decide what is allowed, and their error codes are put back on the right field."""

import json
import re
from functools import cache
from typing import Any
from zoneinfo import available_timezones

from django import forms
from django.utils.translation import gettext_lazy as _

from frontdesk.accounts.models import Team
from frontdesk.core.errors import DomainError
from frontdesk.sla.actions.config import (
    DEFAULT_PAUSED,
    MAX_TARGET_MINUTES,
    PAUSABLE_CATEGORIES,
)
from frontdesk.sla.clocks import ESCALATION_ACTIONS
from frontdesk.sla.engine import METRICS
from frontdesk.sla.models import BusinessCalendar, Metric, SlaPolicy
from frontdesk.tickets.choices import Priority, StatusCategory

WEEKDAYS = [
    _("Monday"),
    _("Tuesday"),
    _("Wednesday"),
    _("Thursday"),
    _("Friday"),
    _("Saturday"),
    _("Sunday"),
]
# "9:00-17:30" or "22:00 - 06:00" (an en dash too, as word processors write it); whether the
# times exist is checked here too, so the error sits next to the day it is about.
SPAN = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)\s*[-\u2013]\s*([01]?\d|2[0-3]):([0-5]\d)$")
PRIORITIES_HIGH_FIRST = sorted(Priority, reverse=True)
ESCALATION_LABELS = {
    "notify_assignee": _("Notify the assignee"),
    "notify_team": _("Notify the ticket's team"),
    "notify_supervisors": _("Notify supervisors and admins"),
    "raise_priority": _("Raise the priority one step"),
    "move_to_team": _("Move to another team"),
}
MAX_POSITION = 1_000_000


@cache
def zone_choices() -> list[tuple[str, str]]:
    return [(zone, zone) for zone in sorted(available_timezones())]


def parse_hours(text: str) -> list[list[str]]:
    """ "09:00-12:00, 13:00-17:00" -> [["09:00", "12:00"], ["13:00", "17:00"]]."""
    spans = []
    for part in filter(None, (p.strip() for p in text.split(","))):
        match = SPAN.match(part)
        if match is None:
            raise forms.ValidationError(
                _("“%(part)s” is not a span like 09:00-17:00."), params={"part": part}
            )
        start_h, start_m, end_h, end_m = match.groups()
        spans.append([f"{int(start_h):02}:{start_m}", f"{int(end_h):02}:{end_m}"])
    return spans


def format_hours(spans: list[list[str]]) -> str:
    return ", ".join(f"{start}-{end}" for start, end in spans)


def put_error_on_field(form: forms.Form, exc: DomainError, fields: dict[str, str]) -> None:
    """Show an action's refusal next to the field its code is about, else above the form."""
    field = fields.get(exc.code)
    form.add_error(field if field in form.fields else None, exc.message)


def make_read_only(form: forms.Form) -> None:
    """Supervisors see the settings as the admins' form shows them, but cannot change them."""
    for field in form.fields.values():
        field.disabled = True


# --- calendars ----------------------------------------------------------------------------


class CalendarForm(forms.Form):
    ERROR_FIELDS = {
        "invalid_name": "name",
        "duplicate_name": "name",
        "unknown_time_zone": "time_zone",
    }

    name = forms.CharField(label=_("Name"), max_length=100)
    time_zone = forms.ChoiceField(label=_("Time zone"), initial="UTC")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        time_zone = self.fields["time_zone"]
        assert isinstance(time_zone, forms.ChoiceField)
        time_zone.choices = zone_choices()
        for day, label in enumerate(WEEKDAYS):
            # The how-to sits once on the weekdays' fieldset, not under each of the seven.
            self.fields[f"hours_{day}"] = forms.CharField(
                label=label, required=False, max_length=300
            )

    @staticmethod
    def initial_for(calendar: BusinessCalendar | None) -> dict[str, Any]:
        if calendar is None:  # a new calendar starts as office hours, Monday to Friday
            return {f"hours_{day}": "09:00-17:00" for day in range(5)}
        initial = {"name": calendar.name, "time_zone": calendar.time_zone}
        for day in range(7):
            initial[f"hours_{day}"] = format_hours(calendar.weekly.get(str(day), []))
        return initial

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for day in range(7):
            field = f"hours_{day}"
            if field in data:
                try:
                    data[field] = parse_hours(data[field])
                except forms.ValidationError as exc:
                    self.add_error(field, exc)
        return data

    def weekly(self) -> dict[str, list[list[str]]]:
        return {
            str(day): self.cleaned_data[f"hours_{day}"]
            for day in range(7)
            if self.cleaned_data[f"hours_{day}"]
        }

    def day_fields(self) -> list[forms.BoundField]:
        return [self[f"hours_{day}"] for day in range(7)]


class HolidayForm(forms.Form):
    prefix = "holiday"  # on the calendar's page, whose form has a "name" field too
    ERROR_FIELDS = {"invalid_name": "name", "invalid_hours": "hours"}

    day = forms.DateField(label=_("Day"), widget=forms.DateInput(attrs={"type": "date"}))
    name = forms.CharField(label=_("Name"), max_length=200)
    hours = forms.CharField(
        label=_("Working hours that day"),
        required=False,
        max_length=300,
        help_text=_('Empty: closed all day; "09:00-13:00" for a half day.'),
    )
    yearly = forms.BooleanField(label=_("Every year on this date"), required=False)

    def clean_hours(self) -> list[list[str]]:
        return parse_hours(self.cleaned_data["hours"])


class ImportHolidaysForm(forms.Form):
    prefix = "import"
    ERROR_FIELDS = {
        "unknown_country": "country",
        "unknown_subdivision": "subdivision",
        "invalid_years": "years",
    }

    country = forms.CharField(
        label=_("Country"),
        max_length=3,
        help_text=_("Its ISO code, e.g. DE, FR, US."),
    )
    subdivision = forms.CharField(
        label=_("Region"),
        max_length=10,
        required=False,
        help_text=_("Optional, e.g. BY for Bavaria or CA for California."),
    )
    years = forms.CharField(
        label=_("Years"), max_length=100, help_text=_("Separated by commas, e.g. 2026, 2027.")
    )

    def clean_years(self) -> list[int]:
        parts = [p.strip() for p in self.cleaned_data["years"].split(",") if p.strip()]
        if not parts or not all(p.isdigit() and len(p) == 4 for p in parts):
            raise forms.ValidationError(_("Give years like 2026, 2027."))
        return sorted({int(p) for p in parts})


# --- policies -----------------------------------------------------------------------------


def target_field_names(priority: Priority, metric: str) -> tuple[str, str]:
    return f"target_{priority.label}_{metric}", f"business_{priority.label}_{metric}"


class PolicyForm(forms.Form):
    ERROR_FIELDS = {
        "invalid_name": "name",
        "duplicate_name": "name",
        "invalid_condition": "condition",
        "unknown_calendar": "calendar",
        "invalid_pause": "paused_categories",
        "invalid_warn_share": "warn_percent",
    }

    name = forms.CharField(label=_("Name"), max_length=100)
    position = forms.IntegerField(
        label=_("Position"),
        min_value=0,
        max_value=MAX_POSITION,
        initial=0,
        help_text=_("Policies are tried from the lowest position; the first that matches wins."),
    )
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)
    calendar = forms.ChoiceField(
        label=_("Business calendar"),
        help_text=_("Business-hour targets count only this calendar's working hours."),
    )
    condition = forms.CharField(
        label=_("Applies to tickets where (JSON)"),
        required=False,
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 6, "spellcheck": "false"}),
        help_text=_(
            'Empty: every ticket. E.g. {"field": "priority", "op": "in", '
            '"value": ["high", "urgent"]}; the language is described in docs/sla.md.'
        ),
    )
    paused_categories = forms.MultipleChoiceField(
        label=_("Clocks stop while the status is"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=[(c, StatusCategory(c).label) for c in PAUSABLE_CATEGORIES],
        initial=DEFAULT_PAUSED,
    )
    warn_percent = forms.IntegerField(
        label=_("Warn when this much of a target has passed (%)"),
        min_value=1,
        max_value=100,
        initial=75,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        calendar = self.fields["calendar"]
        assert isinstance(calendar, forms.ChoiceField)
        calendar.choices = [
            (str(pk), name)
            for pk, name in BusinessCalendar.objects.order_by("name").values_list("pk", "name")
        ]
        for priority in PRIORITIES_HIGH_FIRST:
            for metric in METRICS:
                minutes, business = target_field_names(priority, metric)
                label = f"{priority.label.capitalize()}: {Metric(metric).label}"
                self.fields[minutes] = forms.IntegerField(
                    label=_("%(target)s, minutes") % {"target": label},
                    required=False,
                    min_value=1,
                    max_value=MAX_TARGET_MINUTES,
                )
                self.fields[business] = forms.BooleanField(
                    label=_("%(target)s, in business hours") % {"target": label},
                    required=False,
                    initial=True,
                )

    @staticmethod
    def initial_for(policy: SlaPolicy | None) -> dict[str, Any]:
        if policy is None:
            return {}
        initial: dict[str, Any] = {
            "name": policy.name,
            "position": policy.position,
            "is_active": policy.is_active,
            "calendar": str(policy.calendar_id),
            "condition": json.dumps(policy.condition, indent=2) if policy.condition else "",
            "paused_categories": policy.paused_categories,
            "warn_percent": round(policy.warn_share * 100),
        }
        for target in policy.targets.all():
            minutes, business = target_field_names(Priority(target.priority), target.metric)
            initial[minutes], initial[business] = target.minutes, target.business_hours
        return initial

    def clean_condition(self) -> dict[str, Any]:
        text = self.cleaned_data["condition"].strip()
        if not text:
            return {}
        try:
            condition = json.loads(text)
        except json.JSONDecodeError as exc:
            raise forms.ValidationError(
                _("This is not valid JSON: %(error)s"), params={"error": exc}
            ) from exc
        if not isinstance(condition, dict):
            raise forms.ValidationError(_("A condition is a JSON object: {…}."))
        return condition

    def targets(self) -> list[dict[str, Any]]:
        """The filled cells of the grid; an empty cell means no target for that pair."""
        targets = []
        for priority in PRIORITIES_HIGH_FIRST:
            for metric in METRICS:
                minutes, business = target_field_names(priority, metric)
                if self.cleaned_data.get(minutes):
                    targets.append(
                        {
                            "priority": priority.label,
                            "metric": metric,
                            "minutes": self.cleaned_data[minutes],
                            "business_hours": self.cleaned_data[business],
                        }
                    )
        return targets

    def target_rows(self) -> list[tuple[str, list[tuple[forms.BoundField, forms.BoundField]]]]:
        """The grid for the template: one row per priority, one cell per metric."""
        return [
            (
                priority.label.capitalize(),
                [tuple(self[n] for n in target_field_names(priority, m)) for m in METRICS],  # type: ignore[misc]
            )
            for priority in PRIORITIES_HIGH_FIRST
        ]

    def action_values(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "name": data["name"],
            "position": data["position"],
            "is_active": data["is_active"],
            "calendar_id": int(data["calendar"]),
            "condition": data["condition"],
            "paused_categories": data["paused_categories"],
            "warn_share": data["warn_percent"] / 100,
            "targets": self.targets(),
        }


class EscalationForm(forms.Form):
    """One escalation; a row whose "When" is empty is no escalation (how one is removed)."""

    on = forms.ChoiceField(
        label=_("When"),
        required=False,
        choices=[("", "—"), ("warning", _("Warning")), ("breach", _("Breach"))],
    )
    do = forms.ChoiceField(
        label=_("Do"), choices=[(a, ESCALATION_LABELS[a]) for a in ESCALATION_ACTIONS]
    )
    metrics = forms.MultipleChoiceField(
        label=_("For"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=Metric.choices,
        help_text=_("None ticked: every target."),
    )
    team = forms.ChoiceField(label=_("Team (for a move)"), required=False)

    def __init__(
        self, *args: Any, teams: list[tuple[str, str]] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        team = self.fields["team"]
        assert isinstance(team, forms.ChoiceField)
        team.choices = [("", "—"), ("next_tier", _("The team's next tier")), *(teams or [])]

    def escalation(self) -> dict[str, Any] | None:
        data = getattr(self, "cleaned_data", {})
        if not data.get("on"):
            return None
        escalation = {"on": data["on"], "do": data["do"], "metrics": data["metrics"]}
        if data.get("team"):
            escalation["team"] = data["team"]
        return escalation


EscalationFormSet = forms.formset_factory(EscalationForm, extra=2, max_num=20, absolute_max=40)


def escalation_formset(
    policy: SlaPolicy | None, data: Any = None
) -> forms.BaseFormSet[EscalationForm]:
    """The policy's escalations and two empty rows to add more (no script needed)."""
    teams = list(Team.objects.order_by("name").values_list("slug", "name"))
    initial = [dict(e) for e in policy.escalations] if policy else []
    return EscalationFormSet(
        data, initial=initial, prefix="escalation", form_kwargs={"teams": teams}
    )


def escalations_from(formset: forms.BaseFormSet[EscalationForm]) -> list[dict[str, Any]]:
    return [e for form in formset.forms if (e := form.escalation()) is not None]
