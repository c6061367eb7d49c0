"""Bill import tasks: start one (checked at once, run later), list and read them, and fetch their kickout files.

A request is checked before any task exists: base64, file type, size limits and readability (a ZIP bomb is
refused here), the profile and the batch mode's rules. Only then is a Queued task stored with the uploaded
file, and its id handed to the task queue; the import itself is `services.imports.bill_import.run_import`.
Statuses follow domain.md §7 Q2: Queued, Processing, Completed, Completed with kickouts, Failed. `corrections`
lists the chargeback bills an import undid.
"""

from __future__ import annotations

import io
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from apportion.domain import filters, ids, texts
from apportion.domain.batch_modes import ImportBatchSettings
from apportion.domain.errors import NotFound, ValidationFailed
from apportion.domain.filters import FieldSpec, FieldType
from apportion.domain.task_status import TaskStatus
from apportion.importer.kickouts import kickout_file_name, reasons_of, row_messages, zip_files
from apportion.importer.limits import ImportFileRejected, ImportLimits
from apportion.importer.readers import check_upload, decode_base64
from apportion.services.access.auth import Principal
from apportion.services.imports import batch_choice, saved_profiles
from apportion.store import lineage
from apportion.store import scoping as scoped
from apportion.store.database import Database, UnitOfWork
from apportion.store.lineage import CorrectionRow
from apportion.store.queries import import_tasks as stored
from apportion.store.queries.import_tasks import KICKOUT as KICKOUT
from apportion.store.queries.import_tasks import SOURCE as SOURCE
from apportion.store.queries.import_tasks import NewTask
from apportion.store.queries.import_tasks import TaskListing as TaskListing
from apportion.store.queries.import_tasks import TaskPage as TaskPage
from apportion.store.queries.import_tasks import TaskRecord as TaskRecord

BILL_IMPORT = "BillImport"
# GET /api/v3/task's taskTypeCode values (domain.md §3.9); bill imports are the only tasks kept here.
TASK_TYPE_CODES = (
    "AuditGroup", "CostAvoidance", "Report", "Chargeback", "SetupSheet", "UnitsOfMeasure", "Accrual", BILL_IMPORT,
    "EnergyStar", "BillExport", "ReadingImport", "SummarizeReading", "BillUnexport", "V7CostAvoidance", "V7Accrual",
    "Budget", "CostUnitUpdate", "RecordImportPfl", "EsaReadingImpPfl", "RecordImport", "EsaReadingImport",
)  # fmt: skip
TASK_TYPES = {code: (number, code) for number, code in enumerate(TASK_TYPE_CODES, start=1)}

FILTERS = filters.specs(
    FieldSpec("taskId", FieldType.INTEGER, filters.NUMBER_OPS),
    FieldSpec("status", FieldType.STRING, filters.STRING_OPS),
    FieldSpec("batchId", FieldType.INTEGER, filters.NUMBER_OPS),
    FieldSpec("batchCode", FieldType.STRING, filters.STRING_OPS),
    FieldSpec("beginDate", FieldType.DATE_TIME, filters.NUMBER_OPS),
    FieldSpec("endDate", FieldType.DATE_TIME, filters.NUMBER_OPS),
    FieldSpec("fullName", FieldType.STRING, filters.STRING_OPS),
    FieldSpec("userId", FieldType.INTEGER, filters.NUMBER_OPS),
    FieldSpec("taskNote", FieldType.STRING, filters.STRING_OPS),
)


@dataclass(frozen=True)
class ImportOptions:
    """What an import (or a kickout re-import) asks for besides its file: BillImportRequest's other fields.

    `save_as_resolved` and `comment` are kept on the task and applied by the import's audits: a flag the audits
    give an imported bill is resolved and the bill released for export (accounting.md §3.5).
    """

    profile_code: str | None = None
    batch_settings: ImportBatchSettings | None = None
    import_note: str | None = None
    save_as_resolved: bool = False
    comment: str | None = None


def _settings_document(
    file_name: str, options: ImportOptions, profile_code: str, reimport_of: str | None
) -> dict[str, Any]:
    document: dict[str, Any] = {
        "fileName": file_name,
        "profileCode": profile_code,
        "batchSettings": batch_choice.settings_document(options.batch_settings),
        "importNote": options.import_note,
        "saveAsResolved": options.save_as_resolved,
        "comment": options.comment,
    }
    if reimport_of is not None:
        document["kickoutsOfTaskGUId"] = reimport_of
    return document


def queue_import(
    session: UnitOfWork,
    file_name: str,
    content: bytes,
    options: ImportOptions,
    principal: Principal,
    now: datetime,
    parent: TaskRecord | None = None,
) -> TaskRecord:
    """Check the profile and batch rules, then store a Queued task with its source file (inside the caller's UoW)."""
    profile = saved_profiles.profile_in(session, options.profile_code)
    batch_choice.decide(session, options.batch_settings, principal.user_id, now)  # raises the broken rule
    task = stored.insert_task(
        session,
        NewTask(
            task_guid=str(uuid.uuid4()),
            task_type_code=BILL_IMPORT,
            user_id=principal.user_id,
            begin_date=now,
            task_note=options.import_note,
            settings=_settings_document(file_name, options, profile.code, parent.task_guid if parent else None),
            parent_task_id=parent.task_id if parent else None,
        ),
    )
    stored.add_file(session, task.task_id, SOURCE, file_name, content)
    return task


def start_import(
    db: Database,
    file_name: str,
    data: str | None,
    options: ImportOptions,
    principal: Principal,
    now: datetime,
    limits: ImportLimits,
) -> tuple[int, str]:
    """POST /api/v3/import/bill up to the queue: (task id, task GUID) of the new Queued task, or a 400."""
    _check_name(file_name, options)
    if data is not None and len(data) > (limits.max_bytes + 2) // 3 * 4 + len(data) // 60 + 4:
        # Base64 text this long cannot decode to an allowed file (line breaks allowed): refuse before decoding it.
        raise ImportFileRejected(f"{file_name} is larger than the {limits.max_bytes:,}-byte limit.")
    return start_import_bytes(db, file_name, decode_base64(data), options, principal, now, limits)


def start_import_bytes(
    db: Database,
    file_name: str,
    content: bytes,
    options: ImportOptions,
    principal: Principal,
    now: datetime,
    limits: ImportLimits,
) -> tuple[int, str]:
    """`start_import` for a file's bytes (`apportion import FILE`): checked as a stream, then stored with its task."""
    _check_name(file_name, options)
    # Every file problem is a 400 now, not a failed task later; the rows themselves are the task's to build.
    check_upload(file_name, io.BytesIO(content), len(content), limits)
    with db.transaction() as session:
        task = queue_import(session, file_name.strip(), content, options, principal, now)
        return task.task_id, task.task_guid


def _check_name(file_name: str, options: ImportOptions) -> None:
    if not (file_name or "").strip():
        raise ValidationFailed.single("fileName", "The fileName field is required.")
    _check_texts(options, {"fileName": (file_name.strip(), texts.MAX_FILE_NAME)})


def _check_texts(options: ImportOptions, more: dict[str, tuple[str | None, int]] | None = None) -> None:
    """400 naming each text of the request longer than its limit (domain.texts)."""
    notes = {"importNote": (options.import_note, texts.MAX_NOTE), "comment": (options.comment, texts.MAX_NOTE)}
    errors = texts.too_long({**notes, **(more or {})})
    if errors:
        raise ValidationFailed(errors)


def _task_by_guid(session: UnitOfWork, task_guid: str) -> TaskRecord:
    task = None
    try:
        guid = str(uuid.UUID(task_guid))
    except ValueError:
        guid = None
    if guid is not None:
        task = stored.task_with_guid(session, guid)
    if task is None:
        raise NotFound("Task", task_guid)
    return task


def reimport_kickouts(
    db: Database, task_guid: str, options: ImportOptions, principal: Principal, now: datetime
) -> tuple[int, str]:
    """SEED-004: zip every kickout file of a "Completed with kickouts" import into one new Queued task.

    The new task uses the original's profile, so the kickout files (same columns plus a skipped
    "*Kickout Message" column) read as the original did; the original task is left unchanged.
    """
    _check_texts(options)
    with db.transaction() as session:
        original = _task_by_guid(session, task_guid)
        if original.user_id != principal.user_id and not batch_choice.can_manage(principal.grants):
            raise NotFound("Task", task_guid)  # as GET /task/{guid}: another user's task is not visible
        if not principal.scope.whole and not _seen(session, original.task_id, principal):
            raise NotFound("Task", task_guid)  # nor one a scoped user does not see (docs/scoping.md)
        if not kickouts_readable(original.user_id, principal):
            raise NotFound(f"A kickout file of task {original.task_guid}")
        if original.task_type_code != BILL_IMPORT:
            raise ValidationFailed.single("taskGuid", f"Task {original.task_guid} is not a bill import task.")
        if original.status != TaskStatus.COMPLETED_WITH_KICKOUTS:
            raise ValidationFailed.single(
                "taskGuid",
                f"Task {original.task_guid} has status '{original.status}'; only a bill import task with "
                f"status '{TaskStatus.COMPLETED_WITH_KICKOUTS}' has kickouts to import again.",
            )
        files = stored.files_of(session, original.task_id, KICKOUT)
        archive = zip_files([(file.file_name, file.content) for file in files])
        options = ImportOptions(
            profile_code=(original.settings or {}).get("profileCode"),
            batch_settings=options.batch_settings,
            import_note=options.import_note,
            save_as_resolved=options.save_as_resolved,
            comment=options.comment,
        )
        task = queue_import(session, f"kickouts-{original.task_guid}.zip", archive, options, principal, now, original)
        return task.task_id, task.task_guid


def _visible_to(principal: Principal) -> int | None:
    """Whose tasks the principal sees: None for everyone's."""
    # domain.md Appendix A: /task has no permission line; users see their own tasks, BillsAndBatches Manage all.
    return None if batch_choice.can_manage(principal.grants) else principal.user_id


def list_tasks(
    db: Database,
    task_type_code: str | None,
    filter_text: str | None,
    page_number: int,
    page_size: int,
    principal: Principal,
    today: date,
) -> TaskPage:
    """GET /api/v3/task: one page of the caller's tasks (everyone's with Manage), newest first."""
    type_code = None
    if task_type_code is not None and task_type_code.strip():
        type_code = {code.casefold(): code for code in TASK_TYPE_CODES}.get(task_type_code.strip().casefold())
        if type_code is None:
            raise ValidationFailed.single("taskTypeCode", f"taskTypeCode must be one of {', '.join(TASK_TYPE_CODES)}.")
    conditions = ids.parse_filter(filter_text, FILTERS)
    seen = scoped.import_task_ids(principal.scope, principal.user_id)
    with db.reading() as session:
        page = stored.list_tasks(
            session, type_code, conditions, _visible_to(principal), page_number, page_size, today, seen
        )
        return replace(page, rows=_as_seen(session, page.rows, principal))


def get_task(db: Database, task_guid: str, principal: Principal) -> TaskListing:
    """GET /api/v3/task/{taskGuid}: one task with its user, batch and surviving bill count, or NotFound (also for a
    task a scoped user does not see: docs/scoping.md)."""
    seen = scoped.import_task_ids(principal.scope, principal.user_id)
    with db.reading() as session:
        task = _task_by_guid(session, task_guid)
        listing = stored.task_listing(session, task.task_id, _visible_to(principal), seen)
        if listing is None:
            raise NotFound("Task", task_guid)
        return _as_seen(session, [listing], principal)[0]


def _seen(session: UnitOfWork, task_id: int, principal: Principal) -> bool:
    """Whether a scoped user sees the task: it started it, or the task made a bill in its scope."""
    return scoped.holds_import_task(session, principal.scope, principal.user_id, task_id)


# The output's figures about the bills an import made or undid; for a task another user started, a scoped viewer
# is told only those it can be told for its scope (docs/scoping.md).
_WHOLE_FILE_BILL_FIGURES = ("voidedBillCount", "chargebackRerunCount", "flaggedBillCount")


def _as_seen(session: UnitOfWork, rows: Sequence[TaskListing], principal: Principal) -> list[TaskListing]:
    """The tasks as a scoped viewer sees them: for a task another user started, the bills it made that are still
    stored and their unresolved flags count only those in the viewer's scope, and so does the output's billCount;
    the chargeback bills it voided are only those in scope; the figures that cannot be told for a scope are left
    out. Unchanged, and nothing read, for an unlimited viewer or the viewer's own tasks."""
    if principal.scope.whole:
        return list(rows)
    others = [row for row in rows if row.task.user_id != principal.user_id]
    counts = scoped.import_task_counts(session, principal.scope, [row.task.task_id for row in others])
    voided = [i for row in others for i in (row.task.output or {}).get("voidedChargebackBillIds") or ()]
    kept = set(scoped.bills_among(session, principal.scope, voided))
    return [row if row.task.task_id not in counts else _scoped(row, counts[row.task.task_id], kept) for row in rows]


def _scoped(row: TaskListing, counts: tuple[int, int], bills_in_scope: set[int]) -> TaskListing:
    made, flags = counts
    task, output = row.task, row.task.output
    if output is not None:
        output = {key: value for key, value in output.items() if key not in _WHOLE_FILE_BILL_FIGURES}
        output["billCount"] = made
        if "voidedChargebackBillIds" in output:
            output["voidedChargebackBillIds"] = [
                i for i in output["voidedChargebackBillIds"] or () if i in bills_in_scope
            ]
        kicked = output.get("kickoutRowCount", 0)
        message = (
            f"{made} bills in your topmost imported from {output.get('rowCount', 0)} rows; {kicked} rows kicked out."
        )
        task = replace(task, output=output, message=message)
    return replace(row, task=task, current_success_count=made, unresolved_flag_count=flags)


def corrections(db: Database, task_guid: str, principal: Principal) -> list[CorrectionRow]:
    """The chargeback bills a bill import task undid by replacing the bills they were made from; for a scoped
    viewer, the task must be one it sees (docs/scoping.md), and only the bills in its scope are listed."""
    task_id = get_task(db, task_guid, principal).task.task_id
    with db.reading() as session:
        rows = lineage.corrections(session, cause_import_task_id=task_id)
        bills = scoped.logged_bills_among(session, principal.scope, [(c.bill_id, c.version_id) for c in rows])
    return [c for c in rows if c.bill_id in bills]


@dataclass(frozen=True)
class OutputFile:
    """A file to download: its name, content and kind ("csv", "xlsx" or "zip")."""

    name: str
    content: bytes
    kind: str


def kickouts_readable(task_user_id: int, principal: Principal) -> bool:
    """Whether the principal may read a task's kickout rows: a scoped user only those of its own imports, since
    another user's kicked-out rows may name accounts outside its scope (docs/scoping.md)."""
    return principal.scope.whole or task_user_id == principal.user_id


def _kickout_task(db: Database, task_guid: str, principal: Principal) -> TaskRecord:
    """The task whose kickouts the principal asks for (NotFound when it may not read them)."""
    task = get_task(db, task_guid, principal).task
    if not kickouts_readable(task.user_id, principal):
        raise NotFound(f"A kickout file of task {task.task_guid}")
    return task


def error_output(db: Database, task_guid: str, principal: Principal) -> OutputFile:
    """GET /api/v3/task/{taskGuid}/errorOutput: the task's kickout file, or a ZIP of them when there are several."""
    task = _kickout_task(db, task_guid, principal)
    with db.reading() as session:
        files = stored.files_of(session, task.task_id, KICKOUT)
    if not files:
        raise NotFound(f"A kickout file of task {task.task_guid} (status '{task.status}')")
    if len(files) == 1:
        name = files[0].file_name
        return OutputFile(
            name.rsplit("/", 1)[-1], files[0].content, "xlsx" if name.lower().endswith(".xlsx") else "csv"
        )
    return OutputFile(f"kickouts-{task.task_guid}.zip", zip_files([(f.file_name, f.content) for f in files]), "zip")


def _reasons(messages: list[str] | None) -> list[str]:
    """Distinct reasons without their "Row n: " prefixes, in first-seen order: a summary of a file's kickouts (kept
    messages are reasons already; those of tasks stored before that still carry their prefixes)."""
    return list(dict.fromkeys(reason for message in messages or () for reason in reasons_of(message)))


def kickout_rows(db: Database, task_guid: str, principal: Principal) -> list[str]:
    """Every row an import kicked out with its reason ("Row 3: ..."), file by file, in the order they were found;
    each prefixed by its file's name when the upload held several."""
    task = _kickout_task(db, task_guid, principal)
    with db.reading() as session:
        files = stored.files_of(session, task.task_id, KICKOUT)
    several = len(files) > 1
    return [
        f"{f.file_name}: {message}" if several else message
        for f in files
        for message in row_messages(f.file_name, f.content)
    ]


@dataclass(frozen=True)
class KickoutSummary:
    """BillImportTaskKickoutSummaryResponse: a file name, its distinct kickout reasons, the task GUID."""

    file_name: str
    kickout_messages: list[str]
    task_guid: str


def kickout_summary(db: Database, task_guid: str, principal: Principal, file_name: str | None = None) -> KickoutSummary:
    """GET …/kickout/summary (the whole upload) or …/kickout/{filename}/summary (one file of it, by its name in the
    upload or its kickout file's name); 404 for an unknown task or file, 400 for a task that is not a bill import."""
    task = _kickout_task(db, task_guid, principal)
    if task.task_type_code != BILL_IMPORT:
        raise ValidationFailed.single("taskGuid", f"Task {task.task_guid} is not a bill import task.")
    with db.reading() as session:
        files = stored.kickout_messages(session, task.task_id)
    if file_name is None:
        name = str((task.settings or {}).get("fileName") or "")
        return KickoutSummary(name, _reasons([m for f in files for m in f.messages or ()]), task.task_guid)
    wanted = {file_name.casefold(), kickout_file_name(file_name).casefold()}
    # A ZIP member in a folder can be named by its base name too: a path segment cannot hold a "/".
    found = [f for f in files if {f.file_name.casefold(), f.file_name.rsplit("/", 1)[-1].casefold()} & wanted]
    if not found:
        sources = [str(f.get("fileName")) for f in (task.output or {}).get("files", [])]
        if file_name.casefold() not in {s.casefold() for s in sources}:
            raise NotFound(f"File '{file_name}' of task {task.task_guid}")
    return KickoutSummary(file_name, _reasons([m for f in found for m in f.messages or ()]), task.task_guid)
