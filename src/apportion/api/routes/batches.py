"""Routes: batches (POST/GET /api/v3/batch, GET/PUT/DELETE /api/v3/batch/{batchId}, PUT /api/v3/batch/close/{batchId},
PUT /api/v202206/batch/{batchId}/status; operations.md §4, domain.md §4.9)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import Depends, Response

from apportion.api.deps import ClockDep, DatabaseDep, TodayDep, requires
from apportion.api.paging import FilterQuery, PageRequest, page_request, set_paging_headers
from apportion.api.render import user_of
from apportion.api.schemas.base import wire_day
from apportion.api.schemas.contract import BatchCreate, BatchEdit, BatchResponse, UpdateBatchStatusRequest
from apportion.api.wire import WireRouter
from apportion.services.access.auth import Principal
from apportion.services.billing import batches


def batch_settings(body: BatchCreate) -> batches.BatchSettings:
    """The service's batch settings from a BatchCreate (batch open, processor runs)."""
    return batches.BatchSettings(
        batch_code=body.batch_code,
        close_existing_batch=bool(body.close_existing_batch),
        note=body.note,
        statement_date=wire_day(body.statement_date),
        due_date=wire_day(body.due_date),
        next_reading=wire_day(body.next_reading),
        control_code=body.control_code,
        invoice_number=body.invoice_number,
        account_period_number=body.account_period_number,
        account_period_year=body.account_period_year,
    )


router = WireRouter(tags=["Batches"])


def _setting_date(value: date | None) -> str | None:
    # BatchResponse types these header defaults as strings; write them as the date-times every other field uses.
    return f"{value.isoformat()}T00:00:00" if value is not None else None


def render(listing: batches.BatchListing) -> BatchResponse:
    """Wire form of a batch of services.batches, with its bill count and running total."""
    batch = listing.batch
    return BatchResponse(
        batch_id=batch.batch_id,
        batch_code=batch.batch_code,
        is_open=batch.status == batches.OPEN,
        batch_status=batch.status,
        start_date=batch.start_date,
        end_date=batch.end_date,
        bill_count=listing.bill_count,
        running_total=listing.running_total,
        statement_date=_setting_date(batch.statement_date),
        due_date=_setting_date(batch.due_date),
        next_reading=_setting_date(batch.next_reading),
        control_code=batch.control_code,
        invoice_number=batch.invoice_number,
        account_period_number=batch.account_period_number,
        account_period_year=batch.account_period_year,
        note=batch.note,
        created_by=user_of(listing.created_by),
        flag_count=listing.flag_count,
        analyzing_count=0,  # audits run in the transaction that saves a bill: none is left being analysed
        has_imported_bills=listing.has_imported_bills,
    )


@router.post("/api/v3/batch", response_model=BatchResponse)
def open_batch(
    db: DatabaseDep,
    clock: ClockDep,
    body: BatchCreate,
    user: Annotated[Principal, Depends(requires("BillsAndBatches", "Create"))],
) -> BatchResponse:
    """Opens a batch for the caller (200); closeExistingBatch closes the caller's other open batches first."""
    settings = batch_settings(body)
    return render(batches.get_batch(db, batches.open_batch(db, settings, user, clock()), user.scope))


@router.get("/api/v3/batch", response_model=list[BatchResponse])
def get_batches(
    db: DatabaseDep,
    today: TodayDep,
    response: Response,
    user: Annotated[Principal, Depends(requires("BillsAndBatches", "View"))],
    page: Annotated[PageRequest, Depends(page_request)],
    filter: FilterQuery = None,
) -> list[BatchResponse]:
    """Retrieves an array of batches, newest first."""
    result = batches.list_batches(db, filter, page.number, page.size, today, user.scope)
    set_paging_headers(response, page, result.total)
    return [render(listing) for listing in result.rows]


@router.get("/api/v3/batch/{batchId}", response_model=BatchResponse)
def get_batch(
    db: DatabaseDep, batchId: int, user: Annotated[Principal, Depends(requires("BillsAndBatches", "View"))]
) -> BatchResponse:
    """Retrieves one batch."""
    return render(batches.get_batch(db, batchId, user.scope))


@router.put("/api/v3/batch/close/{batchId}", response_model=BatchResponse)
def close_batch(
    db: DatabaseDep,
    clock: ClockDep,
    batchId: int,
    user: Annotated[Principal, Depends(requires("BillsAndBatches", "Create"))],
) -> BatchResponse:
    """Closes an open or pending batch (a pending batch's bills are un-voided)."""
    batches.close_batch(db, batchId, user, clock())
    return render(batches.get_batch(db, batchId, user.scope))


@router.put("/api/v3/batch/{batchId}", response_model=BatchResponse)
def edit_batch(
    db: DatabaseDep,
    batchId: int,
    body: BatchEdit,
    user: Annotated[Principal, Depends(requires("BillsAndBatches", "Create"))],
) -> BatchResponse:
    """Renames a batch and replaces its note."""
    batches.edit_batch(db, batchId, body.batch_code, body.note, user)
    return render(batches.get_batch(db, batchId, user.scope))


@router.delete("/api/v3/batch/{batchId}", status_code=204)
def delete_batch(
    db: DatabaseDep,
    clock: ClockDep,
    batchId: int,
    user: Annotated[Principal, Depends(requires("BillsAndBatches", "Delete"))],
) -> Response:
    """Deletes a batch and every bill in it (204, as the SDK expects)."""
    batches.delete_batch(db, batchId, user, clock())
    return Response(status_code=204)


@router.put("/api/v202206/batch/{batchId}/status", status_code=204)
def update_batch_status(
    db: DatabaseDep,
    clock: ClockDep,
    batchId: int,
    body: UpdateBatchStatusRequest,
    user: Annotated[Principal, Depends(requires("BillsAndBatches", "Create"))],
) -> Response:
    """Opens, pends or closes a batch (204, as the SDK expects); Pending voids its bills, Open and Closed un-void
    them. Another user's batch needs BillsAndBatches (Manage) except to open it from Pending."""
    batches.update_status(db, batchId, body.batch_status, body.note, user, clock(), bool(body.leave_open_batches_as_is))
    return Response(status_code=204)
