"""Routes: calculated bill versions (GET /api/v3/calculatedBill, ★003), their details (GET …/calculatedBill/{versionId},
GET/PUT …/use, …/cost, …/demand, …/meterLineItem, …/accountLineItem) and aggregate meters
(PUT /api/v202203/utilityPlatform/place/{placeId}/aggregateMeter)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, assert_never

from fastapi import Depends, Response

from apportion.api.deps import ClockDep, DatabaseDep, TodayDep, requires
from apportion.api.paging import FilterQuery, PageRequest, page_request, set_paging_headers
from apportion.api.render import commodity_of, distribution_version, meter_of, version_page
from apportion.api.schemas.contract import (
    CalculatedBillCostRequest,
    CalculatedBillCostResponse,
    CalculatedBillDemandRequest,
    CalculatedBillDemandResponse,
    CalculatedBillDetailsResponse,
    CalculatedBillUseRequest,
    CalculatedBillUseResponse,
    CalculationRequest,
    CalculationResponse,
    CalendarizedCalculationRequest,
    CalendarizedCalculationResponse,
    ChannelChildWithObservationType,
    CopyFromMeterResponse,
    CopyMeterRequest,
    DistributionVersionResponse,
    FixedAmountResponse,
    GenericBodylineRequest,
    GenericBodylineResponse,
    MeterChild,
    MeterGroupChild,
    ObservationRule,
    ObservationTypeChild,
    RateChildResponse,
    SubtractResponse,
    SumResponse,
    UnitChild,
    UpsertAggregateMeterRequest,
)
from apportion.api.wire import WireRouter
from apportion.domain import calculations as calc
from apportion.domain.versions import CALCULATION
from apportion.services.access.auth import Principal
from apportion.services.chargebacks import aggregate_meters, calculated_details, version_lists
from apportion.services.master import channels

router = WireRouter(tags=["Calculated bills"])


@router.get("/api/v3/calculatedBill", response_model=list[DistributionVersionResponse])
def get_calculated_bill_versions(
    db: DatabaseDep,
    today: TodayDep,
    response: Response,
    viewer: Annotated[Principal, Depends(requires("ChargebacksModule", "View"))],
    page: Annotated[PageRequest, Depends(page_request)],
    filter: FilterQuery = None,
) -> Response:
    """Get a list of calculated bill versions which match the provided filter conditions."""
    result = version_lists.list_versions(db, CALCULATION, filter, page.number, page.size, today, viewer.scope)
    set_paging_headers(response, page, result.total)
    return version_page(result.rows, response)


# Rendering: every child comes from the records the service loaded (CalculatedDetailsView), no query per line.


def _meters(view: calculated_details.CalculatedDetailsView, ids: Sequence[int]) -> list[MeterChild]:
    return [child for child in (meter_of(view.meters[i]) for i in ids if i in view.meters) if child is not None]


def _groups(view: calculated_details.CalculatedDetailsView, ids: Sequence[int]) -> list[MeterGroupChild]:
    return [
        MeterGroupChild(
            meter_group_id=g.meter_group_id,
            meter_group_code=g.meter_group_code,
            meter_group_info=g.meter_group_info,
            auto_group=g.auto_group,
            user_defined_auto_group=g.user_defined_auto_group,
        )
        for g in (view.groups[i] for i in ids if i in view.groups)
    ]


def _unit(view: calculated_details.CalculatedDetailsView, unit_id: int) -> UnitChild | None:
    unit = view.units.get(unit_id)
    return None if unit is None else UnitChild(unit_id=unit.unit_id, unit_code=unit.unit_code, unit_info=unit.unit_info)


def _channel(view: calculated_details.CalculatedDetailsView, channel_id: int) -> ChannelChildWithObservationType:
    channel = view.channels.get(channel_id)
    if channel is None:
        return ChannelChildWithObservationType(channel_id=channel_id)
    rule = channel.observation_rule
    kind = channel.observation_type
    return ChannelChildWithObservationType(
        channel_id=channel_id,
        channel_code=channel.channel_code,
        interval=channel.interval_minutes * 60,  # ChannelChild.interval is in seconds
        type=ObservationTypeChild(
            observation_type_id=kind.observation_type_id,
            observation_type_code=kind.observation_type_code,
            observation_type_info=kind.observation_type_info,
        ),
        rule=None
        if rule is None
        else ObservationRule(
            observation_rule_id=channels.OBSERVATION_RULES.get(rule),
            observation_rule_code=rule,
            observation_rule_info=rule,
        ),
    )


def _copy(view: calculated_details.CalculatedDetailsView, copy: calc.CopyFromMeter) -> CopyFromMeterResponse:
    meters = _meters(view, [copy.meter_id])
    return CopyFromMeterResponse(meter=meters[0] if meters else None, percentage=copy.percentage)


def _calculation(view: calculated_details.CalculatedDetailsView, c: calc.MeterCalculation) -> CalculationResponse:
    return CalculationResponse(
        sum=SumResponse(
            sum_meters=_meters(view, c.sum_meter_ids), sum_meter_groups=_groups(view, c.sum_meter_group_ids)
        ),
        subtract=SubtractResponse(
            subtract_meters=_meters(view, c.subtract_meter_ids),
            subtract_meter_groups=_groups(view, c.subtract_meter_group_ids),
        ),
    )


def render_use(view: calculated_details.CalculatedDetailsView) -> CalculatedBillUseResponse:
    """CalculatedBillUseResponse: the one use option set on the version (all null before a use is saved)."""
    use = view.instructions.use
    response = CalculatedBillUseResponse()
    if isinstance(use, calc.FixedUse):
        response.fixed_amount = FixedAmountResponse(amount=use.amount, unit=_unit(view, use.unit_id))
    elif isinstance(use, calc.CopyFromMeter):
        response.copy_use_from_meter = _copy(view, use)
    elif isinstance(use, calc.MeterCalculation):
        response.use_calculation = _calculation(view, use)
    elif isinstance(use, calc.CalendarizedSum):
        response.calendarized_use_calculation = CalendarizedCalculationResponse(
            calendarized_sum=_meters(view, use.meter_ids)
        )
    elif isinstance(use, calc.ReadingsChannel):
        response.readings_from_channel = _channel(view, use.channel_id)
    elif use is not None:
        assert_never(use)
    return response


def render_cost(view: calculated_details.CalculatedDetailsView) -> CalculatedBillCostResponse:
    """CalculatedBillCostResponse: the one cost option set on the version."""
    cost = view.instructions.cost
    response = CalculatedBillCostResponse()
    if isinstance(cost, calc.RateSchedule):
        rate = view.rate
        response.rate_schedule = (
            RateChildResponse()
            if rate is None
            else RateChildResponse(rate_id=rate.rate_id, name=rate.rate_info, commodity=commodity_of(rate.commodity))
        )
    elif isinstance(cost, calc.FixedUnitCost):
        response.fixed_unit_cost = FixedAmountResponse(amount=cost.unit_cost, unit=_unit(view, cost.unit_id))
    elif isinstance(cost, calc.UnitCostFromMeter):
        meters = _meters(view, [cost.meter_id])
        response.unit_cost_from_meter = meters[0] if meters else None
    elif isinstance(cost, calc.FixedCost):
        response.fixed_amount = cost.amount
    elif isinstance(cost, calc.CopyFromMeter):
        response.copy_cost_from_meter = _copy(view, cost)
    elif isinstance(cost, calc.MeterCalculation):
        response.cost_calculation = _calculation(view, cost)
    elif isinstance(cost, calc.CalendarizedSum):
        response.calendarized_cost_calculation = CalendarizedCalculationResponse(
            calendarized_sum=_meters(view, cost.meter_ids)
        )
    elif cost is not None:
        assert_never(cost)
    return response


def render_demand(view: calculated_details.CalculatedDetailsView) -> CalculatedBillDemandResponse:
    """CalculatedBillDemandResponse: fixed demand, demand from a channel, or nothing."""
    demand = view.instructions.demand
    response = CalculatedBillDemandResponse()
    if isinstance(demand, calc.FixedDemand):
        response.fixed_demand = FixedAmountResponse(amount=demand.amount, unit=_unit(view, demand.unit_id))
    elif isinstance(demand, calc.ReadingsChannel):
        response.readings_from_channel = _channel(view, demand.channel_id)
    elif demand is not None:
        assert_never(demand)
    return response


def render_line_items(
    view: calculated_details.CalculatedDetailsView, items: Sequence[calc.LineItem]
) -> list[GenericBodylineResponse]:
    """GenericBodylineResponse per line item, in calculation order."""
    rendered = []
    for item in items:
        kind = view.observation_types.get(item.observation_type_id or 0)
        rendered.append(
            GenericBodylineResponse(
                observation_type=None
                if kind is None
                else ObservationTypeChild(
                    observation_type_id=kind.observation_type_id,
                    observation_type_code=kind.observation_type_code,
                    observation_type_info=kind.observation_type_info,
                ),
                caption=item.caption,
                calculation_type=item.calculation_type,
                value=item.value,
            )
        )
    return rendered


def render_details(view: calculated_details.CalculatedDetailsView) -> CalculatedBillDetailsResponse:
    """CalculatedBillDetailsResponse: the version with all its instructions."""
    return CalculatedBillDetailsResponse(
        version=distribution_version(view.version),
        use=render_use(view),
        cost=render_cost(view),
        demand=render_demand(view),
        meter_line_items=render_line_items(view, view.instructions.meter_line_items),
        account_line_items=render_line_items(view, view.instructions.account_line_items),
    )


# Requests: wire models to the domain values the service validates.


def _calculation_in(body: CalculationRequest | None) -> calc.MeterCalculation | None:
    if body is None:
        return None
    added, taken = body.sum, body.subtract
    return calc.MeterCalculation(
        sum_meter_ids=tuple(added.sum_meter_ids or ()) if added else (),
        sum_meter_group_ids=tuple(added.sum_meter_group_ids or ()) if added else (),
        subtract_meter_ids=tuple(taken.subtract_meter_ids or ()) if taken else (),
        subtract_meter_group_ids=tuple(taken.subtract_meter_group_ids or ()) if taken else (),
    )


def _calendarized_in(body: CalendarizedCalculationRequest | None) -> calc.CalendarizedSum | None:
    if body is None:
        return None
    return calc.CalendarizedSum(tuple(body.sum.sum_meter_ids) if body.sum else ())


def _copy_in(body: CopyMeterRequest | None) -> calc.CopyFromMeter | None:
    return None if body is None else calc.CopyFromMeter(body.meter_id, body.percentage)


def _use_in(body: CalculatedBillUseRequest) -> calculated_details.UseOptions:
    fixed = body.fixed_amount
    return calculated_details.UseOptions(
        readings_channel_id=body.readings_channel_id,
        fixed_amount=None if fixed is None else calc.FixedUse(fixed.fixed_use_amount, fixed.unit_id),
        copy_use_from_meter=_copy_in(body.copy_use_from_meter),
        use_calculation=_calculation_in(body.use_calculation),
        calendarized_use_calculation=_calendarized_in(body.calendarized_use_calculation),
        use_wattics_data_point=body.use_wattics_data_point,
    )


def _cost_in(body: CalculatedBillCostRequest) -> calculated_details.CostOptions:
    unit_cost = body.fixed_unit_cost
    return calculated_details.CostOptions(
        use_current_meters_rate_schedule=body.use_current_meters_rate_schedule,
        fixed_unit_cost=None if unit_cost is None else calc.FixedUnitCost(unit_cost.unit_cost, unit_cost.unit_id),
        unit_cost_meter_id=body.unit_cost_meter_id,
        fixed_amount=body.fixed_amount,
        copy_cost_from_meter=_copy_in(body.copy_cost_from_meter),
        cost_calculation=_calculation_in(body.cost_calculation),
        calendarized_cost_calculation=_calendarized_in(body.calendarized_cost_calculation),
    )


def _demand_in(body: CalculatedBillDemandRequest) -> calculated_details.DemandOptions:
    fixed = body.fixed_demand
    return calculated_details.DemandOptions(
        readings_channel_id=body.readings_channel_id,
        fixed_demand=None if fixed is None else calc.FixedDemand(fixed.fixed_demand_amount, fixed.unit_id),
        use_wattics_data_point=body.use_wattics_data_point,
    )


def _items_in(body: list[GenericBodylineRequest]) -> list[calc.LineItem]:
    return [
        calc.LineItem(
            calculation_type=item.calculation_type or "",
            caption=item.caption,
            value=item.value,
            observation_type_id=item.observation_type_id,
        )
        for item in body
    ]


VERSION = "/api/v3/account/{accountId}/meter/{meterId}/calculatedBill/{versionId}"
Viewer = Annotated[Principal, Depends(requires("Meters", "View"))]
Manager = Annotated[Principal, Depends(requires("Chargebacks", "Manage"))]


@router.get(VERSION, response_model=CalculatedBillDetailsResponse)
def get_calculate_bill_details(
    db: DatabaseDep, accountId: int, meterId: int, versionId: int, _: Viewer
) -> CalculatedBillDetailsResponse:
    """All details related to calculated bill setup including use, cost, meter line items, and account line items."""
    return render_details(calculated_details.get_details(db, accountId, meterId, versionId))


@router.get(VERSION + "/use", response_model=CalculatedBillUseResponse)
def get_calculate_bill_use(
    db: DatabaseDep, accountId: int, meterId: int, versionId: int, _: Viewer
) -> CalculatedBillUseResponse:
    """Get calculated use details."""
    return render_use(calculated_details.get_details(db, accountId, meterId, versionId))


@router.put(VERSION + "/use", response_model=CalculatedBillUseResponse)
def manage_calculate_bill_use(
    db: DatabaseDep, accountId: int, meterId: int, versionId: int, body: CalculatedBillUseRequest, _: Manager
) -> CalculatedBillUseResponse:
    """Manage calculated bill's use: exactly one option, replacing the previous one."""
    return render_use(calculated_details.set_use(db, accountId, meterId, versionId, _use_in(body)))


@router.get(VERSION + "/cost", response_model=CalculatedBillCostResponse)
def get_calculate_bill_cost(
    db: DatabaseDep, accountId: int, meterId: int, versionId: int, _: Viewer
) -> CalculatedBillCostResponse:
    """Get calculated cost details."""
    return render_cost(calculated_details.get_details(db, accountId, meterId, versionId))


@router.put(VERSION + "/cost", response_model=CalculatedBillCostResponse)
def manage_calculate_bill_cost(
    db: DatabaseDep, accountId: int, meterId: int, versionId: int, body: CalculatedBillCostRequest, _: Manager
) -> CalculatedBillCostResponse:
    """Manage calculated bill's cost: exactly one option, replacing the previous one."""
    return render_cost(calculated_details.set_cost(db, accountId, meterId, versionId, _cost_in(body)))


@router.get(VERSION + "/demand", response_model=CalculatedBillDemandResponse)
def get_calculate_bill_demand(
    db: DatabaseDep, accountId: int, meterId: int, versionId: int, _: Viewer
) -> CalculatedBillDemandResponse:
    """Get calculated demand details."""
    return render_demand(calculated_details.get_details(db, accountId, meterId, versionId))


@router.put(VERSION + "/demand", response_model=CalculatedBillDemandResponse)
def manage_calculate_bill_demand(
    db: DatabaseDep, accountId: int, meterId: int, versionId: int, body: CalculatedBillDemandRequest, _: Manager
) -> CalculatedBillDemandResponse:
    """Manage calculated bill's demand; null for every option clears it."""
    return render_demand(calculated_details.set_demand(db, accountId, meterId, versionId, _demand_in(body)))


@router.get(VERSION + "/meterLineItem", response_model=list[GenericBodylineResponse])
def get_meter_line_items(
    db: DatabaseDep, accountId: int, meterId: int, versionId: int, _: Viewer
) -> list[GenericBodylineResponse]:
    """Get calculated bill meter line items, in calculation order."""
    view = calculated_details.get_details(db, accountId, meterId, versionId)
    return render_line_items(view, view.instructions.meter_line_items)


@router.put(VERSION + "/meterLineItem", response_model=list[GenericBodylineResponse])
def manage_meter_line_items(
    db: DatabaseDep, accountId: int, meterId: int, versionId: int, body: list[GenericBodylineRequest], _: Manager
) -> list[GenericBodylineResponse]:
    """Manage calculated bill meter line items: the list replaces them all; its order is the calculation order."""
    view = calculated_details.set_line_items(db, accountId, meterId, versionId, _items_in(body), account=False)
    return render_line_items(view, view.instructions.meter_line_items)


@router.get(VERSION + "/accountLineItem", response_model=list[GenericBodylineResponse])
def get_account_line_items(
    db: DatabaseDep, accountId: int, meterId: int, versionId: int, _: Viewer
) -> list[GenericBodylineResponse]:
    """Get calculated bill account line items, in calculation order."""
    view = calculated_details.get_details(db, accountId, meterId, versionId)
    return render_line_items(view, view.instructions.account_line_items)


@router.put(VERSION + "/accountLineItem", response_model=list[GenericBodylineResponse])
def manage_account_line_items(
    db: DatabaseDep, accountId: int, meterId: int, versionId: int, body: list[GenericBodylineRequest], _: Manager
) -> list[GenericBodylineResponse]:
    """Manage calculated bill account line items (charge observation types only); the list replaces them all."""
    view = calculated_details.set_line_items(db, accountId, meterId, versionId, _items_in(body), account=True)
    return render_line_items(view, view.instructions.account_line_items)


@router.put("/api/v202203/utilityPlatform/place/{placeId}/aggregateMeter", response_model=CalculatedBillDetailsResponse)
def upsert_aggregate_meter(
    db: DatabaseDep,
    clock: ClockDep,
    placeId: int,
    body: UpsertAggregateMeterRequest,
    user: Annotated[Principal, Depends(requires("Meters", "Create"))],
) -> CalculatedBillDetailsResponse:
    """Create an aggregate meter and version, or update it and its version for beginPeriod (domain.md §4.5)."""
    request = aggregate_meters.AggregateMeterRequest(
        body.aggregate_meter_id, body.begin_period, body.source_meter_ids, body.commodity_id, body.aggregate_meter_info
    )
    return render_details(aggregate_meters.upsert_aggregate_meter(db, placeId, request, user.user_id, clock()))
