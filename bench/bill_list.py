"""Benchmark: GET /api/v3/bill and GET /api/v3/meter/{meterId}/bill over 100,000 bills.

Builds 2,000 accounts, each with one linked meter, and 50 monthly bills per account (three line items each)
with the bill writer, in one batch. It then times through the ASGI app, at pageSize 250: the first page with
no filter, the last page, `billingPeriod equals '202406'` (2,000 matches), `meterId equals '<id>'` (50
matches), `accountCode equals '<code>' and totalCost greater than '0'`, and one meter's bills. It prints p50
and p95 of each.

    .venv/bin/python -m bench.bill_list                                          # SQLite
    .venv/bin/python -m bench.bill_list --database-url postgresql+psycopg://postgres@127.0.0.1:5432/postgres
"""

from __future__ import annotations

import argparse
import time
from datetime import datetime
from decimal import Decimal

from fastapi.testclient import TestClient

from apportion.api.app import create_app
from apportion.domain import periods
from apportion.domain.bills import BillDraft, LineDraft
from apportion.domain.permissions import Grants
from apportion.services.access import auth
from apportion.settings import Settings
from apportion.store.bill_writer import BillWriter
from apportion.store.database import Database
from apportion.store.models.bills import Batch
from bench.databases import fresh_database, linked_accounts_and_meters
from bench.version_list import percentiles, timed

NOW = datetime(2024, 6, 15, 9, 30)
ACCOUNTS, MONTHS = 2_000, 50
FIRST_PERIOD = 202001
PAGE_SIZE = 250


def build(db: Database, user_id: int) -> tuple[list[int], list[int]]:
    """Accounts, meters, links and ACCOUNTS x MONTHS bills; returns the account and meter ids."""
    with db.transaction() as session:
        accounts, meters = linked_accounts_and_meters(session, ACCOUNTS)
        batch = Batch(batch_code="BENCH", status="Closed", created_by=user_id, start_date=NOW)
        session.add(batch)
        session.flush()
        writer = BillWriter(session)
        for month in range(MONTHS):
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
                for i, (a, m) in enumerate(zip(accounts, meters, strict=True))
            ]
            writer.write(drafts, batch.batch_id, user_id, NOW)
    return accounts, meters


def main() -> None:
    """Build, then time each request."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    with fresh_database(args.database_url, "bills") as db:
        user_id, key = auth.create_user_with_key(db, "admin", "Administrator", Grants.everything(), NOW)
        started = time.perf_counter()
        _accounts, meters = build(db, user_id)
        print(f"built {ACCOUNTS * MONTHS:,} bills on {db.engine.dialect.name} in {time.perf_counter() - started:.1f} s")
        app = create_app(Settings(database_url=db.url), database=db, clock=lambda: NOW)
        headers = {"ECI-ApiKey": key}
        last_page = (ACCOUNTS * MONTHS + PAGE_SIZE - 1) // PAGE_SIZE
        cases = {
            "first page, no filter": ("/api/v3/bill", {"pageSize": PAGE_SIZE}),
            "last page, no filter": ("/api/v3/bill", {"pageSize": PAGE_SIZE, "pageNumber": last_page}),
            "billingPeriod equals (2,000)": ("/api/v3/bill", {"filter": "billingPeriod equals '202406'"}),
            "meterId equals (50)": ("/api/v3/bill", {"filter": f"meterId equals '{meters[1234]}'"}),
            "accountCode + totalCost (50)": (
                "/api/v3/bill",
                {"filter": "accountCode equals 'BA001234' and totalCost greater than '0'"},
            ),
            "meter's bills (50)": (f"/api/v3/meter/{meters[1234]}/bill", {}),
        }
        with TestClient(app) as client:
            for label, (url, params) in cases.items():

                def call(url: str = url, params: dict[str, object] = params) -> None:
                    response = client.get(url, params=params, headers=headers)  # type: ignore[arg-type]
                    assert response.status_code == 200, response.text

                print(f"{label:32s} {percentiles(timed(call, args.runs))}")


if __name__ == "__main__":
    main()
