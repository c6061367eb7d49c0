"""Cost centers: the accounting tree under the root (id 1); list, read and create."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from functools import cache
from typing import Any

from sqlalchemy import RowMapping, func, select

from apportion.domain import filters
from apportion.domain.errors import NotFound, ValidationFailed
from apportion.domain.filters import FieldSpec, FieldType
from apportion.services.child_columns import account_flag_columns, join_account_type_child, join_cost_center_child
from apportion.services.ids import fetch, parse_filter, require
from apportion.store.database import Database
from apportion.store.filtering import compile_filter
from apportion.store.models.organisation import Account, CostCenter
from apportion.store.paging import Page, paginate

FILTERS = filters.specs(
    FieldSpec("costCenterId", FieldType.INTEGER, filters.NUMBER_OPS),
    FieldSpec("costCenterCode", FieldType.STRING, filters.STRING_OPS),
    FieldSpec("costCenterInfo", FieldType.STRING, filters.STRING_OPS),
    FieldSpec("parentId", FieldType.INTEGER, filters.NUMBER_OPS),
)


@cache
def _select() -> Any:
    return join_cost_center_child(select(CostCenter), CostCenter.parent_id, "parent")


def list_cost_centers(db: Database, filter_text: str | None, page_number: int, page_size: int, today: date) -> Page:
    """One page of cost centers matching the filter, ordered by id."""
    conditions = parse_filter(filter_text, FILTERS)
    targets = {
        "costCenterId": CostCenter.cost_center_id,
        "costCenterCode": CostCenter.cost_center_code,
        "costCenterInfo": CostCenter.cost_center_info,
        "parentId": CostCenter.parent_id,
    }
    statement = _select().where(compile_filter(conditions, targets, today)).order_by(CostCenter.cost_center_id)
    with db.reading() as session:
        return paginate(session, statement, page_number, page_size)


def get_cost_center(db: Database, cost_center_id: int) -> RowMapping:
    """One cost center with its parent, or NotFound."""
    require(cost_center_id, "Cost center")
    with db.reading() as session:
        row = session.execute(_select().where(CostCenter.cost_center_id == cost_center_id)).mappings().one_or_none()
    if row is None:
        raise NotFound("Cost center", cost_center_id)
    return row


def children_of(db: Database, ids: Sequence[int]) -> dict[int, list[RowMapping]]:
    """Child cost centers (`cost_center_*` columns) of each id, in one query."""
    statement = (
        select(
            CostCenter.parent_id,
            CostCenter.cost_center_id,
            CostCenter.cost_center_code,
            CostCenter.cost_center_info,
        )
        .where(CostCenter.parent_id.in_(list(ids)))
        .order_by(CostCenter.cost_center_id)
    )
    out: dict[int, list[RowMapping]] = {i: [] for i in ids}
    with db.reading() as session:
        for row in session.execute(statement).mappings():
            out[row["parent_id"]].append(row)
    return out


@cache
def _accounts() -> Any:
    statement: Any = select(
        Account.cost_center_id,
        Account.account_id.label("account_id"),
        Account.account_code.label("account_code"),
        Account.account_info.label("account_info"),
        Account.active.label("account_active"),
        *account_flag_columns(Account.account_id, "account"),
    )
    return join_account_type_child(statement, Account.account_type_id, "account_type").order_by(Account.account_id)


def accounts_of(db: Database, ids: Sequence[int]) -> dict[int, list[RowMapping]]:
    """Accounts of each cost center, with type and chargeback flags (`account_*` columns), in one query."""
    statement = _accounts().where(Account.cost_center_id.in_(list(ids)))
    out: dict[int, list[RowMapping]] = {i: [] for i in ids}
    with db.reading() as session:
        for row in session.execute(statement).mappings():
            out[row["cost_center_id"]].append(row)
    return out


def create_cost_center(db: Database, code: str, info: str, parent_id: int) -> int:
    """Create a cost center under an existing parent; codes are unique (case-insensitive)."""
    errors: dict[str, list[str]] = {}
    if not code.strip():
        errors["costCenterCode"] = ["costCenterCode must not be empty."]
    if not info.strip():
        errors["costCenterInfo"] = ["costCenterInfo must not be empty."]
    with db.transaction() as session:
        if fetch(session, CostCenter, parent_id) is None:
            errors["parentCostCenterId"] = [f"Cost center {parent_id} does not exist."]
        clash = select(CostCenter.cost_center_id).where(func.lower(CostCenter.cost_center_code) == code.lower())
        if code.strip() and session.execute(clash).first():
            errors.setdefault("costCenterCode", []).append(f"Cost center code '{code}' is already in use.")
        if errors:
            raise ValidationFailed(errors)
        row = CostCenter(cost_center_code=code, cost_center_info=info, parent_id=parent_id)
        session.add(row)
        session.flush()
        return row.cost_center_id
