"""Test databases: a migrated SQLite file and, when APPORTION_TEST_DATABASE_URL is set, a PostgreSQL database.

The migrations run once per backend and test process, into a template; every fresh database is a copy of it (the
SQLite file copied with the backup API, `CREATE DATABASE ... TEMPLATE` on PostgreSQL), which is what `upgrade` would
have built. tests/store/test_migrations.py still migrates from nothing, step by step.
"""

from __future__ import annotations

import atexit
import os
import shutil
import sqlite3
import tempfile
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path

from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

from apportion.store.database import Database, DbSession, create_private_file
from apportion.store.migrate import upgrade
from apportion.store.models import Base
from apportion.store.models.revision import DataRevision
from apportion.store.seed_data import TABLES

POSTGRES_URL = os.environ.get("APPORTION_TEST_DATABASE_URL")
SEEDED = dict(TABLES)


def backends() -> list[str]:
    """The database kinds this run covers."""
    return ["sqlite", "postgresql"] if POSTGRES_URL else ["sqlite"]


@cache
def _sqlite_template() -> Path:
    """A SQLite file migrated to head, once per process (removed when the process exits)."""
    folder = Path(tempfile.mkdtemp(prefix="apportion-template-"))
    atexit.register(shutil.rmtree, folder, True)
    path = folder / "template.db"
    db = Database(f"sqlite:///{path}")
    upgrade(db.engine)
    db.dispose()
    return path


def copy_of_template(path: Path) -> None:
    """Write a database migrated to head at `path` (a SQLite file that does not exist yet)."""
    create_private_file(f"sqlite:///{path}")  # 0600, as Database would create it
    template = sqlite3.connect(f"file:{_sqlite_template()}?mode=ro", uri=True)
    copy = sqlite3.connect(path)
    try:
        template.backup(copy)
    finally:
        copy.close()
        template.close()


def _admin() -> Engine:
    assert POSTGRES_URL is not None
    return create_engine(make_url(POSTGRES_URL), isolation_level="AUTOCOMMIT")


@cache
def _postgres_template() -> str:
    """A PostgreSQL database migrated to head, once per process, that fresh databases are created from; dropped
    when the process exits. Nothing stays connected to it (CREATE DATABASE ... TEMPLATE needs that)."""
    name = f"apportion_template_{uuid.uuid4().hex[:10]}"
    admin = _admin()
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    atexit.register(_drop, name)
    assert POSTGRES_URL is not None
    db = Database(make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False))
    try:
        upgrade(db.engine)
    finally:
        db.dispose()
        admin.dispose()
    return name


def _drop(name: str) -> None:
    admin = _admin()
    try:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()


def _postgres_db(name: str) -> Database:
    assert POSTGRES_URL is not None
    return Database(make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False))


@contextmanager
def postgres_template(prepare: Callable[[Database], None]) -> Iterator[str]:
    """A PostgreSQL template of our own: a copy of the migrated one that `prepare` has set up further; dropped at
    the end. `prepare` must leave nothing connected to it (CREATE DATABASE ... TEMPLATE needs that)."""
    name = f"apportion_template_{uuid.uuid4().hex[:10]}"
    admin = _admin()
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{_postgres_template()}"'))
    admin.dispose()
    try:
        db = _postgres_db(name)
        try:
            prepare(db)
        finally:
            db.dispose()
        yield name
    finally:
        _drop(name)


@contextmanager
def fresh_database(kind: str, tmp_dir: str, template: str | None = None) -> Iterator[Database]:
    """Create a database of `kind` migrated to head (a copy of the template), and drop it afterwards.

    On PostgreSQL, `template` names another template to copy (one `postgres_template` made)."""
    if kind == "sqlite":
        path = Path(tmp_dir) / f"apportion-test-{uuid.uuid4().hex[:8]}.db"
        copy_of_template(path)
        db = Database(f"sqlite:///{path}")
        try:
            yield db
        finally:
            db.dispose()
        return
    assert POSTGRES_URL is not None
    template = template or _postgres_template()
    name = f"apportion_test_{uuid.uuid4().hex[:10]}"
    admin = _admin()
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
    db = _postgres_db(name)
    try:
        yield db
    finally:
        db.dispose()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def clean(db: Database) -> None:
    """Delete every row a test wrote, keeping the seeded reference rows; restart keys (sequences, sqlite_sequence).

    The statements are written once per database and sent as one script (sqlite3's `executescript`, one simple
    query on PostgreSQL): a DELETE per table through the ORM cost 11 ms of CPU on SQLite and 26 ms on PostgreSQL,
    after every one of about two thousand tests."""
    script = _CLEAN_SCRIPTS.get(db.url)
    if script is None:
        script = _CLEAN_SCRIPTS[db.url] = _clean_script(db)
    with db.engine.connect() as conn:
        raw = conn.connection.dbapi_connection
        assert raw is not None
        if db.engine.dialect.name == "sqlite":
            raw.executescript(f"BEGIN; {script} COMMIT;")  # type: ignore[attr-defined]
        else:
            conn.exec_driver_sql(script)
            conn.commit()


_CLEAN_SCRIPTS: dict[str, str] = {}
"""Per database URL, the clean-up script `clean` runs."""


def _clean_script(db: Database) -> str:
    """The DELETEs (children first) and key restarts that bring `db` back to its seeded state."""
    statements: list[str] = []
    for table in reversed(Base.metadata.sorted_tables):
        if table is DataRevision.__table__:  # schema state, like the reference rows: it only moves forward
            continue
        seeded = SEEDED.get(table.name)
        if seeded is None:
            statements.append(f'DELETE FROM "{table.name}";')
            continue
        names = [column.name for column in table.primary_key.columns]
        keep = [tuple(int(row[name]) for name in names) for row in seeded if all(name in row for name in names)]
        if not keep:  # `NOT IN (NULL)` would keep every row
            statements.append(f'DELETE FROM "{table.name}";')
            continue
        # A composite key is compared as a row value: (a, b) NOT IN ((1, 2), ...).
        key = ", ".join(f'"{name}"' for name in names)
        kept = ", ".join(f"({', '.join(map(str, values))})" for values in keep)
        statements.append(f'DELETE FROM "{table.name}" WHERE ({key}) NOT IN ({kept});')
    if db.engine.dialect.name == "sqlite":  # AUTOINCREMENT tables keep their high-water mark in sqlite_sequence
        statements.append("DELETE FROM sqlite_sequence;")
    else:
        with db.reading() as session:
            restarts = _sequence_restarts(session)
        if restarts:
            statements.append("SELECT " + ", ".join(f"setval('{seq}', {n}, false)" for seq, n in restarts) + ";")
    return " ".join(statements)


def _sequence_restarts(session: DbSession) -> list[tuple[str, int]]:
    """(sequence, first value after the seeded rows) of every table with a serial key."""
    restarts: list[tuple[str, int]] = []
    for table in Base.metadata.sorted_tables:
        columns = list(table.primary_key.columns)
        if len(columns) != 1:
            continue
        seq = session.execute(
            text("SELECT pg_get_serial_sequence(:t, :c)"), {"t": table.name, "c": columns[0].name}
        ).scalar()
        if seq:
            seeded = SEEDED.get(table.name) or []
            restarts.append(
                (seq, max((row[columns[0].name] for row in seeded if columns[0].name in row), default=0) + 1)
            )
    return restarts
