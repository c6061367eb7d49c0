"""Benchmark: a full bill import against the raw driver insert of the rows it writes, and its peak memory.

Generates a STANDARD CSV on disk (one row per bill, a kWh value and its cost; accounts A<n> with meter M<n>, ten
monthly bills each; `--kickouts N` rows name an unknown account), loads the accounts, meters and links into a fresh
database, then measures in the same run:

- the import, in a child process (so its peak resident memory is the import's own): the request's part,
  `import_tasks.start_import_bytes` (file checks, the task and its stored upload, as `apportion import FILE`
  does), then the task, `bill_import.run_import` (read, parse, resolve, batch, write, kickouts: one transaction);
  the child's peak RSS is printed (goal: <= 300 MB at 1,000,000 rows), and that of each part (on Linux the peak
  is reset between them);
- baseline 1: the raw driver insert of exactly the rows the import wrote (bills, line items, per-meter totals),
  read back, deleted and inserted again with sqlite3 `executemany` or psycopg `COPY` in one transaction; the ratio
  import rate / raw rate is the figure (goal >= 0.5 on SQLite, >= 0.8 on PostgreSQL);
- baseline 2: the csv module alone reading the same file into lists, with the cyclic garbage collector paused as it
  is during an import.

    .venv/bin/python -m bench.import                      # SQLite, 100,000 rows
    .venv/bin/python -m bench.import --rows 20000 \\
        --database-url postgresql+psycopg://postgres@127.0.0.1:5432/postgres
    .venv/bin/python -m bench.import --rows 1000000 --sqlite-only   # the nightly size (several minutes)
"""

from __future__ import annotations

import argparse
import base64
import csv
import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, insert, select

from apportion.domain.permissions import Grants
from apportion.runtime.memory import cyclic_gc_paused
from apportion.services.access import auth
from apportion.services.imports import bill_import, import_tasks
from apportion.settings import Settings
from apportion.store.database import Database
from apportion.store.models.bills import Bill
from apportion.store.models.imports import Task
from apportion.store.models.organisation import Account, AccountMeter, Meter, Vendor
from bench.databases import Reinserted, backend_pid, cpu_used, fresh_database, reinsert_bills, server_cpu
from bench.memory import peak_mb, reset_peak

NOW = datetime(2024, 6, 15, 9, 30)
MONTHS = 10


def write_csv(path: Path, rows: int, kickouts: int) -> int:
    """`rows` STANDARD rows into `path`: accounts A<n> with meter M<n>, MONTHS consecutive monthly bills each.

    Returns the file's size in bytes.
    """
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(["AccountCode", "MeterCode", "StartDate", "EndDate", "USE:kWh:Energy", "USE::Energy"])
        for n in range(rows):
            account, month = divmod(n, MONTHS)
            start, end = date(2023, month + 1, 1), date(2023 + (month + 1) // 12, (month + 1) % 12 + 1, 1)
            code = f"X{account}" if n < kickouts else f"A{account}"
            use = 1000 + n % 997
            writer.writerow([code, f"M{account}", start.isoformat(), end.isoformat(), use, f"{use * 0.12:.2f}"])
    return path.stat().st_size


def load_master_data(db: Database, accounts: int) -> None:
    """The administrator, one vendor, and `accounts` accounts each linked to its own electric meter."""
    auth.create_user_with_key(db, "admin", "Administrator", Grants.everything(), NOW)
    with db.transaction() as session:
        vendor_id = session.execute(
            insert(Vendor).values(vendor_code="PPL", vendor_info="PPL").returning(Vendor.vendor_id)
        ).scalar_one()
        for first in range(0, accounts, 50_000):
            numbers = range(first, min(accounts, first + 50_000))
            session.execute(
                insert(Account),
                [
                    {"account_code": f"A{n}", "account_info": f"Account {n}", "account_type_id": 1,
                     "cost_center_id": 1, "vendor_id": vendor_id}
                    for n in numbers
                ],
            )  # fmt: skip
            session.execute(
                insert(Meter),
                [
                    {"meter_code": f"M{n}", "meter_info": f"Meter {n}", "commodity_id": 1, "place_id": 1,
                     "meter_type_id": 1}
                    for n in numbers
                ],
            )  # fmt: skip
        account_ids = dict(session.execute(select(Account.account_code, Account.account_id)).all())
        meter_ids = dict(session.execute(select(Meter.meter_code, Meter.meter_id)).all())
        links = [
            {"account_id": account_ids[f"A{n}"], "meter_id": meter_ids[f"M{n}"],
             "begin_date": date(1900, 1, 1), "end_date": date(3000, 1, 1)}
            for n in range(accounts)
        ]  # fmt: skip
        for first in range(0, len(links), 50_000):
            session.execute(insert(AccountMeter), links[first : first + 50_000])


def csv_alone(path: Path) -> float:
    """Seconds for the csv module to decode and read every row of the file into lists (collector paused)."""
    with cyclic_gc_paused():
        started = time.perf_counter()
        with path.open(newline="", encoding="utf-8-sig") as text:
            rows = list(csv.reader(text))
        elapsed = time.perf_counter() - started
    assert rows
    return elapsed


def child(url: str, path: str) -> None:
    """The import itself, in this (child) process: prints its figures as JSON on the last line."""
    db = Database(url)
    limits = bill_import.limits_for(Settings())
    principal = auth.principal_of(db, None)
    started = time.perf_counter()
    content = Path(path).read_bytes()
    start = getattr(import_tasks, "start_import_bytes", None)
    if start is None:  # the code before streaming imports (for "before" figures) took base64 text only
        data = base64.b64encode(content).decode()
        task_id, _guid = import_tasks.start_import(db, Path(path).name, data, import_tasks.ImportOptions(),
                                                   principal, NOW, limits)  # fmt: skip
        del data
    else:
        task_id, _guid = start(db, Path(path).name, content, import_tasks.ImportOptions(), principal, NOW, limits)
    del content  # the request's copy of the upload; the task reads it back from the database in pieces
    request_peak = peak_mb()
    reset_peak()  # from here on, the task's own peak
    backend = pooled_backend(db)  # the task takes the pool's one connection again (PostgreSQL: its server process)
    requested, requested_cpu, requested_server = time.perf_counter(), time.process_time(), server_cpu(backend)
    bill_import.run_import(db, task_id, lambda: NOW, limits)
    ended, ended_cpu, ended_server = time.perf_counter(), time.process_time(), server_cpu(backend)
    same = pooled_backend(db) == backend
    db.dispose()
    figures = {
        "task_id": task_id,
        "request": requested - started,
        "task": ended - requested,
        "task_cpu": ended_cpu - requested_cpu,
        "task_server_cpu": cpu_used(requested_server, ended_server) if same else None,
        "request_peak_mb": request_peak,
        "task_peak_mb": peak_mb(),
    }
    print(json.dumps(figures))


@dataclass(frozen=True)
class Imported:
    """What the child reported, with its peak resident memory."""

    task_id: int
    request: float
    task: float
    task_cpu: float
    task_server_cpu: tuple[float, float] | None
    request_peak_mb: float
    task_peak_mb: float
    peak_rss_mb: float


def pooled_backend(db: Database) -> int | None:
    """The server process of the engine's pooled connection (PostgreSQL), which the next transaction takes."""
    connection = db.engine.raw_connection()
    try:
        return backend_pid(connection)
    finally:
        connection.close()


def run_child(db: Database, path: Path) -> Imported:
    """Run the import in a child process; its figures and its peak RSS (from wait4, the child's own)."""
    url = db.engine.url.render_as_string(hide_password=False)
    command = [sys.executable, "-m", "bench.import", "--child", url, str(path)]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None
    output = process.stdout.read()
    _pid, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise SystemExit(f"the import failed (exit {process.returncode})")
    figures = json.loads(output.strip().splitlines()[-1])
    # The child's own peaks where Linux gives them: wait4's ru_maxrss (KiB) also counts the image of this process
    # that the child was forked from before it started the interpreter anew.
    peak = max(figures["request_peak_mb"], figures["task_peak_mb"])
    if figures["task_server_cpu"] is not None:
        figures["task_server_cpu"] = tuple(figures["task_server_cpu"])
    return Imported(**figures, peak_rss_mb=peak if peak == peak else usage.ru_maxrss / 1024)


def raw_reinsert(db: Database, task_id: int) -> Reinserted:
    """The import's bills put back by the driver alone (bench.databases.reinsert_bills)."""
    return reinsert_bills(db, f"import_task_id = {task_id}")


@dataclass(frozen=True)
class Measured:
    """One backend's figures."""

    backend: str
    rows: int
    megabytes: float
    imported: Imported
    csv_seconds: float
    raw_seconds: float
    raw_cpu: float
    raw_server_cpu: tuple[float, float] | None
    bills: int
    output: dict[str, Any]

    @property
    def ratio(self) -> float:
        """Import task rate / raw insert rate of the same rows."""
        return self.raw_seconds / self.imported.task

    @property
    def ratio_with_request(self) -> float:
        """The same with the request's part (file check, stored upload) counted."""
        return self.raw_seconds / (self.imported.task + self.imported.request)


def measure(url: str | None, rows: int, kickouts: int) -> Measured:
    """One measurement on one backend."""
    with tempfile.TemporaryDirectory() as tmp, fresh_database(url, "import") as db:
        path = Path(tmp) / "bench.csv"
        size = write_csv(path, rows, kickouts)
        load_master_data(db, (rows + MONTHS - 1) // MONTHS)
        baseline = csv_alone(path)
        imported = run_child(db, path)
        with db.reading() as session:
            task = session.get_one(Task, imported.task_id)
            output = dict(task.output or {}) | {"status": task.status}
            bills = session.execute(
                select(func.count()).select_from(Bill).where(Bill.import_task_id == imported.task_id)
            ).scalar_one()
        raw = raw_reinsert(db, imported.task_id)
        if raw.bills != bills:
            raise SystemExit(f"the raw insert wrote {raw.bills} bills, the import {bills}")
        return Measured(
            db.engine.dialect.name, rows, size / 1e6, imported, baseline, raw.seconds, raw.cpu, raw.server_cpu,
            bills, output,
        )  # fmt: skip


def report(m: Measured, kickouts: int) -> None:
    """Print one backend's figures next to their baselines."""
    i = m.imported
    print(
        f"{m.backend}: {m.rows:,} rows, {m.megabytes:.1f} MB, {kickouts:,} kickout rows, load {os.getloadavg()[0]:.1f}"
    )
    print(
        f"  import task         : {i.task:8.3f} s  {m.rows / i.task:>10,.0f} rows/s  (request part {i.request:.2f} s)"
    )
    raw_rate = m.bills / m.raw_seconds
    print(f"  raw driver insert   : {m.raw_seconds:8.3f} s  {raw_rate:>10,.0f} bills/s  of {m.bills:,} bills")
    goal = 0.5 if m.backend == "sqlite" else 0.8
    print(
        f"  ratio import / raw  : {m.ratio:8.2f}    (goal >= {goal}); with the request part {m.ratio_with_request:.2f}"
    )
    if m.backend == "sqlite":  # all of SQLite's work is in the measured processes: CPU time moves less with load
        cpu = f"(task {i.task_cpu:.2f} s, raw {m.raw_cpu:.2f} s)"
        print(f"  ratio of CPU time   : {m.raw_cpu / i.task_cpu:8.2f}    {cpu}")
    elif i.task_server_cpu is not None and m.raw_server_cpu is not None:
        # PostgreSQL on this machine: the server process's CPU next to the client's, for each of the two, and how
        # long the server process was ready to run but waiting for a CPU (other load on the machine).
        (task_server, task_queued), (raw_server, raw_queued) = i.task_server_cpu, m.raw_server_cpu
        print(f"  CPU time (s)        : import: task {i.task_cpu:.2f}, its server process {task_server:.2f} "
              f"(+{task_queued:.2f} waiting for a CPU); raw insert: {m.raw_cpu:.2f}, its server process "
              f"{raw_server:.2f} (+{raw_queued:.2f})")  # fmt: skip
    print(f"  csv module alone    : {m.csv_seconds:8.3f} s  {m.rows / m.csv_seconds:>10,.0f} rows/s  "
          f"(import / csv {i.task / m.csv_seconds:.0f}x)")  # fmt: skip
    print(
        f"  peak RSS of import  : {i.peak_rss_mb:8.0f} MB  (goal <= 300 MB at 1,000,000 rows): "
        f"request part {i.request_peak_mb:.0f} MB, task {i.task_peak_mb:.0f} MB"
    )
    stages = ", ".join(f"{stage} {seconds:.1f}" for stage, seconds in dict(m.output.pop("stageSeconds")).items())
    print(f"  stages (s)          : {stages}")
    m.output.pop("files", None)
    print(f"  task                : {m.output}")


def main() -> None:
    """Parse arguments and run on SQLite, then on PostgreSQL when a URL is given."""
    if len(sys.argv) == 4 and sys.argv[1] == "--child":
        child(sys.argv[2], sys.argv[3])
        return
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--kickouts", type=int, default=100)
    parser.add_argument("--database-url", default=None, help="also run on this PostgreSQL server")
    parser.add_argument("--postgresql-only", action="store_true", help="skip SQLite (with --database-url)")
    parser.add_argument("--sqlite-only", action="store_true", help="ignore --database-url")
    args = parser.parse_args()
    if not args.postgresql_only:
        report(measure(None, args.rows, args.kickouts), args.kickouts)
    if args.database_url and not args.sqlite_only:
        report(measure(args.database_url, args.rows, args.kickouts), args.kickouts)


if __name__ == "__main__":
    main()
