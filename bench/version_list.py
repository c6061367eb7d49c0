"""Benchmark: GET /api/v3/calculatedBill (★003) over 100,000 calculated bill versions.

Builds 10,000 accounts and meters, each with 10 yearly calculated bill versions (2015 … 2024, the last one
open-ended) spread over 20 workflow steps, with bulk inserts. It then times the list through the ASGI app with a
two-condition filter (`billingPeriod equals '202403' and calculateBillWorkflowStepID equals '<step>'`, 500
matches) at pageSize 250, and, in the same run, the bare SQL of that very request: every statement it ran (the API
key look-up, the COUNT, the page's keys and their rows with their children) captured from the engine and replayed on
the raw driver connection with the same parameters (bench.lists.Statements). It prints p50 and p95 of each.
PostgreSQL gets an ANALYZE after the load; SQLite none.

    .venv/bin/python -m bench.version_list                                          # SQLite
    .venv/bin/python -m bench.version_list --database-url postgresql+psycopg://postgres@127.0.0.1:5432/postgres
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from datetime import datetime
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import insert

from apportion.api.app import create_app
from apportion.domain.permissions import Grants
from apportion.domain.versions import CALCULATION
from apportion.services.access import auth
from apportion.settings import Settings
from apportion.store.database import Database
from apportion.store.models.chargebacks import ChargebackWorkflow, ChargebackWorkflowStep, DistributionVersion
from bench.databases import fresh_database, linked_accounts_and_meters
from bench.lists import Statements

NOW = datetime(2024, 6, 15, 9, 30)
PAIRS, YEARS, STEPS = 10_000, 10, 20
FIRST_YEAR = 2015
PAGE_SIZE = 250


def build(db: Database) -> list[int]:
    """Accounts, meters, links, workflow steps and PAIRS x YEARS versions; returns the step ids."""
    with db.transaction() as session:
        accounts, meters = linked_accounts_and_meters(session, PAIRS)
        workflow_id = session.execute(
            insert(ChargebackWorkflow).values(workflow_info="Bench").returning(ChargebackWorkflow.workflow_id)
        ).scalar_one()
        steps = [
            session.execute(
                insert(ChargebackWorkflowStep)
                .values(workflow_id=workflow_id, step_info=f"Step {s}", step_description="", step_type=CALCULATION,
                        step_order=s)
                .returning(ChargebackWorkflowStep.step_id)
            ).scalar_one()
            for s in range(STEPS)
        ]  # fmt: skip
        rows = [
            {"chargeback_type": CALCULATION, "account_id": a, "meter_id": m, "name": f"Year {year}",
             "begin_period": year * 100 + 1, "end_period": None if year == FIRST_YEAR + YEARS - 1 else year * 100 + 12,
             "workflow_step_id": steps[i % STEPS], "instructions": {}}
            for i, (a, m) in enumerate(zip(accounts, meters, strict=True))
            for year in range(FIRST_YEAR, FIRST_YEAR + YEARS)
        ]  # fmt: skip
        for start in range(0, len(rows), 20_000):
            session.execute(insert(DistributionVersion), rows[start : start + 20_000])
    return steps


def timed(call: Callable[[], Any], runs: int) -> list[float]:
    """Milliseconds per call, after two warm-up calls."""
    for _ in range(2):
        call()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        call()
        times.append((time.perf_counter() - start) * 1000)
    return times


def percentiles(times: list[float]) -> str:
    """p50 and p95 in milliseconds."""
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return f"p50 {statistics.median(ordered):7.1f} ms   p95 {p95:7.1f} ms"


def main() -> None:
    """Build, measure and print."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=None, help="a PostgreSQL server URL (default: SQLite)")
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument(
        "--python-gc", action="store_true", help="keep Python's collector settings, not the server process's"
    )
    args = parser.parse_args()
    with fresh_database(args.database_url, "versionlist") as db:
        started = time.perf_counter()
        steps = build(db)
        if db.engine.dialect.name == "postgresql":
            # Planner statistics, as autovacuum gathers them shortly after a bulk load. SQLite runs without any:
            # its plan comes from the indexes alone.
            with db.engine.connect() as conn:
                conn.exec_driver_sql("ANALYZE")
                conn.commit()
        print(f"{db.engine.dialect.name}: {PAIRS * YEARS:,} versions built in {time.perf_counter() - started:.1f} s")
        _user, key = auth.create_user_with_key(db, "bench", "Bench", Grants.everything(), NOW)
        app = create_app(Settings(database_url=db.url), database=db, clock=lambda: NOW)
        if not args.python_gc:  # as apportion.asgi sets a server worker's collector
            from apportion.runtime.memory import collect_for_serving  # (main's code before it: --python-gc)

            collect_for_serving()
        filter_text = f"billingPeriod equals '202403' and calculateBillWorkflowStepID equals '{steps[7]}'"
        params = {"filter": filter_text, "pageSize": str(PAGE_SIZE)}
        with TestClient(app) as client:
            first = client.get("/api/v3/calculatedBill", params=params, headers={"ECI-ApiKey": key})
            assert first.status_code == 200, first.text
            total = first.headers["TotalNumberOfRecords"]
            print(f"filter: {filter_text}  -> {total} versions, page of {len(first.json())}")

            def http() -> None:
                client.get("/api/v3/calculatedBill", params=params, headers={"ECI-ApiKey": key})

            api_times = timed(http, args.runs)
            statements = Statements(db)
            sql_times = timed(statements.replay(statements.capture(http)), args.runs)
        print(f"GET /api/v3/calculatedBill (ASGI)   {percentiles(api_times)}")
        print(f"the request's SQL (driver)          {percentiles(sql_times)}")


if __name__ == "__main__":
    main()
