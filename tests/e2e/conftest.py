"""End-to-end fixtures: the real `apportion serve` process on a fresh database, and an energycapsdk client for it.

Every e2e test talks to a server subprocess over TCP, exactly as an EnergyCAP SDK user would. The server runs
once per backend (SQLite always, PostgreSQL when APPORTION_TEST_DATABASE_URL is set) for the whole session, so
tests share its data: make codes unique with the `unique` fixture rather than assuming an empty database.
"""

from __future__ import annotations

import itertools
import os
import secrets
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from energycap.sdk import EnergyCapApi
from msrest.authentication import ApiKeyCredentials

from tests.support.databases import backends, fresh_database
from tests.support.servers import api_request, apportion_command, free_port, stop, wait_until_answering


@dataclass(frozen=True)
class Server:
    """A running `apportion serve` process: where it listens, its administrator key and its database."""

    base_url: str
    api_key: str
    database_url: str
    backend: str


@pytest.fixture(scope="session", params=backends())
def server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """Start `apportion serve` on a fresh database of each backend; yield where it listens; stop it afterwards."""
    tmp_dir = tmp_path_factory.mktemp(f"e2e-{request.param}")
    key = secrets.token_hex(24)
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    log = tmp_dir / "server.log"
    with fresh_database(request.param, str(tmp_dir)) as db:
        # The test process must not hold connections the server's migrations or the final DROP would wait on.
        db.dispose()
        env = {
            **os.environ,
            "APPORTION_DATABASE_URL": db.url,
            "APPORTION_BOOTSTRAP_API_KEY": key,
            "APPORTION_LOAD_DEMO_DATA": "false",
        }
        with log.open("wb") as out:
            process = subprocess.Popen(
                [*apportion_command(), "serve", "--host", "127.0.0.1", "--port", str(port)],
                env=env,
                cwd=tmp_dir,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        try:
            wait_until_answering(api_request(base_url, key), process, log)
            yield Server(base_url, key, db.url, request.param)
        finally:
            stop(process)
            db.dispose()


def sdk_client(base_url: str, api_key: str) -> Any:
    """An `EnergyCapApi` that sends `api_key` in the ECI-ApiKey header of every request."""
    client = EnergyCapApi(base_url=base_url)
    client.config.credentials = ApiKeyCredentials(in_headers={"ECI-ApiKey": api_key})
    # EnergyCapApi builds its pipeline before credentials can be set; rebuild it so they are applied.
    client._client.config.pipeline = client._client._create_default_pipeline()
    return client


@pytest.fixture
def sdk(server: Server) -> Iterator[Any]:
    """An energycapsdk client bound to the running server with the administrator key."""
    client = sdk_client(server.base_url, server.api_key)
    try:
        yield client
    finally:
        client.close()


_counter = itertools.count(1)


@pytest.fixture
def unique() -> Callable[[str], str]:
    """Make a code unique within the session's shared server database (e.g. unique("ACCT") -> "ACCT-3a1f-7")."""
    run = secrets.token_hex(2)

    def make(prefix: str) -> str:
        return f"{prefix}-{run}-{next(_counter)}"

    return make
