"""The batch an import's bills go into: load the facts, decide by batch mode (domain.batches), apply it.

The decision is made twice: when the import is requested, so that a broken batch rule is a 400 naming it
(SEED-004), and again inside the import's own transaction, where it is applied; batches may have changed in
between, in which case the task fails with the rule's message and nothing is written.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from apportion.domain import batch_modes as modes
from apportion.domain import ids
from apportion.domain.batch_modes import BatchDecision, BatchFacts, BatchInfo, ImportBatchSettings
from apportion.domain.permissions import Grants
from apportion.services.billing.batches import BatchSettings, automatic_code, new_batch
from apportion.store import locks
from apportion.store.database import UnitOfWork
from apportion.store.queries import batches as stored
from apportion.store.queries.batches import BatchRecord


def _info(batch: BatchRecord) -> BatchInfo:
    return BatchInfo(batch.batch_id, batch.batch_code, batch.status, batch.created_by)


def can_manage(grants: Grants) -> bool:
    """BillsAndBatches (Manage) lets a user import into another user's open batch (SEED-004)."""
    return grants.allows("BillsAndBatches", "Manage")


def load_facts(session: UnitOfWork, settings: ImportBatchSettings | None, user_id: int, now: datetime) -> BatchFacts:
    """What `domain.batches.decide_batch` needs for this user and these settings, in a few queries."""
    owner = stored.owner(session, user_id)
    user_code = owner.user_code if owner is not None else str(user_id)
    grants = Grants.from_document(owner.permissions) if owner is not None else Grants(frozenset())
    locks.lock_batches_of(session, user_id)  # two imports at once find (or open) the same batch
    open_batches = stored.open_batches_of(session, user_id)
    named = stored.batches(session, [i for i in modes.batch_ids_named(settings) if ids.in_range(i)])
    code = modes.code_to_look_up(settings)
    with_code = stored.batches_with_code(session, code) if code is not None else []
    return BatchFacts(
        user_id=user_id,
        can_manage=can_manage(grants),
        open_batches=tuple(_info(b) for b in open_batches),
        named_batches=tuple(_info(b) for b in named),
        batches_with_code=tuple(_info(b) for b in with_code),
        auto_code=automatic_code(session, user_code, now),
        new_code_suffix=str(uuid.uuid4()),
    )


def decide(session: UnitOfWork, settings: ImportBatchSettings | None, user_id: int, now: datetime) -> BatchDecision:
    """The batch decision for this user now, or the domain error naming the broken rule."""
    return modes.decide_batch(settings, load_facts(session, settings, user_id, now))


def apply(session: UnitOfWork, decision: BatchDecision, user_id: int, now: datetime) -> BatchRecord:
    """Make the decision true: close what it closes, open what it opens; the batch the bills go into."""
    if isinstance(decision, modes.CreateBatch):
        if decision.close_batch_ids:
            stored.close_batches(session, decision.close_batch_ids, now)
        return new_batch(session, BatchSettings(decision.code), user_id, now, prefix="batchSettings.")
    batch = stored.batch(session, decision.batch_id)
    if batch is None:  # decided in this transaction from a row just read, so it exists
        raise LookupError(decision.batch_id)
    return batch


def finish(session: UnitOfWork, decision: BatchDecision, batch: BatchRecord, now: datetime) -> None:
    """After the bills are written: a new self-contained batch is closed (SEED-004)."""
    if isinstance(decision, modes.CreateBatch) and decision.close_after:
        stored.close(session, batch.batch_id, now)


def settings_from(document: dict[str, Any] | None) -> ImportBatchSettings | None:
    """BatchSettings as stored with a task (wire names) back into the domain's settings."""
    if document is None:
        return None
    return ImportBatchSettings(
        batch_mode=document.get("batchMode"),
        existing_open_batch_id=document.get("existingOpenBatchId"),
        leave_existing_batches_open=document.get("leaveExistingBatchesOpen"),
        new_batch_code=document.get("newBatchCode"),
        pending_batch_id=document.get("pendingBatchId"),
    )


def settings_document(settings: ImportBatchSettings | None) -> dict[str, Any] | None:
    """The settings as kept on the task and shown in its `settings` (wire names)."""
    if settings is None:
        return None
    return {
        "batchMode": settings.batch_mode,
        "existingOpenBatchId": settings.existing_open_batch_id,
        "leaveExistingBatchesOpen": settings.leave_existing_batches_open,
        "newBatchCode": settings.new_batch_code,
        "pendingBatchId": settings.pending_batch_id,
    }
