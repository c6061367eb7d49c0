"""A bill import finds accounts and meters by code without case (store.queries.import_catalog): the lower(code)
indexes of migration 0017 answer those look-ups, so a chunk does not scan the accounts and meters tables."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select, text

from apportion.store.database import Database
from apportion.store.models.organisation import Account, Meter


@pytest.mark.parametrize(
    ("column", "index"),
    [(Account.account_code, "ix_accounts_lower_account_code"), (Meter.meter_code, "ix_meters_lower_meter_code")],
)
def test_a_look_up_by_code_without_case_uses_its_index(db: Database, column: Any, index: str) -> None:
    statement = select(column).where(func.lower(column).in_(["a-1", "m-1", "x"]))
    with db.reading() as session:
        if db.engine.dialect.name == "sqlite":
            compiled = statement.compile(dialect=db.engine.dialect, compile_kwargs={"literal_binds": True})
            plan = " ".join(str(row[-1]) for row in session.execute(text(f"EXPLAIN QUERY PLAN {compiled}")))
        else:
            session.execute(text("SET LOCAL enable_seqscan = off"))  # an empty table: ask whether it can
            compiled = statement.compile(dialect=db.engine.dialect, compile_kwargs={"literal_binds": True})
            plan = " ".join(str(row[0]) for row in session.execute(text(f"EXPLAIN {compiled}")))
    assert index in plan, plan
