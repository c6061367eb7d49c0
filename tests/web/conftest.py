"""Browser-test fixtures: a real `apportion serve` process on a database holding the campus, and headless Chromium.

The browser is Debian's chromium driven by Playwright (no browser download): tests needing it skip, saying why,
only when /usr/bin/chromium (or APPORTION_CHROMIUM) is missing. Screenshots go to tests/artifacts/web/.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from apportion.api.app import create_app
from apportion.domain.permissions import Grants
from apportion.services.access import auth
from apportion.settings import Settings
from tests.conftest import NOW, Api
from tests.support.databases import fresh_database
from tests.support.servers import apportion_command, free_port, stop, wait_until_answering
from tests.web.builders import Campus, campus

CHROMIUM = Path(os.environ.get("APPORTION_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts" / "web"


@dataclass(frozen=True)
class WebServer:
    """A running server: where it listens, the administrator's key and the campus it serves."""

    base_url: str
    api_key: str
    campus: Campus


@pytest.fixture(scope="module")
def web_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebServer]:
    """Build the campus in a fresh SQLite database, then serve it with `apportion serve` until the module ends."""
    tmp_dir = tmp_path_factory.mktemp("web")
    with fresh_database("sqlite", str(tmp_dir)) as db:
        settings = Settings(database_url=db.url)
        _user_id, key = auth.create_user_with_key(db, "admin", "Administrator", Grants.everything(), NOW)
        with TestClient(create_app(settings, database=db, clock=lambda: NOW)) as client:
            built = campus(Api(client, db, key))
        db.dispose()  # the server process alone holds the database from here on
        port = free_port()
        log = tmp_dir / "server.log"
        env = {**os.environ, "APPORTION_DATABASE_URL": db.url, "APPORTION_LOAD_DEMO_DATA": "false"}
        with log.open("wb") as out:
            process = subprocess.Popen(
                [*apportion_command(), "serve", "--host", "127.0.0.1", "--port", str(port)],
                env=env,
                cwd=tmp_dir,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        base_url = f"http://127.0.0.1:{port}"
        try:
            wait_until_answering(f"{base_url}/ui/login", process, log)
            yield WebServer(base_url, key, built)
        finally:
            stop(process)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Headless Chromium through Playwright, launched once for the run (each test opens its own context);
    skipped, with the reason, when chromium or Playwright is missing."""
    if not CHROMIUM.exists():
        pytest.skip(f"no Chromium at {CHROMIUM}: install it (apt-get install -y chromium) to run the browser tests")
    sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed (pip install playwright)")
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def artifacts() -> Path:
    """The folder screenshots are saved in (ignored by git)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS
