"""The review page of a batch (/ui/batches/{batchId}/review): its bills with their flags, approval, export hold and
AP/GL export state; approve or unapprove, hold or release (one bill, or every bill of the batch), and export the
batch's eligible bills to AP or GL with the file as a download. Each action calls the service its API operation
calls (PUT /api/v3/bill/approve, /bill/exporthold, /bill/export) and needs the same permission."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse

from apportion.domain.errors import ValidationFailed
from apportion.services.access.auth import Principal
from apportion.services.accounting import approval, exports, review
from apportion.web.access import BillViewer, ClockDep, DbDep, form_fields, page_requires
from apportion.web.errors import PageRoute
from apportion.web.html import render
from apportion.web.views import pager

router = APIRouter(route_class=PageRoute)

Approver = Annotated[Principal, Depends(page_requires("ApproveBills", "Manage"))]
Holder = Annotated[Principal, Depends(page_requires("ExportHold", "Manage"))]
Exporter = Annotated[Principal, Depends(page_requires("ExportBills", "Run"))]
BILLS_PER_PAGE = 50
NOTICES = {
    "approved": "Approved the bills that could be approved.",
    "unapproved": "Unapproved the bills that could be unapproved.",
    "held": "Held the bills from export.",
    "released": "Released the bills for export.",
}
"""What each action says it did, chosen by the `done` code (never text from the URL)."""


def _url(batch_id: int, done: str) -> str:
    return f"/ui/batches/{batch_id}/review?done={done}"


def _flag(form: dict[str, str], name: str) -> bool:
    value = form.get(name, "")
    if value not in ("true", "false"):
        raise ValidationFailed.single(name, f"{name} is true or false.")
    return value == "true"


def _bills(form: dict[str, str], batch_ids: list[int]) -> list[int]:
    """The one bill the form names (it must be the batch's), else every bill of the batch."""
    named = form.get("bill", "").strip()
    if not named:
        if not batch_ids:
            raise ValidationFailed.single("bill", "The batch has no bill.")
        return batch_ids
    if not named.isdigit() or int(named) not in batch_ids:
        raise ValidationFailed.single("bill", f"{named} is not a bill of this batch.")
    return [int(named)]


@router.get("/batches/{batchId}/review")
def review_page(
    request: Request,
    db: DbDep,
    clock: ClockDep,
    visitor: BillViewer,
    batchId: int,
    page: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
    done: str | None = None,
) -> Response:
    """The batch's bills to review, with the approve, hold and export forms."""
    found = review.batch_review(db, batchId, page, BILLS_PER_PAGE, clock().date(), visitor.scope)
    grants = visitor.grants
    context = {
        "visitor": visitor,
        "review": found,
        "page": pager(page, BILLS_PER_PAGE, found.total),
        "notice": NOTICES.get(done or ""),
        "may_approve": grants.allows("ApproveBills", "Manage"),
        "may_hold": grants.allows("ExportHold", "Manage"),
        "may_export": grants.allows("ExportBills", "Run"),
    }
    return render(request, "review.html", context)


@router.post("/batches/{batchId}/review/approve")
async def review_approve(request: Request, db: DbDep, clock: ClockDep, user: Approver, batchId: int) -> Response:
    """Approve (approve=true) or unapprove one bill of the batch, or all of them (as PUT /api/v3/bill/approve)."""
    form = await form_fields(request)
    wanted = _flag(form, "approve")
    ids = _bills(form, await run_in_threadpool(review.batch_bill_ids, db, batchId))
    await run_in_threadpool(approval.approve_bills, db, ids, wanted, user, clock())
    return RedirectResponse(_url(batchId, "approved" if wanted else "unapproved"), status_code=303)


@router.post("/batches/{batchId}/review/hold")
async def review_hold(request: Request, db: DbDep, user: Holder, batchId: int) -> Response:
    """Hold (exportHold=true) or release one bill of the batch, or all of them (as PUT /api/v3/bill/exporthold)."""
    form = await form_fields(request)
    wanted = _flag(form, "exportHold")
    ids = _bills(form, await run_in_threadpool(review.batch_bill_ids, db, batchId))
    await run_in_threadpool(approval.hold_bills, db, ids, wanted, user)
    return RedirectResponse(_url(batchId, "held" if wanted else "released"), status_code=303)


@router.post("/batches/{batchId}/review/export")
async def review_export(request: Request, db: DbDep, clock: ClockDep, user: Exporter, batchId: int) -> Response:
    """Export the batch's eligible bills to AP or GL (as PUT /api/v3/bill/export): the file, as a download."""
    form = await form_fields(request)
    mode = form.get("exportMode", "")
    mark = form.get("markAsExported") == "true"
    note = (form.get("exportNote") or "").strip() or None
    ids = _bills({}, await run_in_threadpool(review.batch_bill_ids, db, batchId))
    outcome = await run_in_threadpool(exports.export_bills, db, ids, mode, mark, note, user, clock(), str(uuid.uuid4()))
    headers = {
        "Content-Disposition": f'attachment; filename="{outcome.file_name}"',
        "Ec-Guid": outcome.guid,
        "Apportion-Excluded-Count": str(len(outcome.excluded)),
    }
    return Response(outcome.text, media_type="text/plain; charset=utf-8", headers=headers)
