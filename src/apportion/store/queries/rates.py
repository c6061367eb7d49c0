"""Rate schedules as typed values: the list, one rate with its vendor and commodity, name clashes, the write."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cache

from sqlalchemy import func, select
from sqlalchemy.engine import RowMapping
from sqlalchemy.orm import Session

from apportion.domain.filters import Condition
from apportion.store.filtering import compile_filter
from apportion.store.models.organisation import Vendor
from apportion.store.models.reference import Commodity, Rate
from apportion.store.paging import TypedPage
from apportion.store.queries.children import CommodityChild, VendorChild, join_commodity, join_vendor
from apportion.store.queries.shaped import Shaped


@dataclass(frozen=True)
class RateValues:
    """A new rate's columns: `unit_price` per the commodity's common unit `unit_id`."""

    rate_info: str
    note: str | None
    vendor_id: int
    commodity_id: int
    unit_id: int | None
    unit_price: Decimal | None


@dataclass(frozen=True)
class RateRow:
    """A rate with its vendor and commodity."""

    rate_id: int
    name: str
    note: str | None
    vendor: VendorChild | None
    commodity: CommodityChild | None


@cache
def _rates() -> Shaped[RateRow]:
    statement, read_vendor = join_vendor(select(Rate.rate_id, Rate.rate_info, Rate.note), Rate.vendor_id)
    statement, read_commodity = join_commodity(statement, Rate.commodity_id)

    def read(row: RowMapping) -> RateRow:
        return RateRow(row[Rate.rate_id], row[Rate.rate_info], row[Rate.note], read_vendor(row), read_commodity(row))

    return Shaped(statement.order_by(Rate.rate_id), read)


def list_rates(
    session: Session, conditions: Sequence[Condition], today: date, page_number: int, page_size: int
) -> TypedPage[RateRow]:
    """One page of rates matching the conditions, by id."""
    vendor_code = select(Vendor.vendor_code).where(Vendor.vendor_id == Rate.vendor_id).scalar_subquery()
    commodity_code = (
        select(Commodity.commodity_code).where(Commodity.commodity_id == Rate.commodity_id).scalar_subquery()
    )
    targets = {
        "rateId": Rate.rate_id,
        "name": Rate.rate_info,
        "note": Rate.note,
        "vendorId": Rate.vendor_id,
        "vendorCode": vendor_code,
        "commodityId": Rate.commodity_id,
        "commodityCode": commodity_code,
    }
    return _rates().page(session, compile_filter(conditions, targets, today), page_number, page_size)


def get_rate(session: Session, rate_id: int) -> RateRow | None:
    """One rate, or None."""
    return _rates().one(session, Rate.rate_id == rate_id)


def name_taken(session: Session, vendor_id: int, name: str) -> bool:
    """Whether the vendor has a rate with this name (compared without case)."""
    clash = select(Rate.rate_id).where(Rate.vendor_id == vendor_id, func.lower(Rate.rate_info) == name.lower())
    return session.execute(clash).first() is not None


def insert_rate(session: Session, values: RateValues) -> int:
    """Write a new rate; returns its id."""
    row = Rate(**vars(values))
    session.add(row)
    session.flush()
    return row.rate_id
