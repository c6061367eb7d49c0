"""Accounts: list, read, create (optionally linking meters), edit and delete (deleteBills)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from typing import Any

from sqlalchemy import RowMapping, delete, func, select
from sqlalchemy.orm import Session, aliased

from apportion.domain import filters, texts
from apportion.domain.errors import NotFound, ValidationFailed
from apportion.domain.filters import FieldSpec, FieldType
from apportion.services.child_columns import (
    account_flag_columns,
    join_account_type_child,
    join_cost_center_child,
    join_meter_child,
    join_unit_child,
    join_vendor_child,
    join_vendor_type_child,
)
from apportion.services.ids import fetch, in_range, parse_filter, require
from apportion.services.master import dependents
from apportion.services.master.account_meters import FIRST_DATE, LAST_DATE, LinkInput, check_links, insert_links
from apportion.store.database import Database
from apportion.store.filtering import Related, compile_filter, related_exists
from apportion.store.models.organisation import Account, AccountMeter, CostCenter, Meter, Vendor
from apportion.store.models.reference import AccountType, Unit
from apportion.store.models.users import User
from apportion.store.paging import Page, paginate

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


@cache
def _select() -> Any:
    creator, modifier, currency = aliased(User), aliased(User), aliased(Unit)
    statement: Any = (
        select(
            Account,
            creator.user_id.label("created_user_id"),
            creator.user_code.label("created_user_code"),
            creator.full_name.label("created_full_name"),
            modifier.user_id.label("modified_user_id"),
            modifier.user_code.label("modified_user_code"),
            modifier.full_name.label("modified_full_name"),
            *account_flag_columns(Account.account_id, "account"),
        )
        .outerjoin(creator, creator.user_id == Account.created_by)
        .outerjoin(modifier, modifier.user_id == Account.modified_by)
    )
    statement = join_account_type_child(statement, Account.account_type_id, "account_type")
    statement = join_cost_center_child(statement, Account.cost_center_id, "cost_center")
    statement = join_vendor_child(statement, Account.vendor_id, "vendor")
    return join_unit_child(
        statement, select(currency.unit_id).where(currency.unit_code == "USD").scalar_subquery(), "cost_unit"
    )


def _linked(meter_column: Any) -> Related:
    """A filter on the account's linked meters (any link, any dates): one EXISTS for all of a field's conditions."""
    return related_exists(
        meter_column, AccountMeter.account_id == Account.account_id, Meter.meter_id == AccountMeter.meter_id
    )


def list_accounts(db: Database, filter_text: str | None, page_number: int, page_size: int, today: date) -> Page:
    """One page of accounts matching the filter, ordered by id."""
    conditions = parse_filter(filter_text, FILTERS)
    vendor_code = select(Vendor.vendor_code).where(Vendor.vendor_id == Account.vendor_id).scalar_subquery()
    cc_code = (
        select(CostCenter.cost_center_code).where(CostCenter.cost_center_id == Account.cost_center_id).scalar_subquery()
    )
    targets = {
        "accountId": Account.account_id,
        "accountCode": Account.account_code,
        "accountInfo": Account.account_info,
        "active": Account.active,
        "vendorId": Account.vendor_id,
        "vendorCode": vendor_code,
        "costCenterId": Account.cost_center_id,
        "costCenterCode": cc_code,
        "accountTypeId": Account.account_type_id,
        "meterId": _linked(Meter.meter_id),
        "meterCode": _linked(Meter.meter_code),
    }
    statement = _select().where(compile_filter(conditions, targets, today)).order_by(Account.account_id)
    with db.reading() as session:
        return paginate(session, statement, page_number, page_size)


def get_account(db: Database, account_id: int) -> RowMapping:
    """One account with its type, cost center, vendor, users and flags, or NotFound."""
    require(account_id, "Account")
    with db.reading() as session:
        row = session.execute(_select().where(Account.account_id == account_id)).mappings().one_or_none()
    if row is None:
        raise NotFound("Account", account_id)
    return row


@cache
def _links() -> Any:
    statement: Any = select(
        AccountMeter.account_id, AccountMeter.account_meter_id, AccountMeter.begin_date, AccountMeter.end_date
    )
    statement = join_meter_child(statement, AccountMeter.meter_id, "meter", with_place=True)
    statement = join_vendor_type_child(statement, AccountMeter.vendor_type_id, "vendor_type")
    return statement.order_by(AccountMeter.account_meter_id)


def meters_of(db: Database, account_ids: Sequence[int]) -> dict[int, list[RowMapping]]:
    """The meter links of each account (`account_meter_id`, `begin_date`, `end_date`, `meter_*` with the place,
    `vendor_type_*`), in one query."""
    statement = _links().where(AccountMeter.account_id.in_(list(account_ids)))
    out: dict[int, list[RowMapping]] = {i: [] for i in account_ids}
    with db.reading() as session:
        for row in session.execute(statement).mappings():
            out[row["account_id"]].append(row)
    return out


def _check(session: Session, fields: AccountFields, account_id: int | None, vendor_id: int) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not fields.account_code.strip():
        errors["accountCode"] = ["accountCode must not be empty."]
    else:
        clash = select(Account.account_id).where(
            Account.vendor_id == (vendor_id if in_range(vendor_id) else 0),
            func.lower(Account.account_code) == fields.account_code.lower(),
            Account.account_id != (account_id or 0),
        )
        if session.execute(clash).first():
            errors["accountCode"] = [f"Vendor {vendor_id} already has an account '{fields.account_code}'."]
    if not fields.account_info.strip():
        errors["accountInfo"] = ["accountInfo must not be empty."]
    if fetch(session, CostCenter, fields.cost_center_id) is None:
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


def _apply(account: Account, fields: AccountFields) -> None:
    account.account_code = fields.account_code
    account.account_info = fields.account_info
    account.cost_center_id = fields.cost_center_id
    account.active = fields.active
    account.accrual_enabled = fields.accrual_enabled
    account.address = fields.address
    account.deposit_paid = fields.deposit_paid
    account.deposit_return = fields.deposit_return
    account.deposit_note = fields.deposit_note
    account.deposit_amount = fields.deposit_amount
    account.memo = fields.memo
    account.begin_date = fields.service_start.date() if fields.service_start else None
    account.end_date = fields.service_end.date() if fields.service_end else None
    account.description = fields.description


def create_account(db: Database, fields: AccountFields, user_id: int, now: datetime) -> int:
    """Create an account; codes are unique per vendor (case-insensitive); `meters` are linked for all time."""
    with db.transaction() as session:
        errors = _check(session, fields, None, fields.vendor_id)
        if fetch(session, Vendor, fields.vendor_id) is None:
            errors["vendorId"] = [f"Vendor {fields.vendor_id} does not exist."]
        if fetch(session, AccountType, fields.account_type_id) is None:
            errors["accountTypeId"] = [f"Account type {fields.account_type_id} does not exist."]
        links = [LinkInput(0, meter_id, FIRST_DATE, LAST_DATE) for meter_id in fields.meter_ids]
        errors.update(check_links(session, links, "meters", new_account=True))
        if errors:
            raise ValidationFailed(errors)
        account = Account(
            vendor_id=fields.vendor_id,
            account_type_id=fields.account_type_id,
            created_by=user_id,
            created_date=now,
        )
        _apply(account, fields)
        session.add(account)
        session.flush()
        insert_links(session, [LinkInput(account.account_id, link.meter_id, link.begin, link.end) for link in links])
        return account.account_id


def edit_account(db: Database, account_id: int, fields: AccountFields, user_id: int, now: datetime) -> None:
    """Replace an account's editable fields; a changed code is remembered in its code history."""
    with db.transaction() as session:
        account = fetch(session, Account, account_id)
        if account is None:
            raise NotFound("Account", account_id)
        errors = _check(session, fields, account_id, account.vendor_id)
        if errors:
            raise ValidationFailed(errors)
        if account.account_code != fields.account_code:
            account.previous_account_code = account.account_code
            account.account_code_changed = now
        _apply(account, fields)
        account.modified_by = user_id
        account.modified_date = now


def delete_account(db: Database, account_id: int, delete_bills: bool, user_id: int, now: datetime) -> None:
    """Delete an account and its meter links; its bills too when `delete_bills`, else bills refuse it."""
    with db.transaction() as session:
        if fetch(session, Account, account_id) is None:
            raise NotFound("Account", account_id)
        dependents.refuse_if_in_versions(session, f"Account {account_id}", account_id=account_id)
        bills = dependents.account_bill_ids(session, account_id)
        dependents.refuse_or_delete_bills(session, bills, delete_bills, f"Account {account_id}", user_id, now)
        session.execute(delete(AccountMeter).where(AccountMeter.account_id == account_id))
        session.execute(delete(Account).where(Account.account_id == account_id))
