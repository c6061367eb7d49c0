"""Meters: list, read, create and delete (deleteBills), with their use and demand units (domain.md §2.2)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from apportion.domain import filters
from apportion.domain.errors import NotFound, ValidationFailed
from apportion.domain.filters import FieldSpec, FieldType
from apportion.domain.ids import parse_filter, require
from apportion.domain.scoping import Scope
from apportion.services.master import auto_groups, dependents
from apportion.store.database import Database, DbSession
from apportion.store.paging import TypedPage
from apportion.store.queries import dependents as bills
from apportion.store.queries import meters as store
from apportion.store.queries import places, reference
from apportion.store.queries.meters import ChannelBrief, MeterAccountLink, MeterRow, NewMeter
from apportion.store.queries.reference import CommodityUnits

FILTERS = filters.specs(
    FieldSpec("meterId", FieldType.INTEGER, filters.NUMBER_OPS),
    FieldSpec("meterCode", FieldType.STRING, filters.STRING_OPS),
    FieldSpec("meterInfo", FieldType.STRING, filters.STRING_OPS),
    FieldSpec("serialNumber", FieldType.STRING, filters.STRING_OPS),
    FieldSpec("active", FieldType.BOOLEAN, filters.BOOLEAN_OPS),
    FieldSpec("meterTypeId", FieldType.INTEGER, filters.NUMBER_OPS),
    FieldSpec("commodityId", FieldType.INTEGER, filters.NUMBER_OPS),
    FieldSpec("commodityCode", FieldType.STRING, filters.STRING_OPS),
    FieldSpec("placeId", FieldType.INTEGER, filters.NUMBER_OPS),
    FieldSpec("placeCode", FieldType.STRING, filters.STRING_OPS),
    FieldSpec("accountId", FieldType.INTEGER, filters.NUMBER_OPS),
    FieldSpec("accountCode", FieldType.STRING, filters.STRING_OPS),
    FieldSpec("vendorCode", FieldType.STRING, filters.STRING_OPS),
)


@dataclass(frozen=True)
class MeterFields:
    """MeterCreate as the service needs it (primaryUseId and meterTimeZoneId are accepted and ignored)."""

    meter_code: str
    meter_info: str
    commodity_id: int
    place_id: int
    meter_type_id: int
    address: dict[str, Any] | None = None
    bill_entry_note: str | None = None
    include_in_energy_star: bool = False
    properties: dict[str, str] | None = None
    use_unit_id: int | None = None
    demand_unit_id: int | None = None
    description: str | None = None


def list_meters(
    db: Database,
    filter_text: str | None,
    page_number: int,
    page_size: int,
    today: date,
    scope: Scope = Scope.WHOLE,
) -> TypedPage[MeterRow]:
    """One page of meters matching the filter, ordered by id."""
    conditions = parse_filter(filter_text, FILTERS)
    with db.reading() as session:
        return store.list_meters(session, conditions, today, page_number, page_size, scope)


def get_meter(db: Database, meter_id: int) -> MeterRow:
    """One meter with its type, commodity, place, units, users and flags, or NotFound."""
    require(meter_id, "Meter")
    with db.reading() as session:
        row = store.get_meter(session, meter_id)
    if row is None:
        raise NotFound("Meter", meter_id)
    return row


def accounts_of(
    db: Database, meter_ids: Sequence[int], scope: Scope = Scope.WHOLE
) -> dict[int, list[MeterAccountLink]]:
    """The account links of each meter (each account with its vendor and flags, and the vendor type), in one
    query."""
    with db.reading() as session:
        return store.links_of(session, meter_ids, scope)


def channels_of(db: Database, meter_ids: Sequence[int]) -> dict[int, list[ChannelBrief]]:
    """The channels of each meter, in one query."""
    with db.reading() as session:
        return store.channels_of(session, meter_ids)


def _check_units(session: DbSession, fields: MeterFields, commodity: CommodityUnits) -> dict[str, list[str]]:
    """The use unit must convert to the commodity's common unit; the demand unit must be a demand unit."""
    errors: dict[str, list[str]] = {}
    if fields.use_unit_id is not None:
        use_type = reference.unit_type_of(session, fields.use_unit_id)
        if use_type is None:
            errors["useUnitId"] = [f"Unit {fields.use_unit_id} does not exist."]
        elif (
            commodity.common_unit_id is not None
            and use_type != reference.unit_type_of(session, commodity.common_unit_id)
            and not reference.converts(session, commodity.commodity_id, fields.use_unit_id)
        ):
            errors["useUnitId"] = [
                f"Unit {fields.use_unit_id} cannot be converted to the common unit of {commodity.commodity_code}."
            ]
    if fields.demand_unit_id is not None:
        demand_type = reference.unit_type_code_of(session, fields.demand_unit_id)
        if demand_type is None:
            errors["demandUnitId"] = [f"Unit {fields.demand_unit_id} does not exist."]
        elif demand_type != "DEMAND":
            errors["demandUnitId"] = [f"Unit {fields.demand_unit_id} is not a demand unit."]
    return errors


def create_meter(db: Database, fields: MeterFields, user_id: int, now: datetime) -> int:
    """Create a meter; codes are unique (case-insensitive); the use unit defaults to the commodity's common unit.
    The meter joins the automatic groups whose filters it matches."""
    errors: dict[str, list[str]] = {}
    if not fields.meter_code.strip():
        errors["meterCode"] = ["meterCode must not be empty."]
    if not fields.meter_info.strip():
        errors["meterInfo"] = ["meterInfo must not be empty."]
    with db.transaction() as session:
        if fields.meter_code.strip() and store.code_taken(session, fields.meter_code):
            errors["meterCode"] = [f"Meter code '{fields.meter_code}' is already in use."]
        if not places.place_exists(session, fields.place_id):
            errors["placeId"] = [f"Place {fields.place_id} does not exist."]
        if not store.meter_type_exists(session, fields.meter_type_id):
            errors["meterTypeId"] = [f"Meter type {fields.meter_type_id} does not exist."]
        commodity = reference.commodity_units(session, fields.commodity_id)
        if commodity is None:
            errors["commodityId"] = [f"Commodity {fields.commodity_id} does not exist."]
        else:
            errors.update(_check_units(session, fields, commodity))
        if errors or commodity is None:
            raise ValidationFailed(errors)
        meter = NewMeter(
            meter_code=fields.meter_code,
            meter_info=fields.meter_info,
            commodity_id=fields.commodity_id,
            place_id=fields.place_id,
            meter_type_id=fields.meter_type_id,
            use_unit_id=fields.use_unit_id or commodity.common_unit_id,
            demand_unit_id=fields.demand_unit_id,
            address=fields.address,
            bill_entry_note=fields.bill_entry_note,
            include_in_energy_star=fields.include_in_energy_star,
            properties=fields.properties,
            description=fields.description,
        )
        meter_id = store.insert_meter(session, meter, user_id, now)
        auto_groups.refresh(session, now, meter_ids=[meter_id])
        return meter_id


def delete_meter(db: Database, meter_id: int, delete_bills: bool, user_id: int, now: datetime) -> None:
    """Delete a meter with its links, channels, readings and group memberships; bills need deleteBills."""
    with db.transaction() as session:
        if not store.meter_exists(session, meter_id):
            raise NotFound("Meter", meter_id)
        dependents.refuse_if_in_versions(session, f"Meter {meter_id}", meter_id=meter_id)
        meter_bills = bills.meter_bill_ids(session, meter_id)
        dependents.refuse_or_delete_bills(session, meter_bills, delete_bills, f"Meter {meter_id}", user_id, now)
        auto_groups.forget_meter(session, meter_id, now)
        store.delete_meter(session, meter_id)
