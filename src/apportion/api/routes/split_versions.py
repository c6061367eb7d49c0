"""Routes: bill split versions (GET /api/v3/billSplit), their details (GET/PUT …/billSplit/{versionId}) and
the split parents of an account or a meter (GET …/billSplit/parent)."""

from __future__ import annotations

from typing import Annotated, assert_never

from fastapi import Depends, Response

from apportion.api.deps import DatabaseDep, TodayDep, requires
from apportion.api.paging import FilterQuery, PageRequest, page_request, set_paging_headers
from apportion.api.render import (
    account_of,
    account_with_type_of,
    distribution_version,
    meter_of,
    place_of,
    place_size_of,
    version_page,
)
from apportion.api.schemas.contract import (
    BillSplitDetailsRequest,
    BillSplitDetailsResponse,
    BillSplitParentDetailsResponse,
    BillSplitPlaceSizeChild,
    DistributionVersionResponse,
    DynamicPercentageBillSplitResponse,
    FixedPercentageResponse,
    FloorAreaSplitResponse,
    MeterGroupChild,
    PlaceChildWithFloorArea,
    UnitChild,
)
from apportion.api.wire import WireRouter
from apportion.domain import splits
from apportion.domain.versions import SPLIT
from apportion.services.access.auth import Principal
from apportion.services.chargebacks import split_details, version_lists

router = WireRouter(tags=["Bill splits"])


@router.get("/api/v3/billSplit", response_model=list[DistributionVersionResponse])
def get_bill_split_versions(
    db: DatabaseDep,
    today: TodayDep,
    response: Response,
    viewer: Annotated[Principal, Depends(requires("ChargebacksModule", "View"))],
    page: Annotated[PageRequest, Depends(page_request)],
    filter: FilterQuery = None,
) -> Response:
    """Get a list of bill split versions which match the provided filter conditions."""
    result = version_lists.list_versions(db, SPLIT, filter, page.number, page.size, today, viewer.scope)
    set_paging_headers(response, page, result.total)
    return version_page(result.rows, response)


def _place(destination: split_details.DestinationListing) -> PlaceChildWithFloorArea | None:
    place = place_of(destination.place)
    if place is None:
        return None
    size = place_size_of(destination.size)
    floor_area = None
    if size is not None and destination.size is not None:
        unit = destination.size
        floor_area = BillSplitPlaceSizeChild(
            place_size_id=size.place_size_id,
            begin_date=size.begin_date,
            end_date=size.end_date,
            value=size.value,
            unit=None
            if unit.unit_id is None
            else UnitChild(unit_id=unit.unit_id, unit_code=unit.unit_code, unit_info=unit.unit_info),
        )
    return PlaceChildWithFloorArea(
        place_id=place.place_id,
        place_code=place.place_code,
        place_info=place.place_info,
        place_type=place.place_type,
        current_floor_area=floor_area,
    )


def render_details(view: split_details.SplitDetailsView) -> BillSplitDetailsResponse:
    """Wire form of a version's split details: only the version's one method is populated."""
    response = BillSplitDetailsResponse(version=distribution_version(view.version))
    method = None if view.method is None else splits.SplitMethod(view.method)
    if method is splits.SplitMethod.FIXED_PERCENTAGE:
        response.fixed_percentage_split = [
            FixedPercentageResponse(
                destination_account=account_with_type_of(row.account),
                destination_meter=meter_of(row.meter),
                destination_place=_place(row),
                split_percentage=row.split_percentage,
            )
            for row in view.destinations
        ]
    elif method is splits.SplitMethod.FLOOR_AREA:
        response.floor_area_split = [
            FloorAreaSplitResponse(
                destination_account=account_with_type_of(row.account),
                destination_meter=meter_of(row.meter),
                destination_place=_place(row),
                weighting_factor=row.weighting_factor,
                split_percentage=percentage,
            )
            for row, percentage in zip(view.destinations, view.percentages, strict=True)
        ]
    elif method is splits.SplitMethod.DYNAMIC_PERCENTAGE:
        group = view.group
        response.dynamic_percentage_split = DynamicPercentageBillSplitResponse(
            destination_meter_group=None
            if group is None
            else MeterGroupChild(
                meter_group_id=group.meter_group_id,
                meter_group_code=group.meter_group_code,
                meter_group_info=group.meter_group_info,
                auto_group=group.auto_group,
                user_defined_auto_group=group.user_defined_auto_group,
            ),
            source_value_to_split=view.source_value,
            destination_share_value=view.share_value,
        )
    elif method is not None:
        assert_never(method)
    return response


def _request(body: BillSplitDetailsRequest) -> split_details.DetailsRequest:
    fixed = body.fixed_percentage_split
    area = body.floor_area_split
    dynamic = body.dynamic_percentage_split
    return split_details.DetailsRequest(
        fixed_percentage=None
        if fixed is None
        else tuple(
            splits.FixedPercentage(d.destination_account_id, d.destination_meter_id, d.split_percentage) for d in fixed
        ),
        floor_area=None
        if area is None
        else tuple(
            splits.FloorAreaSplit(d.destination_account_id, d.destination_meter_id, d.weighting_factor) for d in area
        ),
        dynamic=None
        if dynamic is None
        else splits.DynamicSplit(
            dynamic.destination_meter_group_id, dynamic.source_value_to_split, dynamic.destination_share_value
        ),
    )


@router.get(
    "/api/v3/account/{accountId}/meter/{meterId}/billSplit/{versionId}", response_model=BillSplitDetailsResponse
)
def get_bill_split_details(
    db: DatabaseDep,
    today: TodayDep,
    accountId: int,
    meterId: int,
    versionId: int,
    _: Annotated[Principal, Depends(requires("Accounts", "View"))],
) -> BillSplitDetailsResponse:
    """Get details for a bill split distribution."""
    return render_details(split_details.get_details(db, accountId, meterId, versionId, today))


@router.put(
    "/api/v3/account/{accountId}/meter/{meterId}/billSplit/{versionId}", response_model=BillSplitDetailsResponse
)
def manage_bill_split_details(
    db: DatabaseDep,
    today: TodayDep,
    accountId: int,
    meterId: int,
    versionId: int,
    body: BillSplitDetailsRequest,
    _: Annotated[Principal, Depends(requires("Chargebacks", "Manage"))],
) -> BillSplitDetailsResponse:
    """Manage details for a bill split distribution (the path's account and meter are the master)."""
    view = split_details.replace_details(db, accountId, meterId, versionId, _request(body), today)
    return render_details(view)


def _parent(parent: split_details.SplitParent) -> BillSplitParentDetailsResponse:
    return BillSplitParentDetailsResponse(
        split_parent_account=account_of(parent.account),
        split_parent_meter=meter_of(parent.meter),
        begin_period=parent.begin_period,
        end_period=parent.end_period,
    )


@router.get("/api/v3/account/{accountId}/billSplit/parent", response_model=list[BillSplitParentDetailsResponse])
def get_account_bill_split_parent_details(
    db: DatabaseDep, accountId: int, _: Annotated[Principal, Depends(requires("Accounts", "View"))]
) -> list[BillSplitParentDetailsResponse]:
    """Get bill split parent information for an account."""
    return [_parent(row) for row in split_details.account_parents(db, accountId)]


@router.get("/api/v3/meter/{meterId}/billSplit/parent", response_model=list[BillSplitParentDetailsResponse])
def get_meter_bill_split_parent_details(
    db: DatabaseDep, meterId: int, _: Annotated[Principal, Depends(requires("Meters", "View"))]
) -> list[BillSplitParentDetailsResponse]:
    """Get bill split parent information for a meter."""
    return [_parent(row) for row in split_details.meter_parents(db, meterId)]
