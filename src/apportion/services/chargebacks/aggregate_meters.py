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

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from apportion.domain import periods
from apportion.domain.calculations import CalculatedBillInstructions, MeterCalculation
from apportion.domain.errors import NotFound, ValidationFailed
from apportion.domain.ids import known
from apportion.domain.versions import CALCULATION
from apportion.services.chargebacks import calculated_details
from apportion.services.master import auto_groups
from apportion.store.chargeback_versions import AGGREGATE_METER_TYPE_ID
from apportion.store.database import Database, UnitOfWork
from apportion.store.queries import aggregates as stored
from apportion.store.queries.calculations import instructions as stored_instructions
from apportion.store.queries.places import place_exists

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


def _existing(session: UnitOfWork, place_id: int, request: AggregateMeterRequest, errors: dict[str, list[str]]) -> int:
    """The account of an existing aggregate meter (0 when something is wrong, with the reason in `errors`)."""
    field = "aggregateMeterId"
    wanted = request.aggregate_meter_id or 0
    meter = stored.meter_placings(session, known([wanted])).get(wanted)
    if meter is None:
        _fail(errors, field, f"Meter {request.aggregate_meter_id} was not found.")
        return 0
    if meter.meter_type_id != AGGREGATE_METER_TYPE_ID or meter.place_id != place_id:
        _fail(errors, field, f"Meter {meter.meter_id} is not an aggregate meter of place {place_id}.")
    if meter.commodity_id != request.commodity_id:
        _fail(
            errors, field, f"Aggregate meter {meter.meter_id} is of commodity {meter.commodity_id}, not the request's."
        )
    accounts = stored.linked_accounts(session, meter.meter_id)
    if len(accounts) != 1:
        _fail(
            errors, field, f"Aggregate meter {meter.meter_id} must be linked to exactly 1 account, not {len(accounts)}."
        )
        return 0
    return accounts[0]


def _check(
    session: UnitOfWork, place_id: int, request: AggregateMeterRequest
) -> tuple[stored.CommodityUnits | None, int]:
    """Every rule of the request (ValidationFailed with all of them); the commodity and an existing account."""
    errors: dict[str, list[str]] = {}
    try:
        periods.check(request.begin_period, "beginPeriod")
    except ValidationFailed as failed:
        errors.update(failed.errors)
    commodity = stored.commodity_units(session, request.commodity_id) if known([request.commodity_id]) else None
    if commodity is None:
        _fail(errors, "commodityId", f"Commodity {request.commodity_id} was not found.")
    account_id = 0 if request.aggregate_meter_id is None else _existing(session, place_id, request, errors)
    if not request.source_meter_ids:
        _fail(errors, "sourceMeterIds", "At least one source meter is required.")
    found = stored.meter_placings(session, known(request.source_meter_ids))
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


def _vendor(session: UnitOfWork) -> int:
    """The internal vendor of aggregate accounts, created the first time it is needed."""
    vendor_id = stored.vendor_by_code(session, AGGREGATION_VENDOR_CODE)
    if vendor_id is not None:
        return vendor_id
    return stored.insert_vendor(session, AGGREGATION_VENDOR_CODE, "Aggregate meters", INTERNAL_VENDOR_TYPE_ID)


def _create(
    session: UnitOfWork,
    place_id: int,
    request: AggregateMeterRequest,
    commodity: stored.CommodityUnits,
    user_id: int,
    now: datetime,
) -> tuple[int, int]:
    """A new aggregate meter, its account and their link; (account id, meter id)."""
    new = stored.NewAggregate(
        place_id=place_id,
        info=request.aggregate_meter_info,
        commodity=commodity,
        meter_type_id=AGGREGATE_METER_TYPE_ID,
        account_type_id=CHARGEBACK_ACCOUNT_TYPE_ID,
        cost_center_id=TOPMOST_COST_CENTER_ID,
        vendor_id=_vendor(session),
    )
    return stored.insert_aggregate(session, new, user_id, now)


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


def _version(session: UnitOfWork, account_id: int, meter_id: int, request: AggregateMeterRequest) -> int:
    """Update the version beginning at beginPeriod, or add one there without overlapping the others."""
    begin = request.begin_period
    summed = MeterCalculation(sum_meter_ids=tuple(request.source_meter_ids))
    versions = stored.version_spans(session, account_id, meter_id)
    calculations = [v for v in versions if v.chargeback_type == CALCULATION]
    target = next((v.version_id for v in calculations if v.begin_period == begin), None)
    if target is None:
        ends, new_end = place_version([(v.begin_period, v.end_period) for v in calculations], begin)
        for index, end in ends.items():
            stored.set_end_period(session, calculations[index].version_id, end)
        names = {v.name.lower() for v in versions}
        name = f"Aggregation {begin}"
        while name.lower() in names:  # names are unique per account and meter (domain.md §7 Q23)
            name += "+"
        target = stored.insert_calculation(session, account_id, meter_id, name, begin, new_end)
    old = stored_instructions(session, target)
    assert old is not None  # the version was read or written just now
    instructions = CalculatedBillInstructions(
        version_id=0,
        use=summed,
        cost=summed,
        demand=old.demand,
        meter_line_items=old.meter_line_items,
        account_line_items=old.account_line_items,
    )
    stored.store_aggregation(session, target, instructions)
    return target


def upsert_aggregate_meter(
    db: Database, place_id: int, request: AggregateMeterRequest, user_id: int, now: datetime
) -> calculated_details.CalculatedDetailsView:
    """Create or update an aggregate meter and its version for beginPeriod; the version's details."""
    with db.transaction() as session:
        if not place_exists(session, place_id):
            raise NotFound("Place", place_id)
        commodity, account_id = _check(session, place_id, request)
        assert commodity is not None  # _check raised otherwise
        if request.aggregate_meter_id is None:
            account_id, meter_id = _create(session, place_id, request, commodity, user_id, now)
        else:
            meter_id = request.aggregate_meter_id
            stored.rename(session, account_id, meter_id, request.aggregate_meter_info, user_id, now)
        auto_groups.refresh(session, now, meter_ids=[meter_id])
        done = Upserted(account_id, meter_id, _version(session, account_id, meter_id, request))
    return calculated_details.get_details(db, done.account_id, done.meter_id, done.version_id)
