"""Routes: Apportion's chargeback lineage extension, under /apportion/v1 (a prefix EnergyCAP's paths never use).

A bill's sources and live dependents; a split task's conservation record; a task's history of corrections; the
chargeback bills an import undid; the periods that need re-running, with a way to dismiss one. The CSV forms
(`?format=csv`) are for people taking the figures away.
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import Depends, Query, Response
from fastapi.responses import PlainTextResponse

from apportion.api.deps import DatabaseDep, requires
from apportion.api.schemas.extension import (
    BillLineageResponse,
    BillReference,
    ConservationLine,
    ConservationResponse,
    CorrectionResponse,
    LeftOnSource,
    LineageDependent,
    LineageSource,
    LineShareResponse,
    RerunGroupResponse,
    RerunResponse,
    TaskHistoryResponse,
)
from apportion.api.wire import WireRouter
from apportion.domain.source_split import Left
from apportion.services.access.auth import Principal
from apportion.services.chargebacks import lineage_reports
from apportion.services.imports import import_tasks
from apportion.store.lineage import BillFacts, ConservationRow, CorrectionRow, RerunRow

PREFIX = "/apportion/v1"
router = WireRouter(tags=["Apportion: chargeback lineage"])
BillViewer = Annotated[Principal, Depends(requires("BillsAndBatches", "View"))]
Viewer = Annotated[Principal, Depends(requires("ChargebacksModule", "View"))]
Manager = Annotated[Principal, Depends(requires("Chargebacks", "Manage"))]
Format = Annotated[Literal["json", "csv"], Query(description="csv: the same figures as a CSV file")]
CSV_RESPONSE = {200: {"content": {"text/csv": {"schema": {"type": "string"}}}}}


def bill_reference(bill: BillFacts) -> BillReference:
    """A bill's facts as the extension writes them."""
    return BillReference(
        bill_id=bill.bill_id,
        account_code=bill.account_code,
        meter_codes=list(bill.meter_codes),
        billing_period=bill.billing_period,
        total_cost=bill.total_cost,
        void=bill.void,
        chargeback_task_id=bill.chargeback_task_id,
        version_id=bill.version_id,
    )


def correction(row: CorrectionRow) -> CorrectionResponse:
    """A correction log entry as the extension writes it."""
    return CorrectionResponse(
        correction_id=row.correction_id,
        bill_id=row.bill_id,
        amount=row.amount,
        chargeback_task_id=row.chargeback_task_id,
        version_id=row.version_id,
        workflow_step_id=row.step_id,
        billing_period=row.billing_period,
        action=row.action,
        cause=row.cause,
        cause_bill_id=row.cause_bill_id,
        cause_chargeback_task_id=row.cause_chargeback_task_id,
        cause_import_task_id=row.cause_import_task_id,
        reason=row.reason,
        date=row.created_date,
    )


def rerun(row: RerunRow) -> RerunResponse:
    """A re-run record as the extension writes it."""
    return RerunResponse(
        rerun_id=row.rerun_id,
        version_id=row.version_id,
        version_info=row.version_info,
        chargeback_type=row.chargeback_type,
        account_code=row.account_code,
        meter_code=row.meter_code,
        reason=row.reason,
        cause_bill_id=row.cause_bill_id,
        recorded_date=row.recorded_date,
        resolved_task_id=row.resolved_task_id,
        resolved_date=row.resolved_date,
        dismissed=row.dismissed,
    )


@router.get(f"{PREFIX}/bill/{{billId}}/lineage", response_model=BillLineageResponse)
def get_bill_lineage(db: DatabaseDep, billId: int, _: BillViewer) -> BillLineageResponse:
    """What a bill was made from (per line for a split bill), the live bills made from it, and why it was voided."""
    found = lineage_reports.bill_lineage(db, billId)
    return BillLineageResponse(
        bill=bill_reference(found.bill),
        sources=[
            LineageSource(relation="split" if s.split else "used", bill=bill_reference(s.bill)) for s in found.sources
        ],
        lines=[
            LineShareResponse(
                line_order=line.line_order,
                caption=line.caption,
                meter_id=line.meter_id,
                value=line.value,
                cost=line.cost,
                source_line_id=line.source_line_id,
                share_basis=line.basis,
                exact_share=line.exact_share,
                rounding=line.rounding,
            )
            for line in found.lines
        ],
        dependents=[
            LineageDependent(
                relation="split" if d.split else "used",
                depth=d.depth,
                parent_bill_id=d.parent_id,
                bill=bill_reference(d.bill),
            )
            for d in found.dependents
        ],
        corrections=[correction(c) for c in found.corrections],
    )


def conservation_line(record: ConservationRow, bill: BillFacts | None) -> ConservationLine:
    left = record.left
    return ConservationLine(
        source_bill_id=record.source_bill_id or None,
        account_code=bill.account_code if bill is not None else None,
        meter_codes=list(bill.meter_codes) if bill is not None else [],
        source_amount=record.source_amount,
        allocated=record.allocated,
        left=LeftOnSource(
            account_charges=left.get(Left.ACCOUNT_CHARGES, 0),
            unsplit_meters=left.get(Left.UNSPLIT_METERS, 0),
            percentages=left.get(Left.PERCENTAGES, 0),
            vacancy=left.get(Left.VACANCY, 0),
            failed_versions=left.get(Left.FAILED_VERSIONS, 0),
            not_split=left.get(Left.NOT_SPLIT, 0),
            total=sum(left.values(), 0),
        ),
        rounding=record.rounding,
    )


@router.get(
    f"{PREFIX}/chargebackTask/{{taskId}}/conservation",
    response_model=ConservationResponse,
    responses=CSV_RESPONSE,  # type: ignore[arg-type]
)
def get_task_conservation(db: DatabaseDep, taskId: int, user: Viewer, format: Format = "json") -> object:
    """Where every source bill's amount went in a split task: allocated, left on the source by reason, rounding."""
    report = lineage_reports.task_conservation(db, taskId, user)
    if format == "csv":
        return _csv(lineage_reports.conservation_csv(report), f"chargeback-task-{taskId}-conservation.csv")
    return ConservationResponse(
        task_id=taskId,
        total=conservation_line(report.total, None),
        sources=[conservation_line(item.record, item.bill) for item in report.sources],
    )


@router.get(f"{PREFIX}/chargebackTask/{{taskId}}/history", response_model=TaskHistoryResponse)
def get_task_history(db: DatabaseDep, taskId: int, user: Viewer) -> TaskHistoryResponse:
    """A task's bills undone by later corrections, the bills it replaced, and the re-runs it resolved."""
    history = lineage_reports.task_history(db, taskId, user)
    return TaskHistoryResponse(
        task_id=taskId,
        undone=[correction(c) for c in history.undone],
        replaced=[correction(c) for c in history.replaced],
        resolved_reruns=[rerun(r) for r in history.resolved],
    )


@router.get(f"{PREFIX}/importTask/{{taskGuid}}/corrections", response_model=list[CorrectionResponse])
def get_import_corrections(db: DatabaseDep, taskGuid: str, user: BillViewer) -> list[CorrectionResponse]:
    """The chargeback bills a bill import undid when it replaced the bills they were made from (VPR V, A/E)."""
    return [correction(c) for c in import_tasks.corrections(db, taskGuid, user)]


@router.get(f"{PREFIX}/rerun", response_model=list[RerunGroupResponse], responses=CSV_RESPONSE)  # type: ignore[arg-type]
def get_reruns(
    db: DatabaseDep,
    user: Viewer,
    billing_period: Annotated[int | None, Query(alias="billingPeriod")] = None,
    step_id: Annotated[int | None, Query(alias="chargebackWorkflowStepId")] = None,
    include_resolved: Annotated[bool, Query(alias="includeResolved")] = False,
    format: Format = "json",
) -> object:
    """The (workflow step, billing period) pairs whose chargeback bills were undone and that need running again."""
    groups = lineage_reports.reruns(db, billing_period, step_id, include_resolved, user.scope)
    if format == "csv":
        return _csv(lineage_reports.reruns_csv(groups), "chargeback-reruns.csv")
    return [
        RerunGroupResponse(
            workflow_step_id=g.step_id,
            workflow_step_info=g.step_info,
            billing_period=g.billing_period,
            reruns=[rerun(r) for r in g.reruns],
        )
        for g in groups
    ]


@router.delete(f"{PREFIX}/rerun/{{rerunId}}", status_code=204)
def dismiss_rerun(db: DatabaseDep, rerunId: int, user: Manager) -> Response:
    """Decide that a recorded re-run is not needed (it stays listed with includeResolved=true)."""
    lineage_reports.dismiss_rerun(db, rerunId, user.user_id, user.scope)
    return Response(status_code=204)


def _csv(text: str, name: str) -> PlainTextResponse:
    return PlainTextResponse(
        text, media_type="text/csv", headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )
