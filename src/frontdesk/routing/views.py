"""Routing rule pages, mounted at /desk/admin/routing/ (`routing:*`): the rules in run order
with arrows to move them, a rule's form (condition and actions as JSON), and a dry run on a
sample ticket ("test this rule", or all active rules on the list).

Supervisors see every page read-only and may run the dry run; administrators change rules.
Each POST parses a form and calls the same action as the API; a refusal is shown on the form.
"""

from dataclasses import dataclass
from functools import wraps
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from frontdesk.automation.errors import RuleError
from frontdesk.core import clock
from frontdesk.core.errors import DomainError
from frontdesk.core.web import View, render_page, request_user, staff_view
from frontdesk.routing import actions, queries
from frontdesk.routing.access import can_change_rules, require_rules_admin, require_rules_reader
from frontdesk.routing.actions.rules import rule_invalid
from frontdesk.routing.forms import (
    ACTIONS_EXAMPLE,
    CONDITION_EXAMPLE,
    RuleForm,
    SampleForm,
    make_read_only,
)
from frontdesk.routing.models import RoutingRule
from frontdesk.routing.queries import DryRun
from frontdesk.routing.rulebook import draft_rule, rule_from_row
from frontdesk.tickets.timeline import describe_routing
from frontdesk.tickets.views._common import desk_context

ACTIVE_VIEW = "routing-settings"  # no sidebar entry is current on these pages
TEST = "_test"  # the submit button that runs the dry run instead of saving


def rules_page(view: View) -> View:
    """Signed-in supervisors and administrators; only administrators may POST, except to
    run the dry run (it changes nothing)."""

    @staff_view
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        user = request_user(request)
        require_rules_reader(user)
        if request.method == "POST" and TEST not in request.POST:
            require_rules_admin(user)
        return view(request, *args, **kwargs)

    return wrapper


def _testing(request: HttpRequest) -> bool:
    return request.method == "POST" and TEST in request.POST


@dataclass(frozen=True)
class RuleRow:
    rule: RoutingRule
    summary: str  # what its actions do, in words
    broken: str  # why the engine no longer accepts it ("" when fine)


def _summary(rule: RoutingRule) -> str:
    parts = []
    for action in rule.actions if isinstance(rule.actions, list) else []:
        match action:
            case {"type": "set_field", "field": field, "value": value}:
                parts.append(f"{field} → {value if value is not None else '—'}")
            case {"type": "add_tags", "tags": tags}:
                parts.append(" ".join(f"+{t}" for t in tags))
            case {"type": "remove_tags", "tags": tags}:
                parts.append(" ".join(f"-{t}" for t in tags))
            case {"type": "set_custom_field", "key": key, "value": value}:
                parts.append(f"{key} → {value if value is not None else '—'}")
    return ", ".join(parts)


def _row(rule: RoutingRule) -> RuleRow:
    try:
        rule_from_row(rule)
    except RuleError as exc:
        return RuleRow(rule, _summary(rule), str(exc))
    return RuleRow(rule, _summary(rule), "")


@dataclass(frozen=True)
class TestResult:
    """The dry run as the pages show it."""

    run: DryRun

    @property
    def fired(self) -> list[dict[str, Any]]:
        return [
            {
                "firing": firing,
                "text": describe_routing(
                    {
                        "rule": firing.name,
                        "changes": firing.changes,
                        "kept": list(firing.kept),
                        "skipped": dict(self.run.missing.get(firing.rule_id, {})),
                    }
                ),
            }
            for firing in self.run.decision.firings
        ]


# --- the list -----------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@rules_page
def rule_list(request: HttpRequest) -> HttpResponse:
    """The rules in run order; the test box tries the active ones on a sample ticket."""
    user = request_user(request)
    sample = SampleForm(request.POST if _testing(request) else None)
    result = None
    if _testing(request) and sample.is_valid():
        run = queries.dry_run(user, sample.sample(), now=sample.arrival(clock.now()))
        result = TestResult(run)
    context = desk_context(
        user,
        ACTIVE_VIEW,
        rows=[_row(rule) for rule in queries.routing_rules(user)],
        can_change=can_change_rules(user),
        sample_form=sample,
        result=result,
        tested=_testing(request),
    )
    status = 422 if _testing(request) and result is None else 200
    return render_page(
        request, "routing/admin/rules.html", context, fragment="test_result", status=status
    )


@require_POST
@rules_page
def move_rule(request: HttpRequest, rule_id: int, direction: str) -> HttpResponse:
    user = request_user(request)
    rule = queries.routing_rule(user, rule_id)
    actions.move_routing_rule(actor=user, rule_id=rule.pk, offset=-1 if direction == "up" else 1)
    return redirect("routing:rules")


# --- one rule -----------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@rules_page
def rule_page(request: HttpRequest, rule_id: int | None = None) -> HttpResponse:
    """A rule's form (without an id, a new one) with its "test this rule" box."""
    user = request_user(request)
    rule = queries.routing_rule(user, rule_id) if rule_id else None
    can_change = can_change_rules(user)
    posted = request.POST if request.method == "POST" else None
    form = RuleForm(posted, initial=RuleForm.initial_for(rule))
    if not can_change:
        make_read_only(form)  # a supervisor's test uses the saved rule
    sample = SampleForm(posted if _testing(request) else None)
    result, status = None, 200
    if _testing(request):
        result = _test_draft(form, sample, user)
        status = 200 if result is not None else 422
    elif request.method == "POST":
        if form.is_valid():
            try:
                saved = actions.save_routing_rule(
                    actor=user, rule_id=rule.pk if rule else None, **form.cleaned_data
                )
            except DomainError as exc:
                form.put_error(exc)
            else:
                messages.success(request, _("Saved the rule “%(name)s”.") % {"name": saved.name})
                return redirect("routing:rule", rule_id=saved.pk)
        status = 422
    context = desk_context(
        user,
        ACTIVE_VIEW,
        rule=rule,
        form=form,
        broken=_row(rule).broken if rule else "",
        can_change=can_change,
        sample_form=sample,
        result=result,
        tested=_testing(request),
        condition_example=CONDITION_EXAMPLE,
        actions_example=ACTIONS_EXAMPLE,
    )
    return render_page(
        request, "routing/admin/rule.html", context, fragment="test_result", status=status
    )


def _test_draft(form: RuleForm, sample: SampleForm, user: Any) -> TestResult | None:
    """The dry run of the rule as typed (not saved); None when the form or sample is wrong,
    with the errors on them."""
    valid = [form.is_valid(), sample.is_valid()]  # both, so every mistake shows at once
    if not all(valid):
        return None
    data = form.cleaned_data
    try:
        draft = draft_rule(
            data["condition"],
            data["actions"],
            name=data["name"],
            stop_processing=data["stop_processing"],
        )
    except RuleError as exc:
        form.put_error(rule_invalid(exc))
        return None
    run = queries.dry_run(user, sample.sample(), now=sample.arrival(clock.now()), rules=[draft])
    return TestResult(run)


@require_POST
@rules_page
def delete_rule(request: HttpRequest, rule_id: int) -> HttpResponse:
    user = request_user(request)
    rule = queries.routing_rule(user, rule_id)
    actions.delete_routing_rule(actor=user, rule_id=rule.pk)
    messages.success(request, _("Deleted the rule “%(name)s”.") % {"name": rule.name})
    return redirect("routing:rules")
