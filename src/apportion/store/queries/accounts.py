"""Accounts as typed values: the list, one account with its children, its meter links, and the writes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from typing import Any, NamedTuple

from sqlalchemy import and_, delete, func, select, update
from sqlalchemy.engine import RowMapping
from sqlalchemy.orm import Session, aliased

from apportion.domain.filters import Condition
from apportion.domain.ids import in_range
from apportion.domain.scoping import Scope
from apportion.store import scoping
from apportion.store.filtering import Related, compile_filter, related_exists
from apportion.store.lookup import key_exists
from apportion.store.models.organisation import Account, AccountMeter, CostCenter, Meter, Vendor
from apportion.store.models.reference import AccountType, Unit
from apportion.store.paging import AnySelect, TypedPage
from apportion.store.queries.children import (
    AccountFlags,
    AccountTypeChild,
    CostCenterChild,
    MeterChild,
    UnitChild,
    UserChild,
    VendorChild,
    VendorTypeChild,
    account_flags,
    join_account_type,
    join_cost_center,
    join_meter,
    join_unit,
    join_user,
    join_vendor,
    join_vendor_type,
)
from apportion.store.queries.shaped import Shaped, grouped, present


@dataclass(frozen=True)
class AccountValues:
    """An account's editable columns."""

    account_code: str
    account_info: str
    cost_center_id: int
    active: bool
    accrual_enabled: bool
    address: dict[str, Any] | None
    deposit_paid: datetime | None
    deposit_return: datetime | None
    deposit_note: str | None
    deposit_amount: Decimal | None
    memo: str | None
    begin_date: date | None
    end_date: date | None
    description: str | None


@dataclass(frozen=True)
class AccountRow:
    """An account with its type, cost center, vendor, users, currency and chargeback flags."""

    account_id: int
    values: AccountValues
    account_type: AccountTypeChild | None
    cost_center: CostCenterChild | None
    vendor: VendorChild | None
    previous_account_code: str | None
    account_code_changed: datetime | None
    created_by: UserChild | None
    created_date: datetime | None
    modified_by: UserChild | None
    modified_date: datetime | None
    cost_unit: UnitChild | None
    flags: AccountFlags
    audit_enabled: bool = True  # False: the account's bills are not audited


class AccountKeys(NamedTuple):
    """What an edit needs of the stored account: its vendor and current code."""

    account_id: int
    vendor_id: int
    account_code: str


@dataclass(frozen=True)
class AccountMeterLink:
    """One of an account's meter links, with the meter (and its place) and the vendor type."""

    account_meter_id: int
    begin_date: date
    end_date: date
    meter: MeterChild
    vendor_type: VendorTypeChild | None


def _values(a: Account) -> AccountValues:
    return AccountValues(
        account_code=a.account_code,
        account_info=a.account_info,
        cost_center_id=a.cost_center_id,
        active=a.active,
        accrual_enabled=a.accrual_enabled,
        address=a.address,
        deposit_paid=a.deposit_paid,
        deposit_return=a.deposit_return,
        deposit_note=a.deposit_note,
        deposit_amount=a.deposit_amount,
        memo=a.memo,
        begin_date=a.begin_date,
        end_date=a.end_date,
        description=a.description,
    )


@cache
def _accounts() -> Shaped[AccountRow]:
    currency = aliased(Unit)
    usd = select(currency.unit_id).where(currency.unit_code == "USD").scalar_subquery()
    statement, read_creator = join_user(select(Account), Account.created_by)
    statement, read_modifier = join_user(statement, Account.modified_by)
    statement, read_flags = account_flags(statement, Account.account_id)
    statement, read_type = join_account_type(statement, Account.account_type_id)
    statement, read_cost_center = join_cost_center(statement, Account.cost_center_id)
    statement, read_vendor = join_vendor(statement, Account.vendor_id)
    statement, read_cost_unit = join_unit(statement, usd)

    def read(row: RowMapping) -> AccountRow:
        a: Account = row[Account]
        return AccountRow(
            account_id=a.account_id,
            values=_values(a),
            audit_enabled=a.audit_enabled,
            account_type=read_type(row),
            cost_center=read_cost_center(row),
            vendor=read_vendor(row),
            previous_account_code=a.previous_account_code,
            account_code_changed=a.account_code_changed,
            created_by=read_creator(row),
            created_date=a.created_date,
            modified_by=read_modifier(row),
            modified_date=a.modified_date,
            cost_unit=read_cost_unit(row),
            flags=read_flags(row),
        )

    return Shaped(statement.order_by(Account.account_id), read)


def _linked(meter_column: Any) -> Related:
    """A filter on the account's linked meters (any link, any dates): one EXISTS for all of a field's conditions."""
    return related_exists(
        meter_column, AccountMeter.account_id == Account.account_id, Meter.meter_id == AccountMeter.meter_id
    )


def list_accounts(
    session: Session,
    conditions: Sequence[Condition],
    today: date,
    page_number: int,
    page_size: int,
    scope: Scope = Scope.WHOLE,
) -> TypedPage[AccountRow]:
    """One page of accounts matching the conditions, by id."""
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
    where = and_(
        compile_filter(conditions, targets, today), scoping.within(Account.account_id, scoping.account_ids(scope))
    )
    return _accounts().page(session, where, page_number, page_size)


def get_account(session: Session, account_id: int) -> AccountRow | None:
    """One account, or None."""
    return _accounts().one(session, Account.account_id == account_id)


@cache
def _links() -> Shaped[tuple[int, AccountMeterLink]]:
    statement: AnySelect = select(
        AccountMeter.account_id, AccountMeter.account_meter_id, AccountMeter.begin_date, AccountMeter.end_date
    )
    statement, read_meter = join_meter(statement, AccountMeter.meter_id, with_place=True)
    statement, read_vendor_type = join_vendor_type(statement, AccountMeter.vendor_type_id)
    read_present_meter = present(read_meter, "meter")

    def read(row: RowMapping) -> tuple[int, AccountMeterLink]:
        link = AccountMeterLink(
            account_meter_id=row[AccountMeter.account_meter_id],
            begin_date=row[AccountMeter.begin_date],
            end_date=row[AccountMeter.end_date],
            meter=read_present_meter(row),
            vendor_type=read_vendor_type(row),
        )
        return row[AccountMeter.account_id], link

    return Shaped(statement.order_by(AccountMeter.account_meter_id), read)


def links_of(
    session: Session, account_ids: Sequence[int], scope: Scope = Scope.WHOLE
) -> dict[int, list[AccountMeterLink]]:
    """The meter links of each account (to meters in `scope`), by link id."""
    within = scoping.within(AccountMeter.meter_id, scoping.meter_ids(scope))
    return grouped(_links(), session, AccountMeter.account_id, account_ids, within)


def account_keys(session: Session, account_id: int) -> AccountKeys | None:
    """The account's vendor and code, or None when it does not exist."""
    if not in_range(account_id):
        return None
    row = session.execute(
        select(Account.vendor_id, Account.account_code).where(Account.account_id == account_id)
    ).one_or_none()
    return None if row is None else AccountKeys(account_id, row.vendor_id, row.account_code)


def account_exists(session: Session, account_id: int) -> bool:
    """Whether the account exists."""
    return key_exists(session, Account.account_id, account_id)


def account_type_exists(session: Session, account_type_id: int) -> bool:
    """Whether the account type exists."""
    return key_exists(session, AccountType.account_type_id, account_type_id)


def code_taken(session: Session, vendor_id: int, code: str, except_id: int | None) -> bool:
    """Whether another account of the vendor has this code (compared without case)."""
    clash = select(Account.account_id).where(
        Account.vendor_id == vendor_id,
        func.lower(Account.account_code) == code.lower(),
        Account.account_id != (except_id or 0),
    )
    return session.execute(clash).first() is not None


def insert_account(
    session: Session, values: AccountValues, vendor_id: int, account_type_id: int, user_id: int, now: datetime
) -> int:
    """Write a new account; returns its id."""
    account = Account(
        **vars(values), vendor_id=vendor_id, account_type_id=account_type_id, created_by=user_id, created_date=now
    )
    session.add(account)
    session.flush()
    return account.account_id


def update_account(
    session: Session, account_id: int, values: AccountValues, previous_code: str | None, user_id: int, now: datetime
) -> None:
    """Replace an account's editable columns; `previous_code` (when its code changes) goes to its code history."""
    columns: dict[str, Any] = {**vars(values), "modified_by": user_id, "modified_date": now}
    if previous_code is not None:
        columns |= {"previous_account_code": previous_code, "account_code_changed": now}
    session.execute(update(Account).where(Account.account_id == account_id).values(**columns))


def delete_account(session: Session, account_id: int) -> None:
    """Delete an account and its meter links."""
    session.execute(delete(AccountMeter).where(AccountMeter.account_id == account_id))
    session.execute(delete(Account).where(Account.account_id == account_id))
