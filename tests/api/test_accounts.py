"""Accounts through the HTTP API: CRUD, linked meters, paging, filters, deleteBills and errors."""

from __future__ import annotations

from datetime import date

from apportion.api.schemas.contract import AccountResponse
from tests.api.master_builders import account, bill, bill_exists, link, meter, vendor, version
from tests.conftest import Api


def test_create_and_read_shape(api: Api) -> None:
    vendor_id = vendor(api)
    m = meter(api, "M1", serialNumber=None)
    body = account(
        api,
        "100-200",
        vendor_id,
        accountDescription="Main building",
        line1="1 Main St",
        city="Erie",
        state="PA",
        postalCode="16501",
        depositAmount=250.5,
        depositPaid="2020-02-01T00:00:00.000Z",
        serviceStart="2020-01-01",
        memo="m" * 300,
        meters=[m["meterId"]],
    )
    assert set(body) == {field.alias for field in AccountResponse.model_fields.values()}
    assert body["accountCode"] == "100-200"
    assert body["accountType"] == {"accountTypeId": 1, "accountTypeCode": "STANDARD", "accountTypeInfo": "Standard"}
    assert body["costCenter"]["costCenterCode"] == "ROOT"
    assert body["vendor"] == {"vendorId": vendor_id, "vendorCode": "PPL", "vendorInfo": "Vendor PPL"}
    assert body["active"] is True
    assert body["address"]["line1"] == "1 Main St"
    assert body["address"]["postalCode"] == "16501"
    assert body["address"]["country"] == "US"
    assert body["depositAmount"] == 250.5
    assert body["depositPaid"] == "2020-02-01T00:00:00"
    assert body["serviceStart"] == "2020-01-01T00:00:00"
    assert body["serviceEnd"] is None
    assert body["costUnit"] == {"unitId": 30, "unitCode": "USD", "unitInfo": "US dollars"}
    assert body["createdBy"]["userCode"] == "admin"
    assert body["createdDate"] == "2024-06-15T09:30:00"
    assert body["hasCalculatedMeter"] is False
    assert body["accountCodeHistory"] is None
    assert body["accountDescription"] == "Main building"
    [linked] = body["meters"]
    assert linked["meterId"] == m["meterId"]
    assert linked["meterCode"] == "M1"
    assert linked["startDate"] == "1899-01-01T00:00:00"
    assert linked["endDate"] == "3000-01-01T00:00:00"
    assert linked["commodity"]["commodityCode"] == "ELECTRIC"
    assert linked["place"]["placeCode"] == "ROOT"
    assert linked["vendorType"] == {"vendorTypeId": 1, "vendorTypeCode": "UTILITY"}
    assert linked["isSplitParentMeter"] is False
    assert api.get(f"/api/v3/account/{body['accountId']}").json() == body


def test_edit_keeps_code_history(api: Api) -> None:
    vendor_id = vendor(api)
    created = account(api, "OLD", vendor_id)
    edit = {"accountCode": "NEW", "accountInfo": "Renamed", "costCenterId": 1, "country": "CA", "active": False}
    edited = api.put(f"/api/v3/account/{created['accountId']}", json=edit)
    assert edited.status_code == 200, edited.text
    body = edited.json()
    assert body["accountCode"] == "NEW"
    assert body["active"] is False
    assert body["address"]["country"] == "CA"
    assert body["accountCodeHistory"] == {"previousAccountCode": "OLD", "endDate": "2024-06-15T09:30:00"}
    assert body["modifiedBy"]["userCode"] == "admin"
    assert body["vendor"]["vendorId"] == vendor_id
    assert api.put("/api/v3/account/999", json=edit).status_code == 404


def test_list_paging_and_filters(api: Api) -> None:
    ppl, gas = vendor(api, "PPL"), vendor(api, "GAS")
    m = meter(api, "MX")
    for i in range(3):
        account(api, f"E{i}", ppl, accountInfo=f"Electric {i}")
    account(api, "G0", gas, accountInfo="Gas", active=False, meters=[m["meterId"]])
    page = api.get("/api/v3/account?pageSize=3&pageNumber=2")
    assert page.status_code == 200
    assert [a["accountCode"] for a in page.json()] == ["G0"]
    assert page.headers["TotalNumberOfRecords"] == "4"
    assert page.headers["TotalPages"] == "2"
    assert page.headers["PageNumber"] == "2"

    def codes(text: str) -> list[str]:
        response = api.get("/api/v3/account", params={"filter": text})
        assert response.status_code == 200, response.text
        return [a["accountCode"] for a in response.json()]

    assert codes("vendorCode equals 'gas'") == ["G0"]
    assert codes("active equals 'false'") == ["G0"]
    assert codes("accountCode one of 'E0'|'E2'") == ["E0", "E2"]
    assert codes("accountInfo like 'electric' and accountCode not equals 'E1'") == ["E0", "E2"]
    first_id = api.get("/api/v3/account").json()[0]["accountId"]
    assert codes(f"accountId equals '{first_id}'") == ["E0"]
    assert codes("meterCode equals 'MX'") == ["G0"]
    assert codes(f"meterId equals '{m['meterId']}'") == ["G0"]
    assert api.get("/api/v3/account", params={"filter": "active equals 'maybe'"}).status_code == 400
    assert api.get("/api/v3/account", params={"filter": "accountId like '1'"}).status_code == 400


def test_bad_input(api: Api) -> None:
    vendor_id = vendor(api)
    base = {"accountCode": "A", "accountInfo": "A", "accountTypeId": 1, "costCenterId": 1, "vendorId": vendor_id}
    missing = api.post("/api/v3/account", json=base)
    assert missing.status_code == 400
    assert "country" in missing.json()["modelState"]
    base["country"] = "US"
    unknown = api.post("/api/v3/account", json={**base, "vendorId": 999, "costCenterId": 999, "accountTypeId": 9})
    assert set(unknown.json()["modelState"]) == {"vendorId", "costCenterId", "accountTypeId"}
    long = api.post("/api/v3/account", json={**base, "accountCode": "x" * 51})
    assert "accountCode" in long.json()["modelState"]
    dates = api.post("/api/v3/account", json={**base, "serviceStart": "2021-01-01", "serviceEnd": "2020-01-01"})
    assert "serviceEnd" in dates.json()["modelState"]
    bad_date = api.post("/api/v3/account", json={**base, "serviceStart": "2021-13-01"})
    assert "serviceStart" in bad_date.json()["modelState"]
    cents = api.post("/api/v3/account", json={**base, "depositAmount": 1.234})
    assert "depositAmount" in cents.json()["modelState"]
    meters = api.post("/api/v3/account", json={**base, "meters": [999]})
    assert "meters[0]" in meters.json()["modelState"]
    assert api.get("/api/v3/account").headers["TotalNumberOfRecords"] == "0"
    account(api, "A", vendor_id)
    dup = api.post("/api/v3/account", json={**base, "accountCode": "a"})
    assert "accountCode" in dup.json()["modelState"]
    account(api, "A", vendor(api, "OTHER"))
    assert api.get("/api/v3/account/999").status_code == 404
    assert api.delete("/api/v3/account/999").status_code == 404


def test_delete_with_bills_needs_delete_bills(api: Api) -> None:
    vendor_id = vendor(api)
    a = account(api, "A", vendor_id)
    m = meter(api, "M")
    link(api, a["accountId"], m["meterId"])
    bill_id = bill(api, a["accountId"], m["meterId"], date(2024, 1, 1), date(2024, 2, 1))
    refused = api.delete(f"/api/v3/account/{a['accountId']}")
    assert refused.status_code == 400
    assert "deleteBills" in refused.json()["modelState"]
    assert bill_exists(api, bill_id)
    assert api.delete(f"/api/v3/account/{a['accountId']}?deleteBills=false").status_code == 400
    assert api.delete(f"/api/v3/account/{a['accountId']}?deleteBills=maybe").status_code == 400
    assert api.delete(f"/api/v3/account/{a['accountId']}?deleteBills=true").status_code == 204
    assert not bill_exists(api, bill_id)
    assert api.get(f"/api/v3/account/{a['accountId']}").status_code == 404
    assert api.get(f"/api/v3/meter/{m['meterId']}").json()["accounts"] == []


def test_delete_refused_while_versions_use_it(api: Api) -> None:
    vendor_id = vendor(api)
    source, dest = account(api, "SRC", vendor_id), account(api, "DST", vendor_id)
    m1, m2 = meter(api, "M1"), meter(api, "M2", meter_type_id=6)
    link(api, source["accountId"], m1["meterId"])
    link(api, dest["accountId"], m2["meterId"])
    version(api, "Split", source["accountId"], m1["meterId"], ((dest["accountId"], m2["meterId"]),))
    assert api.delete(f"/api/v3/account/{dest['accountId']}?deleteBills=true").status_code == 400
    assert api.delete(f"/api/v3/account/{source['accountId']}").status_code == 400
    flags = {a["accountCode"]: a for a in api.get("/api/v3/account").json()}
    assert flags["SRC"]["hasSplitParentMeter"] is True
    assert flags["SRC"]["hasSplitChildMeter"] is False
    assert flags["DST"]["hasSplitChildMeter"] is True
    assert flags["DST"]["meters"][0]["isSplitChildMeter"] is True


def test_permissions(api: Api) -> None:
    vendor_id = vendor(api)
    a = account(api, "A", vendor_id)
    viewer = api.key_with("Accounts:View")
    assert api.get("/api/v3/account", key=viewer).status_code == 200
    assert api.get(f"/api/v3/account/{a['accountId']}", key=viewer).status_code == 200
    body = {"accountCode": "B", "accountInfo": "B", "accountTypeId": 1, "costCenterId": 1, "vendorId": vendor_id}
    assert api.post("/api/v3/account", key=viewer, json={**body, "country": "US"}).status_code == 403
    edit = {"accountCode": "B", "accountInfo": "B", "costCenterId": 1, "country": "US"}
    assert api.put(f"/api/v3/account/{a['accountId']}", key=viewer, json=edit).status_code == 403
    denied = api.delete(f"/api/v3/account/{a['accountId']}", key=viewer)
    assert denied.status_code == 403
    assert "Accounts (Delete)" in denied.json()["message"]
    assert api.get("/api/v3/account", key=None).status_code == 401
    assert api.get("/api/v3/account", key=api.key_with("Meters:View")).status_code == 403
