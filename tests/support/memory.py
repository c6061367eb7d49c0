"""An in-memory unit of work for service tests: the migrated schema, copied into a private in-memory SQLite database.

The schema is migrated once per test process into a template file; each `memory_database()` copies it into memory
with SQLite's backup API (about a millisecond), so a service test gets the same tables, seeded reference rows and
`Database.transaction()` / `reading()` units of work as the API, without an HTTP client, a file or a clean-up.
One connection serves every unit of work of the copy (the services open them one after another, never two at once).
"""

from __future__ import annotations

import atexit
import shutil
import sqlite3
import tempfile
from functools import cache
from pathlib import Path

from sqlalchemy.pool import StaticPool

from apportion.store.database import Database, make_engine
from apportion.store.migrate import upgrade

URL = "sqlite://"


@cache
def _template() -> sqlite3.Connection:
    """A read-only connection to a database migrated to head, built once per process."""
    folder = Path(tempfile.mkdtemp(prefix="apportion-template-"))
    atexit.register(shutil.rmtree, folder, True)
    path = folder / "template.db"
    db = Database(f"sqlite:///{path}")
    upgrade(db.engine)
    db.dispose()
    template = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
    atexit.register(template.close)
    return template


def memory_database() -> Database:
    """A new in-memory database migrated to head with the reference rows seeded; dispose() frees it."""
    template = _template()

    def connect() -> sqlite3.Connection:
        connection = sqlite3.connect(":memory:", check_same_thread=False)
        template.backup(connection)
        return connection

    return Database(URL, engine=make_engine(URL, creator=connect, poolclass=StaticPool))
