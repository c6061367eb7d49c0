"""Records the SDK tests set up through the SDK itself."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from energycap.sdk import models


def linked_pair(
    sdk: Any, unique: Callable[[str], str], account_info: str = "Main building", meter_info: str = "Electric main"
) -> tuple[int, int]:
    """A new vendor's account linked to a new electric meter at place 1: (account id, meter id)."""
    vendor = sdk.create_vendor(models.VendorRequest(vendor_code=unique("V")[:16], vendor_info="Utility"))
    account = sdk.create_account(
        models.AccountCreate(
            account_code=unique("ACCT"),
            account_info=account_info,
            account_type_id=1,
            cost_center_id=1,
            vendor_id=vendor.vendor_id,
            country="US",
        )
    )
    meter = sdk.create_meter(
        models.MeterCreate(
            meter_code=unique("MTR"),
            meter_info=meter_info,
            commodity_id=1,
            place_id=1,
            meter_type_id=1,
            address=models.AddressChild(country="US"),
        )
    )
    sdk.create_account_meter(
        [models.AccountMeterRequest(account_id=account.account_id, meter_id=meter.meter_id, rate_id=1)]
    )
    return account.account_id, meter.meter_id
