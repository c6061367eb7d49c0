"""Rate schedules: list, read and create (their versions and assignments: rate_versions.py).

Legacy: a rate without versions is priced by one flat unit price (rates.unit_price, per the commodity's common
unit): seeded rates 1-5 have one, and a created rate takes it from a `unitPrice=<decimal>` token in its note
(docs/rates.md); without one it has no price until it has a version.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation

from apportion.domain import filters
from apportion.domain.errors import NotFound, ValidationFailed
from apportion.domain.filters import FieldSpec, FieldType
from apportion.domain.ids import in_range, parse_filter, require
from apportion.store.database import Database
from apportion.store.paging import TypedPage
from apportion.store.queries import rates as store
from apportion.store.queries import reference, vendors
from apportion.store.queries.rates import RateRow, RateValues

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


def list_rates(
    db: Database, filter_text: str | None, page_number: int, page_size: int, today: date
) -> TypedPage[RateRow]:
    """One page of rates matching the filter, ordered by id."""
    conditions = parse_filter(filter_text, FILTERS)
    with db.reading() as session:
        return store.list_rates(session, conditions, today, page_number, page_size)


def get_rate(db: Database, rate_id: int) -> RateRow:
    """One rate with its vendor and commodity, or NotFound."""
    require(rate_id, "Rate")
    with db.reading() as session:
        row = store.get_rate(session, rate_id)
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
        if not vendors.vendor_exists(session, vendor_id):
            errors["vendorId"] = [f"Vendor {vendor_id} does not exist."]
        commodity = reference.commodity_units(session, commodity_id)
        if commodity is None:
            errors["commodityId"] = [f"Commodity {commodity_id} does not exist."]
        if name.strip() and in_range(vendor_id) and store.name_taken(session, vendor_id, name):
            errors.setdefault("name", []).append(f"Vendor {vendor_id} already has a rate named '{name}'.")
        if errors or commodity is None:
            raise ValidationFailed(errors)
        values = RateValues(name, note, vendor_id, commodity_id, commodity.common_unit_id, price)
        return store.insert_rate(session, values)
