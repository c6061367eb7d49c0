"""Cost centers as typed values: the list, one cost center, its children and accounts, and the write."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache

from sqlalchemy import and_, func, select
from sqlalchemy.engine import RowMapping
from sqlalchemy.orm import Session

from apportion.domain.filters import Condition
from apportion.domain.scoping import Scope
from apportion.store import scoping
from apportion.store.filtering import compile_filter
from apportion.store.lookup import key_exists
from apportion.store.models.organisation import Account, CostCenter
from apportion.store.paging import TypedPage
from apportion.store.queries.children import (
    AccountFlags,
    AccountTypeChild,
    CostCenterChild,
    account_flags,
    join_account_type,
    join_cost_center,
)
from apportion.store.queries.shaped import Shaped, grouped


@dataclass(frozen=True)
class CostCenterRow:
    """A cost center with its parent."""

    cost_center_id: int
    cost_center_code: str
    cost_center_info: str
    parent: CostCenterChild | None


@dataclass(frozen=True)
class CostCenterAccount:
    """An account of a cost center, with its type and chargeback flags."""

    account_id: int
    account_code: str
    account_info: str
    active: bool
    flags: AccountFlags
    account_type: AccountTypeChild | None


@cache
def _cost_centers() -> Shaped[CostCenterRow]:
    statement, read_parent = join_cost_center(select(CostCenter), CostCenter.parent_id)

    def read(row: RowMapping) -> CostCenterRow:
        cc: CostCenter = row[CostCenter]
        return CostCenterRow(cc.cost_center_id, cc.cost_center_code, cc.cost_center_info, read_parent(row))

    return Shaped(statement.order_by(CostCenter.cost_center_id), read)


def list_cost_centers(
    session: Session,
    conditions: Sequence[Condition],
    today: date,
    page_number: int,
    page_size: int,
    scope: Scope = Scope.WHOLE,
) -> TypedPage[CostCenterRow]:
    """One page of cost centers matching the conditions, by id."""
    targets = {
        "costCenterId": CostCenter.cost_center_id,
        "costCenterCode": CostCenter.cost_center_code,
        "costCenterInfo": CostCenter.cost_center_info,
        "parentId": CostCenter.parent_id,
    }
    where = and_(
        compile_filter(conditions, targets, today),
        scoping.within(CostCenter.cost_center_id, scoping.cost_center_ids(scope)),
    )
    return _cost_centers().page(session, where, page_number, page_size)


def get_cost_center(session: Session, cost_center_id: int) -> CostCenterRow | None:
    """One cost center, or None."""
    return _cost_centers().one(session, CostCenter.cost_center_id == cost_center_id)


def children_of(
    session: Session, cost_center_ids: Sequence[int], scope: Scope = Scope.WHOLE
) -> dict[int, list[CostCenterChild]]:
    """The child cost centers (in `scope`) of each cost center, by id."""
    statement = (
        select(
            CostCenter.parent_id, CostCenter.cost_center_id, CostCenter.cost_center_code, CostCenter.cost_center_info
        )
        .where(
            CostCenter.parent_id.in_(list(cost_center_ids)),
            scoping.within(CostCenter.cost_center_id, scoping.cost_center_ids(scope)),
        )
        .order_by(CostCenter.cost_center_id)
    )
    out: dict[int, list[CostCenterChild]] = {i: [] for i in cost_center_ids}
    for parent_id, ident, code, info in session.execute(statement):
        if parent_id is not None:  # always: the statement selects children of the given ids
            out[parent_id].append(CostCenterChild(ident, code, info))
    return out


@cache
def _accounts() -> Shaped[tuple[int, CostCenterAccount]]:
    statement = select(
        Account.cost_center_id, Account.account_id, Account.account_code, Account.account_info, Account.active
    )
    statement, read_flags = account_flags(statement, Account.account_id)
    statement, read_type = join_account_type(statement, Account.account_type_id)

    def read(row: RowMapping) -> tuple[int, CostCenterAccount]:
        account = CostCenterAccount(
            account_id=row[Account.account_id],
            account_code=row[Account.account_code],
            account_info=row[Account.account_info],
            active=row[Account.active],
            flags=read_flags(row),
            account_type=read_type(row),
        )
        return row[Account.cost_center_id], account

    return Shaped(statement.order_by(Account.account_id), read)


def accounts_of(
    session: Session, cost_center_ids: Sequence[int], scope: Scope = Scope.WHOLE
) -> dict[int, list[CostCenterAccount]]:
    """The accounts (in `scope`) of each cost center, by id."""
    within = scoping.within(Account.account_id, scoping.account_ids(scope))
    return grouped(_accounts(), session, Account.cost_center_id, cost_center_ids, within)


def cost_center_exists(session: Session, cost_center_id: int) -> bool:
    """Whether the cost center exists."""
    return key_exists(session, CostCenter.cost_center_id, cost_center_id)


def code_taken(session: Session, code: str) -> bool:
    """Whether a cost center has this code (compared without case)."""
    clash = select(CostCenter.cost_center_id).where(func.lower(CostCenter.cost_center_code) == code.lower())
    return session.execute(clash).first() is not None


def insert_cost_center(session: Session, code: str, info: str, parent_id: int) -> int:
    """Write a new cost center; returns its id."""
    row = CostCenter(cost_center_code=code, cost_center_info=info, parent_id=parent_id)
    session.add(row)
    session.flush()
    return row.cost_center_id
