"""Rate versions, rates assigned to account meters, and calculated bills priced by them (operations.md §9)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import select

from apportion.api.schemas.contract import AccountMeterRateResponse, MeterRateResponse, RateVersionResponse
from apportion.domain import calculations as calc
from apportion.store.models.bills import BillLine
from tests.api.master_builders import account, link, meter, vendor
from tests.conftest import Api
from tests.support import chargebacks as cb

D = Decimal
KW = 20  # seeded demand unit


def _rate(api: Api, vendor_id: int, name: str = "Tariff GS-1", note: str | None = None, commodity: int = 1) -> int:
    body = {"name": name, "vendorId": vendor_id, "commodityId": commodity, "note": note}
    response = api.post("/api/v3/rate", json=body)
    assert response.status_code == 200, response.text
    return int(response.json()["rateId"])


def _version(api: Api, rate_id: int, **body: Any) -> dict[str, Any]:
    response = api.post(f"/api/v3/rate/{rate_id}/version", json=body)
    assert response.status_code == 200, response.text
    return dict(response.json())


def _aliases(model: Any) -> set[str]:
    return {field.alias for field in model.model_fields.values()}


def test_rate_versions_have_dates_prices_and_line_items(api: Api) -> None:
    rate_id = _rate(api, vendor(api))
    assert api.get(f"/api/v3/rate/{rate_id}/version").json() == []  # a rate without versions lists none
    first = _version(
        api,
        rate_id,
        effectiveDate="2024-01-01T00:00:00",
        note="Winter tariff",
        useUnitCost=0.1,
        useUnitId=1,
        demandUnitCost=12.5,
        demandUnitId=KW,
        meterLineItems=[
            {"observationTypeId": cb.COST, "caption": "Customer charge", "calculationType": "Fixed", "value": 15},
            {"observationTypeId": cb.COST, "caption": "Tax", "calculationType": "percentage", "value": 6},
        ],
        accountLineItems=[{"observationTypeId": cb.COST, "caption": "Admin", "calculationType": "Fixed", "value": 2}],
    )
    assert set(first) == _aliases(RateVersionResponse)
    assert first["beginDate"] == "2024-01-01T00:00:00"
    assert first["endDate"] == "3000-01-01T00:00:00"
    assert first["useUnitCost"] == 0.1
    assert first["useUnit"]["unitCode"] == "kWh"
    assert first["demandUnit"]["unitCode"] == "kW"
    assert first["createdBy"]["userId"] == first["modifiedBy"]["userId"]
    assert first["meterLineItems"][1] == {
        "observationType": {
            "nounId": None,
            "nounCode": None,
            "credit": None,
            "observationTypeId": 3,
            "observationTypeCode": "COST",
            "observationTypeInfo": "Charge",
        },
        "caption": "Tax",
        "calculationType": "Percentage",
        "value": 6,
    }
    assert [i["caption"] for i in first["accountLineItems"]] == ["Admin"]
    second = _version(api, rate_id, effectiveDate="2024-03-16T00:00:00", useUnitCost=0.13, useUnitId=1)
    # A version inserted before an existing one ends where that one begins.
    earlier = _version(api, rate_id, effectiveDate="2023-07-01T00:00:00", useUnitCost=0.09, useUnitId=1)
    assert earlier["endDate"] == "2024-01-01T00:00:00"
    listed = api.get(f"/api/v3/rate/{rate_id}/version").json()
    assert [(v["beginDate"][:10], v["endDate"][:10]) for v in listed] == [
        ("2023-07-01", "2024-01-01"),
        ("2024-01-01", "2024-03-16"),
        ("2024-03-16", "3000-01-01"),
    ]
    rate = api.get(f"/api/v3/rate/{rate_id}").json()
    assert [v["versionId"] for v in rate["versions"]] == [earlier["versionId"], first["versionId"], second["versionId"]]
    assert set(rate["versions"][0]) == {"versionId", "beginDate", "endDate"}
    one = api.get(f"/api/v3/rate/{rate_id}/version/{first['versionId']}").json()
    assert one == {**first, "endDate": "2024-03-16T00:00:00"}

    # An edit keeps the version between its neighbours.
    url = f"/api/v3/rate/{rate_id}/version/{first['versionId']}"
    late = api.put(url, json={"effectiveDate": "2024-04-01T00:00:00", "useUnitCost": 0.1, "useUnitId": 1})
    assert late.status_code == 400
    assert "prior to the effective date of the next version" in late.json()["modelState"]["effectiveDate"][0]
    edited = api.put(url, json={"effectiveDate": "2024-02-01T00:00:00", "useUnitCost": 0.11, "useUnitId": 1})
    assert edited.status_code == 200, edited.text
    assert edited.json()["useUnitCost"] == 0.11
    assert edited.json()["meterLineItems"] == []
    assert api.get(f"/api/v3/rate/{rate_id}/version").json()[0]["endDate"] == "2024-02-01T00:00:00"

    # Bad input names the field; nothing is written.
    bad = [
        ({"effectiveDate": "2024-03-16T00:00:00"}, "effectiveDate"),
        ({"effectiveDate": "2025-01-01T00:00:00", "useUnitId": 9999}, "useUnitId"),
        ({"effectiveDate": "2025-01-01T00:00:00", "useUnitCost": 1e17}, "useUnitCost"),
        (
            {
                "effectiveDate": "2025-01-01T00:00:00",
                "meterLineItems": [{"caption": "S", "calculationType": "Subtotal"}],
            },
            "meterLineItems[0].calculationType",
        ),
        (
            {
                "effectiveDate": "2025-01-01T00:00:00",
                "accountLineItems": [{"caption": "F", "calculationType": "Fixed"}],
            },
            "accountLineItems[0].value",
        ),
    ]
    for body, field in bad:
        refused = api.post(f"/api/v3/rate/{rate_id}/version", json=body)
        assert refused.status_code == 400, (body, refused.text)
        assert field in refused.json()["modelState"], refused.json()
    assert len(api.get(f"/api/v3/rate/{rate_id}/version").json()) == 3
    assert api.post(f"/api/v3/rate/{rate_id}/version", json={"note": "no date"}).status_code == 400

    # Deleting a version lets the one before it run on; the last one stays.
    assert api.delete(f"/api/v3/rate/{rate_id}/version/{edited.json()['versionId']}").status_code == 204
    assert api.get(f"/api/v3/rate/{rate_id}/version").json()[0]["endDate"] == "2024-03-16T00:00:00"
    assert api.delete(f"/api/v3/rate/{rate_id}/version/{earlier['versionId']}").status_code == 204
    last = api.delete(f"/api/v3/rate/{rate_id}/version/{second['versionId']}")
    assert last.status_code == 400
    assert "last remaining" in last.json()["modelState"]["versionId"][0]
    assert api.get(f"/api/v3/rate/{rate_id}/version/{earlier['versionId']}").status_code == 404
    assert api.get("/api/v3/rate/99999/version").status_code == 404
    viewer = api.key_with("RateSchedules:View")
    assert api.get(f"/api/v3/rate/{rate_id}/version", key=viewer).status_code == 200
    body = {"effectiveDate": "2026-01-01T00:00:00"}
    assert api.post(f"/api/v3/rate/{rate_id}/version", key=viewer, json=body).status_code == 403


def test_edit_and_delete_a_rate(api: Api) -> None:
    vendor_id = vendor(api, "EDR")
    rate_id = _rate(api, vendor_id, "Small general")
    _rate(api, vendor_id, "Large general")
    edited = api.put(f"/api/v3/rate/{rate_id}", json={"name": "Small general service", "note": "2024 filing"})
    assert edited.status_code == 200, edited.text
    assert (edited.json()["name"], edited.json()["note"]) == ("Small general service", "2024 filing")
    clash = api.put(f"/api/v3/rate/{rate_id}", json={"name": "large GENERAL", "note": None})
    assert clash.status_code == 400
    assert "name" in clash.json()["modelState"]
    _version(api, rate_id, effectiveDate="2024-01-01T00:00:00", useUnitCost=0.1, useUnitId=1)
    assert api.delete(f"/api/v3/rate/{rate_id}").status_code == 204
    assert api.get(f"/api/v3/rate/{rate_id}").status_code == 404
    assert api.delete(f"/api/v3/rate/{rate_id}").status_code == 404
    # A rate an account meter has had cannot go.
    used = _rate(api, vendor_id, "Used")
    account_id = account(api, "EDR-A", vendor_id)["accountId"]
    link(api, account_id, meter(api, "EDR-M")["meterId"], rate_id=used)
    refused = api.delete(f"/api/v3/rate/{used}")
    assert refused.status_code == 400
    assert "assigned to 1 account meter" in refused.json()["modelState"]["rateId"][0]


def test_rates_assigned_to_account_meters_over_time(api: Api) -> None:
    vendor_id = vendor(api, "ASG")
    account_id = account(api, "ASG-A", vendor_id)["accountId"]
    meter_id = meter(api, "ASG-M")["meterId"]
    linked = link(api, account_id, meter_id, rate_id=1, beginDate="2024-01-01T00:00:00")
    link_id = linked["accountMeterId"]
    assert [(r["rate"]["rateId"], r["startDate"][:10], r["endDate"][:10]) for r in linked["rates"]] == [
        (1, "2024-01-01", "3000-01-01")
    ]
    [seeded] = api.get(f"/api/v3/meter/{meter_id}/rate").json()
    assert set(seeded) == _aliases(MeterRateResponse)
    assert (seeded["rateId"], seeded["rateCode"], seeded["startDate"]) == (1, "ELEC-FLAT", "2024-01-01T00:00:00")
    assert seeded["account"]["accountId"] == account_id
    assert seeded["account"]["accountMeterId"] == link_id
    assert seeded["commodity"]["commodityCode"] == "ELECTRIC"

    tariff = _rate(api, vendor_id, "Tariff B")
    added = api.post(f"/api/v3/accountmeter/{link_id}/rate", json={"rateId": tariff, "startDate": "2024-03-16"})
    assert added.status_code == 200, added.text
    assert set(added.json()) == _aliases(AccountMeterRateResponse)
    assert (added.json()["rateId"], added.json()["endDate"]) == (tariff, "3000-01-01T00:00:00")
    rates = api.get(f"/api/v3/account/{account_id}/rate").json()
    assert [(r["rateId"], r["startDate"][:10], r["endDate"][:10]) for r in rates] == [
        (1, "2024-01-01", "2024-03-16"),
        (tariff, "2024-03-16", "3000-01-01"),
    ]
    assert rates[0]["meter"]["meterId"] == meter_id
    assert rates[0]["vendor"]["vendorId"] == vendor_id

    # One bad element changes nothing.
    url = f"/api/v3/accountmeter/{link_id}/rate"
    gas = api.put(url, json=[{"rateId": tariff, "startDate": "2024-01-01"}, {"rateId": 2, "startDate": "2024-06-01"}])
    assert gas.status_code == 400
    assert "another commodity" in gas.json()["modelState"]["[1].rateId"][0]
    early = api.put(url, json=[{"rateId": tariff, "startDate": "2023-01-01"}])
    assert "[0].startDate" in early.json()["modelState"]
    twice = api.put(url, json=[{"rateId": 1, "startDate": "2024-01-01"}, {"rateId": tariff, "startDate": "2024-01-01"}])
    assert "[1].startDate" in twice.json()["modelState"]
    assert len(api.get(f"/api/v3/meter/{meter_id}/rate").json()) == 2
    replaced = api.put(url, json=[{"rateId": tariff, "startDate": "2024-01-01"}])
    assert replaced.status_code == 200, replaced.text
    assert [(r["rateId"], r["endDate"][:10]) for r in replaced.json()] == [(tariff, "3000-01-01")]
    assert api.post("/api/v3/accountmeter/99999/rate", json={"rateId": 1, "startDate": "2024-01-01"}).status_code == 404
    assert api.get("/api/v3/meter/99999/rate").status_code == 404
    assert api.get("/api/v3/account/99999/rate").status_code == 404
    assert api.put(url, json=[{"rateId": 99999, "startDate": "2024-01-01"}]).status_code == 400
    viewer = api.key_with("Accounts:View", "Meters:View")
    assert api.get(f"/api/v3/meter/{meter_id}/rate", key=viewer).status_code == 200
    assert api.put(url, key=viewer, json=[]).status_code == 403


def test_a_calculated_bill_is_priced_by_the_versions_in_effect(api: Api) -> None:
    ids = cb.accounts_and_meters(api.db, ["RATED", "LEGACY", "GAP"])
    vendor_id = api.get(f"/api/v3/account/{ids['RATED'][0]}").json()["vendor"]["vendorId"]
    rate_id = _rate(api, vendor_id, "Tiered GS")
    cost = {"observationTypeId": cb.COST}
    _version(
        api,
        rate_id,
        effectiveDate="2024-01-01T00:00:00",
        useUnitCost=0.10,
        useUnitId=1,
        demandUnitCost=10,
        demandUnitId=KW,
        meterLineItems=[
            {**cost, "caption": "Customer charge", "calculationType": "Fixed", "value": 30},
            {**cost, "caption": "Tax", "calculationType": "Percentage", "value": 5},
        ],
        accountLineItems=[{**cost, "caption": "Admin", "calculationType": "Fixed", "value": 3}],
    )
    _version(
        api,
        rate_id,
        effectiveDate="2024-03-16T00:00:00",
        useUnitCost=0.13,
        useUnitId=1,
        meterLineItems=[
            {**cost, "caption": "Customer charge", "calculationType": "Fixed", "value": 30},
            {**cost, "caption": "Tax", "calculationType": "Percentage", "value": 5},
        ],
    )
    legacy = _rate(api, vendor_id, "Old flat", note="Tariff B, unitPrice=0.25")
    late = _rate(api, vendor_id, "Starts late")
    _version(api, late, effectiveDate="2024-03-10T00:00:00", useUnitCost=0.1, useUnitId=1)
    for code, rate in (("RATED", rate_id), ("LEGACY", legacy), ("GAP", late)):
        account_id, meter_id = ids[code]
        link_id = api.get(f"/api/v3/account/{account_id}").json()["meters"][0]["accountMeterId"]
        assigned = api.put(f"/api/v3/accountmeter/{link_id}/rate", json=[{"rateId": rate, "startDate": "2000-01-01"}])
        assert assigned.status_code == 200, assigned.text
        instructions = calc.CalculatedBillInstructions(
            0,
            use=calc.FixedUse(D(1000), cb.KWH),
            cost=calc.RateSchedule(),
            demand=calc.FixedDemand(D(50), KW),
        )
        cb.calculated_version(api.db, account_id, meter_id, instructions)
    task = api.post("/api/v3/calculatedBill/exec", json={"billingPeriod": 202403}).json()
    assert task["numberOfBillsCreated"] == 2, task
    errors = api.get(f"/api/v3/chargebackTask/{task['taskId']}/errorOutput").text
    assert "No rate version is in effect on 2024-03-01" in errors
    bills = {b[1]: b for b in cb.bills_of_task(api.db, task["taskId"])}
    # March has 31 days: 15 on the first version, 16 on the second.
    # Use: 1000 x 0.10 x 15/31 + 1000 x 0.13 x 16/31 = 115.4838... -> 115.48 (48.39 + 67.09 by largest remainder).
    # Demand: only the first version prices it: 50 x 10 x 15/31 = 241.935... -> 241.94.
    # Customer charge 30 x 15/31 + 30 x 16/31 = 14.52 + 15.48; Tax 5 % of (48.39 + 241.94) + 5 % of 67.09.
    # Admin 3 x 15/31 = 1.45.
    assert bills[ids["RATED"][0]][4] == D("406.74")
    with api.db.reading() as session:
        rows = session.execute(
            select(BillLine.caption, BillLine.observation_type_id, BillLine.value, BillLine.cost)
            .where(BillLine.bill_id == bills[ids["RATED"][0]][0])
            .order_by(BillLine.line_id)
        ).all()
    assert [(caption, value, cost) for caption, _, value, cost in rows] == [
        (None, D("1000"), D("115.48")),
        (None, D("50"), D("241.94")),
        ("Customer charge", None, D("30.00")),
        ("Tax", None, D("17.87")),
        ("Admin", None, D("1.45")),
    ]
    # The demand the bill charges for is its billed demand.
    [meter_bill] = api.get(f"/api/v3/meter/{ids['RATED'][1]}/bill").json()
    assert (meter_bill["billedDemand"], meter_bill["billedDemandUnit"]["unitCode"]) == (50, "kW")
    # A rate without versions keeps its legacy flat price from the note: 1000 x 0.25.
    assert bills[ids["LEGACY"][0]][4] == D("250.00")


def test_use_blocks_price_a_bill_in_tiers(api: Api) -> None:
    ids = cb.accounts_and_meters(api.db, ["TIER"])
    account_id, meter_id = ids["TIER"]
    vendor_id = api.get(f"/api/v3/account/{account_id}").json()["vendor"]["vendorId"]
    rate_id = _rate(api, vendor_id, "Residential tiers")
    version = _version(api, rate_id, effectiveDate="2024-01-01T00:00:00", useUnitId=1)
    url = f"/apportion/v1/rate/{rate_id}/version/{version['versionId']}/useBlocks"
    assert api.get(url).json() == {"rateId": rate_id, "versionId": version["versionId"], "useBlocks": []}
    open_first = api.put(url, json=[{"upTo": None, "unitCost": 0.1}, {"upTo": 500, "unitCost": 0.2}])
    assert open_first.status_code == 400
    assert set(open_first.json()["modelState"]) == {"[0].upTo", "[1].upTo"}
    assert api.put(url, json=[{"upTo": -5, "unitCost": 0.1}]).status_code == 400
    tiers = [{"upTo": 500, "unitCost": 0.10}, {"upTo": 1500, "unitCost": 0.15}, {"upTo": None, "unitCost": 0.25}]
    saved = api.put(url, json=tiers)
    assert saved.status_code == 200, saved.text
    assert saved.json()["useBlocks"] == tiers
    assert api.put(url, key=api.key_with("RateSchedules:View"), json=tiers).status_code == 403
    assert api.get(f"/apportion/v1/rate/{rate_id}/version/99999/useBlocks").status_code == 404
    link_id = api.get(f"/api/v3/account/{account_id}").json()["meters"][0]["accountMeterId"]
    api.put(f"/api/v3/accountmeter/{link_id}/rate", json=[{"rateId": rate_id, "startDate": "2000-01-01"}])
    use = calc.FixedUse(D(2000), cb.KWH)
    cb.calculated_version(api.db, account_id, meter_id, calc.CalculatedBillInstructions(0, use, calc.RateSchedule()))
    task = api.post("/api/v3/calculatedBill/exec", json={"billingPeriod": 202404}).json()
    [bill] = cb.bills_of_task(api.db, task["taskId"])
    # 500 x 0.10 + 1000 x 0.15 + 500 x 0.25
    assert bill[4] == D("325.00")
    assert api.put(url, json=[]).json()["useBlocks"] == []
