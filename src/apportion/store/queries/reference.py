"""Reference data as typed values: commodities (with their rollup units and whether a meter uses them), units
with their types, observation types and place types; a commodity's units and the commodity write."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cache
from typing import Any, NamedTuple

from sqlalchemy import Boolean, ColumnElement, exists, func, select, type_coerce
from sqlalchemy.engine import RowMapping
from sqlalchemy.orm import Session

from apportion.domain.filters import Condition
from apportion.domain.ids import in_range
from apportion.store.filtering import compile_filter
from apportion.store.lookup import key_exists
from apportion.store.models.organisation import Meter
from apportion.store.models.reference import (
    Commodity,
    CommodityUnitConversion,
    ObservationType,
    PlaceType,
    Unit,
    UnitType,
)
from apportion.store.queries.children import PlaceTypeChild, UnitChild, join_unit
from apportion.store.queries.shaped import Shaped


@dataclass(frozen=True)
class CommodityValues:
    """A new commodity's columns."""

    commodity_code: str
    commodity_info: str
    abbreviation: str
    description: str | None
    icon_code: str | None
    icon_color: str | None
    common_unit_id: int | None
    include_in_energy_reporting: bool
    energy_conversion: Decimal | None


@dataclass(frozen=True)
class CommodityRow:
    """A commodity with its rollup units and whether a meter uses it."""

    commodity_id: int
    commodity_code: str
    commodity_info: str
    abbreviation: str | None
    description: str | None
    icon_code: str | None
    icon_color: str | None
    use_rollup_unit: UnitChild | None
    demand_rollup_unit: UnitChild | None
    include_in_energy_reporting: bool
    energy_conversion: Decimal | None
    in_use: bool
    is_system: bool


class CommodityUnits(NamedTuple):
    """A commodity's code and common (rollup) use unit."""

    commodity_id: int
    commodity_code: str
    common_unit_id: int | None


@dataclass(frozen=True)
class UnitTypeRow:
    """A kind of quantity."""

    unit_type_id: int
    unit_type_code: str
    unit_type_info: str


@dataclass(frozen=True)
class UnitRow:
    """A unit with its type."""

    unit_id: int
    unit_code: str
    unit_info: str
    unit_type: UnitTypeRow


@dataclass(frozen=True)
class ObservationTypeRow:
    """An observation type (a bill line item type)."""

    observation_type_id: int
    observation_type_code: str
    observation_type_info: str


def _in_use() -> ColumnElement[bool]:
    return type_coerce(exists().where(Meter.commodity_id == Commodity.commodity_id), Boolean)


@cache
def _commodities() -> Shaped[CommodityRow]:
    in_use = _in_use().label(None)
    statement, read_use_unit = join_unit(select(Commodity, in_use), Commodity.common_unit_id)
    statement, read_demand_unit = join_unit(statement, Commodity.demand_unit_id)

    def read(row: RowMapping) -> CommodityRow:
        c: Commodity = row[Commodity]
        return CommodityRow(
            commodity_id=c.commodity_id,
            commodity_code=c.commodity_code,
            commodity_info=c.commodity_info,
            abbreviation=c.abbreviation,
            description=c.description,
            icon_code=c.icon_code,
            icon_color=c.icon_color,
            use_rollup_unit=read_use_unit(row),
            demand_rollup_unit=read_demand_unit(row),
            include_in_energy_reporting=c.include_in_energy_reporting,
            energy_conversion=c.energy_conversion,
            in_use=bool(row[in_use]),
            is_system=c.is_system,
        )

    return Shaped(statement.order_by(Commodity.commodity_id), read)


def list_commodities(session: Session, conditions: Sequence[Condition], today: date) -> list[CommodityRow]:
    """Commodities matching the conditions, by id."""
    targets = {
        "commodityId": Commodity.commodity_id,
        "commodityCode": Commodity.commodity_code,
        "commodityInfo": Commodity.commodity_info,
        "inUse": _in_use(),
        "isSystemCommodity": Commodity.is_system,
    }
    return _commodities().all(session, compile_filter(conditions, targets, today))


def get_commodity(session: Session, commodity_id: int) -> CommodityRow | None:
    """One commodity, or None."""
    return _commodities().one(session, Commodity.commodity_id == commodity_id)


def commodity_units(session: Session, commodity_id: int) -> CommodityUnits | None:
    """The commodity's code and common unit, or None when it does not exist."""
    if not in_range(commodity_id):
        return None
    row = session.execute(
        select(Commodity.commodity_code, Commodity.common_unit_id).where(Commodity.commodity_id == commodity_id)
    ).one_or_none()
    return None if row is None else CommodityUnits(commodity_id, row.commodity_code, row.common_unit_id)


def commodity_code_taken(session: Session, code: str) -> bool:
    """Whether a commodity has this code (upper-cased)."""
    statement = select(Commodity.commodity_id).where(func.upper(Commodity.commodity_code) == code)
    return session.execute(statement).first() is not None


def insert_commodity(session: Session, values: CommodityValues) -> int:
    """Write a new (not system) commodity; returns its id."""
    row = Commodity(**vars(values), is_system=False)
    session.add(row)
    session.flush()
    return row.commodity_id


def unit_exists(session: Session, unit_id: int) -> bool:
    """Whether the unit exists."""
    return key_exists(session, Unit.unit_id, unit_id)


def unit_type_of(session: Session, unit_id: int | None) -> int | None:
    """The unit's type, or None when there is no such unit."""
    if unit_id is None or not in_range(unit_id):
        return None
    return session.execute(select(Unit.unit_type_id).where(Unit.unit_id == unit_id)).scalar_one_or_none()


def unit_type_code_of(session: Session, unit_id: int) -> str | None:
    """The code of the unit's type, or None when there is no such unit."""
    if not in_range(unit_id):
        return None
    return session.execute(
        select(UnitType.unit_type_code)
        .join(Unit, Unit.unit_type_id == UnitType.unit_type_id)
        .where(Unit.unit_id == unit_id)
    ).scalar_one_or_none()


def converts(session: Session, commodity_id: int, unit_id: int) -> bool:
    """Whether the commodity has a conversion from the unit to its common unit."""
    return session.get(CommodityUnitConversion, (commodity_id, unit_id)) is not None


def unit_id_of(session: Session, code: str) -> int | None:
    """The unit with this code (compared without case), if any."""
    statement = select(Unit.unit_id).where(func.lower(Unit.unit_code) == code.lower())
    return session.execute(statement).scalar_one_or_none()


def observation_type_id_of(session: Session, code: str) -> int | None:
    """The observation type with this code (compared without case), if any."""
    statement = select(ObservationType.observation_type_id).where(
        func.lower(ObservationType.observation_type_code) == code.lower()
    )
    return session.execute(statement).scalar_one_or_none()


def list_units(session: Session, conditions: Sequence[Condition], today: date) -> list[UnitRow]:
    """Units matching the conditions with their type, by id."""
    targets: dict[str, Any] = {
        "unitId": Unit.unit_id,
        "unitCode": Unit.unit_code,
        "unitInfo": Unit.unit_info,
        "unitTypeId": Unit.unit_type_id,
        "unitTypeCode": UnitType.unit_type_code,
    }
    statement = (
        select(
            Unit.unit_id,
            Unit.unit_code,
            Unit.unit_info,
            UnitType.unit_type_id,
            UnitType.unit_type_code,
            UnitType.unit_type_info,
        )
        .join(UnitType, UnitType.unit_type_id == Unit.unit_type_id)
        .where(compile_filter(conditions, targets, today))
        .order_by(Unit.unit_id)
    )
    return [
        UnitRow(unit_id, code, info, UnitTypeRow(type_id, type_code, type_info))
        for unit_id, code, info, type_id, type_code, type_info in session.execute(statement)
    ]


def list_observation_types(session: Session, conditions: Sequence[Condition], today: date) -> list[ObservationTypeRow]:
    """Observation types matching the conditions, by id."""
    targets = {
        "observationTypeId": ObservationType.observation_type_id,
        "observationTypeCode": ObservationType.observation_type_code,
        "observationTypeInfo": ObservationType.observation_type_info,
        "nounClassCode": ObservationType.noun_class_code,
    }
    statement = (
        select(
            ObservationType.observation_type_id,
            ObservationType.observation_type_code,
            ObservationType.observation_type_info,
        )
        .where(compile_filter(conditions, targets, today))
        .order_by(ObservationType.observation_type_id)
    )
    return [ObservationTypeRow(*row) for row in session.execute(statement)]


def list_place_types(session: Session, conditions: Sequence[Condition], today: date) -> list[PlaceTypeChild]:
    """Place types matching the conditions, by id."""
    targets = {
        "placeTypeId": PlaceType.place_type_id,
        "placeTypeCode": PlaceType.place_type_code,
        "placeTypeInfo": PlaceType.place_type_info,
        "structure": PlaceType.is_building,
    }
    statement = (
        select(PlaceType.place_type_id, PlaceType.place_type_code, PlaceType.place_type_info, PlaceType.is_building)
        .where(compile_filter(conditions, targets, today))
        .order_by(PlaceType.place_type_id)
    )
    return [
        PlaceTypeChild(ident, code, info, bool(building)) for ident, code, info, building in session.execute(statement)
    ]
