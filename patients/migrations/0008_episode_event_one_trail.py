"""The episode's history becomes the one audit trail (issue 13): who, when, what, old → new, why.

Adds ``subject`` (what changed), ``old`` and ``new`` (the values before and after) to
``EpisodeEvent``, widens ``kind`` to the plan's kinds (``line_accepted``, ``care_plan_ready``...)
and lets ``at`` be given by the service (the plan's services pass the time of the change).
The plan's own event table is moved into this one by ``detox`` (plans) migration 0006.
"""

import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("patients", "0007_access_requests"),
    ]

    operations = [
        migrations.AddField(
            model_name="episodeevent",
            name="new",
            field=models.JSONField(blank=True, null=True, verbose_name="after"),
        ),
        migrations.AddField(
            model_name="episodeevent",
            name="old",
            field=models.JSONField(blank=True, null=True, verbose_name="before"),
        ),
        migrations.AddField(
            model_name="episodeevent",
            name="subject",
            field=models.CharField(blank=True, max_length=120, verbose_name="what"),
        ),
        migrations.AlterField(
            model_name="episodeevent",
            name="at",
            field=models.DateTimeField(default=django.utils.timezone.now, verbose_name="at"),
        ),
        migrations.AlterField(
            model_name="episodeevent",
            name="kind",
            field=models.CharField(
                choices=[
                    ("created", "episode created"),
                    ("started", "episode started"),
                    ("discharged", "patient discharged"),
                    ("interrupted", "episode interrupted"),
                    ("intake_saved", "intake saved"),
                    ("intake_amended", "intake amended"),
                    ("level_decided", "treatment level decided"),
                    ("line_accepted", "medication accepted"),
                    ("line_adjusted", "medication adjusted"),
                    ("line_removed", "medication removed"),
                    ("taper_accepted", "taper accepted"),
                    ("discharge_updated", "discharge checklist updated"),
                    ("care_plan_requested", "care plan requested"),
                    ("care_plan_ready", "care plan ready"),
                    ("care_plan_failed", "care plan failed"),
                ],
                max_length=24,
                verbose_name="event",
            ),
        ),
    ]
