"""Reference data, cost centers and rates through the HTTP API."""

from __future__ import annotations

from tests.conftest import Api


def _vendor(api: Api, code: str = "PPL") -> int:
    return int(api.post("/api/v3/vendor", json={"vendorCode": code, "vendorInfo": "Utility"}).json()["vendorId"])


def test_seeded_commodities_units_and_types(api: Api) -> None:
    commodities = api.get("/api/v202304/commodity")
    assert commodities.status_code == 200
    electric = commodities.json()[0]
    assert electric["commodityId"] == 1
    assert electric["commodityCode"] == "ELECTRIC"
    assert electric["useRollupUnit"] == {"unitId": 1, "unitCode": "kWh", "unitInfo": "Kilowatt-hours"}
    assert electric["demandRollupUnit"]["unitCode"] == "kW"
    assert electric["icon"] == {"code": "bolt", "color": "yellow"}
    assert electric["isSystemCommodity"] is True
    assert electric["inUse"] is False
    assert [c["commodityCode"] for c in commodities.json()][:5] == [
        "ELECTRIC",
        "NATURALGAS",
        "WATER",
        "STEAM",
        "CHILLEDWATER",
    ]
    units = api.get("/api/v202305/unit", params={"filter": "unitTypeCode equals 'area'"}).json()
    assert [u["unitCode"] for u in units] == ["SQFEET", "SQMETER"]
    assert units[0]["unitType"] == {"unitTypeId": 5, "unitTypeCode": "AREA", "unitTypeInfo": "Area"}
    assert api.get("/api/v202305/unit", params={"filter": "unitId equals '20'"}).json()[0]["unitCode"] == "kW"
    types = api.get("/api/v3/observationtype").json()
    assert types[0] == {
        "nounId": None,
        "nounCode": None,
        "credit": None,
        "observationTypeId": 1,
        "observationTypeCode": "USE",
        "observationTypeInfo": "Use",
    }
    place_types = api.get("/api/v3/place/placetype", params={"filter": "structure equals 'true'"}).json()
    assert place_types == [
        {"placeTypeId": 3, "placeTypeCode": "BUILDING", "placeTypeInfo": "Building", "structure": True}
    ]
    assert api.get("/api/v202304/commodity", key=None).status_code == 401
    assert api.get("/api/v202305/unit", params={"filter": "unitKind equals 'x'"}).status_code == 400


def test_create_commodity(api: Api) -> None:
    body = {
        "commodityInfo": "Propane",
        "abbreviation": "prp",
        "description": "Bottled gas",
        "icon": {"code": "fire", "color": "red"},
        "commodityRollupUnitId": 10,
        "includeInEnergyReporting": True,
        "energyReportingUnitConversionMultiplier": 26.8,
    }
    created = api.post("/api/v202304/commodity", json=body)
    assert created.status_code == 200, created.text
    c = created.json()
    assert c["commodityCode"] == "PRP"
    assert c["abbreviation"] == "PRP"
    assert c["useRollupUnit"]["unitCode"] == "gal"
    assert c["energyReportingUnitConversionMultiplier"] == 26.8
    assert c["isSystemCommodity"] is False
    assert c["inUse"] is False
    again = api.post("/api/v202304/commodity", json=body)
    assert again.status_code == 400
    assert "abbreviation" in again.json()["modelState"]
    long = api.post("/api/v202304/commodity", json={**body, "abbreviation": "ABCD"})
    assert "abbreviation" in long.json()["modelState"]
    unit = api.post("/api/v202304/commodity", json={**body, "abbreviation": "X", "commodityRollupUnitId": 999})
    assert "commodityRollupUnitId" in unit.json()["modelState"]
    assert "commodityInfo" in api.post("/api/v202304/commodity", json={"abbreviation": "Y"}).json()["modelState"]
    viewer = api.key_with("Accounts:View")
    assert api.get("/api/v202304/commodity", key=viewer).status_code == 200
    assert api.post("/api/v202304/commodity", key=viewer, json={**body, "abbreviation": "Z"}).status_code == 403
    filtered = api.get("/api/v202304/commodity", params={"filter": "isSystemCommodity equals 'false'"}).json()
    assert [x["commodityCode"] for x in filtered] == ["PRP"]
    meter = {"meterCode": "G", "meterInfo": "Gas", "commodityId": 2, "placeId": 1, "meterTypeId": 1}
    assert api.post("/api/v3/meter", json={**meter, "address": {"country": "US"}}).status_code == 200
    in_use = api.get("/api/v202304/commodity", params={"filter": "inUse equals 'true'"}).json()
    assert [(x["commodityCode"], x["inUse"]) for x in in_use] == [("NATURALGAS", True)]
    unused = api.get("/api/v202304/commodity", params={"filter": "inUse not equals 'true'"}).json()
    assert "NATURALGAS" not in [x["commodityCode"] for x in unused]
    assert len(unused) == 5


def test_cost_center_tree(api: Api) -> None:
    created = api.post(
        "/api/v3/costcenter", json={"costCenterCode": "FIN", "costCenterInfo": "Finance", "parentCostCenterId": 1}
    )
    assert created.status_code == 200, created.text
    fin = created.json()
    assert fin["parent"] == {"costCenterId": 1, "costCenterCode": "ROOT", "costCenterInfo": "Topmost cost center"}
    assert fin["costCenters"] == []
    assert fin["accounts"] == []
    child = api.post(
        "/api/v3/costcenter",
        json={"costCenterCode": "AP", "costCenterInfo": "Payables", "parentCostCenterId": fin["costCenterId"]},
    ).json()
    vendor_id = _vendor(api)
    account = api.post(
        "/api/v3/account",
        json={
            "accountCode": "A-1",
            "accountInfo": "Main",
            "accountTypeId": 1,
            "costCenterId": fin["costCenterId"],
            "vendorId": vendor_id,
            "country": "US",
        },
    )
    assert account.status_code == 200, account.text
    got = api.get(f"/api/v3/costcenter/{fin['costCenterId']}").json()
    assert got["costCenters"] == [
        {"costCenterId": child["costCenterId"], "costCenterCode": "AP", "costCenterInfo": "Payables"}
    ]
    assert got["accounts"][0]["accountCode"] == "A-1"
    assert got["accounts"][0]["accountType"]["accountTypeCode"] == "STANDARD"
    assert got["accounts"][0]["hasCalculatedMeter"] is False
    page = api.get("/api/v3/costcenter?pageSize=2&pageNumber=1")
    assert page.headers["TotalNumberOfRecords"] == "3"
    assert page.headers["TotalPages"] == "2"
    assert [c["costCenterCode"] for c in page.json()] == ["ROOT", "FIN"]
    assert page.json()[0]["costCenters"][0]["costCenterCode"] == "FIN"
    by_parent = api.get("/api/v3/costcenter", params={"filter": f"parentId equals '{fin['costCenterId']}'"})
    assert [c["costCenterCode"] for c in by_parent.json()] == ["AP"]


def test_cost_center_errors(api: Api) -> None:
    assert api.get("/api/v3/costcenter/9999").status_code == 404
    orphan = api.post(
        "/api/v3/costcenter", json={"costCenterCode": "X", "costCenterInfo": "X", "parentCostCenterId": 99}
    )
    assert orphan.status_code == 400
    assert "parentCostCenterId" in orphan.json()["modelState"]
    duplicate = api.post(
        "/api/v3/costcenter", json={"costCenterCode": "root", "costCenterInfo": "X", "parentCostCenterId": 1}
    )
    assert "costCenterCode" in duplicate.json()["modelState"]
    too_long = api.post(
        "/api/v3/costcenter", json={"costCenterCode": "X", "costCenterInfo": "x" * 33, "parentCostCenterId": 1}
    )
    assert "costCenterInfo" in too_long.json()["modelState"]
    viewer = api.key_with("CostCenters:View")
    assert api.get("/api/v3/costcenter", key=viewer).status_code == 200
    body = {"costCenterCode": "Y", "costCenterInfo": "Y", "parentCostCenterId": 1}
    assert api.post("/api/v3/costcenter", key=viewer, json=body).status_code == 403
    assert api.get("/api/v3/costcenter", key=api.key_with("Accounts:View")).status_code == 403
    assert api.get("/api/v3/costcenter", key=None).status_code == 401
    assert api.get("/api/v3/costcenter/1", key="nope").status_code == 401


def test_rates(api: Api) -> None:
    seeded = api.get("/api/v3/rate")
    assert seeded.status_code == 200
    assert seeded.headers["TotalNumberOfRecords"] == "5"
    first = seeded.json()[0]
    assert first["rateId"] == 1
    assert first["name"] == "Electric flat rate"
    assert first["vendor"] is None
    assert first["commodity"]["commodityCode"] == "ELECTRIC"
    assert first["versions"] == []
    vendor_id = _vendor(api)
    created = api.post(
        "/api/v3/rate", json={"name": "GS-1", "vendorId": vendor_id, "commodityId": 1, "note": "unitPrice=0.1125"}
    )
    assert created.status_code == 200, created.text
    rate = created.json()
    assert rate["vendor"] == {"vendorId": vendor_id, "vendorCode": "PPL", "vendorInfo": "Utility"}
    assert rate["note"] == "unitPrice=0.1125"
    assert api.get(f"/api/v3/rate/{rate['rateId']}").json() == rate
    by_vendor = api.get("/api/v3/rate", params={"filter": "vendorCode equals 'ppl'"}).json()
    assert [r["name"] for r in by_vendor] == ["GS-1"]
    page = api.get("/api/v3/rate?pageSize=4&pageNumber=2")
    assert [r["name"] for r in page.json()] == ["Chilled water flat rate", "GS-1"]
    assert page.headers["TotalPages"] == "2"


def test_rate_errors(api: Api) -> None:
    vendor_id = _vendor(api)
    assert api.get("/api/v3/rate/999").status_code == 404
    bad = api.post("/api/v3/rate", json={"name": "X", "vendorId": 999, "commodityId": 999})
    assert bad.status_code == 400
    assert set(bad.json()["modelState"]) == {"vendorId", "commodityId"}
    assert "name" in api.post("/api/v3/rate", json={"vendorId": vendor_id, "commodityId": 1}).json()["modelState"]
    api.post("/api/v3/rate", json={"name": "GS-1", "vendorId": vendor_id, "commodityId": 1})
    twice = api.post("/api/v3/rate", json={"name": "gs-1", "vendorId": vendor_id, "commodityId": 1})
    assert "name" in twice.json()["modelState"]
    viewer = api.key_with("RateSchedules:View")
    assert (
        api.post("/api/v3/rate", key=viewer, json={"name": "Z", "vendorId": vendor_id, "commodityId": 1}).status_code
        == 403
    )
    assert api.get("/api/v3/rate", key=api.key_with("Vendors:View")).status_code == 403
    assert api.get("/api/v3/rate/1", key=None).status_code == 401
    for url in ("/api/v202305/unit", "/api/v3/observationtype", "/api/v3/place/placetype"):
        assert api.get(url, key=None).status_code == 401
