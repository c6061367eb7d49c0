"""Calculated bill details (GET …/calculatedBill/{versionId}, GET/PUT …/use, cost, demand, line items)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest

from apportion.store.models.chargebacks import DistributionVersion
from apportion.store.models.organisation import MeterGroup
from tests.api import master_builders as mb
from tests.conftest import Api
from tests.support import chargeback_builders as cb


@dataclass(frozen=True)
class Setup:
    account: int
    meter: int
    s1: int
    s2: int
    group: int
    auto_group: int
    channel: int
    version: int
    url: str


@pytest.fixture
def setup(api: Api) -> Setup:
    vendor_id = mb.vendor(api)
    account = mb.account(api, "CALC", vendor_id)["accountId"]
    meter = mb.meter(api, "M-CALC")["meterId"]
    mb.link(api, account, meter)
    s1 = mb.meter(api, "M-S1")["meterId"]
    s2 = mb.meter(api, "M-S2")["meterId"]
    group_body = {
        "meterGroupInfo": "Submeters",
        "meterGroupCategoryId": 1,
        "limitMembersByTopmost": False,
        "manualGroupMembers": [s1, s2],
    }
    group = api.post("/api/v3/meterGroup", json=group_body).json()["meterGroupId"]
    with api.db.transaction() as session:
        auto = MeterGroup(meter_group_code="AUTO", meter_group_info="Auto", auto_group=True)
        session.add(auto)
        session.flush()
        auto_group = auto.meter_group_id
    channel_body = {
        "intervalMinutes": 43200,
        "observationTypeCode": "use",
        "channelVersion": {"multiplier": 1, "unitCode": "kWh", "observationRule": "Trip", "maximumReading": 0},
    }
    channel = api.post(f"/api/v202101/meter/{s1}/channel", json=channel_body).json()["channelId"]
    version = cb.version(api.db, "Calculation", account, meter, begin=202401)
    url = f"/api/v3/account/{account}/meter/{meter}/calculatedBill/{version}"
    return Setup(account, meter, s1, s2, group, auto_group, channel, version, url)


def _body(response: Any) -> Any:
    return json.loads(response.text, parse_float=Decimal)


def _stored(api: Api, version_id: int) -> dict[str, Any]:
    with api.db.reading() as session:
        row = session.get(DistributionVersion, version_id)
        assert row is not None
        return dict(row.instructions or {})


def test_empty_version_has_null_parts(api: Api, setup: Setup) -> None:
    body = api.get(setup.url).json()
    assert body["version"]["versionId"] == setup.version
    assert body["version"]["chargebackType"] == "Calculation"
    assert body["use"] == dict.fromkeys(body["use"])
    assert body["cost"] == dict.fromkeys(body["cost"])
    assert body["meterLineItems"] == []
    assert body["accountLineItems"] == []


def test_use_options_round_trip_and_replace(api: Api, setup: Setup) -> None:
    use = setup.url + "/use"
    fixed = api.put(use, json={"fixedAmount": {"fixedUseAmount": "1234.567891", "unitId": 1}})
    assert fixed.status_code == 200, fixed.text
    assert _body(fixed)["fixedAmount"] == {
        "amount": Decimal("1234.567891"),
        "unit": {"unitId": 1, "unitCode": "kWh", "unitInfo": "Kilowatt-hours"},
    }
    # Decimals are stored as strings, never as floats.
    assert _stored(api, setup.version)["use"] == {"fixedAmount": {"fixedUseAmount": "1234.567891", "unitId": 1}}
    calc_body = {"useCalculation": {"sum": {"sumMeterIds": [setup.s1], "sumMeterGroupIds": [setup.group]}}}
    summed = api.put(use, json=calc_body)
    assert summed.status_code == 200, summed.text
    body = summed.json()
    assert body["fixedAmount"] is None
    assert [m["meterCode"] for m in body["useCalculation"]["sum"]["sumMeters"]] == ["M-S1"]
    assert [g["meterGroupInfo"] for g in body["useCalculation"]["sum"]["sumMeterGroups"]] == ["Submeters"]
    assert body["useCalculation"]["subtract"] == {"subtractMeters": [], "subtractMeterGroups": []}
    assert api.get(use).json() == body
    copied = api.put(use, json={"copyUseFromMeter": {"meterId": setup.s2, "percentage": "50.5"}}).json()
    assert copied["copyUseFromMeter"]["meter"]["meterCode"] == "M-S2"
    assert copied["copyUseFromMeter"]["percentage"] == 50.5
    channel = api.put(use, json={"readingsChannelId": setup.channel}).json()
    assert channel["readingsFromChannel"]["channelId"] == setup.channel
    assert channel["readingsFromChannel"]["interval"] == 2592000
    assert channel["readingsFromChannel"]["type"]["observationTypeCode"] == "USE"
    calendarized = api.put(use, json={"calendarizedUseCalculation": {"sum": {"sumMeterIds": [setup.s1, setup.s2]}}})
    assert [m["meterId"] for m in calendarized.json()["calendarizedUseCalculation"]["calendarizedSum"]] == [
        setup.s1,
        setup.s2,
    ]


def test_cost_demand_and_line_items(api: Api, setup: Setup) -> None:
    cost = api.put(setup.url + "/cost", json={"fixedUnitCost": {"unitCost": "0.12345678", "unitId": 1}})
    assert cost.status_code == 200, cost.text
    assert _body(cost)["fixedUnitCost"]["amount"] == Decimal("0.12345678")
    rate = api.put(setup.url + "/cost", json={"useCurrentMetersRateSchedule": True}).json()
    assert rate["fixedUnitCost"] is None
    assert rate["rateSchedule"]["rateId"] == 1
    assert rate["rateSchedule"]["commodity"]["commodityId"] == 1
    fixed = api.put(setup.url + "/cost", json={"fixedAmount": "99.95"})
    assert _body(fixed)["fixedAmount"] == Decimal("99.95")
    subtract = {"costCalculation": {"subtract": {"subtractMeterIds": [setup.s2]}, "sum": {"sumMeterIds": [setup.s1]}}}
    assert (
        api.put(setup.url + "/cost", json=subtract).json()["costCalculation"]["subtract"]["subtractMeters"][0][
            "meterId"
        ]
        == setup.s2
    )
    assert api.put(setup.url + "/cost", json={"unitCostMeterId": setup.s1}).json()["unitCostFromMeter"]["meterId"] == (
        setup.s1
    )
    demand = api.put(setup.url + "/demand", json={"fixedDemand": {"fixedDemandAmount": "42.5", "unitId": 20}})
    assert demand.status_code == 200, demand.text
    assert demand.json()["fixedDemand"]["unit"]["unitCode"] == "kW"
    cleared = api.put(setup.url + "/demand", json={})
    assert cleared.status_code == 200
    assert cleared.json() == {"readingsFromChannel": None, "fixedDemand": None, "readingsFromWatticsDataPoint": None}
    items = [
        {"observationTypeId": 6, "caption": "Customer charge", "calculationType": "fixed", "value": "12.50"},
        {"caption": "Subtotal", "calculationType": "Subtotal"},
        {"observationTypeId": 8, "caption": "Tax", "calculationType": "Percentage", "value": "6.12345678"},
    ]
    saved = api.put(setup.url + "/meterLineItem", json=items)
    assert saved.status_code == 200, saved.text
    body = _body(saved)
    assert [i["calculationType"] for i in body] == ["Fixed", "Subtotal", "Percentage"]
    assert [i["caption"] for i in body] == ["Customer charge", "Subtotal", "Tax"]
    assert body[0]["observationType"]["observationTypeCode"] == "CUSTOMERCHARGE"
    assert body[1]["observationType"] is None
    assert body[2]["value"] == Decimal("6.12345678")
    assert _body(api.get(setup.url + "/meterLineItem")) == body
    account_items = [{"observationTypeId": 9, "caption": "Admin fee", "calculationType": "Percentage", "value": "2"}]
    assert api.put(setup.url + "/accountLineItem", json=account_items).status_code == 200
    details = api.get(setup.url).json()
    assert details["cost"]["unitCostFromMeter"]["meterId"] == setup.s1
    assert details["demand"]["fixedDemand"] is None
    assert [i["caption"] for i in details["meterLineItems"]] == ["Customer charge", "Subtotal", "Tax"]
    assert [i["caption"] for i in details["accountLineItems"]] == ["Admin fee"]
    assert api.put(setup.url + "/meterLineItem", json=[]).json() == []
    assert api.get(setup.url).json()["accountLineItems"][0]["caption"] == "Admin fee"


USE_ERRORS = [
    ({}, "readingsChannelId"),
    ({"readingsChannelId": 5, "fixedAmount": {"fixedUseAmount": 1, "unitId": 1}}, "fixedAmount"),
    ({"fixedAmount": {"fixedUseAmount": "1.1234567", "unitId": 1}}, "fixedAmount.fixedUseAmount"),
    ({"fixedAmount": {"fixedUseAmount": 1, "unitId": 999}}, "fixedAmount.unitId"),
    ({"fixedAmount": {"fixedUseAmount": -1e20, "unitId": 1}}, "fixedAmount.fixedUseAmount"),  # beyond NUMERIC(24, 6)
    ({"fixedAmount": {"unitId": 1}}, "fixedAmount.fixedUseAmount"),
    ({"readingsChannelId": 999999}, "readingsChannelId"),
    ({"useWatticsDataPoint": True}, "useWatticsDataPoint"),
    ({"copyUseFromMeter": {"meterId": 999999, "percentage": 10}}, "copyUseFromMeter.meterId"),
    ({"copyUseFromMeter": {"meterId": "SELF", "percentage": 10}}, "copyUseFromMeter.meterId"),
    ({"copyUseFromMeter": {"meterId": "S1", "percentage": "1.123456789"}}, "copyUseFromMeter.percentage"),
    ({"useCalculation": {}}, "useCalculation"),
    ({"useCalculation": {"sum": {"sumMeterIds": ["S1", 999999]}}}, "useCalculation.sum.sumMeterIds[1]"),
    ({"useCalculation": {"sum": {"sumMeterGroupIds": ["AUTO"]}}}, "useCalculation.sum.sumMeterGroupIds[0]"),
    (
        {"useCalculation": {"subtract": {"subtractMeterGroupIds": [999]}}},
        "useCalculation.subtract.subtractMeterGroupIds[0]",
    ),
    ({"calendarizedUseCalculation": {"sum": {"sumMeterIds": []}}}, "calendarizedUseCalculation.sum.sumMeterIds"),
]


def _resolve(value: Any, setup: Setup) -> Any:
    """Replace the placeholders SELF, S1 and AUTO with the setup's ids."""
    names = {"SELF": setup.meter, "S1": setup.s1, "AUTO": setup.auto_group}
    if isinstance(value, dict):
        return {k: _resolve(v, setup) for k, v in value.items()}
    if isinstance(value, list):
        return [_resolve(v, setup) for v in value]
    return names.get(value, value) if isinstance(value, str) else value


@pytest.mark.parametrize(("body", "field"), USE_ERRORS)
def test_use_rules_are_400_naming_the_field(api: Api, setup: Setup, body: dict[str, Any], field: str) -> None:
    assert api.put(setup.url + "/use", json={"fixedAmount": {"fixedUseAmount": 5, "unitId": 1}}).status_code == 200
    before = _stored(api, setup.version)
    response = api.put(setup.url + "/use", json=_resolve(body, setup))
    assert response.status_code == 400, response.text
    assert field in response.json()["modelState"], response.json()
    assert _stored(api, setup.version) == before


@pytest.mark.parametrize(
    ("part", "body", "field"),
    [
        ("cost", {}, "useCurrentMetersRateSchedule"),
        ("cost", {"useCurrentMetersRateSchedule": False}, "useCurrentMetersRateSchedule"),
        ("cost", {"fixedAmount": "1.005"}, "fixedAmount"),
        ("cost", {"fixedAmount": "1e16"}, "fixedAmount"),
        ("cost", {"fixedUnitCost": {"unitCost": "-1e16", "unitId": 1}}, "fixedUnitCost.unitCost"),
        ("cost", {"fixedAmount": 1, "unitCostMeterId": "S1"}, "fixedAmount"),
        ("cost", {"unitCostMeterId": 999999}, "unitCostMeterId"),
        ("cost", {"fixedUnitCost": {"unitCost": 1, "unitId": 999}}, "fixedUnitCost.unitId"),
        ("cost", {"copyCostFromMeter": {"meterId": "SELF", "percentage": 1}}, "copyCostFromMeter.meterId"),
        ("cost", {"costCalculation": {"sum": {"sumMeterIds": [999999]}}}, "costCalculation.sum.sumMeterIds[0]"),
        ("demand", {"fixedDemand": {"fixedDemandAmount": "1.1234567", "unitId": 20}}, "fixedDemand.fixedDemandAmount"),
        ("demand", {"fixedDemand": {"fixedDemandAmount": 1, "unitId": 999}}, "fixedDemand.unitId"),
        ("demand", {"fixedDemand": {"fixedDemandAmount": 1e18, "unitId": 20}}, "fixedDemand.fixedDemandAmount"),
        ("demand", {"readingsChannelId": 999999}, "readingsChannelId"),
        ("demand", {"useWatticsDataPoint": True}, "useWatticsDataPoint"),
        ("meterLineItem", [{"caption": "x", "calculationType": "Other"}], "[0].calculationType"),
        ("meterLineItem", [{"calculationType": "Subtotal"}], "[0].caption"),
        ("meterLineItem", [{"caption": "x" * 33, "calculationType": "Subtotal"}], "[0].caption"),
        ("meterLineItem", [{"caption": "x", "calculationType": "Fixed", "observationTypeId": 6}], "[0].value"),
        ("meterLineItem", [{"caption": "x", "calculationType": "Fixed", "value": 1}], "[0].observationTypeId"),
        (
            "meterLineItem",
            [{"caption": "x", "calculationType": "Fixed", "value": "1.001", "observationTypeId": 6}],
            "[0].value",
        ),
        (
            "meterLineItem",
            [{"caption": "x", "calculationType": "Fixed", "value": 1, "observationTypeId": 99}],
            "[0].observationTypeId",
        ),
        (
            "accountLineItem",
            [{"caption": "x", "calculationType": "Fixed", "value": 1, "observationTypeId": 1}],
            "[0].observationTypeId",
        ),
    ],
)
def test_cost_demand_and_line_item_rules(api: Api, setup: Setup, part: str, body: Any, field: str) -> None:
    before = _stored(api, setup.version)
    response = api.put(f"{setup.url}/{part}", json=_resolve(body, setup))
    assert response.status_code == 400, response.text
    assert field in response.json()["modelState"], response.json()
    assert _stored(api, setup.version) == before


def test_unknown_ids_are_404(api: Api, setup: Setup) -> None:
    s = setup
    split = cb.version(api.db, "Split", s.account, s.meter, name="A split")
    prefix = f"/api/v3/account/{s.account}/meter/{s.meter}/calculatedBill"
    for url in (
        f"/api/v3/account/999999/meter/{s.meter}/calculatedBill/{s.version}",
        f"/api/v3/account/{s.account}/meter/999999/calculatedBill/{s.version}",
        f"{prefix}/999999",
        f"{prefix}/{split}",
        f"/api/v3/account/{s.account}/meter/{s.s1}/calculatedBill/{s.version}",
    ):
        assert api.get(url).status_code == 404, url
        for part, body in (("use", {"readingsChannelId": s.channel}), ("cost", {"fixedAmount": 1}), ("demand", {})):
            assert api.get(f"{url}/{part}").status_code == 404
            assert api.put(f"{url}/{part}", json=body).status_code == 404
        assert api.put(f"{url}/meterLineItem", json=[]).status_code == 404
        assert api.get(f"{url}/accountLineItem").status_code == 404


def test_permissions(api: Api, setup: Setup) -> None:
    viewer = api.key_with("Meters:View", user_code="viewer")
    manager = api.key_with("Chargebacks:Manage", user_code="manager")
    assert api.get(setup.url, key=None).status_code == 401
    assert api.get(setup.url, key=viewer).status_code == 200
    assert api.get(setup.url + "/use", key=manager).status_code == 403
    body = {"fixedAmount": "10"}
    assert api.put(setup.url + "/cost", key=viewer, json=body).status_code == 403
    assert api.put(setup.url + "/cost", key=manager, json=body).status_code == 200
    assert api.put(setup.url + "/meterLineItem", key=None, json=[]).status_code == 401
