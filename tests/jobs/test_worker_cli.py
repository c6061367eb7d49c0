"""`apportion worker` needs PostgreSQL with the queue's tables, and says so instead of starting."""

from __future__ import annotations

import os
import socket
import subprocess
from pathlib import Path

import pytest

from apportion.jobs.queue import PostgresQueue
from apportion.jobs.readiness import QueueNotReady
from apportion.settings import Settings
from apportion.store.database import Database
from tests.support.databases import fresh_database
from tests.support.servers import apportion_command


def _worker(url: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "APPORTION_DATABASE_URL": url}
    return subprocess.run(
        [*apportion_command(), "worker"], env=env, cwd=cwd, capture_output=True, text=True, timeout=60, check=False
    )


def test_a_worker_on_sqlite_refuses_to_start(tmp_path: Path) -> None:
    done = _worker(f"sqlite:///{tmp_path}/apportion.db", tmp_path)
    assert done.returncode == 2
    assert "Workers need PostgreSQL" in done.stderr


def test_a_worker_with_no_database_to_reach_refuses_to_start(tmp_path: Path) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # nothing listens there once the socket is closed
    done = _worker(f"postgresql+psycopg://postgres@127.0.0.1:{port}/apportion", tmp_path)
    assert done.returncode == 2
    assert "Cannot reach the database" in done.stderr


def test_the_api_refuses_to_queue_for_workers_on_sqlite(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/apportion.db"
    with pytest.raises(QueueNotReady):
        PostgresQueue(Database(url), Settings(database_url=url, run_jobs_inline=False))


@pytest.mark.postgres
def test_a_worker_on_a_database_without_the_queue_tables_asks_for_db_upgrade(tmp_path: Path) -> None:
    with fresh_database("postgresql", str(tmp_path)) as db:  # Alembic only, as the test fixtures migrate
        done = _worker(db.url, tmp_path)
    assert done.returncode == 2
    assert "run `apportion db upgrade` first" in done.stderr
