"""Fresh benchmark databases: a migrated temporary SQLite file, or a new database on a PostgreSQL server."""

from __future__ import annotations

import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from apportion.store.database import Database
from apportion.store.migrate import upgrade


@contextmanager
def fresh_database(url: str | None, label: str = "bench") -> Iterator[Database]:
    """A migrated empty database, dropped afterwards.

    `url` None (or any sqlite URL) gives a file in a temporary directory; a PostgreSQL URL names the server
    on which a database `apportion_<label>_<random>` is created.
    """
    if url is None or url.startswith("sqlite"):
        with tempfile.TemporaryDirectory() as tmp:
            db = Database(f"sqlite:///{tmp}/{label}.db")
            upgrade(db.engine)
            try:
                yield db
            finally:
                db.dispose()
        return
    name = f"apportion_{label}_{uuid.uuid4().hex[:10]}"
    admin = create_engine(make_url(url), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    db = Database(make_url(url).set(database=name).render_as_string(hide_password=False))
    try:
        upgrade(db.engine)
        yield db
    finally:
        db.dispose()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
