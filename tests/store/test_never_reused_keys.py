"""Keys that logs outlive are never handed out twice (migration 0016).

The export history, the chargeback corrections and a task's source figures keep bill and task ids after the rows are
deleted. SQLite, without AUTOINCREMENT, gives the highest deleted key to the next row, so a new bill could read as
already exported; PostgreSQL's sequences never go back. The rebuild that adds AUTOINCREMENT on SQLite must keep
every row and every row that references it.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import pytest
from sqlalchemy import delete, func, select

from apportion.domain.permissions import Grants
from apportion.services.access import auth
from apportion.store.database import Database
from apportion.store.migrate import downgrade, upgrade
from apportion.store.models import Base
from apportion.store.models.bills import Batch, Bill, BillLine, BillMeter
from tests.support import chargebacks as build

PERIOD = 202401
NOW = datetime(2024, 6, 15, 9, 30)


@pytest.fixture(autouse=True)
def _administrator(db: Database) -> None:
    auth.create_user_with_key(db, "admin", "Administrator", Grants.everything(), NOW)


def _delete_bill(db: Database, bill_id: int) -> None:
    with db.transaction() as session:
        session.execute(delete(Bill).where(Bill.bill_id == bill_id))


def test_a_deleted_highest_bill_id_is_not_given_to_the_next_bill(db: Database) -> None:
    ((account, meter),) = build.accounts_and_meters(db, ["K1"]).values()
    first = build.bill(db, account, meter, PERIOD, [(Decimal(10), Decimal("1.00"))])
    highest = build.bill(db, account, meter, PERIOD + 1, [(Decimal(20), Decimal("2.00"))])
    _delete_bill(db, highest)
    after = build.bill(db, account, meter, PERIOD + 2, [(Decimal(30), Decimal("3.00"))])
    assert first < highest < after


def test_a_deleted_highest_batch_id_is_not_given_to_the_next_batch(db: Database) -> None:
    ((account, meter),) = build.accounts_and_meters(db, ["K2"]).values()
    build.bill(db, account, meter, PERIOD, [(Decimal(10), Decimal("1.00"))])  # makes the SOURCES batch
    with db.transaction() as session:
        (deleted,) = session.execute(select(Batch.batch_id).where(Batch.batch_code == "SOURCES")).scalars()
        session.execute(delete(Batch).where(Batch.batch_id == deleted))  # its bill goes with it (ON DELETE CASCADE)
    build.bill(db, account, meter, PERIOD, [(Decimal(10), Decimal("1.00"))])
    with db.reading() as session:
        (renewed,) = session.execute(select(Batch.batch_id).where(Batch.batch_code == "SOURCES")).scalars()
    assert renewed > deleted


def test_every_table_whose_keys_outlive_their_rows_is_autoincrement_on_sqlite(db: Database) -> None:
    if db.engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL sequences never reuse a value")
    marked = sorted(t.name for t in Base.metadata.sorted_tables if t.kwargs.get("sqlite_autoincrement"))
    assert marked == ["batches", "bills", "chargeback_tasks", "tasks"]
    with db.engine.connect() as connection:
        for table in marked:
            sql = connection.exec_driver_sql("SELECT sql FROM sqlite_master WHERE name = ?", (table,)).scalar_one()
            assert "AUTOINCREMENT" in sql, table


def _counts(db: Database) -> tuple[int, int, int, int]:
    with db.reading() as session:
        return (
            session.execute(select(func.count()).select_from(Bill)).scalar_one(),
            session.execute(select(func.count()).select_from(BillLine)).scalar_one(),
            session.execute(select(func.count()).select_from(BillMeter)).scalar_one(),
            session.execute(select(func.count()).select_from(Batch)).scalar_one(),
        )


def test_the_rebuild_keeps_every_row_and_the_rows_that_reference_them(db: Database) -> None:
    """Down past 0016 and up again with bills in place: with foreign keys on, dropping the old table would cascade."""
    if db.engine.dialect.name != "sqlite":
        pytest.skip("0016 changes SQLite only")
    ((account, meter),) = build.accounts_and_meters(db, ["K3"]).values()
    for offset in range(3):
        build.bill(db, account, meter, PERIOD + offset, [(Decimal(10), Decimal("1.00")), (None, Decimal("0.50"))])
    before = _counts(db)
    assert before[1] == 6
    downgrade(db.engine, "0016")  # no-op at 0016 itself; then one step below it
    downgrade(db.engine, "-1")
    with db.engine.connect() as connection:
        sql = connection.exec_driver_sql("SELECT sql FROM sqlite_master WHERE name = 'bills'").scalar_one()
        assert "AUTOINCREMENT" not in sql
    assert _counts(db) == before
    upgrade(db.engine)
    assert _counts(db) == before
    with db.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA foreign_key_check").all() == []
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar_one() == 1
