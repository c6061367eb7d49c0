"""Accounts: list, read, create (optionally linking meters), edit and delete (deleteBills)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from apportion.domain import filters, texts
from apportion.domain.account_links import FIRST_DATE, LAST_DATE, LinkInput
from apportion.domain.errors import NotFound, ValidationFailed
from apportion.domain.filters import FieldSpec, FieldType
from apportion.domain.ids import in_range, parse_filter, require
from apportion.domain.scoping import Scope
from apportion.services.master import auto_groups, dependents
from apportion.services.master.account_meters import check_links
from apportion.store.database import Database, DbSession
from apportion.store.paging import TypedPage
from apportion.store.queries import accounts as store
from apportion.store.queries import cost_centers, group_facts, vendors
from apportion.store.queries import dependents as bills
from apportion.store.queries.account_meters import insert_links
from apportion.store.queries.accounts import AccountMeterLink, AccountRow, AccountValues

FILTERS = filters.specs(
    FieldSpec("accountId", FieldType.INTEGER, filters.NUMBER_OPS),
    FieldSpec("accountCode", FieldType.STRING, filters.STRING_OPS),
    FieldSpec("accountInfo", FieldType.STRING, filters.STRING_OPS),
    FieldSpec("active", FieldType.BOOLEAN, filters.BOOLEAN_OPS),
    FieldSpec("vendorId", FieldType.INTEGER, filters.NUMBER_OPS),
    FieldSpec("vendorCode", FieldType.STRING, filters.STRING_OPS),
    FieldSpec("costCenterId", FieldType.INTEGER, filters.NUMBER_OPS),
    FieldSpec("costCenterCode", FieldType.STRING, filters.STRING_OPS),
    FieldSpec("accountTypeId", FieldType.INTEGER, filters.NUMBER_OPS),
    FieldSpec("meterId", FieldType.INTEGER, filters.NUMBER_OPS),
    FieldSpec("meterCode", FieldType.STRING, filters.STRING_OPS),
)


@dataclass(frozen=True)
class AccountFields:
    """AccountCreate/AccountEdit as the service needs it.

    customerId, contactId and generalLedgerId are accepted and ignored: Apportion keeps no such records.
    """

    account_code: str
    account_info: str
    cost_center_id: int
    active: bool = True
    accrual_enabled: bool = False
    address: dict[str, Any] | None = None
    deposit_paid: datetime | None = None
    deposit_return: datetime | None = None
    deposit_note: str | None = None
    deposit_amount: Decimal | None = None
    memo: str | None = None
    service_start: datetime | None = None
    service_end: datetime | None = None
    description: str | None = None
    account_type_id: int = 1
    vendor_id: int = 0
    meter_ids: Sequence[int] = field(default_factory=tuple)


def list_accounts(
    db: Database,
    filter_text: str | None,
    page_number: int,
    page_size: int,
    today: date,
    scope: Scope = Scope.WHOLE,
) -> TypedPage[AccountRow]:
    """One page of accounts matching the filter, ordered by id."""
    conditions = parse_filter(filter_text, FILTERS)
    with db.reading() as session:
        return store.list_accounts(session, conditions, today, page_number, page_size, scope)


def get_account(db: Database, account_id: int) -> AccountRow:
    """One account with its type, cost center, vendor, users and flags, or NotFound."""
    require(account_id, "Account")
    with db.reading() as session:
        row = store.get_account(session, account_id)
    if row is None:
        raise NotFound("Account", account_id)
    return row


def meters_of(
    db: Database, account_ids: Sequence[int], scope: Scope = Scope.WHOLE
) -> dict[int, list[AccountMeterLink]]:
    """The meter links of each account (each meter with its place, and the vendor type), in one query."""
    with db.reading() as session:
        return store.links_of(session, account_ids, scope)


def _check(session: DbSession, fields: AccountFields, account_id: int | None, vendor_id: int) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not fields.account_code.strip():
        errors["accountCode"] = ["accountCode must not be empty."]
    elif store.code_taken(session, vendor_id if in_range(vendor_id) else 0, fields.account_code, account_id):
        errors["accountCode"] = [f"Vendor {vendor_id} already has an account '{fields.account_code}'."]
    if not fields.account_info.strip():
        errors["accountInfo"] = ["accountInfo must not be empty."]
    if not cost_centers.cost_center_exists(session, fields.cost_center_id):
        errors["costCenterId"] = [f"Cost center {fields.cost_center_id} does not exist."]
    if fields.service_start and fields.service_end and fields.service_end < fields.service_start:
        errors["serviceEnd"] = ["serviceEnd must not be before serviceStart."]
    for name, value in (("serviceStart", fields.service_start), ("serviceEnd", fields.service_end)):
        if value is not None and not FIRST_DATE <= value.date() <= LAST_DATE:
            errors[name] = [f"{name} must lie between {FIRST_DATE} and {LAST_DATE}."]
    amount = fields.deposit_amount
    if amount is not None and (abs(amount) >= Decimal(10) ** 16 or amount != amount.quantize(Decimal("0.01"))):
        errors["depositAmount"] = ["depositAmount is below 10^16 with at most 2 decimals."]
    notes = {"memo": (fields.memo, texts.MAX_NOTE), "depositNote": (fields.deposit_note, texts.MAX_NOTE)}
    errors |= texts.too_long(notes)
    return errors


def _values(fields: AccountFields) -> AccountValues:
    return AccountValues(
        account_code=fields.account_code,
        account_info=fields.account_info,
        cost_center_id=fields.cost_center_id,
        active=fields.active,
        accrual_enabled=fields.accrual_enabled,
        address=fields.address,
        deposit_paid=fields.deposit_paid,
        deposit_return=fields.deposit_return,
        deposit_note=fields.deposit_note,
        deposit_amount=fields.deposit_amount,
        memo=fields.memo,
        begin_date=fields.service_start.date() if fields.service_start else None,
        end_date=fields.service_end.date() if fields.service_end else None,
        description=fields.description,
    )


def create_account(db: Database, fields: AccountFields, user_id: int, now: datetime) -> int:
    """Create an account; codes are unique per vendor (case-insensitive); `meters` are linked for all time."""
    with db.transaction() as session:
        errors = _check(session, fields, None, fields.vendor_id)
        if not vendors.vendor_exists(session, fields.vendor_id):
            errors["vendorId"] = [f"Vendor {fields.vendor_id} does not exist."]
        if not store.account_type_exists(session, fields.account_type_id):
            errors["accountTypeId"] = [f"Account type {fields.account_type_id} does not exist."]
        links = [LinkInput(0, meter_id, FIRST_DATE, LAST_DATE) for meter_id in fields.meter_ids]
        errors.update(check_links(session, links, "meters", new_account=True))
        if errors:
            raise ValidationFailed(errors)
        account_id = store.insert_account(
            session, _values(fields), fields.vendor_id, fields.account_type_id, user_id, now
        )
        insert_links(session, [LinkInput(account_id, link.meter_id, link.begin, link.end) for link in links])
        if links:
            auto_groups.refresh(session, now, meter_ids=sorted({link.meter_id for link in links}))
        return account_id


def edit_account(db: Database, account_id: int, fields: AccountFields, user_id: int, now: datetime) -> None:
    """Replace an account's editable fields; a changed code is remembered in its code history."""
    with db.transaction() as session:
        account = store.account_keys(session, account_id)
        if account is None:
            raise NotFound("Account", account_id)
        errors = _check(session, fields, account_id, account.vendor_id)
        if errors:
            raise ValidationFailed(errors)
        renamed_from = account.account_code if account.account_code != fields.account_code else None
        store.update_account(session, account_id, _values(fields), renamed_from, user_id, now)
        auto_groups.refresh_linked(session, now, account_ids=[account_id])


def delete_account(db: Database, account_id: int, delete_bills: bool, user_id: int, now: datetime) -> None:
    """Delete an account and its meter links; its bills too when `delete_bills`, else bills refuse it."""
    with db.transaction() as session:
        if not store.account_exists(session, account_id):
            raise NotFound("Account", account_id)
        dependents.refuse_if_in_versions(session, f"Account {account_id}", account_id=account_id)
        account_bills = bills.account_bill_ids(session, account_id)
        dependents.refuse_or_delete_bills(session, account_bills, delete_bills, f"Account {account_id}", user_id, now)
        linked = group_facts.meters_linked(session, [account_id])
        store.delete_account(session, account_id)
        if linked:
            auto_groups.refresh(session, now, meter_ids=linked)
