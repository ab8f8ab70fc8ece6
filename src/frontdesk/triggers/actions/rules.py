"""Admin actions on triggers and time rules: save, delete, move. Administrators only.

Each rule is checked here with the engine's parsers, once for the admin pages and the API
alike: a `RuleError` becomes `Invalid("invalid_rule")` whose details say which part
(`condition` or `actions`) and where (`path`, e.g. `condition.all[1].value`). A change to
triggers drops the cached triggers when it commits.
"""

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max

from frontdesk.accounts.models import User
from frontdesk.automation.errors import RuleError
from frontdesk.core import clock
from frontdesk.core.errors import Invalid, NotFound
from frontdesk.triggers.access import require_automation_admin
from frontdesk.triggers.errors import TriggerErrorCode
from frontdesk.triggers.models import TimeRule, Trigger
from frontdesk.triggers.rulebook import canonical, forget_triggers_after_commit

MAX_NAME = 100
MAX_POSITION = 1_000_000

type RuleModel = type[Trigger] | type[TimeRule]


def rule_invalid(exc: RuleError) -> Invalid:
    """The engine's refusal as a domain error: code `invalid_rule`, details
    `{"part": "condition" | "actions", "path": "condition.all[1].value"}`."""
    part = exc.path.split(".", 1)[0].split("[", 1)[0]
    return Invalid(TriggerErrorCode.INVALID_RULE, str(exc), {"part": part, "path": exc.path})


def check_rule(
    condition: Any, actions: Any, *, time_rule: bool = False
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The canonical condition and actions, or `invalid_rule`."""
    try:
        return canonical(condition, actions, time_rule=time_rule)
    except RuleError as exc:
        raise rule_invalid(exc) from exc


def save_trigger(
    *,
    actor: User,
    name: str,
    condition: Mapping[str, Any],
    actions: Sequence[Mapping[str, Any]],
    position: int | None = None,
    is_active: bool = True,
    stop_processing: bool = False,
    rule_id: int | None = None,
    now: datetime | None = None,
) -> Trigger:
    """Create a trigger (last unless `position` says otherwise) or replace `rule_id`."""
    rule = _save(
        Trigger,
        actor=actor,
        name=name,
        condition=condition,
        actions=actions,
        position=position,
        is_active=is_active,
        rule_id=rule_id,
        now=now,
        extra={"stop_processing": bool(stop_processing)},
    )
    assert isinstance(rule, Trigger)
    return rule


def save_time_rule(
    *,
    actor: User,
    name: str,
    condition: Mapping[str, Any],
    actions: Sequence[Mapping[str, Any]],
    position: int | None = None,
    is_active: bool = True,
    rule_id: int | None = None,
    now: datetime | None = None,
) -> TimeRule:
    """Create a time rule or replace `rule_id`. Its condition must bound the time
    (`hours_since.<event>` gt/gte at the top level)."""
    rule = _save(
        TimeRule,
        actor=actor,
        name=name,
        condition=condition,
        actions=actions,
        position=position,
        is_active=is_active,
        rule_id=rule_id,
        now=now,
        extra={},
    )
    assert isinstance(rule, TimeRule)
    return rule


def _save(
    model: RuleModel,
    *,
    actor: User,
    name: str,
    condition: Mapping[str, Any],
    actions: Sequence[Mapping[str, Any]],
    position: int | None,
    is_active: bool,
    rule_id: int | None,
    now: datetime | None,
    extra: Mapping[str, Any],
) -> Trigger | TimeRule:
    require_automation_admin(actor)
    now = now or clock.now()
    name = _name(name)
    clean_condition, clean_actions = check_rule(condition, actions, time_rule=model is TimeRule)
    if position is not None and not 0 <= position <= MAX_POSITION:
        raise Invalid(TriggerErrorCode.INVALID_ORDER, f"Position is 0 to {MAX_POSITION}.")
    with transaction.atomic():
        rule = _rule(model, rule_id, lock=True) if rule_id else model(created_at=now)
        if model.objects.filter(name=name).exclude(pk=rule.pk).exists():
            raise Invalid(TriggerErrorCode.DUPLICATE_NAME, f"A rule named {name!r} exists.")
        if position is None and rule._state.adding:
            highest = model.objects.aggregate(highest=Max("position"))["highest"]
            position = 0 if highest is None else highest + 1
        rule.name, rule.condition, rule.actions = name, clean_condition, clean_actions
        rule.is_active = bool(is_active)
        for key, value in extra.items():
            setattr(rule, key, value)
        if position is not None:
            rule.position = position
        rule.updated_at = now
        try:
            with transaction.atomic():
                rule.save()
        except IntegrityError as exc:  # a concurrent save took the name first
            raise Invalid(
                TriggerErrorCode.DUPLICATE_NAME, f"A rule named {name!r} exists."
            ) from exc
        forget_triggers_after_commit()
    return rule


def delete_trigger(*, actor: User, rule_id: int) -> None:
    """Delete a trigger. Tickets it changed keep their events, and its runs their name."""
    _delete(Trigger, actor=actor, rule_id=rule_id)


def delete_time_rule(*, actor: User, rule_id: int) -> None:
    """Delete a time rule (and its record of which episodes it acted in)."""
    _delete(TimeRule, actor=actor, rule_id=rule_id)


def _delete(model: RuleModel, *, actor: User, rule_id: int) -> None:
    require_automation_admin(actor)
    with transaction.atomic():
        _rule(model, rule_id, lock=True).delete()
        forget_triggers_after_commit()


def move_rule(
    model: RuleModel, *, actor: User, rule_id: int, offset: int, now: datetime | None = None
) -> None:
    """Move a rule `offset` places up (negative) or down; the admin pages' arrows."""
    require_automation_admin(actor)
    now = now or clock.now()
    with transaction.atomic():
        rows: list[Any] = list(model.objects.select_for_update().order_by("position", "pk"))
        ids = [row.pk for row in rows]
        if rule_id not in ids:
            raise NotFound("No such rule.")
        index = ids.index(rule_id)
        target = max(0, min(len(rows) - 1, index + offset))
        rows.insert(target, rows.pop(index))
        changed = []
        for position, row in enumerate(rows):
            if row.position != position:
                row.position, row.updated_at = position, now
                changed.append(row)
        model.objects.bulk_update(changed, ["position", "updated_at"])
        forget_triggers_after_commit()


def _rule(model: RuleModel, rule_id: int, *, lock: bool = False) -> Trigger | TimeRule:
    rows = model.objects.select_for_update() if lock else model.objects.all()
    rule = rows.filter(pk=rule_id).first()
    if rule is None:
        raise NotFound("No such rule.")
    return rule


def _name(name: str) -> str:
    name = name.strip()
    if not name or len(name) > MAX_NAME:
        raise Invalid(TriggerErrorCode.INVALID_NAME, f"A name needs 1 to {MAX_NAME} characters.")
    return name
