"""Aggregate meters as typed values: what checking an upsert needs (the meters, their accounts, the commodity),
creating an aggregate meter with its account and link, renaming it, and its versions' reads and writes
(services.chargebacks.aggregate_meters).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from apportion.domain.account_links import LinkInput
from apportion.domain.calculations import CalculatedBillInstructions
from apportion.domain.versions import CALCULATION
from apportion.store import instructions as documents
from apportion.store.models.chargebacks import DistributionVersion
from apportion.store.models.organisation import Account, AccountMeter, Meter, Vendor
from apportion.store.models.reference import Commodity
from apportion.store.queries.account_meters import insert_links


@dataclass(frozen=True)
class MeterPlacing:
    """What an aggregate upsert checks of a meter: its type, place and commodity."""

    meter_id: int
    meter_type_id: int
    place_id: int
    commodity_id: int


@dataclass(frozen=True)
class CommodityUnits:
    """A commodity and the units a new meter of it takes."""

    commodity_id: int
    common_unit_id: int | None
    demand_unit_id: int | None


@dataclass(frozen=True)
class NewAggregate:
    """An aggregate meter to create on a place, with the account it is linked to."""

    place_id: int
    info: str
    commodity: CommodityUnits
    meter_type_id: int
    account_type_id: int
    cost_center_id: int
    vendor_id: int


@dataclass(frozen=True)
class VersionSpan:
    """A version on the aggregate's account and meter: its type, name and periods."""

    version_id: int
    chargeback_type: str
    name: str
    begin_period: int
    end_period: int | None


def meter_placings(session: Session, meter_ids: Sequence[int]) -> dict[int, MeterPlacing]:
    """The meters that exist among `meter_ids`, by id."""
    statement = select(Meter.meter_id, Meter.meter_type_id, Meter.place_id, Meter.commodity_id).where(
        Meter.meter_id.in_(list(meter_ids))
    )
    return {row.meter_id: MeterPlacing(*row) for row in session.execute(statement)}


def linked_accounts(session: Session, meter_id: int) -> list[int]:
    """The accounts the meter is linked to."""
    statement = select(AccountMeter.account_id).where(AccountMeter.meter_id == meter_id).distinct()
    return list(session.execute(statement).scalars())


def commodity_units(session: Session, commodity_id: int) -> CommodityUnits | None:
    """The commodity with its common and demand units, or None."""
    row = session.execute(
        select(Commodity.commodity_id, Commodity.common_unit_id, Commodity.demand_unit_id).where(
            Commodity.commodity_id == commodity_id
        )
    ).first()
    return None if row is None else CommodityUnits(*row)


def vendor_by_code(session: Session, code: str) -> int | None:
    """The vendor with this code (compared without case), or None."""
    found = session.execute(select(Vendor.vendor_id).where(func.lower(Vendor.vendor_code) == code.lower())).scalar()
    return None if found is None else int(found)


def insert_vendor(session: Session, code: str, info: str, vendor_type_id: int) -> int:
    """A new vendor; its id."""
    vendor = Vendor(vendor_code=code, vendor_info=info, vendor_type_id=vendor_type_id)
    session.add(vendor)
    session.flush()
    return vendor.vendor_id


def insert_aggregate(session: Session, new: NewAggregate, user_id: int, now: datetime) -> tuple[int, int]:
    """The aggregate meter, its account (both coded "AGG-<meterId>") and their link; (account id, meter id)."""
    # A unique placeholder until the id is known.
    meter = Meter(
        meter_code=f"AGG-NEW-{uuid.uuid4().hex[:20]}",
        meter_info=new.info,
        commodity_id=new.commodity.commodity_id,
        place_id=new.place_id,
        meter_type_id=new.meter_type_id,
        use_unit_id=new.commodity.common_unit_id,
        demand_unit_id=new.commodity.demand_unit_id,
        created_by=user_id,
        created_date=now,
    )
    session.add(meter)
    session.flush()
    meter.meter_code = f"AGG-{meter.meter_id}"
    account = Account(
        account_code=meter.meter_code,
        account_info=new.info,
        account_type_id=new.account_type_id,
        cost_center_id=new.cost_center_id,
        vendor_id=new.vendor_id,
        created_by=user_id,
        created_date=now,
    )
    session.add(account)
    session.flush()
    insert_links(session, [LinkInput(account.account_id, meter.meter_id)])
    return account.account_id, meter.meter_id


def rename(session: Session, account_id: int, meter_id: int, info: str, user_id: int, now: datetime) -> None:
    """Give the aggregate meter and its account the name `info`."""
    changed = {"modified_by": user_id, "modified_date": now}
    session.execute(update(Meter).where(Meter.meter_id == meter_id).values(meter_info=info, **changed))
    session.execute(update(Account).where(Account.account_id == account_id).values(account_info=info, **changed))


def version_spans(session: Session, account_id: int, meter_id: int) -> list[VersionSpan]:
    """Every version on the account and meter, by beginPeriod."""
    dv = DistributionVersion
    statement = (
        select(dv.version_id, dv.chargeback_type, dv.name, dv.begin_period, dv.end_period)
        .where(dv.account_id == account_id, dv.meter_id == meter_id)
        .order_by(dv.begin_period)
    )
    return [VersionSpan(*row) for row in session.execute(statement)]


def set_end_period(session: Session, version_id: int, end_period: int | None) -> None:
    """Let the version end in `end_period`."""
    session.execute(
        update(DistributionVersion).where(DistributionVersion.version_id == version_id).values(end_period=end_period)
    )


def insert_calculation(
    session: Session, account_id: int, meter_id: int, name: str, begin_period: int, end_period: int | None
) -> int:
    """A new calculated bill version with empty instructions; its id."""
    version = DistributionVersion(
        chargeback_type=CALCULATION,
        account_id=account_id,
        meter_id=meter_id,
        name=name,
        begin_period=begin_period,
        end_period=end_period,
    )
    session.add(version)
    session.flush()
    return version.version_id


def store_aggregation(session: Session, version_id: int, instructions: CalculatedBillInstructions) -> None:
    """Make the version an aggregation with these instructions."""
    session.execute(
        update(DistributionVersion)
        .where(DistributionVersion.version_id == version_id)
        .values(instructions=documents.to_document(instructions), is_aggregation=True)
    )
