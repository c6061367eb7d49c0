"""The per-test clean-up (tests.support.databases.clean) brings a database back to its seeded rows."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import func, insert, select

from apportion.store.database import Database
from apportion.store.models.organisation import CostCenter
from apportion.store.models.reference import CommodityUnitConversion
from tests.support import databases


def test_a_seeded_table_whose_rows_name_no_key_is_emptied(db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    # Nothing to keep: every row goes, as `NOT IN ()` would say (not `NOT IN (NULL)`, which keeps every row).
    seeded = databases.SEEDED["cost_centers"]
    monkeypatch.setitem(databases.SEEDED, "cost_centers", [{"cost_center_code": "none"}])
    monkeypatch.setattr(databases, "_CLEAN_SCRIPTS", {})
    try:
        databases.clean(db)
        with db.reading() as session:
            assert session.scalar(select(func.count()).select_from(CostCenter)) == 0
    finally:
        with db.transaction() as session:  # the seeded row back, for the tests after this one
            session.execute(CostCenter.__table__.delete())
            session.execute(insert(CostCenter), seeded)


def test_rows_added_to_a_seeded_table_with_a_composite_key_are_deleted(db: Database) -> None:
    with db.transaction() as session:
        session.execute(insert(CommodityUnitConversion).values(commodity_id=1, unit_id=1, factor=Decimal(2)))
    databases.clean(db)
    with db.reading() as session:
        kept = session.execute(select(CommodityUnitConversion.commodity_id, CommodityUnitConversion.unit_id)).all()
    assert sorted(map(tuple, kept)) == [(2, 12), (2, 13)]
