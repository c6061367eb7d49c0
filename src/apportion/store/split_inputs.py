"""What a split run reads, as typed values: source bills and their lines, links, floor areas and group figures.

Every query takes the whole run's ids at once (one bound list, store/id_lists.py), so a run reads a fixed number
of statements however many versions and bills it splits (DESIGN.md "Performance rules").
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import NamedTuple

from sqlalchemy import and_, func, select, update
from sqlalchemy.orm import Session

from apportion.domain.bills import BillHeader
from apportion.domain.occupancy import Link
from apportion.domain.splits import AreaSize
from apportion.store.bill_reads import of_live_meter_bills
from apportion.store.id_lists import among
from apportion.store.models.bills import Bill, BillMeter
from apportion.store.models.chargebacks import ChargebackTask, ChargebackTaskVersion, DistributionVersion
from apportion.store.models.organisation import Account, AccountMeter, Meter, MeterGroupMember, PlaceSize
from apportion.store.sums import COST_SCALE, USE_SCALE, from_minor_units, minor_units_sum


class SourceBill(NamedTuple):
    """A live, unsplit, non-accrual bill of the period on a split version's master account and meter (a tuple: a
    run reads one per source bill and version)."""

    bill_id: int
    version_id: int
    begin_date: date
    end_date: date
    estimated: bool
    header: BillHeader


def source_bills(
    session: Session, version_ids: Sequence[int], period: int, bill_ids: Sequence[int] | None = None
) -> list[SourceBill]:
    """Every (bill, version) pair: a bill of the period with a line on the version's meter, unsplit and live
    (only the named bills when `bill_ids` is given: an explicit split)."""
    only = [] if bill_ids is None else [among(Bill.bill_id, sorted(set(bill_ids)))]
    statement = (
        select(
            Bill.bill_id,
            DistributionVersion.version_id,
            Bill.begin_date,
            Bill.end_date,
            Bill.estimated,
            Bill.statement_date,
            Bill.due_date,
            Bill.next_reading,
            Bill.control_code,
            Bill.invoice_number,
            Bill.account_period,
        )
        .join(BillMeter, BillMeter.bill_id == Bill.bill_id)
        .join(
            DistributionVersion,
            and_(DistributionVersion.account_id == Bill.account_id, DistributionVersion.meter_id == BillMeter.meter_id),
        )
        .where(
            among(DistributionVersion.version_id, version_ids),
            Bill.billing_period == period,
            Bill.void.is_(False),
            Bill.accrual.is_(False),
            Bill.has_been_split.is_(False),
            *only,
        )
        .order_by(Bill.bill_id, DistributionVersion.version_id)
    )
    # The header columns are selected in BillHeader's field order; sources sharing a header (most often an empty one)
    # share one BillHeader.
    headers: dict[tuple[object, ...], BillHeader] = {}
    found = []
    for bill_id, version_id, begin, end, estimated, *fields in session.connection().execute(statement).all():
        key = tuple(fields)
        header = headers.get(key)
        if header is None:
            header = headers[key] = BillHeader(*fields)
        found.append(SourceBill(bill_id, version_id, begin, end, estimated, header))
    return found


def source_periods(session: Session, bill_ids: Sequence[int]) -> list[int]:
    """The billing periods of the named bills that could be split (live, not accruals, not yet split), in order."""
    if not bill_ids:
        return []
    rows = session.connection().execute(
        select(Bill.billing_period)
        .where(
            among(Bill.bill_id, sorted(set(bill_ids))),
            Bill.void.is_(False),
            Bill.accrual.is_(False),
            Bill.has_been_split.is_(False),
        )
        .distinct()
        .order_by(Bill.billing_period)
    )
    return [period for (period,) in rows]


def meter_links(session: Session, meter_ids: Sequence[int]) -> dict[int, list[Link]]:
    """Every account-meter link of the given meters, by meter, in date order."""
    return linked_meters(session, meter_ids).links


class LinkedMeters(NamedTuple):
    """Meters' account-meter links by meter, in date order, and the commodity of each linked meter."""

    links: dict[int, list[Link]]
    commodities: dict[int, int]


def linked_meters(session: Session, meter_ids: Sequence[int]) -> LinkedMeters:
    """`meter_links` and the linked meters' commodities in one statement: a split reads the links of its
    destination meters, and its bill writer needs their commodities (BillWriter.know_commodities)."""
    rows = session.connection().execute(
        select(
            AccountMeter.meter_id,
            AccountMeter.account_id,
            AccountMeter.begin_date,
            AccountMeter.end_date,
            Meter.commodity_id,
        )
        .join(Meter, Meter.meter_id == AccountMeter.meter_id)
        .where(among(AccountMeter.meter_id, sorted(set(meter_ids))))
        .order_by(AccountMeter.meter_id, AccountMeter.begin_date, AccountMeter.account_id)
    )
    found: dict[int, list[Link]] = {}
    commodities: dict[int, int] = {}
    new = tuple.__new__  # Link(...) without the constructor's Python frame: a split reads every destination's links
    for meter_id, account_id, begin, end, commodity_id in rows.all():
        links = found.get(meter_id)
        if links is None:
            links = found[meter_id] = []
            commodities[meter_id] = commodity_id
        links.append(new(Link, (account_id, begin, end)))
    return LinkedMeters(found, commodities)


def meter_places(session: Session, meter_ids: Sequence[int]) -> dict[int, int]:
    """meter id -> its place id (meters without a place are absent)."""
    rows = session.connection().execute(
        select(Meter.meter_id, Meter.place_id).where(among(Meter.meter_id, sorted(set(meter_ids))))
    )
    return {meter_id: place_id for meter_id, place_id in rows if place_id is not None}


def place_sizes(session: Session, place_ids: Sequence[int]) -> dict[int, list[AreaSize]]:
    """Each place's floor-area versions in date order."""
    rows = session.connection().execute(
        select(PlaceSize.place_id, PlaceSize.value, PlaceSize.unit_code, PlaceSize.begin_date, PlaceSize.end_date)
        .where(among(PlaceSize.place_id, sorted(set(place_ids))))
        .order_by(PlaceSize.place_id, PlaceSize.begin_date, PlaceSize.place_size_id)
    )
    found: dict[int, list[AreaSize]] = {}
    for place_id, value, unit_code, begin, end in rows:
        found.setdefault(place_id, []).append(AreaSize(Decimal(value), unit_code, begin, end))
    return found


def group_members(session: Session, group_ids: Sequence[int]) -> dict[int, list[int]]:
    """Each meter group's meters, in meter id order."""
    rows = session.connection().execute(
        select(MeterGroupMember.meter_group_id, MeterGroupMember.meter_id)
        .where(among(MeterGroupMember.meter_group_id, sorted(set(group_ids))))
        .order_by(MeterGroupMember.meter_group_id, MeterGroupMember.meter_id)
    )
    found: dict[int, list[int]] = {}
    for group_id, meter_id in rows:
        found.setdefault(group_id, []).append(meter_id)
    return found


class MeterUseCost(NamedTuple):
    """A meter's use (common unit) and cost over its live, non-accrual bills of a period."""

    use: Decimal
    cost: Decimal


def meter_use_and_cost(session: Session, meter_ids: Sequence[int], period: int) -> dict[int, MeterUseCost]:
    """Use and cost per meter over its own live, non-accrual bills of the period (exact sums, store/sums.py)."""
    rows = session.connection().execute(
        of_live_meter_bills(
            select(
                BillMeter.meter_id,
                minor_units_sum(BillMeter.use, USE_SCALE),
                minor_units_sum(BillMeter.cost, COST_SCALE),
            ),
            meter_ids,
            period,
        ).group_by(BillMeter.meter_id)
    )
    return {
        meter_id: MeterUseCost(
            from_minor_units(use, USE_SCALE) or Decimal(0), from_minor_units(cost, COST_SCALE) or Decimal(0)
        )
        for meter_id, use, cost in rows
    }


class SplitBy(NamedTuple):
    """A live bill already split for the period, and the chargeback task that split it."""

    bill_id: int
    task_id: int | None


def already_split(
    session: Session, pairs: Sequence[tuple[int, int]], period: int
) -> dict[tuple[int, int], list[SplitBy]]:
    """(account id, meter id) -> the live bills of that account and meter in the period that are already split, with
    the task that did it; for many pairs in one statement (a re-run of a month already split asks for every version).
    """
    if not pairs:
        return {}
    wanted = set(pairs)
    splitter = (
        select(func.max(ChargebackTaskVersion.task_id))
        .join(ChargebackTask, ChargebackTask.task_id == ChargebackTaskVersion.task_id)
        .where(ChargebackTaskVersion.source_bill_id == Bill.bill_id, ChargebackTask.reversed_date.is_(None))
        .correlate(Bill)
        .scalar_subquery()
    )
    rows = session.connection().execute(
        select(Bill.account_id, BillMeter.meter_id, Bill.bill_id, splitter)
        .join(BillMeter, BillMeter.bill_id == Bill.bill_id)
        .where(
            among(Bill.account_id, sorted({account for account, _ in wanted})),
            among(BillMeter.meter_id, sorted({meter for _, meter in wanted})),
            Bill.billing_period == period,
            Bill.void.is_(False),
            Bill.has_been_split.is_(True),
        )
        .order_by(Bill.bill_id)
    )
    found: dict[tuple[int, int], list[SplitBy]] = {}
    for account_id, meter_id, bill_id, task_id in rows:
        if (account_id, meter_id) in wanted:  # the statement matches every account with every meter
            found.setdefault((account_id, meter_id), []).append(SplitBy(bill_id, task_id))
    return found


def claim_sources(session: Session, bill_ids: Sequence[int], now: datetime) -> list[int]:
    """Mark source bills split, keeping only those no other run claimed first; the ids claimed, in order.

    One conditional `UPDATE ... WHERE has_been_split = false RETURNING bill_id`: on PostgreSQL a second run's
    UPDATE waits for the first transaction's row locks and then re-checks the condition; on SQLite writers run one
    at a time.
    """
    if not bill_ids:
        return []
    statement = (
        update(Bill)
        .where(among(Bill.bill_id, sorted(set(bill_ids))), Bill.has_been_split.is_(False))
        .values(has_been_split=True, was_split_date=now)
        .returning(Bill.bill_id)
    )
    # No ORM objects of bills are kept in a session (store.bill_writer.delete_bills): none to find and expire.
    return sorted(session.execute(statement, execution_options={"synchronize_session": False}).scalars())


def account_and_meter_codes(
    session: Session, account_ids: Sequence[int], meter_ids: Sequence[int]
) -> tuple[dict[int, str], dict[int, str]]:
    """The codes users know these accounts and meters by, by id (an id no longer stored is left out)."""
    connection = session.connection()
    accounts = connection.execute(
        select(Account.account_id, Account.account_code).where(among(Account.account_id, account_ids))
    )
    meters = connection.execute(select(Meter.meter_id, Meter.meter_code).where(among(Meter.meter_id, meter_ids)))
    return dict(accounts.all()), dict(meters.all())
