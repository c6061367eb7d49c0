"""Aggregate meters (PUT /api/v202203/utilityPlatform/place/{placeId}/aggregateMeter, domain.md §2.4, §4.5).

An aggregate meter is a meter of type Aggregate on a place, linked to one internal account, whose calculated
bill version sums its source meters' use and cost (same commodity, on the same place). The upsert:

* without aggregateMeterId creates the meter, its account (internal "AGGREGATION" vendor, chargeback account
  type, topmost cost center), the account-meter link and a version starting at beginPeriod;
* with aggregateMeterId (an aggregate meter of the place, linked to exactly one account) renames the meter
  and the account, then updates the version beginning at beginPeriod or adds one there. A new version ends
  where the next one begins, and the version it starts inside ends the period before (versions never
  overlap, domain.md §4.1).

Every version written is an aggregation (is_aggregation, calculateBillTypeID 3) that the aggregations run
re-computes idempotently. Everything happens in one transaction; any problem is a 400 naming the field.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from apportion.domain import periods
from apportion.domain.calculations import CalculatedBillInstructions, MeterCalculation
from apportion.domain.errors import NotFound, ValidationFailed
from apportion.domain.versions import CALCULATION
from apportion.services.chargebacks import calculated_details
from apportion.services.ids import fetch, known
from apportion.services.master.account_meters import LinkInput, insert_links
from apportion.store import instructions as documents
from apportion.store.chargeback_versions import AGGREGATE_METER_TYPE_ID
from apportion.store.database import Database
from apportion.store.models.chargebacks import DistributionVersion
from apportion.store.models.organisation import Account, AccountMeter, Meter, Place, Vendor
from apportion.store.models.reference import Commodity

AGGREGATION_VENDOR_CODE = "AGGREGATION"
INTERNAL_VENDOR_TYPE_ID = 2  # store/reference_data.py VENDOR_TYPES: INTERNAL
CHARGEBACK_ACCOUNT_TYPE_ID = 2  # store/reference_data.py ACCOUNT_TYPES: CHARGEBACK
TOPMOST_COST_CENTER_ID = 1


@dataclass(frozen=True)
class AggregateMeterRequest:
    """UpsertAggregateMeterRequest as the service needs it."""

    aggregate_meter_id: int | None
    begin_period: int
    source_meter_ids: Sequence[int]
    commodity_id: int
    aggregate_meter_info: str


@dataclass(frozen=True)
class Upserted:
    """Where the upsert landed: the aggregate's account, meter and the version for beginPeriod."""

    account_id: int
    meter_id: int
    version_id: int


def _fail(errors: dict[str, list[str]], field: str, reason: str) -> None:
    errors.setdefault(field, []).append(reason)


def _existing(session: Session, place_id: int, request: AggregateMeterRequest, errors: dict[str, list[str]]) -> int:
    """The account of an existing aggregate meter (0 when something is wrong, with the reason in `errors`)."""
    meter = fetch(session, Meter, request.aggregate_meter_id)
    field = "aggregateMeterId"
    if meter is None:
        _fail(errors, field, f"Meter {request.aggregate_meter_id} was not found.")
        return 0
    if meter.meter_type_id != AGGREGATE_METER_TYPE_ID or meter.place_id != place_id:
        _fail(errors, field, f"Meter {meter.meter_id} is not an aggregate meter of place {place_id}.")
    if meter.commodity_id != request.commodity_id:
        _fail(
            errors, field, f"Aggregate meter {meter.meter_id} is of commodity {meter.commodity_id}, not the request's."
        )
    accounts = list(
        session.execute(
            select(AccountMeter.account_id).where(AccountMeter.meter_id == meter.meter_id).distinct()
        ).scalars()
    )
    if len(accounts) != 1:
        _fail(
            errors, field, f"Aggregate meter {meter.meter_id} must be linked to exactly 1 account, not {len(accounts)}."
        )
        return 0
    return accounts[0]


def _check(session: Session, place_id: int, request: AggregateMeterRequest) -> tuple[Commodity | None, int]:
    """Every rule of the request (ValidationFailed with all of them); the commodity and an existing account."""
    errors: dict[str, list[str]] = {}
    try:
        periods.check(request.begin_period, "beginPeriod")
    except ValidationFailed as failed:
        errors.update(failed.errors)
    commodity = fetch(session, Commodity, request.commodity_id)
    if commodity is None:
        _fail(errors, "commodityId", f"Commodity {request.commodity_id} was not found.")
    account_id = 0 if request.aggregate_meter_id is None else _existing(session, place_id, request, errors)
    if not request.source_meter_ids:
        _fail(errors, "sourceMeterIds", "At least one source meter is required.")
    found = {
        m.meter_id: m
        for m in session.execute(select(Meter).where(Meter.meter_id.in_(known(request.source_meter_ids)))).scalars()
    }
    seen: dict[int, int] = {}
    for i, meter_id in enumerate(request.source_meter_ids):
        path = f"sourceMeterIds[{i}]"
        meter = found.get(meter_id)
        if meter is None:
            _fail(errors, path, f"Meter {meter_id} was not found.")
        elif meter_id == request.aggregate_meter_id:
            _fail(errors, path, f"Meter {meter_id} is the aggregate meter itself.")
        elif meter.commodity_id != request.commodity_id:
            _fail(errors, path, f"Meter {meter_id} must match the aggregate meter's commodity {request.commodity_id}.")
        elif meter.place_id != place_id:
            _fail(errors, path, f"Meter {meter_id} is not on place {place_id}, where the aggregate is.")
        if seen.setdefault(meter_id, i) != i:
            _fail(errors, path, f"Meter {meter_id} is already listed at sourceMeterIds[{seen[meter_id]}].")
    if errors:
        raise ValidationFailed(errors)
    return commodity, account_id


def _vendor(session: Session) -> int:
    """The internal vendor of aggregate accounts, created the first time it is needed."""
    vendor_id = session.execute(
        select(Vendor.vendor_id).where(func.lower(Vendor.vendor_code) == AGGREGATION_VENDOR_CODE.lower())
    ).scalar()
    if vendor_id is not None:
        return int(vendor_id)
    vendor = Vendor(
        vendor_code=AGGREGATION_VENDOR_CODE, vendor_info="Aggregate meters", vendor_type_id=INTERNAL_VENDOR_TYPE_ID
    )
    session.add(vendor)
    session.flush()
    return vendor.vendor_id


def _create(
    session: Session, place_id: int, request: AggregateMeterRequest, commodity: Commodity, user_id: int, now: datetime
) -> tuple[int, int]:
    """A new aggregate meter, its account and their link; (account id, meter id)."""
    # A unique placeholder until the id is known: codes are "AGG-<meterId>" for the meter and its account.
    meter = Meter(
        meter_code=f"AGG-NEW-{uuid.uuid4().hex[:20]}",
        meter_info=request.aggregate_meter_info,
        commodity_id=commodity.commodity_id,
        place_id=place_id,
        meter_type_id=AGGREGATE_METER_TYPE_ID,
        use_unit_id=commodity.common_unit_id,
        demand_unit_id=commodity.demand_unit_id,
        created_by=user_id,
        created_date=now,
    )
    session.add(meter)
    session.flush()
    meter.meter_code = f"AGG-{meter.meter_id}"
    account = Account(
        account_code=meter.meter_code,
        account_info=request.aggregate_meter_info,
        account_type_id=CHARGEBACK_ACCOUNT_TYPE_ID,
        cost_center_id=TOPMOST_COST_CENTER_ID,
        vendor_id=_vendor(session),
        created_by=user_id,
        created_date=now,
    )
    session.add(account)
    session.flush()
    insert_links(session, [LinkInput(account.account_id, meter.meter_id)])
    return account.account_id, meter.meter_id


def _rename(session: Session, account_id: int, meter_id: int, info: str, user_id: int, now: datetime) -> None:
    meter, account = session.get(Meter, meter_id), session.get(Account, account_id)
    assert meter is not None  # checked in _existing
    assert account is not None
    meter.meter_info, meter.modified_by, meter.modified_date = info, user_id, now
    account.account_info, account.modified_by, account.modified_date = info, user_id, now


def place_version(spans: Sequence[tuple[int, int | None]], begin: int) -> tuple[dict[int, int], int | None]:
    """Fit a new version beginning at `begin` into a history of non-overlapping (beginPeriod, endPeriod) spans.

    Returns the new endPeriod of the span `begin` falls inside (by index; it now ends the period before) and the
    new version's endPeriod (the period before the next span begins, None when none follows). Every period the
    history covered stays covered, and nothing overlaps (domain.md §4.1). No span may begin at `begin`.
    Example: [(202301, None)], 202401 -> ({0: 202312}, None); [(202401, 202412)], 202301 -> ({}, 202312).
    """
    ends = {
        i: periods.prior(begin)
        for i, (first, last) in enumerate(spans)
        if first < begin and (last is None or last >= begin)
    }
    later = [first for first, _ in spans if first > begin]
    return ends, periods.prior(min(later)) if later else None


def _version(session: Session, account_id: int, meter_id: int, request: AggregateMeterRequest) -> int:
    """Update the version beginning at beginPeriod, or add one there without overlapping the others."""
    begin = request.begin_period
    summed = MeterCalculation(sum_meter_ids=tuple(request.source_meter_ids))
    versions = list(
        session.execute(
            select(DistributionVersion)
            .where(DistributionVersion.account_id == account_id, DistributionVersion.meter_id == meter_id)
            .order_by(DistributionVersion.begin_period)
        ).scalars()
    )
    calculations = [v for v in versions if v.chargeback_type == CALCULATION]
    target = next((v for v in calculations if v.begin_period == begin), None)
    if target is None:
        ends, new_end = place_version([(v.begin_period, v.end_period) for v in calculations], begin)
        for index, end in ends.items():
            calculations[index].end_period = end
        names = {v.name.lower() for v in versions}
        name = f"Aggregation {begin}"
        while name.lower() in names:  # names are unique per account and meter (domain.md §7 Q23)
            name += "+"
        target = DistributionVersion(
            chargeback_type=CALCULATION,
            account_id=account_id,
            meter_id=meter_id,
            name=name,
            begin_period=begin,
            end_period=new_end,
        )
        session.add(target)
    old = documents.from_document(0, target.instructions)
    instructions = CalculatedBillInstructions(
        version_id=0,
        use=summed,
        cost=summed,
        demand=old.demand,
        meter_line_items=old.meter_line_items,
        account_line_items=old.account_line_items,
    )
    target.instructions = documents.to_document(instructions)
    target.is_aggregation = True
    session.flush()
    return target.version_id


def upsert_aggregate_meter(
    db: Database, place_id: int, request: AggregateMeterRequest, user_id: int, now: datetime
) -> calculated_details.CalculatedDetailsView:
    """Create or update an aggregate meter and its version for beginPeriod; the version's details."""
    with db.transaction() as session:
        if fetch(session, Place, place_id) is None:
            raise NotFound("Place", place_id)
        commodity, account_id = _check(session, place_id, request)
        assert commodity is not None  # _check raised otherwise
        if request.aggregate_meter_id is None:
            account_id, meter_id = _create(session, place_id, request, commodity, user_id, now)
        else:
            meter_id = request.aggregate_meter_id
            _rename(session, account_id, meter_id, request.aggregate_meter_info, user_id, now)
        done = Upserted(account_id, meter_id, _version(session, account_id, meter_id, request))
    return calculated_details.get_details(db, done.account_id, done.meter_id, done.version_id)
