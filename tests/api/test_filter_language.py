"""The whole filter language on the lists: date shortcuts on every date field (in the server's time zone, with its
fiscal year), and the documented fields of bills and batches."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import update

from apportion.api.app import zone_clock
from apportion.settings import Settings
from apportion.store.models.organisation import Meter, Place
from tests.conftest import Api
from tests.support import chargebacks as cb

D = Decimal


def _ids(api: Api, url: str, filter_text: str, key: str) -> list[int]:
    response = api.get(url, params={"filter": filter_text})
    assert response.status_code == 200, (filter_text, response.text)
    return [int(row[key]) for row in response.json()]


def test_date_shortcuts_on_billing_periods_follow_today_and_the_fiscal_year(api: Api) -> None:
    ids = cb.accounts_and_meters(api.db, ["FY"])
    # Today is 2024-06-15 (tests.conftest.NOW).
    bills = {period: cb.bill(api.db, *ids["FY"], period, [(D(1), D("1.00"))]) for period in (202206, 202207, 202306)}
    bills |= {period: cb.bill(api.db, *ids["FY"], period, [(D(1), D("1.00"))]) for period in (202307, 202405, 202406)}

    def matching(shortcut: str) -> list[int]:
        found = _ids(api, "/api/v3/bill", f"accountId equals '{ids['FY'][0]}' and billingPeriod {shortcut}", "billId")
        return sorted(period for period, bill_id in bills.items() if bill_id in found)

    assert matching("current month") == [202406]
    assert matching("prior month") == [202405]
    assert matching("prior year") == [202306, 202307]
    assert matching("prior 12 months") == matching("prior 12 months**") == [202306, 202307, 202405]
    assert matching("prior 12 months*") == [202307, 202405, 202406]
    assert matching("year-to-date**") == [202405]
    assert matching("year-to-date*") == matching("year-to-date") == [202405, 202406]
    # A January fiscal year is the calendar year.
    assert matching("prior fiscal year") == [202306, 202307]
    assert matching("fiscal year-to-date*") == [202405, 202406]
    api.client.app.state.settings = Settings(database_url=api.db.url, fiscal_year_start_month=7)  # type: ignore[attr-defined]
    assert matching("prior fiscal year") == [202207, 202306]
    assert matching("fiscal year-to-date*") == [202307, 202405, 202406]
    assert matching("fiscal year-to-date**") == [202307, 202405]
    # Day-wise shortcuts name no billing period.
    refused = api.get("/api/v3/bill", params={"filter": "billingPeriod today"})
    assert refused.status_code == 400
    assert "not allowed for field 'billingPeriod'" in refused.json()["message"] + str(refused.json())


def test_shortcuts_are_accepted_on_every_list_the_issue_names(api: Api) -> None:
    ids = cb.accounts_and_meters(api.db, ["SC"])
    bill_id = cb.bill(api.db, *ids["SC"], 202406, [(D(1), D("1.00"))])
    assert _ids(api, "/api/v3/chargebackTask", "billingPeriod current month", "taskId") == []
    assert api.get("/api/v3/task", params={"filter": "beginDate today"}).status_code == 200
    # The bill runs 2024-06-01 to 2024-07-01; today is 2024-06-15.
    assert bill_id in _ids(api, "/api/v3/bill", "beginDate current month", "billId")
    assert bill_id not in _ids(api, "/api/v3/bill", "beginDate last 7 days", "billId")
    assert bill_id in _ids(api, "/api/v3/bill", "beginDate last 14 days", "billId")
    assert bill_id not in _ids(api, "/api/v3/bill", "endDate last 30 days", "billId")  # it ends after today
    batches = _ids(api, "/api/v3/batch", "beginDate today", "batchId")  # the bills' batch started on NOW
    assert len(batches) == 1


def test_batch_fields_of_the_documented_list(api: Api) -> None:
    ids = cb.accounts_and_meters(api.db, ["B1", "B2"])
    cb.bill(api.db, *ids["B1"], 202405, [(D(1), D("10.10"))])
    cb.bill(api.db, *ids["B2"], 202405, [(D(1), D("2.25"))])
    [batch] = api.get("/api/v3/batch").json()
    batch_id = batch["batchId"]
    assert (batch["billCount"], batch["runningTotal"]) == (2, 12.35)
    cases = {
        "billCount equals '2'": True,
        "billCount greater than '2'": False,
        "runningTotal equals '12.35'": True,
        "runningTotal equals '12.351'": False,
        "runningTotal between '12'|'13'": True,
        "HasImportsWithKickout equals 'false'": True,
        "hasimportswithkickout equals 'true'": False,
        f"fullName equals '{batch['createdBy']['fullName']}'": True,
        "fullName like 'nobody'": False,
        "beginDate today": True,
        "endDate yesterday": False,
        "dueDate prior month": False,
        "accountPeriod current month": False,
        "nextReading last 90 days": False,
    }
    for text, expected in cases.items():
        assert (batch_id in _ids(api, "/api/v3/batch", text, "batchId")) is expected, text


def test_topmost_place_code_finds_bills_under_a_place(api: Api) -> None:
    ids = cb.accounts_and_meters(api.db, ["IN", "OUT"])
    with api.db.transaction() as session:
        campus = Place(place_code="TP-CAMPUS", place_info="Campus", parent_id=1, place_type_id=1)
        session.add(campus)
        session.flush()
        building = Place(place_code="TP-BLDG", place_info="Building", parent_id=campus.place_id, place_type_id=3)
        session.add(building)
        session.flush()
        session.execute(update(Meter).where(Meter.meter_id == ids["IN"][1]).values(place_id=building.place_id))
    inside = cb.bill(api.db, *ids["IN"], 202405, [(D(1), D("1.00"))])
    outside = cb.bill(api.db, *ids["OUT"], 202405, [(D(1), D("1.00"))])
    assert _ids(api, "/api/v3/bill", "topmostPlaceCode equals 'TP-CAMPUS'", "billId") == [inside]
    assert _ids(api, "/api/v3/bill", "topmostPlaceCode equals 'tp-bldg'", "billId") == [inside]
    assert outside in _ids(api, "/api/v3/bill", "topmostPlaceCode not equals 'TP-CAMPUS'", "billId")


def test_the_clock_reads_the_configured_time_zone() -> None:
    kiritimati = zone_clock("Pacific/Kiritimati")()
    honolulu = zone_clock("Pacific/Honolulu")()
    assert round((kiritimati - honolulu).total_seconds() / 3600) == 24
    assert abs(zone_clock("UTC")() - datetime.now(ZoneInfo("UTC")).replace(tzinfo=None)).total_seconds() < 5
    with pytest.raises(ValueError, match="Unknown time zone"):
        Settings(time_zone="Mars/Olympus")
