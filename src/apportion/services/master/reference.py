"""Reference data: commodities (list, create), units, observation types and place types (lists)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from apportion.domain import filters
from apportion.domain.errors import ValidationFailed
from apportion.domain.filters import FieldSpec, FieldType
from apportion.domain.ids import parse_filter
from apportion.store.database import Database
from apportion.store.queries import reference as store
from apportion.store.queries.children import PlaceTypeChild
from apportion.store.queries.reference import CommodityRow, CommodityValues, ObservationTypeRow, UnitRow

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


def list_commodities(db: Database, filter_text: str | None, today: date) -> list[CommodityRow]:
    """Commodities matching the filter with their rollup units and whether a meter uses them, by id."""
    conditions = parse_filter(filter_text, COMMODITY_FILTERS)
    with db.reading() as session:
        return store.list_commodities(session, conditions, today)


def get_commodity(db: Database, commodity_id: int) -> CommodityRow:
    """One commodity as list_commodities gives it."""
    with db.reading() as session:
        row = store.get_commodity(session, commodity_id)
    if row is None:
        raise LookupError(f"Commodity {commodity_id} does not exist.")
    return row


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
        if code and store.commodity_code_taken(session, code):
            errors.setdefault("abbreviation", []).append(f"Commodity code '{code}' is already in use.")
        if fields.rollup_unit_id is not None and not store.unit_exists(session, fields.rollup_unit_id):
            errors["commodityRollupUnitId"] = [f"Unit {fields.rollup_unit_id} does not exist."]
        if errors:
            raise ValidationFailed(errors)
        values = CommodityValues(
            commodity_code=code,
            commodity_info=fields.commodity_info,
            abbreviation=code,
            description=fields.description,
            icon_code=fields.icon_code,
            icon_color=fields.icon_color,
            common_unit_id=fields.rollup_unit_id,
            include_in_energy_reporting=fields.include_in_energy_reporting,
            energy_conversion=fields.energy_conversion,
        )
        return store.insert_commodity(session, values)


def list_units(db: Database, filter_text: str | None, today: date) -> list[UnitRow]:
    """Units matching the filter with their unit type, by id."""
    conditions = parse_filter(filter_text, UNIT_FILTERS)
    with db.reading() as session:
        return store.list_units(session, conditions, today)


def list_observation_types(db: Database, filter_text: str | None, today: date) -> list[ObservationTypeRow]:
    """Observation types (bill line item types) matching the filter, by id."""
    conditions = parse_filter(filter_text, OBSERVATION_TYPE_FILTERS)
    with db.reading() as session:
        return store.list_observation_types(session, conditions, today)


def list_place_types(db: Database, filter_text: str | None, today: date) -> list[PlaceTypeChild]:
    """Place types matching the filter, by id."""
    conditions = parse_filter(filter_text, PLACE_TYPE_FILTERS)
    with db.reading() as session:
        return store.list_place_types(session, conditions, today)
