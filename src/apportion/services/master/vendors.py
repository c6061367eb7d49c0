"""Vendors: list, read, create, edit and delete."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from apportion.domain import filters
from apportion.domain.errors import NotFound, RuleViolation, ValidationFailed
from apportion.domain.filters import FieldSpec, FieldType
from apportion.services.master import auto_groups
from apportion.store.database import Database, DbSession
from apportion.store.paging import TypedPage
from apportion.store.queries import vendors as store
from apportion.store.queries.vendors import VendorRow, VendorValues

FILTERS = filters.specs(
    FieldSpec("vendorId", FieldType.INTEGER, filters.NUMBER_OPS),
    FieldSpec("vendorCode", FieldType.STRING, filters.STRING_OPS),
    FieldSpec("vendorInfo", FieldType.STRING, filters.STRING_OPS),
)


@dataclass(frozen=True)
class VendorFields:
    """The editable fields of a vendor."""

    vendor_code: str
    vendor_info: str
    website: str | None = None
    description: str | None = None
    address: dict[str, Any] | None = None


def list_vendors(
    db: Database, filter_text: str | None, page_number: int, page_size: int, today: date
) -> TypedPage[VendorRow]:
    """One page of vendors matching the filter, ordered by id."""
    conditions = filters.parse(filter_text, FILTERS)
    with db.reading() as session:
        return store.list_vendors(session, conditions, today, page_number, page_size)


def get_vendor(db: Database, vendor_id: int) -> VendorRow:
    """One vendor with its creator and modifier, or NotFound."""
    with db.reading() as session:
        row = store.get_vendor(session, vendor_id)
    if row is None:
        raise NotFound("Vendor", vendor_id)
    return row


def _check(session: DbSession, fields: VendorFields, except_id: int | None) -> None:
    """Required text holds something besides spaces (as accounts', meters' and places' do); codes are unique."""
    errors: dict[str, list[str]] = {}
    if not fields.vendor_code.strip():
        errors["vendorCode"] = ["vendorCode must not be empty."]
    if not fields.vendor_info.strip():
        errors["vendorInfo"] = ["vendorInfo must not be empty."]
    if errors:
        raise ValidationFailed(errors)
    code = fields.vendor_code
    if store.code_taken(session, code, except_id):
        raise RuleViolation(f"Vendor code '{code}' is already in use.", field="vendorCode")


def _values(fields: VendorFields) -> VendorValues:
    return VendorValues(fields.vendor_code, fields.vendor_info, fields.website, fields.description, fields.address)


def create_vendor(db: Database, fields: VendorFields, user_id: int, now: datetime) -> int:
    """Create a vendor; codes are unique (case-insensitive)."""
    with db.transaction() as session:
        _check(session, fields, None)
        return store.insert_vendor(session, _values(fields), user_id, now)


def edit_vendor(db: Database, vendor_id: int, fields: VendorFields, user_id: int, now: datetime) -> None:
    """Replace a vendor's editable fields."""
    with db.transaction() as session:
        if not store.vendor_exists(session, vendor_id):
            raise NotFound("Vendor", vendor_id)
        _check(session, fields, vendor_id)
        store.update_vendor(session, vendor_id, _values(fields), user_id, now)
        auto_groups.refresh_linked(session, now, vendor_id=vendor_id)


def delete_vendor(db: Database, vendor_id: int) -> None:
    """Delete a vendor that has no accounts."""
    with db.transaction() as session:
        if not store.vendor_exists(session, vendor_id):
            raise NotFound("Vendor", vendor_id)
        if store.has_accounts(session, vendor_id):
            raise RuleViolation(f"Vendor {vendor_id} has accounts; delete or move them first.")
        store.delete_vendor(session, vendor_id)
