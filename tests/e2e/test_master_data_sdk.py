"""Vendors, accounts, meters and account-meter links through energycapsdk against the real server process."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from energycap.sdk import models
from msrest.exceptions import HttpOperationError

from tests.e2e.conftest import Server, sdk_client

pytestmark = pytest.mark.e2e


def test_vendor_account_meter_and_link(sdk: Any, unique: Callable[[str], str]) -> None:
    vendor = sdk.create_vendor(models.VendorRequest(vendor_code=unique("V")[:16], vendor_info="Power & Light"))
    assert vendor.vendor_id > 0
    account = sdk.create_account(
        models.AccountCreate(
            account_code=unique("ACCT"),
            account_info="Main building",
            account_type_id=1,
            cost_center_id=1,
            vendor_id=vendor.vendor_id,
            country="US",
        )
    )
    assert account.vendor.vendor_code == vendor.vendor_code
    assert account.active is True
    meter = sdk.create_meter(
        models.MeterCreate(
            meter_code=unique("MTR"),
            meter_info="Electric main",
            commodity_id=1,
            place_id=1,
            meter_type_id=1,
            address=models.AddressChild(country="US"),
        )
    )
    assert meter.commodity.commodity_code == "ELECTRIC"
    [linked] = sdk.create_account_meter(
        [models.AccountMeterRequest(account_id=account.account_id, meter_id=meter.meter_id, rate_id=1)]
    )
    assert linked.account.account_id == account.account_id
    assert linked.meter.meter_id == meter.meter_id
    read = sdk.get_account(account.account_id)
    assert [m.meter_id for m in read.meters] == [meter.meter_id]


def test_unknown_id_is_a_404_and_no_key_a_401(server: Server, sdk: Any) -> None:
    with pytest.raises(HttpOperationError) as missing:
        sdk.get_account(987654321)
    assert missing.value.response.status_code == 404
    anonymous = sdk_client(server.base_url, "not-a-key")
    with pytest.raises(HttpOperationError) as unauthorised:
        anonymous.get_vendors()
    assert unauthorised.value.response.status_code == 401
