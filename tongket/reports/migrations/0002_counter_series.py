"""Document numbers run in a series: the calendar year (HD 36) or, from 2026, the committee's
term; existing counters keep their year as their series."""

from django.db import migrations, models


def series_from_year(apps, schema_editor):
    counter = apps.get_model("reports", "DocumentCounter")
    for row in counter.objects.all().only("pk", "year"):
        counter.objects.filter(pk=row.pk).update(series=str(row.year))


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="documentcounter",
            name="series",
            field=models.CharField(default="", max_length=20),
            preserve_default=False,
        ),
        migrations.RunPython(series_from_year, migrations.RunPython.noop),
        migrations.RemoveConstraint(
            model_name="documentcounter",
            name="one_counter_per_issuer_kind_year",
        ),
        migrations.AddConstraint(
            model_name="documentcounter",
            constraint=models.UniqueConstraint(
                fields=("organization", "kind", "series"), name="one_counter_per_series"
            ),
        ),
    ]
