"""Bill exports: what eligibility reads, the bills' content for the file (in three set-based queries), the record
of each export and its bills, and what unexport finds (accounting.md §3.3, §5)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import and_, exists, insert, select, update
from sqlalchemy.orm import Session, aliased

from apportion.domain.batch_modes import BatchStatus
from apportion.domain.export_file import ExportBill, ExportLine, ExportMeter
from apportion.domain.export_rules import ExportCandidate
from apportion.domain.workflow import ExportMode
from apportion.store.id_lists import among
from apportion.store.models.accounting import BillExport, BillExportItem
from apportion.store.models.bills import Batch, Bill, BillLine, BillMeter
from apportion.store.models.organisation import Account, CostCenter, Meter, Vendor
from apportion.store.models.reference import Commodity, ObservationType, Unit


@dataclass(frozen=True)
class ExportRecord:
    """A stored export: its id, GUID, stream, whether it marked bills, who and when."""

    export_id: int
    export_guid: str
    export_mode: ExportMode
    marked: bool
    user_id: int
    created_date: datetime
    file_name: str
    bill_count: int
    total: Decimal


@dataclass(frozen=True)
class ExportItem:
    """A bill of a marking export; `reversal` for a voided bill posted back; `undone` once unexported."""

    bill_id: int
    reversal: bool
    total: Decimal
    undone: bool


def candidates(session: Session, bill_ids: Sequence[int]) -> list[ExportCandidate]:
    """The eligibility facts of those of the ids that are bills."""
    statement = (
        select(
            Bill.bill_id,
            Bill.void,
            Bill.approved,
            Bill.export_hold,
            Bill.exported,
            Bill.gl_exported,
            Batch.status == BatchStatus.CLOSED,
        )
        .join(Batch, Batch.batch_id == Bill.batch_id)
        .where(among(Bill.bill_id, bill_ids))
    )
    return [ExportCandidate(*row) for row in session.execute(statement)]


def bill_ids_of_account(session: Session, account_id: int) -> list[int]:
    """Every bill of the account."""
    return list(session.execute(select(Bill.bill_id).where(Bill.account_id == account_id)).scalars())


def bill_ids_of_meter(session: Session, meter_id: int) -> list[int]:
    """Every bill with a line on the meter."""
    return list(session.execute(select(BillMeter.bill_id).where(BillMeter.meter_id == meter_id)).scalars())


def exported_among(session: Session, bill_ids: Sequence[int], mode: ExportMode) -> list[int]:
    """Those of the bills exported on the stream."""
    flag = Bill.exported if mode is ExportMode.AP else Bill.gl_exported
    statement = select(Bill.bill_id).where(among(Bill.bill_id, bill_ids), flag.is_(True)).order_by(Bill.bill_id)
    return list(session.execute(statement).scalars())


def pending_reversals(session: Session, mode: ExportMode) -> list[int]:
    """Void bills still marked exported on the stream whose reversing entry has not gone out (or was unexported)."""
    flag = Bill.exported if mode is ExportMode.AP else Bill.gl_exported
    reversed_already = (
        select(BillExportItem.bill_id)
        .join(BillExport, BillExport.export_id == BillExportItem.export_id)
        .where(
            BillExportItem.bill_id == Bill.bill_id,
            BillExportItem.reversal.is_(True),
            BillExportItem.undone.is_(False),
            BillExport.export_mode == mode.value,
        )
    )
    statement = select(Bill.bill_id).where(Bill.void.is_(True), flag.is_(True), ~exists(reversed_already))
    return list(session.execute(statement.order_by(Bill.bill_id)).scalars())


def contents(session: Session, bill_ids: Sequence[int]) -> dict[int, ExportBill]:
    """The file's content of each bill: header, account, cost center and vendor; meters; line items."""
    meters: dict[int, list[ExportMeter]] = {}
    use_unit = aliased(Unit)
    for bill_id, code, info, commodity, use, unit, cost in session.execute(
        select(
            BillMeter.bill_id,
            Meter.meter_code,
            Meter.meter_info,
            Commodity.commodity_code,
            BillMeter.use,
            use_unit.unit_code,
            BillMeter.cost,
        )
        .join(Meter, Meter.meter_id == BillMeter.meter_id)
        .join(Commodity, Commodity.commodity_id == Meter.commodity_id)
        .outerjoin(use_unit, use_unit.unit_id == Commodity.common_unit_id)
        .where(among(BillMeter.bill_id, bill_ids))
        .order_by(BillMeter.bill_id, Meter.meter_code)
    ):
        meters.setdefault(bill_id, []).append(ExportMeter(code, info, commodity, use, unit, cost))
    lines: dict[int, list[ExportLine]] = {}
    for bill_id, meter_code, kind, caption, value, unit, line_cost in session.execute(
        select(
            BillLine.bill_id,
            Meter.meter_code,
            ObservationType.observation_type_code,
            BillLine.caption,
            BillLine.value,
            Unit.unit_code,
            BillLine.cost,
        )
        .join(ObservationType, ObservationType.observation_type_id == BillLine.observation_type_id)
        .outerjoin(Meter, Meter.meter_id == BillLine.meter_id)
        .outerjoin(Unit, Unit.unit_id == BillLine.value_unit_id)
        .where(among(BillLine.bill_id, bill_ids))
        .order_by(BillLine.bill_id, BillLine.line_order, BillLine.line_id)
    ):
        lines.setdefault(bill_id, []).append(ExportLine(meter_code, kind, caption, value, unit, line_cost))
    result: dict[int, ExportBill] = {}
    for row in session.execute(
        select(
            Bill.bill_id,
            CostCenter.cost_center_info,
            CostCenter.cost_center_code,
            Vendor.vendor_code,
            Account.account_code,
            Account.account_info,
            Bill.begin_date,
            Bill.end_date,
            Bill.billing_period,
            Bill.account_period,
            Bill.statement_date,
            Bill.due_date,
            Bill.invoice_number,
            Bill.control_code,
            Bill.total_cost,
        )
        .join(Account, Account.account_id == Bill.account_id)
        .join(CostCenter, CostCenter.cost_center_id == Account.cost_center_id)
        .join(Vendor, Vendor.vendor_id == Account.vendor_id)
        .where(among(Bill.bill_id, bill_ids))
    ):
        bill_id = row.bill_id
        result[bill_id] = ExportBill(
            bill_id=bill_id,
            cost_center_info=row.cost_center_info,
            cost_center_code=row.cost_center_code,
            vendor_code=row.vendor_code,
            account_code=row.account_code,
            account_info=row.account_info,
            begin_date=row.begin_date,
            end_date=row.end_date,
            billing_period=row.billing_period,
            account_period=row.account_period,
            statement_date=row.statement_date,
            due_date=row.due_date,
            invoice_number=row.invoice_number,
            control_code=row.control_code,
            total_cost=row.total_cost,
            meters=tuple(meters.get(bill_id, ())),
            lines=tuple(lines.get(bill_id, ())),
        )
    return result


def record(
    session: Session,
    guid: str,
    mode: ExportMode,
    marked: bool,
    user_id: int,
    now: datetime,
    note: str | None,
    file_name: str,
    items: Sequence[ExportBill],
) -> int:
    """Store an export and, when it marked bills, its bills; the export's id."""
    total = sum((bill.total_cost for bill in items), Decimal(0))
    export = BillExport(
        export_guid=guid,
        export_mode=mode.value,
        marked=marked,
        user_id=user_id,
        created_date=now,
        note=note,
        file_name=file_name,
        bill_count=len(items),
        total=total,
    )
    session.add(export)
    session.flush()
    if marked and items:
        session.execute(
            insert(BillExportItem),
            [
                {
                    "export_id": export.export_id,
                    "bill_id": bill.bill_id,
                    "reversal": bill.reversal,
                    "total": bill.total_cost,
                    "undone": False,
                }
                for bill in items
            ],
        )
    return export.export_id


def by_guid(session: Session, guid: str) -> ExportRecord | None:
    """The export with this GUID, or None."""
    row = session.execute(
        select(
            BillExport.export_id,
            BillExport.export_guid,
            BillExport.export_mode,
            BillExport.marked,
            BillExport.user_id,
            BillExport.created_date,
            BillExport.file_name,
            BillExport.bill_count,
            BillExport.total,
        ).where(BillExport.export_guid == guid)
    ).first()
    if row is None:
        return None
    return ExportRecord(row[0], row[1], ExportMode(row[2]), *row[3:])


def items_of(session: Session, export_id: int) -> list[ExportItem]:
    """The bills of an export, reversals after the bills they reverse."""
    statement = (
        select(BillExportItem.bill_id, BillExportItem.reversal, BillExportItem.total, BillExportItem.undone)
        .where(BillExportItem.export_id == export_id)
        .order_by(BillExportItem.bill_id, BillExportItem.reversal)
    )
    return [ExportItem(*row) for row in session.execute(statement)]


def undo_items(session: Session, bill_ids: Sequence[int], mode: ExportMode, export_id: int | None = None) -> None:
    """Mark the bills' live items of the stream's exports (or of one export) undone."""
    if not bill_ids:
        return
    of_stream = select(BillExport.export_id).where(BillExport.export_mode == mode.value)
    condition = and_(
        among(BillExportItem.bill_id, bill_ids),
        BillExportItem.undone.is_(False),
        BillExportItem.export_id.in_(of_stream) if export_id is None else BillExportItem.export_id == export_id,
    )
    session.execute(update(BillExportItem).where(condition).values(undone=True))


def items_in_stream(session: Session, mode: ExportMode) -> list[tuple[int, int, bool, bool]]:
    """(export id, bill id, reversal, undone) of every item of the stream's exports (for checks and reports)."""
    statement = (
        select(BillExportItem.export_id, BillExportItem.bill_id, BillExportItem.reversal, BillExportItem.undone)
        .join(BillExport, BillExport.export_id == BillExportItem.export_id)
        .where(BillExport.export_mode == mode.value)
        .order_by(BillExportItem.export_id, BillExportItem.bill_id)
    )
    return [(int(a), int(b), bool(c), bool(d)) for a, b, c, d in session.execute(statement)]


def claim(session: Session, bill_ids: Sequence[int], mode: ExportMode, user_id: int, now: datetime) -> list[int]:
    """Mark the bills exported on the stream where they are not yet; the ids marked. The condition is re-checked
    under the row lock, so of two exports racing for a bill exactly one marks it (and only it puts it in its file)."""
    if not bill_ids:
        return []
    if mode is ExportMode.AP:
        flag, values = Bill.exported, {"exported": True, "export_date": now, "exported_by": user_id}
    else:
        flag, values = Bill.gl_exported, {"gl_exported": True, "gl_export_date": now, "gl_exported_by": user_id}
    changed = session.execute(
        update(Bill).where(among(Bill.bill_id, bill_ids), flag.is_(False)).values(**values).returning(Bill.bill_id)
    )
    return sorted(changed.scalars())


def bill_ids_in_batch(session: Session, batch_id: int) -> list[int] | None:
    """The bills of the batch, or None when there is no such batch."""
    if session.get(Batch, batch_id) is None:
        return None
    return list(session.execute(select(Bill.bill_id).where(Bill.batch_id == batch_id)).scalars())


def bill_ids_of_chargeback_task(session: Session, task_id: int) -> list[int]:
    """The bills a chargeback task made."""
    return list(session.execute(select(Bill.bill_id).where(Bill.chargeback_task_id == task_id)).scalars())


def reversed_among(session: Session, bill_ids: Sequence[int], mode: ExportMode) -> list[int]:
    """Those of the bills with a standing (not unexported) reversing entry in the stream's exports."""
    if not bill_ids:
        return []
    statement = (
        select(BillExportItem.bill_id)
        .join(BillExport, BillExport.export_id == BillExportItem.export_id)
        .where(
            among(BillExportItem.bill_id, bill_ids),
            BillExportItem.reversal.is_(True),
            BillExportItem.undone.is_(False),
            BillExport.export_mode == mode.value,
        )
        .distinct()
    )
    return sorted(session.execute(statement).scalars())


def retire_postings(session: Session, bill_ids: Sequence[int], mode: ExportMode) -> None:
    """Mark the bills' standing postings and reversing entries in the stream's exports undone (they cancel out)."""
    if not bill_ids:
        return
    of_stream = select(BillExport.export_id).where(BillExport.export_mode == mode.value)
    session.execute(
        update(BillExportItem)
        .where(
            among(BillExportItem.bill_id, bill_ids),
            BillExportItem.undone.is_(False),
            BillExportItem.export_id.in_(of_stream),
        )
        .values(undone=True)
    )
