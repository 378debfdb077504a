"""Seed the award forms from the domain catalog (`tongket.awards.domain.AWARD_FORMS`).

Later catalog changes reach the table through `services.sync_award_forms` (run by the demo).
"""

from __future__ import annotations

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps


def seed(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    from tongket.awards.domain import AWARD_FORMS

    model = apps.get_model("awards", "AwardForm")
    for order, form in enumerate(AWARD_FORMS.values()):
        model.objects.update_or_create(code=form.code, defaults=form.row(order))


class Migration(migrations.Migration):
    dependencies = [("awards", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
