"""Bulk writes (store/bulk.py) and the bill writer on top of them, on each database."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import select

from apportion.domain.bills import BillDraft, BillHeader, LineDraft
from apportion.domain.permissions import Grants
from apportion.services.access import auth
from apportion.store.bill_writer import BillWriter
from apportion.store.bulk import insert_columns, insert_columns_with_ids, insert_rows, insert_with_ids
from apportion.store.database import Database
from apportion.store.models import Base
from apportion.store.models.bills import Batch, Bill, BillLine, BillMeter
from apportion.store.models.organisation import Account, Meter, Vendor

NOW = datetime(2024, 6, 15, 9, 30, 0)
VENDORS = Base.metadata.tables["vendors"]
BILL_METERS = Base.metadata.tables["bill_meters"]


def vendor_rows(codes: list[str]) -> list[dict[str, object]]:
    return [
        {"vendor_code": code, "vendor_info": f"Vendor {code}", "address": {"city": code} if i % 2 else None}
        for i, code in enumerate(codes)
    ]


def test_ids_come_back_in_row_order(db: Database) -> None:
    with db.transaction() as session:
        first = insert_with_ids(session, VENDORS, vendor_rows([f"A{i}" for i in range(50)]))
        second = insert_with_ids(session, VENDORS, vendor_rows([f"B{i}" for i in range(70)]))
    assert len(set(first + second)) == 120
    assert min(second) > max(first)
    with db.reading() as session:
        stored = {v.vendor_id: v for v in session.execute(select(Vendor)).scalars()}
    assert [stored[i].vendor_code for i in first] == [f"A{i}" for i in range(50)]
    assert [stored[i].vendor_code for i in second] == [f"B{i}" for i in range(70)]
    # Left-out columns take their Python default (active=True); documents round-trip.
    assert all(v.active for v in stored.values())
    assert stored[first[1]].address == {"city": "A1"}
    assert stored[first[0]].address is None


def test_empty_calls_write_nothing(db: Database) -> None:
    with db.transaction() as session:
        assert insert_with_ids(session, VENDORS, []) == []
        insert_rows(session, VENDORS, [])
    with db.reading() as session:
        assert session.execute(select(Vendor)).first() is None


def test_a_failed_transaction_keeps_none_of_the_rows(db: Database) -> None:
    def write_then_fail() -> None:
        with db.transaction() as session:
            insert_with_ids(session, VENDORS, vendor_rows(["X1", "X2"]))
            raise RuntimeError("abandon the unit of work")

    with pytest.raises(RuntimeError):
        write_then_fail()
    with db.reading() as session:
        assert session.execute(select(Vendor)).first() is None


@pytest.fixture
def campus(db: Database) -> tuple[int, int, int, int]:
    """(user, batch, account, gas meter) for bill writes; the gas meter is billed in CCF."""
    user_id = auth.create_user_with_key(db, "writer", "Writer", Grants.everything(), NOW)[0]
    with db.transaction() as session:
        vendor = Vendor(vendor_code="UGI", vendor_info="UGI", vendor_type_id=1)
        session.add(vendor)
        session.flush()
        account = Account(
            account_code="G-1", account_info="Gas", account_type_id=1, cost_center_id=1, vendor_id=vendor.vendor_id
        )
        meter = Meter(meter_code="G-1", meter_info="Gas", commodity_id=2, place_id=1, meter_type_id=1, use_unit_id=12)
        batch = Batch(batch_code="B1", status="Open", created_by=user_id, start_date=NOW)
        session.add_all([account, meter, batch])
        session.flush()
        return user_id, batch.batch_id, account.account_id, meter.meter_id


def draft(account_id: int, meter_id: int, period: int, ccf: str, cost: str) -> BillDraft:
    lines = (
        LineDraft(1, "use", meter_id, "Gas use", Decimal(ccf), 12, Decimal(cost)),
        LineDraft(6, "cost", meter_id, "Customer charge", cost=Decimal("38.00")),
        LineDraft(8, "cost", None, "Tax", cost=Decimal("1.15")),
    )
    return BillDraft(
        account_id, period, date(period // 100, period % 100, 1), date(period // 100, period % 100, 28), lines
    )


def test_bill_writer_writes_bills_lines_and_meter_totals(db: Database, campus: tuple[int, int, int, int]) -> None:
    user_id, batch_id, account_id, meter_id = campus
    drafts = [draft(account_id, meter_id, 202401 + i, f"{100 + i}.5", f"{80 + i}.25") for i in range(6)]
    with db.transaction() as session:
        writer = BillWriter(session)
        ids = writer.write(drafts[:4], batch_id, user_id, NOW, BillHeader(invoice_number="INV-1"))
        ids += writer.write(drafts[4:], batch_id, user_id, NOW, void=True)
    with db.reading() as session:
        bills = {b.bill_id: b for b in session.execute(select(Bill)).scalars()}
        lines = session.execute(select(BillLine).order_by(BillLine.bill_id, BillLine.line_order)).scalars().all()
        totals = {m.bill_id: m for m in session.execute(select(BillMeter)).scalars()}
    assert [bills[i].billing_period for i in ids] == [202401 + i for i in range(6)]
    assert [bills[i].total_cost for i in ids] == [Decimal(f"{80 + i}.25") + Decimal("39.15") for i in range(6)]
    assert [bills[i].invoice_number for i in ids] == ["INV-1"] * 4 + [None] * 2
    assert [bills[i].void for i in ids] == [False] * 4 + [True] * 2
    assert all(not b.approved and not b.has_been_split and b.created_by == user_id for b in bills.values())
    assert len(lines) == 18
    assert [line.meter_id for line in lines[:3]] == [meter_id, meter_id, None]
    assert lines[0].value == Decimal("100.5")
    # Use is kept in the rollup unit: 100.5 CCF x 1.037 = 104.2185 therms; cost is the meter's lines only.
    assert totals[ids[0]].use == Decimal("104.218500")
    assert totals[ids[0]].cost == Decimal("118.25")
    assert totals[ids[0]].demand is None
    assert set(totals) == set(ids)


def test_bill_meter_rows_take_any_key_order(db: Database, campus: tuple[int, int, int, int]) -> None:
    user_id, batch_id, account_id, meter_id = campus
    with db.transaction() as session:
        (bill_id,) = BillWriter(session).write(
            [draft(account_id, meter_id, 202402, "1", "2.00")], batch_id, user_id, NOW
        )
        session.execute(BILL_METERS.delete())
        insert_rows(
            session,
            BILL_METERS,
            [{"cost": Decimal("9.99"), "meter_id": meter_id, "bill_id": bill_id, "billing_period": 202402}],
        )
    with db.reading() as session:
        row = session.execute(select(BillMeter)).scalar_one()
    assert (row.bill_id, row.cost, row.use, row.demand) == (bill_id, Decimal("9.99"), None, None)


def test_values_round_trip_through_the_bulk_text(db: Database, campus: tuple[int, int, int, int]) -> None:
    """Texts with COPY's special characters, decimals in exponent form, dates and flags come back as written."""
    user_id, batch_id, account_id, meter_id = campus
    captions = ["tab\there", "back\\slash \\N", "line\nbreak\r", "ünïcode € \b\v\f", "", None]
    values = [Decimal("1E+2"), Decimal("-0.000000"), Decimal("0E-6"), Decimal("123456789012.123456"), None, 7]
    lines = tuple(
        LineDraft(1, "use", meter_id, caption, value, 12, Decimal("0.01") * i)
        for i, (caption, value) in enumerate(zip(captions, values, strict=True))
    )
    bill = BillDraft(
        account_id, 202403, date(2024, 3, 1), date(2024, 3, 31), lines, BillHeader(note="a\tnote\\ \n", due_date=None)
    )
    with db.transaction() as session:
        (bill_id,) = BillWriter(session).write([bill], batch_id, user_id, NOW)
    with db.reading() as session:
        stored = session.get_one(Bill, bill_id)
        rows = session.execute(select(BillLine).order_by(BillLine.line_order)).scalars().all()
    assert (stored.note, stored.due_date, stored.created_date, stored.void) == ("a\tnote\\ \n", None, NOW, False)
    assert [row.caption for row in rows] == captions
    assert [row.value for row in rows] == values
    assert [row.cost for row in rows] == [Decimal("0.01") * i for i in range(6)]


def test_meanwhile_runs_with_the_insert_and_its_errors_still_raise(db: Database) -> None:
    """`meanwhile` is called once, with the keys; an error of either the insert or `meanwhile` fails the write."""
    seen: list[object] = []
    with db.transaction() as session:
        ids = insert_columns_with_ids(
            session, VENDORS, {"vendor_code": ["M1", "M2"], "vendor_info": ["a", "b"]}, 2, meanwhile=seen.append
        )
        insert_columns(
            session, VENDORS, {"vendor_code": ["M3"], "vendor_info": ["c"]}, 1, meanwhile=lambda: seen.append("M3")
        )
    assert len(ids) == 2
    assert seen == [ids, "M3"]

    def failing() -> None:
        raise RuntimeError("meanwhile failed")

    with pytest.raises(RuntimeError, match="meanwhile failed"), db.transaction() as session:
        insert_columns(session, VENDORS, {"vendor_code": ["M4"], "vendor_info": ["d"]}, 1, meanwhile=failing)
    # The code is taken: the insert fails (on PostgreSQL in its own thread, while `meanwhile` runs).
    with pytest.raises(Exception, match=r"(?i)unique"), db.transaction() as session:
        insert_columns(session, VENDORS, {"vendor_code": ["M1"], "vendor_info": ["e"]}, 1, meanwhile=list)
    with db.reading() as session:
        assert sorted(session.execute(select(Vendor.vendor_code)).scalars()) == ["M1", "M2", "M3"]
