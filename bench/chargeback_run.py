"""Benchmark: a whole chargeback workflow run against the raw insert rate of the same bill rows, in one run.

The generated campus: 2,000 split versions (one source account+meter each, 5 destinations at 10/15/20/25/30 %)
on a Split step, and 2,000 calculated versions on a Calculation step, each summing the use and cost of one split
version's 5 destination meters with a 6 % tax line; every source meter has 24 months of bills (2 line items).
The run (POST /api/v202304/chargebackWorkflow/{id}/exec's service) splits the last month's 2,000 source bills
into 10,000 bills, then calculates 2,000 bills from them: 12,000 bills in two tasks. Timed end to end.

Then the rows the run wrote (bills, line items, per-meter totals) are read back, deleted, and inserted again
with the database driver alone (sqlite3 executemany / psycopg COPY) in one transaction: the raw rate for exactly
those rows. The figure to watch is run / raw (goal >= 0.5, on SQLite by CPU time; docs/benchmarks.md). Each
database gets --repeat runs (default 3) on one campus, the run's tasks deleted between them; the median ratio is the
figure.

    .venv/bin/python -m bench.chargeback_run                  # SQLite in a temporary file
    .venv/bin/python -m bench.chargeback_run --database-url postgresql+psycopg://postgres@127.0.0.1:5432/postgres
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any, NamedTuple

from sqlalchemy import func, insert, select

from apportion.domain import calculations as calc
from apportion.domain import periods, splits
from apportion.domain.bills import BillDraft, LineDraft
from apportion.domain.permissions import Grants
from apportion.services.access import auth
from apportion.services.billing.batches import BatchSettings, new_batch
from apportion.services.chargebacks import chargeback_tasks
from apportion.services.runs import processing
from apportion.store import instructions
from apportion.store.bill_writer import BillWriter
from apportion.store.database import Database
from apportion.store.models.bills import Bill
from apportion.store.models.chargebacks import (
    ChargebackWorkflow,
    ChargebackWorkflowStep,
    DistributionVersion,
    SplitDestination,
)
from apportion.store.models.organisation import Account, AccountMeter, Meter, Vendor
from bench.databases import fresh_database, reinsert_bills

NOW = datetime(2024, 7, 15, 9, 30)
PERIOD = 202406
MONTHS = 24
PERCENTAGES = [Decimal(p) for p in ("10", "15", "20", "25", "30")]
USE, COST, KWH = 1, 3, 1  # seeded observation types and unit


def build_campus(db: Database, versions: int) -> tuple[auth.Principal, int]:
    """Write the campus with bulk inserts (not timed); returns the user and the workflow id."""
    user_id = auth.create_user_with_key(db, "bench", "Benchmark", Grants.everything(), NOW)[0]
    principal = auth.Principal(user_id, "bench", "Benchmark", Grants.everything())
    sources = range(1, versions + 1)  # account and meter ids of the split sources
    destination_base = versions  # destinations of source i: destination_base + 5 (i - 1) + 1 .. + 5
    calculated_base = versions * 6  # calculated account and meter of version i: calculated_base + i
    total = versions * 7
    with db.transaction() as session:
        vendor = Vendor(vendor_code="BENCH", vendor_info="Benchmark vendor", vendor_type_id=1)
        session.add(vendor)
        session.flush()
        rows = range(1, total + 1)
        session.execute(
            insert(Account),
            [
                {
                    "account_id": i,
                    "account_code": f"A{i:06d}",
                    "account_info": f"Account {i}",
                    "account_type_id": 1,
                    "cost_center_id": 1,
                    "vendor_id": vendor.vendor_id,
                }
                for i in rows
            ],
        )
        session.execute(
            insert(Meter),
            [
                {
                    "meter_id": i,
                    "meter_code": f"M{i:06d}",
                    "meter_info": f"Meter {i}",
                    "commodity_id": 1,
                    "place_id": 1,
                    "meter_type_id": 1,
                    "use_unit_id": KWH,
                }
                for i in rows
            ],
        )
        session.execute(
            insert(AccountMeter),
            [
                {"account_id": i, "meter_id": i, "begin_date": date(2000, 1, 1), "end_date": date(2100, 1, 1)}
                for i in rows
            ],
        )
        workflow = ChargebackWorkflow(workflow_info="Monthly chargebacks")
        session.add(workflow)
        session.flush()
        split_step = ChargebackWorkflowStep(
            workflow_id=workflow.workflow_id,
            step_info="Split",
            step_description="Split vendor bills",
            step_type="Split",
            step_order=1,
        )
        calc_step = ChargebackWorkflowStep(
            workflow_id=workflow.workflow_id,
            step_info="Calculate",
            step_description="Calculate tenant bills",
            step_type="Calculation",
            step_order=2,
        )
        session.add_all([split_step, calc_step])
        session.flush()
        version_rows: list[dict[str, Any]] = []
        destination_rows: list[dict[str, Any]] = []
        for i in sources:
            version_rows.append(
                {
                    "version_id": i,
                    "chargeback_type": "Split",
                    "account_id": i,
                    "meter_id": i,
                    "name": "Original",
                    "begin_period": 200001,
                    "workflow_step_id": split_step.step_id,
                    "split_method": splits.SplitMethod.FIXED_PERCENTAGE,
                }
            )
            first = destination_base + 5 * (i - 1) + 1
            for position, percentage in enumerate(PERCENTAGES):
                destination_rows.append(
                    {
                        "version_id": i,
                        "position": position,
                        "account_id": first + position,
                        "meter_id": first + position,
                        "split_percentage": percentage,
                    }
                )
            summed = calc.MeterCalculation(sum_meter_ids=tuple(range(first, first + 5)))
            document = instructions.to_document(
                calc.CalculatedBillInstructions(
                    0,
                    use=summed,
                    cost=summed,
                    meter_line_items=(calc.LineItem("Percentage", "Tax", Decimal("6"), COST),),
                )
            )
            version_rows.append(
                {
                    "version_id": versions + i,
                    "chargeback_type": "Calculation",
                    "account_id": calculated_base + i,
                    "meter_id": calculated_base + i,
                    "name": "Original",
                    "begin_period": 200001,
                    "workflow_step_id": calc_step.step_id,
                    "instructions": document,
                }
            )
        session.execute(insert(DistributionVersion), version_rows)
        session.execute(insert(SplitDestination), destination_rows)
        batch_id = new_batch(session, BatchSettings("HISTORY"), user_id, NOW).batch_id
        writer = BillWriter(session)
        for months_back in range(MONTHS - 1, -1, -1):
            period = periods.add_months(PERIOD, -months_back)
            drafts = [
                BillDraft(
                    account_id=i,
                    billing_period=period,
                    begin_date=periods.first_day(period),
                    end_date=periods.end_date(period),
                    lines=(
                        LineDraft(
                            USE,
                            "use",
                            i,
                            "Energy",
                            Decimal(1000 + i % 97) + Decimal("0.125"),
                            KWH,
                            Decimal(100 + i % 89) + Decimal("0.37"),
                        ),
                        LineDraft(COST, "cost", i, "Customer charge", None, None, Decimal("12.50")),
                    ),
                )
                for i in sources
            ]
            writer.write(drafts, batch_id, user_id, NOW)
        return principal, workflow.workflow_id


def run_workflow(
    db: Database, principal: auth.Principal, workflow_id: int, batch_code: str = "RUN"
) -> tuple[list[int], int, float, float]:
    """The timed workflow run; returns (task ids, bills created, seconds, this process's CPU seconds)."""
    settings = processing.RunSettings(PERIOD, batch=BatchSettings(batch_code))
    began, began_cpu = time.perf_counter(), time.process_time()
    task_ids = processing.run_workflow(db, workflow_id, settings, principal, datetime.now)
    seconds, cpu_seconds = time.perf_counter() - began, time.process_time() - began_cpu
    with db.reading() as session:
        created = session.execute(
            select(func.count()).select_from(Bill).where(Bill.chargeback_task_id.in_(task_ids))
        ).scalar_one()
    return task_ids, int(created), seconds, cpu_seconds


def raw_reinsert(db: Database, task_ids: Sequence[int]) -> tuple[float, float]:
    """The run's bills put back by the driver alone (bench.databases.reinsert_bills): its seconds and CPU seconds."""
    raw = reinsert_bills(db, f"chargeback_task_id IN ({','.join(str(t) for t in task_ids)})")
    return raw.seconds, raw.cpu


class Figures(NamedTuple):
    """One run: bills created, and bills per second of the run and of the raw insert, by wall clock and by CPU."""

    created: int
    run_rate: float
    raw_rate: float
    run_cpu_rate: float
    raw_cpu_rate: float


def measure(url: str | None, versions: int, repeat: int) -> list[Figures]:
    """The figures of `repeat` runs on one fresh campus.

    After each run and its raw re-insert, the run's tasks are deleted (domain.md §4.7: bills removed, sources
    unsplit), so the next run starts from the same campus.
    """
    figures = []
    with fresh_database(url, "chargeback_run") as db:
        principal, workflow_id = build_campus(db, versions)
        for attempt in range(repeat):
            task_ids, created, seconds, cpu = run_workflow(db, principal, workflow_id, f"RUN-{attempt + 1}")
            raw_seconds, raw_cpu = raw_reinsert(db, task_ids)
            with db.reading() as session:
                again = session.execute(
                    select(func.count()).select_from(Bill).where(Bill.chargeback_task_id.in_(task_ids))
                ).scalar_one()
            if again != created:
                raise SystemExit(f"the raw insert wrote {again} bills, the run {created}")
            for task_id in reversed(task_ids):
                chargeback_tasks.reverse_task(db, task_id, delete=True, user_id=principal.user_id, now=NOW)
            figures.append(Figures(created, created / seconds, created / raw_seconds, created / cpu, created / raw_cpu))
    return figures


def main(argv: Sequence[str] | None = None) -> None:
    """Parse the options, measure SQLite (and PostgreSQL when a URL is given), print bills/s and the ratio."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--versions", type=int, default=2000, help="split versions (and as many calculated ones)")
    parser.add_argument("--database-url", help="a PostgreSQL server URL to measure as well")
    parser.add_argument("--repeat", type=int, default=3, help="runs per database (the median ratio is the figure)")
    args = parser.parse_args(argv)
    targets: list[tuple[str, str | None]] = [("SQLite", None)]
    if args.database_url and not args.database_url.startswith("sqlite"):
        targets.append(("PostgreSQL", args.database_url))
    print(f"{args.versions:,} split versions x 5 destinations + {args.versions:,} calculated versions, {MONTHS} months")
    for name, url in targets:
        figures = measure(url, args.versions, args.repeat)
        for f in figures:
            print(
                f"{name:<10} workflow run {f.created:,} bills {f.run_rate:>9,.0f} bills/s   "
                f"raw insert of the same rows {f.raw_rate:>9,.0f} bills/s   ratio {f.run_rate / f.raw_rate:.2f}"
            )
        ratios = [f.run_rate / f.raw_rate for f in figures]
        print(f"{name:<10} median ratio {statistics.median(ratios):.2f} (goal >= 0.5) over {len(ratios)} runs")
        if url is None:  # SQLite works in this process, so its CPU time is the whole cost of both
            cpu = [f.run_cpu_rate / f.raw_cpu_rate for f in figures]
            print(f"{name:<10} median ratio of CPU time {statistics.median(cpu):.2f} (less sensitive to other load)")
    print(f"machine load {os.getloadavg()[0]:.1f} (1-minute average) on {os.cpu_count()} CPUs")


if __name__ == "__main__":
    main()
