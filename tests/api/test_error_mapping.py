"""Database refusals that reach the API are answered in the error shape, never as a 500."""

from __future__ import annotations

import psycopg
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.exc import DataError, IntegrityError

from apportion.api import errors


def _app_raising(error: Exception) -> TestClient:
    app = FastAPI()
    errors.install(app)

    @app.get("/boom")
    def boom() -> None:
        raise error

    return TestClient(app, raise_server_exceptions=False)


def test_a_lost_uniqueness_race_is_a_400() -> None:
    error = IntegrityError("INSERT INTO batches ...", {}, Exception("UNIQUE constraint failed: batches.batch_code"))
    response = _app_raising(error).get("/boom")
    assert response.status_code == 400
    assert response.json() == {"message": errors.CONFLICT}


def test_a_value_the_database_refuses_is_a_400() -> None:
    error = DataError("INSERT ...", {}, Exception("invalid byte sequence"))
    response = _app_raising(error).get("/boom")
    assert response.status_code == 400
    assert response.json() == {"message": errors.DATA_REFUSED}


def test_a_lost_connection_raised_by_the_driver_itself_is_a_503() -> None:
    # The task queue inserts its job on the raw driver connection, so psycopg's own error can reach the API.
    response = _app_raising(psycopg.OperationalError("server closed the connection unexpectedly")).get("/boom")
    assert response.status_code == 503
    assert response.json() == {"message": errors.UNAVAILABLE}
    assert response.headers["Retry-After"] == str(errors.RETRY_AFTER_SECONDS)
