"""Meters through the HTTP API: create, read, list, delete, units and chargeback flags."""

from __future__ import annotations

from datetime import date

from apportion.api.schemas.contract import MeterResponse
from tests.api.master_builders import account, bill, bill_exists, link, meter, vendor, version
from tests.conftest import Api


def test_create_and_read_shape(api: Api) -> None:
    hall = api.post("/api/v3/place", json={"placeCode": "H", "placeInfo": "Hall", "parentPlaceId": 1, "placeTypeId": 3})
    body = meter(
        api,
        "E-100",
        placeId=hall.json()["placeId"],
        address={"country": "US", "line1": "1 Main St", "latitude": 40.5},
        billEntryNote="Read on the 1st",
        properties={"feeder": "F1"},
        meterDescription="Main electric",
        demandUnitId=20,
    )
    assert set(body) == {field.alias for field in MeterResponse.model_fields.values()}
    assert body["meterCode"] == "E-100"
    assert body["meterType"] == {"meterTypeId": 1, "meterTypeCode": "STANDARD", "meterTypeInfo": "Standard"}
    assert body["commodity"] == {
        "commodityId": 1,
        "commodityCode": "ELECTRIC",
        "commodityInfo": "Electric",
        "commodityIcon": {"code": "bolt", "color": "yellow"},
    }
    assert body["place"]["placeCode"] == "H"
    assert body["place"]["placeType"]["structure"] is True
    assert body["useUnit"] == {"unitId": 1, "unitCode": "kWh", "unitInfo": "Kilowatt-hours"}
    assert body["demandUnit"]["unitCode"] == "kW"
    assert body["address"]["line1"] == "1 Main St"
    assert body["address"]["latitude"] == 40.5
    assert body["billEntryNote"] == "Read on the 1st"
    assert body["properties"] == {"feeder": "F1"}
    assert body["meterDescription"] == "Main electric"
    assert body["active"] is True
    assert body["channels"] == []
    assert body["accounts"] == []
    assert body["isCalculatedMeter"] is False
    assert body["isSplitParentMeter"] is False
    assert body["isSplitChildMeter"] is False
    assert body["createdBy"]["userCode"] == "admin"
    assert body["createdDate"] == "2024-06-15T09:30:00"
    assert api.get(f"/api/v3/meter/{body['meterId']}").json() == body
    chargeback = meter(api, "CB-1", meter_type_id=6)
    assert chargeback["meterType"]["meterTypeCode"] == "CHARGEBACK"


def test_use_and_demand_units(api: Api) -> None:
    gas = meter(api, "G1", commodity_id=2, useUnitId=12)
    assert gas["useUnit"]["unitCode"] == "CCF"
    assert meter(api, "G2", commodity_id=2)["useUnit"]["unitCode"] == "therms"
    water = meter(api, "W1", commodity_id=3, useUnitId=10)
    assert water["useUnit"]["unitCode"] == "gal"
    body = {"meterCode": "X", "meterInfo": "X", "commodityId": 1, "placeId": 1, "meterTypeId": 1}
    body["address"] = {"country": "US"}
    wrong = api.post("/api/v3/meter", json={**body, "useUnitId": 10})
    assert wrong.status_code == 400
    assert "useUnitId" in wrong.json()["modelState"]
    demand = api.post("/api/v3/meter", json={**body, "demandUnitId": 1})
    assert "demandUnitId" in demand.json()["modelState"]
    unknown = api.post("/api/v3/meter", json={**body, "useUnitId": 999, "demandUnitId": 999})
    assert set(unknown.json()["modelState"]) == {"useUnitId", "demandUnitId"}


def test_bad_input(api: Api) -> None:
    meter(api, "M1")
    body = {"meterCode": "m1", "meterInfo": "X", "commodityId": 1, "placeId": 1, "meterTypeId": 1}
    no_address = api.post("/api/v3/meter", json=body)
    assert no_address.status_code == 400
    assert "address" in no_address.json()["modelState"]
    no_country = api.post("/api/v3/meter", json={**body, "address": {"city": "Erie"}})
    assert "address.country" in no_country.json()["modelState"]
    body["address"] = {"country": "US"}
    dup = api.post("/api/v3/meter", json=body)
    assert list(dup.json()["modelState"]) == ["meterCode"]
    unknown = api.post(
        "/api/v3/meter", json={**body, "meterCode": "N", "commodityId": 99, "placeId": 99, "meterTypeId": 99}
    )
    assert set(unknown.json()["modelState"]) == {"commodityId", "placeId", "meterTypeId"}
    long = api.post("/api/v3/meter", json={**body, "meterCode": "x" * 33, "billEntryNote": "y" * 65})
    assert set(long.json()["modelState"]) == {"meterCode", "billEntryNote"}
    wrong_type = api.post("/api/v3/meter", json={**body, "meterCode": "N", "commodityId": "one"})
    assert "commodityId" in wrong_type.json()["modelState"]
    assert api.get("/api/v3/meter").headers["TotalNumberOfRecords"] == "1"
    assert api.get("/api/v3/meter/999").status_code == 404
    assert api.get("/api/v3/meter/abc").status_code == 400
    assert api.delete("/api/v3/meter/999").status_code == 404


def test_list_paging_and_filters(api: Api) -> None:
    vendor_id = vendor(api)
    hall = api.post("/api/v3/place", json={"placeCode": "H", "placeInfo": "Hall", "parentPlaceId": 1, "placeTypeId": 3})
    hall_id = hall.json()["placeId"]
    e1, e2 = meter(api, "E1"), meter(api, "E2", placeId=hall_id)
    g1 = meter(api, "G1", commodity_id=2, placeId=hall_id)
    a = account(api, "ACC-9", vendor_id)
    link(api, a["accountId"], e2["meterId"])
    link(api, a["accountId"], g1["meterId"], rate_id=2)
    page = api.get("/api/v3/meter?pageSize=2&pageNumber=2")
    assert [m["meterCode"] for m in page.json()] == ["G1"]
    assert page.headers["TotalNumberOfRecords"] == "3"
    assert page.headers["TotalPages"] == "2"
    assert page.headers["PageSize"] == "2"

    def codes(text: str) -> list[str]:
        response = api.get("/api/v3/meter", params={"filter": text})
        assert response.status_code == 200, response.text
        return [m["meterCode"] for m in response.json()]

    assert codes("commodityCode equals 'naturalgas'") == ["G1"]
    assert codes("accountCode like 'acc'") == ["E2", "G1"]
    assert codes(f"placeId equals '{hall_id}' and commodityCode equals 'ELECTRIC'") == ["E2"]
    assert codes(f"meterId one of '{e1['meterId']}'|'{g1['meterId']}'") == ["E1", "G1"]
    assert codes("meterInfo equals 'Meter E1'") == ["E1"]
    assert codes("meterCode not like 'E'") == ["G1"]
    assert codes("vendorCode equals 'PPL'") == ["E2", "G1"]
    listed = api.get(f"/api/v3/meter/{e2['meterId']}").json()
    [acc] = listed["accounts"]
    assert acc["accountCode"] == "ACC-9"
    assert acc["vendor"]["vendorCode"] == "PPL"
    assert acc["startDate"] == "1899-01-01T00:00:00"
    assert acc["vendorType"]["vendorTypeCode"] == "UTILITY"
    assert api.get("/api/v3/meter", params={"filter": "placeId equals 'one'"}).status_code == 400


def test_flags_follow_chargeback_versions(api: Api) -> None:
    vendor_id = vendor(api)
    source, dest = account(api, "SRC", vendor_id), account(api, "DST", vendor_id)
    m1, m2, m3 = meter(api, "SPLIT"), meter(api, "CHILD", meter_type_id=6), meter(api, "CALC", meter_type_id=6)
    link(api, source["accountId"], m1["meterId"])
    link(api, dest["accountId"], m2["meterId"])
    link(api, dest["accountId"], m3["meterId"])
    version(api, "Split", source["accountId"], m1["meterId"], ((dest["accountId"], m2["meterId"]),))
    version(api, "Calculation", dest["accountId"], m3["meterId"])
    flags = {
        m["meterCode"]: (m["isSplitParentMeter"], m["isSplitChildMeter"], m["isCalculatedMeter"])
        for m in api.get("/api/v3/meter").json()
    }
    assert flags == {"SPLIT": (True, False, False), "CHILD": (False, True, False), "CALC": (False, False, True)}
    child = api.get(f"/api/v3/meter/{m2['meterId']}").json()
    assert child["accounts"][0]["hasCalculatedMeter"] is True
    assert child["accounts"][0]["hasSplitChildMeter"] is True
    assert child["accounts"][0]["hasSplitParentMeter"] is False
    refused = api.delete(f"/api/v3/meter/{m3['meterId']}?deleteBills=true")
    assert refused.status_code == 400
    assert "version" in refused.json()["message"]


def test_delete_with_bills_needs_delete_bills(api: Api) -> None:
    vendor_id = vendor(api)
    a = account(api, "A", vendor_id)
    m, other = meter(api, "M"), meter(api, "OTHER")
    link(api, a["accountId"], m["meterId"])
    link(api, a["accountId"], other["meterId"])
    on_meter = bill(api, a["accountId"], m["meterId"], date(2024, 1, 1), date(2024, 2, 1))
    on_other = bill(api, a["accountId"], other["meterId"], date(2024, 1, 1), date(2024, 2, 1))
    refused = api.delete(f"/api/v3/meter/{m['meterId']}")
    assert refused.status_code == 400
    assert "deleteBills" in refused.json()["modelState"]
    assert bill_exists(api, on_meter)
    assert api.delete(f"/api/v3/meter/{m['meterId']}", params={"deleteBills": "true"}).status_code == 204
    assert not bill_exists(api, on_meter)
    assert bill_exists(api, on_other)
    assert api.get(f"/api/v3/meter/{m['meterId']}").status_code == 404
    assert [x["meterCode"] for x in api.get(f"/api/v3/account/{a['accountId']}").json()["meters"]] == ["OTHER"]
    assert api.delete(f"/api/v3/meter/{other['meterId']}?deleteBills=false").status_code == 400
    plain = meter(api, "PLAIN")
    assert api.delete(f"/api/v3/meter/{plain['meterId']}").status_code == 204


def test_permissions(api: Api) -> None:
    m = meter(api, "M")
    viewer = api.key_with("Meters:View")
    assert api.get("/api/v3/meter", key=viewer).status_code == 200
    assert api.get(f"/api/v3/meter/{m['meterId']}", key=viewer).status_code == 200
    body = {
        "meterCode": "N",
        "meterInfo": "N",
        "commodityId": 1,
        "placeId": 1,
        "meterTypeId": 1,
        "address": {"country": "US"},
    }
    denied = api.post("/api/v3/meter", key=viewer, json=body)
    assert denied.status_code == 403
    assert "Meters (Create)" in denied.json()["message"]
    assert api.delete(f"/api/v3/meter/{m['meterId']}", key=viewer).status_code == 403
    assert api.get("/api/v3/meter", key=None).status_code == 401
    assert api.get("/api/v3/meter", key=api.key_with("Accounts:View")).status_code == 403
