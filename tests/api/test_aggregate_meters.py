"""PUT /api/v202203/utilityPlatform/place/{placeId}/aggregateMeter: create, update, add versions, every rule."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from sqlalchemy import func, select

from apportion.store.models.organisation import AccountMeter, Meter
from tests.api import master_builders as mb
from tests.conftest import Api

HIDDEN = 4
FIRST = date(1899, 1, 1)


@dataclass(frozen=True)
class Setup:
    place: int
    other_place: int
    s1: int
    s2: int
    gas: int
    elsewhere: int
    url: str


def _place(api: Api, code: str) -> int:
    body = {"placeCode": code, "placeInfo": f"Place {code}", "parentPlaceId": 1, "placeTypeId": 3}
    return int(api.post("/api/v3/place", json=body).json()["placeId"])


@pytest.fixture
def setup(api: Api) -> Setup:
    place, other = _place(api, "HALL"), _place(api, "ANNEX")
    s1 = mb.meter(api, "SUB-1", meter_type_id=HIDDEN, placeId=place)["meterId"]
    s2 = mb.meter(api, "SUB-2", meter_type_id=HIDDEN, placeId=place)["meterId"]
    gas = mb.meter(api, "SUB-GAS", commodity_id=2, meter_type_id=HIDDEN, placeId=place)["meterId"]
    elsewhere = mb.meter(api, "SUB-ANNEX", meter_type_id=HIDDEN, placeId=other)["meterId"]
    url = f"/api/v202203/utilityPlatform/place/{place}/aggregateMeter"
    return Setup(place, other, s1, s2, gas, elsewhere, url)


def _request(setup: Setup, **extra: Any) -> dict[str, Any]:
    body = {
        "beginPeriod": 202401,
        "sourceMeterIds": [setup.s1, setup.s2],
        "commodityId": 1,
        "aggregateMeterInfo": "Hall electric",
    }
    return {**body, **extra}


def _meter_count(api: Api) -> int:
    with api.db.reading() as session:
        return int(session.execute(select(func.count()).select_from(Meter)).scalar_one())


def test_create_then_update_the_same_version(api: Api, setup: Setup) -> None:
    created = api.put(setup.url, json=_request(setup))
    assert created.status_code == 200, created.text
    body = created.json()
    version = body["version"]
    assert version["chargebackType"] == "Calculation"
    assert (version["beginPeriod"], version["endPeriod"]) == (202401, None)
    meter = version["meter"]
    assert meter["meterCode"] == f"AGG-{meter['meterId']}"
    assert meter["meterInfo"] == "Hall electric"
    assert meter["meterType"]["meterTypeCode"] == "AGGREGATE"
    assert meter["isCalculatedMeter"] is True
    assert version["account"]["accountInfo"] == "Hall electric"
    assert version["account"]["accountType"]["accountTypeCode"] == "CHARGEBACK"
    assert [m["meterId"] for m in body["use"]["useCalculation"]["sum"]["sumMeters"]] == [setup.s1, setup.s2]
    assert [m["meterId"] for m in body["cost"]["costCalculation"]["sum"]["sumMeters"]] == [setup.s1, setup.s2]
    assert api.get(f"/api/v3/meter/{meter['meterId']}").json()["place"]["placeId"] == setup.place
    listed = api.get("/api/v3/calculatedBill", params={"filter": "calculateBillTypeID equals '3'"}).json()
    assert [v["versionId"] for v in listed] == [version["versionId"]]
    details_url = (
        f"/api/v3/account/{version['account']['accountId']}/meter/{meter['meterId']}/calculatedBill/"
        f"{version['versionId']}"
    )
    assert api.get(details_url).json() == body
    updated = api.put(
        setup.url,
        json=_request(setup, aggregateMeterId=meter["meterId"], sourceMeterIds=[setup.s2], aggregateMeterInfo="Hall"),
    )
    assert updated.status_code == 200, updated.text
    again = updated.json()
    assert again["version"]["versionId"] == version["versionId"]
    assert again["version"]["meter"]["meterInfo"] == "Hall"
    assert again["version"]["account"]["accountInfo"] == "Hall"
    assert [m["meterId"] for m in again["use"]["useCalculation"]["sum"]["sumMeters"]] == [setup.s2]


def test_new_versions_never_overlap(api: Api, setup: Setup) -> None:
    first = api.put(setup.url, json=_request(setup)).json()["version"]
    meter_id = first["meter"]["meterId"]
    later = api.put(setup.url, json=_request(setup, aggregateMeterId=meter_id, beginPeriod=202407)).json()["version"]
    earlier = api.put(setup.url, json=_request(setup, aggregateMeterId=meter_id, beginPeriod=202301)).json()["version"]
    assert len({first["versionId"], later["versionId"], earlier["versionId"]}) == 3
    history = api.get("/api/v3/calculatedBill", params={"filter": f"meterCode equals 'AGG-{meter_id}'"}).json()
    spans = sorted((v["beginPeriod"], v["endPeriod"]) for v in history)
    assert spans == [(202301, 202312), (202401, 202406), (202407, None)]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda s: {"sourceMeterIds": [s.gas]}, "sourceMeterIds[0]"),
        (lambda s: {"sourceMeterIds": [s.s1, s.elsewhere]}, "sourceMeterIds[1]"),
        (lambda s: {"sourceMeterIds": [s.s1, 999999]}, "sourceMeterIds[1]"),
        (lambda s: {"sourceMeterIds": [s.s1, s.s1]}, "sourceMeterIds[1]"),
        (lambda _: {"sourceMeterIds": []}, "sourceMeterIds"),
        (lambda _: {"sourceMeterIds": None}, "sourceMeterIds"),
        (lambda _: {"commodityId": 999}, "commodityId"),
        (lambda _: {"commodityId": None}, "commodityId"),
        (lambda _: {"beginPeriod": 202413}, "beginPeriod"),
        (lambda _: {"beginPeriod": None}, "beginPeriod"),
        (lambda _: {"aggregateMeterInfo": "x" * 51}, "aggregateMeterInfo"),
        (lambda _: {"aggregateMeterId": 999999}, "aggregateMeterId"),
        (lambda s: {"aggregateMeterId": s.s1, "sourceMeterIds": [s.s2]}, "aggregateMeterId"),
    ],
)
def test_every_rule_is_a_400_and_writes_nothing(api: Api, setup: Setup, change: Any, field: str) -> None:
    before = _meter_count(api)
    response = api.put(setup.url, json=_request(setup, **change(setup)))
    assert response.status_code == 400, response.text
    assert field in response.json()["modelState"], response.json()
    assert _meter_count(api) == before
    assert api.get("/api/v3/calculatedBill").json() == []


def test_existing_aggregate_rules(api: Api, setup: Setup) -> None:
    created = api.put(setup.url, json=_request(setup)).json()["version"]
    meter_id = created["meter"]["meterId"]
    other_url = f"/api/v202203/utilityPlatform/place/{setup.other_place}/aggregateMeter"
    moved = api.put(other_url, json=_request(setup, aggregateMeterId=meter_id, sourceMeterIds=[setup.elsewhere]))
    assert "aggregateMeterId" in moved.json()["modelState"]
    gas = api.put(setup.url, json=_request(setup, aggregateMeterId=meter_id, commodityId=2, sourceMeterIds=[setup.gas]))
    assert "aggregateMeterId" in gas.json()["modelState"]
    itself = api.put(setup.url, json=_request(setup, aggregateMeterId=meter_id, sourceMeterIds=[meter_id]))
    assert "sourceMeterIds[0]" in itself.json()["modelState"]
    second_account = mb.account(api, "SECOND", mb.vendor(api))["accountId"]
    with api.db.transaction() as session:  # a second account on the meter (as a deregulated setup would have)
        session.add(AccountMeter(account_id=second_account, meter_id=meter_id, begin_date=FIRST, end_date=FIRST))
    two = api.put(setup.url, json=_request(setup, aggregateMeterId=meter_id))
    assert two.status_code == 400
    assert "exactly 1 account" in two.json()["modelState"]["aggregateMeterId"][0]
    assert api.get(f"/api/v3/meter/{meter_id}").json()["meterInfo"] == "Hall electric"


def test_unknown_place_and_permissions(api: Api, setup: Setup) -> None:
    missing = api.put("/api/v202203/utilityPlatform/place/999999/aggregateMeter", json=_request(setup))
    assert missing.status_code == 404
    assert api.put(setup.url, key=None, json=_request(setup)).status_code == 401
    viewer = api.key_with("Meters:View", "Chargebacks:Manage", user_code="viewer")
    denied = api.put(setup.url, key=viewer, json=_request(setup))
    assert denied.status_code == 403
    assert "Meters (Create)" in denied.json()["message"]
    creator = api.key_with("Meters:Create", user_code="creator")
    assert api.put(setup.url, key=creator, json=_request(setup)).status_code == 200
