"""Routes: rate schedules over time (operations.md §9): edit and delete a rate, its dated versions, the rates of
meters, accounts and account meters; and the use blocks (tiered prices) and time-of-use prices of a version,
/apportion/v1 extensions.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Annotated

from fastapi import Depends, Response

from apportion.api.deps import ClockDep, DatabaseDep, requires
from apportion.api.render import commodity_of, place_of, unit_of, user_of, vendor_of
from apportion.api.routes.reference import render_rate
from apportion.api.schemas.contract import (
    AccountMeterChild,
    AccountMeterRateResponse,
    AccountRateRequest,
    AccountRateResponse,
    GenericBodylineRequest,
    GenericBodylineResponse,
    MeterAccountChild,
    MeterRateResponse,
    ObservationTypeChild,
    RateEdit,
    RateResponse,
    RateVersionRequest,
    RateVersionResponse,
)
from apportion.api.schemas.extension import (
    TimeOfUsePriceRequest,
    TimeOfUseResponse,
    UseBlockRequest,
    UseBlocksResponse,
)
from apportion.api.wire import WireRouter
from apportion.domain.calculations.instructions import LineItem
from apportion.domain.rates import TimeOfUsePrice, UseBlock
from apportion.services.access.auth import Principal
from apportion.services.master import rate_versions, rates
from apportion.services.master.rate_versions import LinkRateView, VersionInput, VersionView
from apportion.store.queries.reference import ObservationTypeRow

PREFIX = "/apportion/v1"
router = WireRouter(tags=["Rates"])
Viewer = Annotated[Principal, Depends(requires("RateSchedules", "View"))]
Creator = Annotated[Principal, Depends(requires("RateSchedules", "Create"))]
Editor = Annotated[Principal, Depends(requires("RateSchedules", "Edit"))]
Deleter = Annotated[Principal, Depends(requires("RateSchedules", "Delete"))]


def render_line_items(
    items: Sequence[LineItem], kinds: Mapping[int, ObservationTypeRow]
) -> list[GenericBodylineResponse]:
    """GenericBodylineResponse per line item, in order."""
    rendered = []
    for item in items:
        kind = kinds.get(item.observation_type_id or 0)
        observation_type = None
        if kind is not None:
            observation_type = ObservationTypeChild(
                observation_type_id=kind.observation_type_id,
                observation_type_code=kind.observation_type_code,
                observation_type_info=kind.observation_type_info,
            )
        rendered.append(
            GenericBodylineResponse(
                observation_type=observation_type,
                caption=item.caption,
                calculation_type=item.calculation_type,
                value=item.value,
            )
        )
    return rendered


def render_version(view: VersionView, kinds: Mapping[int, ObservationTypeRow]) -> RateVersionResponse:
    """Wire form of a rate version; costUnit is not kept (amounts are in the one currency)."""
    row = view.row
    return RateVersionResponse(
        version_id=row.version_id,
        begin_date=row.effective_date,
        end_date=view.end_date,
        created_date=row.created_date,
        modified_date=row.modified_date,
        note=row.note,
        created_by=user_of(row.created_by),
        modified_by=user_of(row.modified_by),
        use_unit_cost=row.use_unit_cost,
        use_unit=unit_of(row.use_unit),
        demand_unit_cost=row.demand_unit_cost,
        demand_unit=unit_of(row.demand_unit),
        cost_unit=None,
        account_line_items=render_line_items(row.account_line_items, kinds),
        meter_line_items=render_line_items(row.meter_line_items, kinds),
        udfs=[],
    )


def _items(body: list[GenericBodylineRequest] | None) -> tuple[LineItem, ...]:
    return tuple(
        LineItem(
            calculation_type=item.calculation_type or "",
            caption=item.caption,
            value=item.value,
            observation_type_id=item.observation_type_id,
        )
        for item in body or []
    )


def _version_input(body: RateVersionRequest) -> VersionInput:
    return VersionInput(
        effective_date=body.effective_date.date(),
        note=body.note,
        use_unit_cost=body.use_unit_cost,
        use_unit_id=body.use_unit_id,
        demand_unit_cost=body.demand_unit_cost,
        demand_unit_id=body.demand_unit_id,
        meter_line_items=_items(body.meter_line_items),
        account_line_items=_items(body.account_line_items),
    )


@router.put("/api/v3/rate/{rateId}", response_model=RateResponse)
def edit_rate(db: DatabaseDep, rateId: int, body: RateEdit, _: Editor) -> RateResponse:
    """Edit a rate's name and note."""
    rate_versions.edit_rate(db, rateId, body.name, body.note)
    return render_rate(rates.get_rate(db, rateId), rate_versions.version_summaries(db, [rateId]).get(rateId, []))


@router.delete("/api/v3/rate/{rateId}", status_code=204)
def delete_rate(db: DatabaseDep, rateId: int, _: Deleter) -> Response:
    """Delete a rate schedule and its versions (204); one assigned to an account meter is refused (400)."""
    rate_versions.delete_rate(db, rateId)
    return Response(status_code=204)


@router.get("/api/v3/rate/{rateId}/version", response_model=list[RateVersionResponse])
def get_rate_versions(db: DatabaseDep, rateId: int, _: Viewer) -> list[RateVersionResponse]:
    """The rate's versions by effective date, with their dates, unit costs and line items."""
    kinds = rate_versions.observation_types(db)
    return [render_version(view, kinds) for view in rate_versions.list_versions(db, rateId)]


@router.post("/api/v3/rate/{rateId}/version", response_model=RateVersionResponse)
def create_rate_version(
    db: DatabaseDep, clock: ClockDep, rateId: int, body: RateVersionRequest, user: Creator
) -> RateVersionResponse:
    """Create a rate version; one before an existing version ends where that one begins."""
    version_id = rate_versions.create_version(db, rateId, _version_input(body), user.user_id, clock())
    return render_version(rate_versions.get_version(db, rateId, version_id), rate_versions.observation_types(db))


@router.get("/api/v3/rate/{rateId}/version/{versionId}", response_model=RateVersionResponse)
def get_rate_version(db: DatabaseDep, rateId: int, versionId: int, _: Viewer) -> RateVersionResponse:
    """One rate version with its dates, unit costs and line items."""
    return render_version(rate_versions.get_version(db, rateId, versionId), rate_versions.observation_types(db))


@router.put("/api/v3/rate/{rateId}/version/{versionId}", response_model=RateVersionResponse)
def edit_rate_version(
    db: DatabaseDep, clock: ClockDep, rateId: int, versionId: int, body: RateVersionRequest, user: Editor
) -> RateVersionResponse:
    """Edit a rate version; its effective date stays after the previous version's and before the next one's."""
    rate_versions.edit_version(db, rateId, versionId, _version_input(body), user.user_id, clock())
    return render_version(rate_versions.get_version(db, rateId, versionId), rate_versions.observation_types(db))


@router.delete("/api/v3/rate/{rateId}/version/{versionId}", status_code=204)
def delete_rate_version(db: DatabaseDep, rateId: int, versionId: int, _: Deleter) -> Response:
    """Delete a rate version (204); the last remaining one is refused (400)."""
    rate_versions.delete_version(db, rateId, versionId)
    return Response(status_code=204)


def _meter_rate(view: LinkRateView) -> MeterRateResponse:
    row, account = view.row, view.row.account
    return MeterRateResponse(
        rate_id=row.rate_id,
        name=row.name,
        rate_code=row.rate_code,
        start_date=row.start_date,
        end_date=view.end_date,
        account=None
        if account is None
        else MeterAccountChild(
            account_meter_id=row.account_meter_id,
            account_id=account.account_id,
            account_code=account.account_code,
            account_info=account.account_info,
            active=account.active,
            has_calculated_meter=account.flags.has_calculated_meter,
            has_split_parent_meter=account.flags.has_split_parent_meter,
            has_split_child_meter=account.flags.has_split_child_meter,
            vendor=vendor_of(account.vendor),
            start_date=row.link_begin,
            end_date=row.link_end,
        ),
        commodity=commodity_of(row.commodity),
        note=row.note,
    )


def _account_rate(view: LinkRateView) -> AccountRateResponse:
    row, meter = view.row, view.row.meter
    return AccountRateResponse(
        rate_id=row.rate_id,
        name=row.name,
        rate_code=row.rate_code,
        start_date=row.start_date,
        end_date=view.end_date,
        meter=None
        if meter is None
        else AccountMeterChild(
            account_meter_id=row.account_meter_id,
            start_date=row.link_begin,
            end_date=row.link_end,
            meter_id=meter.meter_id,
            meter_code=meter.meter_code,
            meter_info=meter.meter_info,
            place=place_of(meter.place),
            commodity=commodity_of(meter.commodity),
            active=meter.active,
            is_calculated_meter=meter.flags.is_calculated_meter,
            is_split_parent_meter=meter.flags.is_split_parent_meter,
            is_split_child_meter=meter.flags.is_split_child_meter,
        ),
        vendor=vendor_of(None if row.account is None else row.account.vendor),
        note=row.note,
    )


def _link_rate(view: LinkRateView) -> AccountMeterRateResponse:
    row = view.row
    return AccountMeterRateResponse(
        rate_id=row.rate_id,
        name=row.name,
        rate_code=row.rate_code,
        note=row.note,
        start_date=row.start_date,
        end_date=view.end_date,
    )


@router.get("/api/v3/meter/{meterId}/rate", response_model=list[MeterRateResponse])
def get_meter_rates(
    db: DatabaseDep, meterId: int, user: Annotated[Principal, Depends(requires("Meters", "View"))]
) -> list[MeterRateResponse]:
    """Every rate on the meter's account meters, with its dates and account."""
    return [_meter_rate(view) for view in rate_versions.meter_rates(db, meterId, user.scope)]


@router.get("/api/v3/account/{accountId}/rate", response_model=list[AccountRateResponse])
def get_account_rates(
    db: DatabaseDep, accountId: int, user: Annotated[Principal, Depends(requires("Accounts", "View"))]
) -> list[AccountRateResponse]:
    """Every rate on the account's account meters, with its dates and meter."""
    return [_account_rate(view) for view in rate_versions.account_rates(db, accountId, user.scope)]


AccountEditor = Annotated[Principal, Depends(requires("Accounts", "Edit"))]


@router.post("/api/v3/accountmeter/{accountMeterId}/rate", response_model=AccountMeterRateResponse)
def create_account_rate(
    db: DatabaseDep, accountMeterId: int, body: AccountRateRequest, _: AccountEditor
) -> AccountMeterRateResponse:
    """Assign a rate to an account meter from startDate (until the next rate starts or the link ends)."""
    return _link_rate(rate_versions.add_link_rate(db, accountMeterId, body.rate_id, body.start_date.date()))


@router.put("/api/v3/accountmeter/{accountMeterId}/rate", response_model=list[AccountMeterRateResponse])
def edit_account_rate_list(
    db: DatabaseDep, accountMeterId: int, body: list[AccountRateRequest], _: AccountEditor
) -> list[AccountMeterRateResponse]:
    """Replace every rate of an account meter with the list (one bad element changes nothing)."""
    starts = [(item.rate_id, item.start_date.date()) for item in body]
    return [_link_rate(view) for view in rate_versions.replace_link_rates(db, accountMeterId, starts)]


@router.get(PREFIX + "/rate/{rateId}/version/{versionId}/useBlocks", response_model=UseBlocksResponse)
def get_use_blocks(db: DatabaseDep, rateId: int, versionId: int, _: Viewer) -> UseBlocksResponse:
    """A rate version's use blocks (tiered prices; docs/rates.md)."""
    return _blocks(rateId, rate_versions.get_version(db, rateId, versionId))


@router.put(PREFIX + "/rate/{rateId}/version/{versionId}/useBlocks", response_model=UseBlocksResponse)
def set_use_blocks(
    db: DatabaseDep, clock: ClockDep, rateId: int, versionId: int, body: list[UseBlockRequest], user: Editor
) -> UseBlocksResponse:
    """Replace a rate version's use blocks: the use of a bill is priced block by block (each limit per month,
    prorated by days), the last block open-ended; an empty list returns the version to its useUnitCost."""
    blocks = [UseBlock(item.up_to, item.unit_cost) for item in body]
    return _blocks(rateId, rate_versions.set_use_blocks(db, rateId, versionId, blocks, user.user_id, clock()))


@router.get(PREFIX + "/rate/{rateId}/version/{versionId}/timeOfUse", response_model=TimeOfUseResponse)
def get_time_of_use(db: DatabaseDep, rateId: int, versionId: int, _: Viewer) -> TimeOfUseResponse:
    """A rate version's time-of-use prices (docs/rates.md)."""
    return _time_of_use(rateId, rate_versions.get_version(db, rateId, versionId))


@router.put(PREFIX + "/rate/{rateId}/version/{versionId}/timeOfUse", response_model=TimeOfUseResponse)
def set_time_of_use(
    db: DatabaseDep, clock: ClockDep, rateId: int, versionId: int, body: list[TimeOfUsePriceRequest], user: Editor
) -> TimeOfUseResponse:
    """Replace a rate version's time-of-use prices: the bill's use of each observation type (on-peak use, off-peak
    use, read from the meter's channels of that type) at its unit cost, the rest of the use by useUnitCost or the
    use blocks; an empty list removes them."""
    prices = [TimeOfUsePrice(item.observation_type_id, item.unit_cost) for item in body]
    return _time_of_use(rateId, rate_versions.set_time_of_use(db, rateId, versionId, prices, user.user_id, clock()))


def _time_of_use(rate_id: int, view: VersionView) -> TimeOfUseResponse:
    return TimeOfUseResponse(
        rate_id=rate_id,
        version_id=view.row.version_id,
        time_of_use=[
            TimeOfUsePriceRequest(observation_type_id=p.observation_type_id, unit_cost=p.unit_cost)
            for p in view.row.time_of_use
        ],
    )


def _blocks(rate_id: int, view: VersionView) -> UseBlocksResponse:
    return UseBlocksResponse(
        rate_id=rate_id,
        version_id=view.row.version_id,
        use_blocks=[UseBlockRequest(up_to=b.up_to, unit_cost=b.unit_cost) for b in view.row.use_blocks],
    )
