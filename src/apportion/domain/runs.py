"""A chargeback run as an entity: what kind of processor request it was and what it asked for (its plan).

A run makes one task per step (a workflow) or one task (every other processor). Its plan is stored with it as a
typed value, so a worker that picks up a queued run builds exactly the work the request described, whenever it
gets to it: the period, the request's day (which decides the versions in effect), the note, the bill dates, the
QuickFilters, the step or workflow, and for aggregations how many periods they cover.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

from apportion.domain.scoping import Scope


class RunKind(StrEnum):
    """Which processor a run is (api/routes/processors.py)."""

    BILL_SPLIT = "billSplit"
    CALCULATED_BILLS = "calculatedBills"
    STEP = "step"
    WORKFLOW = "workflow"
    AGGREGATIONS = "aggregations"
    BILLS = "bills"  # the explicit split of named bills (POST /api/v3/bill/split, /api/v3/list/{listId}/split)


@dataclass(frozen=True)
class QuickFilter:
    """One QuickFilter of ChargebackProcessorSettings: caption, operator and value ('a|b' for lists)."""

    caption: str
    operator: str
    value: str


@dataclass(frozen=True)
class RunPlan:
    """What a run was asked to do (see the module docstring)."""

    kind: RunKind
    billing_period: int
    requested_on: date
    note: str | None = None
    start_date_for_bill: date | None = None
    end_date_for_bill: date | None = None
    filters: tuple[QuickFilter, ...] = ()
    step_id: int | None = None
    workflow_id: int | None = None
    period_count: int | None = None
    bill_ids: tuple[int, ...] = ()
    scope: Scope = Scope.WHOLE  # the running user's (docs/scoping.md)

    def to_document(self) -> dict[str, Any]:
        """The plan as JSON-ready values (dates as ISO text), as the store keeps it."""
        return {
            "kind": self.kind.value,
            "billingPeriod": self.billing_period,
            "requestedOn": self.requested_on.isoformat(),
            "note": self.note,
            "startDateForBill": None if self.start_date_for_bill is None else self.start_date_for_bill.isoformat(),
            "endDateForBill": None if self.end_date_for_bill is None else self.end_date_for_bill.isoformat(),
            "filters": [[f.caption, f.operator, f.value] for f in self.filters],
            "stepId": self.step_id,
            "workflowId": self.workflow_id,
            "periodCount": self.period_count,
            "billIds": list(self.bill_ids),
            "topmostPlaceIds": None if self.scope.place_ids is None else sorted(self.scope.place_ids),
            "topmostCostCenterIds": None if self.scope.cost_center_ids is None else sorted(self.scope.cost_center_ids),
        }

    @classmethod
    def from_document(cls, document: dict[str, Any]) -> RunPlan:
        """The plan `to_document` wrote."""

        def day(value: Any) -> date | None:
            return None if value is None else date.fromisoformat(str(value))

        requested = day(document["requestedOn"])
        assert requested is not None
        return cls(
            kind=RunKind(document["kind"]),
            billing_period=int(document["billingPeriod"]),
            requested_on=requested,
            note=document.get("note"),
            start_date_for_bill=day(document.get("startDateForBill")),
            end_date_for_bill=day(document.get("endDateForBill")),
            filters=tuple(QuickFilter(str(c), str(o), str(v)) for c, o, v in document.get("filters") or ()),
            step_id=document.get("stepId"),
            workflow_id=document.get("workflowId"),
            period_count=document.get("periodCount"),
            bill_ids=tuple(int(i) for i in document.get("billIds") or ()),
            scope=Scope.of(document.get("topmostPlaceIds"), document.get("topmostCostCenterIds")),
        )
