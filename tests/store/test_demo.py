"""The demo campus generator: counts, exact bill sums, seasons, determinism and the empty-database rule."""

from __future__ import annotations

import random
from datetime import datetime
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import func, select

from apportion.domain import periods
from apportion.domain.demo_campus import TARIFFS, Tariff, bill_lines
from apportion.domain.errors import RuleViolation, ValidationFailed
from apportion.domain.permissions import Grants
from apportion.services.access import auth
from apportion.services.demo import campus
from apportion.store.database import Database
from apportion.store.models.bills import Batch, Bill, BillLine, BillMeter
from apportion.store.models.organisation import (
    Account,
    AccountMeter,
    Meter,
    MeterGroup,
    MeterGroupMember,
    Place,
    PlaceSize,
    Vendor,
)

NOW = datetime(2024, 6, 15, 9, 30, 0)


@pytest.fixture
def admin(db: Database) -> int:
    """The bootstrap administrator the demo writes as."""
    return auth.create_user_with_key(db, "admin", "Administrator", Grants.everything(), NOW)[0]


def count(db: Database, model: Any, *where: Any) -> int:
    """Rows of `model` matching `where`."""
    with db.reading() as session:
        return int(session.execute(select(func.count()).select_from(model).where(*where)).scalar_one())


def test_default_campus_counts(db: Database, admin: int) -> None:
    summary = campus.load_campus(db, NOW)
    # 9 master meters, three to a building; two tenants per building, one submeter per master meter each.
    assert (summary.buildings, summary.master_meters, summary.submeters) == (3, 9, 18)
    assert (summary.vendor_accounts, summary.tenant_accounts, summary.meter_groups) == (9, 6, 4)
    assert (summary.bills, summary.line_items) == (9 * 24, 9 * 24 * 3)
    assert (summary.first_period, summary.last_period) == (202207, 202406)
    assert count(db, Vendor) == 4
    assert count(db, Place) == 1 + 1 + 3
    assert count(db, PlaceSize) == 3
    assert count(db, Meter, Meter.meter_type_id == 1) == 9
    assert count(db, Meter, Meter.meter_type_id == 6) == 18
    assert count(db, Account, Account.account_type_id == 2) == 6
    assert count(db, AccountMeter) == 9 + 18
    assert count(db, MeterGroup) == 4
    assert count(db, MeterGroupMember) == 9 + 18
    assert count(db, Bill) == 216
    assert count(db, BillLine) == 648
    assert count(db, BillMeter) == 216
    assert count(db, Batch, Batch.status == "Closed") == 1
    with db.reading() as session:
        assert session.execute(select(func.min(Bill.created_by), func.max(Bill.created_by))).one() == (admin, admin)
        billed = session.execute(select(func.count(func.distinct(Bill.billing_period)))).scalar_one()
        assert billed == 24


@pytest.mark.usefixtures("admin")
def test_bills_add_up_to_the_cent(db: Database) -> None:
    summary = campus.load_campus(db, NOW, meters=6)
    with db.reading() as session:
        line_sums = dict(
            session.execute(select(BillLine.bill_id, func.sum(BillLine.cost)).group_by(BillLine.bill_id)).all()
        )
        meter_sums = dict(session.execute(select(BillMeter.bill_id, BillMeter.cost)).all())
        totals = dict(session.execute(select(Bill.bill_id, Bill.total_cost)).all())
        grand = session.execute(select(func.sum(Bill.total_cost))).scalar_one()
    assert totals == line_sums == meter_sums
    assert all(isinstance(v, Decimal) and v == v.quantize(Decimal("0.01")) for v in totals.values())
    assert grand == summary.total_cost


@pytest.mark.usefixtures("admin")
def test_use_rolls_up_and_follows_the_seasons(db: Database) -> None:
    campus.load_campus(db, NOW, meters=3)
    with db.reading() as session:
        rows = session.execute(
            select(Meter.commodity_id, BillMeter.billing_period, BillMeter.use, BillMeter.demand).join(
                Meter, Meter.meter_id == BillMeter.meter_id
            )
        ).all()
    use = {(c, p): u for c, p, u, _d in rows}
    demand = {(c, p): d for c, p, _u, d in rows}
    # Electric peaks in summer, natural gas in winter (domain-realistic profiles, services/demo/campus_bills.py).
    assert use[(1, 202307)] > use[(1, 202401)]
    assert use[(2, 202401)] > 3 * use[(2, 202307)]
    assert use[(3, 202307)] > use[(3, 202401)]
    assert demand[(1, 202307)] is not None
    assert demand[(2, 202307)] is None
    # Gas is billed in therms and water in kgal: both are the rollup units, so the totals equal the line values.
    with db.reading() as session:
        values = dict(
            session.execute(
                select(Meter.commodity_id, func.sum(BillLine.value))
                .join(Meter, Meter.meter_id == BillLine.meter_id)
                .where(BillLine.observation_type_id == 1)
                .group_by(Meter.commodity_id)
            ).all()
        )
    assert values == {c: sum(u for (cc, _p), u in use.items() if cc == c) for c in (1, 2, 3)}


@pytest.mark.usefixtures("admin")
def test_load_if_empty_loads_once(db: Database) -> None:
    assert campus.is_empty(db)
    assert campus.load_if_empty(db, NOW) is True
    bills = count(db, Bill)
    assert campus.load_if_empty(db, NOW) is False
    assert count(db, Bill) == bills == campus.DEFAULT_METERS * campus.MONTHS
    assert not campus.is_empty(db)


@pytest.mark.usefixtures("admin")
def test_a_second_load_is_refused_without_writing(db: Database) -> None:
    campus.load_campus(db, NOW, meters=3)
    with pytest.raises(RuleViolation):
        campus.load_campus(db, NOW, meters=3)
    assert count(db, Meter) == 3 + 6
    assert count(db, Batch) == 1


@pytest.mark.usefixtures("admin")
def test_refuses_a_database_with_master_data(db: Database) -> None:
    with db.transaction() as session:
        session.add(Vendor(vendor_code="OTHER", vendor_info="Other", vendor_type_id=1))
    assert not campus.load_if_empty(db, NOW)
    with pytest.raises(RuleViolation):
        campus.load_campus(db, NOW)
    assert count(db, Meter) == 0


def test_needs_a_user(db: Database) -> None:
    with pytest.raises(RuleViolation, match="user"):
        campus.load_campus(db, NOW)
    assert count(db, Place) == 1


@pytest.mark.parametrize("meters", [0, -1, campus.MAX_METERS + 1])
def test_meter_count_is_checked(db: Database, meters: int) -> None:
    with pytest.raises(ValidationFailed) as raised:
        campus.load_campus(db, NOW, meters=meters)
    assert "meters" in raised.value.errors


@pytest.mark.usefixtures("admin")
def test_sizes_scale_with_meters(db: Database) -> None:
    summary = campus.load_campus(db, NOW, meters=31)
    # 31 master meters: ten full buildings and an eleventh with an electric meter only.
    assert summary.buildings == 11
    assert summary.master_meters == 31
    assert summary.submeters == 31 * campus.TENANTS_PER_BUILDING
    assert summary.tenant_accounts == 11 * campus.TENANTS_PER_BUILDING
    assert count(db, Bill) == 31 * 24
    assert count(db, BillLine) == 31 * 24 * 3
    assert count(db, Meter) == 31 * 3
    assert count(db, Place) == 13


def test_plan_is_deterministic_per_seed() -> None:
    assert campus.plan_buildings(12, 5) == campus.plan_buildings(12, 5)
    assert campus.plan_buildings(12, 5) != campus.plan_buildings(12, 6)
    areas = [b.area for b in campus.plan_buildings(300, 1)]
    assert all(20_000 <= a <= 180_000 and a % 500 == 0 for a in areas)
    assert len({b.code for b in campus.plan_buildings(300, 1)}) == 100


@pytest.mark.parametrize("tariff", TARIFFS)
def test_bill_lines_are_exact_and_repeatable(tariff: Tariff) -> None:
    first = [bill_lines(tariff, 7, 60_000, p, random.Random(3)) for p in periods.span(202301, 202312)]
    again = [bill_lines(tariff, 7, 60_000, p, random.Random(3)) for p in periods.span(202301, 202312)]
    assert first == again
    for lines in first:
        assert len(lines) == 3
        assert all(line.cost is not None and line.cost == line.cost.quantize(Decimal("0.01")) for line in lines)
        assert all(line.cost is not None and line.cost > 0 for line in lines)
