"""Reference data: commodities (list, create), units, observation types and place types (lists)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cache
from typing import Any

from sqlalchemy import Boolean, RowMapping, exists, func, select, type_coerce

from apportion.domain import filters
from apportion.domain.errors import ValidationFailed
from apportion.domain.filters import FieldSpec, FieldType
from apportion.services.child_columns import join_unit_child
from apportion.services.ids import fetch, parse_filter
from apportion.store.database import Database
from apportion.store.filtering import compile_filter
from apportion.store.models.organisation import Meter
from apportion.store.models.reference import Commodity, ObservationType, PlaceType, Unit, UnitType

COMMODITY_FILTERS = filters.specs(
    FieldSpec("commodityId", FieldType.INTEGER, filters.NUMBER_OPS),
    FieldSpec("commodityCode", FieldType.STRING, filters.STRING_OPS),
    FieldSpec("commodityInfo", FieldType.STRING, filters.STRING_OPS),
    FieldSpec("inUse", FieldType.BOOLEAN, filters.BOOLEAN_OPS),
    FieldSpec("isSystemCommodity", FieldType.BOOLEAN, filters.BOOLEAN_OPS),
)
UNIT_FILTERS = filters.specs(
    FieldSpec("unitId", FieldType.INTEGER, filters.NUMBER_OPS),
    FieldSpec("unitCode", FieldType.STRING, filters.STRING_OPS),
    FieldSpec("unitInfo", FieldType.STRING, filters.STRING_OPS),
    FieldSpec("unitTypeId", FieldType.INTEGER, filters.NUMBER_OPS),
    FieldSpec("unitTypeCode", FieldType.STRING, filters.STRING_OPS),
)
OBSERVATION_TYPE_FILTERS = filters.specs(
    FieldSpec("observationTypeId", FieldType.INTEGER, filters.NUMBER_OPS),
    FieldSpec("observationTypeCode", FieldType.STRING, filters.STRING_OPS),
    FieldSpec("observationTypeInfo", FieldType.STRING, filters.STRING_OPS),
    FieldSpec("nounClassCode", FieldType.STRING, filters.STRING_OPS),
)
PLACE_TYPE_FILTERS = filters.specs(
    FieldSpec("placeTypeId", FieldType.INTEGER, filters.NUMBER_OPS),
    FieldSpec("placeTypeCode", FieldType.STRING, filters.STRING_OPS),
    FieldSpec("placeTypeInfo", FieldType.STRING, filters.STRING_OPS),
    FieldSpec("structure", FieldType.BOOLEAN, filters.BOOLEAN_OPS),
)


@dataclass(frozen=True)
class CommodityFields:
    """CommodityRequest as the service needs it; the abbreviation becomes the commodity code."""

    commodity_info: str
    abbreviation: str
    description: str | None = None
    icon_code: str | None = None
    icon_color: str | None = None
    rollup_unit_id: int | None = None
    include_in_energy_reporting: bool = False
    energy_conversion: Decimal | None = None


def _in_use() -> Any:
    return type_coerce(exists().where(Meter.commodity_id == Commodity.commodity_id), Boolean)


@cache
def _commodities() -> Any:
    statement = select(Commodity, _in_use().label("in_use"))
    statement = join_unit_child(statement, Commodity.common_unit_id, "use_rollup_unit")
    return join_unit_child(statement, Commodity.demand_unit_id, "demand_rollup_unit")


def list_commodities(db: Database, filter_text: str | None, today: date) -> list[RowMapping]:
    """Commodities matching the filter with their rollup units and whether a meter uses them, by id."""
    conditions = parse_filter(filter_text, COMMODITY_FILTERS)
    targets = {
        "commodityId": Commodity.commodity_id,
        "commodityCode": Commodity.commodity_code,
        "commodityInfo": Commodity.commodity_info,
        "inUse": _in_use(),
        "isSystemCommodity": Commodity.is_system,
    }
    statement = _commodities().where(compile_filter(conditions, targets, today)).order_by(Commodity.commodity_id)
    with db.reading() as session:
        return list(session.execute(statement).mappings())


def get_commodity(db: Database, commodity_id: int) -> RowMapping:
    """One commodity row as list_commodities gives it."""
    with db.reading() as session:
        return session.execute(_commodities().where(Commodity.commodity_id == commodity_id)).mappings().one()


def create_commodity(db: Database, fields: CommodityFields) -> int:
    """Create a commodity; its code is the upper-cased abbreviation, unique (domain.md §2.1)."""
    errors: dict[str, list[str]] = {}
    code = fields.abbreviation.strip().upper()
    if not re.fullmatch(r"[A-Z0-9]{1,3}", code):
        errors["abbreviation"] = ["abbreviation is 1 to 3 letters or digits."]
    if not fields.commodity_info.strip():
        errors["commodityInfo"] = ["commodityInfo must not be empty."]
    conversion = fields.energy_conversion
    if conversion is not None and not 0 < conversion < Decimal(10) ** 16:
        errors["energyReportingUnitConversionMultiplier"] = ["The multiplier must be greater than 0 and below 10^16."]
    with db.transaction() as session:
        if (
            code
            and session.execute(
                select(Commodity.commodity_id).where(func.upper(Commodity.commodity_code) == code)
            ).first()
        ):
            errors.setdefault("abbreviation", []).append(f"Commodity code '{code}' is already in use.")
        if fields.rollup_unit_id is not None and fetch(session, Unit, fields.rollup_unit_id) is None:
            errors["commodityRollupUnitId"] = [f"Unit {fields.rollup_unit_id} does not exist."]
        if errors:
            raise ValidationFailed(errors)
        row = Commodity(
            commodity_code=code,
            commodity_info=fields.commodity_info,
            abbreviation=code,
            description=fields.description,
            icon_code=fields.icon_code,
            icon_color=fields.icon_color,
            common_unit_id=fields.rollup_unit_id,
            include_in_energy_reporting=fields.include_in_energy_reporting,
            energy_conversion=fields.energy_conversion,
            is_system=False,
        )
        session.add(row)
        session.flush()
        return row.commodity_id


def list_units(db: Database, filter_text: str | None, today: date) -> list[RowMapping]:
    """Units matching the filter with their unit type, by id."""
    conditions = parse_filter(filter_text, UNIT_FILTERS)
    targets = {
        "unitId": Unit.unit_id,
        "unitCode": Unit.unit_code,
        "unitInfo": Unit.unit_info,
        "unitTypeId": Unit.unit_type_id,
        "unitTypeCode": UnitType.unit_type_code,
    }
    statement = (
        select(Unit, UnitType)
        .join(UnitType, UnitType.unit_type_id == Unit.unit_type_id)
        .where(compile_filter(conditions, targets, today))
        .order_by(Unit.unit_id)
    )
    with db.reading() as session:
        return list(session.execute(statement).mappings())


def list_observation_types(db: Database, filter_text: str | None, today: date) -> list[RowMapping]:
    """Observation types (bill line item types) matching the filter, by id."""
    conditions = parse_filter(filter_text, OBSERVATION_TYPE_FILTERS)
    targets = {
        "observationTypeId": ObservationType.observation_type_id,
        "observationTypeCode": ObservationType.observation_type_code,
        "observationTypeInfo": ObservationType.observation_type_info,
        "nounClassCode": ObservationType.noun_class_code,
    }
    statement = (
        select(ObservationType)
        .where(compile_filter(conditions, targets, today))
        .order_by(ObservationType.observation_type_id)
    )
    with db.reading() as session:
        return list(session.execute(statement).mappings())


def list_place_types(db: Database, filter_text: str | None, today: date) -> list[RowMapping]:
    """Place types matching the filter, by id."""
    conditions = parse_filter(filter_text, PLACE_TYPE_FILTERS)
    targets = {
        "placeTypeId": PlaceType.place_type_id,
        "placeTypeCode": PlaceType.place_type_code,
        "placeTypeInfo": PlaceType.place_type_info,
        "structure": PlaceType.is_building,
    }
    statement = select(PlaceType).where(compile_filter(conditions, targets, today)).order_by(PlaceType.place_type_id)
    with db.reading() as session:
        return list(session.execute(statement).mappings())
