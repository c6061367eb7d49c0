"""Routes: approve/unapprove bills and place/release their export hold, on ids and on an account's or a meter's
bills (PUT /api/v3/bill/approve, /api/v3/bill/exporthold, /api/v3/{account|meter}/{id}/list/bill/approve and
.../exporthold; operations.md §8, accounting.md §3.1, §3.2). Mounted before the bills router, so "approve" is not
read as a bill id."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from apportion.api.deps import ClockDep, DatabaseDep, requires
from apportion.api.schemas.contract import (
    BillActionApprove,
    BillActionExportHold,
    ListActionApprove,
    ListActionExportHold,
    UpdateResult,
)
from apportion.api.wire import WireRouter
from apportion.services.access.auth import Principal
from apportion.services.accounting import approval
from apportion.services.accounting.approval import Scope

router = WireRouter(tags=["Bill approval and export hold"])
Approver = Annotated[Principal, Depends(requires("ApproveBills", "Manage"))]
Holder = Annotated[Principal, Depends(requires("ExportHold", "Manage"))]


def _result(counts: tuple[int, int]) -> UpdateResult:
    return UpdateResult(selected=counts[0], updated=counts[1])


@router.put("/api/v3/bill/approve", response_model=UpdateResult)
def bill_action_approve(db: DatabaseDep, clock: ClockDep, body: BillActionApprove, user: Approver) -> UpdateResult:
    """Approves (approve=true) or unapproves the bills; void bills, bills already so, bills above the approval
    limit (without BillWorkflowSettings Manage) and exported bills to unapprove (without ExportBills Edit) are
    counted in `selected` but not `updated`."""
    return _result(approval.approve_bills(db, body.ids, body.approve, user, clock()))


@router.put("/api/v3/bill/exporthold", response_model=UpdateResult)
def bill_action_export_hold(db: DatabaseDep, body: BillActionExportHold, user: Holder) -> UpdateResult:
    """Places (exportHold=true) or releases the export hold of the bills; held bills are left out of every export."""
    return _result(approval.hold_bills(db, body.ids, body.export_hold, user))


@router.put("/api/v3/account/{accountId}/list/bill/approve", response_model=UpdateResult)
def account_bill_list_approve(
    db: DatabaseDep, clock: ClockDep, accountId: int, body: ListActionApprove, user: Approver
) -> UpdateResult:
    """Approve/unapprove account bills."""
    return _result(approval.approve_scope(db, Scope.ACCOUNT, accountId, body.approve, user, clock()))


@router.put("/api/v3/account/{accountId}/list/bill/exporthold", response_model=UpdateResult)
def account_bill_list_export_hold(
    db: DatabaseDep, accountId: int, body: ListActionExportHold, user: Holder
) -> UpdateResult:
    """Hold/release account bills for export."""
    return _result(approval.hold_scope(db, Scope.ACCOUNT, accountId, body.export_hold, user))


@router.put("/api/v3/meter/{meterId}/list/bill/approve", response_model=UpdateResult)
def meter_bill_list_approve(
    db: DatabaseDep, clock: ClockDep, meterId: int, body: ListActionApprove, user: Approver
) -> UpdateResult:
    """Approve/unapprove meter bills (every bill with a line on the meter)."""
    return _result(approval.approve_scope(db, Scope.METER, meterId, body.approve, user, clock()))


@router.put("/api/v3/meter/{meterId}/list/bill/exporthold", response_model=UpdateResult)
def meter_bill_list_export_hold(
    db: DatabaseDep, meterId: int, body: ListActionExportHold, user: Holder
) -> UpdateResult:
    """Hold/release meter bills for export."""
    return _result(approval.hold_scope(db, Scope.METER, meterId, body.export_hold, user))
