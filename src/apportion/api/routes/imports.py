"""Routes: bill import, its profiles, tasks and kickouts (operations.md §7, SEED-004).

POST /api/v3/import/bill and POST /api/v202401/import/bill/task/{taskGuid}/kickout check the request, store a
Queued task and hand its id to the app's task queue (set by the entry point: apportion.asgi uses the inline
runner, or the PostgreSQL queue of `apportion worker`); they answer the task GUID at once, and
GET /api/v3/task/{taskGuid} shows how the import went.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict
from typing import Annotated

from fastapi import Depends, Query, Request, Response

from apportion.api import files
from apportion.api.deps import ClockDep, CurrentUser, DatabaseDep, IdempotencyKeyHeader, SettingsDep, TodayDep, requires
from apportion.api.paging import FilterQuery, PageRequest, page_request, set_paging_headers
from apportion.api.render import user_of
from apportion.api.schemas.contract import (
    BatchChild,
    BatchSettings,
    BillImportProfileColumnMapping,
    BillImportProfileRequest,
    BillImportProfileResponse,
    BillImportRequest,
    BillImportTaskKickoutSummaryResponse,
    BillKickoutImportRequest,
    GuidResponse,
    TaskResponse,
    TaskType,
)
from apportion.api.wire import WireRouter
from apportion.domain.batch_modes import ImportBatchSettings
from apportion.importer.profiles import ColumnMapping, ObservationColumn
from apportion.services.access.auth import Principal
from apportion.services.imports import bill_import, import_tasks, saved_profiles
from apportion.services.runs import idempotency, queue_interface
from apportion.services.runs.queue_interface import TaskQueue

router = WireRouter(tags=["Bill import"])
Creator = Annotated[Principal, Depends(requires("BillsAndBatches", "Create"))]
Viewer = Annotated[Principal, Depends(requires("BillsAndBatches", "View"))]
MEDIA_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "zip": "application/zip",
}


async def get_jobs(request: Request) -> TaskQueue:
    """The app's task queue: the entry point's runner, or create_app()'s in-request default."""
    jobs: TaskQueue = request.app.state.jobs
    return jobs


JobsDep = Annotated[TaskQueue, Depends(get_jobs)]


# Profiles ------------------------------------------------------------------------------------------------------


def render_profile(profile: saved_profiles.SavedProfile) -> BillImportProfileResponse:
    """Wire form of a stored profile."""
    mapping = profile.column_mapping
    return BillImportProfileResponse(
        profile_id=profile.profile_id,
        profile_code=profile.profile_code,
        column_mapping=BillImportProfileColumnMapping.model_validate(asdict(mapping)) if mapping else None,
    )


def _mapping(body: BillImportProfileRequest) -> ColumnMapping | None:
    wire = body.column_mapping
    if wire is None:
        return None
    fields = wire.model_dump(by_alias=False, exclude={"observations"})
    observations = None
    if wire.observations is not None:
        observations = tuple(
            ObservationColumn(o.column_index, o.observation_type_code, o.caption, o.unit_code)
            for o in wire.observations
        )
    return ColumnMapping(**fields, observations=observations)


@router.get("/api/v3/import/bill/profile", response_model=list[BillImportProfileResponse])
def get_bill_import_profiles(db: DatabaseDep, _: Viewer) -> list[BillImportProfileResponse]:
    """Get all bill import profiles."""
    return [render_profile(row) for row in saved_profiles.list_profiles(db)]


@router.get("/api/v3/import/bill/profile/{profileId}", response_model=BillImportProfileResponse)
def get_bill_import_profile(db: DatabaseDep, profileId: int, _: Viewer) -> BillImportProfileResponse:
    """Get a bill import profile."""
    return render_profile(saved_profiles.get_profile(db, profileId))


@router.post("/api/v3/import/bill/profile", response_model=BillImportProfileResponse)
def write_bill_import_profile(
    db: DatabaseDep, clock: ClockDep, body: BillImportProfileRequest, user: Creator
) -> BillImportProfileResponse:
    """Creates a bill import profile (200, as the SDK expects)."""
    profile_id = saved_profiles.create_profile(db, body.profile_code, _mapping(body), user.user_id, clock())
    return render_profile(saved_profiles.get_profile(db, profile_id))


@router.put("/api/v3/import/bill/profile/{profileId}", response_model=BillImportProfileResponse)
def edit_bill_import_profile(
    db: DatabaseDep, profileId: int, body: BillImportProfileRequest, _: Creator
) -> BillImportProfileResponse:
    """Edit a bill import profile."""
    saved_profiles.edit_profile(db, profileId, body.profile_code, _mapping(body))
    return render_profile(saved_profiles.get_profile(db, profileId))


@router.delete("/api/v3/import/bill/profile/{profileId}", status_code=204)
def delete_bill_import_profile(
    db: DatabaseDep, profileId: int, _: Annotated[Principal, Depends(requires("BillsAndBatches", "Delete"))]
) -> Response:
    """Deletes a bill import profile (204, as the SDK expects)."""
    saved_profiles.delete_profile(db, profileId)
    return Response(status_code=204)


# Imports -------------------------------------------------------------------------------------------------------


def _batch_settings(wire: BatchSettings | None) -> ImportBatchSettings | None:
    if wire is None:
        return None
    return ImportBatchSettings(
        batch_mode=wire.batch_mode,
        existing_open_batch_id=wire.existing_open_batch_id,
        leave_existing_batches_open=wire.leave_existing_batches_open,
        new_batch_code=wire.new_batch_code,
        pending_batch_id=wire.pending_batch_id,
    )


@router.post("/api/v3/import/bill", response_model=GuidResponse)
def bill_import_v3(
    db: DatabaseDep,
    settings: SettingsDep,
    clock: ClockDep,
    jobs: JobsDep,
    body: BillImportRequest,
    user: Creator,
    key: IdempotencyKeyHeader = None,
) -> GuidResponse:
    """Import a CSV/TXT/DAT, XLSX or ZIP bill file (base64) in the background; answers the task GUID at once.

    With an Idempotency-Key, a retried request (same key, same file and settings) answers the first task's GUID.
    """
    options = import_tasks.ImportOptions(
        profile_code=body.profile_code,
        batch_settings=_batch_settings(body.batch_settings),
        import_note=body.import_note,
        save_as_resolved=bool(body.save_as_resolved),
        comment=body.comment,
    )
    limits = bill_import.limits_for(settings)

    def run() -> str:
        task_id, guid = import_tasks.start_import(db, body.file_name, body.data, options, user, clock(), limits)
        jobs.enqueue(queue_interface.BILL_IMPORT, task_id)
        return guid

    document = body.model_dump(mode="json", by_alias=True, exclude={"data"})
    document["dataSha256"] = hashlib.sha256((body.data or "").encode()).hexdigest()
    return GuidResponse(task_gu_id=idempotency.import_once(db, user.user_id, key, "import/bill", document, run, clock))


@router.post("/api/v202401/import/bill/task/{taskGuid}/kickout", response_model=GuidResponse)
def import_bill_import_task_kickouts(
    db: DatabaseDep,
    clock: ClockDep,
    jobs: JobsDep,
    taskGuid: str,
    user: Creator,
    body: BillKickoutImportRequest | None = None,
    key: IdempotencyKeyHeader = None,
) -> GuidResponse:
    """Re-import every kickout file of a "Completed with kickouts" bill import task as one new task (SEED-004)."""
    body = body or BillKickoutImportRequest()
    options = import_tasks.ImportOptions(
        batch_settings=_batch_settings(body.batch_settings),
        import_note=body.import_note,
        save_as_resolved=bool(body.save_as_resolved),
        comment=body.comment,
    )

    def run() -> str:
        task_id, guid = import_tasks.reimport_kickouts(db, taskGuid, options, user, clock())
        jobs.enqueue(queue_interface.BILL_IMPORT, task_id)
        return guid

    document = body.model_dump(mode="json", by_alias=True)
    return GuidResponse(
        task_gu_id=idempotency.import_once(
            db, user.user_id, key, f"import/bill/task/{taskGuid}/kickout", document, run, clock
        )
    )


# Tasks ---------------------------------------------------------------------------------------------------------


def render_task(listing: import_tasks.TaskListing) -> TaskResponse:
    """Wire form of a task of services.import_tasks."""
    task = listing.task
    type_id, type_code = import_tasks.TASK_TYPES[task.task_type_code]
    batch = BatchChild(batch_id=task.batch_id, batch_code=listing.batch_code) if task.batch_id is not None else None
    return TaskResponse(
        has_attachments=True,  # deprecated by EnergyCAP, always true (domain.md §3.9)
        task_id=task.task_id,
        task_gu_id=task.task_guid,
        task_type=TaskType(task_type_id=type_id, task_type_code=type_code, task_type_info="Bill Import"),
        begin_date=task.begin_date,
        end_date=task.end_date,
        user=user_of(listing.user),
        message=task.message,
        output=task.output,
        settings=task.settings,
        status=task.status,
        task_note=task.task_note,
        analyzing_count=0,  # the import audits its bills before it commits: none is left being analysed
        unresolved_flag_count=listing.unresolved_flag_count,
        current_success_count=listing.current_success_count,
        batch=batch,
    )


@router.get("/api/v3/task", response_model=list[TaskResponse])
def get_tasks(
    db: DatabaseDep,
    today: TodayDep,
    response: Response,
    user: CurrentUser,
    page: Annotated[PageRequest, Depends(page_request)],
    taskTypeCode: Annotated[str | None, Query(description="Task type code, e.g. BillImport")] = None,
    filter: FilterQuery = None,
) -> list[TaskResponse]:
    """Retrieves a list of tasks: the caller's, or everyone's with BillsAndBatches (Manage)."""
    result = import_tasks.list_tasks(db, taskTypeCode, filter, page.number, page.size, user, today)
    set_paging_headers(response, page, result.total)
    return [render_task(listing) for listing in result.rows]


@router.get("/api/v3/task/{taskGuid}", response_model=TaskResponse)
def get_task(db: DatabaseDep, taskGuid: str, user: CurrentUser) -> TaskResponse:
    """Retrieves a task by its GUID."""
    return render_task(import_tasks.get_task(db, taskGuid, user))


@router.get(
    "/api/v3/task/{taskGuid}/errorOutput",
    response_class=Response,
    responses=files.documented(
        "The kickout file (CSV, XLSX, or a ZIP of them), or a JSON string: a CSV's text, else the file in base64",
        *MEDIA_TYPES.values(),
    ),
)
def get_task_output_file(request: Request, db: DatabaseDep, taskGuid: str, user: CurrentUser) -> Response:
    """A bill import task's kickout file (a ZIP when several source files had kickouts); as a JSON string when the
    request asks for application/json: a CSV's text, an XLSX's or ZIP's bytes in base64."""
    output = import_tasks.error_output(db, taskGuid, user)
    kind = MEDIA_TYPES[output.kind]
    return files.file_response(request, output.content, kind, text=output.kind == "csv", file_name=output.name)


def _summary(summary: import_tasks.KickoutSummary) -> BillImportTaskKickoutSummaryResponse:
    return BillImportTaskKickoutSummaryResponse(
        file_name=summary.file_name, kickout_messages=summary.kickout_messages, task_guid=summary.task_guid
    )


@router.get(
    "/api/v202401/import/bill/task/{taskGuid}/kickout/summary", response_model=BillImportTaskKickoutSummaryResponse
)
def get_task_kickout_summary(db: DatabaseDep, taskGuid: str, user: Viewer) -> BillImportTaskKickoutSummaryResponse:
    """The distinct kickout reasons of a bill import task."""
    return _summary(import_tasks.kickout_summary(db, taskGuid, user))


@router.get(
    "/api/v202401/import/bill/task/{taskGuid}/kickout/{filename}/summary",
    response_model=BillImportTaskKickoutSummaryResponse,
)
def get_task_kickout_summary_by_file(
    db: DatabaseDep, taskGuid: str, filename: str, user: Viewer
) -> BillImportTaskKickoutSummaryResponse:
    """The distinct kickout reasons of one file of a bill import task (a ZIP import has several)."""
    return _summary(import_tasks.kickout_summary(db, taskGuid, user, filename))
