# The administration log and one-time passwords now belong to accounts (its migration 0001 takes
# over the tables, which keep their names); here they leave the plans app's migration state only.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("detox", "0007_delete_planevent"),
        ("accounts", "0001_admin_log_from_plans"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="AdminAuditEntry"),
                migrations.DeleteModel(name="PasswordChangeRequired"),
            ],
            database_operations=[],
        ),
    ]
