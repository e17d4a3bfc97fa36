"""``manage.py db_backup_check``: prove that a backup of the database restores, row for row.

1. Count the rows of every table in one read-only snapshot of the configured PostgreSQL
   database, and ``pg_dump`` (custom format) that same snapshot, so the counts match the dump
   even while the app keeps writing.
2. Create a scratch database and ``pg_restore`` the dump into it (one transaction, stopping at
   the first error).
3. Count the rows of every table there and compare.
4. Drop the scratch database, whatever happened.

Exit status: 0 the dump restored with the same tables and row counts; 1 the dump or the restore
failed, or a table differs; 2 the check cannot run here (SQLite, or ``pg_dump``/``pg_restore``
missing). ``--output PATH`` keeps the dump: a nightly backup that is known to restore. The
database user needs the CREATEDB privilege. Step by step and the restore itself:
docs/operations.md.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import psycopg
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connections
from psycopg import sql
from psycopg.conninfo import make_conninfo

EXIT_FAILED: Final = 1
EXIT_CANNOT_RUN: Final = 2
BINARIES: Final = ("pg_dump", "pg_restore")
MAX_NAME: Final = 63  # PostgreSQL's limit on a database name
TABLES_SQL: Final = """
    SELECT n.nspname, c.relname
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE c.relkind IN ('r', 'p')
      AND n.nspname NOT IN ('pg_catalog', 'information_schema')
      AND n.nspname NOT LIKE 'pg\\_toast%%' AND n.nspname NOT LIKE 'pg\\_temp%%'
    ORDER BY n.nspname, c.relname
"""


@dataclass(frozen=True)
class Difference:
    table: str
    source: int | None  # None: the table is missing on that side
    restored: int | None

    def __str__(self) -> str:
        source = "missing" if self.source is None else f"{self.source} rows"
        restored = "missing" if self.restored is None else f"{self.restored} rows"
        return f"{self.table}: {source} in the database, {restored} after the restore"


def count_differences(source: Mapping[str, int], restored: Mapping[str, int]) -> list[Difference]:
    """Every table whose row count differs, or that exists on one side only."""
    return [
        Difference(table, source.get(table), restored.get(table))
        for table in sorted(set(source) | set(restored))
        if source.get(table) != restored.get(table)
    ]


def scratch_name(source: str, *, stamp: int) -> str:
    """A fresh database name beside the source's, within PostgreSQL's 63 characters."""
    suffix = f"_restore_check_{stamp}"
    return source[: MAX_NAME - len(suffix)] + suffix


def row_counts(conn: psycopg.Connection[Any]) -> dict[str, int]:
    """``schema.table`` → exact row count, for every ordinary and partitioned table."""
    counts: dict[str, int] = {}
    for schema, table in conn.execute(TABLES_SQL).fetchall():
        query = sql.SQL("SELECT count(*) FROM {}.{}").format(
            sql.Identifier(schema), sql.Identifier(table)
        )
        row = conn.execute(query).fetchone()
        counts[f"{schema}.{table}"] = int(row[0]) if row else 0
    return counts


class Database:
    """Connection settings of the configured database, for psycopg and for the client tools."""

    def __init__(self, settings_dict: Mapping[str, Any]) -> None:
        self.name = str(settings_dict["NAME"])
        self.params = {
            "user": settings_dict.get("USER") or None,
            "password": settings_dict.get("PASSWORD") or None,
            "host": settings_dict.get("HOST") or None,
            "port": str(settings_dict["PORT"]) if settings_dict.get("PORT") else None,
            "sslmode": (settings_dict.get("OPTIONS") or {}).get("sslmode"),
        }

    def where(self) -> str:
        return f"{self.params['host'] or 'local socket'}:{self.params['port'] or 5432}"

    def connect(self, dbname: str | None = None) -> psycopg.Connection[Any]:
        params = {key: value for key, value in self.params.items() if value}
        return psycopg.connect(make_conninfo(dbname=dbname or self.name, **params), autocommit=True)

    def client_env(self) -> dict[str, str]:
        """The libpq variables for pg_dump/pg_restore: no password on a command line."""
        names = {"user": "PGUSER", "password": "PGPASSWORD", "host": "PGHOST", "port": "PGPORT"}
        env = {**os.environ, "PGDATABASE": self.name}
        env.update({names[k]: v for k, v in self.params.items() if v and k in names})
        if self.params["sslmode"]:
            env["PGSSLMODE"] = self.params["sslmode"]
        return env


def _run(command: list[str], env: Mapping[str, str]) -> None:
    done = subprocess.run(command, env=dict(env), capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        tail = "\n".join(done.stderr.strip().splitlines()[-10:])
        raise CommandError(
            f"{command[0]} failed (exit status {done.returncode}):\n{tail}", returncode=EXIT_FAILED
        )


def dump_with_counts(db: Database, dump: Path) -> dict[str, int]:
    """Dump the database and count its rows, both in the same snapshot."""
    with db.connect() as conn:
        conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        row = conn.execute("SELECT pg_export_snapshot()").fetchone()
        snapshot = str(row[0]) if row else ""
        counts = row_counts(conn)
        # The exporting transaction stays open until pg_dump has run on its snapshot.
        _run(
            [
                "pg_dump",
                "--format=custom",
                "--no-password",
                f"--snapshot={snapshot}",
                f"--file={dump}",
            ],
            db.client_env(),
        )
        conn.execute("COMMIT")
    return counts


def restore(db: Database, dump: Path, scratch: str) -> None:
    """Restore the dump into the scratch database: all of it, or an error."""
    command = ["pg_restore", "--no-password", "--no-owner", "--no-privileges", "--exit-on-error"]
    _run([*command, "--single-transaction", f"--dbname={scratch}", str(dump)], db.client_env())


@contextmanager
def scratch_database(db: Database, name: str) -> Iterator[str]:
    """A new, empty database for the restore, dropped on the way out whatever happened."""
    with db.connect() as conn:
        conn.execute(sql.SQL("CREATE DATABASE {} TEMPLATE template0").format(sql.Identifier(name)))
    try:
        yield name
    finally:
        with db.connect() as conn:
            force = sql.SQL(" WITH (FORCE)") if conn.info.server_version >= 130000 else sql.SQL("")
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {}{}").format(sql.Identifier(name), force)
            )


def restored_counts(db: Database, scratch: str) -> dict[str, int]:
    with db.connect(scratch) as conn:
        return row_counts(conn)


class Command(BaseCommand):
    help = (
        "pg_dump the PostgreSQL database, pg_restore it into a scratch database, compare the row "
        "count of every table, drop the scratch database. Exit 0: identical; 1: failed or "
        "different; 2: cannot run here (SQLite, or no pg_dump/pg_restore)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--output",
            type=Path,
            help="Keep the checked dump at this path (custom format; pg_restore reads it).",
        )
        parser.add_argument(
            "--database", default="default", help="The database alias to check (default: default)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        db = self._database(options["database"])
        with tempfile.TemporaryDirectory(prefix="db-backup-check-") as tmp:
            dump = options["output"] or Path(tmp) / f"{db.name}.dump"
            self.stdout.write(f'Backup check of database "{db.name}" on {db.where()}')
            source = dump_with_counts(db, dump)
            self.stdout.write(f"  dump: {dump.stat().st_size:,} bytes, custom format")
            name = scratch_name(db.name, stamp=time.time_ns() // 1000)
            with scratch_database(db, name):
                self.stdout.write(f'  restoring into scratch database "{name}"')
                restore(db, dump, name)
                restored = restored_counts(db, name)
            self.stdout.write(f'  scratch database "{name}" dropped')
            if options["output"]:
                self.stdout.write(f"  dump kept at {dump}")
        self._report(source, restored, verbosity=options["verbosity"])

    def _database(self, alias: str) -> Database:
        connection = connections[alias]
        if connection.vendor != "postgresql":
            raise CommandError(
                f"db_backup_check works on PostgreSQL only; this database is {connection.vendor} "
                f"({connection.settings_dict['NAME']}). Back up the embedded SQLite database by "
                "copying the file while the app is stopped (docs/operations.md).",
                returncode=EXIT_CANNOT_RUN,
            )
        missing = [name for name in BINARIES if shutil.which(name) is None]
        if missing:
            raise CommandError(
                f"{' and '.join(missing)} not found: install the PostgreSQL client tools of the "
                "server's major version or newer (Debian: apt-get install postgresql-client).",
                returncode=EXIT_CANNOT_RUN,
            )
        return Database(connection.settings_dict)

    def _report(
        self, source: Mapping[str, int], restored: Mapping[str, int], *, verbosity: int
    ) -> None:
        if verbosity >= 2:
            self.stdout.write(f"  {'table':<60} {'database':>10} {'restored':>10}")
            for table in sorted(source):
                self.stdout.write(
                    f"  {table:<60} {source[table]:>10} {restored.get(table, '-'):>10}"
                )
        differences = count_differences(source, restored)
        for difference in differences:
            self.stderr.write(self.style.ERROR(f"  DIFFERENT {difference}"))
        if differences:
            raise CommandError(
                f"Backup check FAILED: {len(differences)} of {len(source)} tables differ after "
                "the restore.",
                returncode=EXIT_FAILED,
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"OK: {len(source)} tables, {sum(source.values()):,} rows, the same after the "
                "restore."
            )
        )
