"""Audits through the HTTP API (accounting.md §2.4, §3.5, §4, §7, §9 D8): the settings (defaults, round trip, bad
input naming the field, permissions), each audit Apportion evaluates under Check, Hold and Skip, account and vendor
exclusions, saveAsResolved on create and edit, re-audit on edit, batch flagCount, imports, and the list run."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from apportion.api.schemas.contract import AuditSettingsResponse, FlagResponse
from apportion.domain.audits import EVALUATED, Audit, Parameter
from apportion.store.database import Database
from tests.api.accounting_builders import Site, read_bill
from tests.api.import_builders import csv_file, import_api, row, site
from tests.conftest import Api

PARAMETERS: dict[Parameter, Any] = {
    Parameter.DESCRIPTIONS: ["Energy"],
    Parameter.TYPES: ["USE"],
    Parameter.PERCENT: 25,
    Parameter.BILLS: 3,
    Parameter.DAYS: 10,
    Parameter.SENSITIVITY: "High",
}


def request_of(response: dict[str, Any]) -> dict[str, Any]:
    """An AuditSettingsRequest from an AuditSettingsResponse (assignees as ids)."""
    body: dict[str, Any] = {}
    for audit in Audit:
        one = dict(response[audit.value])
        one.pop("settingCode")
        one.pop("settingDescription")
        one["assignees"] = [user["userId"] for user in one["assignees"]]
        body[audit.value] = one
    return body


def settings(api: Api, **changes: dict[str, Any]) -> dict[str, Any]:
    """Every audit Skip, then the given audits changed: PUT, and the answer."""
    body = request_of(api.get("/api/v202104/audit").json())
    for one in body.values():
        one["settingStatus"] = "Skip"
    for name, change in changes.items():
        body[name].update(change)
    response = api.put("/api/v202104/audit", json=body)
    assert response.status_code == 200, response.text
    return dict(response.json())


def flag_of(api: Api, bill_id: int) -> dict[str, Any] | None:
    response = api.get(f"/api/v3/flag/Bill/{bill_id}")
    if response.status_code == 204:
        return None
    assert response.status_code == 200, response.text
    FlagResponse.model_validate(response.json())
    return dict(response.json())


def test_defaults_are_those_of_d8(api: Api) -> None:
    response = api.get("/api/v202104/audit")
    assert response.status_code == 200
    body = response.json()
    AuditSettingsResponse.model_validate(body)
    assert set(body) == {a.value for a in Audit}
    checked = sorted(name for name, one in body.items() if one["settingStatus"] == "Check")
    assert checked == sorted(
        [
            "likelyDuplicateBillOnAccount",
            "invoiceNumberIsRepeatedOnAccount",
            "billOverlapsWithOtherAccountBill",
            "gapBetweenBillAndPreviousBillOnAccount",
            "accountHasMultipleBillsInBillingPeriod",
            "billEndsInFuture",
        ]
    )
    assert body["billSignificantlyShorterOrLongerThanPrevious"]["percentLengthVariance"] == 25
    assert body["tooManyConsecutiveEstimatedBills"]["bills"] == 3
    assert body["dueDateTooLongAfterBillEnd"]["days"] == 60
    assert body["statementDateTooLongAfterBillEnd"]["days"] == 30
    assert body["abnormalBillUseWithOutlierAnalysis"]["sensitivity"] == "High"
    assert body["billContainsLineItemTypes"]["lineItemTypes"] == []
    assert body["billEndsInFuture"]["settingCode"] == "billEndsInFuture"
    assert body["billEndsInFuture"]["settingDescription"] == "Bill ends in the future"


def test_settings_round_trip_with_assignees(api: Api) -> None:
    user_id = int(api.get("/api/v3/me").json()["systemUserId"])
    saved = settings(
        api,
        billEndsInFuture={"settingStatus": "Hold", "minimumCost": 10, "assignees": [user_id]},
        billContainsLineItemDescriptions={"settingStatus": "Check", "lineItemDescriptions": ["Late fee"]},
        dueDateTooLongAfterBillEnd={"settingStatus": "Check", "days": 45},
    )
    assert saved["billEndsInFuture"]["settingStatus"] == "Hold"
    assert saved["billEndsInFuture"]["minimumCost"] == 10
    assert [u["userId"] for u in saved["billEndsInFuture"]["assignees"]] == [user_id]
    assert saved["billContainsLineItemDescriptions"]["lineItemDescriptions"] == ["Late fee"]
    assert saved["dueDateTooLongAfterBillEnd"]["days"] == 45
    assert api.get("/api/v202104/audit").json() == saved


@pytest.mark.parametrize(
    ("name", "change", "field"),
    [
        ("billEndsInFuture", {"settingStatus": "Fail"}, "billEndsInFuture.settingStatus"),
        ("billEndsInFuture", {"assignees": [987654]}, "billEndsInFuture.assignees"),
        (
            "billContainsLineItemTypes",
            {"settingStatus": "Check", "lineItemTypes": []},
            "billContainsLineItemTypes.lineItemTypes",
        ),
        (
            "billContainsLineItemDescriptions",
            {"settingStatus": "Check", "lineItemDescriptions": ["x" * 32]},
            "billContainsLineItemDescriptions.lineItemDescriptions",
        ),
        ("dueDateTooLongAfterBillEnd", {"settingStatus": "Check", "days": None}, "dueDateTooLongAfterBillEnd.days"),
        (
            "abnormalBillCostWithOutlierAnalysis",
            {"settingStatus": "Check", "sensitivity": "Low"},
            "abnormalBillCostWithOutlierAnalysis.sensitivity",
        ),
    ],
)
def test_bad_settings_are_400_naming_the_field_and_change_nothing(
    api: Api, name: str, change: dict[str, Any], field: str
) -> None:
    before = api.get("/api/v202104/audit").json()
    body = request_of(before)
    body[name].update(change)
    response = api.put("/api/v202104/audit", json=body)
    assert response.status_code == 400, response.text
    assert field in str(response.json())
    assert api.get("/api/v202104/audit").json() == before


def test_a_missing_audit_and_permissions(api: Api) -> None:
    body = request_of(api.get("/api/v202104/audit").json())
    del body["billEndsInFuture"]
    response = api.put("/api/v202104/audit", json=body)
    assert response.status_code == 400
    assert "billEndsInFuture" in response.text
    viewer = api.key_with("BillsAndBatches:View")
    assert api.get("/api/v202104/audit", key=viewer).status_code == 200
    full = request_of(api.get("/api/v202104/audit").json())
    assert api.put("/api/v202104/audit", json=full, key=viewer).status_code == 403
    assert (
        api.put(
            "/api/v202104/account/auditEnabled", json={"accountIds": [1], "auditEnabled": False}, key=viewer
        ).status_code
        == 403
    )
    assert api.get("/api/v202104/audit", key=None).status_code == 401


# Each evaluated audit: a way to make a bill fail it, on a site with accounts A1 (and bills made beforehand).
Scenario = Callable[[Site], int]


def _line_item(site: Site) -> int:
    return site.bill("A1")


def _period_outside(site: Site) -> int:
    return site.bill("A1", period=202403, beginDate="2024-01-01T00:00:00", endDate="2024-02-01T00:00:00")


def _overlap(site: Site) -> int:
    site.bill("A1")
    return site.bill("A1", period=202402, beginDate="2024-01-15T00:00:00", endDate="2024-02-15T00:00:00")


def _gap(site: Site) -> int:
    site.bill("A1", period=202401)
    return site.bill("A1", period=202403)


def _future(site: Site) -> int:
    return site.bill("A1", period=202407)


def _multiple(site: Site) -> int:
    site.bill("A1", cost="50.00")
    return site.bill("A1", cost="60.00", beginDate="2024-01-10T00:00:00")


def _statement_before_end(site: Site) -> int:
    return site.bill("A1", statementDate="2024-01-20T00:00:00")


def _due_before_end(site: Site) -> int:
    return site.bill("A1", dueDate="2024-01-20T00:00:00")


def _length(site: Site) -> int:
    site.bill("A1", period=202401)
    return site.bill("A1", period=202402, endDate="2024-04-01T00:00:00")


def _estimated(site: Site) -> int:
    for period in (202401, 202402, 202403):
        site.bill("A1", period=period, estimated=True)
    return site.bill("A1", period=202404, estimated=True)


def _due_too_long(site: Site) -> int:
    return site.bill("A1", dueDate="2024-03-01T00:00:00")


def _statement_too_long(site: Site) -> int:
    return site.bill("A1", statementDate="2024-03-01T00:00:00")


def _invoice(site: Site) -> int:
    site.bill("A1", period=202401, invoiceNumber="INV-77")
    return site.bill("A1", period=202402, invoiceNumber="inv-77")


def _duplicate(site: Site) -> int:
    site.bill("A1")
    return site.bill("A1")


SCENARIOS: dict[Audit, tuple[Scenario, dict[str, Any]]] = {
    Audit.LINE_DESCRIPTIONS: (_line_item, {"lineItemDescriptions": ["energy"]}),
    Audit.LINE_TYPES: (_line_item, {"lineItemTypes": ["USE"]}),
    Audit.TOTAL_VS_LINE_TYPES: (_line_item, {"lineItemTypes": ["DEMAND"]}),
    Audit.PERIOD_OUTSIDE_DATES: (_period_outside, {}),
    Audit.OVERLAP: (_overlap, {}),
    Audit.GAP: (_gap, {}),
    Audit.ENDS_IN_FUTURE: (_future, {}),
    Audit.MULTIPLE_IN_PERIOD: (_multiple, {}),
    Audit.STATEMENT_BEFORE_END: (_statement_before_end, {}),
    Audit.DUE_BEFORE_END: (_due_before_end, {}),
    Audit.LENGTH_VARIANCE: (_length, {"percentLengthVariance": 25}),
    Audit.CONSECUTIVE_ESTIMATED: (_estimated, {"bills": 3}),
    Audit.DUE_TOO_LONG: (_due_too_long, {"days": 10}),
    Audit.STATEMENT_TOO_LONG: (_statement_too_long, {"days": 10}),
    Audit.INVOICE_REPEATED: (_invoice, {}),
    Audit.LIKELY_DUPLICATE: (_duplicate, {}),
}


def test_every_evaluated_audit_has_a_scenario() -> None:
    assert set(SCENARIOS) == set(EVALUATED)


@pytest.mark.parametrize("status", ["Check", "Hold", "Skip"])
@pytest.mark.parametrize("audit", list(SCENARIOS), ids=lambda a: a.value)
def test_each_audit_under_each_status(api: Api, audit: Audit, status: str) -> None:
    scenario, parameters = SCENARIOS[audit]
    settings(api, **{audit.value: {"settingStatus": status, **parameters}})
    site = Site(api, "A1")
    bill_id = scenario(site)
    flag = flag_of(api, bill_id)
    if status == "Skip":
        assert flag is None
        assert read_bill(api, bill_id)["exportHold"] is False
        return
    assert flag is not None
    assert flag["flagType"] == {"flagTypeId": 1, "flagTypeInfo": "Audit Exception"}
    assert flag["flagStatus"]["flagStatusInfo"] == "Unresolved"
    assert [i["flagIssueTypeInfo"] for i in flag["flagIssues"]] == [audit.value]
    assert flag["flagIssues"][0]["flagIssueTypeId"] == audit.issue_type_id
    assert read_bill(api, bill_id)["exportHold"] is (status == "Hold")


def test_minimum_cost_and_assignees(api: Api) -> None:
    user_id = int(api.get("/api/v3/me").json()["systemUserId"])
    settings(api, billEndsInFuture={"settingStatus": "Check", "minimumCost": 500, "assignees": [user_id]})
    site = Site(api, "A1")
    cheap = site.bill("A1", period=202407, cost="499.99")
    dear = site.bill("A1", period=202408, cost="500.00")
    assert flag_of(api, cheap) is None
    flag = flag_of(api, dear)
    assert flag is not None
    assert [u["userId"] for u in flag["assignees"]] == [user_id]


def test_account_and_vendor_exclusions(api: Api) -> None:
    settings(api, billEndsInFuture={"settingStatus": "Hold"})
    site = Site(api, "A1", "A2")
    off = api.put(
        "/api/v202104/account/auditEnabled",
        json={"accountIds": [site.accounts["A1"], 987654], "auditEnabled": False},
    )
    assert off.json() == {"selected": 1, "updated": 1}
    assert api.get(f"/api/v3/account/{site.accounts['A1']}").json()["auditEnabled"] is False
    assert flag_of(api, site.bill("A1", period=202407)) is None
    assert flag_of(api, site.bill("A2", period=202407)) is not None
    vendor_id = api.get(f"/api/v3/account/{site.accounts['A2']}").json()["vendor"]["vendorId"]
    response = api.put(f"/api/v202104/vendor/{vendor_id}/auditEnabled", json={"auditEnabled": False})
    assert response.json() == {"updated": 1}  # A1 was already excluded
    assert flag_of(api, site.bill("A2", period=202408)) is None
    assert api.put(f"/api/v202104/vendor/{vendor_id}/auditEnabled", json={"auditEnabled": True}).json() == {
        "updated": 2
    }
    assert api.put("/api/v202104/vendor/987654/auditEnabled", json={"auditEnabled": True}).status_code == 404
    empty = api.put("/api/v202104/account/auditEnabled", json={"accountIds": [], "auditEnabled": True})
    assert empty.status_code == 400
    assert "accountIds" in empty.text


def test_save_as_resolved_on_create_resolves_and_releases(api: Api) -> None:
    settings(api, billEndsInFuture={"settingStatus": "Hold"})
    site = Site(api, "A1")
    body = {
        "accountId": site.accounts["A1"],
        "beginDate": "2024-07-01T00:00:00",
        "endDate": "2024-08-01T00:00:00",
        "billingPeriod": 202407,
        "manualEntry": True,
        "meters": [
            {
                "meterId": site.meters["A1"],
                "bodyLines": [{"observationTypeId": 1, "caption": "Energy", "value": 10, "valueUnitId": 1, "cost": 5}],
            }
        ],
        "accountBodyLines": [],
    }
    response = api.post("/api/v3/bill?saveAsResolved=true&comment=Known%20estimate", json=body)
    assert response.status_code == 200, response.text
    bill_id = response.json()["billId"]
    flag = flag_of(api, bill_id)
    assert flag is not None
    assert flag["flagStatus"]["flagStatusInfo"] == "Resolved"
    assert [e["flagAction"]["flagActionInfo"] for e in flag["flagEvents"]] == ["Flagged", "Resolved", "Released"]
    assert flag["flagEvents"][1]["comment"] == "Known estimate"
    assert flag["flagIssues"][0]["flagIssueCategory"] == "Resolved"
    assert read_bill(api, bill_id)["exportHold"] is False


def edit_body(api: Api, site: Site, bill_id: int, **changes: Any) -> dict[str, Any]:
    bill = read_bill(api, bill_id)
    body = {
        "accountId": bill["account"]["accountId"],
        "beginDate": bill["beginDate"],
        "endDate": bill["endDate"],
        "billingPeriod": bill["billingPeriod"],
        "manualEntry": True,
        "meters": [
            {
                "meterId": site.meters["A1"],
                "bodyLines": [{"observationTypeId": 1, "caption": "Energy", "value": 10, "valueUnitId": 1, "cost": 5}],
            }
        ],
        "accountBodyLines": [],
    }
    body.update(changes)
    return body


def test_edit_reaudits_fixes_resolve_and_chargeback_rules(api: Api) -> None:
    settings(
        api,
        billEndsInFuture={"settingStatus": "Hold"},
        gapBetweenBillAndPreviousBillOnAccount={"settingStatus": "Check"},
    )
    site = Site(api, "A1")
    bill_id = site.bill("A1", period=202407)
    assert read_bill(api, bill_id)["exportHold"] is True
    fixed = edit_body(
        api, site, bill_id, beginDate="2024-05-01T00:00:00", endDate="2024-06-01T00:00:00", billingPeriod=202405
    )
    assert api.put(f"/api/v3/bill/{bill_id}", json=fixed).status_code == 200
    flag = flag_of(api, bill_id)
    assert flag is not None
    assert flag["flagStatus"]["flagStatusInfo"] == "Resolved"
    assert read_bill(api, bill_id)["exportHold"] is True  # resolving alone does not release (§3.2)
    broken = edit_body(
        api, site, bill_id, beginDate="2024-07-01T00:00:00", endDate="2024-08-01T00:00:00", billingPeriod=202407
    )
    assert api.put(f"/api/v3/bill/{bill_id}", json=broken).status_code == 200
    flag = flag_of(api, bill_id)
    assert flag is not None
    assert flag["flagStatus"]["flagStatusInfo"] == "Unresolved"
    assert flag["flagEvents"][-2]["flagAction"]["flagActionInfo"] == "Re-flagged"
    resolved = api.put(f"/api/v3/bill/{bill_id}?saveAsResolved=true", json=broken)
    assert resolved.status_code == 200
    flag = flag_of(api, bill_id)
    assert flag is not None
    assert flag["flagStatus"]["flagStatusInfo"] == "Resolved"
    assert read_bill(api, bill_id)["exportHold"] is False


def test_batch_flag_count_counts_flagged_bills(api: Api) -> None:
    site = Site(api, "A1", "A2")
    flagged = site.bill("A1", period=202407)  # ends in the future: Check by default
    site.bill("A2", period=202401)
    batch_id = read_bill(api, flagged)["batch"]["batchId"]
    batch = api.get(f"/api/v3/batch/{batch_id}").json()
    assert batch["flagCount"] == 1
    assert batch["analyzingCount"] == 0


def test_exec_audits_the_bills_of_a_saved_list(api: Api) -> None:
    settings(api)  # every audit Skip: the bills go in unflagged
    site = Site(api, "L1", "L2")
    listed, left_out = site.bill("L1", period=202407), site.bill("L2", period=202407)
    assert flag_of(api, listed) is None
    settings(api, billEndsInFuture={"settingStatus": "Hold"})
    created = api.post("/apportion/v1/billList", json={"name": "Late", "billIds": [listed]})
    assert created.status_code == 200, created.text
    response = api.post(f"/api/v3/audit/exec?listId={created.json()['billListId']}")
    assert response.status_code == 200, response.text
    flag = flag_of(api, listed)
    assert flag is not None
    assert [issue["flagIssueTypeInfo"] for issue in flag["flagIssues"]] == ["billEndsInFuture"]
    assert read_bill(api, listed)["exportHold"] is True
    assert flag_of(api, left_out) is None


def test_exec_on_a_bill_list(api: Api) -> None:
    assert api.post("/api/v3/audit/exec?listId=42").status_code == 404
    missing = api.post("/api/v3/audit/exec")
    assert missing.status_code == 400
    assert "listId" in missing.text
    assert api.post("/api/v3/audit/exec?listId=42", key=api.key_with("BillsAndBatches:View")).status_code == 403


def test_imports_are_audited_in_their_transaction(db: Database) -> None:
    with import_api(db) as api:
        settings(
            api,
            gapBetweenBillAndPreviousBillOnAccount={"settingStatus": "Check"},
            billEndsInFuture={"settingStatus": "Hold"},
        )
        site(api, "A1", "A2")
        content = csv_file(
            row("A1", "2024-01-01", "2024-02-01"),
            row("A1", "2024-03-01", "2024-04-01"),
            row("A2", "2024-08-01", "2024-09-01"),
        )
        task = api.run("june.csv", content)
        assert task["output"]["flaggedBillCount"] == 2
        assert task["unresolvedFlagCount"] == 2
        bills = {(b["account"]["accountCode"], b["beginDate"][:10]): b for b in api.bills()}
        gap = flag_of(api, bills[("A1", "2024-03-01")]["billId"])
        assert gap is not None
        assert [i["flagIssueTypeInfo"] for i in gap["flagIssues"]] == ["gapBetweenBillAndPreviousBillOnAccount"]
        assert flag_of(api, bills[("A1", "2024-01-01")]["billId"]) is None
        future = bills[("A2", "2024-08-01")]
        assert future["exportHold"] is True
        batch = api.batch(future["batch"]["batchId"])
        assert batch["flagCount"] == 2
        resolved = api.run(
            "july.csv", csv_file(row("A2", "2024-09-01", "2024-10-01")), saveAsResolved=True, comment="Known"
        )
        assert resolved["output"]["flaggedBillCount"] == 1
        assert resolved["unresolvedFlagCount"] == 0  # flagged and resolved at once
        assert api.task(task["taskGUId"])["unresolvedFlagCount"] == 2
        latest = next(b for b in api.bills() if b["beginDate"].startswith("2024-09-01"))
        flag = flag_of(api, latest["billId"])
        assert flag is not None
        assert flag["flagStatus"]["flagStatusInfo"] == "Resolved"
        assert latest["exportHold"] is False
