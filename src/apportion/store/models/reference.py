"""Reference data: commodities, units, observation types, account/meter/place/vendor types, rates."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from apportion.store.models.base import Base, Ratio


class UnitType(Base):
    """Kind of quantity (Energy, Volume, Demand, Currency, Area...)."""

    __tablename__ = "unit_types"

    unit_type_id: Mapped[int] = mapped_column(primary_key=True)
    unit_type_code: Mapped[str] = mapped_column(String(32), unique=True)
    unit_type_info: Mapped[str] = mapped_column(String(64))


class Unit(Base):
    """A unit of measure; `factor` converts a value to the unit type's base unit (value * factor)."""

    __tablename__ = "units"

    unit_id: Mapped[int] = mapped_column(primary_key=True)
    unit_code: Mapped[str] = mapped_column(String(32), unique=True)
    unit_info: Mapped[str] = mapped_column(String(64))
    unit_type_id: Mapped[int] = mapped_column(ForeignKey("unit_types.unit_type_id"), index=True)
    factor: Mapped[Decimal] = mapped_column(Ratio, default=Decimal(1))


class Commodity(Base):
    """A commodity with its common ("rollup") use unit and optional demand unit."""

    __tablename__ = "commodities"

    commodity_id: Mapped[int] = mapped_column(primary_key=True)
    commodity_code: Mapped[str] = mapped_column(String(32), unique=True)
    commodity_info: Mapped[str] = mapped_column(String(64))
    common_unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.unit_id"), index=True)
    demand_unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.unit_id"), index=True)
    icon_code: Mapped[str | None] = mapped_column(String(64))
    icon_color: Mapped[str | None] = mapped_column(String(32))
    is_system: Mapped[bool] = mapped_column(default=False)
    abbreviation: Mapped[str | None] = mapped_column(String(3))
    description: Mapped[str | None] = mapped_column(String(255))
    include_in_energy_reporting: Mapped[bool] = mapped_column(default=False)
    energy_conversion: Mapped[Decimal | None] = mapped_column(Ratio)


class ObservationType(Base):
    """A bill line item type; `kind` is use, demand, cost or other."""

    __tablename__ = "observation_types"

    observation_type_id: Mapped[int] = mapped_column(primary_key=True)
    observation_type_code: Mapped[str] = mapped_column(String(32), unique=True)
    observation_type_info: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(16))
    noun_class_code: Mapped[str] = mapped_column(String(32), default="BILL")


class AccountType(Base):
    """Account type (1 = standard, as in EnergyCAP)."""

    __tablename__ = "account_types"

    account_type_id: Mapped[int] = mapped_column(primary_key=True)
    account_type_code: Mapped[str] = mapped_column(String(32), unique=True)
    account_type_info: Mapped[str] = mapped_column(String(64))


class MeterType(Base):
    """Meter type (1 standard, 4 hidden, 5 aggregate, 6 chargeback, as in EnergyCAP)."""

    __tablename__ = "meter_types"

    meter_type_id: Mapped[int] = mapped_column(primary_key=True)
    meter_type_code: Mapped[str] = mapped_column(String(32), unique=True)
    meter_type_info: Mapped[str] = mapped_column(String(64))


class PlaceType(Base):
    """Place type (organization, building, ...)."""

    __tablename__ = "place_types"

    place_type_id: Mapped[int] = mapped_column(primary_key=True)
    place_type_code: Mapped[str] = mapped_column(String(32), unique=True)
    place_type_info: Mapped[str] = mapped_column(String(64))
    is_building: Mapped[bool] = mapped_column(default=False)


class VendorType(Base):
    """Vendor type."""

    __tablename__ = "vendor_types"

    vendor_type_id: Mapped[int] = mapped_column(primary_key=True)
    vendor_type_code: Mapped[str] = mapped_column(String(32), unique=True)
    vendor_type_info: Mapped[str] = mapped_column(String(64))


class Rate(Base):
    """A rate schedule. Its dated versions (rate_versions) price calculated bills; a rate without versions keeps
    the legacy flat `unit_price` per common unit (domain/rates.py)."""

    __tablename__ = "rates"

    rate_id: Mapped[int] = mapped_column(primary_key=True)
    # Seeded rates have a code; rates created through the API (RateCreate has no code) do not.
    rate_code: Mapped[str | None] = mapped_column(String(32), unique=True)
    rate_info: Mapped[str] = mapped_column(String(255))
    note: Mapped[str | None] = mapped_column(String(255))
    commodity_id: Mapped[int] = mapped_column(ForeignKey("commodities.commodity_id"), index=True)
    vendor_id: Mapped[int | None] = mapped_column(ForeignKey("vendors.vendor_id"), index=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.unit_id"), index=True)
    unit_price: Mapped[Decimal | None] = mapped_column(Ratio)
    active: Mapped[bool] = mapped_column(default=True)


class RateVersion(Base):
    """A rate's prices from `effective_date` until the next version's (domain/rates.py derives the end).

    Line items are lists of {observationTypeId, caption, calculationType, value}; `use_blocks` (tiered prices, an
    Apportion extension) a list of {upTo, unitCost}; `time_of_use` (time-of-use prices, an Apportion extension) a
    list of {observationTypeId, unitCost}, None without any.
    """

    __tablename__ = "rate_versions"
    __table_args__ = (UniqueConstraint("rate_id", "effective_date"),)

    rate_version_id: Mapped[int] = mapped_column(primary_key=True)
    rate_id: Mapped[int] = mapped_column(ForeignKey("rates.rate_id", ondelete="CASCADE"), index=True)
    effective_date: Mapped[date] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(String(255))
    use_unit_cost: Mapped[Decimal | None] = mapped_column(Ratio)
    use_unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.unit_id"), index=True)
    demand_unit_cost: Mapped[Decimal | None] = mapped_column(Ratio)
    demand_unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.unit_id"), index=True)
    meter_line_items: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    account_line_items: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    use_blocks: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    time_of_use: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON(none_as_null=True))
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.user_id", ondelete="SET NULL"), index=True)
    created_date: Mapped[datetime | None]
    modified_by: Mapped[int | None] = mapped_column(ForeignKey("users.user_id", ondelete="SET NULL"), index=True)
    modified_date: Mapped[datetime | None]


class CommodityUnitConversion(Base):
    """Converts a unit of another unit type to a commodity's common unit (e.g. natural gas CCF to therms)."""

    __tablename__ = "commodity_unit_conversions"

    commodity_id: Mapped[int] = mapped_column(ForeignKey("commodities.commodity_id"), primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.unit_id"), primary_key=True, index=True)
    factor: Mapped[Decimal] = mapped_column(Ratio)
