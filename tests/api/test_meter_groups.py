"""Meter groups and memberships through the HTTP API."""

from __future__ import annotations

from typing import Any

from apportion.store.models.chargebacks import DistributionVersion
from tests.api.master_builders import account, meter, vendor
from tests.conftest import Api


def _group(api: Api, info: str, members: list[int], category: int = 1, **extra: Any) -> dict[str, Any]:
    body = {"meterGroupInfo": info, "meterGroupCategoryId": category, "limitMembersByTopmost": False}
    response = api.post("/api/v3/meterGroup", json={**body, "manualGroupMembers": members, **extra})
    assert response.status_code == 200, response.text
    return dict(response.json())


def test_create_read_edit_delete(api: Api) -> None:
    e1, e2 = meter(api, "E1"), meter(api, "E2")
    group = _group(api, "Dorms", [e1["meterId"], e2["meterId"], e1["meterId"]], category=2)
    assert group == {
        "meterGroupId": group["meterGroupId"],
        "meterGroupCode": "Dorms",
        "meterGroupInfo": "Dorms",
        "autoGroup": False,
        "memberCount": 2,
        "memberCountWithTopmost": 2,
        "meterGroupCategory": {
            "meterGroupCategoryId": 2,
            "meterGroupCategoryCode": "CHARGEBACK",
            "meterGroupCategoryInfo": "Chargeback",
        },
        "limitMembersByTopmost": False,
        "userDefinedAutoGroup": False,
        "userDefinedAutoGroupFilters": [],
        "lastUpdated": "2024-06-15T09:30:00",
        "memberCommodityCode": "ELECTRIC",
    }
    group_id = group["meterGroupId"]
    assert api.get(f"/api/v3/meterGroup/{group_id}").json() == group
    g1 = meter(api, "G1", commodity_id=2)
    edit = {
        "meterGroupInfo": "Dorms and gas",
        "meterGroupCategoryId": 1,
        "limitMembersByTopmost": True,
        "manualGroupMembers": [e2["meterId"], g1["meterId"]],
    }
    edited = api.put(f"/api/v3/meterGroup/{group_id}", json=edit)
    assert edited.status_code == 200, edited.text
    assert edited.json()["memberCount"] == 2
    assert edited.json()["memberCommodityCode"] is None
    assert edited.json()["limitMembersByTopmost"] is True
    members = api.get(f"/api/v3/meterGroup/{group_id}/member")
    assert members.status_code == 200
    assert [m["meterCode"] for m in members.json()] == ["E2", "G1"]
    first = members.json()[0]
    assert first["place"]["placeCode"] == "ROOT"
    assert first["includeInCharts"] is True
    assert first["meterType"]["meterTypeCode"] == "STANDARD"
    assert first["isSplitChildMeter"] is False
    assert "serialNumber" not in first
    assert api.get(f"/api/v3/meterGroup/{group_id}/member?alwaysLimitByTopmost=true").status_code == 200
    listed = api.get("/api/v3/meterGroup", params={"filter": "meterGroupInfo like 'gas'"}).json()
    assert [g["meterGroupId"] for g in listed] == [group_id]
    assert api.delete(f"/api/v3/meterGroup/{group_id}").status_code == 204
    assert api.get(f"/api/v3/meterGroup/{group_id}").status_code == 404
    assert api.get(f"/api/v3/meterGroup/{group_id}/member").status_code == 404
    assert api.get(f"/api/v3/meter/{e2['meterId']}").status_code == 200


def test_empty_group_and_bad_input(api: Api) -> None:
    empty = _group(api, "Empty", [])
    assert empty["memberCount"] == 0
    assert empty["memberCommodityCode"] is None
    body = {"meterGroupInfo": "X", "meterGroupCategoryId": 1, "limitMembersByTopmost": False}
    missing = api.post("/api/v3/meterGroup", json=body)
    assert "manualGroupMembers" in missing.json()["modelState"]
    auto = api.post(
        "/api/v3/meterGroup",
        json={
            **body,
            "automaticGroupFilters": [{"fieldId": 1, "operator": "equals", "value": "x"}],
            "manualGroupMembers": [],
        },
    )
    assert "automaticGroupFilters" in auto.json()["modelState"]  # one or the other, not both
    category = api.post("/api/v3/meterGroup", json={**body, "meterGroupCategoryId": 9, "manualGroupMembers": [999]})
    assert set(category.json()["modelState"]) == {"meterGroupCategoryId", "manualGroupMembers[0]"}
    dup = api.post("/api/v3/meterGroup", json={**body, "meterGroupInfo": "empty", "manualGroupMembers": []})
    assert "meterGroupInfo" in dup.json()["modelState"]
    no_topmost = api.post(
        "/api/v3/meterGroup", json={"meterGroupInfo": "Y", "meterGroupCategoryId": 1, "manualGroupMembers": []}
    )
    assert "limitMembersByTopmost" in no_topmost.json()["modelState"]
    long = api.post("/api/v3/meterGroup", json={**body, "meterGroupInfo": "x" * 256, "manualGroupMembers": []})
    assert "meterGroupInfo" in long.json()["modelState"]
    assert len(api.get("/api/v3/meterGroup").json()) == 1
    assert api.put("/api/v3/meterGroup/999", json={**body, "manualGroupMembers": []}).status_code == 404
    assert api.delete("/api/v3/meterGroup/999").status_code == 404


def test_delete_refused_while_a_dynamic_split_uses_it(api: Api) -> None:
    a = account(api, "A", vendor(api))
    m = meter(api, "M")
    group = _group(api, "Dynamic", [m["meterId"]])
    with api.db.transaction() as session:
        session.add(
            DistributionVersion(
                chargeback_type="Split",
                account_id=a["accountId"],
                meter_id=m["meterId"],
                name="Dynamic split",
                begin_period=202401,
                split_method="dynamicPercentage",
                dynamic_meter_group_id=group["meterGroupId"],
            )
        )
    refused = api.delete(f"/api/v3/meterGroup/{group['meterGroupId']}")
    assert refused.status_code == 400
    assert "dynamic" in refused.json()["message"]


def test_meter_membership_replaces_manual_groups(api: Api) -> None:
    m, other = meter(api, "M"), meter(api, "OTHER")
    a = _group(api, "A", [m["meterId"], other["meterId"]])
    b = _group(api, "B", [])
    c = _group(api, "C", [m["meterId"]])
    url = f"/api/v3/meter/{m['meterId']}/group"
    response = api.put(url, json=[{"meterGroupId": b["meterGroupId"], "includeInCharts": False}])
    assert response.status_code == 200, response.text
    assert response.json() == [
        {
            "meterGroupId": b["meterGroupId"],
            "meterGroupCode": "B",
            "meterGroupInfo": "B",
            "autoGroup": False,
            "meterGroupCategory": {
                "meterGroupCategoryId": 1,
                "meterGroupCategoryCode": "GENERAL",
                "meterGroupCategoryInfo": "General",
            },
            "userDefinedAutoGroup": False,
            "lastUpdated": "2024-06-15T09:30:00",
        }
    ]
    counts = {g["meterGroupInfo"]: g["memberCount"] for g in api.get("/api/v3/meterGroup").json()}
    assert counts == {"A": 1, "B": 1, "C": 0}
    assert api.get(f"/api/v3/meterGroup/{b['meterGroupId']}/member").json()[0]["includeInCharts"] is False
    assert api.get(f"/api/v3/meterGroup/{a['meterGroupId']}/member").json()[0]["meterCode"] == "OTHER"
    both = api.put(url, json=[{"meterGroupId": a["meterGroupId"]}, {"meterGroupId": c["meterGroupId"]}]).json()
    assert [g["meterGroupInfo"] for g in both] == ["A", "C"]
    bad = api.put(
        url, json=[{"meterGroupId": a["meterGroupId"]}, {"meterGroupId": 999}, {"meterGroupId": a["meterGroupId"]}, {}]
    )
    assert bad.status_code == 400
    assert set(bad.json()["modelState"]) == {"[1].meterGroupId", "[2].meterGroupId", "[3].meterGroupId"}
    assert [g["meterGroupInfo"] for g in api.put(url, json=[]).json()] == []
    assert api.put("/api/v3/meter/999/group", json=[]).status_code == 404


def test_permissions(api: Api) -> None:
    group = _group(api, "G", [])
    viewer = api.key_with("BuildingAndMeterGroups:View")
    assert api.get("/api/v3/meterGroup", key=viewer).status_code == 200
    assert api.get(f"/api/v3/meterGroup/{group['meterGroupId']}/member", key=viewer).status_code == 200
    body = {"meterGroupInfo": "X", "meterGroupCategoryId": 1, "limitMembersByTopmost": False, "manualGroupMembers": []}
    assert api.post("/api/v3/meterGroup", key=viewer, json=body).status_code == 403
    assert api.put(f"/api/v3/meterGroup/{group['meterGroupId']}", key=viewer, json=body).status_code == 403
    assert api.delete(f"/api/v3/meterGroup/{group['meterGroupId']}", key=viewer).status_code == 403
    assert api.put("/api/v3/meter/1/group", key=viewer, json=[]).status_code == 403
    assert api.get("/api/v3/meterGroup", key=api.key_with("Meters:View")).status_code == 403
    assert api.get("/api/v3/meterGroup", key=None).status_code == 401
