"""The on-hold status tickets wait in until their approval is decided (docs/approvals.md)."""

from django.db import migrations

SLUG = "awaiting-approval"
NAME = "Awaiting approval"


def create_status(apps, schema_editor):
    Status = apps.get_model("tickets", "Status")
    if Status.objects.filter(slug=SLUG).exists() or Status.objects.filter(name=NAME).exists():
        return
    Status.objects.create(name=NAME, slug=SLUG, category="on_hold", position=35)


class Migration(migrations.Migration):
    dependencies = [("approvals", "0001_initial"), ("tickets", "0002_default_statuses")]
    operations = [migrations.RunPython(create_status, migrations.RunPython.noop)]
