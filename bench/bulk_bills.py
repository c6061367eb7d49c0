"""Benchmark: bulk bill writes through the service path against the database driver alone, in the same run.

Loads the demo campus (300 master meters) into a fresh database, then writes N bills of 3 line items each
through BillWriter, one transaction per chunk of bills (the chunking long runs use), and reports bills/s.
Into a second fresh database with the same schema and master data it writes the same rows (bills, line items
and per-meter totals) with the driver alone: sqlite3 `executemany`, or psycopg `COPY` on PostgreSQL, committing
per chunk as well. The ratio service / driver is the figure to watch (goal >= 0.3 on SQLite; DESIGN.md,
Performance rules).

    .venv/bin/python -m bench.bulk_bills                       # SQLite, 100,000 bills
    .venv/bin/python -m bench.bulk_bills --bills 20000 \\
        --database-url postgresql+psycopg://postgres@127.0.0.1:5432/postgres   # SQLite, then PostgreSQL
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import psycopg
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from apportion.domain import periods
from apportion.domain.bills import BillDraft
from apportion.domain.demo_campus import TARIFFS, bill_lines
from apportion.domain.permissions import Grants
from apportion.services.access import auth
from apportion.services.billing.batches import BatchSettings, new_batch
from apportion.services.demo import campus
from apportion.store.bill_writer import BillWriter, load_unit_table
from apportion.store.database import Database
from apportion.store.models.bills import Bill, BillLine, BillMeter
from apportion.store.models.organisation import AccountMeter, Meter, PlaceSize
from bench.databases import fresh_database

NOW = datetime(2024, 6, 15, 9, 30)
CAMPUS_METERS = 300
DEFAULT_CHUNK = 10_000

BILL_COLUMNS = [
    "bill_id",
    "account_id",
    "batch_id",
    "billing_period",
    "begin_date",
    "end_date",
    "total_cost",
    "estimated",
    "void",
    "approved",
    "exported",
    "accrual",
    "from_vendor",
    "has_been_split",
    "created_by",
    "created_date",
]
LINE_COLUMNS = ["bill_id", "meter_id", "line_order", "observation_type_id", "caption", "value", "value_unit_id", "cost"]
METER_COLUMNS = ["bill_id", "meter_id", "billing_period", "use", "cost", "demand"]


@dataclass(frozen=True)
class Setup:
    """The campus a run writes into: the user, the batch and the drafts to write."""

    user_id: int
    batch_id: int
    drafts: list[BillDraft]


def prepare(db: Database, bills: int, seed: int) -> Setup:
    """Load the campus and open a batch (not timed); build `bills` drafts on its master meters, oldest first."""
    user_id = auth.create_user_with_key(db, "bench", "Benchmark", Grants.everything(), NOW)[0]
    campus.load_campus(db, NOW, meters=CAMPUS_METERS, seed=seed)
    with db.transaction() as session:
        masters = session.execute(
            select(AccountMeter.account_id, Meter.meter_id, Meter.commodity_id, PlaceSize.value)
            .join(Meter, Meter.meter_id == AccountMeter.meter_id)
            .join(PlaceSize, PlaceSize.place_id == Meter.place_id)
            .where(Meter.meter_type_id == campus.STANDARD_METER)
            .order_by(Meter.meter_id)
        ).all()
        batch_id = new_batch(session, BatchSettings("BENCH"), user_id, NOW).batch_id
    tariffs = {t.commodity_id: t for t in TARIFFS}
    rng = random.Random(seed)
    # Periods before the demo's 24 months, going back one month per round over the master meters.
    start = periods.add_months(periods.of_date(NOW.date()), -campus.MONTHS)
    drafts = []
    for k in range(bills):
        account_id, meter_id, commodity_id, area = masters[k % len(masters)]
        period = periods.add_months(start, -(k // len(masters)))
        lines = bill_lines(tariffs[commodity_id], meter_id, area, period, rng)
        drafts.append(BillDraft(account_id, period, periods.first_day(period), periods.end_date(period), lines))
    drafts.reverse()
    return Setup(user_id, batch_id, drafts)


def chunks(drafts: Sequence[BillDraft], size: int) -> Iterator[Sequence[BillDraft]]:
    """Consecutive slices of at most `size` drafts."""
    for start in range(0, len(drafts), size):
        yield drafts[start : start + size]


def write_service(db: Database, setup: Setup, chunk: int) -> float:
    """BillWriter, one transaction per chunk; returns the seconds taken."""
    with db.reading() as session:
        units = load_unit_table(session)
    began = time.perf_counter()
    for part in chunks(setup.drafts, chunk):
        with db.transaction() as session:
            BillWriter(session, units).write(part, setup.batch_id, setup.user_id, NOW)
    return time.perf_counter() - began


@dataclass(frozen=True)
class Rows:
    """Row tuples for the driver, in BILL_COLUMNS / LINE_COLUMNS / METER_COLUMNS order, chunk by chunk."""

    bills: list[list[tuple[Any, ...]]]
    lines: list[list[tuple[Any, ...]]]
    meters: list[list[tuple[Any, ...]]]


def driver_rows(setup: Setup, first_bill_id: int, chunk: int, stored: Callable[[Any], Any]) -> Rows:
    """The rows BillWriter writes for the drafts, with ids assigned here and values as the driver stores them."""
    out = Rows([], [], [])
    bill_id = first_bill_id
    for part in chunks(setup.drafts, chunk):
        bills, lines, meters = [], [], []
        for draft in part:
            bills.append(
                tuple(
                    stored(v)
                    for v in (
                        bill_id,
                        draft.account_id,
                        setup.batch_id,
                        draft.billing_period,
                        draft.begin_date,
                        draft.end_date,
                        draft.total_cost,
                        False,
                        False,
                        False,
                        False,
                        False,
                        draft.from_vendor,
                        False,
                        setup.user_id,
                        NOW,
                    )
                )
            )
            totals: dict[int, list[Any]] = {}
            for order, line in enumerate(draft.lines):
                row = (bill_id, line.meter_id, order, line.observation_type_id, line.caption, line.value)
                lines.append(tuple(stored(v) for v in (*row, line.value_unit_id, line.cost)))
                if line.meter_id is None:
                    continue
                use, cost, demand = totals.setdefault(line.meter_id, [None, Decimal(0), None])
                # Demo bills are in the commodities' rollup units, so use needs no conversion here.
                if line.kind == "use" and line.value is not None:
                    use = line.value if use is None else use + line.value
                if line.kind == "demand" and line.value is not None:
                    demand = line.value if demand is None else max(demand, line.value)
                cost += line.cost or 0
                totals[line.meter_id] = [use, cost, demand]
            for meter_id, (use, cost, demand) in totals.items():
                meters.append(tuple(stored(v) for v in (bill_id, meter_id, draft.billing_period, use, cost, demand)))
            bill_id += 1
        out.bills.append(bills)
        out.lines.append(lines)
        out.meters.append(meters)
    return out


def sqlite_value(value: Any) -> Any:
    """A value as SQLAlchemy's SQLite dialect binds it: numerics as REAL, dates and times as ISO text."""
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, datetime):
        return value.isoformat(sep=" ", timespec="microseconds")
    if isinstance(value, date):
        return value.isoformat()
    return value


def _insert_sql(table: str, columns: Sequence[str]) -> str:
    return f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"


def write_driver_sqlite(path: str, rows: Rows) -> float:
    """sqlite3 executemany with the engine's pragmas, one transaction per chunk; returns the seconds taken."""
    conn = sqlite3.connect(path, isolation_level=None)
    for pragma in ("foreign_keys=ON", "journal_mode=WAL", "synchronous=NORMAL"):
        conn.execute(f"PRAGMA {pragma}")
    began = time.perf_counter()
    for bills, lines, meters in zip(rows.bills, rows.lines, rows.meters, strict=True):
        conn.execute("BEGIN")
        conn.executemany(_insert_sql("bills", BILL_COLUMNS), bills)
        conn.executemany(_insert_sql("bill_lines", LINE_COLUMNS), lines)
        conn.executemany(_insert_sql("bill_meters", METER_COLUMNS), meters)
        conn.execute("COMMIT")
    elapsed = time.perf_counter() - began
    conn.close()
    return elapsed


def write_driver_postgres(url: str, rows: Rows) -> float:
    """psycopg COPY, one transaction per chunk; returns the seconds taken."""
    dsn = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(dsn) as conn:
        began = time.perf_counter()
        for bills, lines, meters in zip(rows.bills, rows.lines, rows.meters, strict=True):
            with conn.transaction(), conn.cursor() as cursor:
                for table, columns, data in (
                    ("bills", BILL_COLUMNS, bills),
                    ("bill_lines", LINE_COLUMNS, lines),
                    ("bill_meters", METER_COLUMNS, meters),
                ):
                    with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                        for row in data:
                            copy.write_row(row)
        return time.perf_counter() - began


def counts(db: Database) -> tuple[int, int, int, Decimal]:
    """Bills, line items, per-meter totals and the sum of bill costs: both paths must end with the same."""
    with db.reading() as session:
        bills, total = session.execute(select(func.count(), func.sum(Bill.total_cost))).one()
        lines = session.execute(select(func.count()).select_from(BillLine)).scalar_one()
        meters = session.execute(select(func.count()).select_from(BillMeter)).scalar_one()
    return bills, lines, meters, Decimal(total).quantize(Decimal("0.01"))


def run(url: str | None, bills: int, chunk: int, seed: int) -> tuple[float, float]:
    """Time both paths on fresh databases of one kind; returns (service bills/s, driver bills/s)."""
    with fresh_database(url, "bench_service") as db:
        setup = prepare(db, bills, seed)
        service_seconds = write_service(db, setup, chunk)
        service_counts = counts(db)
    with fresh_database(url, "bench_driver") as db:
        setup = prepare(db, bills, seed)
        with db.reading() as session:
            first = (session.execute(select(func.max(Bill.bill_id))).scalar() or 0) + 1
        if db.is_sqlite:
            rows = driver_rows(setup, first, chunk, sqlite_value)
            path = db.engine.url.database
            assert path is not None
            db.dispose()
            driver_seconds = write_driver_sqlite(path, rows)
        else:
            rows = driver_rows(setup, first, chunk, lambda v: v)
            driver_seconds = write_driver_postgres(db.url, rows)
        driver_counts = counts(db)
    if service_counts != driver_counts:
        raise SystemExit(f"the two paths wrote different rows: {service_counts} != {driver_counts}")
    return bills / service_seconds, bills / driver_seconds


def main(argv: Sequence[str] | None = None) -> None:
    """Parse the options, run SQLite (and PostgreSQL when a URL is given), print bills/s and the ratio."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--bills", type=int, default=100_000, help="bills to write (3 line items each)")
    parser.add_argument("--chunk", type=int, default=DEFAULT_CHUNK, help="bills per transaction")
    parser.add_argument("--database-url", help="a PostgreSQL server URL to measure as well")
    parser.add_argument("--seed", type=int, default=campus.DEFAULT_SEED)
    args = parser.parse_args(argv)
    targets: list[tuple[str, str | None]] = [("SQLite", None)]
    if args.database_url and not args.database_url.startswith("sqlite"):
        targets.append(("PostgreSQL", args.database_url))
    print(f"{args.bills:,} bills x 3 line items, {args.chunk:,} bills per transaction")
    for name, url in targets:
        service, driver = run(url, args.bills, args.chunk, args.seed)
        print(
            f"{name:<10} service (BillWriter) {service:>9,.0f} bills/s   "
            f"driver alone {driver:>9,.0f} bills/s   ratio {service / driver:.2f}"
        )


if __name__ == "__main__":
    main()
