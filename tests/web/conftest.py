"""Browser-test fixtures: a real `apportion serve` process on a database holding the campus, and headless Chromium.

The browser is Debian's chromium driven by Playwright (no browser download): tests needing it skip, saying why,
only when /usr/bin/chromium (or APPORTION_CHROMIUM) is missing. Screenshots go to tests/artifacts/web/.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from apportion.api.app import create_app
from apportion.domain.permissions import Grants
from apportion.services import auth
from apportion.settings import Settings
from tests.conftest import NOW, Api
from tests.support.databases import fresh_database
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
START_TIMEOUT_SECONDS = 60.0


@dataclass(frozen=True)
class WebServer:
    """A running server: where it listens, the administrator's key and the campus it serves."""

    base_url: str
    api_key: str
    campus: Campus


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_until_answering(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"apportion serve exited with {process.returncode}:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.2)
    raise RuntimeError(f"apportion serve did not answer within {START_TIMEOUT_SECONDS}s:\n{log.read_text()}")


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
        port = _free_port()
        log = tmp_dir / "server.log"
        script = Path(sys.executable).with_name("apportion")
        command = [str(script)] if script.exists() else [sys.executable, "-c", "from apportion.cli import main; main()"]
        env = {**os.environ, "APPORTION_DATABASE_URL": db.url, "APPORTION_LOAD_DEMO_DATA": "false"}
        with log.open("wb") as out:
            process = subprocess.Popen(
                [*command, "serve", "--host", "127.0.0.1", "--port", str(port)],
                env=env,
                cwd=tmp_dir,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        base_url = f"http://127.0.0.1:{port}"
        try:
            _wait_until_answering(f"{base_url}/ui/login", process, log)
            yield WebServer(base_url, key, built)
        finally:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=15)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Headless Chromium through Playwright; skipped, with the reason, when chromium or Playwright is missing."""
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
