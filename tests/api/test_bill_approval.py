"""Approval and export hold through the HTTP API: on ids and on an account's or a meter's bills, the approval limit,
who and when on the bill, permissions, edits and deletes of approved bills, setToUnapproved, and bad input."""

from __future__ import annotations

from typing import Any

import pytest

from apportion.api.schemas.contract import BillResponse
from tests.api.accounting_builders import Site, approval_mode, approve, hold, read_bill
from tests.conftest import NOW, Api

WHEN = NOW.isoformat()


def edit_body(site: Site, bill: dict[str, Any], cost: str, **extra: Any) -> dict[str, Any]:
    """A BillEdit of the bill with a new cost on its one line."""
    return {
        "accountId": bill["account"]["accountId"],
        "beginDate": bill["beginDate"],
        "endDate": bill["endDate"],
        "billingPeriod": bill["billingPeriod"],
        "meters": [
            {
                "meterId": site.meters["A1"],
                "bodyLines": [
                    {"observationTypeId": 1, "caption": "Energy", "value": "10", "valueUnitId": 1, "cost": cost}
                ],
            }
        ],
        "accountBodyLines": [],
        **extra,
    }


def test_approve_records_who_and_when_and_unapprove_clears_them(api: Api) -> None:
    site = Site(api, "A1")
    first, second = site.bill("A1"), site.bill("A1", period=202402)
    assert approve(api, [first, second, first, 99999]) == {"selected": 2, "updated": 2}
    bill = read_bill(api, first)
    BillResponse.model_validate(bill)
    assert bill["approved"] is True
    assert bill["approveDate"] == WHEN
    assert bill["approvedBy"]["userCode"] == "admin"
    assert approve(api, [first, second]) == {"selected": 2, "updated": 0}  # already approved: not counted
    assert approve(api, [first], False) == {"selected": 1, "updated": 1}
    cleared = read_bill(api, first)
    assert (cleared["approved"], cleared["approveDate"], cleared["approvedBy"]) == (False, None, None)


def test_void_bills_are_selected_but_never_approved_or_held(api: Api) -> None:
    site = Site(api, "A1")
    live, void = site.bill("A1"), site.bill("A1", period=202402)
    assert api.put("/api/v3/bill/void", json={"ids": [void], "void": True}).status_code == 200
    assert approve(api, [live, void]) == {"selected": 2, "updated": 1}
    assert hold(api, [live, void]) == {"selected": 2, "updated": 1}
    assert read_bill(api, void)["approved"] is False
    assert read_bill(api, void)["exportHold"] is False


def test_the_approval_limit_skips_larger_bills_unless_the_caller_may_change_settings(api: Api) -> None:
    site = Site(api, "A1")
    small, exact, large = (
        site.bill("A1", c, period=p) for c, p in (("999.99", 202401), ("1000.00", 202402), ("1000.01", 202403))
    )
    approval_mode(api, True, maximum=1000)
    approver = api.key_with("ApproveBills:Manage", "BillsAndBatches:View", user_code="approver")
    assert approve(api, [small, exact, large], key=approver) == {"selected": 3, "updated": 2}
    assert read_bill(api, large)["approved"] is False
    assert approve(api, [large]) == {"selected": 1, "updated": 1}  # the administrator holds BillWorkflowSettings
    assert read_bill(api, large)["approvedBy"]["userCode"] == "admin"


def test_hold_and_release(api: Api) -> None:
    site = Site(api, "A1")
    bill = site.bill("A1")
    assert hold(api, [bill]) == {"selected": 1, "updated": 1}
    assert read_bill(api, bill)["exportHold"] is True
    assert hold(api, [bill]) == {"selected": 1, "updated": 0}
    assert hold(api, [bill], False) == {"selected": 1, "updated": 1}
    assert read_bill(api, bill)["exportHold"] is False


def test_account_and_meter_lists_act_on_every_bill_they_hold(api: Api) -> None:
    site = Site(api, "A1", "A2")
    a1 = [site.bill("A1"), site.bill("A1", period=202402)]
    a2 = site.bill("A2")
    response = api.put(f"/api/v3/account/{site.accounts['A1']}/list/bill/approve", json={"approve": True})
    assert response.json() == {"selected": 2, "updated": 2}
    assert [read_bill(api, b)["approved"] for b in (*a1, a2)] == [True, True, False]
    response = api.put(f"/api/v3/meter/{site.meters['A2']}/list/bill/exporthold", json={"exportHold": True})
    assert response.json() == {"selected": 1, "updated": 1}
    assert read_bill(api, a2)["exportHold"] is True
    response = api.put(f"/api/v3/meter/{site.meters['A1']}/list/bill/approve", json={"approve": False})
    assert response.json() == {"selected": 2, "updated": 2}
    response = api.put(f"/api/v3/account/{site.accounts['A2']}/list/bill/exporthold", json={"exportHold": False})
    assert response.json() == {"selected": 1, "updated": 1}
    assert api.put("/api/v3/account/987654/list/bill/approve", json={"approve": True}).status_code == 404
    assert api.put("/api/v3/meter/987654/list/bill/exporthold", json={"exportHold": True}).status_code == 404


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/api/v3/bill/approve", {"ids": [], "approve": True}, "ids"),
        ("/api/v3/bill/approve", {"ids": [1]}, "approve"),
        ("/api/v3/bill/exporthold", {"exportHold": True}, "ids"),
        ("/api/v3/bill/exporthold", {"ids": [1], "exportHold": "maybe"}, "exportHold"),
        ("/api/v3/bill/approve", {"ids": ["x"], "approve": True}, "ids"),
    ],
)
def test_malformed_bodies_are_400_naming_the_field(api: Api, path: str, body: dict[str, Any], field: str) -> None:
    response = api.put(path, json=body)
    assert response.status_code == 400, response.text
    assert any(field in key for key in response.json()["modelState"]), response.json()


def test_permissions(api: Api) -> None:
    site = Site(api, "A1")
    bill = site.bill("A1")
    viewer = api.key_with("BillsAndBatches:View")
    assert api.put("/api/v3/bill/approve", json={"ids": [bill], "approve": True}, key=viewer).status_code == 403
    assert api.put("/api/v3/bill/exporthold", json={"ids": [bill], "exportHold": True}, key=viewer).status_code == 403
    path = f"/api/v3/account/{site.accounts['A1']}/list/bill/approve"
    assert api.put(path, json={"approve": True}, key=viewer).status_code == 403
    assert api.put("/api/v3/bill/approve", json={"ids": [bill], "approve": True}, key=None).status_code == 401
    holder = api.key_with("ExportHold:Manage", user_code="holder")
    assert hold(api, [bill], key=holder) == {"selected": 1, "updated": 1}


def test_editing_an_approved_bill_needs_update_approved_bills_and_set_to_unapproved_sends_it_back(api: Api) -> None:
    site = Site(api, "A1")
    bill_id = site.bill("A1")
    approve(api, [bill_id])
    bill = read_bill(api, bill_id)
    editor = api.key_with("BillsAndBatches:Edit,View", user_code="editor")
    refused = api.put(f"/api/v3/bill/{bill_id}", json=edit_body(site, bill, "150.00"), key=editor)
    assert refused.status_code == 403
    assert "UpdateApprovedBills (Edit)" in refused.json()["message"]
    assert read_bill(api, bill_id)["totalCost"] == 100
    senior = api.key_with("BillsAndBatches:Edit,View", "UpdateApprovedBills:Edit", user_code="senior")
    kept = api.put(f"/api/v3/bill/{bill_id}", json=edit_body(site, bill, "150.00"), key=senior)
    assert kept.status_code == 200, kept.text
    assert read_bill(api, bill_id)["approved"] is True  # edited, still approved
    back = api.put(f"/api/v3/bill/{bill_id}", json=edit_body(site, bill, "175.00", setToUnapproved=True), key=senior)
    assert back.status_code == 200, back.text
    after = read_bill(api, bill_id)
    assert (after["approved"], after["totalCost"], after["approvedBy"]) == (False, 175, None)


def test_deleting_an_approved_bill_needs_update_approved_bills_delete_and_deletes_nothing_otherwise(api: Api) -> None:
    site = Site(api, "A1")
    plain, approved = site.bill("A1"), site.bill("A1", period=202402)
    approve(api, [approved])
    deleter = api.key_with("BillsAndBatches:Delete,View", user_code="deleter")
    refused = api.post("/api/v3/bill/delete", json={"ids": [plain, approved]}, key=deleter)
    assert refused.status_code == 403
    assert f"bill {approved} is approved" in refused.json()["message"]
    assert api.get(f"/api/v3/bill/{plain}").status_code == 200  # nothing deleted
    allowed = api.key_with("BillsAndBatches:Delete,View", "UpdateApprovedBills:Delete", user_code="remover")
    done = api.post("/api/v3/bill/delete", json={"ids": [plain, approved]}, key=allowed)
    assert done.json() == {"selected": 2, "deleted": 2}
