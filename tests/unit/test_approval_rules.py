"""Approval and export hold rules as pure functions: what a bulk action changes, the approval limit, and what editing
or deleting an approved or exported bill needs."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from apportion.domain import approval
from apportion.domain.approval import BillAccountingState, Powers
from apportion.domain.errors import PermissionDenied


def bill(bill_id: int, cost: str = "100.00", **state: bool) -> BillAccountingState:
    fields = {"void": False, "approved": False, "ap_exported": False, "gl_exported": False, "export_hold": False}
    fields.update(state)
    return BillAccountingState(bill_id=bill_id, total_cost=Decimal(cost), **fields)


def test_approval_skips_void_bills_and_bills_already_approved() -> None:
    bills = [bill(3), bill(1, void=True), bill(2, approved=True)]
    plan = approval.plan_approval(bills, True, None, Powers())
    assert (plan.selected, plan.change) == (3, (3,))
    undo = approval.plan_approval(bills, False, None, Powers())
    assert undo.change == (2,)


def test_the_limit_is_inclusive_and_the_elevated_permission_passes_it() -> None:
    bills = [bill(1, "1000.00"), bill(2, "1000.01"), bill(3, "-5000.00")]
    assert approval.plan_approval(bills, True, 1000, Powers()).change == (1, 3)
    assert approval.plan_approval(bills, True, 1000, Powers(exceed_approval_limit=True)).change == (1, 2, 3)
    assert approval.plan_approval(bills, True, None, Powers()).change == (1, 2, 3)


def test_unapproving_or_holding_an_exported_bill_needs_export_edit() -> None:
    exported = [
        bill(1, approved=True, gl_exported=True),
        bill(2, approved=True, ap_exported=True),
        bill(3, approved=True),
    ]
    assert approval.plan_approval(exported, False, None, Powers()).change == (3,)
    assert approval.plan_approval(exported, False, None, Powers(edit_exported=True)).change == (1, 2, 3)
    assert approval.plan_hold(exported, True, Powers()).change == (3,)
    assert approval.plan_hold(exported, True, Powers(edit_exported=True)).change == (1, 2, 3)


def test_hold_and_release_skip_void_bills_and_bills_already_so() -> None:
    bills = [bill(1, export_hold=True), bill(2), bill(3, void=True)]
    assert approval.plan_hold(bills, True, Powers()).change == (2,)
    assert approval.plan_hold(bills, False, Powers()).change == (1,)


def test_editing_needs_the_permission_of_each_state_the_bill_is_in() -> None:
    approval.check_edit(bill(1), Powers())
    with pytest.raises(PermissionDenied, match="UpdateApprovedBills"):
        approval.check_edit(bill(1, approved=True), Powers())
    approval.check_edit(bill(1, approved=True), Powers(edit_approved=True))
    with pytest.raises(PermissionDenied, match="ExportBills"):
        approval.check_edit(bill(1, approved=True, gl_exported=True), Powers(edit_approved=True))
    approval.check_edit(bill(1, approved=True, gl_exported=True), Powers(edit_approved=True, edit_exported=True))


def test_deletion_names_each_bill_it_refuses() -> None:
    bills = [bill(1, approved=True), bill(2, ap_exported=True), bill(3)]
    assert approval.deletion_refusals(bills, Powers()) == [
        "bill 1 is approved (needs UpdateApprovedBills (Delete))",
        "bill 2 has been exported (needs ExportBills (Delete))",
    ]
    assert approval.deletion_refusals(bills, Powers(delete_approved=True, delete_exported=True)) == []


states = st.builds(
    bill,
    st.integers(1, 50),
    st.decimals(-10000, 10000, places=2).map(str),
    void=st.booleans(),
    approved=st.booleans(),
    ap_exported=st.booleans(),
    gl_exported=st.booleans(),
    export_hold=st.booleans(),
)


@given(st.lists(states, max_size=20, unique_by=lambda b: b.bill_id), st.booleans(), st.booleans())
def test_a_plan_changes_only_live_bills_not_yet_in_the_target_state(
    bills: list[BillAccountingState], target: bool, elevated: bool
) -> None:
    powers = Powers(exceed_approval_limit=elevated, edit_exported=elevated)
    by_id = {b.bill_id: b for b in bills}
    for plan, current in (
        (approval.plan_approval(bills, target, 500, powers), lambda b: b.approved),
        (approval.plan_hold(bills, target, powers), lambda b: b.export_hold),
    ):
        assert plan.selected == len(bills)
        assert list(plan.change) == sorted(plan.change)
        for bill_id in plan.change:
            assert not by_id[bill_id].void
            assert current(by_id[bill_id]) != target
