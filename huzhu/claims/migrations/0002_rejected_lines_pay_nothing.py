"""Lines of rejected claims were recorded with the amounts the engine proposed, so a rejected
claim counted as paid in later decisions once archived (C-6, P-7, P-9). Nothing was paid on
them: their amounts become 0 (the lines stay, with reason "rejected")."""

from typing import Any

from django.db import migrations


def pay_nothing(apps: Any, schema_editor: Any) -> None:
    line = apps.get_model("claims", "ClaimLine")
    # lines are written at approval or rejection; a claim never approved was rejected
    line.objects.filter(claim__approved_on__isnull=True, amount__gt=0).update(
        amount=0, reason="rejected"
    )


class Migration(migrations.Migration):
    dependencies = [("claims", "0001_claims")]

    operations = [migrations.RunPython(pay_nothing, migrations.RunPython.noop)]
