"""Routes: reference data (commodities, units, observation types, place types), cost centers and rates."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated

from fastapi import Depends, Response

from apportion.api.deps import CurrentUser, DatabaseDep, TodayDep, requires
from apportion.api.paging import FilterQuery, PageRequest, page_request, set_paging_headers
from apportion.api.render import (
    account_type_of,
    commodity_of,
    cost_center_of,
    place_type_of,
    unit_of,
    vendor_of,
)
from apportion.api.schemas.contract import (
    CommodityRequest,
    CommodityResponse,
    CostCenterAccountChild,
    CostCenterCreate,
    CostCenterResponse,
    Icon,
    ObservationTypeChild,
    PlaceTypeResponse,
    RateCreate,
    RateResponse,
    Unit,
    UnitType,
    VersionResponse,
)
from apportion.api.wire import WireRouter
from apportion.domain.scoping import Kind, Scope
from apportion.services.access import scoping
from apportion.services.access.auth import Principal
from apportion.services.master import cost_centers, rate_versions, rates, reference
from apportion.services.master.rate_versions import VersionView
from apportion.store.queries.cost_centers import CostCenterRow
from apportion.store.queries.rates import RateRow
from apportion.store.queries.reference import CommodityRow

router = WireRouter(tags=["Reference data"])


def render_commodity(c: CommodityRow) -> CommodityResponse:
    """Wire form of a commodity (reference.list_commodities)."""
    return CommodityResponse(
        commodity_id=c.commodity_id,
        commodity_code=c.commodity_code,
        commodity_info=c.commodity_info,
        abbreviation=c.abbreviation,
        description=c.description,
        icon=Icon(code=c.icon_code, color=c.icon_color),
        use_rollup_unit=unit_of(c.use_rollup_unit),
        demand_rollup_unit=unit_of(c.demand_rollup_unit),
        include_in_energy_reporting=c.include_in_energy_reporting,
        energy_reporting_unit_conversion_multiplier=c.energy_conversion,
        in_use=c.in_use,
        is_system_commodity=c.is_system,
    )


@router.get("/api/v202304/commodity", response_model=list[CommodityResponse])
def get_commodities(
    db: DatabaseDep, today: TodayDep, _: CurrentUser, filter: FilterQuery = None
) -> list[CommodityResponse]:
    """Gets the commodities."""
    return [render_commodity(row) for row in reference.list_commodities(db, filter, today)]


@router.post("/api/v202304/commodity", response_model=CommodityResponse)
def create_commodity(
    db: DatabaseDep,
    body: CommodityRequest,
    _: Annotated[Principal, Depends(requires("ApplicationSettings", "Manage"))],
) -> CommodityResponse:
    """Creates a commodity (commodityCategoryId is accepted and ignored: there are no categories)."""
    fields = reference.CommodityFields(
        commodity_info=body.commodity_info,
        abbreviation=body.abbreviation,
        description=body.description,
        icon_code=body.icon.code if body.icon else None,
        icon_color=body.icon.color if body.icon else None,
        rollup_unit_id=body.commodity_rollup_unit_id,
        include_in_energy_reporting=bool(body.include_in_energy_reporting),
        energy_conversion=body.energy_reporting_unit_conversion_multiplier,
    )
    return render_commodity(reference.get_commodity(db, reference.create_commodity(db, fields)))


@router.get("/api/v202305/unit", response_model=list[Unit])
def get_units(db: DatabaseDep, today: TodayDep, _: CurrentUser, filter: FilterQuery = None) -> list[Unit]:
    """Retrieves all units."""
    return [
        Unit(
            unit_id=unit.unit_id,
            unit_code=unit.unit_code,
            unit_info=unit.unit_info,
            unit_display_name=unit.unit_code,
            unit_type=UnitType(
                unit_type_id=unit.unit_type.unit_type_id,
                unit_type_code=unit.unit_type.unit_type_code,
                unit_type_info=unit.unit_type.unit_type_info,
            ),
        )
        for unit in reference.list_units(db, filter, today)
    ]


@router.get("/api/v3/observationtype", response_model=list[ObservationTypeChild])
def get_observation_types(
    db: DatabaseDep, today: TodayDep, _: CurrentUser, filter: FilterQuery = None
) -> list[ObservationTypeChild]:
    """Get the observation types (bill line item types)."""
    return [
        ObservationTypeChild(
            observation_type_id=t.observation_type_id,
            observation_type_code=t.observation_type_code,
            observation_type_info=t.observation_type_info,
        )
        for t in reference.list_observation_types(db, filter, today)
    ]


@router.get("/api/v3/place/placetype", response_model=list[PlaceTypeResponse])
def get_place_types(
    db: DatabaseDep, today: TodayDep, _: CurrentUser, filter: FilterQuery = None
) -> list[PlaceTypeResponse]:
    """Retrieves all place types."""
    return [
        place_type
        for place_type in map(place_type_of, reference.list_place_types(db, filter, today))
        if place_type is not None
    ]


def render_cost_centers(
    db: DatabaseDep, rows: list[CostCenterRow], scope: Scope = Scope.WHOLE
) -> list[CostCenterResponse]:
    """Wire form of cost centers, with their children and accounts (in `scope`; two queries for the whole
    list)."""
    ids = [row.cost_center_id for row in rows]
    children = cost_centers.children_of(db, ids, scope)
    accounts = cost_centers.accounts_of(db, ids, scope)
    out = []
    for cc in rows:
        out.append(
            CostCenterResponse(
                cost_center_id=cc.cost_center_id,
                cost_center_code=cc.cost_center_code,
                cost_center_info=cc.cost_center_info,
                parent=cost_center_of(cc.parent),
                cost_centers=[cost_center_of(child) for child in children[cc.cost_center_id]],
                accounts=[
                    CostCenterAccountChild(
                        account_id=a.account_id,
                        account_code=a.account_code,
                        account_info=a.account_info,
                        active=a.active,
                        has_calculated_meter=a.flags.has_calculated_meter,
                        has_split_parent_meter=a.flags.has_split_parent_meter,
                        has_split_child_meter=a.flags.has_split_child_meter,
                        account_type=account_type_of(a.account_type),
                    )
                    for a in accounts[cc.cost_center_id]
                ],
            )
        )
    return out


@router.get("/api/v3/costcenter", response_model=list[CostCenterResponse])
def get_cost_centers(
    db: DatabaseDep,
    today: TodayDep,
    response: Response,
    viewer: Annotated[Principal, Depends(requires("CostCenters", "View"))],
    page: Annotated[PageRequest, Depends(page_request)],
    filter: FilterQuery = None,
) -> list[CostCenterResponse]:
    """Retrieves all the cost centers."""
    result = cost_centers.list_cost_centers(db, filter, page.number, page.size, today, viewer.scope)
    set_paging_headers(response, page, result.total)
    return render_cost_centers(db, result.rows, viewer.scope)


@router.get("/api/v3/costcenter/{costCenterId}", response_model=CostCenterResponse)
def get_cost_center(
    db: DatabaseDep, costCenterId: int, viewer: Annotated[Principal, Depends(requires("CostCenters", "View"))]
) -> CostCenterResponse:
    """Retrieves the cost center by ID."""
    return render_cost_centers(db, [cost_centers.get_cost_center(db, costCenterId)], viewer.scope)[0]


@router.post("/api/v3/costcenter", response_model=CostCenterResponse)
def create_cost_center(
    db: DatabaseDep, body: CostCenterCreate, user: Annotated[Principal, Depends(requires("CostCenters", "Create"))]
) -> CostCenterResponse:
    """Creates a cost center under an existing parent."""
    scoping.require_body_ids(db, user.scope, [("parentCostCenterId", Kind.COST_CENTER, body.parent_cost_center_id)])
    new_id = cost_centers.create_cost_center(
        db, body.cost_center_code, body.cost_center_info, body.parent_cost_center_id
    )
    return render_cost_centers(db, [cost_centers.get_cost_center(db, new_id)])[0]


def render_rate(rate: RateRow, versions: Sequence[VersionView]) -> RateResponse:
    """Wire form of a rate with its versions' dates (services/master/rate_versions.py)."""
    return RateResponse(
        rate_id=rate.rate_id,
        name=rate.name,
        note=rate.note,
        vendor=vendor_of(rate.vendor),
        commodity=commodity_of(rate.commodity),
        versions=[
            VersionResponse(version_id=v.row.version_id, begin_date=v.row.effective_date, end_date=v.end_date)
            for v in versions
        ],
    )


@router.get("/api/v3/rate", response_model=list[RateResponse])
def get_rates(
    db: DatabaseDep,
    today: TodayDep,
    response: Response,
    _: Annotated[Principal, Depends(requires("RateSchedules", "View"))],
    page: Annotated[PageRequest, Depends(page_request)],
    filter: FilterQuery = None,
) -> list[RateResponse]:
    """Get a list of all rate schedules matching the provided filters."""
    result = rates.list_rates(db, filter, page.number, page.size, today)
    set_paging_headers(response, page, result.total)
    versions = rate_versions.version_summaries(db, [row.rate_id for row in result.rows])
    return [render_rate(row, versions.get(row.rate_id, [])) for row in result.rows]


@router.get("/api/v3/rate/{rateId}", response_model=RateResponse)
def get_rate(
    db: DatabaseDep, rateId: int, _: Annotated[Principal, Depends(requires("RateSchedules", "View"))]
) -> RateResponse:
    """Get a rate schedule."""
    return render_rate(rates.get_rate(db, rateId), rate_versions.version_summaries(db, [rateId]).get(rateId, []))


@router.post("/api/v3/rate", response_model=RateResponse)
def create_rate(
    db: DatabaseDep, body: RateCreate, _: Annotated[Principal, Depends(requires("RateSchedules", "Create"))]
) -> RateResponse:
    """Create a rate schedule; its prices are its versions (a legacy `unitPrice=<decimal>` token in the note
    sets a flat unit price used while it has none)."""
    rate_id = rates.create_rate(db, body.name, body.vendor_id, body.commodity_id, body.note)
    return render_rate(rates.get_rate(db, rate_id), [])
