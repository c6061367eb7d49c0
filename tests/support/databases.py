"""Test databases: a migrated SQLite file and, when APPORTION_TEST_DATABASE_URL is set, a PostgreSQL database."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import create_engine, delete, text
from sqlalchemy.engine import make_url

from apportion.store.database import Database
from apportion.store.migrate import upgrade
from apportion.store.models import Base
from apportion.store.models.revision import DataRevision
from apportion.store.seed_data import TABLES

POSTGRES_URL = os.environ.get("APPORTION_TEST_DATABASE_URL")
SEEDED = dict(TABLES)


def backends() -> list[str]:
    """The database kinds this run covers."""
    return ["sqlite", "postgresql"] if POSTGRES_URL else ["sqlite"]


@contextmanager
def fresh_database(kind: str, tmp_dir: str) -> Iterator[Database]:
    """Create an empty database of `kind`, migrate it to head, and drop it afterwards."""
    if kind == "sqlite":
        db = Database(f"sqlite:///{tmp_dir}/apportion-test-{uuid.uuid4().hex[:8]}.db")
        upgrade(db.engine)
        try:
            yield db
        finally:
            db.dispose()
        return
    assert POSTGRES_URL is not None
    base = make_url(POSTGRES_URL)
    name = f"apportion_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    db = Database(base.set(database=name).render_as_string(hide_password=False))
    try:
        upgrade(db.engine)
        yield db
    finally:
        db.dispose()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def clean(db: Database) -> None:
    """Delete every row a test wrote, keeping the seeded reference rows; restart keys (sequences, sqlite_sequence)."""
    with db.transaction() as session:
        for table in reversed(Base.metadata.sorted_tables):
            if table is DataRevision.__table__:  # schema state, like the reference rows: it only moves forward
                continue
            seeded = SEEDED.get(table.name)
            if seeded is None:
                session.execute(delete(table))
                continue
            pk = next(iter(table.primary_key.columns))
            keep = [row[pk.name] for row in seeded if pk.name in row]
            if len(table.primary_key.columns) == 1:
                session.execute(delete(table).where(pk.not_in(keep)))
        if db.engine.dialect.name == "sqlite":  # AUTOINCREMENT tables keep their high-water mark in sqlite_sequence
            session.execute(text("DELETE FROM sqlite_sequence"))
        if db.engine.dialect.name == "postgresql":
            for table in Base.metadata.sorted_tables:
                columns = list(table.primary_key.columns)
                if len(columns) != 1:
                    continue
                seq = session.execute(
                    text("SELECT pg_get_serial_sequence(:t, :c)"), {"t": table.name, "c": columns[0].name}
                ).scalar()
                if seq:
                    seeded = SEEDED.get(table.name) or []
                    restart = max((row[columns[0].name] for row in seeded), default=0) + 1
                    session.execute(text(f"ALTER SEQUENCE {seq} RESTART WITH {restart}"))
