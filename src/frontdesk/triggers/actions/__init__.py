"""Writers for triggers and time rules: running triggers on ticket events (`run`),
carrying out what rules planned (`apply`), the scheduler's time rule pass (`time_rules`),
and the admin actions that save them (`rules`)."""

from frontdesk.triggers.actions.apply import EFFECT_HANDLERS, register_effect
from frontdesk.triggers.actions.rules import (
    check_rule,
    delete_time_rule,
    delete_trigger,
    move_rule,
    save_time_rule,
    save_trigger,
)
from frontdesk.triggers.actions.run import MAX_FIRINGS, event_chain, run_triggers
from frontdesk.triggers.actions.time_rules import run_time_rules

__all__ = [
    "EFFECT_HANDLERS",
    "MAX_FIRINGS",
    "check_rule",
    "delete_time_rule",
    "delete_trigger",
    "event_chain",
    "move_rule",
    "register_effect",
    "run_time_rules",
    "run_triggers",
    "save_time_rule",
    "save_trigger",
]
