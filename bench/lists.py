"""Benchmark: list endpoints against their own SQL, in the same run.

Builds accounts with linked meters and monthly bills (three line items each, through the bill writer) spread over
many batches, and chargeback tasks, then for each list it times the request through the ASGI app and, next to it,
the bare SQL of that request: every statement the request ran (captured from the engine), replayed on the raw
driver connection with the same parameters and every row fetched. The ratio request / SQL is the cost of
everything around the SQL (auth, Python per row, the wire models, JSON); the goal is at most 2x.

Each request is timed twice: through Starlette's TestClient (an HTTP client whose calls hop to the app's event loop
in another thread and back), and called on the ASGI application directly in one event loop (the "app" columns: the
request's scope, its body and its answer's messages, no client), which is what the application itself costs; those
calls are timed in one run of the loop, so that the app's worker threads live from one request to the next, as
under a server.

    .venv/bin/python -m bench.lists                                          # SQLite in a temporary file
    .venv/bin/python -m bench.lists --database-url postgresql+psycopg://postgres@127.0.0.1:5432/postgres
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import time
from collections.abc import Callable, Coroutine, Sequence
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from fastapi.testclient import TestClient
from sqlalchemy import event, insert

from apportion.api.app import create_app
from apportion.domain import periods
from apportion.domain.bills import BillDraft, LineDraft
from apportion.domain.permissions import Grants
from apportion.services.access import auth
from apportion.settings import Settings
from apportion.store.bill_writer import BillWriter
from apportion.store.database import Database
from apportion.store.models.bills import Batch
from apportion.store.models.chargebacks import ChargebackTask, ChargebackWorkflow, ChargebackWorkflowStep
from bench.databases import fresh_database, linked_accounts_and_meters

NOW = datetime(2024, 6, 15, 9, 30)
FIRST_PERIOD = 202001
PAGE_SIZE = 250


def build(db: Database, user_id: int, accounts: int, months: int, batches: int, tasks: int) -> list[int]:
    """Accounts, meters, links, accounts x months bills over `batches` batches, and `tasks` chargeback tasks;
    returns the meter ids."""
    with db.transaction() as session:
        account_ids, meter_ids = linked_accounts_and_meters(session, accounts)
        batch_ids = list(
            session.execute(
                insert(Batch).returning(Batch.batch_id, sort_by_parameter_order=True),
                [
                    {"batch_code": f"BENCH-{n:05d}", "status": "Closed", "created_by": user_id,
                     "start_date": NOW - timedelta(days=n), "note": f"Batch {n}"}
                    for n in range(batches)
                ],
            ).scalars()
        )  # fmt: skip
        writer = BillWriter(session)
        for month in range(months):
            period = periods.add_months(FIRST_PERIOD, month)
            drafts = [
                BillDraft(
                    account_id=a,
                    billing_period=period,
                    begin_date=periods.first_day(period),
                    end_date=periods.end_date(period),
                    lines=(
                        LineDraft(1, "use", m, "Energy", Decimal(1000 + i % 97), 1, Decimal(f"{100 + i % 89}.25")),
                        LineDraft(2, "demand", m, "Peak", Decimal(40 + i % 13), 20),
                        LineDraft(8, "cost", None, "Tax", cost=Decimal("7.10")),
                    ),
                )
                for i, (a, m) in enumerate(zip(account_ids, meter_ids, strict=True))
            ]
            writer.write(drafts, batch_ids[month % len(batch_ids)], user_id, NOW)
        workflow_id = session.execute(
            insert(ChargebackWorkflow).values(workflow_info="Bench").returning(ChargebackWorkflow.workflow_id)
        ).scalar_one()
        step_id = session.execute(
            insert(ChargebackWorkflowStep)
            .values(workflow_id=workflow_id, step_info="Bench split", step_description="", step_type="Split",
                    step_order=1)
            .returning(ChargebackWorkflowStep.step_id)
        ).scalar_one()  # fmt: skip
        session.execute(
            insert(ChargebackTask),
            [
                {"chargeback_type": "Split", "billing_period": periods.add_months(FIRST_PERIOD, n % months),
                 "workflow_step_id": step_id, "status": "Completed", "task_begin": NOW - timedelta(hours=n),
                 "task_end": NOW - timedelta(hours=n), "user_id": user_id, "number_of_bills_created": n % 500,
                 "batch_id": batch_ids[n % len(batch_ids)], "note": f"Run {n}"}
                for n in range(tasks)
            ],
        )  # fmt: skip
    return meter_ids


class Statements:
    """The statements (with their parameters) the engine runs while `recording`, to replay on the driver."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.recorded: list[tuple[str, Any]] = []
        self.recording = False
        event.listen(db.engine, "before_cursor_execute", self._record)

    def _record(self, _conn: Any, _cursor: Any, statement: str, parameters: Any, _context: Any, many: bool) -> None:
        if self.recording and not many:
            self.recorded.append((statement, parameters))

    def capture(self, call: Callable[[], object]) -> list[tuple[str, Any]]:
        """The statements one call runs."""
        self.recorded, self.recording = [], True
        try:
            call()
        finally:
            self.recording = False
        return self.recorded

    def replay(self, statements: Sequence[tuple[str, Any]]) -> Callable[[], None]:
        """A call that runs the statements on one raw driver connection, fetching every row, in one transaction
        (as the request does), then rolls back."""

        def run() -> None:
            connection = self.db.engine.raw_connection()
            try:
                cursor = connection.cursor()
                for statement, parameters in statements:
                    cursor.execute(statement, parameters)
                    if cursor.description is not None:
                        cursor.fetchall()
                connection.rollback()
            finally:
                connection.close()

        return run


def asgi_get(
    app: Any, loop: asyncio.AbstractEventLoop, url: str, params: dict[str, object], headers: dict[str, str]
) -> Callable[[], bytes]:
    """A call of GET `url` on the ASGI application itself in `loop` (no HTTP client), returning the body; a status
    other than 200 is an AssertionError."""
    request = asgi_request(app, url, params, headers)
    return lambda: loop.run_until_complete(request())


def asgi_request(
    app: Any, url: str, params: dict[str, object], headers: dict[str, str]
) -> Callable[[], Coroutine[Any, Any, bytes]]:
    """GET `url` on the ASGI application itself, to await in a running loop; returns the body (200 only)."""
    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET", "scheme": "http",
        "path": url, "raw_path": url.encode(), "root_path": "", "query_string": urlencode(params).encode(),
        "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()],
        "client": ("127.0.0.1", 50000), "server": ("testserver", 80),
    }  # fmt: skip

    async def call() -> bytes:
        sent: list[dict[str, Any]] = []

        async def receive() -> dict[str, Any]:
            return {"type": "http.request", "body": b"", "more_body": False}

        async def send(message: dict[str, Any]) -> None:
            sent.append(message)

        await app(dict(scope), receive, send)
        assert sent[0]["status"] == 200, sent
        return b"".join(m.get("body", b"") for m in sent[1:])

    return call


def timed_in_loop(
    request: Callable[[], Coroutine[Any, Any, object]], loop: asyncio.AbstractEventLoop, runs: int
) -> tuple[float, float]:
    """`timed` for a request awaited in `loop`, all calls in one run of the loop.

    The calls then share one root task, as a server's requests do, so the worker threads the app hands its
    blocking work to live from one request to the next; run each in a loop run of its own and anyio would start a
    new thread for every request (its threads end with the root task).
    """

    async def every_run() -> tuple[float, float]:
        await request()
        await request()
        wall, cpu = [], []
        for _ in range(runs):
            start, start_cpu = time.perf_counter(), time.process_time()
            await request()
            wall.append((time.perf_counter() - start) * 1000)
            cpu.append((time.process_time() - start_cpu) * 1000)
        return statistics.median(wall), statistics.median(cpu)

    return loop.run_until_complete(every_run())


def timed(call: Callable[[], object], runs: int) -> tuple[float, float]:
    """Median wall-clock and CPU milliseconds per call, after two warm-up calls.

    CPU time is this process's (all its threads: the ASGI app runs in-process), so on a busy machine it shows what
    a call costs without waiting for a core; it leaves out a PostgreSQL server's own work.
    """
    call()
    call()
    wall, cpu = [], []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        call()
        wall.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
    return statistics.median(wall), statistics.median(cpu)


def main(argv: Sequence[str] | None = None) -> None:
    """Build, then time each list and its SQL."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--database-url", default=None, help="PostgreSQL server URL (default: a SQLite file)")
    parser.add_argument("--accounts", type=int, default=1000)
    parser.add_argument("--months", type=int, default=24)
    parser.add_argument("--batches", type=int, default=600)
    parser.add_argument("--tasks", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument(
        "--python-gc", action="store_true", help="keep Python's collector settings, not the server process's"
    )
    args = parser.parse_args(argv)
    with fresh_database(args.database_url, "lists") as db:
        user_id, key = auth.create_user_with_key(db, "admin", "Administrator", Grants.everything(), NOW)
        started = time.perf_counter()
        meters = build(db, user_id, args.accounts, args.months, args.batches, args.tasks)
        print(f"database        {db.engine.dialect.name}")
        print(f"data            {args.accounts * args.months:,} bills in {args.batches} batches, {args.tasks} "
              f"chargeback tasks (built in {time.perf_counter() - started:.1f} s)")  # fmt: skip
        app = create_app(Settings(database_url=db.url), database=db, clock=lambda: NOW)
        if not args.python_gc:  # as apportion.asgi sets a server worker's collector
            from apportion.runtime.memory import collect_for_serving  # (main's code before it: --python-gc)

            collect_for_serving()
        headers = {"ECI-ApiKey": key}
        cases = {
            "bills (page of 250)": ("/api/v3/bill", {"pageSize": PAGE_SIZE}),
            "bills, period filter": (
                "/api/v3/bill", {"pageSize": PAGE_SIZE, "filter": "billingPeriod equals '202106'"},
            ),
            "meter's bills": (f"/api/v3/meter/{meters[len(meters) // 2]}/bill", {}),
            "batches (page of 250)": ("/api/v3/batch", {"pageSize": PAGE_SIZE}),
            "chargeback tasks (250)": ("/api/v3/chargebackTask", {"pageSize": PAGE_SIZE}),
        }  # fmt: skip
        statements = Statements(db)
        print(f"{'':24} {'rows':>5}   {'p50 ms: request':>15} {'SQL':>6} {'ratio':>6}   "
              f"{'CPU ms: request':>15} {'SQL':>6} {'ratio':>6}   {'app p50':>7} {'ratio':>6} {'app CPU':>7} "
              f"{'ratio':>6}")  # fmt: skip
        loop = asyncio.new_event_loop()
        with TestClient(app) as client:
            for label, (url, params) in cases.items():

                def call(url: str = url, params: dict[str, object] = params) -> Any:
                    response = client.get(url, params=params, headers=headers)  # type: ignore[arg-type]
                    assert response.status_code == 200, response.text
                    return response

                rows = len(call().json())
                sql = statements.capture(call)
                direct = asgi_get(app, loop, url, params, headers)
                assert direct() == call().content
                request_ms, request_cpu = timed(call, args.runs)
                sql_ms, sql_cpu = timed(statements.replay(sql), args.runs)
                app_ms, app_cpu = timed_in_loop(asgi_request(app, url, params, headers), loop, args.runs)
                print(f"{label:24} {rows:5d}   {request_ms:15.1f} {sql_ms:6.1f} {request_ms / sql_ms:5.1f}x   "
                      f"{request_cpu:15.1f} {sql_cpu:6.1f} {request_cpu / max(sql_cpu, 0.001):5.1f}x   "
                      f"{app_ms:7.1f} {app_ms / sql_ms:5.1f}x {app_cpu:7.1f} {app_cpu / max(sql_cpu, 0.001):5.1f}x"
                      )  # fmt: skip
        loop.close()
        print("goal            request within 2x of its SQL (the wall ratio; CPU ratios on SQLite, where the SQL runs "
              "in this process)")  # fmt: skip
    print(f"machine load    {os.getloadavg()[0]:.1f} (1-minute average) on {os.cpu_count()} CPUs")


if __name__ == "__main__":
    main()
