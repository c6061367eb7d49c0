"""Bills as the domain sees them, read back: line items as LineDrafts (with their ids), in order."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from apportion.domain.bills import LineDraft, ObservationKind
from apportion.store.id_lists import among
from apportion.store.models.bills import Bill, BillLine, BillMeter
from apportion.store.models.reference import ObservationType

S = TypeVar("S", bound=Select[*tuple[Any, ...]])


def of_live_meter_bills(statement: S, meter_ids: Sequence[int], period: int) -> S:
    """`statement` (over BillMeter) kept to the meters' live, non-accrual bills of the billing period: the bills a
    calculation or a dynamic split reads."""
    return statement.join(Bill, Bill.bill_id == BillMeter.bill_id).where(
        among(BillMeter.meter_id, sorted(set(meter_ids))),
        BillMeter.billing_period == period,
        Bill.void.is_(False),
        Bill.accrual.is_(False),
    )


def observation_kinds(session: Session) -> dict[int, str]:
    """Observation type id -> its kind ("use", "demand", "cost", "other"): a few dozen seeded rows."""
    rows = session.execute(select(ObservationType.observation_type_id, ObservationType.kind)).all()
    return {row.observation_type_id: row.kind for row in rows}


def lines_of(session: Session, bill_ids: Sequence[int]) -> dict[int, list[LineDraft]]:
    """Each bill's line items in order, with their ids (a destination line names the line it was made from)."""
    kinds = observation_kinds(session)
    rows = session.connection().execute(
        select(
            BillLine.bill_id,
            BillLine.line_id,
            BillLine.observation_type_id,
            BillLine.meter_id,
            BillLine.caption,
            BillLine.value,
            BillLine.value_unit_id,
            BillLine.cost,
        )
        .where(among(BillLine.bill_id, bill_ids))
        .order_by(BillLine.bill_id, BillLine.line_order)
    )
    found: dict[int, list[LineDraft]] = {}
    new = tuple.__new__  # LineDraft(...) with every field, without the constructor's Python frame
    other = ObservationKind.OTHER
    for bill_id, line_id, type_id, meter_id, caption, value, unit_id, cost in rows.all():
        line = new(
            LineDraft, (type_id, kinds.get(type_id, other), meter_id, caption, value, unit_id, cost, line_id, None)
        )
        found.setdefault(bill_id, []).append(line)
    return found
