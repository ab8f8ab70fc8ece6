"""The time rules a new help desk starts with (docs/automation.md, "Defaults"). Auto-close
of solved tickets stays the `FRONTDESK_AUTO_CLOSE_DAYS` job and is not duplicated here."""

from django.db import migrations
from django.utils import timezone

PENDING = {"field": "status_category", "op": "equals", "value": "pending"}

DEFAULTS = [
    (
        "Remind the customer after 5 days pending",
        {"all": [PENDING, {"field": "hours_since.status_changed", "op": "gte", "value": 120}]},
        [{"type": "send_email", "to": "requester", "template": "pending_reminder"}],
    ),
    (
        "Solve after 10 days pending",
        {"all": [PENDING, {"field": "hours_since.status_changed", "op": "gte", "value": 240}]},
        [
            {"type": "set_field", "field": "status", "value": "solved"},
            {
                "type": "add_note",
                "text": "Solved automatically: the customer has not answered for 10 days.",
            },
        ],
    ),
    (
        "Tell supervisors about unassigned urgent tickets",
        {
            "all": [
                {"field": "priority", "op": "equals", "value": "urgent"},
                {"field": "assignee_id", "op": "is_not_set"},
                {"field": "status_category", "op": "in", "value": ["new", "open"]},
                {"field": "hours_since.created", "op": "gte", "value": 0.5},
            ]
        },
        [{"type": "send_email", "to": "supervisors", "template": "unassigned_urgent"}],
    ),
]


def create_defaults(apps, schema_editor):
    TimeRule = apps.get_model("triggers", "TimeRule")
    now = timezone.now()
    for position, (name, condition, actions) in enumerate(DEFAULTS):
        TimeRule.objects.get_or_create(
            name=name,
            defaults={
                "position": position,
                "condition": condition,
                "actions": actions,
                "created_at": now,
                "updated_at": now,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("triggers", "0001_initial")]

    operations = [migrations.RunPython(create_defaults, migrations.RunPython.noop)]
