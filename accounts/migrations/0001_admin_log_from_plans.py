# The administration log and one-time passwords move from the plans app (label "detox") to accounts,
# with the code that writes them. Their tables keep their names (db_table), so this migration changes
# the migration state only; the content types move to the new label so that the permission rows (and
# the role groups that hold them) and admin log entries stay attached.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

MOVED = ("adminauditentry", "passwordchangerequired")


def move_content_types(apps, schema_editor, *, source="detox", target="accounts"):
    content_type = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    for model in MOVED:
        content_type.objects.using(db).filter(app_label=target, model=model).delete()
        content_type.objects.using(db).filter(app_label=source, model=model).update(
            app_label=target
        )


def move_content_types_back(apps, schema_editor):
    move_content_types(apps, schema_editor, source="accounts", target="detox")


STATE = [
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
            "db_table": "detox_adminauditentry",
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
            "db_table": "detox_passwordchangerequired",
            "verbose_name": "password change required",
            "verbose_name_plural": "password changes required",
        },
    ),
]


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("detox", "0007_delete_planevent"),
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=STATE, database_operations=[]),
        migrations.RunPython(move_content_types, move_content_types_back),
    ]
