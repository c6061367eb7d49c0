"""Small renderers shared by routes: child objects that appear in many responses."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, time
from typing import Any

from fastapi import Response
from pydantic import TypeAdapter
from sqlalchemy import RowMapping

from apportion.api.schemas.contract import (
    AccountChild,
    AccountChildWithType,
    AccountTypeChild,
    ChargebackWorkflowBase,
    ChargebackWorkflowStepChild,
    CommodityChild,
    CostCenterChild,
    DistributionVersionResponse,
    Icon,
    MeterChild,
    MeterTypeChild,
    PlaceChild,
    PlaceSizeChild,
    PlaceTypeResponse,
    UnitChild,
    UserChild,
    VendorChild,
    VendorTypeChild,
)
from apportion.store.queries import children
from apportion.store.queries.place_sizes import PlaceSizeRow
from apportion.store.queries.versions import VersionListing


def user_child(row: Mapping[str, Any] | RowMapping, prefix: str) -> UserChild | None:
    """A UserChild from columns `<prefix>_user_id`, `<prefix>_user_code`, `<prefix>_full_name` (None if absent)."""
    user_id = row.get(f"{prefix}_user_id")
    if user_id is None:
        return None
    return UserChild(
        user_id=user_id, user_code=row.get(f"{prefix}_user_code"), full_name=row.get(f"{prefix}_full_name")
    )


# Child objects from labelled columns. Each renderer below reads `<prefix>_<field>` columns (the labels that
# apportion.services.child_columns.join_* add for the same prefix) and returns None when `<prefix>_id` is None.


def _flag(row: Mapping[str, Any] | RowMapping, label: str) -> bool | None:
    value = row.get(label)
    return None if value is None else bool(value)


def vendor_child(row: Mapping[str, Any] | RowMapping, prefix: str = "vendor") -> VendorChild | None:
    """VendorChild from `<prefix>_id`, `<prefix>_code`, `<prefix>_info`."""
    if row.get(f"{prefix}_id") is None:
        return None
    return VendorChild(
        vendor_id=row[f"{prefix}_id"], vendor_code=row.get(f"{prefix}_code"), vendor_info=row.get(f"{prefix}_info")
    )


def commodity_child(row: Mapping[str, Any] | RowMapping, prefix: str = "commodity") -> CommodityChild | None:
    """CommodityChild from `<prefix>_id`, `_code`, `_info`, `_icon_code`, `_icon_color`."""
    if row.get(f"{prefix}_id") is None:
        return None
    return CommodityChild(
        commodity_id=row[f"{prefix}_id"],
        commodity_code=row.get(f"{prefix}_code"),
        commodity_info=row.get(f"{prefix}_info"),
        commodity_icon=Icon(code=row.get(f"{prefix}_icon_code"), color=row.get(f"{prefix}_icon_color")),
    )


def unit_child(row: Mapping[str, Any] | RowMapping, prefix: str = "unit") -> UnitChild | None:
    """UnitChild from `<prefix>_id`, `<prefix>_code`, `<prefix>_info`."""
    if row.get(f"{prefix}_id") is None:
        return None
    return UnitChild(
        unit_id=row[f"{prefix}_id"], unit_code=row.get(f"{prefix}_code"), unit_info=row.get(f"{prefix}_info")
    )


def meter_type_child(row: Mapping[str, Any] | RowMapping, prefix: str = "meter_type") -> MeterTypeChild | None:
    """MeterTypeChild from `<prefix>_id`, `<prefix>_code`, `<prefix>_info`."""
    if row.get(f"{prefix}_id") is None:
        return None
    return MeterTypeChild(
        meter_type_id=row[f"{prefix}_id"],
        meter_type_code=row.get(f"{prefix}_code"),
        meter_type_info=row.get(f"{prefix}_info"),
    )


def account_type_child(row: Mapping[str, Any] | RowMapping, prefix: str = "account_type") -> AccountTypeChild | None:
    """AccountTypeChild from `<prefix>_id`, `<prefix>_code`, `<prefix>_info`."""
    if row.get(f"{prefix}_id") is None:
        return None
    return AccountTypeChild(
        account_type_id=row[f"{prefix}_id"],
        account_type_code=row.get(f"{prefix}_code"),
        account_type_info=row.get(f"{prefix}_info"),
    )


def cost_center_child(row: Mapping[str, Any] | RowMapping, prefix: str = "cost_center") -> CostCenterChild | None:
    """CostCenterChild from `<prefix>_id`, `<prefix>_code`, `<prefix>_info`."""
    if row.get(f"{prefix}_id") is None:
        return None
    return CostCenterChild(
        cost_center_id=row[f"{prefix}_id"],
        cost_center_code=row.get(f"{prefix}_code"),
        cost_center_info=row.get(f"{prefix}_info"),
    )


def place_type_child(row: Mapping[str, Any] | RowMapping, prefix: str = "place_type") -> PlaceTypeResponse | None:
    """PlaceTypeResponse from `<prefix>_id`, `_code`, `_info`, `_structure`."""
    if row.get(f"{prefix}_id") is None:
        return None
    return PlaceTypeResponse(
        place_type_id=row[f"{prefix}_id"],
        place_type_code=row.get(f"{prefix}_code"),
        place_type_info=row.get(f"{prefix}_info"),
        structure=_flag(row, f"{prefix}_structure"),
    )


def place_child(row: Mapping[str, Any] | RowMapping, prefix: str = "place") -> PlaceChild | None:
    """PlaceChild from `<prefix>_id`, `_code`, `_info` and the place type under `<prefix>_type`."""
    if row.get(f"{prefix}_id") is None:
        return None
    return PlaceChild(
        place_id=row[f"{prefix}_id"],
        place_code=row.get(f"{prefix}_code"),
        place_info=row.get(f"{prefix}_info"),
        place_type=place_type_child(row, f"{prefix}_type"),
    )


def meter_child(row: Mapping[str, Any] | RowMapping, prefix: str = "meter") -> MeterChild | None:
    """MeterChild from `<prefix>_id`, `_code`, `_info`, `_active`, `_serial_number`, the three flags
    `_is_calculated_meter`, `_is_split_parent_meter`, `_is_split_child_meter`, the meter type under
    `<prefix>_type` and the commodity under `<prefix>_commodity`."""
    if row.get(f"{prefix}_id") is None:
        return None
    return MeterChild(
        meter_id=row[f"{prefix}_id"],
        meter_code=row.get(f"{prefix}_code"),
        meter_info=row.get(f"{prefix}_info"),
        meter_type=meter_type_child(row, f"{prefix}_type"),
        commodity=commodity_child(row, f"{prefix}_commodity"),
        active=_flag(row, f"{prefix}_active"),
        is_calculated_meter=_flag(row, f"{prefix}_is_calculated_meter"),
        is_split_parent_meter=_flag(row, f"{prefix}_is_split_parent_meter"),
        is_split_child_meter=_flag(row, f"{prefix}_is_split_child_meter"),
        serial_number=row.get(f"{prefix}_serial_number"),
    )


def _account_fields(row: Mapping[str, Any] | RowMapping, prefix: str) -> dict[str, Any]:
    return {
        "account_id": row[f"{prefix}_id"],
        "account_code": row.get(f"{prefix}_code"),
        "account_info": row.get(f"{prefix}_info"),
        "vendor": vendor_child(row, f"{prefix}_vendor"),
        "active": _flag(row, f"{prefix}_active"),
        "has_calculated_meter": _flag(row, f"{prefix}_has_calculated_meter"),
        "has_split_parent_meter": _flag(row, f"{prefix}_has_split_parent_meter"),
        "has_split_child_meter": _flag(row, f"{prefix}_has_split_child_meter"),
    }


def account_child(row: Mapping[str, Any] | RowMapping, prefix: str = "account") -> AccountChild | None:
    """AccountChild from `<prefix>_id`, `_code`, `_info`, `_active`, the three flags `_has_calculated_meter`,
    `_has_split_parent_meter`, `_has_split_child_meter` and the vendor under `<prefix>_vendor`."""
    if row.get(f"{prefix}_id") is None:
        return None
    return AccountChild(**_account_fields(row, prefix))


def account_child_with_type(
    row: Mapping[str, Any] | RowMapping, prefix: str = "account"
) -> AccountChildWithType | None:
    """AccountChildWithType: account_child's columns plus the account type under `<prefix>_type`."""
    if row.get(f"{prefix}_id") is None:
        return None
    return AccountChildWithType(**_account_fields(row, prefix), account_type=account_type_child(row, f"{prefix}_type"))


def place_size_child(row: Mapping[str, Any] | RowMapping, prefix: str = "size") -> PlaceSizeChild | None:
    """PlaceSizeChild from `<prefix>_id`, `_begin_date`, `_end_date`, `_value`, `_unit_id`, `_unit_code`,
    `_unit_info` (apportion.services.master.place_sizes.join_size_child); dates become midnight date-times."""
    if row.get(f"{prefix}_id") is None:
        return None
    begin, end = row.get(f"{prefix}_begin_date"), row.get(f"{prefix}_end_date")
    return PlaceSizeChild(
        place_size_id=row[f"{prefix}_id"],
        begin_date=datetime.combine(begin, time()) if begin is not None else None,
        end_date=datetime.combine(end, time()) if end is not None else None,
        value=row.get(f"{prefix}_value"),
        unit_id=row.get(f"{prefix}_unit_id"),
        unit_code=row.get(f"{prefix}_unit_code"),
        unit_info=row.get(f"{prefix}_unit_info"),
    )


def vendor_type_child(row: Mapping[str, Any] | RowMapping, prefix: str = "vendor_type") -> VendorTypeChild | None:
    """VendorTypeChild from `<prefix>_id`, `<prefix>_code`."""
    if row.get(f"{prefix}_id") is None:
        return None
    return VendorTypeChild(vendor_type_id=row[f"{prefix}_id"], vendor_type_code=row.get(f"{prefix}_code"))


def workflow_step_child(
    row: Mapping[str, Any] | RowMapping, prefix: str = "workflow"
) -> ChargebackWorkflowStepChild | None:
    """ChargebackWorkflowStepChild from `<prefix>_id`, `_info`, `_description`, `_type`, `_order` and the
    parent workflow's `<prefix>_workflow_id`, `<prefix>_workflow_info` (child_columns.join_workflow_step_child)."""
    if row.get(f"{prefix}_id") is None:
        return None
    return ChargebackWorkflowStepChild(
        chargeback_workflow_step_id=row[f"{prefix}_id"],
        chargeback_workflow_step_info=row.get(f"{prefix}_info"),
        chargeback_workflow_step_description=row.get(f"{prefix}_description"),
        chargeback_workflow_step_type=row.get(f"{prefix}_type"),
        chargeback_workflow_step_order=row.get(f"{prefix}_order"),
        chargeback_workflow=ChargebackWorkflowBase(
            chargeback_workflow_id=row.get(f"{prefix}_workflow_id"),
            chargeback_workflow_info=row.get(f"{prefix}_workflow_info"),
        ),
    )


_VERSION_LIST = TypeAdapter(list[DistributionVersionResponse])


def version_page(versions: list[DistributionVersionResponse], response: Response) -> Response:
    """A page of DistributionVersionResponse as JSON, with the paging headers already set on `response`.

    The models are built by the renderers above from database rows, so FastAPI's second validation of the
    returned list (a quarter of a 250-row page's time) is skipped by answering with the bytes directly.
    """
    headers = {k: v for k, v in response.headers.items() if k.lower() != "content-length"}
    return Response(_VERSION_LIST.dump_json(versions), media_type="application/json", headers=headers)


# Child objects from the store's typed values (apportion.store.queries.children): each takes the value or None.


def user_of(user: children.UserChild | None) -> UserChild | None:
    """UserChild of a user named on a row."""
    if user is None:
        return None
    return UserChild(user_id=user.user_id, user_code=user.user_code, full_name=user.full_name)


def vendor_of(vendor: children.VendorChild | None) -> VendorChild | None:
    """VendorChild of a vendor named on a row."""
    if vendor is None:
        return None
    return VendorChild(vendor_id=vendor.vendor_id, vendor_code=vendor.vendor_code, vendor_info=vendor.vendor_info)


def vendor_type_of(vendor_type: children.VendorTypeChild | None) -> VendorTypeChild | None:
    """VendorTypeChild of a vendor type named on a row."""
    if vendor_type is None:
        return None
    return VendorTypeChild(vendor_type_id=vendor_type.vendor_type_id, vendor_type_code=vendor_type.vendor_type_code)


def commodity_of(commodity: children.CommodityChild | None) -> CommodityChild | None:
    """CommodityChild of a commodity named on a row, with its icon."""
    if commodity is None:
        return None
    return CommodityChild(
        commodity_id=commodity.commodity_id,
        commodity_code=commodity.commodity_code,
        commodity_info=commodity.commodity_info,
        commodity_icon=Icon(code=commodity.icon_code, color=commodity.icon_color),
    )


def unit_of(unit: children.UnitChild | None) -> UnitChild | None:
    """UnitChild of a unit named on a row."""
    if unit is None:
        return None
    return UnitChild(unit_id=unit.unit_id, unit_code=unit.unit_code, unit_info=unit.unit_info)


def meter_type_of(meter_type: children.MeterTypeChild | None) -> MeterTypeChild | None:
    """MeterTypeChild of a meter type named on a row."""
    if meter_type is None:
        return None
    return MeterTypeChild(
        meter_type_id=meter_type.meter_type_id,
        meter_type_code=meter_type.meter_type_code,
        meter_type_info=meter_type.meter_type_info,
    )


def account_type_of(account_type: children.AccountTypeChild | None) -> AccountTypeChild | None:
    """AccountTypeChild of an account type named on a row."""
    if account_type is None:
        return None
    return AccountTypeChild(
        account_type_id=account_type.account_type_id,
        account_type_code=account_type.account_type_code,
        account_type_info=account_type.account_type_info,
    )


def cost_center_of(cost_center: children.CostCenterChild | None) -> CostCenterChild | None:
    """CostCenterChild of a cost center named on a row."""
    if cost_center is None:
        return None
    return CostCenterChild(
        cost_center_id=cost_center.cost_center_id,
        cost_center_code=cost_center.cost_center_code,
        cost_center_info=cost_center.cost_center_info,
    )


def place_type_of(place_type: children.PlaceTypeChild | None) -> PlaceTypeResponse | None:
    """PlaceTypeResponse of a place type named on a row."""
    if place_type is None:
        return None
    return PlaceTypeResponse(
        place_type_id=place_type.place_type_id,
        place_type_code=place_type.place_type_code,
        place_type_info=place_type.place_type_info,
        structure=place_type.structure,
    )


def place_of(place: children.PlaceChild | None) -> PlaceChild | None:
    """PlaceChild of a place named on a row, with its type."""
    if place is None:
        return None
    return PlaceChild(
        place_id=place.place_id,
        place_code=place.place_code,
        place_info=place.place_info,
        place_type=place_type_of(place.place_type),
    )


def meter_of(meter: children.MeterChild | None) -> MeterChild | None:
    """MeterChild of a meter named on a row: its type, commodity and flags."""
    if meter is None:
        return None
    return MeterChild(
        meter_id=meter.meter_id,
        meter_code=meter.meter_code,
        meter_info=meter.meter_info,
        meter_type=meter_type_of(meter.meter_type),
        commodity=commodity_of(meter.commodity),
        active=meter.active,
        is_calculated_meter=meter.flags.is_calculated_meter,
        is_split_parent_meter=meter.flags.is_split_parent_meter,
        is_split_child_meter=meter.flags.is_split_child_meter,
        serial_number=meter.serial_number,
    )


def account_of(account: children.AccountChild | None) -> AccountChild | None:
    """AccountChild of an account named on a row: its vendor and flags."""
    if account is None:
        return None
    return AccountChild(
        account_id=account.account_id,
        account_code=account.account_code,
        account_info=account.account_info,
        vendor=vendor_of(account.vendor),
        active=account.active,
        has_calculated_meter=account.flags.has_calculated_meter,
        has_split_parent_meter=account.flags.has_split_parent_meter,
        has_split_child_meter=account.flags.has_split_child_meter,
    )


def place_size_of(size: PlaceSizeRow | None) -> PlaceSizeChild | None:
    """PlaceSizeChild of a place's size version; dates become midnight date-times."""
    if size is None:
        return None
    return PlaceSizeChild(
        place_size_id=size.place_size_id,
        begin_date=datetime.combine(size.begin_date, time()),
        end_date=datetime.combine(size.end_date, time()) if size.end_date is not None else None,
        value=size.value,
        unit_id=size.unit_id,
        unit_code=size.unit_code,
        unit_info=size.unit_info,
    )


def account_with_type_of(account: children.AccountChild | None) -> AccountChildWithType | None:
    """AccountChildWithType of an account named on a row: its vendor, flags and account type."""
    if account is None:
        return None
    return AccountChildWithType(
        account_id=account.account_id,
        account_code=account.account_code,
        account_info=account.account_info,
        vendor=vendor_of(account.vendor),
        active=account.active,
        has_calculated_meter=account.flags.has_calculated_meter,
        has_split_parent_meter=account.flags.has_split_parent_meter,
        has_split_child_meter=account.flags.has_split_child_meter,
        account_type=account_type_of(account.account_type),
    )


def workflow_step_of(step: children.WorkflowStepChild | None) -> ChargebackWorkflowStepChild | None:
    """ChargebackWorkflowStepChild of a workflow step named on a row, with its workflow."""
    if step is None:
        return None
    return ChargebackWorkflowStepChild(
        chargeback_workflow_step_id=step.step_id,
        chargeback_workflow_step_info=step.step_info,
        chargeback_workflow_step_description=step.step_description,
        chargeback_workflow_step_type=step.step_type,
        chargeback_workflow_step_order=step.step_order,
        chargeback_workflow=ChargebackWorkflowBase(
            chargeback_workflow_id=step.workflow_id, chargeback_workflow_info=step.workflow_info
        ),
    )


def distribution_version(version: VersionListing) -> DistributionVersionResponse:
    """DistributionVersionResponse of a version with its account (and type), meter and workflow step."""
    return DistributionVersionResponse(
        version_id=version.version_id,
        version_info=version.version_info,
        chargeback_type=version.chargeback_type,
        begin_period=version.begin_period,
        end_period=version.end_period,
        account=account_with_type_of(version.account),
        meter=meter_of(version.meter),
        workflow=workflow_step_of(version.workflow),
        has_bills=version.has_bills,
    )
