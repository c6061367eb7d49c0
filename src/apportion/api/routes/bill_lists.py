"""Routes: saved bill lists and the explicit split (operations.md §8, accounting.md §3.7).

    POST /api/v3/bill/split                       split the named bills now (BillActionSplit)
    POST /api/v3/list/{listId}/split              split the bills of a list that can be split
    PUT  /api/v3/list/{listId}/approve|exporthold|export|unexport|flagAction
    POST/GET /apportion/v1/billList, GET/DELETE /apportion/v1/billList/{listId}, GET .../bill   (Apportion's)

Mounted before the bills router, so "split" is not read as a bill id.
"""

from __future__ import annotations

import uuid
from enum import Enum
from typing import Annotated

from fastapi import Depends, Response

from apportion.api.deps import ClockDep, DatabaseDep, IdempotencyKeyHeader, SettingsDep, TodayDep, requires
from apportion.api.paging import PageRequest, page_request, set_paging_headers
from apportion.api.routes import bills as bill_routes
from apportion.api.routes.bill_exports import _no_content
from apportion.api.routes.chargeback_tasks import render as render_task
from apportion.api.routes.flags import _edit
from apportion.api.routes.imports import JobsDep
from apportion.api.routes.processors import _as_sent, _batch, _queue
from apportion.api.schemas.contract import (
    BillActionSplit,
    BillExportOptions,
    BillResponse,
    BillUnexportOptions,
    ChargebackProcessorSettingsForSplits,
    ChargebackTaskResponse,
    FlagEdit,
    ListActionApprove,
    ListActionExportHold,
    UpdateResult,
)
from apportion.api.schemas.extension import BillListCreate, BillListResponse
from apportion.api.wire import WireRouter
from apportion.api.wire_rows import wire_response
from apportion.services.access.auth import Principal
from apportion.services.accounting import bill_lists
from apportion.services.chargebacks import chargeback_tasks
from apportion.services.runs import idempotency
from apportion.services.runs.processing import RunSettings

router = WireRouter(tags=["Bill lists"])
# accounting.md §6 and §9 D13: each list action needs what its id-based twin needs; splits Chargebacks (Run).
Runner = Annotated[Principal, Depends(requires("Chargebacks", "Run"))]
Approver = Annotated[Principal, Depends(requires("ApproveBills", "Manage"))]
Holder = Annotated[Principal, Depends(requires("ExportHold", "Manage"))]
Exporter = Annotated[Principal, Depends(requires("ExportBills", "Run"))]
Flagger = Annotated[Principal, Depends(requires("FlaggedItems", "Manage"))]
Viewer = Annotated[Principal, Depends(requires("BillsAndBatches", "View"))]
PREFIX = "/apportion/v1"
EXTENSION: list[str | Enum] = ["Apportion: bill lists"]


def _result(counts: tuple[int, int]) -> UpdateResult:
    return UpdateResult(selected=counts[0], updated=counts[1])


def _split_settings(body: BillActionSplit | ChargebackProcessorSettingsForSplits) -> RunSettings:
    return RunSettings(note=body.note, batch=_batch(body.batch_settings), document=_as_sent(body))


@router.post("/api/v3/bill/split", response_model=ChargebackTaskResponse, tags=["Chargeback processors"])
def bill_action_split_method(
    db: DatabaseDep,
    clock: ClockDep,
    app_settings: SettingsDep,
    jobs: JobsDep,
    body: BillActionSplit,
    user: Runner,
    key: IdempotencyKeyHeader = None,
) -> ChargebackTaskResponse:
    """Run the bill split processor on the given bills now: each is split by the split versions effective in its
    billing period, exactly as POST /api/v3/billSplit/exec would split it, into destination bills in one Split
    task. Bills already split, void, accruals, unknown ids and bills on no split version are left as they are.
    Optional note; optional batch settings (batch code and bill headers of the destination bills)."""
    queue = _queue(db, app_settings, jobs)
    settings = _split_settings(body)

    def run() -> list[int]:
        return [bill_lists.split_named(db, body.ids, settings, user, clock, queue)]

    (task_id,) = idempotency.tasks_once(db, user.user_id, key, "bill/split", _as_sent(body), run, clock)
    return render_task(chargeback_tasks.get_task(db, task_id))


@router.post("/api/v3/list/{listId}/split", response_model=ChargebackTaskResponse, tags=["Chargeback processors"])
def split_bill_list(
    db: DatabaseDep,
    clock: ClockDep,
    app_settings: SettingsDep,
    jobs: JobsDep,
    listId: int,
    body: ChargebackProcessorSettingsForSplits,
    user: Runner,
    key: IdempotencyKeyHeader = None,
) -> ChargebackTaskResponse:
    """Split all bills eligible to be split in a bill list (as POST /api/v3/bill/split on its bills); 404 for an
    unknown list."""
    queue = _queue(db, app_settings, jobs)
    settings = _split_settings(body)

    def run() -> list[int]:
        return [bill_lists.split_list(db, listId, settings, user, clock, queue)]

    operation = f"list/{listId}/split"
    (task_id,) = idempotency.tasks_once(db, user.user_id, key, operation, _as_sent(body), run, clock)
    return render_task(chargeback_tasks.get_task(db, task_id))


@router.put("/api/v3/list/{listId}/approve", response_model=UpdateResult)
def approve_bill_list(
    db: DatabaseDep, clock: ClockDep, listId: int, body: ListActionApprove, user: Approver
) -> UpdateResult:
    """Approve/unapprove bill list (the rules of PUT /api/v3/bill/approve)."""
    return _result(bill_lists.approve_list(db, listId, body.approve, user, clock()))


@router.put("/api/v3/list/{listId}/exporthold", response_model=UpdateResult)
def export_hold_bill_list(
    db: DatabaseDep, clock: ClockDep, listId: int, body: ListActionExportHold, user: Holder
) -> UpdateResult:
    """Hold/release bill list for export (the rules of PUT /api/v3/bill/exporthold)."""
    return _result(bill_lists.hold_list(db, listId, body.export_hold, user, clock().date()))


@router.put("/api/v3/list/{listId}/export", status_code=204, response_class=Response)
def export_bill_list(
    db: DatabaseDep, clock: ClockDep, listId: int, body: BillExportOptions, user: Exporter
) -> Response:
    """Export all eligible bills in a list to AP or GL (at most 10,000 bills; 204, the Ec-Guid header names the
    export, whose file GET /apportion/v1/billExport/{guid} gives)."""
    guid = str(uuid.uuid4())
    outcome = bill_lists.export_list(
        db, listId, body.export_mode, body.mark_as_exported, body.export_note, user, clock(), guid
    )
    return _no_content(outcome)


@router.put("/api/v3/list/{listId}/unexport", response_model=UpdateResult)
def unexport_bill_list(
    db: DatabaseDep, clock: ClockDep, listId: int, body: BillUnexportOptions, _: Exporter
) -> UpdateResult:
    """Unexport bill list on one stream."""
    return _result(bill_lists.unexport_list(db, listId, body.export_mode, clock().date()))


@router.put("/api/v3/list/{listId}/flagAction", response_model=UpdateResult)
def flag_bill_list_action(db: DatabaseDep, clock: ClockDep, listId: int, body: FlagEdit, user: Flagger) -> UpdateResult:
    """Create and/or update flags for all bills in a list (the rules of PUT /api/v3/flag/Bill/flagAction)."""
    return _result(bill_lists.flag_list(db, listId, _edit(body), user, clock()))


def _render(record: bill_lists.BillListRecord) -> BillListResponse:
    return BillListResponse(
        bill_list_id=record.list_id,
        name=record.name,
        filter=record.filter_text,
        bill_count=record.member_count,
        created_by_user_id=record.created_by.user_id if record.created_by is not None else None,
        created_date=record.created_date,
    )


@router.post(f"{PREFIX}/billList", response_model=BillListResponse, tags=EXTENSION)
def create_bill_list(db: DatabaseDep, clock: ClockDep, body: BillListCreate, user: Viewer) -> BillListResponse:
    """Save a bill list, of named bills (`billIds`) or of a filter of GET /api/v3/bill (`filter`); its id is the
    listId of the /api/v3/list/{listId}/... operations. Apportion's extension."""
    return _render(bill_lists.create_list(db, body.name, body.bill_ids, body.filter, user, clock()))


@router.get(f"{PREFIX}/billList", response_model=list[BillListResponse], tags=EXTENSION)
def get_bill_lists(db: DatabaseDep, _: Viewer) -> list[BillListResponse]:
    """Every saved bill list. Apportion's extension."""
    return [_render(record) for record in bill_lists.all_lists(db)]


@router.get(f"{PREFIX}/billList/{{listId}}", response_model=BillListResponse, tags=EXTENSION)
def get_bill_list(db: DatabaseDep, listId: int, _: Viewer) -> BillListResponse:
    """One saved bill list (404 when unknown). Apportion's extension."""
    return _render(bill_lists.get_list(db, listId))


@router.get(f"{PREFIX}/billList/{{listId}}/bill", response_model=list[BillResponse], tags=EXTENSION)
def get_bill_list_bills(
    db: DatabaseDep,
    today: TodayDep,
    response: Response,
    listId: int,
    _: Viewer,
    page: Annotated[PageRequest, Depends(page_request)],
) -> Response:
    """The list's bills, as GET /api/v3/bill gives them (paged the same way). Apportion's extension."""
    result = bill_lists.list_bills(db, listId, page.number, page.size, today)
    set_paging_headers(response, page, result.total)
    return wire_response([bill_routes.render(bill) for bill in result.rows], response)


@router.delete(f"{PREFIX}/billList/{{listId}}", status_code=204, response_class=Response, tags=EXTENSION)
def delete_bill_list(db: DatabaseDep, listId: int, _: Viewer) -> Response:
    """Delete a saved bill list; its bills stay as they are (204; 404 when unknown). Apportion's extension."""
    bill_lists.delete_list(db, listId)
    return Response(status_code=204)
