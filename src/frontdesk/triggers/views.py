"""Trigger and time rule pages, mounted at /desk/admin/triggers/ and /desk/admin/time-rules/
(`triggers:*`): the rules in run order with arrows to move them, a rule's form (condition
and actions as JSON), a dry run on a real ticket ("test this rule", or every active rule on
the list), and the recent runs.

Both kinds share these views; the URL says which (`time`). Supervisors see every page
read-only and may run the dry run; administrators change rules. Each POST parses a form and
calls the same action as the API; a refusal is shown on the form.
"""

from dataclasses import dataclass
from functools import wraps
from typing import Any

from django.contrib import messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from frontdesk.accounts.models import User
from frontdesk.automation.errors import RuleError
from frontdesk.automation.rules import Rule
from frontdesk.core import clock
from frontdesk.core.errors import DomainError
from frontdesk.core.web import View, render_page, request_user, staff_view
from frontdesk.tickets.timeline import describe_triggered
from frontdesk.tickets.views._common import desk_context
from frontdesk.triggers import actions, queries
from frontdesk.triggers.access import (
    can_change_automation,
    require_automation_admin,
    require_automation_reader,
)
from frontdesk.triggers.actions.rules import rule_invalid
from frontdesk.triggers.forms import (
    ACTIONS_EXAMPLE,
    TIME_CONDITION_EXAMPLE,
    TRIGGER_CONDITION_EXAMPLE,
    DryRunForm,
    TimeRuleForm,
    TriggerForm,
)
from frontdesk.triggers.models import TimeRule, Trigger
from frontdesk.triggers.queries import DryRun
from frontdesk.triggers.rulebook import draft_rule, parse_rule, parse_time_rule

ACTIVE_VIEW = "trigger-settings"  # no sidebar entry is current on these pages
TEST = "_test"  # the submit button that runs the dry run instead of saving
RECENT_RUNS = 25


def rules_page(view: View) -> View:
    """Signed-in supervisors and administrators; only administrators may POST, except to
    run the dry run (it changes nothing)."""

    @staff_view
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        user = request_user(request)
        require_automation_reader(user)
        if request.method == "POST" and TEST not in request.POST:
            require_automation_admin(user)
        return view(request, *args, **kwargs)

    return wrapper


def _testing(request: HttpRequest) -> bool:
    return request.method == "POST" and TEST in request.POST


def _names(*, time: bool) -> dict[str, str]:
    """URL names and wording of the kind of rule the page is about."""
    if time:
        return {
            "list": "triggers:time_rules",
            "new": "triggers:new_time_rule",
            "one": "triggers:time_rule",
            "move": "triggers:move_time_rule",
            "delete": "triggers:delete_time_rule",
            "title": _("Time rules"),
            "noun": _("time rule"),
        }
    return {
        "list": "triggers:triggers",
        "new": "triggers:new_trigger",
        "one": "triggers:trigger",
        "move": "triggers:move_trigger",
        "delete": "triggers:delete_trigger",
        "title": _("Triggers"),
        "noun": _("trigger"),
    }


@dataclass(frozen=True)
class RuleRow:
    rule: Trigger | TimeRule
    summary: str  # what its actions do, in words
    broken: str  # why the engine no longer accepts it ("" when fine)


def _row(rule: Trigger | TimeRule) -> RuleRow:
    summary = _summary(rule)
    parse = parse_time_rule if isinstance(rule, TimeRule) else parse_rule
    try:
        parse(rule.condition, rule.actions)
    except RuleError as exc:
        return RuleRow(rule, summary, str(exc))
    return RuleRow(rule, summary, "")


def _summary(rule: Trigger | TimeRule) -> str:
    parts = []
    for action in rule.actions if isinstance(rule.actions, list) else []:
        match action:
            case {"type": "set_field", "field": field, "value": value}:
                parts.append(f"{field} → {value if value is not None else '—'}")
            case {"type": "add_tags", "tags": tags}:
                parts.append(" ".join(f"+{t}" for t in tags))
            case {"type": "remove_tags", "tags": tags}:
                parts.append(" ".join(f"-{t}" for t in tags))
            case {"type": "send_email", "to": to}:
                parts.append(_("email %(to)s") % {"to": to})
            case {"type": kind}:
                parts.append(str(kind).replace("_", " "))
    return ", ".join(parts)


@dataclass(frozen=True)
class TestResult:
    """The dry run as the pages show it."""

    run: DryRun
    time: bool

    @property
    def fired(self) -> list[dict[str, Any]]:
        kind = "time_rule" if self.time else "trigger"
        return [
            {
                "firing": firing,
                "text": describe_triggered(
                    {
                        "kind": kind,
                        "rule": firing.name,
                        "changes": firing.changes,
                        "effects": firing.effects,
                    },
                    planned=True,
                ),
            }
            for firing in self.run.fired
        ]


def _dry_run(
    user: User, form: DryRunForm, *, time: bool, rules: list[Rule] | None = None
) -> TestResult | None:
    """The dry run the form asks for; None when the form is wrong or the ticket unknown,
    with the error on the form."""
    if not form.is_valid():
        return None
    data = form.cleaned_data
    try:
        run = queries.dry_run(
            user,
            data["number"],
            event="time" if time else data["event"],
            actor_role=data.get("actor_role") or "agent",
            body=data.get("body") or None,
            now=clock.now(),
            rules=rules,
            time=time,
        )
    except DomainError as exc:  # a ticket the user cannot see: as if it did not exist
        form.add_error("number", exc.message)
        return None
    return TestResult(run, time)


def _runs(user: User, *, time: bool, rule_id: int | None = None) -> list[Any]:
    runs: QuerySet[Any]
    if time:
        runs = queries.time_rule_runs(user, rule_id=rule_id)
    else:
        runs = queries.trigger_runs(user, trigger_id=rule_id)
    return [
        {"run": run, "text": describe_triggered(_record(run, time=time))}
        for run in runs.order_by("-created_at", "-pk")[:RECENT_RUNS]
    ]


def _record(run: Any, *, time: bool) -> dict[str, Any]:
    return {
        "kind": "time_rule" if time else "trigger",
        "rule": run.rule.name if time else run.trigger_name,
        "changes": run.changes,
        "effects": run.effects,
        "skipped": run.skipped,
        "stopped": getattr(run, "stopped", False),
        "capped": getattr(run, "capped", False),
    }


# --- the list -----------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@rules_page
def rule_list(request: HttpRequest, *, time: bool) -> HttpResponse:
    """The rules in run order, the dry run of the active ones, the recent runs."""
    user = request_user(request)
    form = DryRunForm(request.POST if _testing(request) else None, time=time)
    result = _dry_run(user, form, time=time) if _testing(request) else None
    rows = queries.time_rules(user) if time else queries.triggers(user)
    context = desk_context(
        user,
        ACTIVE_VIEW,
        time=time,
        names=_names(time=time),
        rows=[_row(rule) for rule in rows],
        can_change=can_change_automation(user),
        test_form=form,
        result=result,
        tested=_testing(request),
        runs=_runs(user, time=time),
    )
    status = 422 if _testing(request) and result is None else 200
    return render_page(
        request, "triggers/admin/rules.html", context, fragment="test_result", status=status
    )


@require_POST
@rules_page
def move_rule(request: HttpRequest, rule_id: int, direction: str, *, time: bool) -> HttpResponse:
    user = request_user(request)
    rule = queries.time_rule(user, rule_id) if time else queries.trigger(user, rule_id)
    actions.move_rule(
        TimeRule if time else Trigger,
        actor=user,
        rule_id=rule.pk,
        offset=-1 if direction == "up" else 1,
    )
    return redirect(_names(time=time)["list"])


# --- one rule -----------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@rules_page
def rule_page(request: HttpRequest, rule_id: int | None = None, *, time: bool) -> HttpResponse:
    """A rule's form (without an id, a new one) with its "test this rule" box."""
    user = request_user(request)
    rule: Trigger | TimeRule | None = None
    if rule_id:
        rule = queries.time_rule(user, rule_id) if time else queries.trigger(user, rule_id)
    can_change = can_change_automation(user)
    posted = request.POST if request.method == "POST" else None
    form_class = TimeRuleForm if time else TriggerForm
    form = form_class(posted, initial=form_class.initial_for(rule))
    if not can_change:
        form.make_read_only()  # a supervisor's test uses the saved rule
    test_form = DryRunForm(posted if _testing(request) else None, time=time)
    result, status = None, 200
    if _testing(request):
        result = _test_draft(form, test_form, user, time=time)
        status = 200 if result is not None else 422
    elif request.method == "POST":
        if form.is_valid():
            try:
                saved = _save(form, user, rule, time=time)
            except DomainError as exc:
                form.put_error(exc)
            else:
                messages.success(request, _("Saved “%(name)s”.") % {"name": saved.name})
                return redirect(_names(time=time)["one"], rule_id=saved.pk)
        status = 422
    context = desk_context(
        user,
        ACTIVE_VIEW,
        time=time,
        names=_names(time=time),
        rule=rule,
        form=form,
        broken=_row(rule).broken if rule else "",
        can_change=can_change,
        test_form=test_form,
        result=result,
        tested=_testing(request),
        condition_example=TIME_CONDITION_EXAMPLE if time else TRIGGER_CONDITION_EXAMPLE,
        actions_example=ACTIONS_EXAMPLE,
        runs=_runs(user, time=time, rule_id=rule.pk) if rule else [],
    )
    return render_page(
        request, "triggers/admin/rule.html", context, fragment="test_result", status=status
    )


def _save(
    form: TimeRuleForm, user: User, rule: Trigger | TimeRule | None, *, time: bool
) -> Trigger | TimeRule:
    data = form.cleaned_data
    common = {
        "actor": user,
        "rule_id": rule.pk if rule else None,
        "name": data["name"],
        "condition": data["condition"],
        "actions": data["actions"],
        "is_active": data["is_active"],
    }
    if time:
        return actions.save_time_rule(**common)
    return actions.save_trigger(**common, stop_processing=data["stop_processing"])


def _test_draft(
    form: TimeRuleForm, test_form: DryRunForm, user: User, *, time: bool
) -> TestResult | None:
    """The dry run of the rule as typed (not saved); None when the form or the dry run's
    fields are wrong, with the errors on them."""
    valid = [form.is_valid(), test_form.is_valid()]  # both, so every mistake shows at once
    if not all(valid):
        return None
    data = form.cleaned_data
    try:
        draft = draft_rule(
            data["condition"],
            data["actions"],
            name=data["name"],
            stop_processing=bool(data.get("stop_processing")),
            time=time,
        )
    except RuleError as exc:
        form.put_error(rule_invalid(exc))
        return None
    return _dry_run(user, test_form, time=time, rules=[draft])


@require_POST
@rules_page
def delete_rule(request: HttpRequest, rule_id: int, *, time: bool) -> HttpResponse:
    user = request_user(request)
    if time:
        rule: Trigger | TimeRule = queries.time_rule(user, rule_id)
        actions.delete_time_rule(actor=user, rule_id=rule.pk)
    else:
        rule = queries.trigger(user, rule_id)
        actions.delete_trigger(actor=user, rule_id=rule.pk)
    messages.success(request, _("Deleted “%(name)s”.") % {"name": rule.name})
    return redirect(_names(time=time)["list"])
