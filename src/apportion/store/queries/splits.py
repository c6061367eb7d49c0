"""Bill split details as typed values: a version's method and destinations (with their account, meter, place and
current floor area), what checking a request needs, replacing the details, and the split versions a destination
account or meter has (services.chargebacks.split_details).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cache
from typing import Any

from sqlalchemy import ColumnElement, RowMapping, and_, delete, exists, insert, or_, select, update
from sqlalchemy.orm import Session, aliased

from apportion.domain import splits
from apportion.domain.versions import SPLIT
from apportion.store.models.chargebacks import DistributionVersion, SplitDestination
from apportion.store.models.organisation import Account, AccountMeter, Meter, MeterGroupMember
from apportion.store.paging import AnySelect
from apportion.store.queries.children import AccountChild, MeterChild, PlaceChild, join_account, join_meter, join_place
from apportion.store.queries.place_sizes import PlaceSizeRow, join_size
from apportion.store.queries.shaped import Shaped


@dataclass(frozen=True)
class SplitSettings:
    """A split version's method and, for a dynamic split, its meter group and the values it splits by."""

    version_id: int
    method: str | None
    dynamic_meter_group_id: int | None
    dynamic_source_value: str | None
    dynamic_share_value: str | None


@dataclass(frozen=True)
class DestinationListing:
    """A fixed-percentage or floor-area destination, in request order: its figures, its account (with type),
    meter and the meter's place with that place's current floor area."""

    position: int
    account_id: int
    meter_id: int
    split_percentage: Decimal | None
    weighting_factor: Decimal | None
    account: AccountChild | None
    meter: MeterChild | None
    place: PlaceChild | None
    size: PlaceSizeRow | None


@dataclass(frozen=True)
class DestinationFacts:
    """What checking a request's destinations needs: which accounts and meters exist, which account-meter pairs
    are linked, and each existing meter's commodity."""

    accounts: frozenset[int]
    meters: frozenset[int]
    links: frozenset[tuple[int, int]]
    commodities: dict[int, int]


@dataclass(frozen=True)
class SplitParent:
    """A split version a destination account or meter belongs to: its periods, source account and meter."""

    version_id: int
    begin_period: int
    end_period: int | None
    account: AccountChild | None
    meter: MeterChild | None


def split_settings(session: Session, version_id: int) -> SplitSettings | None:
    """The version's split method and dynamic split columns, or None."""
    dv = DistributionVersion
    row = session.execute(
        select(
            dv.version_id,
            dv.split_method,
            dv.dynamic_meter_group_id,
            dv.dynamic_source_value,
            dv.dynamic_share_value,
        ).where(dv.version_id == version_id)
    ).first()
    return None if row is None else SplitSettings(*row)


@cache
def _destinations(today: date) -> Shaped[DestinationListing]:
    """Destinations with their children and their place's size current on `today`; built once a day."""
    sd, meter = SplitDestination, aliased(Meter)
    statement: AnySelect = (
        select(sd.position, sd.account_id, sd.meter_id, sd.split_percentage, sd.weighting_factor)
        .select_from(sd)
        .join(meter, meter.meter_id == sd.meter_id)
    )
    statement, read_account = join_account(statement, sd.account_id, with_type=True)
    statement, read_meter = join_meter(statement, sd.meter_id)
    statement, read_place = join_place(statement, meter.place_id)
    statement, read_size = join_size(statement, meter.place_id, today)

    def read(row: RowMapping) -> DestinationListing:
        return DestinationListing(
            position=row["position"],
            account_id=row["account_id"],
            meter_id=row["meter_id"],
            split_percentage=row["split_percentage"],
            weighting_factor=row["weighting_factor"],
            account=read_account(row),
            meter=read_meter(row),
            place=read_place(row),
            size=read_size(row),
        )

    return Shaped(statement, read)


def destinations(session: Session, version_id: int, today: date) -> list[DestinationListing]:
    """The version's destinations in position order, each place's floor area as of `today`."""
    shaped = _destinations(today)
    statement = shaped.statement.where(SplitDestination.version_id == version_id).order_by(SplitDestination.position)
    return [shaped.read(row) for row in session.execute(statement).mappings()]


def destination_facts(session: Session, account_ids: Sequence[int], meter_ids: Sequence[int]) -> DestinationFacts:
    """Which of the accounts and meters exist, the links among the existing meters, and their commodities."""
    accounts = frozenset(
        session.execute(select(Account.account_id).where(Account.account_id.in_(list(account_ids)))).scalars()
    )
    found = session.execute(select(Meter.meter_id, Meter.commodity_id).where(Meter.meter_id.in_(list(meter_ids))))
    commodities: dict[int, int] = {meter_id: int(commodity_id) for meter_id, commodity_id in found}
    links = frozenset(
        (account_id, meter_id)
        for account_id, meter_id in session.execute(
            select(AccountMeter.account_id, AccountMeter.meter_id).where(AccountMeter.meter_id.in_(sorted(commodities)))
        )
    )
    return DestinationFacts(accounts, frozenset(commodities), links, commodities)


def meter_commodity(session: Session, meter_id: int) -> int | None:
    """The commodity of the meter, or None when there is no such meter."""
    return session.execute(select(Meter.commodity_id).where(Meter.meter_id == meter_id)).scalar_one_or_none()


def replace_details(session: Session, details: splits.SplitDetails) -> None:
    """Make the version's method, dynamic split columns and destinations those of `details`."""
    version_id = details.version_id
    dynamic = details.dynamic
    session.execute(
        update(DistributionVersion)
        .where(DistributionVersion.version_id == version_id)
        .values(
            split_method=details.method,
            dynamic_meter_group_id=dynamic.meter_group_id if dynamic else None,
            dynamic_source_value=dynamic.source_value_to_split if dynamic else None,
            dynamic_share_value=dynamic.destination_share_value if dynamic else None,
        )
    )
    session.execute(delete(SplitDestination).where(SplitDestination.version_id == version_id))
    rows: list[dict[str, Any]] = [
        {
            "version_id": version_id,
            "position": i,
            "account_id": d.account_id,
            "meter_id": d.meter_id,
            "split_percentage": d.split_percentage,
            "weighting_factor": None,
        }
        for i, d in enumerate(details.fixed_percentage or ())
    ]
    rows += [
        {
            "version_id": version_id,
            "position": i,
            "account_id": d.account_id,
            "meter_id": d.meter_id,
            "split_percentage": None,
            "weighting_factor": d.weighting_factor,
        }
        for i, d in enumerate(details.floor_area or ())
    ]
    if rows:
        session.execute(insert(SplitDestination), rows)
    session.flush()


@cache
def _parents() -> Shaped[SplitParent]:
    dv = DistributionVersion
    statement: AnySelect = select(dv.version_id, dv.begin_period, dv.end_period).select_from(dv)
    statement, read_account = join_account(statement, dv.account_id)
    statement, read_meter = join_meter(statement, dv.meter_id)

    def read(row: RowMapping) -> SplitParent:
        return SplitParent(
            row["version_id"], row["begin_period"], row["end_period"], read_account(row), read_meter(row)
        )

    return Shaped(statement, read)


def _parents_where(destination: ColumnElement[bool], dynamic_member: ColumnElement[bool]) -> list[ColumnElement[bool]]:
    dv = DistributionVersion
    as_destination = exists().where(SplitDestination.version_id == dv.version_id, destination)
    in_group = and_(
        dv.split_method == splits.SplitMethod.DYNAMIC_PERCENTAGE,
        exists().where(MeterGroupMember.meter_group_id == dv.dynamic_meter_group_id, dynamic_member),
    )
    return [dv.chargeback_type == SPLIT, or_(as_destination, in_group)]


def _ordered_parents(session: Session, where: list[ColumnElement[bool]]) -> list[SplitParent]:
    dv = DistributionVersion
    statement = _parents().statement.where(*where).order_by(dv.begin_period, dv.version_id)
    return [_parents().read(row) for row in session.execute(statement).mappings()]


def account_parents(session: Session, account_id: int) -> list[SplitParent]:
    """Split versions whose destinations include the account, by beginPeriod; a dynamic split counts when a meter
    of its group is linked to the account."""
    linked = exists().where(AccountMeter.meter_id == MeterGroupMember.meter_id, AccountMeter.account_id == account_id)
    return _ordered_parents(session, _parents_where(SplitDestination.account_id == account_id, linked))


def meter_parents(session: Session, meter_id: int) -> list[SplitParent]:
    """Split versions whose destinations include the meter (or whose dynamic group has it), by beginPeriod."""
    return _ordered_parents(
        session, _parents_where(SplitDestination.meter_id == meter_id, MeterGroupMember.meter_id == meter_id)
    )
