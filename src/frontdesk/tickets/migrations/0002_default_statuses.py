"""One default status per category and the ticket number counter (first ticket #1001)."""

from django.db import migrations

DEFAULTS = [
    ("New", "new", "new", 0),
    ("Open", "open", "open", 10),
    ("Pending", "pending", "pending", 20),
    ("On hold", "on-hold", "on_hold", 30),
    ("Solved", "solved", "solved", 40),
    ("Closed", "closed", "closed", 50),
]


def create_defaults(apps, schema_editor):
    Status = apps.get_model("tickets", "Status")
    TicketCounter = apps.get_model("tickets", "TicketCounter")
    for name, slug, category, position in DEFAULTS:
        Status.objects.get_or_create(
            slug=slug,
            defaults={"name": name, "category": category, "position": position, "is_default": True},
        )
    TicketCounter.objects.get_or_create(name="ticket", defaults={"value": 1000})


class Migration(migrations.Migration):
    dependencies = [("tickets", "0001_initial")]
    operations = [migrations.RunPython(create_defaults, migrations.RunPython.noop)]
