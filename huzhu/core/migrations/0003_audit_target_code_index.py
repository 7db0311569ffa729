"""The audit target code gets a plain index (no LIKE twin on PostgreSQL). SQLite applies the
field change by rebuilding the table, which drops the append-only trigger of 0002: it is made
again here."""

from django.conf import settings
from django.db import migrations, models

SQLITE_TRIGGER = """
CREATE TRIGGER IF NOT EXISTS core_auditentry_no_update BEFORE UPDATE ON core_auditentry
BEGIN SELECT RAISE(ABORT, 'core_auditentry is append-only (UPDATE refused)'); END;
"""


def restore_sqlite_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(SQLITE_TRIGGER, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0002_audit_append_only"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        # (reversed, the field change rebuilds the table again: the trigger is restored after)
        migrations.RunPython(migrations.RunPython.noop, restore_sqlite_trigger),
        migrations.AlterField(
            model_name="auditentry",
            name="target_code",
            field=models.CharField(max_length=100, verbose_name="对象编号"),
        ),
        migrations.AddIndex(
            model_name="auditentry",
            index=models.Index(fields=["target_code"], name="audit_target_code"),
        ),
        migrations.RunPython(restore_sqlite_trigger, migrations.RunPython.noop),
    ]
