"""The topic of each recorded change (`tongket.audit.versions.topic_of`), so that pages which
never show a topic (the national lists and the organization pages: decisions,
self-assessments) keep their cache through its changes. Existing rows get the empty topic: a
page ignoring nothing keys on them as before; a page ignoring topics sees them as changes it
shows, which is safe."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_sealed_chain_and_path_changes")]

    operations = [
        migrations.AddField(
            model_name="pathchange",
            name="topic",
            field=models.CharField(blank=True, default="", max_length=64),
        ),
    ]
