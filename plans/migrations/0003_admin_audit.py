# Issue 12, item 3: the administration log and one-time passwords (hand-written beside helper D's
# 0002_discharge_safety, which it follows).

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("detox", "0002_discharge_safety"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="AdminAuditEntry",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("at", models.DateTimeField(db_index=True, verbose_name="at")),
                (
                    "actor_id",
                    models.BigIntegerField(blank=True, null=True, verbose_name="actor id"),
                ),
                ("actor", models.CharField(blank=True, max_length=150, verbose_name="by")),
                (
                    "action",
                    models.CharField(
                        choices=[
                            ("user_added", "account created"),
                            ("user_changed", "account changed"),
                            ("user_deleted", "account deleted"),
                            ("password_set", "one-time password set"),
                            ("password_changed", "password changed by its holder"),
                            ("unit_staff_changed", "unit staff changed"),
                            ("token_revoked", "API token revoked"),
                        ],
                        max_length=24,
                        verbose_name="action",
                    ),
                ),
                (
                    "subject_id",
                    models.BigIntegerField(blank=True, null=True, verbose_name="subject id"),
                ),
                ("subject", models.CharField(max_length=150, verbose_name="account or unit")),
                ("details", models.JSONField(blank=True, default=dict, verbose_name="details")),
            ],
            options={
                "verbose_name": "administration log entry",
                "verbose_name_plural": "administration log",
                "ordering": ["-at", "-pk"],
            },
        ),
        migrations.CreateModel(
            name="PasswordChangeRequired",
            fields=[
                (
                    "user",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="password_change_required",
                        serialize=False,
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="user",
                    ),
                ),
                ("set_at", models.DateTimeField(verbose_name="set at")),
                ("set_by", models.CharField(max_length=150, verbose_name="set by")),
            ],
            options={
                "verbose_name": "password change required",
                "verbose_name_plural": "password changes required",
            },
        ),
    ]
