"""Account-meter links through the HTTP API: array create (all or nothing), overlaps, edit and delete."""

from __future__ import annotations

from datetime import date
from typing import Any

from tests.api.master_builders import account, bill, bill_exists, link, meter, vendor, version
from tests.conftest import Api


def _setup(api: Api) -> tuple[int, int, int, int]:
    vendor_id = vendor(api)
    a1, a2 = account(api, "A1", vendor_id), account(api, "A2", vendor_id)
    m1, m2 = meter(api, "M1"), meter(api, "M2")
    return a1["accountId"], a2["accountId"], m1["meterId"], m2["meterId"]


def _links(api: Api) -> int:
    return sum(len(a["meters"]) for a in api.get("/api/v3/account").json())


def test_create_an_array_of_links(api: Api) -> None:
    a1, a2, m1, m2 = _setup(api)
    body: list[dict[str, Any]] = [
        {"accountId": a1, "meterId": m1, "rateId": 1, "beginDate": "2020-01-01T00:00:00.000Z", "endDate": "2023-01-01"},
        {"accountId": a2, "meterId": m1, "rateId": 1, "beginDate": "2023-01-01", "deregulated": False},
        {"accountId": a2, "meterId": m2, "rateId": 1, "vendorTypeId": 2},
    ]
    response = api.post("/api/v3/accountmeter", json=body)
    assert response.status_code == 200, response.text
    first, second, third = response.json()
    assert first["account"]["accountCode"] == "A1"
    assert first["account"]["vendor"]["vendorCode"] == "PPL"
    assert first["account"]["hasSplitParentMeter"] is False
    assert first["meter"]["meterCode"] == "M1"
    assert first["meter"]["commodity"]["commodityCode"] == "ELECTRIC"
    assert first["meter"]["meterType"]["meterTypeCode"] == "STANDARD"
    assert first["beginDate"] == "2020-01-01T00:00:00"
    assert first["endDate"] == "2023-01-01T00:00:00"
    assert first["deregulated"] is False
    assert first["generalLedger"] is None
    assert first["formTemplates"] == []
    assert first["vendorType"] == {"vendorTypeId": 1, "vendorTypeCode": "UTILITY"}
    assert first["rates"] == [
        {
            "rate": {"rateId": 1, "name": "Electric flat rate"},
            "startDate": "2020-01-01T00:00:00",
            "endDate": "2023-01-01T00:00:00",
        }
    ]
    assert second["beginDate"] == "2023-01-01T00:00:00"
    assert second["endDate"] == "3000-01-01T00:00:00"
    assert third["vendorType"]["vendorTypeCode"] == "INTERNAL"
    assert third["beginDate"] == "1899-01-01T00:00:00"
    assert _links(api) == 3


def test_one_bad_element_writes_none(api: Api) -> None:
    a1, a2, m1, m2 = _setup(api)
    good = {"accountId": a1, "meterId": m1, "rateId": 1}
    cases: list[tuple[dict[str, Any], str]] = [
        ({"accountId": 999, "meterId": m2, "rateId": 1}, "[1].accountId"),
        ({"accountId": a2, "meterId": 999, "rateId": 1}, "[1].meterId"),
        ({"accountId": a2, "meterId": m2, "rateId": 999}, "[1].rateId"),
        ({"accountId": a2, "meterId": m2, "rateId": 2}, "[1].rateId"),
        ({"accountId": a2, "meterId": m2, "rateId": 1, "vendorTypeId": 9}, "[1].vendorTypeId"),
        (
            {"accountId": a2, "meterId": m2, "rateId": 1, "beginDate": "2022-01-01", "endDate": "2021-01-01"},
            "[1].endDate",
        ),
        ({"accountId": a2, "meterId": m2, "rateId": 1, "beginDate": "2022-02-30"}, "[1].beginDate"),
        ({"accountId": a2, "meterId": m1, "rateId": 1}, "[1].meterId"),
        ({"accountId": a2, "meterId": m2}, "[1].rateId"),
    ]
    for bad, field in cases:
        response = api.post("/api/v3/accountmeter", json=[good, bad])
        assert response.status_code == 400, (bad, response.text)
        assert field in response.json()["modelState"], (bad, response.json())
    assert _links(api) == 0
    assert api.post("/api/v3/accountmeter", json=[]).status_code == 400
    assert api.post("/api/v3/accountmeter", json=good).status_code == 400


def test_overlaps(api: Api) -> None:
    a1, a2, m1, _m2 = _setup(api)
    link(api, a1, m1, beginDate="2020-01-01", endDate="2022-01-01")
    touching = api.post(
        "/api/v3/accountmeter", json=[{"accountId": a2, "meterId": m1, "rateId": 1, "beginDate": "2022-01-01"}]
    )
    assert touching.status_code == 200, touching.text
    overlapping = api.post(
        "/api/v3/accountmeter",
        json=[{"accountId": a1, "meterId": m1, "rateId": 1, "beginDate": "2019-01-01", "endDate": "2020-06-01"}],
    )
    assert overlapping.status_code == 400
    assert "[0].meterId" in overlapping.json()["modelState"]
    vendor_id = vendor(api, "SUPPLY")
    supplier = account(api, "S1", vendor_id)["accountId"]
    m3 = meter(api, "M3")["meterId"]
    pair = [
        {"accountId": a1, "meterId": m3, "rateId": 1, "deregulated": True},
        {"accountId": supplier, "meterId": m3, "rateId": 1, "deregulated": True},
    ]
    assert api.post("/api/v3/accountmeter", json=pair).status_code == 200
    third = api.post("/api/v3/accountmeter", json=[{"accountId": a2, "meterId": m3, "rateId": 1}])
    assert third.status_code == 400


def test_edit_dates_and_delete_bills(api: Api) -> None:
    a1, _a2, m1, _m2 = _setup(api)
    created = link(api, a1, m1, beginDate="2020-01-01")
    link_id = created["accountMeterId"]
    early = bill(api, a1, m1, date(2020, 3, 1), date(2020, 4, 1))
    late = bill(api, a1, m1, date(2024, 3, 1), date(2024, 4, 1))
    edit = {"beginDate": "2021-01-01"}
    refused = api.put(f"/api/v3/accountmeter/{link_id}", json=edit)
    assert refused.status_code == 400
    assert "deleteBills" in refused.json()["modelState"]
    assert bill_exists(api, early)
    edited = api.put(f"/api/v3/accountmeter/{link_id}?deleteBills=true", json=edit)
    assert edited.status_code == 200, edited.text
    assert edited.json()["beginDate"] == "2021-01-01T00:00:00"
    assert edited.json()["endDate"] == "3000-01-01T00:00:00"
    assert not bill_exists(api, early)
    assert bill_exists(api, late)
    ended = api.put(f"/api/v3/accountmeter/{link_id}", json={"endDate": "2025-01-01", "vendorTypeId": 2})
    assert ended.json()["endDate"] == "2025-01-01T00:00:00"
    assert ended.json()["vendorType"]["vendorTypeId"] == 2
    backwards = api.put(f"/api/v3/accountmeter/{link_id}", json={"endDate": "2020-01-01"})
    assert "endDate" in backwards.json()["modelState"]
    out_of_range = api.put(f"/api/v3/accountmeter/{link_id}", json={"endDate": "3001-01-01"})
    assert "endDate" in out_of_range.json()["modelState"]
    assert api.put("/api/v3/accountmeter/999", json=edit).status_code == 404

    refused_delete = api.delete(f"/api/v3/accountmeter/{link_id}")
    assert refused_delete.status_code == 400
    assert api.delete(f"/api/v3/accountmeter/{link_id}?deleteBills=true").status_code == 204
    assert not bill_exists(api, late)
    assert api.delete(f"/api/v3/accountmeter/{link_id}").status_code == 404


def test_edit_refuses_an_overlap(api: Api) -> None:
    a1, a2, m1, _m2 = _setup(api)
    first = link(api, a1, m1, endDate="2020-01-01")
    link(api, a2, m1, beginDate="2020-01-01")
    clash = api.put(f"/api/v3/accountmeter/{first['accountMeterId']}", json={"endDate": "2021-01-01"})
    assert clash.status_code == 400
    assert "beginDate" in clash.json()["modelState"]


def test_delete_refused_while_versions_use_the_pair(api: Api) -> None:
    a1, a2, m1, m2 = _setup(api)
    source = link(api, a1, m1)
    link(api, a2, m2)
    version(api, "Calculation", a1, m1)
    refused = api.delete(f"/api/v3/accountmeter/{source['accountMeterId']}?deleteBills=true")
    assert refused.status_code == 400
    assert "version" in refused.json()["message"]


def test_permissions(api: Api) -> None:
    a1, _a2, m1, _m2 = _setup(api)
    viewer = api.key_with("Accounts:View")
    denied = api.post("/api/v3/accountmeter", key=viewer, json=[{"accountId": a1, "meterId": m1, "rateId": 1}])
    assert denied.status_code == 403
    created = link(api, a1, m1)
    assert api.put(f"/api/v3/accountmeter/{created['accountMeterId']}", key=viewer, json={}).status_code == 403
    assert api.delete(f"/api/v3/accountmeter/{created['accountMeterId']}", key=viewer).status_code == 403
    assert api.delete(f"/api/v3/accountmeter/{created['accountMeterId']}", key=None).status_code == 401
