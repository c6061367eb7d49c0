"""Bills: create, list, read, edit, void and delete (operations.md §4)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from apportion.domain import approval, filters
from apportion.domain.approval import Powers
from apportion.domain.bills import MAX_COST, MAX_QUANTITY, BillDraft, BillHeader, LineDraft, ObservationKind, figures_of
from apportion.domain.errors import NotFound, PermissionDenied, RuleViolation, ValidationFailed
from apportion.domain.filters import FieldSpec, FieldType
from apportion.domain.ids import in_range, known, parse_filter, require
from apportion.domain.money import CENT, USE_QUANTUM, round_half_up
from apportion.domain.scoping import Scope
from apportion.services.access.auth import Principal
from apportion.services.accounting import audits, exports
from apportion.services.accounting.approval import powers_of
from apportion.services.billing.batches import batch_for_new_bill, header_defaults
from apportion.services.chargebacks import corrections
from apportion.services.chargebacks.corrections import Cause, Change
from apportion.store import bill_reads, lineage
from apportion.store import scoping as scoped
from apportion.store.bill_writer import BillWriter
from apportion.store.database import Database, UnitOfWork
from apportion.store.queries import bill_accounting as accounting
from apportion.store.queries import bills as stored
from apportion.store.queries.bills import Accounting as Accounting
from apportion.store.queries.bills import BillListing as BillListing
from apportion.store.queries.bills import BillPage as BillPage
from apportion.store.queries.bills import MeterBillListing as MeterBillListing

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
    FieldSpec("topmostPlaceCode", FieldType.STRING, filters.STRING_OPS),
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
    set_to_unapproved: bool = False  # BillEdit.setToUnapproved: an approved bill goes back for approval


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


def _validate(session: UnitOfWork, bill: BillInput) -> BillDraft:
    """Check a bill against the database: account, meters linked for the dates, types and units; nothing is
    written, every problem is reported at once under its wire field path."""
    errors: dict[str, list[str]] = {}
    _check_header(bill, errors)
    meter_ids = sorted({line.meter_id for line in bill.lines if line.meter_id is not None})
    account_id = bill.account_id if in_range(bill.account_id) else None
    facts = stored.bill_references(session, account_id, known(meter_ids), bill.begin_date, bill.end_date)
    if not facts.account_exists:
        errors["accountId"] = [f"Account {bill.account_id} does not exist."]
    kinds, units, unit_table, meter_commodities = (
        facts.observation_kinds,
        facts.unit_codes,
        facts.units,
        facts.meter_commodities,
    )
    meter_paths: dict[int, str] = {}
    for line in bill.lines:
        if line.meter_id is not None and line.path.startswith("meters["):
            meter_paths.setdefault(line.meter_id, line.path.split(".bodyLines")[0] + ".meterId")
    for meter_id in meter_ids:
        where = meter_paths.get(meter_id, "meters")
        if meter_id not in facts.meters:
            errors.setdefault(where, []).append(f"Meter {meter_id} does not exist.")
        elif facts.account_exists and meter_id not in facts.linked_meters:
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
        elif (
            kind == ObservationKind.USE
            and line.value_unit_id is not None
            and line.meter_id is not None
            and line.meter_id in meter_commodities
        ):
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


def create_bill(
    db: Database,
    bill: BillInput,
    principal: Principal,
    now: datetime,
    save_as_resolved: bool = False,
    comment: str | None = None,
) -> int:
    """Create a bill in the given batch, or the caller's open batch (domain.md §4.9); header fields the bill
    leaves empty take the batch's defaults. The bill is audited in the same transaction (accounting.md §3.5);
    `save_as_resolved` resolves a flag the audits give it and releases it for export."""
    with db.transaction() as session:
        draft = _validate(session, bill)
        batch = batch_for_new_bill(session, bill.batch_id, principal, now)
        bill_id = BillWriter(session).write([draft], batch.batch_id, principal.user_id, now, header_defaults(batch))[0]
        audits.audit_bills(session, [bill_id], principal.user_id, now, save_as_resolved, comment)
        return bill_id


def edit_bill(
    db: Database,
    bill_id: int,
    bill: BillInput,
    principal: Principal,
    now: datetime,
    save_as_resolved: bool = False,
    comment: str | None = None,
) -> None:
    """Replace a bill's header and line items (PUT: absent fields become null); void bills cannot be edited. The
    edited bill is audited with every audit, a chargeback bill too (accounting.md §9 D9)."""
    require(bill_id, "Bill")
    with db.transaction() as session:
        existing = stored.bill_state(session, bill_id)
        if existing is None:
            raise NotFound("Bill", bill_id)
        if existing.void:
            raise RuleViolation(f"Bill {bill_id} is void and cannot be edited.")
        state = accounting.state(session, bill_id)
        if state is not None:
            approval.check_edit(state, powers_of(principal))  # accounting.md §3.4 item 1
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
        stored.update_header(session, bill_id, draft, principal.user_id, now)
        if bill.set_to_unapproved and state is not None and state.approved:
            accounting.set_approved(session, [bill_id], False, principal.user_id, now)
        audits.audit_bills(session, [bill_id], principal.user_id, now, save_as_resolved, comment)


def _known_ids(session: UnitOfWork, ids: Sequence[int], scope: Scope = Scope.WHOLE) -> list[int]:
    candidates = scoped.bills_among(session, scope, known(ids))
    found = stored.existing_bill_ids(session, candidates)
    return [i for i in candidates if i in found]


def void_bills(
    db: Database, ids: Sequence[int], void: bool, user_id: int, now: datetime, scope: Scope = Scope.WHOLE
) -> tuple[int, int]:
    """PUT /api/v3/bill/void: (selected, updated); `selected` counts the ids that are bills the caller sees
    (accounting.md §9 D5: unknown and out-of-topmost ids alike are skipped); bills already in the target state are
    not counted as updated.

    A bill in a pending batch stays void (domain.md §2.6 item 5): un-voiding it is skipped, not counted; the
    batch's own status change (§4.9) is the way to un-void those. Voiding undoes the chargeback bills made from
    the bills (chargebacks.corrections). A chargeback bill once void stays void (un-voiding it is skipped, not
    counted): its source may have been charged again since, so the way back is a re-run.
    """
    if not ids:
        raise ValidationFailed.single("ids", "ids cannot be empty.")
    with db.transaction() as session:
        known_ids = _known_ids(session, ids, scope)
        if void:
            live = stored.live_bill_ids(session, known_ids)
            corrections.undo_dependents(session, live, Change(Cause.VOIDED, user_id, now))
            changed = stored.void(session, known_ids)
        else:
            changed = stored.unvoid(session, known_ids)
            corrections.revive(session, changed, user_id, now)
            exports.repost_revived(session, changed)
        return len(set(known_ids)), len(changed)


def delete_bills(
    db: Database,
    ids: Sequence[int],
    user_id: int,
    now: datetime,
    powers: Powers | None = None,
    scope: Scope = Scope.WHOLE,
) -> tuple[int, int]:
    """POST /api/v3/bill/delete: (selected, deleted), `selected` counting as void_bills does; the chargeback bills
    made from them are voided first (chargebacks.corrections), and keep their history in the correction log.
    Approved or exported bills need UpdateApprovedBills / ExportBills (Delete) in `powers` (accounting.md §3.4):
    without, nothing is deleted."""
    if not ids:
        raise ValidationFailed.single("ids", "ids cannot be empty.")
    with db.transaction() as session:
        known_ids = _known_ids(session, ids, scope)
        refusals = approval.deletion_refusals(accounting.states(session, known_ids), powers or Powers())
        if refusals:
            raise PermissionDenied("Nothing was deleted: " + "; ".join(refusals) + ".")
        change = Change(Cause.DELETED, user_id, now, deleting=True)
        corrections.undo_dependents(session, known_ids, change)
        return len(set(known_ids)), stored.delete_bills(session, known_ids)


def list_bills(
    db: Database,
    filter_text: str | None,
    page_number: int,
    page_size: int,
    today: date,
    scope: Scope = Scope.WHOLE,
) -> BillPage:
    """One page of bills matching the filter (and in the caller's `scope`), ordered by id."""
    conditions = parse_filter(filter_text, FILTERS)
    with db.reading() as session:
        return stored.list_bills(session, conditions, page_number, page_size, today, scope)


def get_bill(db: Database, bill_id: int) -> BillListing:
    """One bill with account, vendor, batch and users, or NotFound."""
    require(bill_id, "Bill")
    with db.reading() as session:
        listing = stored.bill_listing(session, bill_id)
    if listing is None:
        raise NotFound("Bill", bill_id)
    return listing


def meter_bills(db: Database, meter_id: int) -> list[MeterBillListing]:
    """GET /api/v3/meter/{id}/bill: the meter's bills with its own use, cost and demand on each."""
    require(meter_id, "Meter")
    with db.reading() as session:
        if not stored.meter_exists(session, meter_id):
            raise NotFound("Meter", meter_id)
        return stored.meter_bills(session, meter_id)


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
