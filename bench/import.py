"""Benchmark: a full bill import of a 100,000-row CSV against the csv module alone reading the same file.

Generates the file on the fly (STANDARD profile: one row per bill, a kWh value and its cost), loads the
accounts, meters and links it names into a fresh database, then times, in the same run:

- baseline: `csv.reader` over the decoded text, every row materialised (the floor for any CSV import);
- full import: `import_tasks.start_import` (base64, file checks, task) plus `bill_import.run_import` (read,
  parse, resolve codes, batch, bulk write of bills, lines and meter totals, kickout file), as the task
  runner would run it; `--kickouts N` makes N rows name an unknown account.

    .venv/bin/python -m bench.import                      # SQLite, 100,000 rows
    .venv/bin/python -m bench.import --rows 20000 \\
        --database-url postgresql+psycopg://postgres@127.0.0.1:5432/postgres
"""

from __future__ import annotations

import argparse
import base64
import csv
import io
import os
import time
from datetime import date, datetime

from sqlalchemy import func, insert, select

from apportion.domain.permissions import Grants
from apportion.services.access import auth
from apportion.services.access.auth import Principal
from apportion.services.imports import bill_import, import_tasks
from apportion.settings import Settings
from apportion.store.database import Database
from apportion.store.models.bills import Bill
from apportion.store.models.imports import Task
from apportion.store.models.organisation import Account, AccountMeter, Meter, Vendor
from bench.databases import fresh_database

NOW = datetime(2024, 6, 15, 9, 30)
MONTHS = 10


def make_csv(rows: int, kickouts: int) -> bytes:
    """`rows` STANDARD rows: accounts A<n> with meter M<n>, MONTHS consecutive monthly bills each."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["AccountCode", "MeterCode", "StartDate", "EndDate", "USE:kWh:Energy", "USE::Energy"])
    for n in range(rows):
        account, month = divmod(n, MONTHS)
        start, end = date(2023, month + 1, 1), date(2023 + (month + 1) // 12, (month + 1) % 12 + 1, 1)
        code = f"X{account}" if n < kickouts else f"A{account}"
        use = 1000 + n % 997
        writer.writerow([code, f"M{account}", start.isoformat(), end.isoformat(), use, f"{use * 0.12:.2f}"])
    return out.getvalue().encode()


def load_master_data(db: Database, accounts: int) -> Principal:
    """The administrator, one vendor, and `accounts` accounts each linked to its own electric meter."""
    user_id, _key = auth.create_user_with_key(db, "admin", "Administrator", Grants.everything(), NOW)
    with db.transaction() as session:
        vendor_id = session.execute(
            insert(Vendor).values(vendor_code="PPL", vendor_info="PPL").returning(Vendor.vendor_id)
        ).scalar_one()
        session.execute(
            insert(Account),
            [
                {
                    "account_code": f"A{n}",
                    "account_info": f"Account {n}",
                    "account_type_id": 1,
                    "cost_center_id": 1,
                    "vendor_id": vendor_id,
                }
                for n in range(accounts)
            ],
        )
        session.execute(
            insert(Meter),
            [
                {"meter_code": f"M{n}", "meter_info": f"Meter {n}", "commodity_id": 1, "place_id": 1}
                | {"meter_type_id": 1}
                for n in range(accounts)
            ],
        )
        account_ids = dict(session.execute(select(Account.account_code, Account.account_id)).all())
        meter_ids = dict(session.execute(select(Meter.meter_code, Meter.meter_id)).all())
        session.execute(
            insert(AccountMeter),
            [
                {
                    "account_id": account_ids[f"A{n}"],
                    "meter_id": meter_ids[f"M{n}"],
                    "begin_date": date(1900, 1, 1),
                    "end_date": date(3000, 1, 1),
                }
                for n in range(accounts)
            ],
        )
    return Principal(user_id, "admin", "Administrator", Grants.everything())


def csv_alone(content: bytes) -> float:
    """Seconds for the csv module to decode and read every row of the file."""
    started = time.perf_counter()
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")))
    elapsed = time.perf_counter() - started
    assert rows
    return elapsed


def full_import(db: Database, principal: Principal, content: bytes) -> tuple[float, dict[str, object]]:
    """Seconds for the request checks plus the task body, and the finished task's output."""
    limits = bill_import.limits_for(Settings())
    data = base64.b64encode(content).decode()
    started = time.perf_counter()
    task_id, _guid = import_tasks.start_import(
        db, "bench.csv", data, import_tasks.ImportOptions(), principal, NOW, limits
    )
    bill_import.run_import(db, task_id, lambda: NOW, limits)
    elapsed = time.perf_counter() - started
    with db.reading() as session:
        task = session.get_one(Task, task_id)
        output = dict(task.output or {}) | {"status": task.status}
        output["billsInDatabase"] = session.execute(select(func.count()).select_from(Bill)).scalar_one()
    return elapsed, output


def run(url: str | None, rows: int, kickouts: int) -> None:
    """One measurement on one backend, printed next to its baseline."""
    content = make_csv(rows, kickouts)
    with fresh_database(url, "import") as db:
        principal = load_master_data(db, (rows + MONTHS - 1) // MONTHS)
        baseline = csv_alone(content)
        seconds, output = full_import(db, principal, content)
        backend = db.engine.dialect.name
    load = os.getloadavg()[0]  # other work on the machine slows both figures; the ratio is what to compare
    print(f"{backend}: {rows:,} rows, {len(content) / 1e6:.1f} MB, {kickouts:,} kickout rows, load average {load:.1f}")
    print(f"  csv module alone : {baseline:8.3f} s  {rows / baseline:>12,.0f} rows/s")
    ratio = f"({seconds / baseline:.0f}x the csv read)"
    print(f"  full import      : {seconds:8.3f} s  {rows / seconds:>12,.0f} rows/s  {ratio}")
    stages = ", ".join(f"{stage} {seconds:.1f}" for stage, seconds in dict(output.pop("stageSeconds")).items())
    print(f"  stages (s)       : {stages}")
    print(f"  task             : {output}")


def main() -> None:
    """Parse arguments and run on SQLite, then on PostgreSQL when a URL is given."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--kickouts", type=int, default=100)
    parser.add_argument("--database-url", default=None, help="also run on this PostgreSQL server")
    args = parser.parse_args()
    run(None, args.rows, args.kickouts)
    if args.database_url:
        run(args.database_url, args.rows, args.kickouts)


if __name__ == "__main__":
    main()
