"""Cost centers: the accounting tree under the root (id 1); list, read and create."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from apportion.domain import filters
from apportion.domain.errors import NotFound, ValidationFailed
from apportion.domain.filters import FieldSpec, FieldType
from apportion.domain.ids import parse_filter, require
from apportion.domain.scoping import Scope
from apportion.store.database import Database
from apportion.store.paging import TypedPage
from apportion.store.queries import cost_centers as store
from apportion.store.queries.children import CostCenterChild
from apportion.store.queries.cost_centers import CostCenterAccount, CostCenterRow

FILTERS = filters.specs(
    FieldSpec("costCenterId", FieldType.INTEGER, filters.NUMBER_OPS),
    FieldSpec("costCenterCode", FieldType.STRING, filters.STRING_OPS),
    FieldSpec("costCenterInfo", FieldType.STRING, filters.STRING_OPS),
    FieldSpec("parentId", FieldType.INTEGER, filters.NUMBER_OPS),
)


def list_cost_centers(
    db: Database,
    filter_text: str | None,
    page_number: int,
    page_size: int,
    today: date,
    scope: Scope = Scope.WHOLE,
) -> TypedPage[CostCenterRow]:
    """One page of cost centers matching the filter, ordered by id."""
    conditions = parse_filter(filter_text, FILTERS)
    with db.reading() as session:
        return store.list_cost_centers(session, conditions, today, page_number, page_size, scope)


def get_cost_center(db: Database, cost_center_id: int) -> CostCenterRow:
    """One cost center with its parent, or NotFound."""
    require(cost_center_id, "Cost center")
    with db.reading() as session:
        row = store.get_cost_center(session, cost_center_id)
    if row is None:
        raise NotFound("Cost center", cost_center_id)
    return row


def children_of(db: Database, ids: Sequence[int], scope: Scope = Scope.WHOLE) -> dict[int, list[CostCenterChild]]:
    """Child cost centers of each id, in one query."""
    with db.reading() as session:
        return store.children_of(session, ids, scope)


def accounts_of(db: Database, ids: Sequence[int], scope: Scope = Scope.WHOLE) -> dict[int, list[CostCenterAccount]]:
    """Accounts of each cost center, with type and chargeback flags, in one query."""
    with db.reading() as session:
        return store.accounts_of(session, ids, scope)


def create_cost_center(db: Database, code: str, info: str, parent_id: int) -> int:
    """Create a cost center under an existing parent; codes are unique (case-insensitive)."""
    errors: dict[str, list[str]] = {}
    if not code.strip():
        errors["costCenterCode"] = ["costCenterCode must not be empty."]
    if not info.strip():
        errors["costCenterInfo"] = ["costCenterInfo must not be empty."]
    with db.transaction() as session:
        if not store.cost_center_exists(session, parent_id):
            errors["parentCostCenterId"] = [f"Cost center {parent_id} does not exist."]
        if code.strip() and store.code_taken(session, code):
            errors.setdefault("costCenterCode", []).append(f"Cost center code '{code}' is already in use.")
        if errors:
            raise ValidationFailed(errors)
        return store.insert_cost_center(session, code, info, parent_id)
