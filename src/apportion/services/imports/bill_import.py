"""Run a bill import task: read, parse, resolve, decide the batch, write bills and kickout files, in one transaction.

Stages (DESIGN.md import pipeline): read the stored upload (`importer.readers`) -> map rows by profile into
bills or kickouts (`importer.rows`) -> resolve codes and check rules (`import_resolution`) -> batch mode
(`import_batches`) -> bulk write (`store.bill_writer`) -> kickout files (`importer.kickouts`).
Every write of one import, bills, voided duplicates, batch changes, kickout files and the task's outcome, is
one transaction: a failure leaves nothing half-imported and marks the task Failed with its reason.
Import error handling is EnergyCAP's default "process valid bills" (domain.md §4.10, §7 Q27).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from apportion.domain.batch_modes import BatchStatus
from apportion.domain.bills import BillDraft
from apportion.domain.errors import DomainError, ValidationFailed
from apportion.domain.task_status import TaskStatus
from apportion.domain.workflow import ImportErrorHandling
from apportion.importer.kickouts import write_kickout_file
from apportion.importer.limits import ImportLimits
from apportion.importer.readers import SourceFile, read_files
from apportion.importer.rows import Kickout, parse_file
from apportion.runtime.memory import cyclic_gc_paused
from apportion.runtime.progress import Progress
from apportion.services.billing.batches import header_defaults, mark_pending
from apportion.services.chargebacks import corrections
from apportion.services.chargebacks.corrections import Cause, Change
from apportion.services.imports import batch_choice, saved_profiles
from apportion.services.imports.import_resolution import Resolver, load_catalog
from apportion.services.imports.import_tasks import KICKOUT, SOURCE
from apportion.settings import Settings
from apportion.store.bill_writer import BillWriter
from apportion.store.database import Database, UnitOfWork
from apportion.store.queries import import_tasks as stored
from apportion.store.queries import workflow_settings

log = logging.getLogger("apportion.import")
CURRENCY_TYPE = "CURRENCY"
STAGES = ("read", "parse", "load", "resolve", "write", "kickouts")
"""The stages of an import, in order: each is one step of `run_import`'s progress."""


def limits_for(settings: Settings) -> ImportLimits:
    """The import size limits the settings configure."""
    return ImportLimits(
        max_bytes=settings.import_max_bytes,
        max_uncompressed_bytes=settings.import_max_uncompressed_bytes,
        max_files_in_zip=settings.import_max_files_in_zip,
        max_compression_ratio=settings.import_max_compression_ratio,
        max_rows=settings.import_max_rows,
        max_columns=settings.import_max_columns,
        max_cells_per_row=settings.import_max_cells_per_row,
        max_message_chars=settings.import_max_message_chars,
        max_kickout_bytes=settings.import_max_kickout_bytes,
    )


def run_import(
    db: Database,
    task_id: int,
    clock: Callable[[], datetime],
    limits: ImportLimits,
    progress: Progress | None = None,
) -> None:
    """The body of a bill import task; runs a Queued task once and records how it ended.

    `progress` hears of each of the STAGES as it ends (before the commit).
    """
    with db.transaction() as session:
        # Claim the task with one conditional UPDATE, so two runners handed the same id never both run it.
        if not stored.claim(session, task_id):
            return  # deleted, or already taken by another run
    try:
        with db.transaction() as session, cyclic_gc_paused():
            _import(session, task_id, clock(), limits, progress)
    except DomainError as error:
        _fail(db, task_id, clock(), _describe(error))
    except Exception:
        log.exception("bill import task %s failed", task_id)
        _fail(db, task_id, clock(), "The import stopped on an unexpected error; nothing was imported.")
        raise


def _describe(error: DomainError) -> str:
    if isinstance(error, ValidationFailed):
        reasons = "; ".join(f"{field}: {' '.join(texts)}" for field, texts in error.errors.items())
        return f"{error.message} {reasons}".strip()
    return error.message


def _fail(db: Database, task_id: int, now: datetime, message: str) -> None:
    with db.transaction() as session:
        stored.fail(session, task_id, now, message[:4000])


def _import(session: UnitOfWork, task_id: int, now: datetime, limits: ImportLimits, progress: Progress | None) -> None:
    # Locked until the commit, and still ours: a run re-queued after its runner was taken for dead waits here for
    # that runner's import to commit or roll back, so a task's bills are written once however often it is run.
    task = stored.locked_task(session, task_id)
    if task is None or task.status != TaskStatus.PROCESSING:
        return
    [source] = stored.files_of(session, task_id, SOURCE)
    settings: dict[str, Any] = dict(task.settings or {})
    profile = saved_profiles.profile_in(session, settings.get("profileCode"))
    watch = _Stopwatch(progress)
    files = read_files(source.file_name, source.content, limits)
    watch.lap("read")
    currency = stored.currency_unit_codes(session, CURRENCY_TYPE)
    results = [parse_file(file, profile, currency, limits.max_message_chars) for file in files]
    watch.lap("parse")
    catalog = load_catalog(session, [bill for result in results for bill in result.bills])
    watch.lap("load")
    resolver = Resolver(catalog, task_id)
    undone = corrections.Undone()
    drafts: list[BillDraft] = []
    kickouts: list[list[Kickout]] = []
    for result in results:
        kicked = list(result.kickouts)
        for bill in result.bills:
            outcome = resolver.resolve(bill)
            if isinstance(outcome, str):
                kicked.extend(bill.kickouts(outcome))
            else:
                drafts.append(outcome)
        kickouts.append(kicked)
    watch.lap("resolve")
    decision = batch_choice.decide(
        session, batch_choice.settings_from(settings.get("batchSettings")), task.user_id, now
    )
    batch_id = None
    if drafts:
        batch = batch_choice.apply(session, decision, task.user_id, now)
        # domain.md §7 Q14: V (and A/E without VPR) replace an existing bill of the same account and dates; the
        # chargeback bills made from it are undone first, in this transaction (services/chargebacks/corrections.py).
        change = Change(Cause.REPLACED_BY_IMPORT, task.user_id, now, import_task_id=task_id)
        undone = corrections.undo_dependents(session, sorted(resolver.to_void), change)
        stored.void_replaced(session, sorted(resolver.to_void))
        BillWriter(session).write(
            drafts, batch.batch_id, task.user_id, now, header_defaults(batch), void=batch.status == BatchStatus.PENDING
        )
        batch_choice.finish(session, decision, batch, now)
        batch_id = batch.batch_id
        handling = workflow_settings.load(session).import_error_handling
        if any(kickouts) and handling is ImportErrorHandling.MARK_BATCH_PENDING:
            # domain.md Q27: keep every bill of the file together; the batch waits, its bills void, until fixed.
            mark_pending(session, batch_id, task.user_id, now)
    watch.lap("write")
    kicked_rows = _store_kickouts(session, task_id, files, kickouts, limits)
    watch.lap("kickouts")
    rows = sum(len(file.rows) for file in files)
    message = f"{len(drafts)} bills imported from {rows} rows; {kicked_rows} rows kicked out."
    if undone.voided:
        message += (
            f" {len(resolver.to_void)} bills replaced; {len(undone.voided)} chargeback bills made from them voided,"
            f" {undone.reruns} chargeback periods to run again."
        )
    output = {
        "rowCount": rows,
        "billCount": len(drafts),
        "kickoutRowCount": kicked_rows,
        "voidedBillCount": len(resolver.to_void),
        "voidedChargebackBillIds": list(undone.voided),
        "chargebackRerunCount": undone.reruns,
        "batchMode": getattr(decision, "mode_applied", None),
        "files": [
            {"fileName": file.name, "rowCount": len(file.rows), "kickoutRowCount": len({k.line_number for k in ks})}
            for file, ks in zip(files, kickouts, strict=True)
        ],
        "stageSeconds": watch.laps,  # where the time went, before the commit: read, parse, load, resolve, ...
    }
    status = TaskStatus.COMPLETED_WITH_KICKOUTS if kicked_rows else TaskStatus.COMPLETED
    stored.finish(session, task_id, status, now, message, output, batch_id)


class _Stopwatch:
    """Seconds spent in each stage of one import, for the task's output and the benchmark."""

    def __init__(self, progress: Progress | None = None) -> None:
        self.laps: dict[str, float] = {}
        self._last = time.perf_counter()
        self._progress = progress

    def lap(self, stage: str) -> None:
        now = time.perf_counter()
        self.laps[stage] = round(now - self._last, 3)
        self._last = now
        if self._progress is not None:
            self._progress(len(self.laps), len(STAGES), stage)


def _store_kickouts(
    session: UnitOfWork,
    task_id: int,
    files: Sequence[SourceFile],
    kickouts: Sequence[Sequence[Kickout]],
    limits: ImportLimits,
) -> int:
    """One kickout file per source file with kickouts; returns how many rows were kicked out.

    Past `limits.max_kickout_bytes` for all of them together, ImportFileRejected fails the task: nothing imported.
    """
    total = 0
    size = 0
    for file, kicked in zip(files, kickouts, strict=True):
        if not kicked:
            continue
        name, content = write_kickout_file(file, kicked, limits, used=size)
        size += len(content)
        lines = {k.line_number for k in kicked}
        total += len(lines)
        messages = list(dict.fromkeys(k.message for k in kicked))
        stored.add_file(session, task_id, KICKOUT, name, content, messages, row_count=len(lines))
    return total
