"""Run a bill import task: read, parse, resolve, decide the batch, write bills and kickout files, in one transaction.

Stages (DESIGN.md import pipeline), run once per chunk of CHUNK_BILLS bills as the file streams through them: read
the stored upload in pieces (`importer.readers.stream_files`) -> map rows by profile into bills or kickouts
(`importer.rows.parse_rows`) -> load what the chunk names and resolve its codes and rules (`import_resolution`) ->
batch mode (`batch_choice`, applied before the first bill) -> bulk write (`store.bill_writer`) -> kickout rows
streamed to their file (`importer.kickouts.KickoutFile`). Memory holds one chunk, not the file.
Every write of one import, bills, voided duplicates, batch changes, kickout files and the task's outcome, is
one transaction: a failure leaves nothing half-imported and marks the task Failed with its reason.
Import error handling is EnergyCAP's default "process valid bills" (domain.md §4.10, §7 Q27).
"""

from __future__ import annotations

import bisect
import gc
import itertools
import logging
import time
from array import array
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime
from typing import Any, NamedTuple

from apportion.domain.batch_modes import BatchDecision, BatchStatus
from apportion.domain.bills import BillDraft
from apportion.domain.errors import DomainError, ValidationFailed
from apportion.domain.task_status import TaskStatus
from apportion.domain.workflow import ImportErrorHandling
from apportion.importer.kickouts import KickoutFile
from apportion.importer.limits import ImportLimits
from apportion.importer.profiles import ImportProfile
from apportion.importer.readers import Row, stream_files
from apportion.importer.rows import Kickout, ParsedBill, parse_rows
from apportion.runtime.ahead import Ahead, HandedPieces, handed_stream
from apportion.runtime.memory import cyclic_gc_paused
from apportion.runtime.progress import Progress
from apportion.services.accounting import audits
from apportion.services.billing.batches import header_defaults, mark_pending
from apportion.services.chargebacks import corrections
from apportion.services.chargebacks.corrections import Cause, Change
from apportion.services.imports import batch_choice, saved_profiles
from apportion.services.imports.import_resolution import Resolver, load_catalog, load_reference
from apportion.services.imports.import_tasks import KICKOUT, SOURCE
from apportion.settings import Settings
from apportion.store import locks
from apportion.store.bill_writer import BillWriter
from apportion.store.database import Database, UnitOfWork
from apportion.store.queries import import_tasks as stored
from apportion.store.queries import users, workflow_settings
from apportion.store.queries.batches import BatchRecord
from apportion.store.queries.import_catalog import Catalog

log = logging.getLogger("apportion.import")
CURRENCY_TYPE = "CURRENCY"
STAGES = ("read", "parse", "load", "resolve", "write", "audit", "kickouts")
"""The stages of an import, each timed over all its chunks (the task output's `stageSeconds`)."""
CHUNK_BILLS = 5_000
"""Bills parsed, resolved and written at a time: what an import holds in memory, whatever the file's length."""


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

    `progress` hears (bytes of the upload read, its size, rows read) after each chunk, and (size, size, ...) when
    the import is recorded (before the commit).
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
    locks.lock_bill_imports(session)  # imports take turns (PostgreSQL): each locks its accounts chunk by chunk
    source = stored.open_file(session, task_id, SOURCE)
    if source is None:
        raise LookupError(f"bill import task {task_id} has no source file")
    settings: dict[str, Any] = dict(task.settings or {})
    profile = saved_profiles.profile_in(session, settings.get("profileCode"))
    decision = batch_choice.decide(
        session, batch_choice.settings_from(settings.get("batchSettings")), task.user_id, now
    )
    run = _Run(session, task_id, task.user_id, now, decision, limits)
    run.save_as_resolved = bool(settings.get("saveAsResolved"))
    run.comment = settings.get("comment")
    currency = stored.currency_unit_codes(session, CURRENCY_TYPE)
    watch = _Stopwatch()
    read = _Reader(source, limits, profile, currency, watch)
    kickouts: KickoutFile | None = None
    # The next chunk is read and parsed in a thread while this one is resolved, written and audited (the driver
    # waits on the database with the interpreter lock released); this thread alone uses the session.
    with Ahead(read, depth=1, name=f"import-{task_id}-read") as ahead:
        for item in ahead:
            if isinstance(item, _FileStart):
                kickouts = KickoutFile(item.name, item.kind, item.header, limits, run.kickout_bytes)
                continue
            assert kickouts is not None
            if isinstance(item, _Chunk):
                run.chunk(item.items, kickouts, watch, ahead)
                # The cyclic collector is paused for the import's speed; what little cyclic garbage a chunk leaves
                # (the database layer's) is collected here, among the young objects only, so memory stays flat.
                gc.collect(1)
                if progress is not None:
                    progress(min(read.position(), source.size), source.size, f"{run.rows + item.rows:,} rows read")
                continue
            run.rows += item.rows
            run.files.append({"fileName": item.name, "rowCount": item.rows, "kickoutRowCount": kickouts.rows})
            started = time.perf_counter()
            run.store_kickouts(kickouts)
            watch.add("kickouts", time.perf_counter() - started)
    started = time.perf_counter()
    batch_id = run.finish_batch()
    handling = workflow_settings.load(session).import_error_handling
    if batch_id is not None and run.kicked_rows and handling is ImportErrorHandling.MARK_BATCH_PENDING:
        # domain.md Q27: keep every bill of the file together; the batch waits, its bills void, until fixed.
        mark_pending(session, batch_id, task.user_id, now)
    watch.add("write", time.perf_counter() - started)
    message = f"{run.bills} bills imported from {run.rows} rows; {run.kicked_rows} rows kicked out."
    if run.undone_bills:
        message += (
            f" {run.voided} bills replaced; {len(run.undone_bills)} chargeback bills made from them voided,"
            f" {run.reruns} chargeback periods to run again."
        )
    output = {
        "rowCount": run.rows,
        "billCount": run.bills,
        "kickoutRowCount": run.kicked_rows,
        "voidedBillCount": run.voided,
        "voidedChargebackBillIds": run.undone_bills,
        "chargebackRerunCount": run.reruns,
        "flaggedBillCount": run.flagged,
        "batchMode": getattr(decision, "mode_applied", None),
        "files": run.files,
        "stageSeconds": watch.rounded(),  # where the time went, before the commit: read, parse, load, resolve, ...
    }
    status = TaskStatus.COMPLETED_WITH_KICKOUTS if run.kicked_rows else TaskStatus.COMPLETED
    stored.finish(session, task_id, status, now, message, output, batch_id)
    if progress is not None:
        progress(source.size, source.size, f"{run.rows:,} rows imported")


class _Run:
    """One import's chunks in turn: resolve each against its catalog, write its bills, stream its kickouts.

    Everything here stays in the import's one transaction. What it keeps across chunks is counts, the batch, and
    the id and first row of each bill written (16 bytes a bill), so that a later row of the file repeating an earlier
    bill is reported with that bill's row.
    """

    def __init__(
        self,
        session: UnitOfWork,
        task_id: int,
        user_id: int,
        now: datetime,
        decision: BatchDecision,
        limits: ImportLimits,
    ) -> None:
        self.session, self.task_id, self.user_id, self.now = session, task_id, user_id, now
        self.decision, self.limits = decision, limits
        self.reference = load_reference(session)
        self.scope = users.scope_of(session, user_id)  # a scoped user imports only to accounts it sees
        self.resolver = Resolver(Catalog(reference=self.reference), task_id)
        self.written = _FirstRows()
        self.batch: BatchRecord | None = None
        self.writer: BillWriter | None = None
        self.change = Change(Cause.REPLACED_BY_IMPORT, user_id, now, import_task_id=task_id)
        self.rows = self.bills = self.kicked_rows = self.voided = self.reruns = 0
        self.kickout_bytes = 0
        self.undone_bills: list[int] = []
        self.files: list[dict[str, Any]] = []
        self.save_as_resolved = False  # BillImportRequest.saveAsResolved: resolve what the audits flag
        self.comment: str | None = None
        self.flagged = 0

    def chunk(
        self,
        items: list[ParsedBill | tuple[Kickout, ...]],
        kickouts: KickoutFile,
        watch: _Stopwatch,
        ahead: Ahead[Any] | None = None,
    ) -> None:
        """Resolve, write and kick out one chunk of a file (whole bills, in file order); `items` is emptied once
        resolved. With `ahead`, the thread that reads the file is served between the steps, and let to parse the next
        chunk while this one is written."""
        between = ahead.serve if ahead is not None else _nothing
        between()
        started = time.perf_counter()
        bills = [item for item in items if isinstance(item, ParsedBill)]
        catalog = load_catalog(self.session, self.reference, bills, self.task_id, self.scope)
        self.resolver.chunk(catalog, self.written.first_row)
        loaded = time.perf_counter()
        watch.add("load", loaded - started)
        drafts: list[BillDraft] = []
        first_rows: list[int] = []
        kicked: list[Kickout] = []
        for item in items:
            if not isinstance(item, ParsedBill):
                kicked.extend(item)
                continue
            outcome = self.resolver.resolve(item)
            if isinstance(outcome, str):
                kicked.extend(item.kickouts(outcome))
            else:
                drafts.append(outcome)
                first_rows.append(item.rows[0].line_number)
        # The parsed rows are done with: freed before the next chunk is parsed, so that memory holds one at a time.
        items.clear()
        bills.clear()
        between()
        if ahead is not None:
            ahead.more()  # the writes and audits wait on the database most: the next chunk is parsed meanwhile
        resolved = time.perf_counter()
        watch.add("resolve", resolved - loaded)
        bill_ids = self._write(drafts, first_rows, sorted(self.resolver.to_void), catalog) if drafts else []
        between()
        stored_at = time.perf_counter()
        watch.add("write", stored_at - resolved)
        if bill_ids:
            # accounting.md §3.5: imported bills are audited as they are saved, set-based, in this transaction.
            report = audits.audit_bills(
                self.session, bill_ids, self.user_id, self.now, self.save_as_resolved, self.comment
            )
            self.flagged += report.failed
        written = time.perf_counter()
        watch.add("audit", written - stored_at)
        if kicked:
            kickouts.add(kicked)
        watch.add("kickouts", time.perf_counter() - written)

    def _write(self, drafts: list[BillDraft], first_rows: list[int], to_void: list[int], catalog: Catalog) -> list[int]:
        if self.batch is None:
            self.batch = batch_choice.apply(self.session, self.decision, self.user_id, self.now)
            self.writer = BillWriter(self.session, self.reference.unit_table)
        assert self.writer is not None
        # The chunk's meters were loaded with their commodities: the writer need not read them again.
        self.writer.know_commodities({m.meter_id: m.commodity_id for m in catalog.meters_by_id.values()})
        # domain.md §7 Q14: V (and A/E without VPR) replace an existing bill of the same account and dates; the
        # chargeback bills made from it are undone first, in this transaction (services/chargebacks/corrections.py).
        undone = corrections.undo_dependents(self.session, to_void, self.change)
        self.undone_bills.extend(undone.voided)
        self.reruns += undone.reruns
        stored.void_replaced(self.session, to_void)
        self.voided += len(to_void)
        batch = self.batch
        bill_ids = self.writer.write(
            drafts, batch.batch_id, self.user_id, self.now, header_defaults(batch),
            void=batch.status == BatchStatus.PENDING,
        )  # fmt: skip
        self.written.add(bill_ids, first_rows)
        self.bills += len(drafts)
        return bill_ids

    def store_kickouts(self, kickouts: KickoutFile) -> None:
        """Keep one source file's kickout file with the task (past `max_kickout_bytes` the import fails)."""
        if not kickouts.rows:
            return
        name, content = kickouts.finish()
        self.kickout_bytes += len(content)
        self.kicked_rows += kickouts.rows
        stored.add_file(
            self.session, self.task_id, KICKOUT, name, content, list(kickouts.messages), row_count=kickouts.rows
        )

    def finish_batch(self) -> int | None:
        """After the last chunk: close a self-contained batch; the batch the bills went into (None: no bills)."""
        if self.batch is None:
            return None
        batch_choice.finish(self.session, self.decision, self.batch, self.now)
        return self.batch.batch_id


class _FileStart(NamedTuple):
    """A file of the upload begins (its kickout file is opened)."""

    name: str
    kind: str
    header: tuple[str, ...]


class _Chunk(NamedTuple):
    """Up to CHUNK_BILLS parsed bills (and the kickouts between them) of the current file, and its rows read so far."""

    items: list[ParsedBill | tuple[Kickout, ...]]
    rows: int


class _FileEnd(NamedTuple):
    """The current file has been read: its name and rows."""

    name: str
    rows: int


class _Reader:
    """Reads and parses the upload a chunk at a time, in the reading thread (`runtime.ahead.Ahead`).

    The stored upload is read through the session by the import's own thread (`handed_stream`).
    """

    def __init__(
        self,
        source: stored.OpenedFile,
        limits: ImportLimits,
        profile: ImportProfile,
        currency: frozenset[str],
        watch: _Stopwatch,
    ) -> None:
        self.source, self.limits, self.profile, self.currency, self.watch = source, limits, profile, currency, watch
        self.pieces: HandedPieces | None = None

    def position(self) -> int:
        """How far into the upload the reading thread has read (for progress)."""
        return 0 if self.pieces is None else self.pieces.position

    def __call__(self, ahead: Ahead[_FileStart | _Chunk | _FileEnd]) -> None:
        source, limits, watch = self.source, self.limits, self.watch
        stream, self.pieces = handed_stream(ahead, source.stream, source.size)
        for file in stream_files(source.file_name, stream, source.size, limits):
            rows = _TimedRows(file.rows, watch, self.pieces)
            ahead.put(_FileStart(file.name, file.kind, file.header))
            parsed = parse_rows(file.name, file.header, rows, self.profile, self.currency, limits.max_message_chars)
            while True:
                ahead.room()  # memory holds this chunk and the one being written, no more
                started = time.perf_counter()
                chunk = list(itertools.islice(parsed, CHUNK_BILLS))
                watch.add("parse", time.perf_counter() - started - rows.take_seconds())
                if not chunk:
                    break
                ahead.put(_Chunk(chunk, rows.count))
                del chunk
            ahead.put(_FileEnd(file.name, rows.count))


def _nothing() -> None:
    pass


class _FirstRows:
    """The id and first row of each bill an import has written, in two arrays of 8-byte integers."""

    def __init__(self) -> None:
        self.ids = array("q")
        self.rows = array("q")

    def add(self, bill_ids: Sequence[int], first_rows: Sequence[int]) -> None:
        """Bills just written; ids grow from one write to the next (a sequence, or SQLite's rowid under its lock)."""
        if self.ids and bill_ids and min(bill_ids) <= self.ids[-1]:  # not expected; kept correct all the same
            pairs = sorted([*zip(self.ids, self.rows, strict=True), *zip(bill_ids, first_rows, strict=True)])
            self.ids = array("q", (i for i, _ in pairs))
            self.rows = array("q", (r for _, r in pairs))
            return
        order = sorted(range(len(bill_ids)), key=bill_ids.__getitem__)
        self.ids.extend(bill_ids[k] for k in order)
        self.rows.extend(first_rows[k] for k in order)

    def first_row(self, bill_id: int) -> int:
        """The first file row of a bill this import wrote."""
        position = bisect.bisect_left(self.ids, bill_id)
        if position == len(self.ids) or self.ids[position] != bill_id:
            raise LookupError(bill_id)
        return self.rows[position]


_ROWS_TIMED = 256


class _TimedRows:
    """A file's rows, counted, with the time spent reading them (the reader's time, apart from parsing)."""

    def __init__(self, rows: Iterator[Row], watch: _Stopwatch, pieces: HandedPieces | None = None) -> None:
        self.rows, self.watch, self.pieces = rows, watch, pieces
        self.count = 0
        self.seconds = 0.0
        self.waiting = 0.0  # of `seconds`, waiting for the import's thread to fetch the upload's next piece

    def __iter__(self) -> Iterator[Row]:
        clock, rows, pieces = time.perf_counter, self.rows, self.pieces
        while True:
            # Timed a few hundred rows at a time: two clock readings a row were a few percent of an import.
            started = clock()
            waited = 0.0 if pieces is None else pieces.waited
            batch = list(itertools.islice(rows, _ROWS_TIMED))
            self.seconds += clock() - started
            if pieces is not None:
                self.waiting += pieces.waited - waited
            if not batch:
                return
            self.count += len(batch)
            yield from batch

    def take_seconds(self) -> float:
        """The time spent getting rows since the last call (left out of "parse"); what of it was not waiting for the
        upload's next piece is added to the stopwatch's "read"."""
        seconds, waiting = self.seconds, self.waiting
        self.seconds = self.waiting = 0.0
        self.watch.add("read", seconds - waiting)
        return seconds


class _Stopwatch:
    """Seconds spent in each stage of one import, summed over its chunks, for the task's output and the benchmark."""

    def __init__(self) -> None:
        self.laps: dict[str, float] = dict.fromkeys(STAGES, 0.0)

    def add(self, stage: str, seconds: float) -> None:
        self.laps[stage] += seconds

    def rounded(self) -> dict[str, float]:
        return {stage: round(seconds, 3) for stage, seconds in self.laps.items()}
