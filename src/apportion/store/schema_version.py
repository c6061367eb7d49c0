"""Whether a database's schema is the one this code expects, asked without loading Alembic.

Every `apportion` command that reads or writes data first brings its database to the newest migration. Alembic
(with Mako and Pygments) costs more CPU to import than most commands spend on their work, and a database that is
already at the newest revision needs none of it: `ensure_current` reads `alembic_version` with plain SQL and loads
Alembic (store.migrate) only when there is something to migrate.
"""

from __future__ import annotations

from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError, ProgrammingError

HEAD = "0017"
"""The newest migration's revision (store/migrations/versions); tests/unit/test_schema_version.py checks it is
Alembic's head, so a new migration that does not move it fails there."""


def is_current(engine: Engine) -> bool:
    """Whether the database behind `engine` is at HEAD (False when it was never migrated)."""
    with engine.connect() as connection:
        try:
            found = connection.exec_driver_sql("SELECT version_num FROM alembic_version").scalars().all()
        except (OperationalError, ProgrammingError):  # no such table (SQLite, PostgreSQL): an empty database
            return False
    return list(found) == [HEAD]


def ensure_current(engine: Engine) -> None:
    """Migrate the database behind `engine` to the newest revision unless it is there already."""
    if is_current(engine):
        return
    from apportion.store.migrate import upgrade  # Alembic loads only when there is something to migrate

    upgrade(engine)
