"""Fixtures of the worker tests: a PostgreSQL database set up as a deployment would be, and the API queueing to it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from apportion.api.app import create_app
from apportion.domain.permissions import Grants
from apportion.jobs.queue import PostgresQueue
from apportion.services.access import auth
from apportion.settings import Settings
from apportion.store.database import Database
from tests.conftest import NOW, Api
from tests.jobs.workers import db_upgrade
from tests.support.databases import fresh_database, postgres_template


@pytest.fixture(scope="session")
def queued_template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A PostgreSQL template set up by `apportion db upgrade`, as a deployment would be: once per test process,
    since each `apportion db upgrade` is a whole process start."""
    cwd = tmp_path_factory.mktemp("db-upgrade")

    def upgrade_twice(db: Database) -> None:
        assert "created the task queue schema" in db_upgrade(db, cwd)
        assert "created the task queue schema" not in db_upgrade(db, cwd)  # applying it again changes nothing

    with postgres_template(upgrade_twice) as name:
        yield name


@pytest.fixture
def queued_db(queued_template: str, tmp_path: Path) -> Iterator[Database]:
    """A fresh PostgreSQL database set up by `apportion db upgrade` (a copy of `queued_template`)."""
    with fresh_database("postgresql", str(tmp_path), template=queued_template) as db:
        yield db


@pytest.fixture
def api(queued_db: Database) -> Iterator[Api]:
    """The real API in this process with the PostgreSQL queue as its runner: imports and processors are queued."""
    settings = Settings(database_url=queued_db.url, run_jobs_inline=False)
    app = create_app(settings, database=queued_db, clock=lambda: NOW, jobs=PostgresQueue(queued_db, settings))
    _user_id, key = auth.create_user_with_key(queued_db, "admin", "Administrator", Grants.everything(), NOW)
    with TestClient(app, raise_server_exceptions=False) as client:
        yield Api(client, queued_db, key)
