"""API shapes of triggers, time rules, their runs and the dry run. Inputs forbid unknown
fields; conditions and actions are the rule language's JSON (docs/automation.md)."""

from datetime import datetime
from typing import Any, Literal, get_args

from ninja import Field, Schema

from frontdesk.api.schemas import InputSchema
from frontdesk.automation.conditions import ACTOR_ROLES, EVENT_KINDS
from frontdesk.triggers.actions.rules import MAX_NAME, MAX_POSITION
from frontdesk.triggers.models import TimeRule, Trigger, TriggerRun
from frontdesk.triggers.queries import DryRun

EventKindName = Literal[
    "created",
    "updated",
    "customer_replied",
    "agent_replied",
    "status_changed",
    "assigned",
    "sla_warning",
    "sla_breach",
]
ActorRoleName = Literal["customer", "light_agent", "agent", "supervisor", "admin", "system"]
assert set(get_args(EventKindName)) == set(EVENT_KINDS) - {"time"}
assert get_args(ActorRoleName) == ACTOR_ROLES

CONDITION_HELP = (
    "When it fires, in the rule language (docs/automation.md), e.g. "
    '{"all": [{"field": "event.kind", "op": "equals", "value": "customer_replied"}]}; '
    "{} fires on every event."
)
TIME_CONDITION_HELP = (
    "When it acts; it must bound the time with an hours_since.<event> condition (gt or gte) "
    'among those that must all hold, e.g. {"all": [{"field": "status_category", "op": '
    '"equals", "value": "pending"}, {"field": "hours_since.status_changed", "op": "gte", '
    '"value": 120}]}.'
)
ACTIONS_HELP = (
    "What it does: set_field, add_tags, remove_tags, set_custom_field, add_follower, assign, "
    'add_note, send_email, webhook, apply_macro; e.g. [{"type": "set_field", "field": '
    '"priority", "value": "urgent"}].'
)
POSITION_HELP = "Omitted: last for a new rule, kept on a PUT."


class TriggerOut(Schema):
    id: int
    name: str
    position: int = Field(description="Triggers run from the lowest position (ties by id).")
    is_active: bool
    condition: dict[str, Any] = Field(description=CONDITION_HELP)
    actions: list[dict[str, Any]] = Field(description=ACTIONS_HELP)
    stop_processing: bool = Field(description="When it fires, no later trigger runs.")
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def of(rule: Trigger) -> "TriggerOut":
        return TriggerOut(
            id=rule.pk,
            name=rule.name,
            position=rule.position,
            is_active=rule.is_active,
            condition=rule.condition,
            actions=rule.actions,
            stop_processing=rule.stop_processing,
            created_at=rule.created_at,
            updated_at=rule.updated_at,
        )


class TriggerIn(InputSchema):
    name: str = Field(min_length=1, max_length=MAX_NAME)
    condition: dict[str, Any] = Field(default_factory=dict, description=CONDITION_HELP)
    actions: list[dict[str, Any]] = Field(max_length=50, description=ACTIONS_HELP)
    position: int | None = Field(None, ge=0, le=MAX_POSITION, description=POSITION_HELP)
    is_active: bool = True
    stop_processing: bool = False


class TimeRuleOut(Schema):
    id: int
    name: str
    position: int = Field(description="Time rules are checked from the lowest position.")
    is_active: bool
    condition: dict[str, Any] = Field(description=TIME_CONDITION_HELP)
    actions: list[dict[str, Any]] = Field(description=ACTIONS_HELP)
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def of(rule: TimeRule) -> "TimeRuleOut":
        return TimeRuleOut(
            id=rule.pk,
            name=rule.name,
            position=rule.position,
            is_active=rule.is_active,
            condition=rule.condition,
            actions=rule.actions,
            created_at=rule.created_at,
            updated_at=rule.updated_at,
        )


class TimeRuleIn(InputSchema):
    name: str = Field(min_length=1, max_length=MAX_NAME)
    condition: dict[str, Any] = Field(description=TIME_CONDITION_HELP)
    actions: list[dict[str, Any]] = Field(max_length=50, description=ACTIONS_HELP)
    position: int | None = Field(None, ge=0, le=MAX_POSITION, description=POSITION_HELP)
    is_active: bool = True


# --- the record ---------------------------------------------------------------------------


class TriggerRunOut(Schema):
    id: int
    trigger_id: int | None = Field(description="null once the trigger is deleted.")
    trigger_name: str
    ticket_number: int
    event: str = Field(description="The event kind that ran the triggers.")
    why: list[str] = Field(description="Each condition, whether it held, and the fact.")
    changes: dict[str, Any] = Field(description="Fields changed; tags as {added, removed}.")
    effects: list[dict[str, Any]] = Field(
        description="Side effects, each with `done` and, when skipped, the `reason`."
    )
    skipped: dict[str, str] = Field(description="Changes the ticket refused, and why.")
    stopped: bool = Field(description="stop_processing ended the run here.")
    capped: bool = Field(description="The firing cap held this trigger back.")
    created_at: datetime

    @staticmethod
    def of(run: TriggerRun) -> "TriggerRunOut":
        return TriggerRunOut(
            id=run.pk,
            trigger_id=run.trigger_id,
            trigger_name=run.trigger_name,
            ticket_number=run.ticket.number,
            event=run.event,
            why=list(run.why),
            changes=dict(run.changes),
            effects=list(run.effects),
            skipped=dict(run.skipped),
            stopped=run.stopped,
            capped=run.capped,
            created_at=run.created_at,
        )


class TriggerRunPage(Schema):
    items: list[TriggerRunOut]
    next_cursor: str | None


# --- the dry run --------------------------------------------------------------------------


class TriggerDraftIn(InputSchema):
    name: str = Field("draft", min_length=1, max_length=MAX_NAME)
    condition: dict[str, Any] = Field(default_factory=dict, description=CONDITION_HELP)
    actions: list[dict[str, Any]] = Field(max_length=50, description=ACTIONS_HELP)
    stop_processing: bool = False


class TriggerTestIn(InputSchema):
    number: int = Field(description="The ticket to try the triggers on (you must see it).")
    event: EventKindName = Field("updated", description="What happened (`event.kind`).")
    actor_role: ActorRoleName = Field("agent", description="Who did it (`event.actor_role`).")
    body: str | None = Field(
        None,
        max_length=100_000,
        description="The message behind the event (`body`); default: the newest message.",
    )
    now: datetime | None = Field(None, description="When (time_of_day, weekday); default: now.")
    trigger: TriggerDraftIn | None = Field(
        None, description="Try this unsaved trigger alone instead of the active triggers."
    )


class FiringOut(Schema):
    trigger_id: int | None = Field(description="null for a draft.")
    name: str
    why: list[str] = Field(description="Each condition, whether it held, and the fact.")
    changes: dict[str, Any] = Field(description="Fields it would change; tags as {added, removed}.")
    effects: list[dict[str, Any]] = Field(description="Side effects it would ask for.")
    stopped: bool = Field(description="stop_processing would end the run here.")


class CheckOut(Schema):
    trigger_id: int | None
    name: str
    why: list[str] = Field(description="Checked against the ticket after the fired triggers.")


class TriggerTestOut(Schema):
    number: int
    event: str
    fired: list[FiringOut]
    not_fired: list[CheckOut]
    capped: bool = Field(description="The firing cap would end the run early.")

    @staticmethod
    def of(run: DryRun) -> "TriggerTestOut":
        return TriggerTestOut(
            number=run.ticket.number,
            event=run.event,
            fired=[
                FiringOut(
                    trigger_id=f.rule_id or None,
                    name=f.name,
                    why=list(f.why),
                    changes=f.changes,
                    effects=f.effects,
                    stopped=f.stopped,
                )
                for f in run.fired
            ],
            not_fired=[
                CheckOut(trigger_id=c.rule_id or None, name=c.name, why=list(c.why))
                for c in run.not_fired
            ],
            capped=run.capped,
        )
