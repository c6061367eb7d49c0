"""A user limited to a topmost place and one limited to a topmost cost center, through energycapsdk: create_user
and edit_user keep the topmost ids, the available places / cost centers for topmost ids, and what each user sees."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import pytest
from energycap.sdk import models
from msrest.exceptions import HttpOperationError

from apportion.services.access import auth
from apportion.store.database import Database
from tests.e2e.conftest import Server, sdk_client

pytestmark = pytest.mark.e2e


def _branch(sdk: Any, unique: Callable[[str], str], vendor_id: int) -> tuple[int, int, int, int]:
    """A place and a cost center under the roots, holding one linked account and meter: their ids."""
    place = sdk.create_place(
        models.PlaceCreate(place_code=unique("P")[:32], place_info="Hall", parent_place_id=1, place_type_id=3)
    )
    cost_center = sdk.create_cost_center(
        models.CostCenterCreate(cost_center_code=unique("CC")[:32], cost_center_info="Dept", parent_cost_center_id=1)
    )
    account = sdk.create_account(
        models.AccountCreate(
            account_code=unique("ACCT"),
            account_info="Account",
            account_type_id=1,
            cost_center_id=cost_center.cost_center_id,
            vendor_id=vendor_id,
            country="US",
        )
    )
    meter = sdk.create_meter(
        models.MeterCreate(
            meter_code=unique("MTR"),
            meter_info="Meter",
            commodity_id=1,
            place_id=place.place_id,
            meter_type_id=1,
            address=models.AddressChild(country="US"),
        )
    )
    sdk.create_account_meter(
        [models.AccountMeterRequest(account_id=account.account_id, meter_id=meter.meter_id, rate_id=1)]
    )
    return place.place_id, cost_center.cost_center_id, account.account_id, meter.meter_id


def _user(code: str, places: list[int], cost_centers: list[int]) -> Any:
    return models.UserCreateRequest(
        user_code=code,
        full_name="Scoped",
        password="Secret-Pass1",
        email="scoped@example.com",
        topmost_cost_center_ids=cost_centers,
        topmost_place_ids=places,
        topmost_collection_ids=[1],
        password_expiration_interval=0,
        strong_password=False,
        force_password_change=False,
        user_role_id=1,
    )


def test_a_scoped_user_sees_only_its_topmost(sdk: Any, server: Server, unique: Callable[[str], str]) -> None:
    vendor = sdk.create_vendor(models.VendorRequest(vendor_code=unique("V")[:16], vendor_info="Utility"))
    place_a, cc_a, account_a, meter_a = _branch(sdk, unique, vendor.vendor_id)
    place_b, cc_b, account_b, meter_b = _branch(sdk, unique, vendor.vendor_id)
    assert [p.place_id for p in sdk.available_places_for_topmost_cost_centers(body=[cc_a])] == [place_a]
    assert [c.cost_center_id for c in sdk.available_cost_centers_for_topmost_places(body=[place_b])] == [cc_b]

    code = unique("scoped")
    user = sdk.create_user(_user(code, [place_a], [1]))
    assert user.place.place_id == place_a
    assert user.user_role.user_role_id == 1
    db = Database(server.database_url)
    try:
        key = auth.rotate_key(db, code, datetime.now())
    finally:
        db.dispose()
    scoped = sdk_client(server.base_url, key)
    try:
        assert scoped.me_method().place.place_id == place_a
        meters = {m.meter_id for m in scoped.get_meters(page_size=1000)}
        assert meter_a in meters
        assert meter_b not in meters
        accounts = {a.account_id for a in scoped.get_accounts(page_size=1000)}
        assert account_a in accounts
        assert account_b not in accounts
        assert scoped.get_meter(meter_a).meter_id == meter_a
        with pytest.raises(HttpOperationError) as hidden:
            scoped.get_meter(meter_b)
        assert hidden.value.response.status_code == 404

        # limited by cost center instead: B's account and meter, not A's
        edit = models.UserEditRequest(
            **{k: v for k, v in _user(code, [1], [cc_b]).as_dict().items() if k != "password"},
            active_directory=False,
            active=True,
            report_group_id=1,
        )
        edited = sdk.edit_user(user.user_id, edit)
        assert edited.cost_center.cost_center_id == cc_b
        accounts = {a.account_id for a in scoped.get_accounts(page_size=1000)}
        assert account_b in accounts
        assert account_a not in accounts
        with pytest.raises(HttpOperationError) as hidden:
            scoped.get_account(account_a)
        assert hidden.value.response.status_code == 404
    finally:
        scoped.close()
