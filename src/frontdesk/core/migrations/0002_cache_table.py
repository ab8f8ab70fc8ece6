"""The table of the database cache, when settings.CACHES uses one (PostgreSQL without Redis).

`createcachetable` creates only the tables of configured DatabaseCache entries and skips
existing ones, so this is a no-op on SQLite or with Redis, and safe to run again.
"""

from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(create_cache_table, migrations.RunPython.noop)]
