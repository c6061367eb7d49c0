"""Flag types and bill flags through the HTTP API: types (system and user), reading a bill's flag (200, 204, 404),
the edit matrix with its export hold and release, bulk flag actions, batch flagCount, permissions and bad input."""

from __future__ import annotations

from typing import Any

import pytest

from apportion.api.schemas.contract import FlagResponse
from tests.api.accounting_builders import Site, read_bill
from tests.conftest import Api


def new_type(api: Api, name: str = "Meter read") -> int:
    response = api.post("/api/v3/flag/flagType", json={"flagTypeInfo": name})
    assert response.status_code == 200, response.text
    return int(response.json()["flagTypeId"])


def edit(api: Api, bill_id: int, key: str | None = "admin", **fields: Any) -> Any:
    body = {"holdFromExport": False, "releaseExportHold": False, **fields}
    return api.put(f"/api/v3/flag/Bill/{bill_id}", json=body, key=key)


def test_flag_types(api: Api) -> None:
    assert api.get("/api/v3/flag/flagType").json() == [{"flagTypeId": 1, "flagTypeInfo": "Audit Exception"}]
    first = new_type(api)
    assert first == 100
    assert new_type(api, "Rate check") == 101
    assert api.post("/api/v3/flag/flagType", json={"flagTypeInfo": "meter READ"}).status_code == 400
    assert api.post("/api/v3/flag/flagType", json={"flagTypeInfo": "x" * 33}).status_code == 400
    assert api.delete("/api/v3/flag/flagType/1").status_code == 400
    assert api.delete("/api/v3/flag/flagType/4242").status_code == 404
    assert api.delete("/api/v3/flag/flagType/101").status_code == 204
    assert [t["flagTypeId"] for t in api.get("/api/v3/flag/flagType").json()] == [1, 100]


def test_flag_a_bill_then_resolve_and_release_it(api: Api) -> None:
    site = Site(api, "A1")
    bill = site.bill("A1")
    type_id = new_type(api)
    assert api.get(f"/api/v3/flag/Bill/{bill}").status_code == 204
    assert api.get("/api/v3/flag/Bill/987654").status_code == 404
    made = edit(api, bill, flagTypeId=type_id, assignees=[], comment="Reading looks low", holdFromExport=True)
    assert made.status_code == 200, made.text
    flag = made.json()
    FlagResponse.model_validate(flag)
    assert flag["flagType"] == {"flagTypeId": type_id, "flagTypeInfo": "Meter read"}
    assert flag["flagStatus"] == {"flagStatusId": 1, "flagStatusInfo": "Unresolved"}
    assert [e["flagAction"]["flagActionInfo"] for e in flag["flagEvents"]] == ["Flagged", "Held"]
    assert flag["flagEvents"][0]["comment"] == "Reading looks low"
    assert read_bill(api, bill)["exportHold"] is True
    assert api.get(f"/api/v3/flag/Bill/{bill}").json() == flag
    resolved = edit(api, bill, flagStatusId=2, costRecovery="12.50").json()
    assert resolved["flagStatus"]["flagStatusInfo"] == "Resolved"
    assert resolved["costRecovery"] == 12.5
    assert read_bill(api, bill)["exportHold"] is True  # resolving alone does not release
    refused = edit(api, bill, comment="more")
    assert refused.status_code == 400
    assert "re-flag" in str(refused.json()["modelState"])
    released = edit(api, bill, flagTypeId=type_id, flagStatusId=2, releaseExportHold=True)
    assert released.status_code == 200
    assert read_bill(api, bill)["exportHold"] is False


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"flagTypeId": 1}, "flagTypeId"),
        ({"flagTypeId": 555}, "flagTypeId"),
        ({"flagTypeId": 100, "flagStatusId": 9}, "flagStatusId"),
        ({"flagTypeId": 100, "assignees": [424242]}, "assignees"),
        ({"flagTypeId": 100, "holdFromExport": True, "releaseExportHold": True}, "holdFromExport"),
        ({}, "flagTypeId"),
        ({"comment": "no type"}, "flagTypeId"),
    ],
)
def test_bad_flag_edits_are_400_naming_the_field_and_change_nothing(
    api: Api, fields: dict[str, Any], field: str
) -> None:
    site = Site(api, "A1")
    bill = site.bill("A1")
    new_type(api)
    response = edit(api, bill, **fields)
    assert response.status_code == 400, response.text
    assert field in response.json()["modelState"], response.json()
    assert api.get(f"/api/v3/flag/Bill/{bill}").status_code == 204
    wrong_entity = api.put(
        "/api/v3/flag/Meter/1", json={"flagTypeId": 100, "holdFromExport": False, "releaseExportHold": False}
    )
    assert wrong_entity.status_code == 400


def test_bulk_flag_action_and_the_batch_flag_count(api: Api) -> None:
    site = Site(api, "A1")
    bills = [site.bill("A1", period=p) for p in (202401, 202402, 202403)]
    type_id = new_type(api)
    edit(api, bills[2], flagTypeId=type_id)
    edit(api, bills[2], flagStatusId=2)  # resolved: a bulk edit without a type skips it
    body = {
        "entityIds": [*bills, 999999],
        "flagAction": {"comment": "check", "holdFromExport": False, "releaseExportHold": False},
    }
    assert api.put("/api/v3/flag/Bill/flagAction", json=body).json() == {"selected": 3, "updated": 0}
    body["flagAction"] = {"flagTypeId": type_id, "holdFromExport": True, "releaseExportHold": False}
    assert api.put("/api/v3/flag/Bill/flagAction", json=body).json() == {"selected": 3, "updated": 3}
    # The resolved flag only changes type (it is not re-flagged), so its bill is not held.
    assert [read_bill(api, b)["exportHold"] for b in bills] == [True, True, False]
    batch_id = read_bill(api, bills[0])["batch"]["batchId"]
    assert api.get(f"/api/v3/batch/{batch_id}").json()["flagCount"] == 2
    edit(api, bills[0], flagStatusId=2, releaseExportHold=True)
    assert api.get(f"/api/v3/batch/{batch_id}").json()["flagCount"] == 1
    api.put("/api/v3/bill/void", json={"ids": [bills[1]], "void": True})
    assert api.get(f"/api/v3/batch/{batch_id}").json()["flagCount"] == 0  # void bills' flags do not count
    empty = api.put("/api/v3/flag/Bill/flagAction", json={"entityIds": [], "flagAction": body["flagAction"]})
    assert empty.status_code == 400


def test_permissions(api: Api) -> None:
    site = Site(api, "A1")
    bill = site.bill("A1")
    viewer = api.key_with("FlaggedItems:View", user_code="flagviewer")
    type_id = new_type(api)
    assert api.get(f"/api/v3/flag/Bill/{bill}", key=viewer).status_code == 204
    assert edit(api, bill, key=viewer, flagTypeId=type_id).status_code == 403
    assert api.get("/api/v3/flag/flagType", key=api.key_with("BillsAndBatches:View")).status_code == 403
    manager = api.key_with("FlaggedItems:Manage", user_code="flagmanager")
    assert edit(api, bill, key=manager, flagTypeId=type_id).status_code == 200
    assert api.get(f"/api/v3/flag/Bill/{bill}", key=None).status_code == 401


def test_flag_summaries_by_account_and_by_meter(api: Api) -> None:
    site = Site(api, "A1", "A2", "A3")
    type_id = new_type(api)
    big = site.bill("A1", "300.00")
    small = site.bill("A2", "50.00")
    also = site.bill("A2", "25.00", period=202402)
    site.bill("A3", "999.00")  # not flagged
    for bill_id, recovery in ((big, "10.00"), (small, "5.00"), (also, "1.50")):
        assert edit(api, bill_id, flagTypeId=type_id, costRecovery=recovery).status_code == 200
    response = api.get("/api/v3/flag/costcenter/1/billFlagSummary")
    assert response.status_code == 200, response.text
    widget = response.json()
    assert (widget["viewBy"], widget["flagStatus"], widget["flagCount"]) == ("Account", "Unresolved", 3)
    assert (widget["totalCost"], widget["totalCostRecovery"], widget["totalNumberOfResults"]) == (375, 16.5, 2)
    rows = widget["results"]
    assert [(r["itemDisplay"], r["cost"], r["costRecovery"], r["flagCount"]) for r in rows] == [
        ("A1", 300, 10, 1),
        ("A2", 75, 6.5, 2),
    ]
    assert (rows[0]["itemType"], rows[0]["parentItemType"], rows[0]["parentId"]) == ("ACCOUNT", "COSTCENTER", 1)
    paged = api.get("/api/v3/flag/costcenter/1/billFlagSummary", params={"pageSize": 1, "pageNumber": 2})
    assert [r["itemDisplay"] for r in paged.json()["results"]] == ["A2"]
    assert paged.headers["TotalNumberOfRecords"] == "2"
    by_meter = api.get("/api/v3/flag/place/1/billFlagSummary").json()
    assert by_meter["viewBy"] == "Meter"
    assert [(r["itemDisplay"], r["itemType"], r["cost"]) for r in by_meter["results"]] == [
        ("M-A1", "ELECTRIC", 300),
        ("M-A2", "ELECTRIC", 75),
    ]
    edit(api, big, flagStatusId=2)  # resolved flags leave the summary
    assert [r["itemDisplay"] for r in api.get("/api/v3/flag/costcenter/1/billFlagSummary").json()["results"]] == ["A2"]
    assert api.get("/api/v3/flag/costcenter/987654/billFlagSummary").status_code == 404
    assert api.get("/api/v3/flag/place/987654/billFlagSummary").status_code == 404
