"""Approval and export hold of bills (accounting.md §3.1, §3.2, §3.4 and §9 D4, D5): which of the bills a bulk
action names it changes, and what editing or deleting an approved or exported bill needs.

Bulk actions report rather than fail per bill: a bill the action may not change is counted in `selected` and left
out of `updated`, and nothing here raises for one bill.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from apportion.domain.errors import PermissionDenied


@dataclass(frozen=True)
class BillAccountingState:
    """What the accounting rules read of a bill."""

    bill_id: int
    void: bool
    approved: bool
    ap_exported: bool
    gl_exported: bool
    export_hold: bool
    total_cost: Decimal

    @property
    def exported(self) -> bool:
        """Exported on either stream."""
        return self.ap_exported or self.gl_exported


@dataclass(frozen=True)
class Powers:
    """The caller's permissions the rules weigh (the route or service reads them from the caller's grants)."""

    exceed_approval_limit: bool = False  # BillWorkflowSettings (Manage), accounting.md §9 D4
    edit_exported: bool = False  # ExportBills (Edit)
    edit_approved: bool = False  # UpdateApprovedBills (Edit)
    delete_exported: bool = False  # ExportBills (Delete)
    delete_approved: bool = False  # UpdateApprovedBills (Delete)


@dataclass(frozen=True)
class Plan:
    """A bulk action's outcome: how many bills it selected and the ids it changes (in id order)."""

    selected: int
    change: tuple[int, ...]


def plan_approval(
    bills: Sequence[BillAccountingState], approve: bool, maximum_amount: int | None, powers: Powers
) -> Plan:
    """Which bills PUT /bill/approve changes.

    - void bills are skipped (D5), and so are bills already in the target state;
    - approving a bill whose totalCost is above `maximum_amount` needs `exceed_approval_limit` (D4), e.g. with a
      limit of 1000 a bill of 1000.00 is approved and one of 1000.01 is skipped;
    - unapproving an exported bill needs `edit_exported` (D5).
    """
    change: list[int] = []
    for bill in sorted(bills, key=lambda b: b.bill_id):
        if bill.void or bill.approved == approve:
            continue
        above_limit = maximum_amount is not None and bill.total_cost > maximum_amount
        if approve and above_limit and not powers.exceed_approval_limit:
            continue
        if not approve and bill.exported and not powers.edit_exported:
            continue
        change.append(bill.bill_id)
    return Plan(len(bills), tuple(change))


def plan_hold(bills: Sequence[BillAccountingState], hold: bool, powers: Powers) -> Plan:
    """Which bills PUT /bill/exporthold changes: void bills and bills already held (or released) are skipped;
    holding an exported bill needs `edit_exported` (D5). A hold keeps a bill out of every export, approved or not."""
    change = [
        bill.bill_id
        for bill in sorted(bills, key=lambda b: b.bill_id)
        if not bill.void and bill.export_hold != hold and not (hold and bill.exported and not powers.edit_exported)
    ]
    return Plan(len(bills), tuple(change))


def check_edit(bill: BillAccountingState, powers: Powers) -> None:
    """Editing an approved bill needs UpdateApprovedBills (Edit), an exported one ExportBills (Edit) (§3.4 item 1)."""
    if bill.exported and not powers.edit_exported:
        raise PermissionDenied(f"Bill {bill.bill_id} has been exported; editing it requires ExportBills (Edit).")
    if bill.approved and not powers.edit_approved:
        raise PermissionDenied(f"Bill {bill.bill_id} is approved; editing it requires UpdateApprovedBills (Edit).")


def deletion_refusals(bills: Sequence[BillAccountingState], powers: Powers) -> list[str]:
    """Why each bill may not be deleted (approved: UpdateApprovedBills Delete; exported: ExportBills Delete)."""
    refusals: list[str] = []
    for bill in sorted(bills, key=lambda b: b.bill_id):
        if bill.exported and not powers.delete_exported:
            refusals.append(f"bill {bill.bill_id} has been exported (needs ExportBills (Delete))")
        elif bill.approved and not powers.delete_approved:
            refusals.append(f"bill {bill.bill_id} is approved (needs UpdateApprovedBills (Delete))")
    return refusals
