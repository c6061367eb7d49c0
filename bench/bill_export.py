"""Benchmark: PUT /api/v3/bill/export of 10,000 bills (the most one call takes), its undo by GUID, and a sample file.

Builds 2,000 accounts, each with one linked meter, and 5 monthly bills per account (three line items each) with the
bill writer, in one closed batch. It then times through the ASGI app: a GL export that marks all 10,000 bills and
writes the file, PUT /api/v3/bill/unexport/{guid} of that export, and a sample export (markAsExported false) of the
same bills. Prints seconds per call and the file's size.

    .venv/bin/python -m bench.bill_export                                          # SQLite
    .venv/bin/python -m bench.bill_export --database-url postgresql+psycopg://postgres@127.0.0.1:5432/postgres
"""

from __future__ import annotations

import argparse
import time

from fastapi.testclient import TestClient
from sqlalchemy import select

from apportion.api.app import create_app
from apportion.domain.permissions import Grants
from apportion.services.access import auth
from apportion.settings import Settings
from apportion.store.models.bills import Bill
from bench import bill_list
from bench.databases import fresh_database

bill_list.MONTHS = 5  # 2,000 accounts x 5 months = 10,000 bills


def main() -> None:
    """Build, then time the export, its undo and a sample."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    with fresh_database(args.database_url, "export") as db:
        user_id, key = auth.create_user_with_key(db, "admin", "Administrator", Grants.everything(), bill_list.NOW)
        bill_list.build(db, user_id)
        with db.reading() as session:
            ids = list(session.execute(select(Bill.bill_id)).scalars())
        app = create_app(Settings(database_url=db.url), database=db, clock=lambda: bill_list.NOW)
        headers = {"ECI-ApiKey": key}
        with TestClient(app) as client:
            body = {"billIds": ids, "exportMode": "gl", "markAsExported": True}
            started = time.perf_counter()
            response = client.put("/api/v3/bill/export", json=body, headers=headers)
            marked = time.perf_counter() - started
            assert response.status_code == 200, response.text
            guid, size = response.headers["Ec-Guid"], len(response.content)
            started = time.perf_counter()
            undone = client.put(f"/api/v3/bill/unexport/{guid}", headers=headers)
            undo = time.perf_counter() - started
            assert undone.json() == {"selected": len(ids), "updated": len(ids)}, undone.text
            started = time.perf_counter()
            sample = client.put("/api/v3/bill/export", json={**body, "markAsExported": False}, headers=headers)
            sampled = time.perf_counter() - started
            assert sample.status_code == 200
    name = db.engine.dialect.name
    print(f"{name}: export of {len(ids):,} bills (marked) {marked:.2f} s, file {size / 1e6:.1f} MB")
    print(f"{name}: unexport by GUID {undo:.2f} s; sample export {sampled:.2f} s")


if __name__ == "__main__":
    main()
