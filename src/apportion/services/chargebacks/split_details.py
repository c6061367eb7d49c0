"""Bill split details of one version (GET/PUT …/billSplit/{versionId}) and split parents of an account or meter.

A split version carries exactly one method (domain.md §2.4, §3.2): fixed percentages or floor-area weights
(SplitDestination rows, in request order) or a dynamic split over a meter group (columns on the version).
A PUT validates the whole request with apportion.domain.splits.validate_split_details plus the checks that
need the database (ids exist, destination account and meter linked, commodity), every problem in one 400
keyed by wire path, and then replaces the details in one transaction: nothing is written when anything fails.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import suppress
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cache
from typing import Any

from sqlalchemy import RowMapping, and_, delete, exists, insert, or_, select
from sqlalchemy.orm import Session, aliased

from apportion.domain import splits
from apportion.domain.errors import DomainError, NotFound, ValidationFailed
from apportion.domain.versions import SPLIT
from apportion.services.chargebacks.version_lists import version_row
from apportion.services.child_columns import join_account_child, join_meter_child, join_place_child
from apportion.services.ids import fetch, in_range, known
from apportion.services.master.place_sizes import join_size_child
from apportion.store.database import Database
from apportion.store.models.chargebacks import DistributionVersion, SplitDestination
from apportion.store.models.organisation import Account, AccountMeter, Meter, MeterGroup, MeterGroupMember


@dataclass(frozen=True)
class SplitDetailsView:
    """A version's split details as stored: the version row, its method and what the method needs to render.

    `destinations` are rows of fixed-percentage or floor-area destinations (labels `position`,
    `split_percentage`, `weighting_factor`, the account under `account`, the meter under `meter`, its place
    under `place` with the current floor area under `size`); `percentages` are the floor-area splitPercentage
    figures (None when every weighted area is zero); `group` is the dynamic split's meter group.
    """

    version: RowMapping
    method: str | None
    destinations: list[RowMapping]
    percentages: list[Decimal | None]
    group: MeterGroup | None = None
    source_value: str | None = None
    share_value: str | None = None


@cache
def _destination_select(today: date) -> Any:
    sd, meter = SplitDestination, aliased(Meter)
    statement: Any = (
        select(
            sd.position.label("position"),
            sd.split_percentage.label("split_percentage"),
            sd.weighting_factor.label("weighting_factor"),
            meter.place_id.label("destination_place_id"),
        )
        .select_from(sd)
        .join(meter, meter.meter_id == sd.meter_id)
    )
    statement = join_account_child(statement, sd.account_id, "account", with_type=True)
    statement = join_meter_child(statement, sd.meter_id, "meter")
    statement = join_place_child(statement, meter.place_id, "place")
    return join_size_child(statement, meter.place_id, today, "size")


def _area(row: RowMapping) -> Decimal:
    """The destination place's current floor area in square feet (domain.md §4.3: one common area unit)."""
    value = row.get("size_value")
    if value is None:
        return Decimal(0)  # domain.md §7 Q22: a site without an area gets 0 %
    area = Decimal(value)
    return area * splits.SQUARE_FEET_PER_SQUARE_METRE if str(row.get("size_unit_code")).upper() == "SQMETER" else area


def _view(session: Session, version: RowMapping, today: date) -> SplitDetailsView:
    stored = session.get(DistributionVersion, version["version_id"])
    assert stored is not None  # version_row found it in this session
    method = stored.split_method
    if method == splits.SplitMethod.DYNAMIC_PERCENTAGE:
        group = fetch(session, MeterGroup, stored.dynamic_meter_group_id)
        return SplitDetailsView(version, method, [], [], group, stored.dynamic_source_value, stored.dynamic_share_value)
    rows = list(
        session.execute(
            _destination_select(today)
            .where(SplitDestination.version_id == stored.version_id)
            .order_by(SplitDestination.position)
        ).mappings()
    )
    percentages: list[Decimal | None] = [None] * len(rows)
    if method == splits.SplitMethod.FLOOR_AREA and rows:
        shares = [
            splits.FloorAreaShare(r["account_id"], r["meter_id"], _area(r), r["weighting_factor"] or Decimal(0))
            for r in rows
        ]
        # Every weighted area zero: no percentage to show (a run of the version fails, domain.md §7 Q22).
        with suppress(DomainError):
            percentages = list(splits.floor_area_percentages(shares))
    return SplitDetailsView(version, method, rows, percentages)


def get_details(db: Database, account_id: int, meter_id: int, version_id: int, today: date) -> SplitDetailsView:
    """The split details of a version on the account and meter (404 for unknown ids)."""
    with db.reading() as session:
        return _view(session, version_row(session, account_id, meter_id, version_id, SPLIT), today)


def _merge(errors: dict[str, list[str]], failed: ValidationFailed) -> None:
    for key, reasons in failed.errors.items():
        errors.setdefault(key, []).extend(reasons)


def _check_destinations(
    session: Session, field: str, items: Sequence[splits.FixedPercentage | splits.FloorAreaSplit]
) -> dict[str, list[str]]:
    """Destination accounts and meters exist and are linked to each other (domain.md §3.2, §2.6 item 1)."""
    errors: dict[str, list[str]] = {}
    account_ids = set(
        session.execute(
            select(Account.account_id).where(Account.account_id.in_(known([i.account_id for i in items])))
        ).scalars()
    )
    meter_ids = set(
        session.execute(select(Meter.meter_id).where(Meter.meter_id.in_(known([i.meter_id for i in items])))).scalars()
    )
    links = set(
        session.execute(
            select(AccountMeter.account_id, AccountMeter.meter_id).where(AccountMeter.meter_id.in_(sorted(meter_ids)))
        ).all()
    )
    for i, item in enumerate(items):
        path = f"{field}[{i}]"
        if item.account_id not in account_ids:
            errors.setdefault(f"{path}.destinationAccountId", []).append(f"Account {item.account_id} was not found.")
        if item.meter_id not in meter_ids:
            errors.setdefault(f"{path}.destinationMeterId", []).append(f"Meter {item.meter_id} was not found.")
        elif item.account_id in account_ids and (item.account_id, item.meter_id) not in links:
            errors.setdefault(f"{path}.destinationMeterId", []).append(
                f"Meter {item.meter_id} is not linked to account {item.account_id}; link them first."
            )
    return errors


@dataclass(frozen=True)
class DetailsRequest:
    """BillSplitDetailsRequest as the service needs it (None = the method is not set)."""

    fixed_percentage: tuple[splits.FixedPercentage, ...] | None = None
    floor_area: tuple[splits.FloorAreaSplit, ...] | None = None
    dynamic: splits.DynamicSplit | None = None


def _validated(session: Session, version: RowMapping, request: DetailsRequest) -> splits.SplitDetails:
    """Every rule of the request, all problems in one ValidationFailed keyed by wire path."""
    errors: dict[str, list[str]] = {}
    items = request.fixed_percentage or request.floor_area or ()
    field = "fixedPercentageSplit" if request.fixed_percentage is not None else "floorAreaSplit"
    if items:
        errors.update(_check_destinations(session, field, items))
    master = session.get(Meter, version["version_meter_id"])
    commodities = dict(
        session.execute(
            select(Meter.meter_id, Meter.commodity_id).where(Meter.meter_id.in_(known([i.meter_id for i in items])))
        ).all()
    )
    if request.dynamic is not None:
        group_id = request.dynamic.meter_group_id
        if fetch(session, MeterGroup, group_id) is None:
            errors.setdefault("dynamicPercentageSplit.destinationMeterGroupId", []).append(
                f"Meter group {group_id} was not found."
            )
    try:
        details = splits.validate_split_details(
            version["version_id"],
            version["version_account_id"],
            fixed_percentage=request.fixed_percentage,
            floor_area=request.floor_area,
            dynamic=request.dynamic,
            master_commodity_id=master.commodity_id if master is not None else None,
            meter_commodities=commodities,
        )
    except ValidationFailed as failed:
        _merge(errors, failed)
        raise ValidationFailed(errors) from None
    if errors:
        raise ValidationFailed(errors)
    return details


def replace_details(
    db: Database, account_id: int, meter_id: int, version_id: int, request: DetailsRequest, today: date
) -> SplitDetailsView:
    """Replace a split version's details (one method) in one transaction; 400 naming every bad field."""
    with db.transaction() as session:
        version = version_row(session, account_id, meter_id, version_id, SPLIT)
        details = _validated(session, version, request)
        stored = session.get(DistributionVersion, version_id)
        assert stored is not None
        stored.split_method = details.method
        dynamic = details.dynamic
        stored.dynamic_meter_group_id = dynamic.meter_group_id if dynamic else None
        stored.dynamic_source_value = dynamic.source_value_to_split if dynamic else None
        stored.dynamic_share_value = dynamic.destination_share_value if dynamic else None
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
        return _view(session, version_row(session, account_id, meter_id, version_id, SPLIT), today)


@cache
def _parent_select() -> Any:
    dv = DistributionVersion
    statement: Any = select(
        dv.version_id.label("version_id"),
        dv.begin_period.label("begin_period"),
        dv.end_period.label("end_period"),
    ).select_from(dv)
    statement = join_account_child(statement, dv.account_id, "account")
    return join_meter_child(statement, dv.meter_id, "meter")


def _parents(session: Session, destination: Any, dynamic_member: Any) -> list[RowMapping]:
    dv = DistributionVersion
    as_destination = exists().where(SplitDestination.version_id == dv.version_id, destination)
    in_group = and_(
        dv.split_method == splits.SplitMethod.DYNAMIC_PERCENTAGE,
        exists().where(MeterGroupMember.meter_group_id == dv.dynamic_meter_group_id, dynamic_member),
    )
    statement = (
        _parent_select()
        .where(dv.chargeback_type == SPLIT, or_(as_destination, in_group))
        .order_by(dv.begin_period, dv.version_id)
    )
    return list(session.execute(statement).mappings())


def account_parents(db: Database, account_id: int) -> list[RowMapping]:
    """Split versions whose destinations include the account (GET /account/{id}/billSplit/parent).

    A dynamic split counts when a meter of its group is linked to the account.
    """
    with db.reading() as session:
        if fetch(session, Account, account_id) is None:
            raise NotFound("Account", account_id)
        linked = exists().where(
            AccountMeter.meter_id == MeterGroupMember.meter_id, AccountMeter.account_id == account_id
        )
        return _parents(session, SplitDestination.account_id == account_id, linked)


def meter_parents(db: Database, meter_id: int) -> list[RowMapping]:
    """Split versions whose destinations include the meter (GET /meter/{id}/billSplit/parent)."""
    with db.reading() as session:
        if not in_range(meter_id) or session.get(Meter, meter_id) is None:
            raise NotFound("Meter", meter_id)
        return _parents(session, SplitDestination.meter_id == meter_id, MeterGroupMember.meter_id == meter_id)
