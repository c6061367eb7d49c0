"""Bills through the HTTP API: create with use, cost and demand lines over several meters, list, filter, page,
read, edit, void, delete, the meter's bills, and every kind of bad input (nothing written on error)."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from apportion.api.schemas.contract import BillResponse, MeterBillResponse
from tests.api.master_builders import account, link, meter, vendor
from tests.conftest import Api

USE, DEMAND, COST, TAX = 1, 2, 3, 8
KWH, MWH, KW, THERMS = 1, 2, 20, 3


class Site:
    """Two electric meters on account E, a gas meter on account G linked for 2024 only."""

    def __init__(self, api: Api) -> None:
        vendor_id = vendor(api)
        self.e = account(api, "E-100", vendor_id)["accountId"]
        self.g = account(api, "G-200", vendor_id)["accountId"]
        self.m1 = meter(api, "ELEC-1")["meterId"]
        self.m2 = meter(api, "ELEC-2")["meterId"]
        self.gas = meter(api, "GAS-1", commodity_id=2)["meterId"]
        link(api, self.e, self.m1)
        link(api, self.e, self.m2)
        link(api, self.g, self.gas, rate_id=2, beginDate="2024-01-01", endDate="2025-01-01")


def electric(m: int, use: str, cost: str, demand: str | None = None, unit: int = KWH) -> dict[str, Any]:
    """A BillMeterCreate: a use line with its cost, and optionally a demand line."""
    lines: list[dict[str, Any]] = [
        {"observationTypeId": USE, "caption": "Energy", "value": use, "valueUnitId": unit, "cost": cost}
    ]
    if demand is not None:
        lines.append({"observationTypeId": DEMAND, "caption": "Peak", "value": demand, "valueUnitId": KW})
    return {"meterId": m, "bodyLines": lines}


def body(account_id: int, meters: list[dict[str, Any]], period: int = 202401, **extra: Any) -> dict[str, Any]:
    """A BillCreate for one month of `period` (begin on the 1st, end on the 1st of the next month)."""
    year, month = divmod(period, 100)
    end = f"{year + month // 12}-{month % 12 + 1:02d}-01"
    return {
        "accountId": account_id,
        "beginDate": f"{year}-{month:02d}-01T00:00:00.000Z",
        "endDate": f"{end}T00:00:00.000Z",
        "billingPeriod": period,
        "manualEntry": True,
        "meters": meters,
        "accountBodyLines": [],
        **extra,
    }


def create(api: Api, payload: dict[str, Any], key: str | None = "admin") -> int:
    response = api.post("/api/v3/bill", json=payload, key=key)
    assert response.status_code == 200, response.text
    assert set(response.json()) == {"billId"}
    return int(response.json()["billId"])


def count(api: Api, filter_text: str | None = None) -> int:
    params = {"filter": filter_text} if filter_text else {}
    response = api.get("/api/v3/bill", params=params)
    assert response.status_code == 200, response.text
    return int(response.headers["TotalNumberOfRecords"])


def test_create_and_read_a_bill_over_two_meters(api: Api) -> None:
    site = Site(api)
    payload = body(
        site.e,
        [electric(site.m1, "1200.5", "150.10", demand="42.5"), electric(site.m2, "0.8", "99.99", unit=MWH)],
        accountBodyLines=[{"observationTypeId": TAX, "caption": "Sales tax", "cost": "12.34"}],
        invoiceNumber="INV-1",
        note="January",
        statementDate="2024-02-03",
        accountPeriod=202402,
    )
    bill_id = create(api, payload)
    bill = api.get(f"/api/v3/bill/{bill_id}").json()
    assert set(bill) == {field.alias for field in BillResponse.model_fields.values()}
    assert bill["billId"] == bill_id
    assert bill["totalCost"] == 262.43  # 150.10 + 99.99 + 12.34, exact
    assert bill["beginDate"] == "2024-01-01T00:00:00"
    assert bill["endDate"] == "2024-02-01T00:00:00"
    assert bill["statementDate"] == "2024-02-03T00:00:00"
    assert bill["billingPeriod"] == 202401
    assert bill["accountPeriod"] == 202402
    assert bill["invoiceNumber"] == "INV-1"
    assert bill["billNote"] == "January"
    assert bill["void"] is False
    assert bill["fromVendor"] is True
    assert bill["account"]["accountCode"] == "E-100"
    assert bill["account"]["vendor"]["vendorCode"] == "PPL"
    assert bill["account"]["hasSplitParentMeter"] is False
    assert bill["batch"]["batchCode"] == "admin-20240615093000"
    assert bill["createdBy"]["userCode"] == "admin"
    assert bill["createdDate"] == "2024-06-15T09:30:00"
    assert bill["modifiedBy"] is None
    # The bill went into the caller's new open batch (domain.md §4.9: none open -> one is opened).
    batch = api.get(f"/api/v3/batch/{bill['batch']['batchId']}").json()
    assert batch["batchStatus"] == "Open"
    assert batch["billCount"] == 1
    assert batch["runningTotal"] == 262.43


def test_meter_bills_carry_the_meters_own_figures(api: Api) -> None:
    site = Site(api)
    create(
        api,
        body(site.e, [electric(site.m1, "1000", "100.00", demand="40"), electric(site.m2, "2", "300.00", unit=MWH)]),
    )
    create(api, body(site.e, [electric(site.m1, "900", "90.00")], period=202402))
    response = api.get(f"/api/v3/meter/{site.m2}/bill")
    assert response.status_code == 200, response.text
    [only] = response.json()
    assert set(only) == {field.alias for field in MeterBillResponse.model_fields.values()}
    assert only["cost"] == 300
    assert only["usage"] == 2000  # 2 MWh in the commodity's common unit, kWh
    assert only["useUnit"]["unitCode"] == "kWh"
    assert only["costPerUnit"] == 0.15
    assert only["usePerDay"] == pytest.approx(2000 / 31)
    assert only["actualDemand"] is None
    first, second = api.get(f"/api/v3/meter/{site.m1}/bill").json()
    assert (first["billingPeriod"], second["billingPeriod"]) == (202401, 202402)
    assert first["actualDemand"] == 40
    assert first["actualDemandUnit"]["unitCode"] == "kW"
    assert first["costPerDay"] == pytest.approx(100 / 31)
    assert api.get(f"/api/v3/meter/{site.gas}/bill").json() == []
    assert api.get("/api/v3/meter/99999/bill").status_code == 404


def test_list_filters_and_pages(api: Api) -> None:
    site = Site(api)
    ids = [create(api, body(site.e, [electric(site.m1, "10", f"{p}.00")], period=202400 + p)) for p in (1, 2, 3)]
    ids.append(
        create(
            api,
            body(
                site.g,
                [
                    {
                        "meterId": site.gas,
                        "bodyLines": [
                            {
                                "observationTypeId": USE,
                                "caption": "Gas",
                                "value": "50",
                                "valueUnitId": THERMS,
                                "cost": "75.25",
                            }
                        ],
                    }
                ],
                period=202403,
            ),
        )
    )
    ids.append(create(api, body(site.e, [electric(site.m2, "10", "5.00")], period=202403)))
    page = api.get("/api/v3/bill?pageSize=2&pageNumber=2")
    assert page.status_code == 200
    assert [b["billId"] for b in page.json()] == ids[2:4]
    assert page.headers["TotalNumberOfRecords"] == "5"
    assert page.headers["TotalPages"] == "3"
    assert page.headers["PageSize"] == "2"
    assert api.get("/api/v3/bill?pageNumber=9").json() == []

    def found(text: str) -> list[int]:
        response = api.get("/api/v3/bill", params={"filter": text})
        assert response.status_code == 200, response.text
        return [b["billId"] for b in response.json()]

    assert found(f"accountId equals '{site.g}'") == [ids[3]]
    assert found("accountCode equals 'e-100'") == [ids[0], ids[1], ids[2], ids[4]]
    assert found(f"meterId equals '{site.m2}'") == [ids[4]]
    assert found("meterCode one of 'GAS-1'|'ELEC-2'") == [ids[3], ids[4]]
    assert found("billingPeriod equals '202403'") == [ids[2], ids[3], ids[4]]
    assert found("billingPeriod between '202401'|'202402'") == ids[:2]
    assert found("totalCost greater than '4.50' and totalCost less than '70'") == [ids[4]]
    assert found("beginDate equals '2024-02-01'") == [ids[1]]
    batch_id = api.get(f"/api/v3/bill/{ids[0]}").json()["batch"]["batchId"]
    assert found(f"batchId equals '{batch_id}'") == ids
    api.put("/api/v3/bill/void", json={"ids": [ids[1]], "void": True})
    assert found("void equals 'true'") == [ids[1]]
    assert len(found("void equals 'false'")) == 4


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"filter": "totalCost like '5'"}, "filter"),
        ({"filter": "billingPeriod equals '202413'"}, "filter"),
        ({"filter": "nosuchField equals '1'"}, "filter"),
        ({"filter": "accountId equals '99999999999'"}, "filter"),
        ({"filter": "void equals 'maybe"}, "filter"),
        ({"pageSize": "0"}, "pageSize"),
        ({"pageNumber": "-1"}, "pageNumber"),
    ],
)
def test_malformed_list_parameters_are_400(api: Api, query: dict[str, str], field: str) -> None:
    response = api.get("/api/v3/bill", params=query)
    assert response.status_code == 400, response.text
    assert field in response.json()["modelState"]


def test_edit_replaces_header_and_lines(api: Api) -> None:
    site = Site(api)
    bill_id = create(api, body(site.e, [electric(site.m1, "10", "10.00")], invoiceNumber="OLD", note="n"))
    edit = body(site.e, [electric(site.m1, "20", "20.00"), electric(site.m2, "5", "7.50", demand="3")])
    del edit["manualEntry"]
    edit["controlCode"] = "CC-9"
    response = api.put(f"/api/v3/bill/{bill_id}", json=edit)
    assert response.status_code == 200, response.text
    assert response.json() == {"billId": bill_id}
    bill = api.get(f"/api/v3/bill/{bill_id}").json()
    assert bill["totalCost"] == 27.5
    assert bill["controlCode"] == "CC-9"
    assert bill["invoiceNumber"] is None  # absent in a PUT body means null
    assert bill["billNote"] is None
    assert bill["modifiedBy"]["userCode"] == "admin"
    assert bill["modifiedDate"] == "2024-06-15T09:30:00"
    assert [b["cost"] for b in api.get(f"/api/v3/meter/{site.m2}/bill").json()] == [7.5]
    assert api.get(f"/api/v3/meter/{site.m1}/bill").json()[0]["usage"] == 20
    assert api.put("/api/v3/bill/99999", json=edit).status_code == 404
    assert api.put("/api/v3/bill/abc", json=edit).status_code == 400
    api.put("/api/v3/bill/void", json={"ids": [bill_id], "void": True})
    refused = api.put(f"/api/v3/bill/{bill_id}", json={**edit, "controlCode": "CHANGED"})
    assert refused.status_code == 400
    assert "void" in refused.json()["message"]
    assert api.get(f"/api/v3/bill/{bill_id}").json()["controlCode"] == "CC-9"


def test_void_and_delete_count_what_they_change(api: Api) -> None:
    site = Site(api)
    a, b, c = (create(api, body(site.e, [electric(site.m1, "1", "1.00")], period=p)) for p in (202401, 202402, 202403))
    voided = api.put("/api/v3/bill/void", json={"ids": [a, b, 99999], "void": True})
    assert voided.status_code == 200, voided.text
    assert voided.json() == {"selected": 2, "updated": 2}  # an unknown id is skipped, not selected (§9 D5)
    again = api.put("/api/v3/bill/void", json={"ids": [a, b], "void": True})
    assert again.json() == {"selected": 2, "updated": 0}
    unvoided = api.put("/api/v3/bill/void", json={"ids": [b], "void": False})
    assert unvoided.json() == {"selected": 1, "updated": 1}
    assert [x["void"] for x in api.get("/api/v3/bill").json()] == [True, False, False]
    deleted = api.post("/api/v3/bill/delete", json={"ids": [a, c, 2**40]})
    assert deleted.status_code == 200, deleted.text
    assert deleted.json() == {"selected": 2, "deleted": 2}
    assert [x["billId"] for x in api.get("/api/v3/bill").json()] == [b]
    assert api.get(f"/api/v3/bill/{a}").status_code == 404
    for url, method in (("/api/v3/bill/void", "PUT"), ("/api/v3/bill/delete", "POST")):
        empty = api.request(method, url, json={"ids": [], "void": True})
        assert empty.status_code == 400
        assert "ids" in empty.json()["modelState"]
    missing_flag = api.put("/api/v3/bill/void", json={"ids": [b]})
    assert "void" in missing_flag.json()["modelState"]


def test_batch_header_defaults_apply_to_new_bills(api: Api) -> None:
    site = Site(api)
    batch = api.post(
        "/api/v3/batch",
        json={
            "batchCode": "FEB",
            "statementDate": "2024-02-10T00:00:00.000Z",
            "dueDate": "2024-03-01",
            "controlCode": "CTRL",
            "invoiceNumber": "BATCH-INV",
            "accountPeriodYear": 2024,
            "accountPeriodNumber": 13,
        },
    ).json()
    plain = create(api, body(site.e, [electric(site.m1, "1", "1.00")]))
    own = create(api, body(site.e, [electric(site.m1, "1", "1.00")], period=202402, invoiceNumber="MINE"))
    first, second = (api.get(f"/api/v3/bill/{i}").json() for i in (plain, own))
    assert first["batch"]["batchId"] == batch["batchId"]
    assert first["statementDate"] == "2024-02-10T00:00:00"
    assert first["dueDate"] == "2024-03-01T00:00:00"
    assert first["controlCode"] == "CTRL"
    assert first["invoiceNumber"] == "BATCH-INV"
    assert first["accountPeriod"] == 202413
    assert second["invoiceNumber"] == "MINE"


def test_choosing_the_batch(api: Api) -> None:
    site = Site(api)
    one = api.post("/api/v3/batch", json={"batchCode": "ONE"}).json()["batchId"]
    two = api.post("/api/v3/batch", json={"batchCode": "TWO"}).json()["batchId"]
    payload = body(site.e, [electric(site.m1, "1", "1.00")])
    several = api.post("/api/v3/bill", json=payload)
    assert several.status_code == 400
    assert "batchId" in several.json()["modelState"]
    assert api.get(f"/api/v3/bill/{create(api, {**payload, 'batchId': two})}").json()["batch"]["batchCode"] == "TWO"
    api.put(f"/api/v3/batch/close/{one}")
    closed = api.post("/api/v3/bill", json={**payload, "batchId": one})
    assert closed.status_code == 400
    assert "batchId" in closed.json()["modelState"]
    unknown = api.post("/api/v3/bill", json={**payload, "batchId": 99999})
    assert unknown.status_code == 400
    assert "batchId" in unknown.json()["modelState"]
    clerk = api.key_with("BillsAndBatches:View,Create", user_code="clerk")
    foreign = api.post("/api/v3/bill", json={**payload, "batchId": two}, key=clerk)
    assert foreign.status_code == 403
    manager = api.key_with("BillsAndBatches:View,Create,Manage", user_code="manager")
    create(api, {**payload, "batchId": two}, key=manager)
    assert count(api) == 2


def _bad(api: Api, payload: dict[str, Any], field: str) -> None:
    response = api.post("/api/v3/bill", json=payload)
    assert response.status_code == 400, response.text
    body_json = response.json()
    assert body_json["message"] == "The request is invalid."
    assert field in body_json["modelState"], body_json


def test_bad_bills_are_400_naming_the_field_and_write_nothing(api: Api) -> None:
    site = Site(api)
    good = body(site.e, [electric(site.m1, "1", "1.00")])
    line = good["meters"][0]["bodyLines"][0]
    _bad(api, {**good, "accountId": 99999}, "accountId")
    _bad(api, {**good, "accountId": 2**40}, "accountId")
    _bad(api, {**good, "billingPeriod": 202413}, "billingPeriod")
    _bad(api, {**good, "billingPeriod": 189912}, "billingPeriod")
    _bad(api, {**good, "accountPeriod": 202414}, "accountPeriod")
    _bad(api, {**good, "endDate": "2023-12-01"}, "endDate")
    _bad(api, {**good, "beginDate": "2024-02-30"}, "beginDate")
    _bad(api, {**good, "invoiceNumber": "x" * 33}, "invoiceNumber")
    _bad(api, {**good, "controlCode": "x" * 256}, "controlCode")
    _bad(api, {**good, "note": "x" * 4001}, "note")
    _bad(api, {**good, "meters": [], "accountBodyLines": []}, "meters")
    _bad(api, {k: v for k, v in good.items() if k != "manualEntry"}, "manualEntry")
    _bad(api, body(site.e, [electric(99999, "1", "1.00")]), "meters[0].meterId")
    # The gas meter is on the other account, and linked for 2024 only.
    _bad(api, body(site.e, [electric(site.m1, "1", "1.00"), electric(site.gas, "1", "1.00")]), "meters[1].meterId")
    _bad(api, body(site.g, [electric(site.gas, "1", "1.00")], period=202312), "meters[0].meterId")
    _bad(
        api,
        body(site.e, [{"meterId": site.m1, "bodyLines": [{**line, "caption": "c" * 33}]}]),
        "meters[0].bodyLines[0].caption",
    )
    _bad(
        api,
        body(site.e, [{"meterId": site.m1, "bodyLines": [{**line, "observationTypeId": 999}]}]),
        "meters[0].bodyLines[0].observationTypeId",
    )
    _bad(
        api,
        body(site.e, [{"meterId": site.m1, "bodyLines": [{**line, "valueUnitId": 999}]}]),
        "meters[0].bodyLines[0].valueUnitId",
    )
    _bad(
        api,
        body(site.e, [{"meterId": site.m1, "bodyLines": [{**line, "cost": "1.001"}]}]),
        "meters[0].bodyLines[0].cost",
    )
    _bad(
        api,
        body(site.e, [{"meterId": site.m1, "bodyLines": [{**line, "cost": "1e17"}]}]),
        "meters[0].bodyLines[0].cost",
    )
    _bad(
        api,
        body(site.e, [{"meterId": site.m1, "bodyLines": [{**line, "value": "0.0000001"}]}]),
        "meters[0].bodyLines[0].value",
    )
    _bad(api, body(site.e, [{"meterId": site.m1, "bodyLines": []}]), "meters[0].bodyLines")
    _bad(
        api,
        {**good, "accountBodyLines": [{"observationTypeId": USE, "caption": "Use?", "cost": "1.00"}]},
        "accountBodyLines[0].observationTypeId",
    )
    not_json = api.post("/api/v3/bill", content=b"{not json", headers={"Content-Type": "application/json"})
    assert not_json.status_code == 400
    assert api.post("/api/v3/bill").status_code == 400
    # Nothing was written: no bill, and no batch was opened for any of them.
    assert count(api) == 0
    assert api.get("/api/v3/batch").json() == []


def test_keys_and_permissions(api: Api) -> None:
    site = Site(api)
    payload = body(site.e, [electric(site.m1, "1", "1.00")])
    assert api.get("/api/v3/bill", key=None).status_code == 401
    assert api.post("/api/v3/bill", json=payload, key="not-a-key").status_code == 401
    viewer = api.key_with("BillsAndBatches:View", user_code="viewer")
    assert api.get("/api/v3/bill", key=viewer).status_code == 200
    assert api.post("/api/v3/bill", json=payload, key=viewer).status_code == 403
    bill_id = create(api, payload)
    assert api.put("/api/v3/bill/void", json={"ids": [bill_id], "void": True}, key=viewer).status_code == 403
    assert api.post("/api/v3/bill/delete", json={"ids": [bill_id]}, key=viewer).status_code == 403
    edit = {k: v for k, v in payload.items() if k != "manualEntry"}
    assert api.put(f"/api/v3/bill/{bill_id}", json=edit, key=viewer).status_code == 403
    nobody = api.key_with("Accounts:View", user_code="nobody")
    assert api.get(f"/api/v3/bill/{bill_id}", key=nobody).status_code == 403
    assert api.get(f"/api/v3/meter/{site.m1}/bill", key=nobody).status_code == 403
    assert api.get(f"/api/v3/bill/{bill_id}").json()["void"] is False
    assert api.get("/api/v3/bill/99999").status_code == 404
    assert api.get(f"/api/v3/bill/{2**40}").status_code == 404


def _exact(response: Any) -> Any:
    """The JSON body with numbers read as exact Decimals (the wire writes 2-decimal amounts as short floats)."""
    return json.loads(response.text, parse_float=Decimal)


def test_totals_are_exact_sums_of_the_lines(api: Api) -> None:
    site = Site(api)
    amounts = st.decimals(min_value=-(10**7), max_value=10**7, places=2, allow_nan=False, allow_infinity=False)

    @settings(max_examples=20, deadline=None)
    @given(
        meter_costs=st.lists(st.tuples(st.sampled_from([0, 1]), amounts), min_size=1, max_size=6),
        account_costs=st.lists(amounts, max_size=3),
    )
    def check(meter_costs: list[tuple[int, Decimal]], account_costs: list[Decimal]) -> None:
        meters = [site.m1, site.m2]
        per_meter: dict[int, list[dict[str, Any]]] = {}
        for which, cost in meter_costs:
            per_meter.setdefault(meters[which], []).append(
                {"observationTypeId": COST, "caption": "Charge", "cost": str(cost)}
            )
        payload = body(
            site.e,
            [{"meterId": m, "bodyLines": lines} for m, lines in per_meter.items()],
            accountBodyLines=[{"observationTypeId": TAX, "caption": "Tax", "cost": str(c)} for c in account_costs],
        )
        bill_id = create(api, payload)
        expected = sum((c for _, c in meter_costs), Decimal(0)) + sum(account_costs, Decimal(0))
        assert _exact(api.get(f"/api/v3/bill/{bill_id}"))["totalCost"] == expected
        for meter_id, lines in per_meter.items():
            [on_meter] = [b for b in _exact(api.get(f"/api/v3/meter/{meter_id}/bill")) if b["billId"] == bill_id]
            assert on_meter["cost"] == sum((Decimal(line["cost"]) for line in lines), Decimal(0))
        api.post("/api/v3/bill/delete", json={"ids": [bill_id]})

    check()


def test_empty_header_texts_are_stored_as_no_value(api: Api) -> None:
    """An empty control code or invoice number is no value, also in a batch without header defaults."""
    site = Site(api)
    payload = body(site.e, [electric(site.m1, "100", "10.00")], controlCode="", invoiceNumber="")
    bill = api.get(f"/api/v3/bill/{create(api, payload)}").json()
    assert (bill["controlCode"], bill["invoiceNumber"]) == (None, None)
