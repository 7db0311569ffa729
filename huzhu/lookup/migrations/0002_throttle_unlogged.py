"""Rate-limit counters need no crash safety: on PostgreSQL the table is UNLOGGED, so counting a
look-up writes no WAL and its commit waits for no disk flush."""

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps


def unlogged(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE lookup_throttle SET UNLOGGED")


def logged(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE lookup_throttle SET LOGGED")


class Migration(migrations.Migration):
    dependencies = [("lookup", "0001_initial")]
    operations = [migrations.RunPython(unlogged, logged)]
