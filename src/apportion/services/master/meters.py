"""Meters: list, read, create and delete (deleteBills), with their use and demand units (domain.md §2.2)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from typing import Any

from sqlalchemy import RowMapping, delete, func, select
from sqlalchemy.orm import Session, aliased

from apportion.domain import filters
from apportion.domain.errors import NotFound, ValidationFailed
from apportion.domain.filters import FieldSpec, FieldType
from apportion.services.child_columns import (
    join_account_child,
    join_commodity_child,
    join_meter_type_child,
    join_place_child,
    join_unit_child,
    join_vendor_type_child,
    meter_flag_columns,
)
from apportion.services.ids import fetch, in_range, parse_filter, require
from apportion.services.master import dependents
from apportion.store.database import Database
from apportion.store.filtering import Related, compile_filter, related_exists
from apportion.store.models.organisation import Account, AccountMeter, Channel, Meter, Place, Vendor
from apportion.store.models.reference import Commodity, CommodityUnitConversion, MeterType, Unit, UnitType
from apportion.store.models.users import User
from apportion.store.paging import Page, paginate

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


@cache
def _select() -> Any:
    creator, modifier = aliased(User), aliased(User)
    statement: Any = (
        select(
            Meter,
            creator.user_id.label("created_user_id"),
            creator.user_code.label("created_user_code"),
            creator.full_name.label("created_full_name"),
            modifier.user_id.label("modified_user_id"),
            modifier.user_code.label("modified_user_code"),
            modifier.full_name.label("modified_full_name"),
            *meter_flag_columns(Meter.meter_id, "meter"),
        )
        .outerjoin(creator, creator.user_id == Meter.created_by)
        .outerjoin(modifier, modifier.user_id == Meter.modified_by)
    )
    statement = join_meter_type_child(statement, Meter.meter_type_id, "meter_type")
    statement = join_commodity_child(statement, Meter.commodity_id, "commodity")
    statement = join_place_child(statement, Meter.place_id, "place")
    statement = join_unit_child(statement, Meter.use_unit_id, "use_unit")
    return join_unit_child(statement, Meter.demand_unit_id, "demand_unit")


def _via_link(column: Any) -> Related:
    """A filter on the meter's linked accounts (any link, any dates): one EXISTS for all of a field's conditions."""
    return related_exists(
        column,
        AccountMeter.meter_id == Meter.meter_id,
        Account.account_id == AccountMeter.account_id,
        Vendor.vendor_id == Account.vendor_id,
    )


def list_meters(db: Database, filter_text: str | None, page_number: int, page_size: int, today: date) -> Page:
    """One page of meters matching the filter, ordered by id."""
    conditions = parse_filter(filter_text, FILTERS)
    commodity_code = select(Commodity.commodity_code).where(Commodity.commodity_id == Meter.commodity_id)
    place_code = select(Place.place_code).where(Place.place_id == Meter.place_id)
    targets = {
        "meterId": Meter.meter_id,
        "meterCode": Meter.meter_code,
        "meterInfo": Meter.meter_info,
        "serialNumber": Meter.serial_number,
        "active": Meter.active,
        "meterTypeId": Meter.meter_type_id,
        "commodityId": Meter.commodity_id,
        "commodityCode": commodity_code.scalar_subquery(),
        "placeId": Meter.place_id,
        "placeCode": place_code.scalar_subquery(),
        "accountId": _via_link(Account.account_id),
        "accountCode": _via_link(Account.account_code),
        "vendorCode": _via_link(Vendor.vendor_code),
    }
    statement = _select().where(compile_filter(conditions, targets, today)).order_by(Meter.meter_id)
    with db.reading() as session:
        return paginate(session, statement, page_number, page_size)


def get_meter(db: Database, meter_id: int) -> RowMapping:
    """One meter with its type, commodity, place, units, users and flags, or NotFound."""
    require(meter_id, "Meter")
    with db.reading() as session:
        row = session.execute(_select().where(Meter.meter_id == meter_id)).mappings().one_or_none()
    if row is None:
        raise NotFound("Meter", meter_id)
    return row


@cache
def _links() -> Any:
    statement: Any = select(
        AccountMeter.meter_id, AccountMeter.account_meter_id, AccountMeter.begin_date, AccountMeter.end_date
    )
    statement = join_account_child(statement, AccountMeter.account_id, "account")
    statement = join_vendor_type_child(statement, AccountMeter.vendor_type_id, "vendor_type")
    return statement.order_by(AccountMeter.account_meter_id)


def accounts_of(db: Database, meter_ids: Sequence[int]) -> dict[int, list[RowMapping]]:
    """The account links of each meter (`account_meter_id`, `begin_date`, `end_date`, `account_*`,
    `vendor_type_*`), in one query."""
    statement = _links().where(AccountMeter.meter_id.in_(list(meter_ids)))
    out: dict[int, list[RowMapping]] = {i: [] for i in meter_ids}
    with db.reading() as session:
        for row in session.execute(statement).mappings():
            out[row["meter_id"]].append(row)
    return out


def channels_of(db: Database, meter_ids: Sequence[int]) -> dict[int, list[RowMapping]]:
    """The channels of each meter (`channel_id`, `channel_code`, `interval_minutes`), in one query."""
    statement = (
        select(Channel.meter_id, Channel.channel_id, Channel.channel_code, Channel.interval_minutes)
        .where(Channel.meter_id.in_(list(meter_ids)))
        .order_by(Channel.channel_id)
    )
    out: dict[int, list[RowMapping]] = {i: [] for i in meter_ids}
    with db.reading() as session:
        for row in session.execute(statement).mappings():
            out[row["meter_id"]].append(row)
    return out


def _unit_type(session: Session, unit_id: int | None) -> int | None:
    if unit_id is None or not in_range(unit_id):
        return None
    return session.execute(select(Unit.unit_type_id).where(Unit.unit_id == unit_id)).scalar_one_or_none()


def _check_units(session: Session, fields: MeterFields, commodity: Commodity) -> dict[str, list[str]]:
    """The use unit must convert to the commodity's common unit; the demand unit must be a demand unit."""
    errors: dict[str, list[str]] = {}
    if fields.use_unit_id is not None:
        use_type = _unit_type(session, fields.use_unit_id)
        if use_type is None:
            errors["useUnitId"] = [f"Unit {fields.use_unit_id} does not exist."]
        elif commodity.common_unit_id is not None and use_type != _unit_type(session, commodity.common_unit_id):
            conversion = session.get(CommodityUnitConversion, (commodity.commodity_id, fields.use_unit_id))
            if conversion is None:
                errors["useUnitId"] = [
                    f"Unit {fields.use_unit_id} cannot be converted to the common unit of {commodity.commodity_code}."
                ]
    if fields.demand_unit_id is not None:
        demand_type = (
            None
            if not in_range(fields.demand_unit_id)
            else session.execute(
                select(UnitType.unit_type_code)
                .join(Unit, Unit.unit_type_id == UnitType.unit_type_id)
                .where(Unit.unit_id == fields.demand_unit_id)
            ).scalar_one_or_none()
        )
        if demand_type is None:
            errors["demandUnitId"] = [f"Unit {fields.demand_unit_id} does not exist."]
        elif demand_type != "DEMAND":
            errors["demandUnitId"] = [f"Unit {fields.demand_unit_id} is not a demand unit."]
    return errors


def create_meter(db: Database, fields: MeterFields, user_id: int, now: datetime) -> int:
    """Create a meter; codes are unique (case-insensitive); the use unit defaults to the commodity's common unit."""
    errors: dict[str, list[str]] = {}
    if not fields.meter_code.strip():
        errors["meterCode"] = ["meterCode must not be empty."]
    if not fields.meter_info.strip():
        errors["meterInfo"] = ["meterInfo must not be empty."]
    with db.transaction() as session:
        clash = select(Meter.meter_id).where(func.lower(Meter.meter_code) == fields.meter_code.lower())
        if fields.meter_code.strip() and session.execute(clash).first():
            errors["meterCode"] = [f"Meter code '{fields.meter_code}' is already in use."]
        if fetch(session, Place, fields.place_id) is None:
            errors["placeId"] = [f"Place {fields.place_id} does not exist."]
        if fetch(session, MeterType, fields.meter_type_id) is None:
            errors["meterTypeId"] = [f"Meter type {fields.meter_type_id} does not exist."]
        commodity = fetch(session, Commodity, fields.commodity_id)
        if commodity is None:
            errors["commodityId"] = [f"Commodity {fields.commodity_id} does not exist."]
        else:
            errors.update(_check_units(session, fields, commodity))
        if errors or commodity is None:
            raise ValidationFailed(errors)
        meter = Meter(
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
            active=True,
            created_by=user_id,
            created_date=now,
        )
        session.add(meter)
        session.flush()
        return meter.meter_id


def delete_meter(db: Database, meter_id: int, delete_bills: bool, user_id: int, now: datetime) -> None:
    """Delete a meter with its links, channels, readings and group memberships; bills need deleteBills."""
    with db.transaction() as session:
        if fetch(session, Meter, meter_id) is None:
            raise NotFound("Meter", meter_id)
        dependents.refuse_if_in_versions(session, f"Meter {meter_id}", meter_id=meter_id)
        bills = dependents.meter_bill_ids(session, meter_id)
        dependents.refuse_or_delete_bills(session, bills, delete_bills, f"Meter {meter_id}", user_id, now)
        session.execute(delete(Meter).where(Meter.meter_id == meter_id))
