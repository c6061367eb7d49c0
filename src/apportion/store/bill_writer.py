"""Set-based bill writes: bills, their line items and per-meter totals in three bulk inserts."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from apportion.domain.bills import BillDraft, BillHeader, meter_totals
from apportion.domain.units import UnitTable
from apportion.store.bulk import insert_rows, insert_with_ids
from apportion.store.id_lists import among
from apportion.store.models.base import Base
from apportion.store.models.bills import Bill, BillLine, BillMeter
from apportion.store.models.organisation import Meter
from apportion.store.models.reference import Commodity, CommodityUnitConversion, Unit

# The tables, written through store/bulk.py: the ORM bulk path would drop None values from each row and send
# one statement per run of rows with equal keys (DESIGN.md, Performance rules).
BILLS, LINES, METERS = (Base.metadata.tables[m.__tablename__] for m in (Bill, BillLine, BillMeter))


def load_unit_table(session: Session) -> UnitTable:
    """The unit facts every use rollup needs (a few dozen rows)."""
    units = {
        unit_id: (unit_type_id, factor)
        for unit_id, unit_type_id, factor in session.execute(select(Unit.unit_id, Unit.unit_type_id, Unit.factor))
    }
    commons = dict(session.execute(select(Commodity.commodity_id, Commodity.common_unit_id)).all())
    cross = {
        (commodity_id, unit_id): factor
        for commodity_id, unit_id, factor in session.execute(
            select(
                CommodityUnitConversion.commodity_id, CommodityUnitConversion.unit_id, CommodityUnitConversion.factor
            )
        )
    }
    return UnitTable(units, commons, cross)


def load_meter_commodities(session: Session, meter_ids: Sequence[int]) -> dict[int, int]:
    """meter id -> commodity id for the given meters (one statement, however many)."""
    rows = session.connection().execute(
        select(Meter.meter_id, Meter.commodity_id).where(among(Meter.meter_id, sorted(set(meter_ids))))
    )
    return dict(rows.all())


class BillWriter:
    """Writes drafts into a batch for a user; build once per unit of work, call `write` per chunk."""

    def __init__(self, session: Session, units: UnitTable | None = None) -> None:
        self.session = session
        self.units = units or load_unit_table(session)
        self.commodities: dict[int, int] = {}

    def write(
        self,
        drafts: Sequence[BillDraft],
        batch_id: int,
        user_id: int,
        now: datetime,
        defaults: BillHeader | None = None,
        void: bool = False,
    ) -> list[int]:
        """Insert the drafts (header fields defaulted from the batch) and return the new bill ids in order."""
        if not drafts:
            return []
        self._know_commodities(drafts)
        bill_rows = [self._bill_row(d, batch_id, user_id, now, defaults, void) for d in drafts]
        bill_ids = insert_with_ids(self.session, BILLS, bill_rows)
        self._write_details(bill_ids, drafts)
        return bill_ids

    def replace_lines(self, bill_id: int, draft: BillDraft) -> None:
        """Swap an existing bill's line items and meter totals for the draft's."""
        self.session.execute(delete(BillLine).where(BillLine.bill_id == bill_id))
        self.session.execute(delete(BillMeter).where(BillMeter.bill_id == bill_id))
        self._know_commodities([draft])
        self._write_details([bill_id], [draft])

    def _know_commodities(self, drafts: Sequence[BillDraft]) -> None:
        """Load the commodity of every meter the drafts' lines name that this writer has not seen yet."""
        named = {line.meter_id for draft in drafts for line in draft.lines}
        missing = [m for m in named if m is not None and m not in self.commodities]
        if missing:
            self.commodities.update(load_meter_commodities(self.session, missing))

    def _write_details(self, bill_ids: Sequence[int], drafts: Sequence[BillDraft]) -> None:
        line_rows: list[dict[str, Any]] = []
        meter_rows: list[dict[str, Any]] = []
        add_line, add_meter = line_rows.append, meter_rows.append  # bound once: a run writes tens of thousands
        to_common, commodities = self.units.to_common, self.commodities
        for bill_id, draft in zip(bill_ids, drafts, strict=True):
            for order, line in enumerate(draft.lines):
                share = line.share
                add_line(
                    {
                        "bill_id": bill_id,
                        "meter_id": line.meter_id,
                        "line_order": order,
                        "observation_type_id": line.observation_type_id,
                        "caption": line.caption,
                        "value": line.value,
                        "value_unit_id": line.value_unit_id,
                        "cost": line.cost,
                        "source_line_id": line.source_line_id,
                        "share_basis": None if share is None else share.basis,
                        "exact_share": None if share is None else share.exact,
                        "rounding": None if share is None else share.rounding,
                    }
                )
            billing_period = draft.billing_period
            for meter_id, total in meter_totals(draft.lines, to_common, commodities).items():
                add_meter(
                    {
                        "bill_id": bill_id,
                        "meter_id": meter_id,
                        "billing_period": billing_period,
                        "use": total.use,
                        "cost": total.cost,
                        "demand": total.demand,
                    }
                )
        insert_rows(self.session, LINES, line_rows)
        insert_rows(self.session, METERS, meter_rows)

    @staticmethod
    def _bill_row(
        draft: BillDraft, batch_id: int, user_id: int, now: datetime, defaults: BillHeader | None, void: bool
    ) -> dict[str, Any]:
        header = draft.header.defaulted_by(defaults) if defaults is not None else draft.header
        return {
            "account_id": draft.account_id,
            "batch_id": batch_id,
            "billing_period": draft.billing_period,
            "begin_date": draft.begin_date,
            "end_date": draft.end_date,
            "account_period": header.account_period,
            "total_cost": draft.total_cost,
            "estimated": draft.estimated,
            "void": void,
            "from_vendor": draft.from_vendor,
            "statement_date": header.statement_date,
            "due_date": header.due_date,
            "next_reading": header.next_reading,
            "control_code": header.control_code,
            "invoice_number": header.invoice_number,
            "note": header.note,
            "created_by": user_id,
            "created_date": now,
            "chargeback_task_id": draft.origin.chargeback_task_id,
            "chargeback_version_id": draft.origin.chargeback_version_id,
            "source_bill_id": draft.origin.source_bill_id,
            "import_task_id": draft.origin.import_task_id,
            "calculated": draft.origin.calculated,
        }


def delete_bills(session: Session, bill_ids: Sequence[int]) -> None:
    """Delete bills (their lines and meter totals cascade); bills split from them forget their source."""
    ids = sorted(set(bill_ids))
    if not ids:
        return
    # No ORM objects of these bills are kept in a session, so the ORM is not asked to find (RETURNING) and
    # expire them: on a 60,000-bill run that was a round of every id back to Python.
    unsynced = {"synchronize_session": False}
    session.execute(
        update(Bill).where(among(Bill.source_bill_id, ids)).values(source_bill_id=None), execution_options=unsynced
    )
    session.execute(delete(Bill).where(among(Bill.bill_id, ids)), execution_options=unsynced)
