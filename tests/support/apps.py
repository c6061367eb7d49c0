"""Apps for in-process tests, reused: FastAPI works out each route's dependencies the first time a request is
matched against it in a new app (0.1-0.3 s of CPU for our routes), which was a large part of an API test's cost
when every test built its own app. An app is lent to one test at a time and given fresh state (`set_state`, the
same function create_app uses) each time, so a test sees what a new app would show it."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime

from fastapi import FastAPI
from fastapi.testclient import TestClient

from apportion.api.app import create_app, set_state
from apportion.services.runs.queue_interface import TaskQueue
from apportion.settings import Settings
from apportion.store.database import Database

_IDLE: defaultdict[str, list[FastAPI]] = defaultdict(list)
"""Per database URL, the apps no test is using now."""


@contextmanager
def lent_app(
    db: Database,
    settings: Settings | None = None,
    *,
    clock: Callable[[], datetime],
    jobs: TaskQueue | None = None,
) -> Iterator[FastAPI]:
    """An app on `db` in the state `create_app(settings, database=db, clock=clock, jobs=jobs)` would have."""
    settings = settings or Settings(database_url=db.url)
    idle = _IDLE[db.url]
    if idle:
        app = idle.pop()
        set_state(app, settings, db, clock, jobs)
    else:
        app = create_app(settings, database=db, clock=clock, jobs=jobs)
    try:
        yield app
    finally:
        set_state(app, settings, db, clock)  # drop the test's task queue and cache before it waits for the next
        idle.append(app)


@contextmanager
def client_on(
    db: Database,
    settings: Settings | None = None,
    *,
    clock: Callable[[], datetime],
    jobs: TaskQueue | None = None,
    raise_server_exceptions: bool = False,
) -> Iterator[TestClient]:
    """A new TestClient (no cookies) on a lent app (see `lent_app`)."""
    with (
        lent_app(db, settings, clock=clock, jobs=jobs) as app,
        TestClient(app, raise_server_exceptions=raise_server_exceptions) as client,
    ):
        yield client
