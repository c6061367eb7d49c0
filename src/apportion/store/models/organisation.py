"""Organisation: cost centers, places, vendors, accounts, meters, links, groups, channels, readings."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Index, String, Text, UniqueConstraint, func, true
from sqlalchemy.orm import Mapped, mapped_column

from apportion.store.models.base import Base, Money, Quantity, Ratio


class CostCenter(Base):
    """Accounting tree node; the topmost root has no parent."""

    __tablename__ = "cost_centers"

    cost_center_id: Mapped[int] = mapped_column(primary_key=True)
    cost_center_code: Mapped[str] = mapped_column(String(32), unique=True)
    cost_center_info: Mapped[str] = mapped_column(String(50))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("cost_centers.cost_center_id"), index=True)


class Place(Base):
    """Site or building; tree via parent; the topmost root has no parent."""

    __tablename__ = "places"

    place_id: Mapped[int] = mapped_column(primary_key=True)
    place_code: Mapped[str] = mapped_column(String(32), unique=True)
    place_info: Mapped[str] = mapped_column(String(50))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("places.place_id"), index=True)
    place_type_id: Mapped[int] = mapped_column(ForeignKey("place_types.place_type_id"), index=True)
    address: Mapped[str | None] = mapped_column(String(100))
    line2: Mapped[str | None] = mapped_column(String(100))
    line3: Mapped[str | None] = mapped_column(String(100))
    city: Mapped[str | None] = mapped_column(String(100))
    state: Mapped[str | None] = mapped_column(String(100))
    postal_code: Mapped[str | None] = mapped_column(String(32))
    country: Mapped[str | None] = mapped_column(String(64))
    address_type_id: Mapped[int | None]
    latitude: Mapped[Decimal | None] = mapped_column(Ratio)
    longitude: Mapped[Decimal | None] = mapped_column(Ratio)
    build_date: Mapped[datetime | None]
    weather_station_code: Mapped[str | None] = mapped_column(String(32))
    description: Mapped[str | None] = mapped_column(String(4000))
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.user_id", ondelete="SET NULL"), index=True)
    created_date: Mapped[datetime | None]
    modified_by: Mapped[int | None] = mapped_column(ForeignKey("users.user_id", ondelete="SET NULL"), index=True)
    modified_date: Mapped[datetime | None]


class PlaceSize(Base):
    """Floor area version of a place: [begin_date, end_date) with end None running on."""

    __tablename__ = "place_sizes"

    place_size_id: Mapped[int] = mapped_column(primary_key=True)
    place_id: Mapped[int] = mapped_column(ForeignKey("places.place_id", ondelete="CASCADE"), index=True)
    value: Mapped[int]
    unit_code: Mapped[str] = mapped_column(String(16))
    begin_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)


class Vendor(Base):
    """A utility vendor (or the internal vendor of chargeback accounts)."""

    __tablename__ = "vendors"

    vendor_id: Mapped[int] = mapped_column(primary_key=True)
    vendor_code: Mapped[str] = mapped_column(String(32), unique=True)
    vendor_info: Mapped[str] = mapped_column(String(50))
    vendor_type_id: Mapped[int | None] = mapped_column(ForeignKey("vendor_types.vendor_type_id"), index=True)
    website: Mapped[str | None] = mapped_column(String(255))
    description: Mapped[str | None] = mapped_column(String(4000))
    address: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    active: Mapped[bool] = mapped_column(default=True)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.user_id"), index=True)
    created_date: Mapped[datetime | None]
    modified_by: Mapped[int | None] = mapped_column(ForeignKey("users.user_id"), index=True)
    modified_date: Mapped[datetime | None]


class Account(Base):
    """A vendor or internal chargeback account."""

    __tablename__ = "accounts"

    account_id: Mapped[int] = mapped_column(primary_key=True)
    account_code: Mapped[str] = mapped_column(String(50), index=True)
    account_info: Mapped[str] = mapped_column(String(50))
    account_type_id: Mapped[int] = mapped_column(ForeignKey("account_types.account_type_id"), index=True)
    cost_center_id: Mapped[int] = mapped_column(ForeignKey("cost_centers.cost_center_id"), index=True)
    vendor_id: Mapped[int] = mapped_column(ForeignKey("vendors.vendor_id"), index=True)
    active: Mapped[bool] = mapped_column(default=True)
    begin_date: Mapped[date | None] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)
    memo: Mapped[str | None] = mapped_column(Text)
    accrual_enabled: Mapped[bool] = mapped_column(default=False)
    # False excludes the account's bills from audits (PUT /api/v202104/account/auditEnabled, accounting.md §3.5).
    audit_enabled: Mapped[bool] = mapped_column(default=True, server_default=true())
    # AddressChild in its wire form (camelCase keys).
    address: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    deposit_paid: Mapped[datetime | None]
    deposit_return: Mapped[datetime | None]
    deposit_note: Mapped[str | None] = mapped_column(Text)
    deposit_amount: Mapped[Decimal | None] = mapped_column(Money)
    description: Mapped[str | None] = mapped_column(String(4000))
    previous_account_code: Mapped[str | None] = mapped_column(String(50))
    account_code_changed: Mapped[datetime | None]
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.user_id", ondelete="SET NULL"), index=True)
    created_date: Mapped[datetime | None]
    modified_by: Mapped[int | None] = mapped_column(ForeignKey("users.user_id", ondelete="SET NULL"), index=True)
    modified_date: Mapped[datetime | None]

    __table_args__ = (UniqueConstraint("vendor_id", "account_code"),)


# Imports find accounts by code without case (store.queries.import_catalog): an index on the expression they compare.
Index("ix_accounts_lower_account_code", func.lower(Account.account_code))


class Meter(Base):
    """A meter at a place, of one commodity, with its use and demand units."""

    __tablename__ = "meters"

    meter_id: Mapped[int] = mapped_column(primary_key=True)
    meter_code: Mapped[str] = mapped_column(String(32), unique=True)
    meter_info: Mapped[str] = mapped_column(String(50))
    commodity_id: Mapped[int] = mapped_column(ForeignKey("commodities.commodity_id"), index=True)
    place_id: Mapped[int] = mapped_column(ForeignKey("places.place_id"), index=True)
    meter_type_id: Mapped[int] = mapped_column(ForeignKey("meter_types.meter_type_id"), index=True)
    serial_number: Mapped[str | None] = mapped_column(String(50))
    use_unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.unit_id"), index=True)
    demand_unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.unit_id"), index=True)
    active: Mapped[bool] = mapped_column(default=True)
    begin_date: Mapped[date | None] = mapped_column(Date)
    memo: Mapped[str | None] = mapped_column(String(255))
    # RequiredAddressChild in its wire form (camelCase keys).
    address: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    bill_entry_note: Mapped[str | None] = mapped_column(String(64))
    include_in_energy_star: Mapped[bool] = mapped_column(default=False)
    properties: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    description: Mapped[str | None] = mapped_column(String(4000))
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.user_id", ondelete="SET NULL"), index=True)
    created_date: Mapped[datetime | None]
    modified_by: Mapped[int | None] = mapped_column(ForeignKey("users.user_id", ondelete="SET NULL"), index=True)
    modified_date: Mapped[datetime | None]


Index("ix_meters_lower_meter_code", func.lower(Meter.meter_code))


class AccountMeter(Base):
    """Link between an account and a meter for [begin_date, end_date]; its rates over time are in
    account_meter_rates."""

    __tablename__ = "account_meters"

    account_meter_id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.account_id", ondelete="CASCADE"), index=True)
    meter_id: Mapped[int] = mapped_column(ForeignKey("meters.meter_id", ondelete="CASCADE"), index=True)
    begin_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date] = mapped_column(Date)
    vendor_type_id: Mapped[int | None] = mapped_column(ForeignKey("vendor_types.vendor_type_id"), index=True)
    deregulated: Mapped[bool] = mapped_column(default=False)


class AccountMeterRate(Base):
    """A rate assigned to a link from `start_date` until the link's next rate starts or the link ends."""

    __tablename__ = "account_meter_rates"
    __table_args__ = (UniqueConstraint("account_meter_id", "start_date"),)

    account_meter_rate_id: Mapped[int] = mapped_column(primary_key=True)
    account_meter_id: Mapped[int] = mapped_column(
        ForeignKey("account_meters.account_meter_id", ondelete="CASCADE"), index=True
    )
    rate_id: Mapped[int] = mapped_column(ForeignKey("rates.rate_id"), index=True)
    start_date: Mapped[date] = mapped_column(Date)


class MeterGroup(Base):
    """A manual (or auto) group of meters. `automatic_filters` (a list of {fieldId, operator, value}) makes it a
    user-defined automatic group: its members are the meters the filters match (domain/auto_groups.py)."""

    __tablename__ = "meter_groups"

    meter_group_id: Mapped[int] = mapped_column(primary_key=True)
    meter_group_code: Mapped[str] = mapped_column(String(255), unique=True)
    meter_group_info: Mapped[str] = mapped_column(String(255))
    category: Mapped[str | None] = mapped_column(String(50))
    auto_group: Mapped[bool] = mapped_column(default=False)
    limit_members_by_topmost: Mapped[bool] = mapped_column(default=False)
    last_updated: Mapped[datetime | None]
    automatic_filters: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON(none_as_null=True))


class MeterGroupMember(Base):
    """Membership of a meter in a group."""

    __tablename__ = "meter_group_members"

    meter_group_id: Mapped[int] = mapped_column(
        ForeignKey("meter_groups.meter_group_id", ondelete="CASCADE"), primary_key=True
    )
    meter_id: Mapped[int] = mapped_column(
        ForeignKey("meters.meter_id", ondelete="CASCADE"), primary_key=True, index=True
    )
    include_in_charts: Mapped[bool] = mapped_column(default=True)


class Channel(Base):
    """A meter channel carrying readings of one observation type and unit."""

    __tablename__ = "channels"

    channel_id: Mapped[int] = mapped_column(primary_key=True)
    meter_id: Mapped[int] = mapped_column(ForeignKey("meters.meter_id", ondelete="CASCADE"), index=True)
    channel_code: Mapped[str | None] = mapped_column(String(32))
    observation_type_id: Mapped[int] = mapped_column(ForeignKey("observation_types.observation_type_id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.unit_id"), index=True)
    interval_minutes: Mapped[int] = mapped_column(default=43200)
    multiplier: Mapped[Decimal] = mapped_column(Quantity, default=Decimal(1))
    begin_date: Mapped[date | None] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)
    description: Mapped[str | None] = mapped_column(String(4000))
    import_id: Mapped[str | None] = mapped_column(String(255), index=True)
    observation_rule: Mapped[str | None] = mapped_column(String(16))
    maximum_reading: Mapped[Decimal | None] = mapped_column(Quantity)


class Reading(Base):
    """One reading of a channel at a time."""

    __tablename__ = "readings"

    reading_id: Mapped[int] = mapped_column(primary_key=True)
    channel_id: Mapped[int] = mapped_column(ForeignKey("channels.channel_id", ondelete="CASCADE"))
    time: Mapped[datetime]
    value: Mapped[Decimal] = mapped_column(Quantity)
    estimated: Mapped[bool] = mapped_column(default=False)
    note: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (Index("ix_readings_channel_time", "channel_id", "time", unique=True),)
