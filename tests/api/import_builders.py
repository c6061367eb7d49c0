"""Builders for bill import tests: an API client whose app has the inline runner, files, and master data."""

from __future__ import annotations

import base64
import io
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from fastapi.testclient import TestClient

from apportion.domain.permissions import Grants
from apportion.jobs.inline import InlineRunner
from apportion.services.access import auth
from apportion.settings import Settings
from apportion.store.database import Database
from tests.api import master_builders as mb
from tests.conftest import NOW, Api
from tests.support.apps import client_on

HEADER = "AccountCode,MeterCode,StartDate,EndDate,USE:kWh:Energy,USE::Energy"


class ImportApi(Api):
    """`Api` whose app runs imports on an inline runner; `wait()` returns once every queued import has run."""

    def __init__(self, client: TestClient, db: Database, admin_key: str, runner: InlineRunner) -> None:
        super().__init__(client, db, admin_key)
        self.runner = runner

    def wait(self) -> None:
        """Block until the runner has finished every task enqueued so far."""
        self.runner.drain(timeout=120)

    def start(self, name: str, content: bytes, key: str | None = "admin", **fields: Any) -> Any:
        """POST /api/v3/import/bill with the file base64-encoded; the raw response."""
        body = {"fileName": name, "data": base64.b64encode(content).decode(), **fields}
        return self.post("/api/v3/import/bill", json=body, key=key)

    def run(self, name: str, content: bytes, **fields: Any) -> dict[str, Any]:
        """Import a file, wait for it, and return the finished task."""
        response = self.start(name, content, **fields)
        assert response.status_code == 200, response.text
        self.wait()
        return self.task(response.json()["taskGUId"])

    def task(self, guid: str) -> dict[str, Any]:
        """GET /api/v3/task/{guid}."""
        response = self.get(f"/api/v3/task/{guid}")
        assert response.status_code == 200, response.text
        return dict(response.json())

    def reimport(self, guid: str, body: dict[str, Any] | None = None, key: str | None = "admin") -> Any:
        """POST /api/v202401/import/bill/task/{guid}/kickout."""
        return self.post(f"/api/v202401/import/bill/task/{guid}/kickout", json=body or {}, key=key)

    def bills(self, filter_text: str | None = None) -> list[dict[str, Any]]:
        """Bills through GET /api/v3/bill (every page of 1000)."""
        params = {"pageSize": "1000", **({"filter": filter_text} if filter_text else {})}
        response = self.get("/api/v3/bill", params=params)
        assert response.status_code == 200, response.text
        return list(response.json())

    def batch(self, batch_id: int) -> dict[str, Any]:
        """GET /api/v3/batch/{id}."""
        response = self.get(f"/api/v3/batch/{batch_id}")
        assert response.status_code == 200, response.text
        return dict(response.json())


@contextmanager
def import_api(db: Database, **settings_fields: Any) -> Iterator[ImportApi]:
    """The app on the test database with a fixed clock and an inline runner, and an administrator key."""
    settings = Settings(database_url=db.url, **settings_fields)
    runner = InlineRunner(db, settings, clock=lambda: NOW)
    _user_id, key = auth.create_user_with_key(db, "admin", "Administrator", Grants.everything(), NOW)
    try:
        with client_on(db, settings, clock=lambda: NOW, jobs=runner) as client:
            yield ImportApi(client, db, key, runner)
    finally:
        runner.drain(timeout=120)
        runner.close()


def csv_file(*rows: str, header: str = HEADER) -> bytes:
    """A CSV file: the header and the rows, CRLF line ends."""
    return ("\r\n".join([header, *rows]) + "\r\n").encode()


def zip_of(*files: tuple[str, bytes]) -> bytes:
    """A ZIP archive of (name, content) files."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files:
            archive.writestr(name, content)
    return buffer.getvalue()


def site(api: Api, *accounts: str, vendor: str = "PPL") -> dict[str, tuple[int, int]]:
    """For each account code: an account with one electric meter `M-<code>` linked for all dates; (account, meter)."""
    vendor_id = mb.vendor(api, vendor)
    result: dict[str, tuple[int, int]] = {}
    for code in accounts:
        account_id = int(mb.account(api, code, vendor_id)["accountId"])
        meter_id = int(mb.meter(api, f"M-{code}")["meterId"])
        mb.link(api, account_id, meter_id)
        result[code] = (account_id, meter_id)
    return result


def row(account: str, start: str = "2024-01-01", end: str = "2024-02-01", use: str = "100", cost: str = "12.50") -> str:
    """A STANDARD row for account `account` and its meter `M-<account>`."""
    return f"{account},M-{account},{start},{end},{use},{cost}"
