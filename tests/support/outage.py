"""Cut a test's own PostgreSQL database off and bring it back, for real: no mock stands in for the server."""

from __future__ import annotations

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from apportion.store.database import Database
from tests.support.databases import POSTGRES_URL


def set_reachable(db: Database, reachable: bool) -> None:
    """ALLOW_CONNECTIONS on or off for `db`'s database; off also ends every connection already open to it."""
    assert POSTGRES_URL is not None
    admin = create_engine(make_url(POSTGRES_URL), isolation_level="AUTOCOMMIT")
    name = db.engine.url.database
    try:
        with admin.connect() as connection:
            connection.execute(text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS {str(reachable).lower()}'))
            if not reachable:
                connection.execute(
                    text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :name"),
                    {"name": name},
                )
    finally:
        admin.dispose()
