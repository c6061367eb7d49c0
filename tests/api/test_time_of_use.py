"""Time-of-use prices of a rate version (an /apportion/v1 extension, docs/rates.md): a submeter billed on its
utility's tariff, its on-peak and off-peak use read from its channels, over real HTTP."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import select

from apportion.domain import calculations as calc
from apportion.store.models.bills import BillLine
from tests.conftest import Api
from tests.support import chargebacks as cb

D = Decimal
ON_PEAK, OFF_PEAK = 4, 5  # seeded observation types


def _channel(api: Api, meter_id: int, observation: str) -> int:
    body = {
        "intervalMinutes": 1440,
        "observationTypeCode": observation,
        "channelVersion": {"multiplier": 1, "unitCode": "kWh", "observationRule": "Trip", "maximumReading": 0},
    }
    response = api.post(f"/api/v202101/meter/{meter_id}/channel", json=body)
    assert response.status_code == 200, response.text
    return int(response.json()["channelId"])


def _read(api: Api, channel_id: int, *values: tuple[str, int]) -> None:
    readings = [{"time": f"{day}T00:00:00", "value": value} for day, value in values]
    response = api.post("/api/v3/reading", json=[{"channelId": channel_id, "readings": readings}])
    assert response.status_code == 200, response.text
    assert response.json()["failedReadingsCount"] == 0, response.text


def _tariff(api: Api, account_id: int, **version: Any) -> tuple[int, int]:
    vendor_id = api.get(f"/api/v3/account/{account_id}").json()["vendor"]["vendorId"]
    rate = api.post("/api/v3/rate", json={"name": "TOU-1", "vendorId": vendor_id, "commodityId": 1})
    rate_id = int(rate.json()["rateId"])
    created = api.post(f"/api/v3/rate/{rate_id}/version", json={"effectiveDate": "2024-01-01", **version})
    assert created.status_code == 200, created.text
    link_id = api.get(f"/api/v3/account/{account_id}").json()["meters"][0]["accountMeterId"]
    assigned = api.put(f"/api/v3/accountmeter/{link_id}/rate", json=[{"rateId": rate_id, "startDate": "2000-01-01"}])
    assert assigned.status_code == 200, assigned.text
    return rate_id, int(created.json()["versionId"])


def _lines(api: Api, bill_id: int) -> list[tuple[int, Decimal | None, Decimal | None]]:
    with api.db.reading() as session:
        rows = session.execute(
            select(BillLine.observation_type_id, BillLine.value, BillLine.cost)
            .where(BillLine.bill_id == bill_id)
            .order_by(BillLine.line_id)
        )
        return [(t, v, c) for t, v, c in rows]


def test_a_submeter_is_billed_by_time_of_use(api: Api) -> None:
    ids = cb.accounts_and_meters(api.db, ["TOU"])
    account_id, meter_id = ids["TOU"]
    total = _channel(api, meter_id, "USE")
    on_peak, off_peak = _channel(api, meter_id, "ONPEAKUSE"), _channel(api, meter_id, "OFFPEAKUSE")
    _read(api, total, ("2024-04-10", 500), ("2024-04-20", 500))
    _read(api, on_peak, ("2024-04-10", 300), ("2024-04-20", 100))
    _read(api, off_peak, ("2024-04-10", 250), ("2024-04-20", 250), ("2024-05-01", 999))  # May is not April's
    rate_id, version_id = _tariff(api, account_id, useUnitCost=0.11, useUnitId=1)
    url = f"/apportion/v1/rate/{rate_id}/version/{version_id}/timeOfUse"
    assert api.get(url).json() == {"rateId": rate_id, "versionId": version_id, "timeOfUse": []}
    prices = [{"observationTypeId": ON_PEAK, "unitCost": 0.2}, {"observationTypeId": OFF_PEAK, "unitCost": 0.08}]
    saved = api.put(url, json=prices)
    assert saved.status_code == 200, saved.text
    assert saved.json()["timeOfUse"] == prices
    assert api.get(url).json()["timeOfUse"] == prices
    use = calc.ReadingsChannel(total)
    cb.calculated_version(api.db, account_id, meter_id, calc.CalculatedBillInstructions(0, use, calc.RateSchedule()))
    task = api.post("/api/v3/calculatedBill/exec", json={"billingPeriod": 202404}).json()
    assert task["status"] == "Completed", task
    [bill] = cb.bills_of_task(api.db, task["taskId"])
    # on-peak 400 x 0.20 + off-peak 500 x 0.08 + the other 100 kWh x 0.11
    assert bill[4] == D("131.00")
    assert _lines(api, bill[0]) == [
        (1, D(1000), D("11.00")),  # the whole use; the time-of-use lines are its parts
        (ON_PEAK, D(400), D("80.00")),
        (OFF_PEAK, D(500), D("40.00")),
    ]
    [meter_bill] = api.get(f"/api/v3/meter/{meter_id}/bill").json()
    assert (meter_bill["usage"], meter_bill["cost"]) == (1000, 131)


def test_a_missing_time_of_use_reading_fails_the_version_by_name(api: Api) -> None:
    ids = cb.accounts_and_meters(api.db, ["TOU"])
    account_id, meter_id = ids["TOU"]
    rate_id, version_id = _tariff(api, account_id, useUnitId=1)
    url = f"/apportion/v1/rate/{rate_id}/version/{version_id}/timeOfUse"
    api.put(
        url, json=[{"observationTypeId": ON_PEAK, "unitCost": 0.2}, {"observationTypeId": OFF_PEAK, "unitCost": 0.1}]
    )
    _read(api, _channel(api, meter_id, "ONPEAKUSE"), ("2024-04-10", 300))
    use = calc.FixedUse(D(300), cb.KWH)
    cb.calculated_version(api.db, account_id, meter_id, calc.CalculatedBillInstructions(0, use, calc.RateSchedule()))
    task = api.post("/api/v3/calculatedBill/exec", json={"billingPeriod": 202404}).json()
    errors = api.get(f"/api/v3/chargebackTask/{task['taskId']}/errorOutput").text
    assert cb.bills_of_task(api.db, task["taskId"]) == []
    assert "observation type 5" in errors


def test_bad_time_of_use_prices_are_400(api: Api) -> None:
    ids = cb.accounts_and_meters(api.db, ["TOU"])
    rate_id, version_id = _tariff(api, ids["TOU"][0], useUnitId=1)
    url = f"/apportion/v1/rate/{rate_id}/version/{version_id}/timeOfUse"
    bad = api.put(
        url,
        json=[
            {"observationTypeId": 3, "unitCost": 1},  # a cost type
            {"observationTypeId": 1, "unitCost": 1},  # plain use: useUnitCost prices it
            {"observationTypeId": 999, "unitCost": 1},
            {"observationTypeId": ON_PEAK, "unitCost": 1},
            {"observationTypeId": ON_PEAK, "unitCost": 2},
        ],
    )
    assert bad.status_code == 400
    assert set(bad.json()["modelState"]) == {
        "[0].observationTypeId",
        "[1].observationTypeId",
        "[2].observationTypeId",
        "[4].observationTypeId",
    }
    assert api.put(url, json=[{"observationTypeId": ON_PEAK, "unitCost": "0.123456789"}]).status_code == 400
    assert api.get(f"/apportion/v1/rate/{rate_id}/version/99999/timeOfUse").status_code == 404
    assert api.put(url, key=api.key_with("RateSchedules:View"), json=[]).status_code == 403
    assert api.get(url).json()["timeOfUse"] == []
