"""Vendors as typed values: the list, one vendor, code clashes, and the writes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.engine import RowMapping
from sqlalchemy.orm import Session

from apportion.domain.filters import Condition
from apportion.store.filtering import compile_filter
from apportion.store.lookup import key_exists
from apportion.store.models.organisation import Account, Vendor
from apportion.store.paging import TypedPage
from apportion.store.queries.children import UserChild, join_user
from apportion.store.queries.shaped import Shaped


@dataclass(frozen=True)
class VendorValues:
    """A vendor's editable columns."""

    vendor_code: str
    vendor_info: str
    website: str | None
    description: str | None
    address: dict[str, Any] | None


@dataclass(frozen=True)
class VendorRow:
    """A vendor with the users who created and last edited it."""

    vendor_id: int
    vendor_code: str
    vendor_info: str
    website: str | None
    description: str | None
    address: dict[str, Any] | None
    created_by: UserChild | None
    created_date: datetime | None
    modified_by: UserChild | None
    modified_date: datetime | None


@cache
def _vendors() -> Shaped[VendorRow]:
    statement, read_creator = join_user(select(Vendor), Vendor.created_by)
    statement, read_modifier = join_user(statement, Vendor.modified_by)

    def read(row: RowMapping) -> VendorRow:
        v: Vendor = row[Vendor]
        return VendorRow(
            vendor_id=v.vendor_id,
            vendor_code=v.vendor_code,
            vendor_info=v.vendor_info,
            website=v.website,
            description=v.description,
            address=v.address,
            created_by=read_creator(row),
            created_date=v.created_date,
            modified_by=read_modifier(row),
            modified_date=v.modified_date,
        )

    return Shaped(statement.order_by(Vendor.vendor_id), read)


def list_vendors(
    session: Session, conditions: Sequence[Condition], today: date, page_number: int, page_size: int
) -> TypedPage[VendorRow]:
    """One page of vendors matching the conditions, by id."""
    targets = {"vendorId": Vendor.vendor_id, "vendorCode": Vendor.vendor_code, "vendorInfo": Vendor.vendor_info}
    return _vendors().page(session, compile_filter(conditions, targets, today), page_number, page_size)


def get_vendor(session: Session, vendor_id: int) -> VendorRow | None:
    """One vendor, or None."""
    return _vendors().one(session, Vendor.vendor_id == vendor_id)


def vendor_exists(session: Session, vendor_id: int) -> bool:
    """Whether the vendor exists."""
    return key_exists(session, Vendor.vendor_id, vendor_id)


def code_taken(session: Session, code: str, except_id: int | None) -> bool:
    """Whether another vendor has this code (compared without case)."""
    clash = select(Vendor.vendor_id).where(
        func.lower(Vendor.vendor_code) == code.lower(), Vendor.vendor_id != (except_id or 0)
    )
    return session.execute(clash).first() is not None


def has_accounts(session: Session, vendor_id: int) -> bool:
    """Whether any account belongs to the vendor."""
    return (
        session.execute(select(Account.account_id).where(Account.vendor_id == vendor_id).limit(1)).first() is not None
    )


def insert_vendor(session: Session, values: VendorValues, user_id: int, now: datetime) -> int:
    """Write a new vendor (of the first vendor type); returns its id."""
    vendor = Vendor(**vars(values), vendor_type_id=1, created_by=user_id, created_date=now)
    session.add(vendor)
    session.flush()
    return vendor.vendor_id


def update_vendor(session: Session, vendor_id: int, values: VendorValues, user_id: int, now: datetime) -> None:
    """Replace a vendor's editable columns."""
    columns = {**vars(values), "modified_by": user_id, "modified_date": now}
    session.execute(update(Vendor).where(Vendor.vendor_id == vendor_id).values(**columns))


def delete_vendor(session: Session, vendor_id: int) -> None:
    """Delete a vendor."""
    session.execute(delete(Vendor).where(Vendor.vendor_id == vendor_id))
