"""Admin actions on routing rules: save, delete, reorder. Administrators only.

Each rule is checked here with the engine's parsers, once for the admin pages and the API
alike: a `RuleError` becomes `Invalid("invalid_rule")` whose details say which part
(`condition` or `actions`) and where (`path`, e.g. `condition.all[1].value`). A change drops
the cached rules when it commits.
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
from frontdesk.routing.access import require_rules_admin
from frontdesk.routing.errors import RoutingErrorCode
from frontdesk.routing.models import RoutingRule
from frontdesk.routing.rulebook import canonical_rule, forget_rules_after_commit

MAX_NAME = 100
MAX_POSITION = 1_000_000


def check_rule(condition: Any, actions: Any) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The canonical condition and actions, or `rule_invalid`."""
    try:
        return canonical_rule(condition, actions)
    except RuleError as exc:
        raise rule_invalid(exc) from exc


def rule_invalid(exc: RuleError) -> Invalid:
    """The engine's refusal as a domain error: code `invalid_rule`, details
    `{"part": "condition" | "actions", "path": "condition.all[1].value"}`."""
    part = exc.path.split(".", 1)[0].split("[", 1)[0]
    return Invalid(RoutingErrorCode.INVALID_RULE, str(exc), {"part": part, "path": exc.path})


def save_routing_rule(
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
) -> RoutingRule:
    """Create a rule (at the end unless `position` says otherwise) or replace `rule_id`
    (keeping its position unless given)."""
    require_rules_admin(actor)
    now = now or clock.now()
    name = _name(name)
    clean_condition, clean_actions = check_rule(condition, actions)
    if position is not None and not 0 <= position <= MAX_POSITION:
        raise Invalid(RoutingErrorCode.INVALID_ORDER, f"Position is 0 to {MAX_POSITION}.")
    with transaction.atomic():
        rule = _rule(rule_id, lock=True) if rule_id else RoutingRule(created_at=now)
        if RoutingRule.objects.filter(name=name).exclude(pk=rule.pk).exists():
            raise Invalid(RoutingErrorCode.DUPLICATE_NAME, f"A rule named {name!r} exists.")
        if position is None and rule._state.adding:
            position = _next_position()
        rule.name, rule.condition, rule.actions = name, clean_condition, clean_actions
        rule.is_active, rule.stop_processing = bool(is_active), bool(stop_processing)
        if position is not None:
            rule.position = position
        rule.updated_at = now
        try:
            with transaction.atomic():
                rule.save()
        except IntegrityError as exc:  # a concurrent save took the name first
            raise Invalid(
                RoutingErrorCode.DUPLICATE_NAME, f"A rule named {name!r} exists."
            ) from exc
        forget_rules_after_commit()
    return rule


def delete_routing_rule(*, actor: User, rule_id: int) -> None:
    """Delete a rule. Tickets it routed keep their events (which name it)."""
    require_rules_admin(actor)
    with transaction.atomic():
        _rule(rule_id, lock=True).delete()
        forget_rules_after_commit()


def reorder_routing_rules(
    *, actor: User, rule_ids: Sequence[int], now: datetime | None = None
) -> list[RoutingRule]:
    """Put every rule in the order given (positions 0, 1, 2...). `rule_ids` must list each
    rule exactly once, so a stale page cannot silently drop a rule from the order."""
    require_rules_admin(actor)
    now = now or clock.now()
    with transaction.atomic():
        rules = {r.pk: r for r in RoutingRule.objects.select_for_update().order_by("pk")}
        if sorted(rule_ids) != sorted(rules):
            raise Invalid(
                RoutingErrorCode.INVALID_ORDER,
                "List every routing rule exactly once (the rules changed: reload).",
                {"rule_ids": sorted(rules)},
            )
        ordered = [rules[pk] for pk in rule_ids]
        changed = []
        for position, rule in enumerate(ordered):
            if rule.position != position:
                rule.position, rule.updated_at = position, now
                changed.append(rule)
        RoutingRule.objects.bulk_update(changed, ["position", "updated_at"])
        forget_rules_after_commit()
    return ordered


def move_routing_rule(
    *, actor: User, rule_id: int, offset: int, now: datetime | None = None
) -> list[RoutingRule]:
    """Move a rule `offset` places up (negative) or down in the run order; the admin page's
    arrows. At the top or bottom already, nothing moves."""
    require_rules_admin(actor)
    with transaction.atomic():
        ids = list(
            RoutingRule.objects.select_for_update()
            .order_by("position", "pk")
            .values_list("pk", flat=True)
        )
        if rule_id not in ids:
            raise NotFound("No such routing rule.")
        index = ids.index(rule_id)
        target = max(0, min(len(ids) - 1, index + offset))
        ids.insert(target, ids.pop(index))
        return reorder_routing_rules(actor=actor, rule_ids=ids, now=now)


def _rule(rule_id: int, *, lock: bool = False) -> RoutingRule:
    rows = RoutingRule.objects.select_for_update() if lock else RoutingRule.objects.all()
    rule = rows.filter(pk=rule_id).first()
    if rule is None:
        raise NotFound("No such routing rule.")
    return rule


def _name(name: str) -> str:
    name = name.strip()
    if not name or len(name) > MAX_NAME:
        raise Invalid(RoutingErrorCode.INVALID_NAME, f"A name needs 1 to {MAX_NAME} characters.")
    return name


def _next_position() -> int:
    highest = RoutingRule.objects.aggregate(highest=Max("position"))["highest"]
    return 0 if highest is None else highest + 1
