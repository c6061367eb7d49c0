"""Automatic meter groups (automaticGroupFilters) through the HTTP API: membership from the filters, kept current
when meters and places change, refused hand edits, and use in splits and calculations."""

from __future__ import annotations

from decimal import Decimal as D
from typing import Any

from tests.api.master_builders import account, link, meter, vendor
from tests.api.master_builders import version as version_of
from tests.conftest import Api
from tests.support import chargebacks as cb

BODY = {"meterGroupInfo": "Electric", "meterGroupCategoryId": 1, "limitMembersByTopmost": False}


def _auto(api: Api, filters: list[dict[str, Any]], info: str = "Electric") -> dict[str, Any]:
    response = api.post("/api/v3/meterGroup", json={**BODY, "meterGroupInfo": info, "automaticGroupFilters": filters})
    assert response.status_code == 200, response.text
    return dict(response.json())


def _members(api: Api, group_id: int) -> list[str]:
    response = api.get(f"/api/v3/meterGroup/{group_id}/member")
    assert response.status_code == 200, response.text
    return [m["meterCode"] for m in response.json()]


def _place(api: Api, code: str, parent: int = 1) -> int:
    body = {"placeCode": code, "placeInfo": f"Place {code}", "parentPlaceId": parent, "placeTypeId": 3}
    response = api.post("/api/v3/place", json=body)
    assert response.status_code == 200, response.text
    return int(response.json()["placeId"])


def test_members_follow_the_filters_and_the_meters(api: Api) -> None:
    meter(api, "E1")
    meter(api, "E2")
    meter(api, "G1", commodity_id=2)
    group = _auto(api, [{"fieldId": 7, "operator": "Equals", "value": "electric"}])
    group_id = group["meterGroupId"]
    assert group["autoGroup"] is False
    assert group["userDefinedAutoGroup"] is True
    assert group["memberCount"] == 2
    assert group["memberCommodityCode"] == "ELECTRIC"
    assert group["userDefinedAutoGroupFilters"] == [
        {
            "availableOperator": ["equals", "not equals", "like", "not like", "one of", "not one of"],
            "caption": "Commodity code",
            "queryParameterName": "commodityCode",
            "fieldId": 7,
            "dataFieldId": 7,
            "dataType": {"dataTypeId": 1, "dataTypeCode": "String", "dataTypeInfo": "String"},
            "operator": "Equals",
            "value": "electric",
            "required": False,
            "recommended": None,
            "hidden": None,
        }
    ]
    assert api.get(f"/api/v3/meterGroup/{group_id}").json() == group
    assert _members(api, group_id) == ["E1", "E2"]
    # A new meter joins in the same request that creates it; a deleted one leaves.
    e3 = meter(api, "E3")
    assert _members(api, group_id) == ["E1", "E2", "E3"]
    assert api.delete(f"/api/v3/meter/{e3['meterId']}").status_code == 204
    assert _members(api, group_id) == ["E1", "E2"]
    # New filters replace the members; every filter must hold.
    edit = {
        **BODY,
        "automaticGroupFilters": [
            {"fieldId": 1, "operator": "one of", "value": "E1|G1"},
            {"fieldId": 4, "operator": "equals", "value": "true"},
        ],
    }
    edited = api.put(f"/api/v3/meterGroup/{group_id}", json=edit)
    assert edited.status_code == 200, edited.text
    assert edited.json()["memberCommodityCode"] is None
    assert _members(api, group_id) == ["E1", "G1"]
    listed = api.get("/api/v3/meterGroup", params={"filter": "meterGroupInfo equals 'Electric'"}).json()
    assert [len(g["userDefinedAutoGroupFilters"]) for g in listed] == [2]
    # Turning it manual keeps the listed members only.
    e2 = api.get("/api/v3/meter", params={"filter": "meterCode equals 'E2'"}).json()[0]
    manual = api.put(f"/api/v3/meterGroup/{group_id}", json={**BODY, "manualGroupMembers": [e2["meterId"]]})
    assert manual.json()["userDefinedAutoGroup"] is False
    assert manual.json()["userDefinedAutoGroupFilters"] == []
    meter(api, "E4")
    assert _members(api, group_id) == ["E2"]
    assert api.delete(f"/api/v3/meterGroup/{group_id}").status_code == 204


def test_place_moves_and_renames_recompute_members(api: Api) -> None:
    north, south = _place(api, "NORTH"), _place(api, "SOUTH")
    hall = _place(api, "HALL", parent=north)
    meter(api, "IN-HALL", placeId=hall)
    meter(api, "IN-SOUTH", placeId=south)
    meter(api, "AT-ROOT")
    within = _auto(api, [{"fieldId": 11, "operator": "equals", "value": "NORTH"}], "North campus")
    outside = _auto(api, [{"fieldId": 11, "operator": "not equals", "value": "NORTH"}], "Not north")
    assert _members(api, within["meterGroupId"]) == ["IN-HALL"]
    assert _members(api, outside["meterGroupId"]) == ["IN-SOUTH", "AT-ROOT"]
    move = {"placeCode": "HALL", "placeInfo": "Hall", "parentPlaceId": south, "placeTypeId": 3}
    assert api.put(f"/api/v3/place/{hall}", json=move).status_code == 200
    assert _members(api, within["meterGroupId"]) == []
    assert _members(api, outside["meterGroupId"]) == ["IN-HALL", "IN-SOUTH", "AT-ROOT"]
    recode = {"placeCode": "NORTH", "placeInfo": "South renamed", "parentPlaceId": 1, "placeTypeId": 3}
    assert api.put(f"/api/v3/place/{north}", json={**recode, "placeCode": "OLD-NORTH"}).status_code == 200
    assert api.put(f"/api/v3/place/{south}", json=recode).status_code == 200
    assert _members(api, within["meterGroupId"]) == ["IN-HALL", "IN-SOUTH"]
    assert api.get(f"/api/v3/meterGroup/{within['meterGroupId']}").json()["lastUpdated"] == "2024-06-15T09:30:00"


def test_members_cannot_be_set_by_hand(api: Api) -> None:
    e1, g1 = meter(api, "E1"), meter(api, "G1", commodity_id=2)
    group = _auto(api, [{"fieldId": 6, "operator": "equals", "value": "1"}])
    manual = api.post("/api/v3/meterGroup", json={**BODY, "meterGroupInfo": "Manual", "manualGroupMembers": []})
    refused = api.put(f"/api/v3/meter/{g1['meterId']}/group", json=[{"meterGroupId": group["meterGroupId"]}])
    assert refused.status_code == 400
    reason = refused.json()["modelState"]["[0].meterGroupId"][0]
    assert "automatic group" in reason
    assert "commodityId equals '1'" in reason
    # Listing an automatic group the meter is in changes nothing; leaving it out does not remove the meter.
    url = f"/api/v3/meter/{e1['meterId']}/group"
    kept = api.put(url, json=[{"meterGroupId": group["meterGroupId"]}, {"meterGroupId": manual.json()["meterGroupId"]}])
    assert kept.status_code == 200, kept.text
    assert [(g["meterGroupInfo"], g["userDefinedAutoGroup"]) for g in kept.json()] == [
        ("Electric", True),
        ("Manual", False),
    ]
    assert [g["meterGroupInfo"] for g in api.put(url, json=[]).json()] == ["Electric"]
    assert _members(api, group["meterGroupId"]) == ["E1"]


def test_bad_filters_are_400_naming_the_filter(api: Api) -> None:
    meter(api, "E1")

    def refused(filters: Any, **extra: Any) -> dict[str, list[str]]:
        response = api.post("/api/v3/meterGroup", json={**BODY, "automaticGroupFilters": filters, **extra})
        assert response.status_code == 400, response.text
        return dict(response.json()["modelState"])

    assert set(refused([{"fieldId": 99, "operator": "equals", "value": "x"}])) == {"automaticGroupFilters[0].fieldId"}
    assert set(refused([{"fieldId": 4, "operator": "like", "value": "x"}])) == {"automaticGroupFilters[0].operator"}
    assert set(refused([{"fieldId": 1, "operator": "today"}])) == {"automaticGroupFilters[0].operator"}
    bad_value = refused(
        [{"fieldId": 1, "operator": "equals", "value": "E1"}, {"fieldId": 6, "operator": "equals", "value": "one"}]
    )
    assert set(bad_value) == {"automaticGroupFilters[1].value"}
    assert set(refused([{"fieldId": 6, "operator": "between", "value": "1"}])) == {"automaticGroupFilters[0].value"}
    assert set(refused([{"fieldId": 1, "operator": "equals"}])) == {"automaticGroupFilters[0].value"}
    assert "automaticGroupFilters" in refused([])
    both = refused([{"fieldId": 1, "operator": "equals", "value": "E1"}], manualGroupMembers=[])
    assert set(both) == {"automaticGroupFilters"}
    assert api.get("/api/v3/meterGroup").json() == []


def test_an_automatic_group_feeds_a_dynamic_split_and_a_calculation(api: Api) -> None:
    ids = cb.accounts_and_meters(api.db, ["SRC", "T1", "T2", "CALC"])
    (sa, sm) = ids["SRC"]
    group = _auto(api, [{"fieldId": 1, "operator": "like", "value": "m-t"}], "Tenants")
    assert _members(api, group["meterGroupId"]) == ["M-T1", "M-T2"]
    cb.split_version(
        api.db,
        sa,
        sm,
        [],
        method="dynamicPercentage",
        begin=202402,
        group_id=group["meterGroupId"],
        source_value="cost",
    )
    cb.bill(api.db, *ids["T1"], 202402, [(D("1"), D("0.00"))])
    cb.bill(api.db, *ids["T2"], 202402, [(D("3"), D("0.00"))])
    cb.bill(api.db, sa, sm, 202402, [(D("90"), D("10.00"))])
    task = api.post("/api/v3/billSplit/exec", json={"billingPeriod": 202402}).json()
    assert task["status"] == "Completed", task
    bills = cb.bills_of_task(api.db, task["taskId"])
    assert [(b[1], b[4]) for b in bills] == [(ids["T1"][0], D("2.50")), (ids["T2"][0], D("7.50"))]
    # A calculation may sum an automatic group (only system auto groups are refused).
    ca, cm = ids["CALC"]
    version = version_of(api, "Calculation", ca, cm)
    url = f"/api/v3/account/{ca}/meter/{cm}/calculatedBill/{version}/use"
    summed = api.put(url, json={"useCalculation": {"sum": {"sumMeterGroupIds": [group["meterGroupId"]]}}})
    assert summed.status_code == 200, summed.text
    assert summed.json()["useCalculation"]["sum"]["sumMeterGroups"][0]["userDefinedAutoGroup"] is True


def test_a_filter_picks_the_meters_the_meter_list_finds_with_it(api: Api) -> None:
    north = _place(api, "NORTH")
    meter(api, "E-1", serialNumber="S-100")
    meter(api, "E-2", placeId=north)
    meter(api, "G-1", commodity_id=2, serialNumber="s-200")
    meter(api, "O'Neil")
    cases = [
        ("meterCode", 1, "like", "e-"),
        ("meterCode", 1, "not one of", "E-1|o'neil"),
        ("meterInfo", 2, "not like", "1"),
        ("serialNumber", 3, "not equals", "S-100"),
        ("serialNumber", 3, "like", "S-"),
        ("commodityCode", 7, "equals", "gas"),
        ("placeCode", 9, "not equals", "NORTH"),
        ("meterTypeId", 5, "between", "1|1"),
        ("active", 4, "not equals", "false"),
    ]
    for i, (name, field_id, operator, value) in enumerate(cases):
        group = _auto(api, [{"fieldId": field_id, "operator": operator, "value": value}], f"Case {i}")
        quoted = "|".join("'" + v.replace("'", "''") + "'" for v in value.split("|"))
        listed = api.get("/api/v3/meter", params={"filter": f"{name} {operator} {quoted}"})
        assert listed.status_code == 200, listed.text
        assert _members(api, group["meterGroupId"]) == [m["meterCode"] for m in listed.json()], (name, operator)


def test_account_and_vendor_filters_pick_what_the_meter_list_finds(api: Api) -> None:
    ppl, gas = vendor(api, "PPL"), vendor(api, "GASCO")
    north = int(account(api, "ACC-N", ppl)["accountId"])
    south = int(account(api, "ACC-S", gas)["accountId"])
    e1, e2, e3 = (int(meter(api, code)["meterId"]) for code in ("E-1", "E-2", "E-3"))
    meter(api, "E-4")  # no link: no account filter holds for it, negated or not
    link(api, north, e1)
    link(api, south, e2)
    # E-3 was ACC-N's and is ACC-S's now: a link counts whatever its dates
    link(api, north, e3, beginDate="2020-01-01T00:00:00", endDate="2022-01-01T00:00:00")
    link(api, south, e3, beginDate="2022-01-01T00:00:00")
    cases = [
        [("accountCode", 13, "equals", "acc-n")],
        [("accountCode", 13, "not equals", "ACC-N")],
        [("accountCode", 13, "like", "acc-"), ("accountCode", 13, "not like", "S")],
        [("accountId", 12, "one of", f"{south}|999")],
        [("vendorCode", 14, "like", "gas")],
        [("vendorCode", 14, "not one of", "PPL")],
        [("accountCode", 13, "equals", "ACC-N"), ("vendorCode", 14, "equals", "GASCO")],
    ]
    for i, conditions in enumerate(cases):
        edits = [{"fieldId": field_id, "operator": op, "value": value} for _, field_id, op, value in conditions]
        group = _auto(api, edits, f"Case {i}")
        text = " and ".join(
            f"{name} {op} " + "|".join(f"'{v}'" for v in value.split("|")) for name, _, op, value in conditions
        )
        listed = api.get("/api/v3/meter", params={"filter": text})
        assert listed.status_code == 200, listed.text
        assert _members(api, group["meterGroupId"]) == [m["meterCode"] for m in listed.json()], text
    assert _members(
        api, _auto(api, [{"fieldId": 13, "operator": "not equals", "value": "ACC-N"}], "Not N")["meterGroupId"]
    ) == [
        "E-2",
        "E-3",
    ]


def test_links_accounts_and_vendors_keep_account_filters_current(api: Api) -> None:
    ppl = vendor(api, "PPL")
    north = int(account(api, "ACC-N", ppl)["accountId"])
    e1 = int(meter(api, "E-1")["meterId"])
    by_account = _auto(api, [{"fieldId": 13, "operator": "equals", "value": "ACC-N"}], "By account")["meterGroupId"]
    by_vendor = _auto(api, [{"fieldId": 14, "operator": "equals", "value": "PPL"}], "By vendor")["meterGroupId"]
    assert _members(api, by_account) == _members(api, by_vendor) == []
    made = link(api, north, e1)  # a new link: the meter joins in the same request
    assert _members(api, by_account) == _members(api, by_vendor) == ["E-1"]
    edit = {"accountCode": "ACC-X", "accountInfo": "Renamed", "costCenterId": 1, "country": "US"}
    assert api.put(f"/api/v3/account/{north}", json=edit).status_code == 200
    assert (_members(api, by_account), _members(api, by_vendor)) == ([], ["E-1"])
    assert api.put(f"/api/v3/vendor/{ppl}", json={"vendorCode": "PPL2", "vendorInfo": "Renamed"}).status_code == 200
    assert _members(api, by_vendor) == []
    renamed_back = {"accountCode": "ACC-N", "accountInfo": "Back", "costCenterId": 1, "country": "US"}
    assert api.put(f"/api/v3/account/{north}", json=renamed_back).status_code == 200
    assert _members(api, by_account) == ["E-1"]
    assert api.delete(f"/api/v3/accountmeter/{made['accountMeterId']}").status_code == 204
    assert _members(api, by_account) == []
    link(api, north, e1)
    assert _members(api, by_account) == ["E-1"]
    assert api.delete(f"/api/v3/account/{north}").status_code == 204
    assert _members(api, by_account) == []
    # an account created with its meters links them at once
    created = account(api, "ACC-N", ppl, meters=[e1])
    assert created["accountCode"] == "ACC-N"
    assert _members(api, by_account) == ["E-1"]
