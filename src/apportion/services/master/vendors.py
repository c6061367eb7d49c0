"""Vendors: list, read, create, edit and delete."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import RowMapping, func, select
from sqlalchemy.orm import aliased

from apportion.domain import filters
from apportion.domain.errors import NotFound, RuleViolation, ValidationFailed
from apportion.domain.filters import FieldSpec, FieldType
from apportion.store.database import Database
from apportion.store.filtering import compile_filter
from apportion.store.models.organisation import Account, Vendor
from apportion.store.models.users import User
from apportion.store.paging import AnySelect, Page, paginate

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


def _select() -> AnySelect:
    creator, modifier = aliased(User), aliased(User)
    return (
        select(
            Vendor,
            creator.user_id.label("created_user_id"),
            creator.user_code.label("created_user_code"),
            creator.full_name.label("created_full_name"),
            modifier.user_id.label("modified_user_id"),
            modifier.user_code.label("modified_user_code"),
            modifier.full_name.label("modified_full_name"),
        )
        .outerjoin(creator, creator.user_id == Vendor.created_by)
        .outerjoin(modifier, modifier.user_id == Vendor.modified_by)
    )


def list_vendors(db: Database, filter_text: str | None, page_number: int, page_size: int, today: date) -> Page:
    """One page of vendors matching the filter, ordered by id."""
    conditions = filters.parse(filter_text, FILTERS)
    targets = {"vendorId": Vendor.vendor_id, "vendorCode": Vendor.vendor_code, "vendorInfo": Vendor.vendor_info}
    statement = _select().where(compile_filter(conditions, targets, today)).order_by(Vendor.vendor_id)
    with db.reading() as session:
        return paginate(session, statement, page_number, page_size)


def get_vendor(db: Database, vendor_id: int) -> RowMapping:
    """One vendor with its creator and modifier, or NotFound."""
    with db.reading() as session:
        row = session.execute(_select().where(Vendor.vendor_id == vendor_id)).mappings().one_or_none()
    if row is None:
        raise NotFound("Vendor", vendor_id)
    return row


def _check(session: Any, fields: VendorFields, except_id: int | None) -> None:
    """Required text holds something besides spaces (as accounts', meters' and places' do); codes are unique."""
    errors: dict[str, list[str]] = {}
    if not fields.vendor_code.strip():
        errors["vendorCode"] = ["vendorCode must not be empty."]
    if not fields.vendor_info.strip():
        errors["vendorInfo"] = ["vendorInfo must not be empty."]
    if errors:
        raise ValidationFailed(errors)
    code = fields.vendor_code
    clash = session.execute(
        select(Vendor.vendor_id).where(
            func.lower(Vendor.vendor_code) == code.lower(), Vendor.vendor_id != (except_id or 0)
        )
    ).first()
    if clash:
        raise RuleViolation(f"Vendor code '{code}' is already in use.", field="vendorCode")


def create_vendor(db: Database, fields: VendorFields, user_id: int, now: datetime) -> int:
    """Create a vendor; codes are unique (case-insensitive)."""
    with db.transaction() as session:
        _check(session, fields, None)
        vendor = Vendor(
            vendor_code=fields.vendor_code,
            vendor_info=fields.vendor_info,
            website=fields.website,
            description=fields.description,
            address=fields.address,
            vendor_type_id=1,
            created_by=user_id,
            created_date=now,
        )
        session.add(vendor)
        session.flush()
        return vendor.vendor_id


def edit_vendor(db: Database, vendor_id: int, fields: VendorFields, user_id: int, now: datetime) -> None:
    """Replace a vendor's editable fields."""
    with db.transaction() as session:
        vendor = session.get(Vendor, vendor_id)
        if vendor is None:
            raise NotFound("Vendor", vendor_id)
        _check(session, fields, vendor_id)
        vendor.vendor_code = fields.vendor_code
        vendor.vendor_info = fields.vendor_info
        vendor.website = fields.website
        vendor.description = fields.description
        vendor.address = fields.address
        vendor.modified_by = user_id
        vendor.modified_date = now


def delete_vendor(db: Database, vendor_id: int) -> None:
    """Delete a vendor that has no accounts."""
    with db.transaction() as session:
        vendor = session.get(Vendor, vendor_id)
        if vendor is None:
            raise NotFound("Vendor", vendor_id)
        if session.execute(select(Account.account_id).where(Account.vendor_id == vendor_id).limit(1)).first():
            raise RuleViolation(f"Vendor {vendor_id} has accounts; delete or move them first.")
        session.delete(vendor)
