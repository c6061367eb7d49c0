"""Routes: meters (GET/POST /api/v3/meter, GET/DELETE /api/v3/meter/{meterId}), meter groups and membership,
meter channels (GET/POST /api/v202101/meter/{meterId}/channel) and readings (POST /api/v3/reading)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response
from sqlalchemy import RowMapping

from apportion.api.deps import ClockDep, DatabaseDep, requires
from apportion.api.paging import PageRequest, page_request, set_paging_headers
from apportion.api.render import (
    commodity_child,
    meter_type_child,
    place_child,
    unit_child,
    user_child,
    vendor_child,
    vendor_type_child,
)
from apportion.api.schemas.contract import (
    AddressChild,
    ChannelChild,
    MeterAccountChild,
    MeterCreate,
    MeterResponse,
)
from apportion.services import meters
from apportion.services.auth import Principal
from apportion.store.database import Database

router = APIRouter(tags=["Meters"])

FilterQuery = Annotated[str | None, Query(description="API filter string containing conditions")]


def meter_account(row: RowMapping) -> MeterAccountChild:
    """Wire form of one link row of meters.accounts_of."""
    return MeterAccountChild(
        account_meter_id=row["account_meter_id"],
        account_id=row["account_id"],
        account_code=row["account_code"],
        account_info=row["account_info"],
        active=row["account_active"],
        has_calculated_meter=row["account_has_calculated_meter"],
        has_split_parent_meter=row["account_has_split_parent_meter"],
        has_split_child_meter=row["account_has_split_child_meter"],
        vendor=vendor_child(row, "account_vendor"),
        vendor_type=vendor_type_child(row),
        start_date=row["begin_date"],
        end_date=row["end_date"],
    )


def render_meters(db: Database, rows: list[RowMapping]) -> list[MeterResponse]:
    """Wire form of meter rows with their accounts and channels (two more queries for the whole list)."""
    ids = [row["Meter"].meter_id for row in rows]
    links = meters.accounts_of(db, ids)
    channels = meters.channels_of(db, ids)
    out = []
    for row in rows:
        m = row["Meter"]
        out.append(
            MeterResponse(
                meter_id=m.meter_id,
                meter_code=m.meter_code,
                meter_info=m.meter_info,
                meter_type=meter_type_child(row),
                channels=[
                    ChannelChild(
                        channel_id=c["channel_id"], channel_code=c["channel_code"], interval=c["interval_minutes"]
                    )
                    for c in channels[m.meter_id]
                ],
                accounts=[meter_account(link) for link in links[m.meter_id]],
                commodity=commodity_child(row),
                place=place_child(row),
                address=AddressChild.model_validate(m.address) if m.address else None,
                bill_entry_note=m.bill_entry_note,
                include_in_energy_star=m.include_in_energy_star,
                created_by=user_child(row, "created"),
                created_date=m.created_date,
                modified_by=user_child(row, "modified"),
                modified_date=m.modified_date,
                properties=m.properties,
                include_in_cost_avoidance=False,
                active=m.active,
                is_calculated_meter=row["meter_is_calculated_meter"],
                is_split_parent_meter=row["meter_is_split_parent_meter"],
                is_split_child_meter=row["meter_is_split_child_meter"],
                use_unit=unit_child(row, "use_unit"),
                demand_unit=unit_child(row, "demand_unit"),
                serial_number=m.serial_number,
                meter_description=m.description,
            )
        )
    return out


@router.get("/api/v3/meter", response_model=list[MeterResponse])
def get_meters(
    db: DatabaseDep,
    clock: ClockDep,
    response: Response,
    _: Annotated[Principal, Depends(requires("Meters", "View"))],
    page: Annotated[PageRequest, Depends(page_request)],
    filter: FilterQuery = None,
) -> list[MeterResponse]:
    """Retrieves all meters."""
    result = meters.list_meters(db, filter, page.number, page.size, clock().date())
    set_paging_headers(response, page, result.total)
    return render_meters(db, result.rows)


@router.get("/api/v3/meter/{meterId}", response_model=MeterResponse)
def get_meter(
    db: DatabaseDep, meterId: int, _: Annotated[Principal, Depends(requires("Meters", "View"))]
) -> MeterResponse:
    """Retrieves one meter."""
    return render_meters(db, [meters.get_meter(db, meterId)])[0]


@router.post("/api/v3/meter", response_model=MeterResponse)
def create_meter(
    db: DatabaseDep,
    clock: ClockDep,
    body: MeterCreate,
    user: Annotated[Principal, Depends(requires("Meters", "Create"))],
) -> MeterResponse:
    """Creates a meter (meterTypeId 1 standard, 6 chargeback, ...); the use unit defaults to the commodity's."""
    fields = meters.MeterFields(
        meter_code=body.meter_code,
        meter_info=body.meter_info,
        commodity_id=body.commodity_id,
        place_id=body.place_id,
        meter_type_id=body.meter_type_id,
        address=body.address.model_dump(by_alias=True, mode="json"),
        bill_entry_note=body.bill_entry_note,
        include_in_energy_star=bool(body.include_in_energy_star),
        properties=body.properties,
        use_unit_id=body.use_unit_id,
        demand_unit_id=body.demand_unit_id,
        description=body.meter_description,
    )
    meter_id = meters.create_meter(db, fields, user.user_id, clock())
    return render_meters(db, [meters.get_meter(db, meter_id)])[0]


@router.delete("/api/v3/meter/{meterId}", status_code=204)
def delete_meter(
    db: DatabaseDep,
    meterId: int,
    _: Annotated[Principal, Depends(requires("Meters", "Delete"))],
    delete_bills: Annotated[bool, Query(alias="deleteBills")] = False,
) -> Response:
    """Deletes a meter (204); with bills only when deleteBills=true (they are deleted too)."""
    meters.delete_meter(db, meterId, delete_bills)
    return Response(status_code=204)
