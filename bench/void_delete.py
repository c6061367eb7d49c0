"""Benchmark: voiding and deleting a large chargeback run against a raw DELETE of the same rows, in one run.

The campus is bench/chargeback_run.py's (default 10,000 split versions x 5 destinations + 10,000 calculated
versions, so a run writes 60,000 bills in two tasks). Each database gets three timings on one campus:

1. raw: the run's rows (bills, line items, per-meter totals, lineage) are deleted with the database driver alone,
   in one transaction, and put back afterwards (not timed);
2. delete: POST /api/v3/chargebackTask/{id}/delete's service on the run's tasks, calculation first;
3. void: a second run, then POST .../void's service on its tasks.

The figures to watch are raw seconds / delete seconds and raw seconds / void seconds (goal >= 0.3): what the
reversal adds to the bare DELETE (finding the bills, undoing what was made from them, resetting split sources,
the correction log) is at most about three times the DELETE itself. A slow reversal is almost always a foreign
key walked without an index (tests/store/test_foreign_key_indexes.py).

    .venv/bin/python -m bench.void_delete                  # SQLite in a temporary file
    .venv/bin/python -m bench.void_delete --versions 2000 --database-url postgresql+psycopg://postgres@127.0.0.1:5432/postgres
"""

from __future__ import annotations

import argparse
import os
import time
from collections.abc import Sequence
from datetime import datetime
from typing import Any, NamedTuple

from apportion.services.chargebacks import chargeback_tasks
from apportion.store.database import Database
from bench.chargeback_run import NOW, build_campus, run_workflow
from bench.databases import fresh_database

# Child tables first: what the service's delete removes, by the bills it removes.
ROWS_OF_BILLS = ("bill_lines", "bill_meters", "bill_sources")


def raw_delete(db: Database, task_ids: Sequence[int]) -> float:
    """Delete the run's bills and their rows with the driver alone (timed), then put them back; returns seconds."""
    ids = ",".join(str(t) for t in task_ids)
    bills_of_run = f"SELECT bill_id FROM bills WHERE chargeback_task_id IN ({ids})"
    connection = db.engine.raw_connection()
    try:
        cursor = connection.cursor()
        saved: dict[str, tuple[list[str], list[tuple[Any, ...]]]] = {}
        for table in (*ROWS_OF_BILLS, "bills"):
            where = f"chargeback_task_id IN ({ids})" if table == "bills" else f"bill_id IN ({bills_of_run})"
            cursor.execute(f"SELECT * FROM {table} WHERE {where}")
            saved[table] = ([d[0] for d in cursor.description], [tuple(r) for r in cursor.fetchall()])
        began = time.perf_counter()
        for table in ROWS_OF_BILLS:
            cursor.execute(f"DELETE FROM {table} WHERE bill_id IN ({bills_of_run})")
        cursor.execute(f"DELETE FROM bills WHERE chargeback_task_id IN ({ids})")
        connection.commit()
        seconds = time.perf_counter() - began
        mark = "?" if db.is_sqlite else "%s"
        for table in ("bills", *ROWS_OF_BILLS):
            columns, rows = saved[table]
            if rows:
                marks = ", ".join([mark] * len(columns))
                cursor.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows)
        connection.commit()
        return seconds
    finally:
        connection.close()


def reverse(db: Database, task_ids: Sequence[int], *, delete: bool, user_id: int) -> float:
    """Void or delete the run's tasks through the service, the last task first; returns seconds."""
    began = time.perf_counter()
    for task_id in reversed(task_ids):
        chargeback_tasks.reverse_task(db, task_id, delete=delete, user_id=user_id, now=NOW)
    return time.perf_counter() - began


class Figures(NamedTuple):
    """One database: bills in the run, and seconds of the raw DELETE, the service's delete and its void."""

    bills: int
    raw: float
    delete: float
    void: float


def measure(url: str | None, versions: int) -> Figures:
    """Build the campus, then time the raw DELETE, the delete and the void of a run (see the module docstring)."""
    with fresh_database(url, "void_delete") as db:
        principal, workflow_id = build_campus(db, versions)
        task_ids, created, _, _ = run_workflow(db, principal, workflow_id, "RUN-1")
        raw = raw_delete(db, task_ids)
        deleted = reverse(db, task_ids, delete=True, user_id=principal.user_id)
        task_ids, again, _, _ = run_workflow(db, principal, workflow_id, "RUN-2")
        if again != created:
            raise SystemExit(f"the second run wrote {again} bills, the first {created}")
        voided = reverse(db, task_ids, delete=False, user_id=principal.user_id)
        return Figures(created, raw, deleted, voided)


def main(argv: Sequence[str] | None = None) -> None:
    """Parse the options, measure SQLite (and PostgreSQL when a URL is given), print seconds and ratios."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--versions", type=int, default=10_000, help="split versions (and as many calculated ones)")
    parser.add_argument("--database-url", help="a PostgreSQL server URL to measure as well")
    args = parser.parse_args(argv)
    targets: list[tuple[str, str | None]] = [("SQLite", None)]
    if args.database_url and not args.database_url.startswith("sqlite"):
        targets.append(("PostgreSQL", args.database_url))
    for name, url in targets:
        began = datetime.now()
        f = measure(url, args.versions)
        print(
            f"{name:<10} {f.bills:,} bills   raw DELETE {f.raw * 1000:,.0f} ms   "
            f"delete {f.delete * 1000:,.0f} ms ({f.bills / f.delete:,.0f} bills/s, ratio {f.raw / f.delete:.2f})   "
            f"void {f.void * 1000:,.0f} ms ({f.bills / f.void:,.0f} bills/s, ratio {f.raw / f.void:.2f})   "
            f"(goal >= 0.3; {(datetime.now() - began).seconds} s with the campus)"
        )
    print(f"machine load {os.getloadavg()[0]:.1f} (1-minute average) on {os.cpu_count()} CPUs")


if __name__ == "__main__":
    main()
