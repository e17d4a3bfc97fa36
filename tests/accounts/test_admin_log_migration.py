"""The administration log moving from the plans app (label ``detox``) to accounts loses nothing.

A database at the migrations before the move (detox 0007, accounts unmigrated) is given a log entry,
a one-time password and a role group holding the permission to read the log; after migrating
forward the same rows are read through ``accounts.models``, the content type carries the new
label, and the group still holds the permission (now ``accounts.view_adminauditentry``). Migrating
back restores the old label. Runs on SQLite and PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from accounts.models import AdminAuditAction, AdminAuditEntry, PasswordChangeRequired

pytestmark = pytest.mark.django_db(transaction=True)

MOVE = {"detox": "0007_delete_planevent", "accounts": None}
AT = dt.datetime(2026, 11, 20, 9, 0, tzinfo=dt.UTC)


def _latest() -> list[tuple[str, str | None]]:
    return list(MigrationExecutor(connection).loader.graph.leaf_nodes())


def _before() -> list[tuple[str, str | None]]:
    """Every app at its latest migration except the two the move touches."""
    return [(app, MOVE.get(app, name)) for app, name in _latest()]


def _migrate(targets: list[tuple[str, str | None]]) -> Any:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    applied = [(app, name) for app, name in targets if name is not None]
    return MigrationExecutor(connection).loader.project_state(applied).apps


def _fill_before_the_move(apps: Any) -> None:
    user = apps.get_model("auth", "User").objects.create(username="lege")
    apps.get_model("detox", "AdminAuditEntry").objects.create(
        at=AT,
        actor_id=None,
        actor="fagansvarlig",
        action="password_set",
        subject_id=user.pk,
        subject="lege",
        details={"by": "fagansvarlig"},
    )
    apps.get_model("detox", "PasswordChangeRequired").objects.create(
        user=user, set_at=AT, set_by="fagansvarlig"
    )
    content_type = apps.get_model("contenttypes", "ContentType").objects.get_or_create(
        app_label="detox", model="adminauditentry"
    )[0]
    permission = apps.get_model("auth", "Permission").objects.get_or_create(
        content_type=content_type,
        codename="view_adminauditentry",
        defaults={"name": "Can view administration log entry"},
    )[0]
    group = apps.get_model("auth", "Group").objects.create(name="log-readers")
    group.permissions.add(permission)


def test_moving_the_administration_log_to_accounts_keeps_its_rows_and_permissions():
    try:
        _fill_before_the_move(_migrate(_before()))
        _migrate(_latest())
        ContentType.objects.clear_cache()

        entry = AdminAuditEntry.objects.get()
        assert (entry.actor, entry.action, entry.subject, entry.details) == (
            "fagansvarlig",
            AdminAuditAction.PASSWORD_SET,
            "lege",
            {"by": "fagansvarlig"},
        )
        assert PasswordChangeRequired.objects.get().set_by == "fagansvarlig"
        assert not ContentType.objects.filter(app_label="detox", model="adminauditentry").exists()
        held = Group.objects.get(name="log-readers").permissions.get()
        assert (held.content_type.app_label, held.codename) == ("accounts", "view_adminauditentry")

        back = _migrate(_before())
        old_type = back.get_model("contenttypes", "ContentType").objects.get(
            model="adminauditentry"
        )
        assert old_type.app_label == "detox"
        assert back.get_model("detox", "AdminAuditEntry").objects.count() == 1
    finally:
        # Whatever happened, leave the database at the latest migrations for the other tests.
        _migrate(_latest())
        ContentType.objects.clear_cache()
