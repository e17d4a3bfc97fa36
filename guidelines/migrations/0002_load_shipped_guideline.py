"""Load the shipped guideline and detox-unit directory (guidelines/data/*.json).

Runs the same idempotent loader as ``manage.py load_guideline`` with this migration's historical
models; see guidelines/loading.py for how a later shipped revision meets an administrator's edit.
"""

from django.db import migrations
from django.utils import timezone


def load_shipped_guideline(apps, schema_editor):
    from guidelines.loading import guideline_load, read_shipped_data

    shipped = read_shipped_data()
    guideline_load(data=shipped.guideline, units=shipped.units, now=timezone.now(), apps=apps)


class Migration(migrations.Migration):
    dependencies = [
        ("guidelines", "0001_guideline_editions_recommendations_detox_units"),
    ]

    operations = [
        migrations.RunPython(load_shipped_guideline, migrations.RunPython.noop),
    ]
