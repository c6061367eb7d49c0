"""Fixtures shared by the store, api and e2e tests: real databases (SQLite, and PostgreSQL when configured)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

import pytest
from fastapi.testclient import TestClient
from hypothesis import settings as hypothesis_settings

from apportion.domain.permissions import Grants, parse_grants
from apportion.services.access import auth
from apportion.store.database import Database
from tests.support.apps import client_on
from tests.support.databases import POSTGRES_URL, backends, clean, fresh_database

NOW = datetime(2024, 6, 15, 9, 30, 0)

# No per-example deadline: a deadline is a timed assertion, and on a loaded machine it fails correct code.
hypothesis_settings.register_profile("apportion", deadline=None)
hypothesis_settings.load_profile("apportion")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests marked `postgres` run only when APPORTION_TEST_DATABASE_URL names a PostgreSQL database; tests marked
    `one_database` (what they check does not depend on the database, e.g. the OpenAPI document) run on SQLite only."""
    once = [item for item in items if item.get_closest_marker("one_database") and _backend(item) == "postgresql"]
    if once:
        config.hook.pytest_deselected(items=once)
        items[:] = [item for item in items if item not in once]
    if POSTGRES_URL and POSTGRES_URL.startswith("postgresql"):
        return
    skip = pytest.mark.skip(reason="needs APPORTION_TEST_DATABASE_URL=postgresql+psycopg://...")
    for item in items:
        if item.get_closest_marker("postgres"):
            item.add_marker(skip)


def _backend(item: pytest.Item) -> str | None:
    """The database a collected test runs on, when it is parametrized by one."""
    callspec = getattr(item, "callspec", None)
    return callspec.params.get("_session_db") if callspec is not None else None


@pytest.fixture(scope="session", params=backends())
def _session_db(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    with fresh_database(request.param, str(tmp_path_factory.mktemp("db"))) as db:
        yield db


@pytest.fixture
def db(_session_db: Database) -> Iterator[Database]:
    """A migrated database (each backend in turn), emptied of everything but reference rows after the test."""
    yield _session_db
    clean(_session_db)


class Api:
    """A test client with an administrator key, and a way to mint keys with fewer permissions."""

    def __init__(self, client: TestClient, db: Database, admin_key: str) -> None:
        self.client = client
        self.db = db
        self.admin_key = admin_key

    def key_with(self, *permissions: str, user_code: str | None = None) -> str:
        """A key for a new user holding `permissions` (e.g. "Chargebacks:Run")."""
        grants = parse_grants(permissions) if permissions else Grants(frozenset())
        code = user_code or f"user{abs(hash(permissions)) % 10**8}"
        return auth.create_user_with_key(self.db, code, code[:32], grants, NOW)[1]

    def request(self, method: str, url: str, key: str | None = "admin", **kwargs: object):  # type: ignore[no-untyped-def]
        """Send a request with the admin key, another key, or none (key=None)."""
        headers = dict(kwargs.pop("headers", {}) or {})  # type: ignore[call-overload]
        if key == "admin":
            headers["ECI-ApiKey"] = self.admin_key
        elif key is not None:
            headers["ECI-ApiKey"] = key
        return self.client.request(method, url, headers=headers, **kwargs)  # type: ignore[arg-type]

    def get(self, url: str, **kwargs: object):  # type: ignore[no-untyped-def]
        return self.request("GET", url, **kwargs)

    def post(self, url: str, **kwargs: object):  # type: ignore[no-untyped-def]
        return self.request("POST", url, **kwargs)

    def put(self, url: str, **kwargs: object):  # type: ignore[no-untyped-def]
        return self.request("PUT", url, **kwargs)

    def delete(self, url: str, **kwargs: object):  # type: ignore[no-untyped-def]
        return self.request("DELETE", url, **kwargs)


@pytest.fixture
def api(db: Database) -> Iterator[Api]:
    """The app on the test database, driven in-process over ASGI, with a fixed clock."""
    _user_id, key = auth.create_user_with_key(db, "admin", "Administrator", Grants.everything(), NOW)
    with client_on(db, clock=lambda: NOW) as client:
        yield Api(client, db, key)
