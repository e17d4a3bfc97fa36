"""The plan's own event table goes: its rows are on the episode's one trail since 0006."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("detox", "0006_plan_events_into_episode_trail"),
    ]

    operations = [
        migrations.DeleteModel(name="PlanEvent"),
    ]
