"""Import batch modes: which batch the bills of an import go into, decided from settings and loaded facts.

The five modes of BatchSettings.batchMode (SEED-004, domain.md §4.9) and the default without settings
(§7 Q13). The service loads the facts (the caller's open batches, the batches the request names by id or
code), generates the automatic code and the unique suffix, and applies the decision; nothing here writes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import assert_never

from apportion.domain.errors import RuleViolation, ValidationFailed


class BatchMode(StrEnum):
    """BatchSettings.batchMode (SEED-004), as sent and stored with a task's settings."""

    USE_EXISTING = "use existing batch"
    NEW = "new batch"
    NEW_SELF_CONTAINED = "new self-contained batch"
    USE_PENDING = "use pending batch"
    SMART = "smart batch"


class BatchStatus(StrEnum):
    """A batch's status, as stored and sent (domain.md §4.9): bills of a pending batch are void until it opens."""

    OPEN = "Open"
    PENDING = "Pending"
    CLOSED = "Closed"


MAX_CODE = 255
MANAGE = "BillsAndBatches (Manage)"


@dataclass(frozen=True)
class ImportBatchSettings:
    """BatchSettings as requested (the contract's python field names); every field may be absent."""

    batch_mode: str | None = None
    existing_open_batch_id: int | None = None
    leave_existing_batches_open: bool | None = None
    new_batch_code: str | None = None
    pending_batch_id: int | None = None


@dataclass(frozen=True)
class BatchInfo:
    """A batch as the decision needs it: id, code, status (a BatchStatus as stored) and owner."""

    batch_id: int
    code: str
    status: str
    owner_user_id: int


@dataclass(frozen=True)
class BatchFacts:
    """What the service loads before deciding.

    `open_batches`: the caller's open batches. `named_batches`: the batches the settings name by id
    (existingOpenBatchId, pendingBatchId; see `batch_ids_named`), absent when no such batch exists.
    `batches_with_code`: the batches whose code equals `code_to_look_up` (case-insensitively).
    `auto_code`: a fresh automatic code (§7 Q13); `new_code_suffix`: a GUID string for smart batch's
    closed-code case. The domain makes no codes or GUIDs of its own.
    """

    user_id: int
    can_manage: bool
    open_batches: tuple[BatchInfo, ...] = ()
    named_batches: tuple[BatchInfo, ...] = ()
    batches_with_code: tuple[BatchInfo, ...] = ()
    auto_code: str = ""
    new_code_suffix: str = ""


@dataclass(frozen=True)
class UseBatch:
    """Put the bills into this open batch and leave it open."""

    batch_id: int
    mode_applied: BatchMode
    requested_mode: BatchMode | None


@dataclass(frozen=True)
class CreateBatch:
    """Open a new batch with `code` (after closing `close_batch_ids`); close it after the import if `close_after`."""

    code: str
    close_batch_ids: tuple[int, ...]
    close_after: bool
    leave_existing_batches_open: bool
    mode_applied: BatchMode
    requested_mode: BatchMode | None


@dataclass(frozen=True)
class UsePendingBatch:
    """Put the bills into this pending batch and leave it pending (its bills are void)."""

    batch_id: int
    mode_applied: BatchMode
    requested_mode: BatchMode | None


BatchDecision = UseBatch | CreateBatch | UsePendingBatch


def normalize_mode(mode: str | None) -> BatchMode | str | None:
    """The batch mode meant (case and runs of spaces ignored), the text as given when it names none, or None when
    absent."""
    if mode is None or not mode.strip():
        return None
    try:
        return BatchMode(" ".join(mode.split()).casefold())
    except ValueError:
        return mode


def batch_ids_named(settings: ImportBatchSettings | None) -> tuple[int, ...]:
    """The batch ids the service must load into `BatchFacts.named_batches` for these settings."""
    if settings is None:
        return ()
    mode = normalize_mode(settings.batch_mode)
    if mode is BatchMode.USE_EXISTING and settings.existing_open_batch_id is not None:
        return (settings.existing_open_batch_id,)
    if mode is BatchMode.USE_PENDING and settings.pending_batch_id is not None:
        return (settings.pending_batch_id,)
    return ()


def code_to_look_up(settings: ImportBatchSettings | None) -> str | None:
    """The batch code whose batches the service must load into `BatchFacts.batches_with_code`."""
    if settings is None or normalize_mode(settings.batch_mode) not in (
        BatchMode.NEW,
        BatchMode.NEW_SELF_CONTAINED,
        BatchMode.SMART,
    ):
        return None
    return (settings.new_batch_code or "").strip() or None


def default_batch(open_batch_ids: Sequence[int]) -> int | None:
    """The batch a run or an import without batch settings uses: the caller's one open batch; None when they have
    none or several, and a new batch with an automatic code is opened instead (§7 Q13)."""
    return open_batch_ids[0] if len(open_batch_ids) == 1 else None


def decide_batch(
    settings: ImportBatchSettings | None, facts: BatchFacts, prefix: str = "batchSettings."
) -> BatchDecision:
    """Apply the batch mode to the facts: the batch to use or create, or a domain error naming the field.

    Without settings (or without a mode): the caller's single open batch, else a new batch with the
    automatic code, leaving open batches open (§7 Q13).
    """
    mode = normalize_mode(settings.batch_mode if settings else None)
    if settings is None or mode is None:
        chosen = default_batch([batch.batch_id for batch in facts.open_batches])
        if chosen is not None:
            return UseBatch(chosen, BatchMode.USE_EXISTING, None)
        return CreateBatch(facts.auto_code, (), False, True, BatchMode.NEW, None)
    if not isinstance(mode, BatchMode):
        raise ValidationFailed.single(
            f"{prefix}batchMode", f"batchMode must be one of: {', '.join(repr(m.value) for m in BatchMode)}."
        )
    return _Decision(settings, facts, prefix, mode).decide()


class _Decision:
    """One decision in progress; `mode` is the requested mode until smart batch rewrites it."""

    def __init__(self, settings: ImportBatchSettings, facts: BatchFacts, prefix: str, mode: BatchMode) -> None:
        self.settings, self.facts, self.prefix = settings, facts, prefix
        self.requested: BatchMode = mode
        self.mode: BatchMode = mode

    def refuse(self, text: str, field: str | None = None) -> RuleViolation:
        return RuleViolation(f"Batch mode '{self.mode}': {text}", f"{self.prefix}{field}" if field else None)

    def decide(self) -> BatchDecision:
        mode = self.mode
        if mode is BatchMode.USE_EXISTING:
            return self.use_existing()
        if mode is BatchMode.USE_PENDING:
            return self.use_pending()
        if mode is BatchMode.SMART:
            return self.smart(self.requested_code())
        if mode is BatchMode.NEW or mode is BatchMode.NEW_SELF_CONTAINED:
            return self.new_batch(self.requested_code())
        assert_never(mode)

    def new_batch(self, code: str | None) -> CreateBatch:
        """new batch / new self-contained batch: a batch with the requested (or automatic) code."""
        if code is not None and self.with_code():
            raise self.refuse(f"batch code '{code}' is already in use.", "newBatchCode")
        if self.mode is BatchMode.NEW_SELF_CONTAINED:
            return self.create(code or self.facts.auto_code, close=(), close_after=True, leave_open=True)
        leave_open = bool(self.settings.leave_existing_batches_open)
        close: tuple[int, ...] = ()
        if not leave_open:
            if len(self.facts.open_batches) > 1:
                raise self.refuse(
                    f"you have {len(self.facts.open_batches)} open batches and only one can be closed; "
                    "set leaveExistingBatchesOpen to true or close them first.",
                    "leaveExistingBatchesOpen",
                )
            close = tuple(batch.batch_id for batch in self.facts.open_batches)
        return self.create(code or self.facts.auto_code, close=close, close_after=False, leave_open=leave_open)

    def requested_code(self) -> str | None:
        code = (self.settings.new_batch_code or "").strip() or None
        if code is not None and len(code) > MAX_CODE:
            reason = f"newBatchCode is at most {MAX_CODE} characters."
            raise ValidationFailed.single(f"{self.prefix}newBatchCode", reason)
        return code

    def with_code(self) -> list[BatchInfo]:
        code = (self.settings.new_batch_code or "").strip().casefold()
        return [batch for batch in self.facts.batches_with_code if batch.code.strip().casefold() == code]

    def create(self, code: str, close: tuple[int, ...], close_after: bool, leave_open: bool) -> CreateBatch:
        return CreateBatch(code, close, close_after, leave_open, self.mode, self.requested)

    def named(self, batch_id: int, field: str) -> BatchInfo:
        found = next((b for b in self.facts.named_batches if b.batch_id == batch_id), None)
        if found is None:
            raise self.refuse(f"batch {batch_id} does not exist.", field)
        return found

    def has_status(self, batch: BatchInfo, status: BatchStatus, field: str) -> None:
        if batch.status != status:
            state = f"is {batch.status.lower()}, not {status.lower()}"
            raise self.refuse(f"batch '{batch.code}' ({batch.batch_id}) {state}.", field)

    def may_use(self, batch: BatchInfo, field: str) -> None:
        """Another user's open batch needs BillsAndBatches Manage (SEED-004 existingOpenBatchId, smart batch)."""
        if batch.owner_user_id != self.facts.user_id and not self.facts.can_manage:
            raise self.refuse(
                f"batch '{batch.code}' ({batch.batch_id}) belongs to another user; using it requires {MANAGE}.", field
            )

    def use_existing(self) -> UseBatch:
        batch_id = self.settings.existing_open_batch_id
        if batch_id is None:
            count = len(self.facts.open_batches)
            if count != 1:
                raise self.refuse(
                    f"without existingOpenBatchId you must have exactly one open batch; you have {count}.",
                    "existingOpenBatchId",
                )
            return UseBatch(self.facts.open_batches[0].batch_id, self.mode, self.requested)
        batch = self.named(batch_id, "existingOpenBatchId")
        self.has_status(batch, BatchStatus.OPEN, "existingOpenBatchId")
        self.may_use(batch, "existingOpenBatchId")
        return UseBatch(batch.batch_id, self.mode, self.requested)

    def use_pending(self) -> UsePendingBatch:
        batch_id = self.settings.pending_batch_id
        if batch_id is None:
            raise ValidationFailed.single(
                f"{self.prefix}pendingBatchId",
                f"pendingBatchId is required when batchMode is '{BatchMode.USE_PENDING}'.",
            )
        batch = self.named(batch_id, "pendingBatchId")
        # SEED-004 sets no owner rule for a pending batch: the caller's Create permission suffices.
        self.has_status(batch, BatchStatus.PENDING, "pendingBatchId")
        return UsePendingBatch(batch.batch_id, self.mode, self.requested)

    def smart(self, code: str | None) -> BatchDecision:
        """SEED-004 smart batch: follow the path the code's batch decides, rewriting the mode."""
        if code is None:
            raise ValidationFailed.single(
                f"{self.prefix}newBatchCode", f"newBatchCode is required when batchMode is '{BatchMode.SMART}'."
            )
        batches = self.with_code()
        # Codes are unique, so at most one batch matches; should several, open wins over pending over closed.
        mine = [b for b in batches if b.status == BatchStatus.OPEN and b.owner_user_id == self.facts.user_id]
        others = [b for b in batches if b.status == BatchStatus.OPEN and b.owner_user_id != self.facts.user_id]
        pending = [b for b in batches if b.status == BatchStatus.PENDING]
        if mine or others:
            self.mode = BatchMode.USE_EXISTING
            batch = (mine or others)[0]
            self.may_use(batch, "newBatchCode")
            return UseBatch(batch.batch_id, self.mode, self.requested)
        if pending:
            self.mode = BatchMode.USE_PENDING
            return UsePendingBatch(pending[0].batch_id, self.mode, self.requested)
        self.mode = BatchMode.NEW
        if batches:  # only closed batches carry the code: make it unique with the caller's GUID
            suffix = f"-{self.facts.new_code_suffix}"
            return self.create(code[: MAX_CODE - len(suffix)] + suffix, close=(), close_after=False, leave_open=True)
        return self.create(code, close=(), close_after=False, leave_open=True)
