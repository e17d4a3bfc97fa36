"""``manage.py db_backup_check``: pg_dump the database, pg_restore it into a scratch database,
compare the row count of every table, drop the scratch database.

The checks that run the tools need PostgreSQL and pg_dump/pg_restore (CI installs
postgresql-client); without the tools they skip, unless REQUIRE_WORKER is set, as in CI.
"""

import shutil
from io import StringIO

import psycopg
import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from core.management.commands import db_backup_check
from tests.conftest import _required

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="pg_dump and pg_restore work on PostgreSQL only (CI runs these against PostgreSQL)",
)


@pytest.fixture
def client_tools():
    missing = [name for name in db_backup_check.BINARIES if shutil.which(name) is None]
    if missing:
        if _required("REQUIRE_WORKER"):
            pytest.fail(f"REQUIRE_WORKER is set but {', '.join(missing)} is missing")
        pytest.skip(f"{', '.join(missing)} not installed (apt-get install postgresql-client)")


def check(*args):
    out, err = StringIO(), StringIO()
    try:
        call_command("db_backup_check", *args, stdout=out, stderr=err)
    except CommandError as error:
        return error.returncode, out.getvalue(), err.getvalue() + str(error)
    return 0, out.getvalue(), err.getvalue()


def scratch_databases():
    db = db_backup_check.Database(connection.settings_dict)
    with db.connect() as conn:
        rows = conn.execute(
            "SELECT datname FROM pg_database WHERE datname LIKE %s",
            [f"{db.name}_restore_check_%"],
        ).fetchall()
    return [row[0] for row in rows]


def test_it_refuses_sqlite_and_says_how_to_back_it_up(db, monkeypatch):
    monkeypatch.setattr(connection, "vendor", "sqlite")
    status, _out, err = check()
    assert status == db_backup_check.EXIT_CANNOT_RUN
    assert "works on PostgreSQL only; this database is sqlite" in err
    assert "copying the file while the app is stopped" in err


def test_it_names_the_client_tools_it_cannot_find(db, monkeypatch):
    monkeypatch.setattr(connection, "vendor", "postgresql")
    monkeypatch.setattr("shutil.which", lambda name: None)
    status, _out, err = check()
    assert status == db_backup_check.EXIT_CANNOT_RUN
    assert "pg_dump and pg_restore not found" in err
    assert "apt-get install postgresql-client" in err


def test_counts_that_differ_are_named_table_by_table():
    differences = db_backup_check.count_differences(
        {"public.a": 3, "public.b": 5, "public.c": 1}, {"public.a": 3, "public.b": 4}
    )
    assert [str(d) for d in differences] == [
        "public.b: 5 rows in the database, 4 rows after the restore",
        "public.c: 1 rows in the database, missing after the restore",
    ]


def test_a_scratch_name_stays_within_postgresqls_63_characters():
    name = db_backup_check.scratch_name("x" * 80, stamp=1764064800000000)
    assert len(name) == 63
    assert name.endswith("_restore_check_1764064800000000")


@postgres_only
@pytest.mark.usefixtures("client_tools")
def test_a_backup_that_restores_row_for_row_passes_and_leaves_no_scratch_database(
    transactional_db, care_plan_episode
):
    status, out, err = check()
    assert status == 0, err
    assert "OK:" in out
    assert "the same after the restore" in out
    assert scratch_databases() == []


@postgres_only
@pytest.mark.usefixtures("client_tools")
def test_verbose_output_lists_every_table_with_both_counts(transactional_db, care_plan_episode):
    status, out, _err = check("--verbosity", "2")
    assert status == 0
    [line] = [line for line in out.splitlines() if "public.patients_patient " in line]
    assert line.split()[1:] == ["1", "1"]


@postgres_only
@pytest.mark.usefixtures("client_tools")
def test_output_keeps_the_checked_dump(transactional_db, tmp_path):
    dump = tmp_path / "nightly.dump"
    status, out, _err = check("--output", str(dump))
    assert status == 0
    assert dump.read_bytes().startswith(b"PGDMP")
    assert f"dump kept at {dump}" in out


@postgres_only
@pytest.mark.usefixtures("client_tools")
def test_a_restore_that_lost_rows_fails_naming_the_table(transactional_db, monkeypatch):
    real_restore = db_backup_check.restore

    def lossy(db, dump, scratch):
        real_restore(db, dump, scratch)
        with db.connect(scratch) as conn:
            conn.execute(
                "DELETE FROM django_migrations WHERE id = (SELECT min(id) FROM django_migrations)"
            )

    monkeypatch.setattr(db_backup_check, "restore", lossy)
    status, _out, err = check()
    assert status == db_backup_check.EXIT_FAILED
    assert "DIFFERENT public.django_migrations:" in err
    assert "Backup check FAILED: 1 of" in err
    assert scratch_databases() == []


@postgres_only
@pytest.mark.usefixtures("client_tools")
def test_a_damaged_dump_fails_with_pg_restores_words(transactional_db, monkeypatch):
    real_dump = db_backup_check.dump_with_counts

    def truncated(db, dump):
        counts = real_dump(db, dump)
        data = dump.read_bytes()
        dump.write_bytes(data[: len(data) // 2])
        return counts

    monkeypatch.setattr(db_backup_check, "dump_with_counts", truncated)
    status, _out, err = check()
    assert status == db_backup_check.EXIT_FAILED
    assert "pg_restore failed" in err
    assert scratch_databases() == []


@postgres_only
def test_the_scratch_database_is_a_new_one_beside_the_configured(transactional_db):
    db = db_backup_check.Database(connection.settings_dict)
    with (
        db_backup_check.scratch_database(
            db, db_backup_check.scratch_name(db.name, stamp=1)
        ) as name,
        db.connect(name) as conn,
    ):
        assert conn.execute("SELECT current_database()").fetchone() == (name,)
        assert db_backup_check.row_counts(conn) == {}
    assert scratch_databases() == []
    with pytest.raises(psycopg.OperationalError):
        db.connect(name).close()
