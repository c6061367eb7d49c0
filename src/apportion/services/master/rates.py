"""Rate schedules: list, read and create.

A rate carries one flat unit price (rates.unit_price, per the commodity's common unit) used by calculated
bills. RateCreate has no price field: seeded rates 1-5 have prices, and a created rate takes its price from a
`unitPrice=<decimal>` token in its note (docs/reference-data.md); without one it has no price.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import cache
from typing import Any

from sqlalchemy import RowMapping, func, select

from apportion.domain import filters
from apportion.domain.errors import NotFound, ValidationFailed
from apportion.domain.filters import FieldSpec, FieldType
from apportion.services.child_columns import join_commodity_child, join_vendor_child
from apportion.services.ids import fetch, in_range, parse_filter, require
from apportion.store.database import Database
from apportion.store.filtering import compile_filter
from apportion.store.models.organisation import Vendor
from apportion.store.models.reference import Commodity, Rate
from apportion.store.paging import Page, paginate

FILTERS = filters.specs(
    FieldSpec("rateId", FieldType.INTEGER, filters.NUMBER_OPS),
    FieldSpec("name", FieldType.STRING, filters.STRING_OPS),
    FieldSpec("note", FieldType.STRING, filters.STRING_OPS),
    FieldSpec("vendorId", FieldType.INTEGER, filters.NUMBER_OPS),
    FieldSpec("vendorCode", FieldType.STRING, filters.STRING_OPS),
    FieldSpec("commodityId", FieldType.INTEGER, filters.NUMBER_OPS),
    FieldSpec("commodityCode", FieldType.STRING, filters.STRING_OPS),
)

_PRICE = re.compile(r"unitPrice\s*=\s*(-?[0-9]+(?:\.[0-9]+)?)", re.IGNORECASE)


def price_in_note(note: str | None) -> Decimal | None:
    """The unit price a note states as `unitPrice=<decimal>`, if any.

    >>> price_in_note("Tariff B, unitPrice=0.1125")
    Decimal('0.1125')
    """
    match = _PRICE.search(note or "")
    if match is None:
        return None
    try:
        return Decimal(match.group(1))
    except InvalidOperation:  # pragma: no cover - the pattern only admits decimals
        return None


@cache
def _select() -> Any:
    statement = join_vendor_child(select(Rate), Rate.vendor_id, "vendor")
    return join_commodity_child(statement, Rate.commodity_id, "commodity")


def list_rates(db: Database, filter_text: str | None, page_number: int, page_size: int, today: date) -> Page:
    """One page of rates matching the filter, ordered by id."""
    conditions = parse_filter(filter_text, FILTERS)
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
    statement = _select().where(compile_filter(conditions, targets, today)).order_by(Rate.rate_id)
    with db.reading() as session:
        return paginate(session, statement, page_number, page_size)


def get_rate(db: Database, rate_id: int) -> RowMapping:
    """One rate with its vendor and commodity, or NotFound."""
    require(rate_id, "Rate")
    with db.reading() as session:
        row = session.execute(_select().where(Rate.rate_id == rate_id)).mappings().one_or_none()
    if row is None:
        raise NotFound("Rate", rate_id)
    return row


def create_rate(db: Database, name: str, vendor_id: int, commodity_id: int, note: str | None) -> int:
    """Create a rate for a vendor and commodity; names are unique per vendor (case-insensitive)."""
    errors: dict[str, list[str]] = {}
    if not name.strip():
        errors["name"] = ["name must not be empty."]
    price = price_in_note(note)
    if price is not None and price < 0:
        errors["note"] = ["unitPrice must not be negative."]
    with db.transaction() as session:
        if fetch(session, Vendor, vendor_id) is None:
            errors["vendorId"] = [f"Vendor {vendor_id} does not exist."]
        commodity = fetch(session, Commodity, commodity_id)
        if commodity is None:
            errors["commodityId"] = [f"Commodity {commodity_id} does not exist."]
        clash = select(Rate.rate_id).where(Rate.vendor_id == vendor_id, func.lower(Rate.rate_info) == name.lower())
        if name.strip() and in_range(vendor_id) and session.execute(clash).first():
            errors.setdefault("name", []).append(f"Vendor {vendor_id} already has a rate named '{name}'.")
        if errors or commodity is None:
            raise ValidationFailed(errors)
        row = Rate(
            rate_info=name,
            note=note,
            vendor_id=vendor_id,
            commodity_id=commodity_id,
            unit_id=commodity.common_unit_id,
            unit_price=price,
        )
        session.add(row)
        session.flush()
        return row.rate_id
