"""Whether a worker can start here, checked before `apportion worker` imports the queue and the services it runs.

Light on purpose: a refusal (SQLite, an unreachable database, no queue tables) answers without loading the app.
"""

from __future__ import annotations

import psycopg
from sqlalchemy.engine import make_url

from apportion.settings import Settings


class QueueNotReady(ValueError):
    """The queue cannot be used here: not PostgreSQL (the queue lives in the database), unreachable, or not set up."""


def is_postgres(url: str) -> bool:
    """Whether a SQLAlchemy URL names a PostgreSQL database."""
    return make_url(url).get_backend_name() == "postgresql"


def conninfo(url: str) -> str:
    """The libpq connection string (postgresql://...) of a SQLAlchemy PostgreSQL URL."""
    if not is_postgres(url):
        raise QueueNotReady(
            "Workers need PostgreSQL: set APPORTION_DATABASE_URL=postgresql+psycopg://user@host/db "
            "(the embedded SQLite default runs imports in the serving process)."
        )
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def check_ready(settings: Settings) -> None:
    """Refuse to start a worker on SQLite, an unreachable database or one without the queue's tables."""
    url = conninfo(settings.database_url)
    try:
        with psycopg.connect(url, connect_timeout=10) as connection:
            found = connection.execute("SELECT to_regclass('procrastinate_jobs')").fetchone()
    except psycopg.OperationalError as error:
        raise QueueNotReady(f"Cannot reach the database: {error}") from error
    if not found or found[0] is None:
        raise QueueNotReady("The task queue's tables are missing: run `apportion db upgrade` first.")
