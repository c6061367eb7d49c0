"""Small renderers shared by routes: the child objects many responses carry, from the store's typed values."""

from __future__ import annotations

from datetime import datetime, time

from fastapi import Response

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
from apportion.api.wire_rows import distribution_version_row, wire_response
from apportion.store.queries import children
from apportion.store.queries.place_sizes import PlaceSizeRow
from apportion.store.queries.versions import VersionListing


def version_page(versions: list[VersionListing], response: Response) -> Response:
    """A page of DistributionVersionResponse as JSON, with the paging headers already set on `response`: written
    from the typed rows (api.wire_rows), with no model per version."""
    return wire_response([distribution_version_row(version) for version in versions], response)


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
    """DistributionVersionResponse of a version with its account (and type), meter and workflow step (the wire
    form of api.wire_rows.distribution_version_row, as a model for the responses that nest it)."""
    return DistributionVersionResponse.model_validate(distribution_version_row(version))
