"""Bills: create, list, read, edit, void and delete (operations.md §4)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from typing import Any

from sqlalchemy import RowMapping, delete, func, or_, select, update
from sqlalchemy.orm import Session, aliased

from apportion.domain import filters
from apportion.domain.bills import MAX_COST, MAX_QUANTITY, BillDraft, BillHeader, LineDraft, ObservationKind, figures_of
from apportion.domain.errors import NotFound, RuleViolation, ValidationFailed
from apportion.domain.filters import FieldSpec, FieldType
from apportion.domain.money import CENT, USE_QUANTUM, round_half_up
from apportion.services.access.auth import Principal
from apportion.services.billing.batches import PENDING, batch_for_new_bill, header_defaults
from apportion.services.chargebacks import corrections
from apportion.services.chargebacks.corrections import Cause, Change
from apportion.services.child_columns import join_account_child, join_unit_child
from apportion.services.ids import fetch, known, parse_filter, require
from apportion.store import bill_reads, lineage
from apportion.store.bill_writer import BillWriter, load_unit_table
from apportion.store.database import Database
from apportion.store.filtering import compile_filter, related_in
from apportion.store.models.bills import Batch, Bill, BillMeter
from apportion.store.models.organisation import Account, AccountMeter, Meter, Vendor
from apportion.store.models.reference import Commodity, ObservationType, Unit
from apportion.store.models.users import User
from apportion.store.paging import AnySelect, Page, paginate

MAX_BILL_PERIOD, MAX_ACCOUNT_PERIOD = 209912, 209913
MAX_NOTE = 4000
UNIT_COST_QUANTUM = Decimal("0.00000001")  # unit costs have 8 decimals (domain.md §2.6 item 8)

FILTERS = filters.specs(
    FieldSpec("billId", FieldType.INTEGER, filters.NUMBER_OPS),
    FieldSpec("accountId", FieldType.INTEGER, filters.NUMBER_OPS),
    FieldSpec("accountCode", FieldType.STRING, filters.STRING_OPS),
    FieldSpec("meterId", FieldType.INTEGER, filters.NUMBER_OPS),
    FieldSpec("meterCode", FieldType.STRING, filters.STRING_OPS),
    FieldSpec("billingPeriod", FieldType.DATE_PERIOD, filters.NUMBER_OPS),
    FieldSpec("batchId", FieldType.INTEGER, filters.NUMBER_OPS),
    FieldSpec("batchCode", FieldType.STRING, filters.STRING_OPS),
    FieldSpec("totalCost", FieldType.DECIMAL, filters.NUMBER_OPS),
    FieldSpec("void", FieldType.BOOLEAN, filters.BOOLEAN_OPS),
    FieldSpec("beginDate", FieldType.DATE_TIME, filters.NUMBER_OPS),
    FieldSpec("endDate", FieldType.DATE_TIME, filters.NUMBER_OPS),
    FieldSpec("vendorCode", FieldType.STRING, filters.STRING_OPS),
    FieldSpec("hasBeenSplit", FieldType.BOOLEAN, filters.BOOLEAN_OPS),
    FieldSpec("fromVendor", FieldType.BOOLEAN, filters.BOOLEAN_OPS),
)


@dataclass(frozen=True)
class LineInput:
    """A line item as a client sends it; meter_id None for an account line.

    `path` is the line's place in the request body (e.g. "meters[0].bodyLines[1]") so errors name the wire field.
    """

    meter_id: int | None
    observation_type_id: int
    caption: str | None
    value: Decimal | None = None
    value_unit_id: int | None = None
    cost: Decimal | None = None
    path: str = ""


@dataclass(frozen=True)
class BillInput:
    """BillCreate/BillEdit as the service needs it."""

    account_id: int
    begin_date: date
    end_date: date
    billing_period: int
    lines: Sequence[LineInput]
    header: BillHeader = field(default_factory=BillHeader)
    estimated: bool = False
    batch_id: int | None = None


def _check_header(bill: BillInput, errors: dict[str, list[str]]) -> None:
    """Periods, dates and header lengths (the wire model checks the documented ranges; these need arithmetic)."""
    if not 190001 <= bill.billing_period <= MAX_BILL_PERIOD or not 1 <= bill.billing_period % 100 <= 12:
        errors["billingPeriod"] = [f"{bill.billing_period} is not a valid billing period (190001..209912)."]
    account_period = bill.header.account_period
    if account_period is not None and (
        not 190001 <= account_period <= MAX_ACCOUNT_PERIOD or not 1 <= account_period % 100 <= 13
    ):
        errors["accountPeriod"] = [f"{account_period} is not a valid account period (190001..209913, months 1..13)."]
    if bill.end_date < bill.begin_date:
        errors["endDate"] = ["endDate must not be before beginDate."]
    if bill.header.note is not None and len(bill.header.note) > MAX_NOTE:
        errors["note"] = [f"note must be at most {MAX_NOTE} characters."]
    if not bill.lines:
        errors["meters"] = ["A bill needs at least one line item."]


def _check_amount(
    value: Decimal | None, quantum: Decimal, limit: Decimal, where: str, errors: dict[str, list[str]]
) -> None:
    # Money is NUMERIC(18, 2) and quantities NUMERIC(24, 6): refuse what the column cannot hold exactly.
    if value is None:
        return
    if not value.is_finite() or abs(value) >= limit or value != value.quantize(quantum):
        places = -quantum.as_tuple().exponent  # type: ignore[operator]
        errors.setdefault(where, []).append(f"must be a number below {limit:,.0f} with at most {places} decimals.")


def _validate(session: Session, bill: BillInput) -> BillDraft:
    """Check a bill against the database: account, meters linked for the dates, types and units; nothing is
    written, every problem is reported at once under its wire field path."""
    errors: dict[str, list[str]] = {}
    _check_header(bill, errors)
    account = fetch(session, Account, bill.account_id)
    if account is None:
        errors["accountId"] = [f"Account {bill.account_id} does not exist."]
    meter_ids = sorted({line.meter_id for line in bill.lines if line.meter_id is not None})
    # The link must cover some day of the bill. A bill's end date is not one of its days, nor is a link's
    # (domain.md §1.9: the read date ends one span and starts the next); a one-day bill has begin == end.
    linked = set(
        session.execute(
            select(AccountMeter.meter_id).where(
                AccountMeter.account_id == (bill.account_id if account is not None else 0),
                AccountMeter.meter_id.in_(known(meter_ids) or [0]),
                or_(AccountMeter.begin_date < bill.end_date, AccountMeter.begin_date <= bill.begin_date),
                AccountMeter.end_date > bill.begin_date,
            )
        ).scalars()
    )
    known_meters = set(
        session.execute(select(Meter.meter_id).where(Meter.meter_id.in_(known(meter_ids) or [0]))).scalars()
    )
    kinds = dict(session.execute(select(ObservationType.observation_type_id, ObservationType.kind)).all())
    units = dict(session.execute(select(Unit.unit_id, Unit.unit_code)).all())
    unit_table = load_unit_table(session)
    meter_commodities = {
        meter_id: (code, commodity_id, commodity_code)
        for meter_id, code, commodity_id, commodity_code in session.execute(
            select(Meter.meter_id, Meter.meter_code, Meter.commodity_id, Commodity.commodity_code)
            .join(Commodity, Commodity.commodity_id == Meter.commodity_id)
            .where(Meter.meter_id.in_(known(meter_ids) or [0]))
        )
    }
    meter_paths: dict[int, str] = {}
    for line in bill.lines:
        if line.meter_id is not None and line.path.startswith("meters["):
            meter_paths.setdefault(line.meter_id, line.path.split(".bodyLines")[0] + ".meterId")
    for meter_id in meter_ids:
        where = meter_paths.get(meter_id, "meters")
        if meter_id not in known_meters:
            errors.setdefault(where, []).append(f"Meter {meter_id} does not exist.")
        elif account is not None and meter_id not in linked:
            errors.setdefault(where, []).append(
                f"Meter {meter_id} is not linked to account {bill.account_id} for {bill.begin_date}..{bill.end_date}."
            )
    lines: list[LineDraft] = []
    total = Decimal(0)
    for i, line in enumerate(bill.lines):
        where = line.path or f"lines[{i}]"
        kind = kinds.get(line.observation_type_id)
        if kind is None:
            errors.setdefault(f"{where}.observationTypeId", []).append(
                f"Observation type {line.observation_type_id} does not exist."
            )
            continue
        if line.meter_id is None and kind != ObservationKind.COST:
            # Account line items carry charges only (domain.md §2.1: a *charge* observation type).
            errors.setdefault(f"{where}.observationTypeId", []).append(
                f"Observation type {line.observation_type_id} is not a charge; account line items must be charges."
            )
        if line.value_unit_id is not None and line.value_unit_id not in units:
            errors.setdefault(f"{where}.valueUnitId", []).append(f"Unit {line.value_unit_id} does not exist.")
        elif kind == ObservationKind.USE and line.value_unit_id is not None and line.meter_id in meter_commodities:
            # A use line's unit must measure the meter's commodity, as imports require (no gallons on kWh meters).
            code, commodity_id, commodity_code = meter_commodities[line.meter_id]
            if not unit_table.measures(line.value_unit_id, commodity_id):
                errors.setdefault(f"{where}.valueUnitId", []).append(
                    f"Unit {units[line.value_unit_id]} cannot measure meter {code}'s {commodity_code} use."
                )
        _check_amount(line.cost, CENT, MAX_COST, f"{where}.cost", errors)
        _check_amount(line.value, USE_QUANTUM, MAX_QUANTITY, f"{where}.value", errors)
        total += line.cost if line.cost is not None and line.cost.is_finite() else Decimal(0)
        lines.append(
            LineDraft(
                observation_type_id=line.observation_type_id,
                kind=kind,
                meter_id=line.meter_id,
                caption=line.caption,
                value=line.value,
                value_unit_id=line.value_unit_id,
                cost=line.cost,
            )
        )
    if abs(total) >= MAX_COST and not any(k.endswith(".cost") for k in errors):
        errors["meters"] = [*errors.get("meters", []), f"The bill's total cost must be below {MAX_COST:,.0f}."]
    if errors:
        raise ValidationFailed(errors)
    return BillDraft(
        account_id=bill.account_id,
        billing_period=bill.billing_period,
        begin_date=bill.begin_date,
        end_date=bill.end_date,
        lines=tuple(lines),
        header=bill.header,
        estimated=bill.estimated,
    )


def create_bill(db: Database, bill: BillInput, principal: Principal, now: datetime) -> int:
    """Create a bill in the given batch, or the caller's open batch (domain.md §4.9); header fields the bill
    leaves empty take the batch's defaults."""
    with db.transaction() as session:
        draft = _validate(session, bill)
        batch = batch_for_new_bill(session, bill.batch_id, principal, now)
        return BillWriter(session).write([draft], batch.batch_id, principal.user_id, now, header_defaults(batch))[0]


def edit_bill(db: Database, bill_id: int, bill: BillInput, principal: Principal, now: datetime) -> None:
    """Replace a bill's header and line items (PUT: absent fields become null); void bills cannot be edited."""
    require(bill_id, "Bill")
    with db.transaction() as session:
        existing = session.get(Bill, bill_id)
        if existing is None:
            raise NotFound("Bill", bill_id)
        if existing.void:
            raise RuleViolation(f"Bill {bill_id} is void and cannot be edited.")
        draft = _validate(session, bill)
        before = bill_reads.lines_of(session, [bill_id]).get(bill_id, [])
        changed = figures_of(before) != figures_of(draft.lines) or (
            existing.account_id,
            existing.begin_date,
            existing.end_date,
            existing.billing_period,
        ) != (draft.account_id, draft.begin_date, draft.end_date, draft.billing_period)
        if changed:
            if existing.source_bill_id is not None and existing.chargeback_task_id is not None:
                # Editing one split bill would leave its source charged other than once (docs/chargebacks.md).
                source = existing.source_bill_id
                facts = lineage.bill_facts(session, [source]).get(source)
                where = f" (account {facts.account_code}, {facts.billing_period})" if facts is not None else ""
                raise RuleViolation(
                    f"Bill {bill_id} was split from bill {source}{where} by chargeback task "
                    f"{existing.chargeback_task_id}: correct bill {source} (its split bills are undone and the "
                    "period marked for a re-run), or void the task, rather than edit this bill."
                )
            corrections.undo_dependents(session, [bill_id], Change(Cause.EDITED, principal.user_id, now))
        BillWriter(session).replace_lines(bill_id, draft)
        header = draft.header
        existing.account_id = draft.account_id
        existing.begin_date = draft.begin_date
        existing.end_date = draft.end_date
        existing.billing_period = draft.billing_period
        existing.account_period = header.account_period
        existing.estimated = draft.estimated
        existing.statement_date = header.statement_date
        existing.due_date = header.due_date
        existing.next_reading = header.next_reading
        existing.control_code = header.control_code
        existing.invoice_number = header.invoice_number
        existing.note = header.note
        existing.total_cost = draft.total_cost
        existing.modified_by = principal.user_id
        existing.modified_date = now


def _known_ids(session: Session, ids: Sequence[int]) -> list[int]:
    candidates = known(ids)
    found = set(session.execute(select(Bill.bill_id).where(Bill.bill_id.in_(candidates or [0]))).scalars())
    return [i for i in candidates if i in found]


def void_bills(db: Database, ids: Sequence[int], void: bool, user_id: int, now: datetime) -> tuple[int, int]:
    """PUT /api/v3/bill/void: (selected, updated); bills already in the target state are not counted.

    A bill in a pending batch stays void (domain.md §2.6 item 5): un-voiding it is skipped, not counted; the
    batch's own status change (§4.9) is the way to un-void those. Voiding undoes the chargeback bills made from
    the bills (chargebacks.corrections). A chargeback bill once void stays void (un-voiding it is skipped, not
    counted): its source may have been charged again since, so the way back is a re-run.
    """
    if not ids:
        raise ValidationFailed.single("ids", "ids cannot be empty.")
    with db.transaction() as session:
        known_ids = _known_ids(session, ids)
        statement = update(Bill).where(Bill.bill_id.in_(known_ids or [0]), Bill.void != void)
        if void:
            live = session.execute(select(Bill.bill_id).where(Bill.bill_id.in_(known_ids or [0]), Bill.void.is_(False)))
            corrections.undo_dependents(session, list(live.scalars()), Change(Cause.VOIDED, user_id, now))
        else:
            pending = select(Batch.batch_id).where(Batch.status == PENDING)
            statement = statement.where(Bill.batch_id.not_in(pending), Bill.chargeback_task_id.is_(None))
        changed = list(session.execute(statement.values(void=void).returning(Bill.bill_id)).scalars())
        if not void:
            corrections.revive(session, changed, user_id, now)
        return len(set(ids)), len(changed)


def delete_bills(db: Database, ids: Sequence[int], user_id: int, now: datetime) -> tuple[int, int]:
    """POST /api/v3/bill/delete: (selected, deleted); the chargeback bills made from them are voided first
    (chargebacks.corrections), and keep their history in the correction log."""
    if not ids:
        raise ValidationFailed.single("ids", "ids cannot be empty.")
    with db.transaction() as session:
        known_ids = _known_ids(session, ids) or [0]
        change = Change(Cause.DELETED, user_id, now, deleting=True)
        corrections.undo_dependents(session, [i for i in known_ids if i], change)
        session.execute(update(Bill).where(Bill.source_bill_id.in_(known_ids)).values(source_bill_id=None))
        result = session.execute(delete(Bill).where(Bill.bill_id.in_(known_ids)))
        return len(set(ids)), int(result.rowcount or 0)  # type: ignore[attr-defined]


@cache
def _select() -> AnySelect:
    """Bills with their batch code, creator, modifier and account child (flags, vendor); built once."""
    creator, modifier = aliased(User), aliased(User)
    statement = (
        select(
            Bill,
            Batch.batch_code,
            creator.user_id.label("created_user_id"),
            creator.user_code.label("created_user_code"),
            creator.full_name.label("created_full_name"),
            modifier.user_id.label("modified_user_id"),
            modifier.user_code.label("modified_user_code"),
            modifier.full_name.label("modified_full_name"),
        )
        .join(Batch, Batch.batch_id == Bill.batch_id)
        .outerjoin(creator, creator.user_id == Bill.created_by)
        .outerjoin(modifier, modifier.user_id == Bill.modified_by)
    )
    return join_account_child(statement, Bill.account_id, "account")


def list_bills(db: Database, filter_text: str | None, page_number: int, page_size: int, today: date) -> Page:
    """One page of bills matching the filter, ordered by id."""
    conditions = parse_filter(filter_text, FILTERS)
    on_meter = select(BillMeter.bill_id).join(Meter, Meter.meter_id == BillMeter.meter_id)
    accounts = select(Account.account_id)
    # Fields of related rows are uncorrelated IN sub-selects, one per field (store.filtering.Related): a correlated
    # EXISTS or scalar subquery is run for every bill, which on 100,000 bills costs a hundred times more
    # (bench/bill_list.py).
    targets: dict[str, Any] = {
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
    }
    where = compile_filter(conditions, targets, today)
    statement = _select().where(where).order_by(Bill.bill_id)
    # Every bill has a batch and the other joins are outer joins on keys: the bills alone have the same count.
    keys = select(Bill.bill_id).where(where)
    with db.reading() as session:
        return paginate(session, statement, page_number, page_size, keys, keys.order_by(Bill.bill_id))


def get_bill(db: Database, bill_id: int) -> RowMapping:
    """One bill with account, vendor, batch and users, or NotFound."""
    require(bill_id, "Bill")
    with db.reading() as session:
        row = session.execute(_select().where(Bill.bill_id == bill_id)).mappings().one_or_none()
    if row is None:
        raise NotFound("Bill", bill_id)
    return row


@cache
def _meter_select() -> AnySelect:
    """_select plus the meter's own totals on each bill and the units they are in: use in the commodity's common
    unit (the bill writer converts to it), demand in the meter's demand unit, else the commodity's."""
    commodity = aliased(Commodity)
    meter = aliased(Meter)
    statement = (
        _select()
        .add_columns(
            BillMeter.use.label("meter_use"),
            BillMeter.cost.label("meter_cost"),
            BillMeter.demand.label("meter_demand"),
        )
        .join(BillMeter, BillMeter.bill_id == Bill.bill_id)
        .join(meter, meter.meter_id == BillMeter.meter_id)
        .join(commodity, commodity.commodity_id == meter.commodity_id)
    )
    statement = join_unit_child(statement, commodity.common_unit_id, "use_unit")
    demand_unit = func.coalesce(meter.demand_unit_id, commodity.demand_unit_id)
    return join_unit_child(statement, demand_unit, "demand_unit")


def meter_bills(db: Database, meter_id: int) -> list[RowMapping]:
    """GET /api/v3/meter/{id}/bill: the meter's bills with its own use, cost and demand on each."""
    require(meter_id, "Meter")
    with db.reading() as session:
        if session.get(Meter, meter_id) is None:
            raise NotFound("Meter", meter_id)
        statement = _meter_select().where(BillMeter.meter_id == meter_id).order_by(Bill.billing_period, Bill.bill_id)
        return list(session.execute(statement).mappings())


def per_day(amount: Decimal | None, begin: date, end: date, quantum: Decimal) -> Decimal | None:
    """`amount` spread over the bill's days (end date not counted, domain.md §1.9), half-up to `quantum`."""
    days = (end - begin).days
    if amount is None or days <= 0:
        return None
    return round_half_up(amount / days, quantum)


def per_unit(cost: Decimal | None, use: Decimal | None) -> Decimal | None:
    """Unit cost (cost / use) at the unit-cost scale of 8 decimals; None without use."""
    if cost is None or not use:
        return None
    return round_half_up(cost / use, UNIT_COST_QUANTUM)
