"""Approve and unapprove bills, place and release their export hold: on ids, on an account's or a meter's bills
(PUT /api/v3/bill/approve, /bill/exporthold and the /account|meter/{id}/list/bill/... variants; accounting.md §3.1,
§3.2). One transaction per call; the rules are domain.approval's."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from enum import StrEnum
from typing import assert_never

from apportion.domain import approval
from apportion.domain.approval import Powers
from apportion.domain.errors import NotFound, ValidationFailed
from apportion.domain.ids import known, require
from apportion.services.access.auth import Principal
from apportion.store import scoping as scoped
from apportion.store.database import Database, UnitOfWork
from apportion.store.queries import bill_accounting as stored
from apportion.store.queries import workflow_settings


class Scope(StrEnum):
    """Whose bills a list action names."""

    ACCOUNT = "Account"
    METER = "Meter"


def powers_of(principal: Principal) -> Powers:
    """The caller's permissions the accounting rules weigh."""
    grants = principal.grants
    return Powers(
        exceed_approval_limit=grants.allows("BillWorkflowSettings", "Manage"),
        edit_exported=grants.allows("ExportBills", "Edit"),
        edit_approved=grants.allows("UpdateApprovedBills", "Edit"),
        delete_exported=grants.allows("ExportBills", "Delete"),
        delete_approved=grants.allows("UpdateApprovedBills", "Delete"),
    )


def scope_bill_ids(session: UnitOfWork, scope: Scope, ident: int) -> list[int]:
    """Every bill of the account or meter; NotFound (404) when it does not exist."""
    require(ident, scope.value)
    match scope:
        case Scope.ACCOUNT:
            if not stored.account_exists(session, ident):
                raise NotFound(scope.value, ident)
            return stored.account_bill_ids(session, ident)
        case Scope.METER:
            if not stored.meter_exists(session, ident):
                raise NotFound(scope.value, ident)
            return stored.meter_bill_ids(session, ident)
        case _:
            assert_never(scope)


def _required(value: bool | None, field: str) -> bool:
    if value is None:
        raise ValidationFailed.single(field, f"The {field} field is required.")
    return value


def approve_in(
    session: UnitOfWork, ids: Sequence[int], approve: bool, principal: Principal, now: datetime
) -> tuple[int, int]:
    """(selected, updated) of approving or unapproving the bills, in the caller's transaction."""
    limit = workflow_settings.load(session).maximum_approval_amount
    wanted = scoped.bills_among(session, principal.scope, known(ids))
    plan = approval.plan_approval(stored.states(session, wanted), approve, limit, powers_of(principal))
    stored.set_approved(session, plan.change, approve, principal.user_id, now)
    return plan.selected, len(plan.change)


def hold_in(session: UnitOfWork, ids: Sequence[int], hold: bool, principal: Principal) -> tuple[int, int]:
    """(selected, updated) of holding or releasing the bills, in the caller's transaction."""
    wanted = scoped.bills_among(session, principal.scope, known(ids))
    plan = approval.plan_hold(stored.states(session, wanted), hold, powers_of(principal))
    stored.set_export_hold(session, plan.change, hold)
    return plan.selected, len(plan.change)


def approve_bills(
    db: Database, ids: Sequence[int] | None, approve: bool | None, principal: Principal, now: datetime
) -> tuple[int, int]:
    """(selected, updated) of PUT /api/v3/bill/approve: selected counts the ids that are bills."""
    if not ids:
        raise ValidationFailed.single("ids", "ids cannot be empty.")
    wanted = _required(approve, "approve")
    with db.transaction() as session:
        return approve_in(session, ids, wanted, principal, now)


def approve_scope(
    db: Database, scope: Scope, ident: int, approve: bool | None, principal: Principal, now: datetime
) -> tuple[int, int]:
    """(selected, updated) of approving or unapproving every bill of an account or a meter."""
    wanted = _required(approve, "approve")
    with db.transaction() as session:
        return approve_in(session, scope_bill_ids(session, scope, ident), wanted, principal, now)


def hold_bills(db: Database, ids: Sequence[int] | None, hold: bool | None, principal: Principal) -> tuple[int, int]:
    """(selected, updated) of PUT /api/v3/bill/exporthold."""
    if not ids:
        raise ValidationFailed.single("ids", "ids cannot be empty.")
    wanted = _required(hold, "exportHold")
    with db.transaction() as session:
        return hold_in(session, ids, wanted, principal)


def hold_scope(db: Database, scope: Scope, ident: int, hold: bool | None, principal: Principal) -> tuple[int, int]:
    """(selected, updated) of holding or releasing every bill of an account or a meter."""
    wanted = _required(hold, "exportHold")
    with db.transaction() as session:
        return hold_in(session, scope_bill_ids(session, scope, ident), wanted, principal)
