"""Builders for master data tests: vendors, places, accounts, meters and links through the API, and the rows
(bills, chargeback versions) other endpoints own, written straight into the database."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from apportion.store.models.bills import Batch, Bill, BillMeter
from apportion.store.models.chargebacks import DistributionVersion, SplitDestination
from apportion.store.models.users import User
from tests.conftest import Api

NOW = datetime(2024, 6, 15, 9, 30)


def vendor(api: Api, code: str = "PPL") -> int:
    """A vendor's id."""
    response = api.post("/api/v3/vendor", json={"vendorCode": code, "vendorInfo": f"Vendor {code}"})
    assert response.status_code == 200, response.text
    return int(response.json()["vendorId"])


def account(api: Api, code: str, vendor_id: int, **extra: Any) -> dict[str, Any]:
    """A created account's response body."""
    body = {
        "accountCode": code,
        "accountInfo": f"Account {code}",
        "accountTypeId": 1,
        "costCenterId": 1,
        "vendorId": vendor_id,
        "country": "US",
    }
    response = api.post("/api/v3/account", json={**body, **extra})
    assert response.status_code == 200, response.text
    return dict(response.json())


def meter(api: Api, code: str, commodity_id: int = 1, meter_type_id: int = 1, **extra: Any) -> dict[str, Any]:
    """A created meter's response body (at the root place unless `placeId` is given)."""
    body = {
        "meterCode": code,
        "meterInfo": f"Meter {code}",
        "commodityId": commodity_id,
        "placeId": 1,
        "meterTypeId": meter_type_id,
        "address": {"country": "US"},
    }
    response = api.post("/api/v3/meter", json={**body, **extra})
    assert response.status_code == 200, response.text
    return dict(response.json())


def link(api: Api, account_id: int, meter_id: int, rate_id: int = 1, **extra: Any) -> dict[str, Any]:
    """A created account-meter link's response body."""
    body = {"accountId": account_id, "meterId": meter_id, "rateId": rate_id, **extra}
    response = api.post("/api/v3/accountmeter", json=[body])
    assert response.status_code == 200, response.text
    return dict(response.json()[0])


def linked_meters(api: Api, *codes: str) -> dict[str, tuple[int, int]]:
    """code -> (account id, meter id): one account per meter (A-<code>), linked, through the API."""
    vendor_id = vendor(api)
    out = {}
    for code in codes:
        account_id = int(account(api, f"A-{code}", vendor_id)["accountId"])
        meter_id = int(meter(api, code)["meterId"])
        link(api, account_id, meter_id)
        out[code] = (account_id, meter_id)
    return out


def bill(api: Api, account_id: int, meter_id: int, begin: date, end: date, cost: str = "100.00") -> int:
    """A bill on the account with one meter total (the rows POST /bill would write), in a new open batch."""
    with api.db.transaction() as session:
        user_id = session.execute(select(User.user_id).where(User.user_code == "admin")).scalar_one()
        batch = Batch(batch_code=f"B{account_id}-{meter_id}-{begin}", status="Open", created_by=user_id, start_date=NOW)
        session.add(batch)
        session.flush()
        period = begin.year * 100 + begin.month
        row = Bill(
            account_id=account_id,
            batch_id=batch.batch_id,
            billing_period=period,
            begin_date=begin,
            end_date=end,
            total_cost=Decimal(cost),
            created_by=user_id,
            created_date=NOW,
        )
        session.add(row)
        session.flush()
        session.add(BillMeter(bill_id=row.bill_id, meter_id=meter_id, billing_period=period, cost=Decimal(cost)))
        return row.bill_id


def bill_exists(api: Api, bill_id: int) -> bool:
    """Whether the bill is still there."""
    with api.db.reading() as session:
        return session.get(Bill, bill_id) is not None


def version(api: Api, kind: str, account_id: int, meter_id: int, destinations: tuple[tuple[int, int], ...] = ()) -> int:
    """A chargeback version of `kind` ("Split" or "Calculation") with split destinations (account, meter)."""
    with api.db.transaction() as session:
        row = DistributionVersion(
            chargeback_type=kind,
            account_id=account_id,
            meter_id=meter_id,
            name=f"{kind} {meter_id}",
            begin_period=202401,
        )
        session.add(row)
        session.flush()
        for position, (dest_account, dest_meter) in enumerate(destinations):
            session.add(
                SplitDestination(
                    version_id=row.version_id,
                    position=position,
                    account_id=dest_account,
                    meter_id=dest_meter,
                    split_percentage=Decimal(100),
                )
            )
        return row.version_id
