"""Calculated bills from a monthly channel follow its reading windows (domain.md §4.4): one bill per reading, readings
already billed skipped, demand the window's peak; billedDemand on meter bills."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from apportion.domain import calculations as calc
from apportion.store.models.bills import Bill, BillMeter
from tests.conftest import Api
from tests.support import chargebacks as cb

D = Decimal


def _channel(api: Api, meter_id: int, kind: str, unit: str, interval: int, code: str) -> int:
    body = {
        "intervalMinutes": interval,
        "observationTypeCode": kind,
        "channelDescription": f"{kind} {interval}",
        "channelImportId": code,
        "channelVersion": {"multiplier": 1, "unitCode": unit, "observationRule": "Trip", "maximumReading": 0},
    }
    created = api.post(f"/api/v202101/meter/{meter_id}/channel", json=body)
    assert created.status_code == 200, created.text
    return int(created.json()["channelId"])


def _read(api: Api, channel_id: int, readings: list[tuple[str, float]]) -> None:
    body = [{"channelId": channel_id, "readings": [{"time": t, "value": v} for t, v in readings]}]
    assert api.post("/api/v3/reading", json=body).json()["importedReadingsCount"] == len(readings)


def _live_bills(api: Api, account_id: int) -> list[tuple[int, date, date, Decimal | None, Decimal | None]]:
    with api.db.reading() as session:
        rows = session.execute(
            select(Bill.billing_period, Bill.begin_date, Bill.end_date, BillMeter.use, BillMeter.demand)
            .join(BillMeter, BillMeter.bill_id == Bill.bill_id)
            .where(Bill.account_id == account_id, Bill.void.is_(False))
            .order_by(Bill.end_date)
        )
        return [tuple(row) for row in rows]  # type: ignore[misc]


def _run(api: Api, period: int) -> dict[str, Any]:
    task = api.post("/api/v3/calculatedBill/exec", json={"billingPeriod": period})
    assert task.status_code == 200, task.text
    return dict(task.json())


def test_one_bill_per_reading_window_and_each_reading_billed_once(api: Api) -> None:
    ids = cb.accounts_and_meters(api.db, ["WIN"])
    account_id, meter_id = ids["WIN"]
    use = _channel(api, meter_id, "use", "kWh", 43200, "WIN-USE")
    peak = _channel(api, meter_id, "demand", "kW", 15, "WIN-KW")
    # Monthly reads; the one taken after noon on 12 April closes the bill on the 13th.
    _read(
        api,
        use,
        [
            ("2024-02-14T09:00:00", 10),
            ("2024-03-14T10:00:00", 100),
            ("2024-04-12T15:00:00", 120),
            ("2024-05-14T08:00:00", 130),
        ],
    )
    # Demand peaks: 55 before noon on the 14th counts in the first window; 90 after noon on 13 April in none billed.
    _read(
        api,
        peak,
        [
            ("2024-02-20T13:00:00", 40),
            ("2024-03-14T11:00:00", 55),
            ("2024-03-20T08:00:00", 70),
            ("2024-04-13T13:00:00", 90),
        ],
    )
    channel = calc.ReadingsChannel(use)
    instructions = calc.CalculatedBillInstructions(
        0, use=channel, cost=calc.FixedCost(D("5.00")), demand=calc.ReadingsChannel(peak)
    )
    version_id = cb.calculated_version(api.db, account_id, meter_id, instructions)

    march = _run(api, 202403)
    assert (march["status"], march["numberOfBillsCreated"]) == ("Completed", 2), march
    assert _live_bills(api, account_id) == [
        (202403, date(2024, 2, 14), date(2024, 3, 14), D("100"), D("55")),
        (202403, date(2024, 3, 14), date(2024, 4, 13), D("120"), D("70")),
    ]
    # April's run sees the 12 April reading again (up to the 16th of May): it is billed already, so it is skipped.
    april = _run(api, 202404)
    assert april["numberOfBillsCreated"] == 1, april
    assert _live_bills(api, account_id)[-1] == (202404, date(2024, 4, 13), date(2024, 5, 14), D("130"), D("90"))
    # A re-run replaces its own period's bills and leaves April's alone.
    again = _run(api, 202403)
    assert again["numberOfBillsCreated"] == 2
    assert [row[2] for row in _live_bills(api, account_id)] == [date(2024, 3, 14), date(2024, 4, 13), date(2024, 5, 14)]
    # A period whose readings are all billed makes no bill and no error; one without readings fails by name.
    assert _run(api, 202405)["numberOfBillsCreated"] == 0
    empty = _run(api, 202408)
    assert empty["numberOfFailedVersions"] == 1
    errors = api.get(f"/api/v3/chargebackTask/{empty['taskId']}/errorOutput").text
    assert f"{version_id},Channel {use} has no readings to bill in period 202408" in errors

    # Meter bills carry the peak as actual and billed demand (the bill does not price demand apart).
    meter_bills = [b for b in api.get(f"/api/v3/meter/{meter_id}/bill").json() if not b["void"]]
    assert [(b["actualDemand"], b["billedDemand"]) for b in meter_bills] == [(55, 55), (70, 70), (90, 90)]
    assert {b["billedDemandUnit"]["unitCode"] for b in meter_bills} == {"kW"}


def test_a_period_total_cost_is_not_charged_to_each_window(api: Api) -> None:
    ids = cb.accounts_and_meters(api.db, ["TOT", "SRC"])
    account_id, meter_id = ids["TOT"]
    use = _channel(api, meter_id, "use", "kWh", 43200, "TOT-USE")
    _read(api, use, [("2024-03-05T09:00:00", 10), ("2024-03-25T09:00:00", 20)])
    cb.bill(api.db, *ids["SRC"], 202403, [(D(100), D("50.00"))])
    copied = calc.CopyFromMeter(ids["SRC"][1], D(100))
    version_id = cb.calculated_version(
        api.db, account_id, meter_id, calc.CalculatedBillInstructions(0, use=calc.ReadingsChannel(use), cost=copied)
    )
    task = _run(api, 202403)
    assert (task["numberOfBillsCreated"], task["numberOfFailedVersions"]) == (0, 1)
    errors = api.get(f"/api/v3/chargebackTask/{task['taskId']}/errorOutput").text
    assert f'{version_id},"Calculated bill version {version_id}: its cost is a total of the billing period' in errors
