"""Versions a chargeback run needs, loaded in two queries as domain values (split details, instructions)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import NamedTuple, assert_never

from sqlalchemy import Text, cast, exists, or_, select
from sqlalchemy.orm import Session

from apportion.domain import splits
from apportion.domain.calculations import CalculatedBillInstructions
from apportion.domain.filters import Condition
from apportion.domain.scoping import Scope
from apportion.domain.versions import CALCULATION, SPLIT
from apportion.store import instructions, scoping
from apportion.store.filtering import compile_filter
from apportion.store.id_lists import among
from apportion.store.models.bills import Bill, BillMeter
from apportion.store.models.chargebacks import DistributionVersion, SplitDestination
from apportion.store.models.organisation import Account, Meter
from apportion.store.paging import AnySelect

ZERO = Decimal(0)
AGGREGATE_METER_TYPE_ID = 5  # store/reference_data.py METER_TYPES: AGGREGATE (domain.md §4.5)


class SplitVersion(NamedTuple):
    """A split version effective for the run's period: its master account+meter and its details (a tuple: a run loads
    thousands)."""

    version_id: int
    account_id: int
    meter_id: int
    workflow_step_id: int | None
    details: splits.SplitDetails


class CalculatedVersion(NamedTuple):
    """A calculated bill version effective for the run's period, with its instructions (a tuple: a run loads
    thousands)."""

    version_id: int
    account_id: int
    meter_id: int
    workflow_step_id: int | None
    is_aggregation: bool
    instructions: CalculatedBillInstructions


@dataclass(frozen=True)
class VersionSelection:
    """Which versions a run takes: effective in `period`, optionally only a step's, filtered by QuickFilters.

    `conditions` use the fields accountCode, meterCode and calculateBillVersionID (domain.md §7 Q20).
    `aggregation_only` keeps aggregate versions (domain.md §4.5).
    """

    period: int
    step_id: int | None = None
    conditions: tuple[Condition, ...] = ()
    aggregation_only: bool = False
    today: date | None = None
    scope: Scope = Scope.WHOLE  # the running user's: versions not wholly in it are left out (docs/scoping.md)


_COLUMNS = (
    DistributionVersion.version_id,
    DistributionVersion.account_id,
    DistributionVersion.meter_id,
    DistributionVersion.workflow_step_id,
    DistributionVersion.is_aggregation,
    DistributionVersion.split_method,
    DistributionVersion.dynamic_meter_group_id,
    DistributionVersion.dynamic_source_value,
    DistributionVersion.dynamic_share_value,
    # The document's JSON text, parsed by instructions.from_text (which keeps what it made of each text).
    cast(DistributionVersion.instructions, Text).label("instructions"),
)


class VersionRow(NamedTuple):
    """A selected version's columns (`_COLUMNS`, in order)."""

    version_id: int
    account_id: int
    meter_id: int
    workflow_step_id: int | None
    is_aggregation: bool
    split_method: str | None
    dynamic_meter_group_id: int | None
    dynamic_source_value: str | None
    dynamic_share_value: str | None
    instructions: str | None  # the calculated bill instructions' JSON text


def _versions(session: Session, kind: str, selection: VersionSelection) -> list[VersionRow]:
    """The selected versions' columns (plain rows: a run may load thousands), those wholly in the selection's
    scope."""
    statement = _statement(kind, selection).where(
        scoping.within(DistributionVersion.version_id, scoping.version_ids(selection.scope))
    )
    # Plain tuples named by position: cheaper than a Row's attributes over thousands of versions.
    new = tuple.__new__  # VersionRow._make(row) without its Python frame
    return [new(VersionRow, row) for row in session.connection().execute(statement).all()]  # fetched at once


def out_of_scope(session: Session, kind: str, selection: VersionSelection) -> list[int]:
    """The ids of the versions the selection would take but for its scope (none for the whole tree): a run by a
    scoped user skips a version whose source or any destination lies outside its topmost."""
    ids = scoping.version_ids(selection.scope)
    if ids is None:
        return []
    statement = _statement(kind, selection).where(DistributionVersion.version_id.not_in(ids))
    return [row.version_id for row in session.execute(statement)]


def out_of_scope_for_bills(session: Session, selection: VersionSelection, bill_ids: Sequence[int]) -> list[int]:
    """`out_of_scope` for a split of named bills: only the split versions on these bills' accounts and meters."""
    ids = scoping.version_ids(selection.scope)
    if ids is None or not bill_ids:
        return []
    on_the_bills = exists().where(
        among(BillMeter.bill_id, bill_ids),
        BillMeter.meter_id == DistributionVersion.meter_id,
        Bill.bill_id == BillMeter.bill_id,
        Bill.account_id == DistributionVersion.account_id,
    )
    statement = _statement(SPLIT, selection).where(DistributionVersion.version_id.not_in(ids), on_the_bills)
    return [row.version_id for row in session.execute(statement)]


def _statement(kind: str, selection: VersionSelection) -> AnySelect:
    period = selection.period
    statement = (
        select(*_COLUMNS)
        .join(Account, Account.account_id == DistributionVersion.account_id)
        .join(Meter, Meter.meter_id == DistributionVersion.meter_id)
        .where(
            DistributionVersion.chargeback_type == kind,
            DistributionVersion.begin_period <= period,
            or_(DistributionVersion.end_period.is_(None), DistributionVersion.end_period >= period),
        )
        .order_by(DistributionVersion.version_id)
    )
    if selection.step_id is not None:
        statement = statement.where(DistributionVersion.workflow_step_id == selection.step_id)
    if selection.aggregation_only:
        statement = statement.where(
            or_(DistributionVersion.is_aggregation.is_(True), Meter.meter_type_id == AGGREGATE_METER_TYPE_ID)
        )
    if selection.conditions:
        targets = {
            "accountCode": Account.account_code,
            "meterCode": Meter.meter_code,
            "calculateBillVersionID": DistributionVersion.version_id,
        }
        statement = statement.where(compile_filter(selection.conditions, targets, selection.today or date.today()))
    return statement


def load_split_versions(session: Session, selection: VersionSelection) -> list[SplitVersion]:
    """Split versions effective for the period with their destinations (two queries)."""
    rows = _versions(session, SPLIT, selection)
    destinations: dict[int, list[_Destination]] = {row.version_id: [] for row in rows}
    found = session.connection().execute(
        select(
            SplitDestination.version_id,
            SplitDestination.account_id,
            SplitDestination.meter_id,
            SplitDestination.split_percentage,
            SplitDestination.weighting_factor,
        )
        .where(among(SplitDestination.version_id, list(destinations)))
        .order_by(SplitDestination.version_id, SplitDestination.position)
    )
    # Unpacked as tuples: a run reads thousands, and a Row's attributes cost more (tuple.__new__: _Destination(...)
    # without the constructor's Python frame).
    new = tuple.__new__
    for version_id, account_id, meter_id, percentage, weighting in found.all():
        destinations[version_id].append(new(_Destination, (account_id, meter_id, percentage, weighting)))
    return [
        SplitVersion(
            row.version_id,
            row.account_id,
            row.meter_id,
            row.workflow_step_id,
            split_details(row, destinations[row.version_id]),
        )
        for row in rows
    ]


class _Destination(NamedTuple):
    account_id: int
    meter_id: int
    split_percentage: Decimal | None
    weighting_factor: Decimal | None


_METHODS = {method.value: method for method in splits.SplitMethod}  # a dict look-up rather than an enum call a version


def split_details(row: VersionRow, destinations: Sequence[_Destination]) -> splits.SplitDetails:
    """A stored split version's details as the domain value (no method set: empty details).

    `row` has the split columns of distribution_versions, `destinations` the destination columns.
    """
    stored = row.split_method
    method = None if stored is None else _METHODS.get(stored) or splits.SplitMethod(stored)
    if method is None:
        return splits.SplitDetails(row.version_id)
    if method is splits.SplitMethod.FIXED_PERCENTAGE:
        new = tuple.__new__  # FixedPercentage(...) without the constructor's Python frame: one per destination
        fixed = tuple(
            [
                new(splits.FixedPercentage, (account, meter, percentage or ZERO))
                for account, meter, percentage, _ in destinations
            ]
        )
        return splits.SplitDetails(row.version_id, fixed)
    if method is splits.SplitMethod.FLOOR_AREA:
        area = tuple(
            splits.FloorAreaSplit(account, meter, weighting or ZERO) for account, meter, _, weighting in destinations
        )
        return splits.SplitDetails(row.version_id, floor_area=area)
    if method is splits.SplitMethod.DYNAMIC_PERCENTAGE:
        if row.dynamic_meter_group_id is None:
            return splits.SplitDetails(row.version_id)
        source = row.dynamic_source_value or splits.SourceValue.USE_AND_COST
        share = row.dynamic_share_value or splits.ShareValue.USE
        return splits.SplitDetails(
            row.version_id, dynamic=splits.DynamicSplit(row.dynamic_meter_group_id, source, share)
        )
    assert_never(method)


def load_calculated_versions(session: Session, selection: VersionSelection) -> list[CalculatedVersion]:
    """Calculated bill versions effective for the period with their instructions (one query)."""
    aggregate_meters = set(
        session.execute(select(Meter.meter_id).where(Meter.meter_type_id == AGGREGATE_METER_TYPE_ID)).scalars()
    )
    return [
        CalculatedVersion(
            row.version_id,
            row.account_id,
            row.meter_id,
            row.workflow_step_id,
            row.is_aggregation or row.meter_id in aggregate_meters,
            instructions.from_text(row.version_id, row.instructions),
        )
        for row in _versions(session, CALCULATION, selection)
    ]
