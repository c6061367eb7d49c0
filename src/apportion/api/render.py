"""Small renderers shared by routes: the child objects many responses carry, as models.

Each is the model of the one mapping in api.wire_rows (the dict a list writes without models), so a child's fields
are mapped in one place; a response that nests children as models reads that dict through the model.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from fastapi import Response
from pydantic import BaseModel

from apportion.api import wire_rows
from apportion.api.schemas.contract import (
    AccountChild,
    AccountChildWithType,
    AccountTypeChild,
    ChargebackWorkflowStepChild,
    CommodityChild,
    CostCenterChild,
    DistributionVersionResponse,
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
from apportion.api.wire_rows import Wire, distribution_version_row, wire_response
from apportion.store.queries import children
from apportion.store.queries.place_sizes import PlaceSizeRow
from apportion.store.queries.versions import VersionListing

_Model = TypeVar("_Model", bound=BaseModel)
_Value = TypeVar("_Value")


def _as_model(
    model: type[_Model], row: Callable[[_Value | None], Wire | None]
) -> Callable[[_Value | None], _Model | None]:
    """The renderer of `model` from a typed value, through its wire row."""

    def render(value: _Value | None) -> _Model | None:
        wire = row(value)
        return None if wire is None else model.model_validate(wire)

    render.__doc__ = f"{model.__name__} of a typed value, or None: the model of api.wire_rows.{row.__name__}."
    return render


def version_page(versions: list[VersionListing], response: Response) -> Response:
    """A page of DistributionVersionResponse as JSON, with the paging headers already set on `response`: written
    from the typed rows (api.wire_rows), with no model per version."""
    return wire_response([distribution_version_row(version) for version in versions], response)


user_of: Callable[[children.UserChild | None], UserChild | None] = _as_model(UserChild, wire_rows.user_row)
vendor_of: Callable[[children.VendorChild | None], VendorChild | None] = _as_model(VendorChild, wire_rows.vendor_row)
vendor_type_of: Callable[[children.VendorTypeChild | None], VendorTypeChild | None] = _as_model(
    VendorTypeChild, wire_rows.vendor_type_row
)
commodity_of: Callable[[children.CommodityChild | None], CommodityChild | None] = _as_model(
    CommodityChild, wire_rows.commodity_row
)
unit_of: Callable[[children.UnitChild | None], UnitChild | None] = _as_model(UnitChild, wire_rows.unit_row)
meter_type_of: Callable[[children.MeterTypeChild | None], MeterTypeChild | None] = _as_model(
    MeterTypeChild, wire_rows.meter_type_row
)
account_type_of: Callable[[children.AccountTypeChild | None], AccountTypeChild | None] = _as_model(
    AccountTypeChild, wire_rows.account_type_row
)
cost_center_of: Callable[[children.CostCenterChild | None], CostCenterChild | None] = _as_model(
    CostCenterChild, wire_rows.cost_center_row
)
place_type_of: Callable[[children.PlaceTypeChild | None], PlaceTypeResponse | None] = _as_model(
    PlaceTypeResponse, wire_rows.place_type_row
)
place_of: Callable[[children.PlaceChild | None], PlaceChild | None] = _as_model(PlaceChild, wire_rows.place_row)
meter_of: Callable[[children.MeterChild | None], MeterChild | None] = _as_model(MeterChild, wire_rows.meter_row)
account_of: Callable[[children.AccountChild | None], AccountChild | None] = _as_model(
    AccountChild, wire_rows.account_row
)
account_with_type_of: Callable[[children.AccountChild | None], AccountChildWithType | None] = _as_model(
    AccountChildWithType, wire_rows.account_with_type_row
)
place_size_of: Callable[[PlaceSizeRow | None], PlaceSizeChild | None] = _as_model(
    PlaceSizeChild, wire_rows.place_size_row
)
workflow_step_of: Callable[[children.WorkflowStepChild | None], ChargebackWorkflowStepChild | None] = _as_model(
    ChargebackWorkflowStepChild, wire_rows.workflow_step_row
)


def distribution_version(version: VersionListing) -> DistributionVersionResponse:
    """DistributionVersionResponse of a version with its account (and type), meter and workflow step (the wire
    form of api.wire_rows.distribution_version_row, as a model for the responses that nest it)."""
    return DistributionVersionResponse.model_validate(distribution_version_row(version))
