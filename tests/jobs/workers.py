"""Real `apportion worker` processes on a fresh PostgreSQL database, master data in bulk and import files."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select, text

from apportion.store.database import Database
from apportion.store.models.organisation import Account, AccountMeter, Meter, Vendor
from tests.support.servers import apportion_command

HEARTBEAT_SECONDS = 0.5
STALLED_SECONDS = 3.0
MONTHS = 10
HEADER = ["AccountCode", "MeterCode", "StartDate", "EndDate", "USE:kWh:Energy", "USE::Energy"]


def worker_env(db: Database) -> dict[str, str]:
    """The environment of every process in these tests: the database, fast heartbeats and stall detection."""
    return {
        **os.environ,
        "APPORTION_DATABASE_URL": db.url,
        "APPORTION_RUN_JOBS_INLINE": "false",
        "APPORTION_WORKER_HEARTBEAT_SECONDS": str(HEARTBEAT_SECONDS),
        "APPORTION_WORKER_STALLED_SECONDS": str(STALLED_SECONDS),
    }


def db_upgrade(db: Database, cwd: Path) -> str:
    """Run `apportion db upgrade` (migrations and the queue's schema); its output."""
    done = subprocess.run(
        [*apportion_command(), "db", "upgrade"],
        env=worker_env(db),
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


@dataclass
class Worker:
    """A running `apportion worker` process and its log file."""

    name: str
    process: subprocess.Popen[bytes]
    log: Path

    def text(self) -> str:
        """Everything it logged so far."""
        return self.log.read_text(errors="replace")

    def started_jobs(self) -> int:
        """How many jobs it started, by its log."""
        return self.text().count("Starting job apportion.run_task")


@contextmanager
def workers(db: Database, cwd: Path, *names: str) -> Iterator[list[Worker]]:
    """Start one `apportion worker` per name; stop (SIGTERM, then SIGKILL) whichever are still alive at the end."""
    started: list[Worker] = []
    try:
        for name in names:
            started.append(start_worker(db, cwd, name))
        yield started
    finally:
        for worker in started:
            if worker.process.poll() is None:
                worker.process.terminate()
        for worker in started:
            try:
                worker.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                worker.process.kill()
                worker.process.wait(timeout=10)


def start_worker(db: Database, cwd: Path, name: str) -> Worker:
    """Start `apportion worker --name NAME`; returns once it is registered in the queue."""
    log = cwd / f"{name}.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [*apportion_command(), "worker", "--name", name],
            env=worker_env(db),
            cwd=cwd,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    worker = Worker(name, process, log)
    wait_for(lambda: "Starting worker" in worker.text(), f"worker {name} to start", process=worker)
    return worker


def wait_for(condition: Callable[[], Any], what: str, timeout: float = 90.0, process: Worker | None = None) -> Any:
    """Poll `condition` until it is truthy (and return it), or fail naming `what`.

    The pause between polls grows from 20 ms to 250 ms: a condition is often an API request or a log read, and a
    worker's task takes seconds, so polling fast all along would cost more CPU than the workers themselves.
    """
    deadline = time.monotonic() + timeout
    pause = 0.02
    while time.monotonic() < deadline:
        if process is not None and process.process.poll() is not None:
            raise AssertionError(f"worker {process.name} exited while waiting for {what}:\n{process.text()}")
        result = condition()
        if result:
            return result
        time.sleep(pause)
        pause = min(0.25, pause * 1.5)
    raise AssertionError(f"timed out waiting for {what}")


@contextmanager
def bill_lines_locked(db: Database) -> Iterator[None]:
    """Hold a SHARE lock on bill_lines: a run that has written its bills then waits, inside its transaction, to
    write their lines, so a test can kill its worker in the middle of it whatever the size of the run."""
    with db.engine.connect() as connection:
        connection.execute(text("LOCK TABLE bill_lines IN SHARE MODE"))
        try:
            yield
        finally:
            connection.rollback()


def _bill_writers(db: Database, condition: str) -> int:
    """How many other connections' open transactions have written into bills and meet `condition` (SQL on
    pg_stat_activity `a`)."""
    with db.engine.connect() as connection:
        return int(
            connection.execute(
                text(
                    "SELECT count(*) FROM pg_stat_activity a WHERE a.datname = current_database()"
                    f" AND a.backend_xid IS NOT NULL AND a.pid <> pg_backend_pid() AND {condition}"
                    " AND EXISTS (SELECT 1 FROM pg_locks l WHERE l.pid = a.pid AND l.granted"
                    " AND l.relation = 'bills'::regclass AND l.mode = 'RowExclusiveLock')"
                )
            ).scalar_one()
        )


def held_after_writing_bills(db: Database) -> bool:
    """Whether some connection's transaction has written into bills and waits for a lock to COPY into bill_lines."""
    return _bill_writers(db, "a.wait_event_type = 'Lock' AND a.query LIKE 'COPY \"bill_lines\"%'") > 0


def writing_bills(db: Database) -> bool:
    """Whether some connection's transaction has written into bills and not ended yet."""
    return _bill_writers(db, "TRUE") > 0


def load_accounts(db: Database, accounts: int) -> None:
    """One vendor and accounts A0..A<n-1>, each linked to its own electric meter M<n> for all dates."""
    with db.transaction() as session:
        vendor_id = session.execute(
            insert(Vendor).values(vendor_code="PPL", vendor_info="PPL").returning(Vendor.vendor_id)
        ).scalar_one()
        session.execute(
            insert(Account),
            [
                {"account_code": f"A{n}", "account_info": f"A{n}", "account_type_id": 1, "cost_center_id": 1}
                | {"vendor_id": vendor_id}
                for n in range(accounts)
            ],
        )
        session.execute(
            insert(Meter),
            [
                {"meter_code": f"M{n}", "meter_info": f"M{n}", "commodity_id": 1, "place_id": 1, "meter_type_id": 1}
                for n in range(accounts)
            ],
        )
        account_ids = dict(session.execute(select(Account.account_code, Account.account_id)).all())
        meter_ids = dict(session.execute(select(Meter.meter_code, Meter.meter_id)).all())
        session.execute(
            insert(AccountMeter),
            [
                {"account_id": account_ids[f"A{n}"], "meter_id": meter_ids[f"M{n}"]}
                | {"begin_date": date(1900, 1, 1), "end_date": date(3000, 1, 1)}
                for n in range(accounts)
            ],
        )


def bill_file(accounts: range) -> bytes:
    """A STANDARD CSV: MONTHS monthly bills (one row each) for every account A<n> in `accounts`."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADER)
    for n in accounts:
        for month in range(MONTHS):
            start, end = date(2023, month + 1, 1), date(2023, month + 2, 1)
            use = 1000 + (n * MONTHS + month) % 997
            writer.writerow([f"A{n}", f"M{n}", start.isoformat(), end.isoformat(), use, f"{use * 0.12:.2f}"])
    return out.getvalue().encode()


def bills_by_task(db: Database) -> dict[int, int]:
    """Bills written per import task id."""
    with db.reading() as session:
        rows = session.execute(
            text("SELECT import_task_id, count(*) FROM bills WHERE import_task_id IS NOT NULL GROUP BY 1")
        ).all()
    return {int(task_id): int(count) for task_id, count in rows}


def job_rows(db: Database) -> list[dict[str, Any]]:
    """Every procrastinate job with how many times a worker started it (from procrastinate's events)."""
    with db.reading() as session:
        rows = session.execute(
            text(
                "SELECT j.id, j.status::text AS status, j.attempts, j.args,"
                " (SELECT count(*) FROM procrastinate_events e WHERE e.job_id = j.id AND e.type = 'started') AS starts"
                " FROM procrastinate_jobs j WHERE j.task_name = 'apportion.run_task' ORDER BY j.id"
            )
        ).mappings()
        return [dict(row) for row in rows]
