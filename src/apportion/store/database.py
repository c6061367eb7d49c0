"""Engine and session factory for SQLite (embedded default) or PostgreSQL (production)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeAlias

import pydantic_core
from sqlalchemy import Engine, create_engine, event, select, update
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from apportion.store.models.revision import DataRevision

DbSession: TypeAlias = Session
"""The session a unit of work hands out (`Database.transaction()`, `reading()`, `bookkeeping()`): services pass it
to store functions and never query through it themselves."""

# The last statement of every write transaction: taking the row lock only then keeps concurrent writers waiting on
# each other for no longer than a commit.
_ADVANCE_REVISION = update(DataRevision).where(DataRevision.revision_id == 1).values(revision=DataRevision.revision + 1)
_CURRENT_REVISION = select(DataRevision.epoch, DataRevision.revision).where(DataRevision.revision_id == 1)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()
    # SQLite's own lower() folds ASCII only; services compare lower(column) with Python's str.lower(), as
    # PostgreSQL's lower() does for every letter. Without this, 'É' and 'é' are different codes on SQLite.
    dbapi_connection.create_function("lower", 1, _unicode_lower, deterministic=True)


def _unicode_lower(value: object) -> object:
    return value.lower() if isinstance(value, str) else value


def create_private_file(url: str) -> None:
    """Create a SQLite URL's database file, readable and writable by its owner only (0600), if it does not exist.

    SQLite would create it with the process's umask (usually world-readable); it gives the -wal and -shm files it
    makes later the database file's mode. An existing file keeps its mode; a missing directory is left to SQLite to
    report when it connects.
    """
    database = make_url(url).database
    if not database or database == ":memory:" or database.startswith("file:"):
        return
    try:
        os.close(os.open(Path(database), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except OSError:  # already there, or a directory SQLite cannot use either
        return


def make_engine(url: str, statement_timeout_seconds: float | None = None, **kwargs: Any) -> Engine:
    """Build an engine; SQLite gets foreign keys, WAL and a busy timeout so API threads can share it.

    On PostgreSQL, `statement_timeout_seconds` (when set and above 0) makes the server cancel any statement of
    this engine's connections that runs longer (SQLSTATE 57014); SQLite has no such setting.
    """
    # JSON documents (calculated bill instructions, task settings): pydantic-core's parser reads them into the same
    # Python values as json.loads (decimals are stored as strings), about twice as fast, and a run loads thousands.
    kwargs.setdefault("json_deserializer", pydantic_core.from_json)
    if url.startswith("sqlite"):
        create_private_file(url)
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30}, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    if statement_timeout_seconds:
        milliseconds = max(1, round(statement_timeout_seconds * 1000))
        kwargs.setdefault("connect_args", {})["options"] = f"-c statement_timeout={milliseconds}"
    return create_engine(url, pool_pre_ping=True, **kwargs)


UnitOfWork = Session
"""The open unit of work a `Database` hands out (`transaction()`, `reading()`): services pass it to store functions
and never look inside it."""


class Database:
    """An engine and its session factory, built once by an entry point.

    `statement_timeout_seconds` bounds every statement on PostgreSQL (the API's database; see `make_engine`).
    """

    def __init__(self, url: str, engine: Engine | None = None, statement_timeout_seconds: float | None = None) -> None:
        self.url = url
        self.engine = engine or make_engine(url, statement_timeout_seconds)
        self.statement_timeout_seconds = statement_timeout_seconds if self.engine.dialect.name != "sqlite" else None
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)

    @property
    def is_sqlite(self) -> bool:
        """Whether this is the embedded SQLite database."""
        return self.engine.dialect.name == "sqlite"

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """One unit of work: commit when the block ends, roll back if it raises. A committed unit advances the
        data revision (`current_revision`) in the same commit.

        On SQLite the revision is advanced first: that write takes the database's write lock at the start, so write
        transactions run one after another and everything one reads stays true until it commits (a deferred
        transaction could read, lose the race to another writer, and then find its snapshot stale). PostgreSQL
        advances it last, so concurrent writers wait on that row for no longer than a commit; they serialise
        where they must with row locks and constraints.
        """
        with self.sessions() as session, session.begin():
            if self.is_sqlite:
                session.execute(_ADVANCE_REVISION)
                yield session
                return
            yield session
            session.execute(_ADVANCE_REVISION)

    @contextmanager
    def rehearsal(self) -> Iterator[Session]:
        """A unit of work that is always rolled back, however the block ends: a dry run writes through it and
        reads what it wrote, and nothing stays (the data revision is untouched too).

        On SQLite it takes the write lock first, as `transaction()` does, so what it reads stays true until the
        rollback. On PostgreSQL the ids it drew from sequences are not handed out again (sequences never roll back).
        """
        with self.sessions() as session:
            session.begin()
            try:
                if self.is_sqlite:
                    session.execute(_ADVANCE_REVISION)
                yield session
            finally:
                session.rollback()

    @contextmanager
    def bookkeeping(self) -> Iterator[Session]:
        """A unit of work on rows no answer is computed from (the pages' sessions): it commits like `transaction()`
        but leaves the data revision alone, so a visitor's page views do not make kept answers stale."""
        with self.sessions() as session, session.begin():
            yield session

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """A session for reads only; nothing is committed."""
        with self.sessions() as session:
            yield session

    def current_revision(self) -> str:
        """The data revision now: it changes with every committed `transaction()`, and differs between databases.

        Every write of the application goes through `transaction()`; rows changed by other means (SQL by hand) do
        not advance it."""
        with self.sessions() as session:
            epoch, revision = session.execute(_CURRENT_REVISION).one()
        return f"{epoch}:{revision}"

    def dispose(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()
