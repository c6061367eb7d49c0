"""A lost database is a 503 with Retry-After in the JSON error shape, never a 500, and the API recovers with it."""

from __future__ import annotations

import base64
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from apportion.api import errors
from apportion.api.app import create_app
from apportion.domain.permissions import Grants
from apportion.services.access import auth
from apportion.settings import Settings
from apportion.store.database import Database
from tests.conftest import NOW
from tests.support.databases import fresh_database
from tests.support.outage import set_reachable


def _closed_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])  # nothing listens there once the socket is closed


def _assert_unavailable(response: object) -> None:
    assert response.status_code == 503, response.text  # type: ignore[attr-defined]
    assert response.json() == {"message": errors.UNAVAILABLE}  # type: ignore[attr-defined]
    assert response.headers["Retry-After"] == str(errors.RETRY_AFTER_SECONDS)  # type: ignore[attr-defined]


def test_a_database_nobody_answers_at_is_a_503() -> None:
    url = f"postgresql+psycopg://postgres@127.0.0.1:{_closed_port()}/apportion"
    db = Database(url)
    app = create_app(Settings(database_url=url), database=db, clock=lambda: NOW)
    try:
        with TestClient(app, raise_server_exceptions=False) as client:
            _assert_unavailable(client.get("/api/v3/me", headers={"ECI-ApiKey": "any key"}))
            _assert_unavailable(client.get("/api/v3/meter", headers={"ECI-ApiKey": "any key"}))
    finally:
        db.dispose()


@pytest.fixture
def own_database(tmp_path: Path) -> Iterator[Database]:
    """A PostgreSQL database of this test's own, so cutting it off disturbs nobody else."""
    with fresh_database("postgresql", str(tmp_path)) as db:
        yield db


@pytest.mark.postgres
def test_losing_the_database_answers_503_and_the_api_recovers_when_it_returns(own_database: Database) -> None:
    db = own_database
    app = create_app(Settings(database_url=db.url), database=db, clock=lambda: NOW)
    _user_id, key = auth.create_user_with_key(db, "admin", "Administrator", Grants.everything(), NOW)
    headers = {"ECI-ApiKey": key}
    content = b"AccountCode,MeterCode,StartDate,EndDate\r\nA1,M1,2024-01-01,2024-02-01\r\n"
    upload = {"fileName": "bills.csv", "data": base64.b64encode(content).decode()}
    with TestClient(app, raise_server_exceptions=False) as client:
        assert client.get("/api/v3/me", headers=headers).status_code == 200
        tasks_before = client.get("/api/v3/task", headers=headers)
        assert tasks_before.status_code == 200

        set_reachable(db, False)
        try:
            # The pool's connections were ended under it and no new one is let in: reads and writes both 503.
            _assert_unavailable(client.get("/api/v3/me", headers=headers))
            _assert_unavailable(client.get("/api/v3/vendor", headers=headers))
            _assert_unavailable(client.post("/api/v3/import/bill", json=upload, headers=headers))
        finally:
            set_reachable(db, True)

        assert client.get("/api/v3/me", headers=headers).status_code == 200
        created = client.post("/api/v3/vendor", json={"vendorCode": "BACK", "vendorInfo": "Back"}, headers=headers)
        assert created.status_code == 200, created.text
        # The import refused while the database was away left no task behind.
        assert client.get("/api/v3/task", headers=headers).json() == tasks_before.json()


def test_a_read_only_sqlite_database_answers_reads_and_503_for_writes(tmp_path: Path) -> None:
    # The database file opened read-only (as a file the server's user may not write, or on a read-only mount).
    with fresh_database("sqlite", str(tmp_path)) as writable:
        _user_id, key = auth.create_user_with_key(writable, "admin", "Administrator", Grants.everything(), NOW)
        path = writable.engine.url.database
    url = f"sqlite:///file:{path}?mode=ro&uri=true"
    db = Database(url)
    app = create_app(Settings(database_url=url), database=db, clock=lambda: NOW)
    headers = {"ECI-ApiKey": key}
    try:
        with TestClient(app, raise_server_exceptions=False) as client:
            assert client.get("/api/v3/me", headers=headers).status_code == 200
            _assert_unavailable(
                client.post(
                    "/api/v3/vendor", json={"vendorCode": "WATERCO", "vendorInfo": "City Water"}, headers=headers
                )
            )
    finally:
        db.dispose()
