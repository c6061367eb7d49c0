"""Benchmark: the chargeback workflow digest for a split step with 2,000 versions of 5 destinations each.

Builds the data with bulk inserts (12,000 meters and accounts, 2,000 split versions, tasks for the current period,
the prior period and the prior year, 36,000 bills through BillWriter), then prints the p50/p95 of
GET /api/v3/chargebackWorkflow/{stepId}/digest through the ASGI app, repeated (served from the read cache) and each
right after a write (built anew), next to the service, the wire form and the main query (the per-meter totals,
store.queries.digest.meter_totals) in the same run. The goal for the GET right after a write is a p50 of at most
100 ms at 2,000 meters (--versions 334) and 400 ms at 12,000 (the default).

    .venv/bin/python -m bench.digest                                    # SQLite in a temporary file
    .venv/bin/python -m bench.digest --database-url postgresql+psycopg://postgres@127.0.0.1:5432/postgres
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from collections.abc import Callable, Sequence
from datetime import datetime
from decimal import Decimal

import pydantic_core
from fastapi.testclient import TestClient
from sqlalchemy import insert, select

from apportion.api import digest_json
from apportion.api.app import create_app
from apportion.domain import periods
from apportion.domain.bills import BillDraft, BillOrigin, LineDraft
from apportion.domain.permissions import Grants
from apportion.runtime.memory import cyclic_gc_paused
from apportion.services.access import auth
from apportion.services.chargebacks import digest
from apportion.settings import Settings
from apportion.store.bill_writer import BillWriter
from apportion.store.database import Database
from apportion.store.models.bills import Batch, BillMeter
from apportion.store.models.chargebacks import (
    ChargebackTask,
    ChargebackTaskVersion,
    ChargebackWorkflow,
    ChargebackWorkflowStep,
    DistributionVersion,
    SplitDestination,
)
from apportion.store.queries import digest as digest_queries
from bench.databases import fresh_database, linked_accounts_and_meters

NOW = datetime(2024, 6, 15, 9, 30)
PERIOD = 202403
USE, COST, KWH = 1, 3, 1  # reference observation types USE and COST, unit kWh


def build(db: Database, versions: int, per_version: int) -> int:
    """The step with its versions, destinations, tasks and bills; returns the step id."""
    user_id, _key = auth.create_user_with_key(db, "bench", "Bench", Grants.everything(), NOW)
    meters = versions * (1 + per_version)
    with db.transaction() as session:
        account_ids, meter_ids = linked_accounts_and_meters(session, meters)
        workflow_id = session.execute(
            insert(ChargebackWorkflow).values(workflow_info="Bench").returning(ChargebackWorkflow.workflow_id)
        ).scalar_one()
        step_id = session.execute(
            insert(ChargebackWorkflowStep)
            .values(
                workflow_id=workflow_id, step_info="Bench split", step_description="", step_type="Split", step_order=1
            )
            .returning(ChargebackWorkflowStep.step_id)
        ).scalar_one()
        sources = list(zip(account_ids[:versions], meter_ids[:versions], strict=True))
        targets = list(zip(account_ids[versions:], meter_ids[versions:], strict=True))
        version_ids = list(
            session.execute(
                insert(DistributionVersion).returning(DistributionVersion.version_id, sort_by_parameter_order=True),
                [
                    {"chargeback_type": "Split", "account_id": a, "meter_id": m, "name": f"Split {m}",
                     "begin_period": 202001, "workflow_step_id": step_id, "split_method": "fixedPercentage"}
                    for a, m in sources
                ],
            ).scalars()
        )  # fmt: skip
        share = Decimal(100) / per_version
        session.execute(
            insert(SplitDestination),
            [
                {"version_id": v, "position": p, "account_id": targets[i * per_version + p][0],
                 "meter_id": targets[i * per_version + p][1], "split_percentage": share}
                for i, v in enumerate(version_ids)
                for p in range(per_version)
            ],
        )  # fmt: skip
        writer = BillWriter(session)
        for number, period in enumerate((periods.same_period_prior_year(PERIOD), periods.prior(PERIOD), PERIOD)):
            task_id = session.execute(
                insert(ChargebackTask)
                .values(
                    chargeback_type="Split", billing_period=period, workflow_step_id=step_id, status="Completed",
                    task_begin=NOW, user_id=user_id, number_of_bills_created=versions * per_version,
                )
                .returning(ChargebackTask.task_id)
            ).scalar_one()  # fmt: skip
            session.execute(insert(ChargebackTaskVersion), [{"task_id": task_id, "version_id": v} for v in version_ids])
            batch_id = session.execute(
                insert(Batch)
                .values(batch_code=f"BENCH-{number}", status="Closed", created_by=user_id, start_date=NOW)
                .returning(Batch.batch_id)
            ).scalar_one()
            source_ids = writer.write(
                [_draft(a, m, period, "1000", "150.00") for a, m in sources], batch_id, user_id, NOW
            )
            drafts = [
                _draft(*targets[i * per_version + p], period, "200", "30.00", BillOrigin(task_id, v, source_ids[i]))
                for i, v in enumerate(version_ids)
                for p in range(per_version)
            ]
            writer.write(drafts, batch_id, user_id, NOW)
    return int(step_id)


def _draft(
    account_id: int, meter_id: int, period: int, use: str, cost: str, origin: BillOrigin | None = None
) -> BillDraft:
    lines = (
        LineDraft(USE, "use", meter_id, value=Decimal(use), value_unit_id=KWH),
        LineDraft(COST, "cost", meter_id, cost=Decimal(cost)),
    )
    return BillDraft(
        account_id, period, periods.first_day(period), periods.end_date(period), lines,
        from_vendor=origin is None, origin=origin or BillOrigin(),
    )  # fmt: skip


Samples = tuple[list[float], list[float]]
"""Wall-clock and CPU milliseconds of each call."""


def timings(run: Callable[[], object], repeat: int, before: Callable[[], object] | None = None) -> Samples:
    """Wall and CPU milliseconds of `repeat` calls after two warm-up calls; `before`, untimed, precedes each call.

    CPU time is this process's (all its threads: the ASGI app runs in-process), so on a busy machine it shows what
    a call costs without waiting for a core; it leaves out a PostgreSQL server's own work.
    """
    run()
    run()
    wall, cpu = [], []
    for _ in range(repeat):
        if before is not None:
            before()
        start, start_cpu = time.perf_counter(), time.process_time()
        run()
        wall.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
    return wall, cpu


def percentiles(samples: Sequence[float]) -> tuple[float, float]:
    """(p50, p95) in the samples' unit."""
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def main(argv: Sequence[str] | None = None) -> None:
    """Build, measure and print."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--database-url", default=None, help="PostgreSQL server URL (default: a SQLite file)")
    parser.add_argument("--versions", type=int, default=2000)
    parser.add_argument("--destinations", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args(argv)
    with fresh_database(args.database_url, "digest") as db:
        started = time.perf_counter()
        step_id = build(db, args.versions, args.destinations)
        built_s = time.perf_counter() - started
        _user, key = auth.create_user_with_key(db, "viewer", "Viewer", Grants.everything(), NOW)
        app = create_app(Settings(database_url=db.url), database=db, clock=lambda: NOW)
        url = f"/api/v3/chargebackWorkflow/{step_id}/digest?billingPeriod={PERIOD}"
        with TestClient(app) as client:
            response = client.get(url, headers={"ECI-ApiKey": key})
            assert response.status_code == 200, response.text
            results = response.json()["results"]
            assert len(results) == args.versions
            assert len(results[0]["splits"]) == args.destinations

            def get() -> None:
                client.get(url, headers={"ECI-ApiKey": key}).raise_for_status()

            def write() -> None:
                with db.transaction():  # any committed write advances the data revision
                    pass

            api_ms = timings(get, args.repeat)
            cold_ms = timings(get, args.repeat, before=write)
        # Where the time goes: the service (queries and figures), then the wire form and its JSON.
        # As the route builds it: with cyclic garbage collection paused.
        with cyclic_gc_paused():
            service_ms = timings(lambda: digest.get_digest(db, step_id, PERIOD, NOW.date()), args.repeat)
            result = digest.get_digest(db, step_id, PERIOD, NOW.date())
            render_ms = timings(lambda: pydantic_core.to_json(digest_json.render(result)), args.repeat)
        with db.reading() as session:
            meter_ids = list(session.execute(select(BillMeter.meter_id).distinct()).scalars())
            compared = (PERIOD, periods.prior(PERIOD), periods.same_period_prior_year(PERIOD))

            def main_query() -> None:
                digest_queries.meter_totals(session, meter_ids, compared, step_id)

            sql_ms = timings(main_query, args.repeat)
    meters = args.versions * (1 + args.destinations)
    print(f"database             {db.engine.dialect.name}")
    print(f"data                 {args.versions} split versions x {args.destinations} destinations = {meters} meters, "
          f"{3 * meters} bills (built in {built_s:.1f} s)")  # fmt: skip
    print(f"response             {len(response.content) / 1e6:.1f} MB of JSON")
    print("                     p50 ms   p95 ms   CPU p50 ms")
    for name, (wall, cpu) in (
        ("GET digest (ASGI)", api_ms),
        ("  after a write", cold_ms),
        ("  service", service_ms),
        ("  render + JSON", render_ms),
        ("main query (store)", sql_ms),
    ):
        p50, p95 = percentiles(wall)
        print(f"{name:<20} {p50:7.1f}  {p95:7.1f}  {percentiles(cpu)[0]:9.1f}")
    print("goal                 after a write: p50 <= 100 ms at 2,000 meters, <= 400 ms at 12,000")
    print(f"machine load         {os.getloadavg()[0]:.1f} (1-minute average) on {os.cpu_count()} CPUs")


if __name__ == "__main__":
    main()
