"""REST endpoints for triggers and time rules: supervisors and administrators read them,
their runs and the dry run; administrators with the `admin` scope change them. Customers
are told nothing is here (404), agents that they lack the role (403)."""

from typing import Annotated

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from frontdesk.accounts.models import User
from frontdesk.api.auth import actor, admin_actor
from frontdesk.api.schemas import ERRORS
from frontdesk.automation.errors import RuleError
from frontdesk.core import clock
from frontdesk.core.pagination import keyset_page
from frontdesk.triggers import actions, queries
from frontdesk.triggers.access import require_automation_reader
from frontdesk.triggers.actions.rules import rule_invalid
from frontdesk.triggers.rulebook import draft_rule
from frontdesk.triggers.schemas import (
    TimeRuleIn,
    TimeRuleOut,
    TriggerIn,
    TriggerOut,
    TriggerRunOut,
    TriggerRunPage,
    TriggerTestIn,
    TriggerTestOut,
)

router = Router(tags=["triggers"])


def writer(request: HttpRequest) -> User:
    """An administrator acting with the admin scope; customers get a 404 as on reads."""
    require_automation_reader(actor(request))
    return admin_actor(request)


# --- triggers -----------------------------------------------------------------------------


@router.get("/triggers", response={200: list[TriggerOut], **ERRORS})
def list_triggers(request: HttpRequest) -> list[TriggerOut]:
    """Every trigger in run order, inactive ones too."""
    return [TriggerOut.of(rule) for rule in queries.triggers(actor(request))]


@router.post("/triggers", response={201: TriggerOut, **ERRORS})
def create_trigger(request: HttpRequest, payload: TriggerIn) -> Status[TriggerOut]:
    """Add a trigger (last, unless `position` is given). A condition or action the engine
    refuses is a 422 `invalid_rule` whose details give the `part` and `path`."""
    rule = actions.save_trigger(actor=writer(request), **payload.model_dump())
    return Status(201, TriggerOut.of(rule))


class RunQuery(Schema):
    trigger_id: int | None = Field(None, description="Only this trigger's firings.")
    ticket: int | None = Field(None, description="Only firings on this ticket number.")
    cursor: str | None = None
    limit: Annotated[int, Field(ge=1, le=100)] = 25


# Declared before `/triggers/{trigger_id}`.
@router.get("/triggers/runs", response={200: TriggerRunPage, **ERRORS})
def list_trigger_runs(request: HttpRequest, query: Query[RunQuery]) -> TriggerRunPage:
    """What triggers did, newest first, on the tickets you may see: each firing's event,
    why it matched, its changes, its effects and what was skipped."""
    runs = queries.trigger_runs(
        actor(request), trigger_id=query.trigger_id, ticket_number=query.ticket
    )
    page = keyset_page(runs, order="-created_at", cursor=query.cursor, limit=query.limit)
    return TriggerRunPage(
        items=[TriggerRunOut.of(run) for run in page.items], next_cursor=page.next_cursor
    )


@router.post("/triggers/test", response={200: TriggerTestOut, **ERRORS})
def test_triggers(request: HttpRequest, payload: TriggerTestIn) -> TriggerTestOut:
    """Dry run on a real ticket: which active triggers would fire for the event, why (each
    condition with the fact it saw), and what they would change and do. Writes nothing.
    With `trigger`, that unsaved trigger is tried alone instead."""
    user = actor(request)
    require_automation_reader(user)
    drafts = None
    if payload.trigger is not None:
        try:
            drafts = [
                draft_rule(
                    payload.trigger.condition,
                    payload.trigger.actions,
                    name=payload.trigger.name,
                    stop_processing=payload.trigger.stop_processing,
                )
            ]
        except RuleError as exc:
            raise rule_invalid(exc) from exc
    run = queries.dry_run(
        user,
        payload.number,
        event=payload.event,
        actor_role=payload.actor_role,
        body=payload.body,
        now=payload.now or clock.now(),
        rules=drafts,
    )
    return TriggerTestOut.of(run)


@router.get("/triggers/{trigger_id}", response={200: TriggerOut, **ERRORS})
def get_trigger(request: HttpRequest, trigger_id: int) -> TriggerOut:
    return TriggerOut.of(queries.trigger(actor(request), trigger_id))


@router.put("/triggers/{trigger_id}", response={200: TriggerOut, **ERRORS})
def put_trigger(request: HttpRequest, trigger_id: int, payload: TriggerIn) -> TriggerOut:
    """Replace a trigger; without `position` it keeps its place."""
    user = writer(request)
    queries.trigger(user, trigger_id)  # an unknown id is a 404, not a bad body
    rule = actions.save_trigger(actor=user, rule_id=trigger_id, **payload.model_dump())
    return TriggerOut.of(rule)


@router.delete("/triggers/{trigger_id}", response={204: None, **ERRORS})
def delete_trigger(request: HttpRequest, trigger_id: int) -> Status[None]:
    """Delete a trigger; tickets keep their record of it and its runs its name."""
    user = writer(request)
    queries.trigger(user, trigger_id)
    actions.delete_trigger(actor=user, rule_id=trigger_id)
    return Status(204, None)


# --- time rules ---------------------------------------------------------------------------


@router.get("/time-rules", response={200: list[TimeRuleOut], **ERRORS})
def list_time_rules(request: HttpRequest) -> list[TimeRuleOut]:
    """Every time rule in order, inactive ones too."""
    return [TimeRuleOut.of(rule) for rule in queries.time_rules(actor(request))]


@router.post("/time-rules", response={201: TimeRuleOut, **ERRORS})
def create_time_rule(request: HttpRequest, payload: TimeRuleIn) -> Status[TimeRuleOut]:
    """Add a time rule. Its condition must bound the time (`hours_since.<event>` with gt or
    gte); otherwise, or for any mistake, a 422 `invalid_rule` with `part` and `path`."""
    rule = actions.save_time_rule(actor=writer(request), **payload.model_dump())
    return Status(201, TimeRuleOut.of(rule))


@router.get("/time-rules/{time_rule_id}", response={200: TimeRuleOut, **ERRORS})
def get_time_rule(request: HttpRequest, time_rule_id: int) -> TimeRuleOut:
    return TimeRuleOut.of(queries.time_rule(actor(request), time_rule_id))


@router.put("/time-rules/{time_rule_id}", response={200: TimeRuleOut, **ERRORS})
def put_time_rule(request: HttpRequest, time_rule_id: int, payload: TimeRuleIn) -> TimeRuleOut:
    """Replace a time rule; without `position` it keeps its place."""
    user = writer(request)
    queries.time_rule(user, time_rule_id)
    rule = actions.save_time_rule(actor=user, rule_id=time_rule_id, **payload.model_dump())
    return TimeRuleOut.of(rule)


@router.delete("/time-rules/{time_rule_id}", response={204: None, **ERRORS})
def delete_time_rule(request: HttpRequest, time_rule_id: int) -> Status[None]:
    """Delete a time rule and its record of the episodes it acted in."""
    user = writer(request)
    queries.time_rule(user, time_rule_id)
    actions.delete_time_rule(actor=user, rule_id=time_rule_id)
    return Status(204, None)
