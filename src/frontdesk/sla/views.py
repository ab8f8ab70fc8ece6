"""SLA settings pages, mounted at /desk/admin/sla/ (`sla:*`): calendars with their holidays,
and policies with their targets and escalations.

Supervisors see every page read-only; administrators change them. Each POST parses a form
and calls the same action as the API; an action's refusal is shown on the form.
"""

from dataclasses import dataclass
from functools import wraps
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from frontdesk.accounts.access import require_admin
from frontdesk.core.errors import DomainError
from frontdesk.core.web import View, render_page, request_user, staff_view
from frontdesk.sla import actions, config_queries
from frontdesk.sla.access import can_change_settings, require_settings_reader
from frontdesk.sla.engine import METRICS
from frontdesk.sla.forms import (
    CalendarForm,
    HolidayForm,
    ImportHolidaysForm,
    PolicyForm,
    escalation_formset,
    escalations_from,
    make_read_only,
    put_error_on_field,
)
from frontdesk.sla.models import BusinessCalendar, Metric, SlaPolicy
from frontdesk.tickets.choices import Priority
from frontdesk.tickets.views._common import desk_context

ACTIVE_VIEW = "sla-settings"  # no sidebar entry is current on these pages
METRIC_LABELS = dict(Metric.choices)


def settings_page(view: View) -> View:
    """Signed-in supervisors and administrators; only administrators may POST."""

    @staff_view
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        user = request_user(request)
        require_settings_reader(user)
        if request.method == "POST":
            require_admin(user)
        return view(request, *args, **kwargs)

    return wrapper


def _posted(request: HttpRequest) -> Any:
    return request.POST if request.method == "POST" else None


def _status(request: HttpRequest) -> int:
    """A form shown again after a POST is a refused change."""
    return 422 if request.method == "POST" else 200


# --- the overview -------------------------------------------------------------------------


@dataclass(frozen=True)
class PolicyRow:
    policy: SlaPolicy
    targets: list[str]  # "High: First response 30 min (business hours)"


def describe_minutes(minutes: int) -> str:
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    parts = [
        f"{days} d" if days else "",
        f"{hours} h" if hours else "",
        f"{mins} min" if mins else "",
    ]
    return " ".join(p for p in parts if p)


def summarise_targets(policy: SlaPolicy) -> list[str]:
    return [
        _("%(priority)s: %(metric)s %(time)s (%(clock)s)")
        % {
            "priority": Priority(t.priority).label.capitalize(),
            "metric": METRIC_LABELS[t.metric],
            "time": describe_minutes(t.minutes),
            "clock": _("business hours") if t.business_hours else _("around the clock"),
        }
        for t in policy.targets.all()
    ]


@require_GET
@settings_page
def overview(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    policies = [PolicyRow(p, summarise_targets(p)) for p in config_queries.policies(user)]
    context = desk_context(
        user,
        ACTIVE_VIEW,
        policies=policies,
        calendars=list(config_queries.calendar_summaries(user)),
        can_change=can_change_settings(user),
    )
    return render_page(request, "sla/admin/overview.html", context)


# --- calendars ----------------------------------------------------------------------------


def _calendar_page(
    request: HttpRequest,
    calendar: BusinessCalendar | None,
    *,
    form: CalendarForm | None = None,
    holiday_form: HolidayForm | None = None,
    import_form: ImportHolidaysForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request_user(request)
    can_change = can_change_settings(user)
    forms_on_page: list[forms.Form] = [
        form or CalendarForm(initial=CalendarForm.initial_for(calendar)),
        holiday_form or HolidayForm(),
        import_form or ImportHolidaysForm(),
    ]
    if not can_change:
        for each in forms_on_page:
            make_read_only(each)
    context = desk_context(
        user,
        ACTIVE_VIEW,
        calendar=calendar,
        form=forms_on_page[0],
        holiday_form=forms_on_page[1],
        import_form=forms_on_page[2],
        can_change=can_change,
    )
    return render_page(request, "sla/admin/calendar.html", context, status=status)


@require_http_methods(["GET", "POST"])
@settings_page
def calendar_page(request: HttpRequest, calendar_id: int | None = None) -> HttpResponse:
    """A calendar's hours (and, once it exists, its holidays); without an id, a new one."""
    user = request_user(request)
    calendar = config_queries.calendar(user, calendar_id) if calendar_id else None
    form = CalendarForm(_posted(request), initial=CalendarForm.initial_for(calendar))
    if request.method == "POST" and form.is_valid():
        try:
            saved = actions.save_calendar(
                actor=user,
                calendar_id=calendar_id,
                name=form.cleaned_data["name"],
                time_zone=form.cleaned_data["time_zone"],
                weekly=form.weekly(),
            )
        except DomainError as exc:
            put_error_on_field(form, exc, form.ERROR_FIELDS)
        else:
            messages.success(request, _("Saved the calendar “%(name)s”.") % {"name": saved.name})
            return redirect("sla:calendar", calendar_id=saved.pk)
    return _calendar_page(request, calendar, form=form, status=_status(request))


@require_POST
@settings_page
def delete_calendar(request: HttpRequest, calendar_id: int) -> HttpResponse:
    user = request_user(request)
    calendar = config_queries.calendar(user, calendar_id)
    try:
        actions.delete_calendar(actor=user, calendar_id=calendar.pk)
    except DomainError as exc:  # still used by a policy: say which, stay on the page
        messages.error(request, exc.message)
        return redirect("sla:calendar", calendar_id=calendar.pk)
    messages.success(request, _("Deleted the calendar “%(name)s”.") % {"name": calendar.name})
    return redirect("sla:overview")


@require_POST
@settings_page
def add_holiday(request: HttpRequest, calendar_id: int) -> HttpResponse:
    user = request_user(request)
    calendar = config_queries.calendar(user, calendar_id)
    form = HolidayForm(request.POST)
    if form.is_valid():
        try:
            actions.add_holiday(
                actor=user,
                calendar_id=calendar.pk,
                day=form.cleaned_data["day"],
                name=form.cleaned_data["name"],
                intervals=form.cleaned_data["hours"],
                yearly=form.cleaned_data["yearly"],
            )
        except DomainError as exc:
            put_error_on_field(form, exc, form.ERROR_FIELDS)
        else:
            messages.success(request, _("Added the holiday."))
            return redirect("sla:calendar", calendar_id=calendar.pk)
    return _calendar_page(request, calendar, holiday_form=form, status=422)


@require_POST
@settings_page
def remove_holiday(request: HttpRequest, calendar_id: int, holiday_id: int) -> HttpResponse:
    user = request_user(request)
    holiday = config_queries.holiday(user, calendar_id, holiday_id)
    actions.remove_holiday(actor=user, calendar_id=calendar_id, holiday_id=holiday.pk)
    messages.success(request, _("Removed the holiday “%(name)s”.") % {"name": holiday.name})
    return redirect("sla:calendar", calendar_id=calendar_id)


@require_POST
@settings_page
def import_holidays(request: HttpRequest, calendar_id: int) -> HttpResponse:
    user = request_user(request)
    calendar = config_queries.calendar(user, calendar_id)
    form = ImportHolidaysForm(request.POST)
    if form.is_valid():
        try:
            count = actions.import_country_holidays(
                actor=user, calendar_id=calendar.pk, **form.cleaned_data
            )
        except DomainError as exc:
            put_error_on_field(form, exc, form.ERROR_FIELDS)
        else:
            messages.success(request, _("Imported %(count)d public holidays.") % {"count": count})
            return redirect("sla:calendar", calendar_id=calendar.pk)
    return _calendar_page(request, calendar, import_form=form, status=422)


# --- policies -----------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@settings_page
def policy_page(request: HttpRequest, policy_id: int | None = None) -> HttpResponse:
    """A policy with its target grid and escalations; without an id, a new one."""
    user = request_user(request)
    policy = config_queries.policy(user, policy_id) if policy_id else None
    form = PolicyForm(_posted(request), initial=PolicyForm.initial_for(policy))
    escalations = escalation_formset(policy, _posted(request))
    # Both are validated so that every mistake shows at once.
    if request.method == "POST" and all([form.is_valid(), escalations.is_valid()]):
        try:
            saved = actions.save_policy(
                actor=user,
                policy_id=policy_id,
                escalations=escalations_from(escalations),
                **form.action_values(),
            )
        except DomainError as exc:
            put_error_on_field(form, exc, form.ERROR_FIELDS)
        else:
            messages.success(request, _("Saved the policy “%(name)s”.") % {"name": saved.name})
            return redirect("sla:policy", policy_id=saved.pk)
    can_change = can_change_settings(user)
    if not can_change:
        for each in [form, *escalations.forms]:
            make_read_only(each)
    context = desk_context(
        user,
        ACTIVE_VIEW,
        policy=policy,
        form=form,
        escalations=escalations,
        metric_labels=[METRIC_LABELS[m] for m in METRICS],
        has_calendars=BusinessCalendar.objects.exists(),
        can_change=can_change,
    )
    return render_page(request, "sla/admin/policy.html", context, status=_status(request))


@require_POST
@settings_page
def delete_policy(request: HttpRequest, policy_id: int) -> HttpResponse:
    user = request_user(request)
    policy = config_queries.policy(user, policy_id)
    actions.delete_policy(actor=user, policy_id=policy.pk)
    messages.success(request, _("Deleted the policy “%(name)s”.") % {"name": policy.name})
    return redirect("sla:overview")
