"""Fresh benchmark databases: a migrated temporary SQLite file, or a new database on a PostgreSQL server."""

from __future__ import annotations

import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any, NamedTuple

from sqlalchemy import create_engine, insert, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from apportion.store.database import Database
from apportion.store.migrate import upgrade
from apportion.store.models.organisation import Account, AccountMeter, Meter, Vendor


@contextmanager
def fresh_database(url: str | None, label: str = "bench") -> Iterator[Database]:
    """A migrated empty database, dropped afterwards.

    `url` None (or any sqlite URL) gives a file in a temporary directory; a PostgreSQL URL names the server
    on which a database `apportion_<label>_<random>` is created.
    """
    if url is None or url.startswith("sqlite"):
        with tempfile.TemporaryDirectory() as tmp:
            db = Database(f"sqlite:///{tmp}/{label}.db")
            upgrade(db.engine)
            try:
                yield db
            finally:
                db.dispose()
        return
    name = f"apportion_{label}_{uuid.uuid4().hex[:10]}"
    admin = create_engine(make_url(url), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    db = Database(make_url(url).set(database=name).render_as_string(hide_password=False))
    try:
        upgrade(db.engine)
        yield db
    finally:
        db.dispose()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def linked_accounts_and_meters(session: Session, count: int) -> tuple[list[int], list[int]]:
    """A BENCH vendor with `count` accounts (BA000000…) and meters (BM000000…), each account linked to its meter.

    Written with bulk inserts; returns the account ids and the meter ids, both in code order.
    """
    vendor_id = session.execute(
        insert(Vendor).values(vendor_code="BENCH", vendor_info="Bench").returning(Vendor.vendor_id)
    ).scalar_one()
    session.execute(
        insert(Account),
        [
            {"account_code": f"BA{i:06d}", "account_info": f"Account {i}", "account_type_id": 1,
             "cost_center_id": 1, "vendor_id": vendor_id}
            for i in range(count)
        ],
    )  # fmt: skip
    session.execute(
        insert(Meter),
        [
            {"meter_code": f"BM{i:06d}", "meter_info": f"Meter {i}", "commodity_id": 1, "place_id": 1,
             "meter_type_id": 1}
            for i in range(count)
        ],
    )  # fmt: skip
    accounts = list(
        session.execute(
            select(Account.account_id).where(Account.account_code.like("BA%")).order_by(Account.account_id)
        ).scalars()
    )
    meters = list(
        session.execute(select(Meter.meter_id).where(Meter.meter_code.like("BM%")).order_by(Meter.meter_id)).scalars()
    )
    session.execute(
        insert(AccountMeter),
        [
            {"account_id": a, "meter_id": m, "begin_date": date(2010, 1, 1), "end_date": date(2100, 1, 1)}
            for a, m in zip(accounts, meters, strict=True)
        ],
    )
    return accounts, meters


BILL_TABLES = ("bills", "bill_lines", "bill_meters")
"""What writing a bill writes, parents first: the rows a raw insert of the same bills puts back."""


def backend_pid(connection: Any) -> int | None:
    """The server process of a PostgreSQL DB-API connection (None on SQLite)."""
    if not hasattr(connection, "info") or not hasattr(connection.info, "backend_pid"):
        driver = getattr(connection, "driver_connection", None)
        return None if driver is None else backend_pid(driver)
    return int(connection.info.backend_pid)


def server_cpu(pid: int | None) -> tuple[float, float] | None:
    """(CPU seconds used so far, seconds spent ready to run but waiting for a CPU) of a PostgreSQL server process,
    when the server runs on this machine (from /proc/PID/schedstat); None where that cannot be read."""
    if pid is None:
        return None
    try:
        with open(f"/proc/{pid}/schedstat") as stat:
            running, waiting, _slices = stat.read().split()
    except (OSError, ValueError):
        return None
    return int(running) / 1e9, int(waiting) / 1e9


def cpu_used(began: tuple[float, float] | None, ended: tuple[float, float] | None) -> tuple[float, float] | None:
    """The difference of two `server_cpu` readings (None if either is)."""
    if began is None or ended is None:
        return None
    return ended[0] - began[0], ended[1] - began[1]


class Reinserted(NamedTuple):
    """The driver's raw insert: its seconds, this process's CPU seconds for it, the bills, and the server
    process's CPU seconds and seconds waiting for a CPU for it (PostgreSQL on this machine; else None)."""

    seconds: float
    cpu: float
    bills: int
    server_cpu: tuple[float, float] | None


def reinsert_bills(db: Database, bills_where: str) -> Reinserted:
    """Read the bills matching `bills_where` (SQL on `bills`) with their lines and per-meter totals, delete them,
    then insert them again with the driver alone (sqlite3 `executemany`, psycopg `COPY`) in one transaction: the
    baseline a benchmark compares its writes with."""
    bill_ids = f"SELECT bill_id FROM bills WHERE {bills_where}"
    connection = db.engine.raw_connection()
    try:
        cursor = connection.cursor()
        pid = backend_pid(connection)
        saved: dict[str, tuple[list[str], list[tuple[Any, ...]]]] = {}
        for table in BILL_TABLES:
            where = bills_where if table == "bills" else f"bill_id IN ({bill_ids})"
            cursor.execute(f"SELECT * FROM {table} WHERE {where}")
            columns = [d[0] for d in cursor.description]
            saved[table] = (columns, [tuple(r) for r in cursor.fetchall()])
        for table in reversed(BILL_TABLES):
            where = bills_where if table == "bills" else f"bill_id IN ({bill_ids})"
            cursor.execute(f"DELETE FROM {table} WHERE {where}")
        connection.commit()
        began, began_cpu, began_server = time.perf_counter(), time.process_time(), server_cpu(pid)
        if db.is_sqlite:
            for table in BILL_TABLES:
                columns, rows = saved[table]
                marks = ", ".join("?" * len(columns))
                cursor.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows)
        else:
            for table in BILL_TABLES:
                columns, rows = saved[table]
                with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:  # type: ignore[attr-defined]
                    for row in rows:
                        copy.write_row(row)
        connection.commit()
        server = cpu_used(began_server, server_cpu(pid))
        return Reinserted(time.perf_counter() - began, time.process_time() - began_cpu, len(saved["bills"][1]), server)
    finally:
        connection.close()
