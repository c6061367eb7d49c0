"""Routes: exports as CSV or XLSX, under /apportion/v1 (Apportion's extension).

    GET /apportion/v1/digest/{chargebackWorkflowStepId}/export?billingPeriod=YYYYMM&format=csv|xlsx
    GET /apportion/v1/chargebackTask/{chargebackTaskId}/bills/export?format=csv|xlsx
    GET /apportion/v1/batch/{batchId}/bills/export?format=csv|xlsx
    GET /apportion/v1/bill/export?filter=...&format=csv|xlsx      (the filter of GET /api/v3/bill, every page)

Each answers a file download (Content-Disposition: attachment) under the permission of what it exports: the digest
and a task's bills as the digest and the task (ChargebacksModule: View), a batch's and a list's bills as the bill
list (BillsAndBatches: View). CSV streams as the rows are read; XLSX is written to a temporary file first (openpyxl's
write-only workbook), then streamed. importer/tables.py says how cells are typed and kept from being formulas.
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import Depends, Query
from fastapi.responses import StreamingResponse

from apportion.api.deps import ClockDep, DatabaseDep, requires
from apportion.api.paging import FilterQuery
from apportion.api.routes.lineage import PREFIX
from apportion.api.wire import WireRouter
from apportion.importer import tables
from apportion.services import exports
from apportion.services.access.auth import Principal

router = WireRouter(tags=["Apportion: exports"])
ChargebackViewer = Annotated[Principal, Depends(requires("ChargebacksModule", "View"))]
BillViewer = Annotated[Principal, Depends(requires("BillsAndBatches", "View"))]
FileFormat = Annotated[
    Literal["csv", "xlsx"], Query(description="csv (UTF-8, formulas neutralised) or xlsx (numbers, dates)")
]
FILE_RESPONSE = {
    200: {
        "description": "The file, as an attachment.",
        "content": {
            "text/csv": {"schema": {"type": "string"}},
            tables.XLSX_MEDIA_TYPE: {"schema": {"type": "string", "format": "binary"}},
        },
    }
}


def send(table: exports.Table, format: str) -> StreamingResponse:
    """The table as a streamed download in the asked format."""
    file = exports.download(table, format)
    return StreamingResponse(
        file.chunks,
        media_type=file.media_type,
        headers={"Content-Disposition": f'attachment; filename="{file.file_name}"'},
    )


@router.get(
    f"{PREFIX}/digest/{{chargebackWorkflowStepId}}/export",
    response_class=StreamingResponse,
    responses=FILE_RESPONSE,  # type: ignore[arg-type]
)
def export_digest(
    db: DatabaseDep,
    clock: ClockDep,
    chargebackWorkflowStepId: int,
    viewer: ChargebackViewer,
    billingPeriod: Annotated[int | None, Query(description="YYYYMM (default: the step's latest task period)")] = None,
    format: FileFormat = "csv",
) -> StreamingResponse:
    """The step's digest (the figures of GET /api/v3/chargebackWorkflow/{id}/digest), one row per meter, each split
    destination after its source."""
    return send(exports.digest(db, chargebackWorkflowStepId, billingPeriod, clock().date(), viewer.scope), format)


@router.get(
    f"{PREFIX}/chargebackTask/{{chargebackTaskId}}/bills/export",
    response_class=StreamingResponse,
    responses=FILE_RESPONSE,  # type: ignore[arg-type]
)
def export_task_bills(
    db: DatabaseDep, chargebackTaskId: int, viewer: ChargebackViewer, format: FileFormat = "csv"
) -> StreamingResponse:
    """Every bill a chargeback task wrote, one row per bill (void ones flagged)."""
    return send(exports.task_bills(db, chargebackTaskId, viewer.scope), format)


@router.get(
    f"{PREFIX}/batch/{{batchId}}/bills/export",
    response_class=StreamingResponse,
    responses=FILE_RESPONSE,  # type: ignore[arg-type]
)
def export_batch_bills(
    db: DatabaseDep, batchId: int, viewer: BillViewer, format: FileFormat = "csv"
) -> StreamingResponse:
    """Every bill of a batch, one row per bill."""
    return send(exports.batch_bills(db, batchId, viewer.scope), format)


@router.get(
    f"{PREFIX}/bill/export",
    response_class=StreamingResponse,
    responses=FILE_RESPONSE,  # type: ignore[arg-type]
)
def export_bills(
    db: DatabaseDep, clock: ClockDep, viewer: BillViewer, filter: FilterQuery = None, format: FileFormat = "csv"
) -> StreamingResponse:
    """Every bill GET /api/v3/bill would list for the same filter, all pages, by id."""
    return send(exports.bill_list(db, filter, clock().date(), viewer.scope), format)
