"""Bill split details (GET/PUT …/billSplit/{versionId}) and split parents through the HTTP API."""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest

from tests.api import master_builders as mb
from tests.conftest import Api
from tests.support import chargeback_builders as cb


@dataclass(frozen=True)
class Setup:
    master_account: int
    master_meter: int
    a1: int
    a2: int
    m1: int
    m2: int
    gas: int
    unlinked: int
    group: int
    version: int
    url: str


def _place(api: Api, code: str, value: int, unit: str) -> int:
    body = {"placeCode": code, "placeInfo": f"Place {code}", "parentPlaceId": 1, "placeTypeId": 3}
    place_id = int(api.post("/api/v3/place", json=body).json()["placeId"])
    size = api.post(
        f"/api/v3/place/{place_id}/size", json={"beginDate": "2020-01-01", "value": value, "unitCode": unit}
    )
    assert size.status_code == 200, size.text
    return place_id


@pytest.fixture
def setup(api: Api) -> Setup:
    vendor_id = mb.vendor(api)
    master_account = mb.account(api, "MASTER", vendor_id)["accountId"]
    a1 = mb.account(api, "TENANT-1", vendor_id)["accountId"]
    a2 = mb.account(api, "TENANT-2", vendor_id)["accountId"]
    north, south = _place(api, "NORTH", 1000, "SQFEET"), _place(api, "SOUTH", 100, "SQMETER")
    master_meter = mb.meter(api, "M-MASTER")["meterId"]
    m1 = mb.meter(api, "M-ONE", placeId=north)["meterId"]
    m2 = mb.meter(api, "M-TWO", placeId=south)["meterId"]
    gas = mb.meter(api, "M-GAS", commodity_id=2)["meterId"]
    unlinked = mb.meter(api, "M-LOOSE")["meterId"]
    for account_id, meter_id in ((master_account, master_meter), (a1, m1), (a2, m2)):
        mb.link(api, account_id, meter_id)
    mb.link(api, a1, gas, rate_id=2)
    group_body = {
        "meterGroupInfo": "Tenants",
        "meterGroupCategoryId": 1,
        "limitMembersByTopmost": False,
        "manualGroupMembers": [m1, m2],
    }
    group = api.post("/api/v3/meterGroup", json=group_body).json()["meterGroupId"]
    version = cb.version(api.db, "Split", master_account, master_meter, begin=202401, end=202412)
    url = f"/api/v3/account/{master_account}/meter/{master_meter}/billSplit/{version}"
    return Setup(master_account, master_meter, a1, a2, m1, m2, gas, unlinked, group, version, url)


def _body(response: Any) -> dict[str, Any]:
    """The JSON body with exact decimals."""
    return dict(json.loads(response.text, parse_float=Decimal))


def _fixed(setup: Setup, first: str = "60.12345678", second: str = "39.87654322") -> dict[str, Any]:
    return {
        "fixedPercentageSplit": [
            {"destinationAccountId": setup.a1, "destinationMeterId": setup.m1, "splitPercentage": first},
            {"destinationAccountId": setup.a2, "destinationMeterId": setup.m2, "splitPercentage": second},
        ]
    }


def test_fixed_percentage_round_trip(api: Api, setup: Setup) -> None:
    empty = api.get(setup.url)
    assert empty.status_code == 200
    assert empty.json()["fixedPercentageSplit"] is None
    assert empty.json()["version"]["versionId"] == setup.version
    saved = api.put(setup.url, json=_fixed(setup))
    assert saved.status_code == 200, saved.text
    body = _body(saved)
    assert body == _body(api.get(setup.url))
    assert body["floorAreaSplit"] is None
    assert body["dynamicPercentageSplit"] is None
    first, second = body["fixedPercentageSplit"]
    assert first["splitPercentage"] == Decimal("60.12345678")
    assert second["splitPercentage"] == Decimal("39.87654322")
    assert first["destinationAccount"]["accountCode"] == "TENANT-1"
    assert first["destinationMeter"]["meterCode"] == "M-ONE"
    assert first["destinationMeter"]["isSplitChildMeter"] is True
    assert first["destinationPlace"]["placeCode"] == "NORTH"
    assert first["destinationPlace"]["currentFloorArea"]["value"] == 1000
    assert first["destinationPlace"]["currentFloorArea"]["unit"]["unitCode"] == "SQFEET"
    assert first["destinationPlace"]["currentFloorArea"]["beginDate"] == "2020-01-01T00:00:00"
    assert body["version"]["meter"]["isSplitParentMeter"] is True


def test_floor_area_percentages_total_exactly_100(api: Api, setup: Setup) -> None:
    body = {
        "floorAreaSplit": [
            {"destinationAccountId": setup.a1, "destinationMeterId": setup.m1, "weightingFactor": 1},
            {"destinationAccountId": setup.a2, "destinationMeterId": setup.m2, "weightingFactor": "2.5"},
        ]
    }
    saved = api.put(setup.url, json=body)
    assert saved.status_code == 200, saved.text
    first, second = _body(saved)["floorAreaSplit"]
    assert (first["weightingFactor"], second["weightingFactor"]) == (1, Decimal("2.5"))
    # 1000 sq ft x 1 against 100 m² (1076.391 sq ft) x 2.5 = 2690.978: 1000 / 3690.978 = 27.09309314 %.
    assert first["splitPercentage"] == Decimal("27.09309314")
    assert second["splitPercentage"] == Decimal("72.90690686")
    assert first["splitPercentage"] + second["splitPercentage"] == 100
    assert second["destinationPlace"]["currentFloorArea"]["unit"]["unitCode"] == "SQMETER"
    assert _body(api.get(setup.url))["fixedPercentageSplit"] is None


def test_dynamic_split_replaces_destinations(api: Api, setup: Setup) -> None:
    assert api.put(setup.url, json=_fixed(setup)).status_code == 200
    dynamic = {
        "dynamicPercentageSplit": {
            "destinationMeterGroupId": setup.group,
            "sourceValueToSplit": "USEANDCOST",
            "destinationShareValue": "Cost",
        }
    }
    saved = api.put(setup.url, json=dynamic)
    assert saved.status_code == 200, saved.text
    body = saved.json()
    assert body["fixedPercentageSplit"] is None
    assert body["dynamicPercentageSplit"]["sourceValueToSplit"] == "useAndCost"
    assert body["dynamicPercentageSplit"]["destinationShareValue"] == "cost"
    assert body["dynamicPercentageSplit"]["destinationMeterGroup"]["meterGroupInfo"] == "Tenants"
    assert api.get(setup.url).json() == body
    # The destinations of the fixed split are gone: the meters are no longer split children.
    meter = api.get(f"/api/v3/meter/{setup.gas}").json()
    assert meter["isSplitChildMeter"] is False


@pytest.mark.parametrize(
    ("make", "field"),
    [
        (lambda s: {**_fixed(s), "floorAreaSplit": [_area(s.a1, s.m1)]}, "fixedPercentageSplit"),
        (lambda _: {}, "fixedPercentageSplit"),
        (lambda _: {"fixedPercentageSplit": []}, "fixedPercentageSplit"),
        (lambda s: _one(s.master_account, s.master_meter), "fixedPercentageSplit[0].destinationAccountId"),
        (lambda s: _one(s.a1, s.gas), "fixedPercentageSplit[0].destinationMeterId"),
        (lambda s: _one(s.a1, s.unlinked), "fixedPercentageSplit[0].destinationMeterId"),
        (lambda s: _one(999999, s.m1), "fixedPercentageSplit[0].destinationAccountId"),
        (lambda s: _one(s.a1, 999999), "fixedPercentageSplit[0].destinationMeterId"),
        (lambda s: _one(s.a1, s.m1, "0"), "fixedPercentageSplit[0].splitPercentage"),
        (lambda s: _one(s.a1, s.m1, "-5"), "fixedPercentageSplit[0].splitPercentage"),
        (lambda s: _one(s.a1, s.m1, "10.123456789"), "fixedPercentageSplit[0].splitPercentage"),
        (lambda s: _one(s.a1, s.m1, "ten"), "fixedPercentageSplit[0].splitPercentage"),
        (lambda s: _fixed(s, "50", "50") | _dup(s), "fixedPercentageSplit[2].destinationMeterId"),
        (lambda s: {"floorAreaSplit": [_area(s.a1, s.m1, "-1")]}, "floorAreaSplit[0].weightingFactor"),
        (lambda s: {"floorAreaSplit": [_area(s.a2, s.m1)]}, "floorAreaSplit[0].destinationMeterId"),
        (lambda _: _dynamic(999999, "use", "use"), "dynamicPercentageSplit.destinationMeterGroupId"),
        (lambda s: _dynamic(s.group, "demand", "use"), "dynamicPercentageSplit.sourceValueToSplit"),
        (lambda s: _dynamic(s.group, "use", "useAndCost"), "dynamicPercentageSplit.destinationShareValue"),
        (
            lambda s: {"dynamicPercentageSplit": {"destinationMeterGroupId": s.group, "sourceValueToSplit": "use"}},
            "dynamicPercentageSplit.destinationShareValue",
        ),
    ],
)
def test_every_rule_is_a_400_naming_the_field_and_writes_nothing(api: Api, setup: Setup, make: Any, field: str) -> None:
    assert api.put(setup.url, json=_fixed(setup)).status_code == 200
    before = api.get(setup.url).json()
    response = api.put(setup.url, json=make(setup))
    assert response.status_code == 400, response.text
    assert field in response.json()["modelState"], response.json()
    assert api.get(setup.url).json() == before


def _one(account_id: int, meter_id: int, percentage: str = "100") -> dict[str, Any]:
    return {
        "fixedPercentageSplit": [
            {"destinationAccountId": account_id, "destinationMeterId": meter_id, "splitPercentage": percentage}
        ]
    }


def _dup(s: Setup) -> dict[str, Any]:
    items = _fixed(s, "50", "50")["fixedPercentageSplit"]
    return {"fixedPercentageSplit": [*items, {**items[0], "splitPercentage": "1"}]}


def _area(account_id: int, meter_id: int, weight: str = "1") -> dict[str, Any]:
    return {"destinationAccountId": account_id, "destinationMeterId": meter_id, "weightingFactor": weight}


def _dynamic(group: int, source: str, share: str) -> dict[str, Any]:
    return {
        "dynamicPercentageSplit": {
            "destinationMeterGroupId": group,
            "sourceValueToSplit": source,
            "destinationShareValue": share,
        }
    }


def test_malformed_body_is_a_400(api: Api, setup: Setup) -> None:
    bad = api.put(setup.url, content=b"{nope", headers={"Content-Type": "application/json"})
    assert bad.status_code == 400


def test_unknown_ids_are_404(api: Api, setup: Setup) -> None:
    s = setup
    calc = cb.version(api.db, "Calculation", s.master_account, s.master_meter, name="Calc", begin=202501)
    other = cb.version(api.db, "Split", s.a1, s.m1, name="Other")
    for url in (
        f"/api/v3/account/999999/meter/{s.master_meter}/billSplit/{s.version}",
        f"/api/v3/account/{s.master_account}/meter/999999/billSplit/{s.version}",
        f"/api/v3/account/{s.master_account}/meter/{s.master_meter}/billSplit/999999",
        f"/api/v3/account/{s.master_account}/meter/{s.master_meter}/billSplit/{calc}",
        f"/api/v3/account/{s.master_account}/meter/{s.master_meter}/billSplit/{other}",
        f"/api/v3/account/{s.master_account}/meter/{s.master_meter}/billSplit/99999999999",
    ):
        assert api.get(url).status_code == 404, url
        assert api.put(url, json=_fixed(s)).status_code == 404, url
    assert api.get(f"/api/v3/account/{s.master_account}/meter/{s.master_meter}/billSplit/abc").status_code == 400


def test_permissions(api: Api, setup: Setup) -> None:
    viewer = api.key_with("Accounts:View", user_code="viewer")
    manager = api.key_with("Chargebacks:Manage", user_code="manager")
    assert api.get(setup.url, key=None).status_code == 401
    assert api.get(setup.url, key=viewer).status_code == 200
    assert api.get(setup.url, key=manager).status_code == 403
    denied = api.put(setup.url, key=viewer, json=_fixed(setup))
    assert denied.status_code == 403
    assert "Chargebacks (Manage)" in denied.json()["message"]
    assert api.put(setup.url, key=manager, json=_fixed(setup)).status_code == 200
    assert api.put(setup.url, key=None, json=_fixed(setup)).status_code == 401


def test_split_parents_of_accounts_and_meters(api: Api, setup: Setup) -> None:
    assert api.get(f"/api/v3/account/{setup.a1}/billSplit/parent").json() == []
    assert api.put(setup.url, json=_fixed(setup)).status_code == 200
    parents = api.get(f"/api/v3/account/{setup.a1}/billSplit/parent").json()
    assert len(parents) == 1
    assert parents[0]["splitParentAccount"]["accountCode"] == "MASTER"
    assert parents[0]["splitParentMeter"]["meterCode"] == "M-MASTER"
    assert (parents[0]["beginPeriod"], parents[0]["endPeriod"]) == (202401, 202412)
    assert api.get(f"/api/v3/meter/{setup.m2}/billSplit/parent").json() == parents
    assert api.get(f"/api/v3/meter/{setup.gas}/billSplit/parent").json() == []
    # A dynamic split reaches the group's meters and the accounts they are linked to.
    later = cb.version(api.db, "Split", setup.master_account, setup.master_meter, name="Dyn", begin=202501)
    url = f"/api/v3/account/{setup.master_account}/meter/{setup.master_meter}/billSplit/{later}"
    assert api.put(url, json=_dynamic(setup.group, "cost", "use")).status_code == 200
    periods = [(p["beginPeriod"], p["endPeriod"]) for p in api.get(f"/api/v3/meter/{setup.m1}/billSplit/parent").json()]
    assert periods == [(202401, 202412), (202501, None)]
    assert len(api.get(f"/api/v3/account/{setup.a2}/billSplit/parent").json()) == 2
    assert api.get("/api/v3/account/999999/billSplit/parent").status_code == 404
    assert api.get("/api/v3/meter/999999/billSplit/parent").status_code == 404
    assert api.get(f"/api/v3/meter/{setup.m1}/billSplit/parent", key=api.key_with("Accounts:View")).status_code == 403
