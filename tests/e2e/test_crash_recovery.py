"""Nothing accepted is lost: the server killed (SIGKILL) in the middle of an import on SQLite runs it again when it
starts, instead of leaving it Processing for ever (the inline runner's queue lives in the process's memory)."""

from __future__ import annotations

import base64
import json
import os
import secrets
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from tests.support.databases import fresh_database
from tests.support.servers import api_request, apportion_command, free_port, stop, wait_until_answering

pytestmark = pytest.mark.e2e

ROWS = 20_000  # long enough to be killed mid-import on a quick machine


def _serve(tmp: Path, url: str, key: str, port: int, log: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "APPORTION_DATABASE_URL": url, "APPORTION_BOOTSTRAP_API_KEY": key}
    with log.open("ab") as out:
        return subprocess.Popen(
            [*apportion_command(), "serve", "--host", "127.0.0.1", "--port", str(port)],
            env=env,
            cwd=tmp,
            stdout=out,
            stderr=subprocess.STDOUT,
        )


def _call(base: str, key: str, path: str, body: object | None = None) -> dict[str, object]:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(f"{base}{path}", data=data, headers={"ECI-ApiKey": key})
    if data is not None:
        request.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(request, timeout=30) as response:
        return dict(json.loads(response.read()))


def test_an_import_killed_with_the_server_runs_when_it_starts_again(tmp_path: Path) -> None:
    key, port = secrets.token_hex(24), free_port()
    base, log = f"http://127.0.0.1:{port}", tmp_path / "server.log"
    rows = ["AccountCode,MeterCode,StartDate,EndDate,USE:kWh:Energy,USE::Energy"]
    rows += [f"NOPE{i},M{i},2024-01-01,2024-02-01,100,12.50" for i in range(ROWS)]  # every row a kickout: all work
    data = base64.b64encode("\r\n".join(rows).encode()).decode()
    with fresh_database("sqlite", str(tmp_path)) as db:
        db.dispose()
        server = _serve(tmp_path, db.url, key, port, log)
        try:
            wait_until_answering(api_request(base, key), server, log)
            guid = _call(base, key, "/api/v3/import/bill", {"fileName": "year.csv", "data": data})["taskGUId"]
            deadline = time.monotonic() + 60
            while _call(base, key, f"/api/v3/task/{guid}")["status"] == "Queued" and time.monotonic() < deadline:
                time.sleep(0.05)
            server.kill()  # mid-import, or just after: either way the task must end, not hang
            server.wait(timeout=15)
            server = _serve(tmp_path, db.url, key, port, log)
            wait_until_answering(api_request(base, key), server, log)
            deadline = time.monotonic() + 120
            status = ""
            while time.monotonic() < deadline:
                status = str(_call(base, key, f"/api/v3/task/{guid}")["status"])
                if status not in ("Queued", "Processing"):
                    break
                time.sleep(0.2)
            assert status == "Completed with kickouts", log.read_text()
        finally:
            stop(server)
