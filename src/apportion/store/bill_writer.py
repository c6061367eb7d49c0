"""Set-based bill writes: bills, their line items and per-meter totals in three bulk inserts."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from itertools import chain, repeat
from operator import attrgetter
from typing import NamedTuple

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from apportion.domain.bills import BillDraft, BillHeader, LineDraft, meter_totals_of
from apportion.domain.units import UnitTable
from apportion.store.bulk import Prepared, insert_columns_with_ids, insert_prepared, prepare
from apportion.store.id_lists import among
from apportion.store.models.base import Base
from apportion.store.models.bills import Bill, BillLine, BillMeter
from apportion.store.models.organisation import Meter
from apportion.store.models.reference import Commodity, CommodityUnitConversion, Unit

_NO_SHARE = (None, None, None)
_METER_ID, _LINES = attrgetter("meter_id"), attrgetter("lines")  # a line's share columns when it has no LineShare

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
        self._know_commodities(drafts)  # may read the database: before the bills' COPY
        details: list[_Details] = []
        # On PostgreSQL the lines and meter totals are built and formatted while the server checks the bills.
        bill_ids = insert_columns_with_ids(
            self.session,
            BILLS,
            _bill_columns(drafts, batch_id, user_id, now, defaults, void),
            len(drafts),
            meanwhile=lambda ids: details.append(self._details(ids, drafts)),
        )
        self._write_details(details[0])
        return bill_ids

    def replace_lines(self, bill_id: int, draft: BillDraft) -> None:
        """Swap an existing bill's line items and meter totals for the draft's."""
        self.session.execute(delete(BillLine).where(BillLine.bill_id == bill_id))
        self.session.execute(delete(BillMeter).where(BillMeter.bill_id == bill_id))
        self._know_commodities([draft])
        self._write_details(self._details([bill_id], [draft]))

    def know_commodities(self, commodities: Mapping[int, int]) -> None:
        """Meter id -> commodity id of meters the caller has already read, so `write` need not read them."""
        self.commodities.update(commodities)

    def _know_commodities(self, drafts: Sequence[BillDraft]) -> None:
        """Load the commodity of every meter the drafts' lines name that this writer has not seen yet."""
        named = set(map(_METER_ID, chain.from_iterable(draft.lines for draft in drafts)))  # in C: tens of thousands
        missing = [m for m in named if m is not None and m not in self.commodities]
        if missing:
            self.commodities.update(load_meter_commodities(self.session, missing))

    def _details(self, bill_ids: Sequence[int], drafts: Sequence[BillDraft]) -> _Details:
        """The drafts' line items and meter totals, ready to send (uses no session: it may run during a COPY)."""
        # By column, straight from the drafts: a run writes tens of thousands of lines, and a dictionary per row
        # (then read back key by key) cost more than the values themselves.
        per_bill = list(map(_LINES, drafts))
        counts = list(map(len, per_bill))
        lines = list(chain.from_iterable(per_bill))
        # LineDraft's fields, one tuple each, transposed in C (zip of the line tuples).
        (type_ids, _kinds, meter_ids, captions, values, unit_ids, costs, source_ids, shares) = (
            zip(*lines, strict=True) if lines else ((),) * len(LineDraft._fields)
        )
        if shares.count(None) == len(shares):
            bases = exacts = roundings = (None,) * len(lines)
        else:
            bases, exacts, roundings = zip(*[_NO_SHARE if s is None else s for s in shares], strict=True)
        line_columns: dict[str, Sequence[object]] = {
            "bill_id": list(chain.from_iterable(map(repeat, bill_ids, counts))),
            "meter_id": meter_ids,
            "line_order": list(chain.from_iterable(map(range, counts))),
            "observation_type_id": type_ids,
            "caption": captions,
            "value": values,
            "value_unit_id": unit_ids,
            "cost": costs,
            "source_line_id": source_ids,
            "share_basis": bases,
            "exact_share": exacts,
            "rounding": roundings,
        }
        if len(bill_ids) != len(drafts):
            raise ValueError(f"{len(bill_ids)} bill ids for {len(drafts)} drafts")
        line_rows = prepare(self.session, LINES, line_columns, len(lines))
        meter_rows = meter_totals_of(per_bill, self.units.to_common, self.commodities)
        if not meter_rows:
            return _Details(line_rows, None)
        positions, meter_ids, uses, meter_costs, demands = zip(*meter_rows, strict=True)
        periods = [draft.billing_period for draft in drafts]
        meter_columns: dict[str, Sequence[object]] = {
            "bill_id": list(map(bill_ids.__getitem__, positions)),
            "meter_id": meter_ids,
            "billing_period": list(map(periods.__getitem__, positions)),
            "use": uses,
            "cost": meter_costs,
            "demand": demands,
        }
        return _Details(line_rows, prepare(self.session, METERS, meter_columns, len(meter_rows)))

    def _write_details(self, details: _Details) -> None:
        insert_prepared(self.session, details.lines)
        if details.meters is not None:
            insert_prepared(self.session, details.meters)


class _Details(NamedTuple):
    """A chunk of bills' line items and per-meter totals (None: no meter line), ready for `insert_prepared`."""

    lines: Prepared
    meters: Prepared | None


def _bill_columns(
    drafts: Sequence[BillDraft], batch_id: int, user_id: int, now: datetime, defaults: BillHeader | None, void: bool
) -> dict[str, Sequence[object]]:
    """The bills' columns (header fields defaulted from the batch); values shared by every bill are given once."""
    count = len(drafts)
    # BillDraft's and BillOrigin's fields transposed in C (zip of the tuples); a header shared by every bill (a run's
    # bills mostly carry the batch's) gives each header column as one value repeated.
    (account_ids, periods, begins, ends, _lines, headers, estimated, from_vendor, origins) = zip(*drafts, strict=True)
    (task_ids, version_ids, source_ids, import_ids, calculated) = zip(*origins, strict=True)
    first = headers[0]
    if headers.count(first) == count:  # one header on every bill: its values repeated
        one = first if defaults is None else first.defaulted_by(defaults)

        def header_column(name: str) -> Sequence[object]:
            return [getattr(one, name)] * count

    else:
        each: Sequence[BillHeader] = headers
        if defaults is not None:
            # Bills often share one header object (an import's file without header columns): defaulted once each.
            done: dict[int, BillHeader] = {}
            each = [done.get(id(h)) or done.setdefault(id(h), h.defaulted_by(defaults)) for h in headers]

        def header_column(name: str) -> Sequence[object]:
            return [getattr(h, name) for h in each]

    return {
        "account_id": account_ids,
        "batch_id": [batch_id] * count,
        "billing_period": periods,
        "begin_date": begins,
        "end_date": ends,
        "account_period": header_column("account_period"),
        "total_cost": [d.total_cost for d in drafts],
        "estimated": estimated,
        "void": [void] * count,
        "from_vendor": from_vendor,
        "statement_date": header_column("statement_date"),
        "due_date": header_column("due_date"),
        "next_reading": header_column("next_reading"),
        "control_code": header_column("control_code"),
        "invoice_number": header_column("invoice_number"),
        "note": header_column("note"),
        "created_by": [user_id] * count,
        "created_date": [now] * count,
        "chargeback_task_id": task_ids,
        "chargeback_version_id": version_ids,
        "source_bill_id": source_ids,
        "import_task_id": import_ids,
        "calculated": calculated,
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
