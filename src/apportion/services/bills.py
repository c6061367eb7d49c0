"""Bills: create, list, read, edit, void and delete (operations.md §4)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import RowMapping, and_, delete, select, update
from sqlalchemy.orm import Session, aliased

from apportion.domain import filters
from apportion.domain.bills import BillDraft, BillHeader, LineDraft
from apportion.domain.errors import NotFound, RuleViolation, ValidationFailed
from apportion.domain.filters import FieldSpec, FieldType
from apportion.services.auth import Principal
from apportion.services.batches import batch_for_new_bill, header_defaults
from apportion.store.bill_writer import BillWriter
from apportion.store.database import Database
from apportion.store.filtering import compile_filter
from apportion.store.models.bills import Batch, Bill, BillLine, BillMeter
from apportion.store.models.organisation import Account, AccountMeter, Meter, Vendor
from apportion.store.models.reference import ObservationType, Unit
from apportion.store.models.users import User
from apportion.store.paging import AnySelect, Page, paginate

MAX_BILL_PERIOD = 209912

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
    """A line item as a client sends it; meter_id None for an account line."""

    meter_id: int | None
    observation_type_id: int
    caption: str | None
    value: Decimal | None = None
    value_unit_id: int | None = None
    cost: Decimal | None = None


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


def _validate(session: Session, bill: BillInput) -> BillDraft:
    """Check a bill against the database: account, meters linked for the dates, types and units."""
    errors: dict[str, list[str]] = {}
    if not 190001 <= bill.billing_period <= MAX_BILL_PERIOD or not 1 <= bill.billing_period % 100 <= 12:
        errors["billingPeriod"] = [f"{bill.billing_period} is not a valid billing period (190001..209912)."]
    if bill.end_date < bill.begin_date:
        errors["endDate"] = ["endDate must not be before beginDate."]
    if not bill.lines:
        errors["meters"] = ["A bill needs at least one line item."]
    account = session.get(Account, bill.account_id)
    if account is None:
        raise NotFound("Account", bill.account_id)
    meter_ids = sorted({line.meter_id for line in bill.lines if line.meter_id is not None})
    linked = set(
        session.execute(
            select(AccountMeter.meter_id).where(
                AccountMeter.account_id == bill.account_id,
                AccountMeter.meter_id.in_(meter_ids or [0]),
                AccountMeter.begin_date <= bill.end_date,
                AccountMeter.end_date >= bill.begin_date,
            )
        ).scalars()
    )
    known_meters = set(session.execute(select(Meter.meter_id).where(Meter.meter_id.in_(meter_ids or [0]))).scalars())
    kinds = dict(session.execute(select(ObservationType.observation_type_id, ObservationType.kind)).tuples())
    units = set(session.execute(select(Unit.unit_id)).scalars())
    for meter_id in meter_ids:
        if meter_id not in known_meters:
            errors.setdefault("meters", []).append(f"Meter {meter_id} does not exist.")
        elif meter_id not in linked:
            errors.setdefault("meters", []).append(
                f"Meter {meter_id} is not linked to account {bill.account_id} for {bill.begin_date}..{bill.end_date}."
            )
    lines: list[LineDraft] = []
    for i, line in enumerate(bill.lines):
        where = f"lines[{i}]"
        if line.observation_type_id not in kinds:
            errors.setdefault(f"{where}.observationTypeId", []).append(
                f"Observation type {line.observation_type_id} does not exist."
            )
            continue
        if line.value_unit_id is not None and line.value_unit_id not in units:
            errors.setdefault(f"{where}.valueUnitId", []).append(f"Unit {line.value_unit_id} does not exist.")
        if line.cost is not None and line.cost != line.cost.quantize(Decimal("0.01")):
            errors.setdefault(f"{where}.cost", []).append("cost has at most 2 decimals.")
        lines.append(
            LineDraft(
                observation_type_id=line.observation_type_id,
                kind=kinds[line.observation_type_id],
                meter_id=line.meter_id,
                caption=line.caption,
                value=line.value,
                value_unit_id=line.value_unit_id,
                cost=line.cost,
            )
        )
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
    """Create a bill in the given batch, or the caller's open batch (domain.md §4.9)."""
    with db.transaction() as session:
        draft = _validate(session, bill)
        batch = batch_for_new_bill(session, bill.batch_id, principal, now)
        return BillWriter(session).write([draft], batch.batch_id, principal.user_id, now, header_defaults(batch))[0]


def edit_bill(db: Database, bill_id: int, bill: BillInput, principal: Principal, now: datetime) -> None:
    """Replace a bill's header and line items; void bills cannot be edited."""
    with db.transaction() as session:
        existing = session.get(Bill, bill_id)
        if existing is None:
            raise NotFound("Bill", bill_id)
        if existing.void:
            raise RuleViolation(f"Bill {bill_id} is void and cannot be edited.")
        draft = _validate(session, bill)
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
    found = set(session.execute(select(Bill.bill_id).where(Bill.bill_id.in_(ids))).scalars())
    return [i for i in ids if i in found]


def void_bills(db: Database, ids: Sequence[int], void: bool) -> tuple[int, int]:
    """PUT /api/v3/bill/void: (selected, updated); bills already in the target state are not counted."""
    if not ids:
        raise ValidationFailed.single("ids", "ids cannot be empty.")
    with db.transaction() as session:
        known = _known_ids(session, ids)
        result = session.execute(update(Bill).where(Bill.bill_id.in_(known), Bill.void != void).values(void=void))
        return len(set(ids)), int(result.rowcount or 0)  # type: ignore[attr-defined]


def delete_bills(db: Database, ids: Sequence[int]) -> tuple[int, int]:
    """POST /api/v3/bill/delete: (selected, deleted); a split source bill's children keep their amounts."""
    if not ids:
        raise ValidationFailed.single("ids", "ids cannot be empty.")
    with db.transaction() as session:
        known = _known_ids(session, ids)
        session.execute(update(Bill).where(Bill.source_bill_id.in_(known)).values(source_bill_id=None))
        result = session.execute(delete(Bill).where(Bill.bill_id.in_(known)))
        return len(set(ids)), int(result.rowcount or 0)  # type: ignore[attr-defined]


def _select() -> AnySelect:
    creator, modifier = aliased(User), aliased(User)
    return (
        select(
            Bill,
            Account.account_code,
            Account.account_info,
            Account.active.label("account_active"),
            Vendor.vendor_id,
            Vendor.vendor_code,
            Vendor.vendor_info,
            Batch.batch_code,
            creator.user_id.label("created_user_id"),
            creator.user_code.label("created_user_code"),
            creator.full_name.label("created_full_name"),
            modifier.user_id.label("modified_user_id"),
            modifier.user_code.label("modified_user_code"),
            modifier.full_name.label("modified_full_name"),
        )
        .join(Account, Account.account_id == Bill.account_id)
        .join(Vendor, Vendor.vendor_id == Account.vendor_id)
        .join(Batch, Batch.batch_id == Bill.batch_id)
        .join(creator, creator.user_id == Bill.created_by)
        .outerjoin(modifier, modifier.user_id == Bill.modified_by)
    )


def _meter_condition(column: Any) -> Any:
    def build(condition: filters.Condition) -> Any:
        from apportion.store.filtering import compile_condition

        inner = (
            select(BillMeter.bill_id)
            .join(Meter, Meter.meter_id == BillMeter.meter_id)
            .where(compile_condition(condition, column, date.today()))
        )
        return Bill.bill_id.in_(inner)

    return build


def list_bills(db: Database, filter_text: str | None, page_number: int, page_size: int, today: date) -> Page:
    """One page of bills matching the filter, ordered by id."""
    conditions = filters.parse(filter_text, FILTERS)
    targets: dict[str, Any] = {
        "billId": Bill.bill_id,
        "accountId": Bill.account_id,
        "accountCode": Account.account_code,
        "meterId": _meter_condition(Meter.meter_id),
        "meterCode": _meter_condition(Meter.meter_code),
        "billingPeriod": Bill.billing_period,
        "batchId": Bill.batch_id,
        "batchCode": Batch.batch_code,
        "totalCost": Bill.total_cost,
        "void": Bill.void,
        "beginDate": Bill.begin_date,
        "endDate": Bill.end_date,
        "vendorCode": Vendor.vendor_code,
        "hasBeenSplit": Bill.has_been_split,
        "fromVendor": Bill.from_vendor,
    }
    statement = _select().where(compile_filter(conditions, targets, today)).order_by(Bill.bill_id)
    with db.reading() as session:
        return paginate(session, statement, page_number, page_size)


def get_bill(db: Database, bill_id: int) -> RowMapping:
    """One bill with account, vendor, batch and users, or NotFound."""
    with db.reading() as session:
        row = session.execute(_select().where(Bill.bill_id == bill_id)).mappings().one_or_none()
    if row is None:
        raise NotFound("Bill", bill_id)
    return row


def meter_bills(db: Database, meter_id: int) -> list[RowMapping]:
    """GET /api/v3/meter/{id}/bill: the meter's bills with its own use, cost and demand on each."""
    with db.reading() as session:
        if session.get(Meter, meter_id) is None:
            raise NotFound("Meter", meter_id)
        statement = (
            _select()
            .add_columns(
                BillMeter.use.label("meter_use"),
                BillMeter.cost.label("meter_cost"),
                BillMeter.demand.label("meter_demand"),
            )
            .join(BillMeter, and_(BillMeter.bill_id == Bill.bill_id, BillMeter.meter_id == meter_id))
            .order_by(Bill.billing_period, Bill.bill_id)
        )
        return list(session.execute(statement).mappings())


def lines_of(db: Database, bill_ids: Sequence[int]) -> dict[int, list[RowMapping]]:
    """Line items of several bills in one query, by bill id, in line order."""
    result: dict[int, list[RowMapping]] = {bill_id: [] for bill_id in bill_ids}
    if not bill_ids:
        return result
    with db.reading() as session:
        rows = session.execute(
            select(BillLine).where(BillLine.bill_id.in_(bill_ids)).order_by(BillLine.bill_id, BillLine.line_order)
        ).scalars()
        for line in rows:
            result[line.bill_id].append(line)  # type: ignore[arg-type]
    return result
