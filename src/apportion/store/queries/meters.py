"""Meters as typed values: the list, one meter with its children, its account links and channels, and the writes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from typing import Any, NamedTuple

from sqlalchemy import and_, delete, func, select
from sqlalchemy.engine import RowMapping
from sqlalchemy.orm import Session

from apportion.domain.filters import Condition
from apportion.domain.scoping import Scope
from apportion.store import scoping
from apportion.store.filtering import Related, compile_filter, related_exists
from apportion.store.lookup import key_exists
from apportion.store.models.organisation import Account, AccountMeter, Channel, Meter, Place, Vendor
from apportion.store.models.reference import Commodity, MeterType
from apportion.store.paging import AnySelect, TypedPage
from apportion.store.queries.children import (
    AccountChild,
    CommodityChild,
    MeterFlags,
    MeterTypeChild,
    PlaceChild,
    UnitChild,
    UserChild,
    VendorTypeChild,
    join_account,
    join_commodity,
    join_meter_type,
    join_place,
    join_unit,
    join_user,
    join_vendor_type,
    meter_flags,
)
from apportion.store.queries.shaped import Shaped, grouped, present


@dataclass(frozen=True)
class NewMeter:
    """A new meter's columns."""

    meter_code: str
    meter_info: str
    commodity_id: int
    place_id: int
    meter_type_id: int
    use_unit_id: int | None
    demand_unit_id: int | None
    address: dict[str, Any] | None
    bill_entry_note: str | None
    include_in_energy_star: bool
    properties: dict[str, str] | None
    description: str | None


@dataclass(frozen=True)
class MeterRow:
    """A meter with its type, commodity, place, units, users and chargeback flags."""

    meter_id: int
    meter_code: str
    meter_info: str
    meter_type: MeterTypeChild | None
    commodity: CommodityChild | None
    place: PlaceChild | None
    address: dict[str, Any] | None
    bill_entry_note: str | None
    include_in_energy_star: bool
    properties: dict[str, Any] | None
    active: bool
    serial_number: str | None
    description: str | None
    use_unit: UnitChild | None
    demand_unit: UnitChild | None
    created_by: UserChild | None
    created_date: datetime | None
    modified_by: UserChild | None
    modified_date: datetime | None
    flags: MeterFlags


@dataclass(frozen=True)
class MeterAccountLink:
    """One of a meter's account links, with the account (its vendor and flags) and the vendor type."""

    account_meter_id: int
    begin_date: date
    end_date: date
    account: AccountChild
    vendor_type: VendorTypeChild | None


class ChannelBrief(NamedTuple):
    """A meter's channel as a meter shows it."""

    channel_id: int
    channel_code: str | None
    interval_minutes: int


@cache
def _meters() -> Shaped[MeterRow]:
    statement, read_creator = join_user(select(Meter), Meter.created_by)
    statement, read_modifier = join_user(statement, Meter.modified_by)
    statement, read_flags = meter_flags(statement, Meter.meter_id)
    statement, read_type = join_meter_type(statement, Meter.meter_type_id)
    statement, read_commodity = join_commodity(statement, Meter.commodity_id)
    statement, read_place = join_place(statement, Meter.place_id)
    statement, read_use_unit = join_unit(statement, Meter.use_unit_id)
    statement, read_demand_unit = join_unit(statement, Meter.demand_unit_id)

    def read(row: RowMapping) -> MeterRow:
        m: Meter = row[Meter]
        return MeterRow(
            meter_id=m.meter_id,
            meter_code=m.meter_code,
            meter_info=m.meter_info,
            meter_type=read_type(row),
            commodity=read_commodity(row),
            place=read_place(row),
            address=m.address,
            bill_entry_note=m.bill_entry_note,
            include_in_energy_star=m.include_in_energy_star,
            properties=m.properties,
            active=m.active,
            serial_number=m.serial_number,
            description=m.description,
            use_unit=read_use_unit(row),
            demand_unit=read_demand_unit(row),
            created_by=read_creator(row),
            created_date=m.created_date,
            modified_by=read_modifier(row),
            modified_date=m.modified_date,
            flags=read_flags(row),
        )

    return Shaped(statement.order_by(Meter.meter_id), read)


def _via_link(column: Any) -> Related:
    """A filter on the meter's linked accounts (any link, any dates): one EXISTS for all of a field's conditions."""
    return related_exists(
        column,
        AccountMeter.meter_id == Meter.meter_id,
        Account.account_id == AccountMeter.account_id,
        Vendor.vendor_id == Account.vendor_id,
    )


def list_meters(
    session: Session,
    conditions: Sequence[Condition],
    today: date,
    page_number: int,
    page_size: int,
    scope: Scope = Scope.WHOLE,
) -> TypedPage[MeterRow]:
    """One page of meters matching the conditions, by id."""
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
    where = and_(compile_filter(conditions, targets, today), scoping.within(Meter.meter_id, scoping.meter_ids(scope)))
    return _meters().page(session, where, page_number, page_size)


def get_meter(session: Session, meter_id: int) -> MeterRow | None:
    """One meter, or None."""
    return _meters().one(session, Meter.meter_id == meter_id)


@cache
def _links() -> Shaped[tuple[int, MeterAccountLink]]:
    statement: AnySelect = select(
        AccountMeter.meter_id, AccountMeter.account_meter_id, AccountMeter.begin_date, AccountMeter.end_date
    )
    statement, read_account = join_account(statement, AccountMeter.account_id)
    statement, read_vendor_type = join_vendor_type(statement, AccountMeter.vendor_type_id)
    read_present_account = present(read_account, "account")

    def read(row: RowMapping) -> tuple[int, MeterAccountLink]:
        link = MeterAccountLink(
            account_meter_id=row[AccountMeter.account_meter_id],
            begin_date=row[AccountMeter.begin_date],
            end_date=row[AccountMeter.end_date],
            account=read_present_account(row),
            vendor_type=read_vendor_type(row),
        )
        return row[AccountMeter.meter_id], link

    return Shaped(statement.order_by(AccountMeter.account_meter_id), read)


def links_of(
    session: Session, meter_ids: Sequence[int], scope: Scope = Scope.WHOLE
) -> dict[int, list[MeterAccountLink]]:
    """The account links of each meter (to accounts in `scope`), by link id."""
    within = scoping.within(AccountMeter.account_id, scoping.account_ids(scope))
    return grouped(_links(), session, AccountMeter.meter_id, meter_ids, within)


def channels_of(session: Session, meter_ids: Sequence[int]) -> dict[int, list[ChannelBrief]]:
    """The channels of each meter, by channel id."""
    statement = (
        select(Channel.meter_id, Channel.channel_id, Channel.channel_code, Channel.interval_minutes)
        .where(Channel.meter_id.in_(list(meter_ids)))
        .order_by(Channel.channel_id)
    )
    out: dict[int, list[ChannelBrief]] = {i: [] for i in meter_ids}
    for meter_id, channel_id, code, interval in session.execute(statement):
        out[meter_id].append(ChannelBrief(channel_id, code, interval))
    return out


def meter_exists(session: Session, meter_id: int) -> bool:
    """Whether the meter exists."""
    return key_exists(session, Meter.meter_id, meter_id)


def meter_type_exists(session: Session, meter_type_id: int) -> bool:
    """Whether the meter type exists."""
    return key_exists(session, MeterType.meter_type_id, meter_type_id)


def code_taken(session: Session, code: str) -> bool:
    """Whether a meter has this code (compared without case)."""
    return (
        session.execute(select(Meter.meter_id).where(func.lower(Meter.meter_code) == code.lower())).first() is not None
    )


def insert_meter(session: Session, meter: NewMeter, user_id: int, now: datetime) -> int:
    """Write a new, active meter; returns its id."""
    row = Meter(**vars(meter), active=True, created_by=user_id, created_date=now)
    session.add(row)
    session.flush()
    return row.meter_id


def delete_meter(session: Session, meter_id: int) -> None:
    """Delete a meter (its links, channels, readings and group memberships go with it)."""
    session.execute(delete(Meter).where(Meter.meter_id == meter_id))
