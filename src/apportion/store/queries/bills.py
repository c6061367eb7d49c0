"""Bills as typed values: list and read them with their batch, account and users, a meter's bills with its own
totals, what checking an entered bill needs, and the header, void and delete writes (operations.md §4).

Line items and per-meter totals are written by the bill writer (store/bill_writer.py).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from typing import Any, NamedTuple, TypeAlias

from sqlalchemy import RowMapping, and_, bindparam, delete, func, or_, select, update
from sqlalchemy.orm import Session, aliased

from apportion.domain.batch_modes import BatchStatus
from apportion.domain.bills import BillDraft
from apportion.domain.filters import Condition
from apportion.domain.scoping import Scope
from apportion.domain.units import UnitTable
from apportion.store import scoping
from apportion.store.bill_writer import load_unit_table
from apportion.store.filtering import Clause, compile_condition, compile_filter, related_in
from apportion.store.models.bills import Batch, Bill, BillLine, BillMeter
from apportion.store.models.organisation import Account, AccountMeter, Meter, Place, Vendor
from apportion.store.models.reference import Commodity, ObservationType, Unit
from apportion.store.paging import AnySelect, InPage, TypedPage, page_by_keys
from apportion.store.queries.children import (
    AccountChild,
    UnitChild,
    UserChild,
    Values,
    account_at,
    join_account,
    join_unit,
    join_user,
    user_at,
)
from apportion.store.queries.shaped import Shaped

# The bill columns a listing carries, in BillListing's field order.
_BILL_COLUMNS = (
    Bill.bill_id,
    Bill.batch_id,
    Bill.billing_period,
    Bill.begin_date,
    Bill.end_date,
    Bill.account_period,
    Bill.total_cost,
    Bill.estimated,
    Bill.void,
    Bill.approved,
    Bill.exported,
    Bill.accrual,
    Bill.from_vendor,
    Bill.has_been_split,
    Bill.was_split_date,
    Bill.statement_date,
    Bill.due_date,
    Bill.next_reading,
    Bill.control_code,
    Bill.invoice_number,
    Bill.note,
    Bill.created_date,
    Bill.modified_date,
    Bill.approve_date,
    Bill.export_date,
    Bill.gl_exported,
    Bill.gl_export_date,
    Bill.export_hold,
)


class BillListing(NamedTuple):
    """A bill as GET /api/v3/bill answers it: its header and flags, its batch's code, its account (with vendor
    and flags) and the users who created and last changed it. A named tuple: a page makes hundreds, and the wire
    writer unpacks them by position (api.wire_rows.row_writer)."""

    bill_id: int
    batch_id: int
    billing_period: int
    begin_date: date
    end_date: date
    account_period: int | None
    total_cost: Decimal
    estimated: bool
    void: bool
    approved: bool
    exported: bool
    accrual: bool
    from_vendor: bool
    has_been_split: bool
    was_split_date: datetime | None
    statement_date: date | None
    due_date: date | None
    next_reading: date | None
    control_code: str | None
    invoice_number: str | None
    note: str | None
    created_date: datetime
    modified_date: datetime | None
    batch_code: str
    account: AccountChild | None
    created_by: UserChild | None
    modified_by: UserChild | None
    approval: Accounting


class Accounting(NamedTuple):
    """A bill's accounting state (accounting.md §2.1): approval, AP ("exported") and GL export, each with when and
    by whom, and the export hold."""

    approve_date: datetime | None = None
    approved_by: UserChild | None = None
    export_date: datetime | None = None
    exported_by: UserChild | None = None
    gl_exported: bool = False
    gl_export_date: datetime | None = None
    gl_exported_by: UserChild | None = None
    export_hold: bool = False


class MeterBillListing(NamedTuple):
    """A bill of one meter (GET /api/v3/meter/{id}/bill): the bill and the meter's own totals on it; use is in the
    commodity's common unit, demand in the meter's demand unit (else the commodity's)."""

    bill: BillListing
    cost: Decimal | None
    use: Decimal | None
    demand: Decimal | None
    use_unit: UnitChild | None
    demand_unit: UnitChild | None
    billed_demand: Decimal | None = None


BillPage: TypeAlias = TypedPage[BillListing]
"""One page of bills and the number of bills the filter matches."""


@dataclass(frozen=True)
class BillState:
    """What editing a bill checks and compares: its account, dates and period, whether it is void, and the
    chargeback task and source bill of a split bill."""

    account_id: int
    begin_date: date
    end_date: date
    billing_period: int
    void: bool
    source_bill_id: int | None
    chargeback_task_id: int | None


class MeterCommodity(NamedTuple):
    """A meter's code and the commodity it measures."""

    meter_code: str
    commodity_id: int
    commodity_code: str


@dataclass(frozen=True)
class BillReferences:
    """What checking an entered bill against the database needs (services.billing.bills): whether its account
    exists, which of its meters exist and are linked to that account for its dates, each meter's commodity, and
    the observation types and units there are."""

    account_exists: bool
    meters: frozenset[int]
    linked_meters: frozenset[int]
    meter_commodities: Mapping[int, MeterCommodity]
    observation_kinds: Mapping[int, str]
    unit_codes: Mapping[int, str]
    units: UnitTable


# Reads -------------------------------------------------------------------------------------------------------------


def bill_references(
    session: Session, account_id: int | None, meter_ids: Sequence[int], begin: date, end: date
) -> BillReferences:
    """The facts an entered bill is checked against; `account_id` None (an id no row can have) exists nowhere."""
    account_exists = account_id is not None and session.get(Account, account_id) is not None
    wanted = list(meter_ids) or [0]
    # The link must cover some day of the bill. A bill's end date is not one of its days, nor is a link's
    # (domain.md §1.9: the read date ends one span and starts the next); a one-day bill has begin == end.
    linked = session.execute(
        select(AccountMeter.meter_id).where(
            AccountMeter.account_id == (account_id if account_exists else 0),
            AccountMeter.meter_id.in_(wanted),
            or_(AccountMeter.begin_date < end, AccountMeter.begin_date <= begin),
            AccountMeter.end_date > begin,
        )
    ).scalars()
    linked_meters = frozenset(linked)
    meters = frozenset(session.execute(select(Meter.meter_id).where(Meter.meter_id.in_(wanted))).scalars())
    kinds = dict(session.execute(select(ObservationType.observation_type_id, ObservationType.kind)).all())
    units = dict(session.execute(select(Unit.unit_id, Unit.unit_code)).all())
    unit_table = load_unit_table(session)
    commodities = {
        meter_id: MeterCommodity(code, commodity_id, commodity_code)
        for meter_id, code, commodity_id, commodity_code in session.execute(
            select(Meter.meter_id, Meter.meter_code, Meter.commodity_id, Commodity.commodity_code)
            .join(Commodity, Commodity.commodity_id == Meter.commodity_id)
            .where(Meter.meter_id.in_(wanted))
        )
    }
    return BillReferences(account_exists, meters, linked_meters, commodities, kinds, units, unit_table)


def bill_state(session: Session, bill_id: int) -> BillState | None:
    """A bill's account, dates, period, void flag and split origin, or None."""
    row = session.execute(
        select(
            Bill.account_id,
            Bill.begin_date,
            Bill.end_date,
            Bill.billing_period,
            Bill.void,
            Bill.source_bill_id,
            Bill.chargeback_task_id,
        ).where(Bill.bill_id == bill_id)
    ).first()
    return None if row is None else BillState(*row)


def existing_bill_ids(session: Session, bill_ids: Sequence[int]) -> set[int]:
    """Those of the ids that are bills."""
    return set(session.execute(select(Bill.bill_id).where(Bill.bill_id.in_(list(bill_ids) or [0]))).scalars())


def live_bill_ids(session: Session, bill_ids: Sequence[int]) -> list[int]:
    """Those of the bills that are not void."""
    statement = select(Bill.bill_id).where(Bill.bill_id.in_(list(bill_ids) or [0]), Bill.void.is_(False))
    return list(session.execute(statement).scalars())


_METER_EXISTS = select(Meter.meter_id).where(Meter.meter_id == bindparam("meter_id"))


def meter_exists(session: Session, meter_id: int) -> bool:
    """Whether the meter exists."""
    # Its id alone, not the mapped row: nothing for the ORM to load into the session.
    return session.execute(_METER_EXISTS, {"meter_id": meter_id}).first() is not None


@cache
def _listings() -> Shaped[BillListing]:
    """Bills with their batch code, creator, modifier and account (vendor, flags), read by column name, and where
    each child's columns start; built once."""
    statement = select(*_BILL_COLUMNS, Batch.batch_code).join(Batch, Batch.batch_id == Bill.batch_id)
    at = [len(statement.selected_columns)]
    statement, read_creator = join_user(statement, Bill.created_by)
    at.append(len(statement.selected_columns))
    statement, read_modifier = join_user(statement, Bill.modified_by)
    at.append(len(statement.selected_columns))
    statement, read_account = join_account(statement, Bill.account_id)
    at.append(len(statement.selected_columns))
    statement, read_approver = join_user(statement, Bill.approved_by)
    at.append(len(statement.selected_columns))
    statement, read_exporter = join_user(statement, Bill.exported_by)
    at.append(len(statement.selected_columns))
    statement, read_gl_exporter = join_user(statement, Bill.gl_exported_by)

    def read(row: RowMapping) -> BillListing:
        # By position, in the field order: keyword binding of thirty arguments costs more than reading them.
        return BillListing(
            row["bill_id"],
            row["batch_id"],
            row["billing_period"],
            row["begin_date"],
            row["end_date"],
            row["account_period"],
            row["total_cost"],
            row["estimated"],
            row["void"],
            row["approved"],
            row["exported"],
            row["accrual"],
            row["from_vendor"],
            row["has_been_split"],
            row["was_split_date"],
            row["statement_date"],
            row["due_date"],
            row["next_reading"],
            row["control_code"],
            row["invoice_number"],
            row["note"],
            row["created_date"],
            row["modified_date"],
            row["batch_code"],
            read_account(row),
            read_creator(row),
            read_modifier(row),
            Accounting(
                row["approve_date"],
                read_approver(row),
                row["export_date"],
                read_exporter(row),
                row["gl_exported"],
                row["gl_export_date"],
                read_gl_exporter(row),
                row["export_hold"],
            ),
        )

    return Shaped(statement, read, tuple(at))


@cache
def filter_targets() -> Mapping[str, Any]:
    """The column (or related rows' column) each filter field of GET /api/v3/bill compares; built once (its
    sub-selects were a tenth of a short page's request, filtered or not)."""
    on_meter = select(BillMeter.bill_id).join(Meter, Meter.meter_id == BillMeter.meter_id)
    accounts = select(Account.account_id)
    # Fields of related rows are uncorrelated IN sub-selects, one per field (store.filtering.Related): a correlated
    # EXISTS or scalar subquery is run for every bill, which on 100,000 bills costs a hundred times more
    # (bench/bill_list.py).
    return {
        "billId": Bill.bill_id,
        "accountId": Bill.account_id,
        "accountCode": related_in(Bill.account_id, accounts, Account.account_code),
        # A bill matches when one of its meters meets every condition on the field.
        "meterId": related_in(Bill.bill_id, on_meter, Meter.meter_id),
        "meterCode": related_in(Bill.bill_id, on_meter, Meter.meter_code),
        "billingPeriod": Bill.billing_period,
        "batchId": Bill.batch_id,
        "batchCode": related_in(Bill.batch_id, select(Batch.batch_id), Batch.batch_code),
        "totalCost": Bill.total_cost,
        "void": Bill.void,
        "beginDate": Bill.begin_date,
        "endDate": Bill.end_date,
        "vendorCode": related_in(
            Bill.account_id, accounts.join(Vendor, Vendor.vendor_id == Account.vendor_id), Vendor.vendor_code
        ),
        "hasBeenSplit": Bill.has_been_split,
        "fromVendor": Bill.from_vendor,
        "topmostPlaceCode": _under_places,
    }


def _under_places(condition: Condition) -> Clause:
    """topmostPlaceCode: a bill matches when one of its meters lies in a place whose code meets the condition, or
    anywhere under such a place (a recursive walk down the place tree)."""
    tree = (
        select(Place.place_id)
        .where(compile_condition(condition, Place.place_code.expression, date.min))
        .cte("under_place", recursive=True)
    )
    child = aliased(Place)
    tree = tree.union_all(select(child.place_id).where(child.parent_id == tree.c.place_id))
    on_meters = (
        select(BillMeter.bill_id)
        .join(Meter, Meter.meter_id == BillMeter.meter_id)
        .where(Meter.place_id.in_(select(tree.c.place_id)))
    )
    return Bill.bill_id.in_(on_meters)


def list_bills(
    session: Session,
    conditions: Sequence[Condition],
    page_number: int,
    page_size: int,
    today: date,
    scope: Scope = Scope.WHOLE,
) -> BillPage:
    """One page of the bills meeting every condition (and in `scope`), by id."""
    where = and_(
        compile_filter(conditions, filter_targets(), today), scoping.within(Bill.account_id, scoping.account_ids(scope))
    )
    return _bill_page(session, where, page_number, page_size)


def _bill_page(session: Session, where: Clause, page_number: int, page_size: int) -> BillPage:
    """One page of the bills `where` picks, by id: the bills' keys, then their listings (built once)."""
    # Every bill has a batch and the other joins are outer joins on keys: the bills alone have the same count.
    keys = select(Bill.bill_id).where(where)
    statement, read = _listings_of_keys()
    return page_by_keys(read, session, statement, keys, keys.order_by(Bill.bill_id), page_number, page_size)


@cache
def _listings_of_keys() -> tuple[AnySelect, Callable[[Values], BillListing]]:
    """The listings of the bills whose ids are PAGE_KEYS, by id, and their reader by position (`_listings`'
    columns: the bill's, its batch code, then each child's); built once (store.paging.page_by_keys)."""
    listings = _listings()
    creator, modifier, account, approver, exporter, gl_exporter = listings.at
    read_creator, read_modifier, read_approver, read_exporter, read_gl_exporter = (
        user_at(n) for n in (creator, modifier, approver, exporter, gl_exporter)
    )
    read_account = account_at(account)
    # _BILL_COLUMNS holds BillListing's fields up to its batch code, then the accounting state's five columns.
    header = BillListing._fields.index("batch_code")
    code = len(_BILL_COLUMNS)

    def read(row: Values) -> BillListing:
        approve_date, export_date, gl_exported, gl_export_date, export_hold = row[header:code]
        accounting = Accounting(
            approve_date,
            read_approver(row),
            export_date,
            read_exporter(row),
            gl_exported,
            gl_export_date,
            read_gl_exporter(row),
            export_hold,
        )
        return BillListing._make(
            (*row[:header], row[code], read_account(row), read_creator(row), read_modifier(row), accounting)
        )

    return listings.statement.where(InPage(Bill.bill_id)).order_by(Bill.bill_id), read


def list_bills_where(session: Session, where: Clause, page_number: int, page_size: int) -> BillPage:
    """One page of the bills `where` picks, by id (a saved bill list's bills, store/queries/bill_lists.py)."""
    return _bill_page(session, where, page_number, page_size)


def bill_listing(session: Session, bill_id: int) -> BillListing | None:
    """One bill with its batch code, account and users, or None."""
    return _listings().one(session, Bill.bill_id == bill_id)


@cache
def _meter_listings() -> Shaped[MeterBillListing]:
    """The listing plus the meter's own totals on each bill and the units they are in: use in the commodity's
    common unit (the bill writer converts to it), demand in the meter's demand unit, else the commodity's."""
    commodity = aliased(Commodity)
    meter = aliased(Meter)
    listings = _listings()
    # Billed demand: the largest demand line the bill charges for (one with a cost); a bill that does not price
    # demand apart is billed on its peak.
    charged = (
        select(func.max(BillLine.value))
        .join(ObservationType, ObservationType.observation_type_id == BillLine.observation_type_id)
        .where(
            BillLine.bill_id == Bill.bill_id,
            BillLine.meter_id == BillMeter.meter_id,
            ObservationType.kind == "demand",
            BillLine.cost.is_not(None),
            BillLine.cost != 0,
        )
        .scalar_subquery()
    )
    statement = (
        listings.statement.add_columns(
            BillMeter.use.label("meter_use"),
            BillMeter.cost.label("meter_cost"),
            BillMeter.demand.label("meter_demand"),
            func.coalesce(charged, BillMeter.demand).label("billed_demand"),
        )
        .join(BillMeter, BillMeter.bill_id == Bill.bill_id)
        .join(meter, meter.meter_id == BillMeter.meter_id)
        .join(commodity, commodity.commodity_id == meter.commodity_id)
    )
    statement, read_use_unit = join_unit(statement, commodity.common_unit_id)
    statement, read_demand_unit = join_unit(statement, func.coalesce(meter.demand_unit_id, commodity.demand_unit_id))

    def read(row: RowMapping) -> MeterBillListing:
        return MeterBillListing(
            bill=listings.read(row),
            cost=row["meter_cost"],
            use=row["meter_use"],
            demand=row["meter_demand"],
            use_unit=read_use_unit(row),
            demand_unit=read_demand_unit(row),
            billed_demand=row["billed_demand"],
        )

    return Shaped(statement, read)


@cache
def _meter_bills_select() -> AnySelect:
    # Built once with the meter as a parameter: SQLAlchemy finds its compiled form without walking a new statement.
    statement = _meter_listings().statement.where(BillMeter.meter_id == bindparam("meter_id"))
    return statement.order_by(Bill.billing_period, Bill.bill_id)


def meter_bills(session: Session, meter_id: int) -> list[MeterBillListing]:
    """The meter's bills by period and id, each with the meter's own use, cost and demand."""
    read = _meter_listings().read
    # Through the connection: a Core result (the reader takes columns by name and label, not by mapped attribute).
    rows = session.connection().execute(_meter_bills_select(), {"meter_id": meter_id}).mappings().all()
    return [read(row) for row in rows]


# Writes ------------------------------------------------------------------------------------------------------------


def update_header(session: Session, bill_id: int, draft: BillDraft, user_id: int, now: datetime) -> None:
    """Give a bill the draft's account, dates, period, header, estimate flag and total, changed by the user now
    (its line items are the bill writer's: BillWriter.replace_lines)."""
    header = draft.header
    session.execute(
        update(Bill)
        .where(Bill.bill_id == bill_id)
        .values(
            account_id=draft.account_id,
            begin_date=draft.begin_date,
            end_date=draft.end_date,
            billing_period=draft.billing_period,
            account_period=header.account_period,
            estimated=draft.estimated,
            statement_date=header.statement_date,
            due_date=header.due_date,
            next_reading=header.next_reading,
            control_code=header.control_code,
            invoice_number=header.invoice_number,
            note=header.note,
            total_cost=draft.total_cost,
            modified_by=user_id,
            modified_date=now,
        )
    )


def void(session: Session, bill_ids: Sequence[int]) -> list[int]:
    """Void those of the bills that are live; the ids voided."""
    changed = session.execute(
        update(Bill)
        .where(Bill.bill_id.in_(list(bill_ids) or [0]), Bill.void.is_(False))
        .values(void=True)
        .returning(Bill.bill_id)
    )
    return list(changed.scalars())


def unvoid(session: Session, bill_ids: Sequence[int]) -> list[int]:
    """Make those of the bills live that are void, outside pending batches and not chargeback bills (domain.md
    §2.6 item 5: a pending batch's bills stay void; a chargeback bill once void stays void); the ids made live."""
    pending = select(Batch.batch_id).where(Batch.status == BatchStatus.PENDING)
    changed = session.execute(
        update(Bill)
        .where(
            Bill.bill_id.in_(list(bill_ids) or [0]),
            Bill.void.is_(True),
            Bill.batch_id.not_in(pending),
            Bill.chargeback_task_id.is_(None),
        )
        .values(void=False)
        .returning(Bill.bill_id)
    )
    return list(changed.scalars())


def delete_bills(session: Session, bill_ids: Sequence[int]) -> int:
    """Delete the bills; bills made from them forget their source. How many were deleted."""
    wanted = list(bill_ids) or [0]
    session.execute(update(Bill).where(Bill.source_bill_id.in_(wanted)).values(source_bill_id=None))
    result = session.execute(delete(Bill).where(Bill.bill_id.in_(wanted)))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
