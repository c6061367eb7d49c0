"""An automatic meter group through energycapsdk: created from filters, its members following the meters."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from energycap.sdk import models
from msrest.exceptions import HttpOperationError

pytestmark = pytest.mark.e2e
METER_CODE, COMMODITY_ID = 1, 6  # fieldIds of the group filter table (docs/meter-groups.md)


def _meter(sdk: Any, code: str, commodity_id: int = 1) -> Any:
    return sdk.create_meter(
        models.MeterCreate(
            meter_code=code,
            meter_info=f"Meter {code}",
            commodity_id=commodity_id,
            place_id=1,
            meter_type_id=1,
            address=models.AddressChild(country="US"),
        )
    )


def test_an_automatic_group_follows_its_filters(sdk: Any, unique: Callable[[str], str]) -> None:
    prefix = unique("AG")
    electric, gas = _meter(sdk, f"{prefix}-E1"), _meter(sdk, f"{prefix}-G1", commodity_id=2)
    filters = [
        models.FilterEdit(field_id=METER_CODE, operator="like", value=prefix),
        models.FilterEdit(field_id=COMMODITY_ID, operator="one of", value="1|3"),
    ]
    group = sdk.create_meter_group(
        models.MeterGroupRequest(
            meter_group_info=f"Electric {prefix}",
            meter_group_category_id=1,
            limit_members_by_topmost=False,
            automatic_group_filters=filters,
        )
    )
    assert (group.user_defined_auto_group, group.auto_group, group.member_count) == (True, False, 1)
    assert [(f.field_id, f.query_parameter_name, f.value) for f in group.user_defined_auto_group_filters] == [
        (METER_CODE, "meterCode", prefix),
        (COMMODITY_ID, "commodityId", "1|3"),
    ]
    assert [m.meter_code for m in sdk.get_meter_group_members(group.meter_group_id)] == [electric.meter_code]
    later = _meter(sdk, f"{prefix}-E2")
    members = sdk.get_meter_group_members(group.meter_group_id)
    assert [m.meter_code for m in members] == [electric.meter_code, later.meter_code]
    with pytest.raises(HttpOperationError) as refused:
        sdk.edit_meter_group_membership(
            gas.meter_id, [models.MeterGroupMember(meter_group_id=group.meter_group_id, include_in_charts=True)]
        )
    assert refused.value.response.status_code == 400
    assert "automatic group" in refused.value.response.text
    sdk.delete_meter(later.meter_id)
    assert sdk.get_meter_group(group.meter_group_id).member_count == 1
