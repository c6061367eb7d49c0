"""Import batch modes (SEED-004, domain.md §4.9, §7 Q13): every mode and every smart-batch path."""

from __future__ import annotations

import pytest

from apportion.domain.batch_modes import (
    BatchFacts,
    BatchInfo,
    BatchMode,
    BatchStatus,
    CreateBatch,
    ImportBatchSettings,
    UseBatch,
    UsePendingBatch,
    batch_ids_named,
    code_to_look_up,
    decide_batch,
    normalize_mode,
)
from apportion.domain.errors import RuleViolation, ValidationFailed

ME, OTHER = 7, 8
GUID = "0f8fad5b-d9cb-469f-a165-70867728950e"
MINE_1 = BatchInfo(11, "MINE-1", BatchStatus.OPEN, ME)
MINE_2 = BatchInfo(12, "MINE-2", BatchStatus.OPEN, ME)
THEIRS = BatchInfo(21, "THEIRS", BatchStatus.OPEN, OTHER)
PENDING_ONE = BatchInfo(31, "WAITING", BatchStatus.PENDING, OTHER)
CLOSED_ONE = BatchInfo(41, "DONE", BatchStatus.CLOSED, ME)


def facts(
    open_batches: tuple[BatchInfo, ...] = (),
    named: tuple[BatchInfo, ...] = (),
    with_code: tuple[BatchInfo, ...] = (),
    manage: bool = False,
) -> BatchFacts:
    return BatchFacts(ME, manage, open_batches, named, with_code, auto_code="me-20240615093000", new_code_suffix=GUID)


def settings(mode: str | None, **fields: object) -> ImportBatchSettings:
    return ImportBatchSettings(batch_mode=mode, **fields)  # type: ignore[arg-type]


def refused(settings_: ImportBatchSettings | None, facts_: BatchFacts) -> RuleViolation:
    with pytest.raises(RuleViolation) as caught:
        decide_batch(settings_, facts_)
    return caught.value


def invalid(settings_: ImportBatchSettings | None, facts_: BatchFacts) -> dict[str, list[str]]:
    with pytest.raises(ValidationFailed) as caught:
        decide_batch(settings_, facts_)
    return caught.value.errors


# Modes and their spelling


def test_unknown_mode_lists_the_five() -> None:
    errors = invalid(settings("newest batch"), facts())
    assert list(errors) == ["batchSettings.batchMode"]
    for mode in tuple(BatchMode):
        assert f"'{mode}'" in errors["batchSettings.batchMode"][0]


def test_modes_are_matched_without_case_or_extra_spaces() -> None:
    assert normalize_mode("  Use   EXISTING batch ") == BatchMode.USE_EXISTING
    assert normalize_mode("") is None
    assert decide_batch(settings("NEW SELF-CONTAINED BATCH"), facts()).mode_applied == BatchMode.NEW_SELF_CONTAINED


def test_field_prefix_can_be_changed() -> None:
    with pytest.raises(ValidationFailed) as caught:
        decide_batch(settings("x"), facts(), prefix="")
    assert list(caught.value.errors) == ["batchMode"]


# No settings (§7 Q13)


def test_no_settings_uses_the_single_open_batch() -> None:
    assert decide_batch(None, facts((MINE_1,))) == UseBatch(11, BatchMode.USE_EXISTING, None)


@pytest.mark.parametrize("open_batches", [(), (MINE_1, MINE_2)])
def test_no_settings_otherwise_opens_an_automatic_batch_leaving_others_open(
    open_batches: tuple[BatchInfo, ...],
) -> None:
    assert decide_batch(None, facts(open_batches)) == CreateBatch(
        "me-20240615093000", (), False, True, BatchMode.NEW, None
    )
    assert decide_batch(settings(None), facts(open_batches)) == CreateBatch(
        "me-20240615093000", (), False, True, BatchMode.NEW, None
    )


# use existing batch


def test_use_existing_without_id_takes_the_single_open_batch() -> None:
    assert decide_batch(settings(BatchMode.USE_EXISTING), facts((MINE_1,))) == UseBatch(
        11, BatchMode.USE_EXISTING, BatchMode.USE_EXISTING
    )


@pytest.mark.parametrize(("open_batches", "count"), [((), 0), ((MINE_1, MINE_2), 2)])
def test_use_existing_without_id_needs_exactly_one_open_batch(open_batches: tuple[BatchInfo, ...], count: int) -> None:
    error = refused(settings(BatchMode.USE_EXISTING), facts(open_batches))
    assert error.message == (
        f"Batch mode 'use existing batch': without existingOpenBatchId you must have exactly one open batch; "
        f"you have {count}."
    )
    assert error.field == "batchSettings.existingOpenBatchId"


def test_use_existing_by_id() -> None:
    chosen = settings(BatchMode.USE_EXISTING, existing_open_batch_id=12)
    assert decide_batch(chosen, facts((MINE_1, MINE_2), named=(MINE_2,))) == UseBatch(
        12, BatchMode.USE_EXISTING, BatchMode.USE_EXISTING
    )


def test_use_existing_by_id_of_another_user_needs_manage() -> None:
    chosen = settings(BatchMode.USE_EXISTING, existing_open_batch_id=21)
    error = refused(chosen, facts(named=(THEIRS,)))
    assert "belongs to another user" in error.message
    assert "BillsAndBatches (Manage)" in error.message
    assert decide_batch(chosen, facts(named=(THEIRS,), manage=True)) == UseBatch(
        21, BatchMode.USE_EXISTING, BatchMode.USE_EXISTING
    )


@pytest.mark.parametrize("batch", [PENDING_ONE, CLOSED_ONE])
def test_use_existing_by_id_must_be_open(batch: BatchInfo) -> None:
    error = refused(
        settings(BatchMode.USE_EXISTING, existing_open_batch_id=batch.batch_id), facts(named=(batch,), manage=True)
    )
    assert f"is {batch.status.lower()}, not open" in error.message
    assert error.field == "batchSettings.existingOpenBatchId"


def test_use_existing_by_unknown_id() -> None:
    error = refused(settings(BatchMode.USE_EXISTING, existing_open_batch_id=99), facts())
    assert error.message == "Batch mode 'use existing batch': batch 99 does not exist."


# new batch


def test_new_batch_closes_the_single_open_batch() -> None:
    decision = decide_batch(settings(BatchMode.NEW, new_batch_code="MARCH"), facts((MINE_1,)))
    assert decision == CreateBatch("MARCH", (11,), False, False, BatchMode.NEW, BatchMode.NEW)


def test_new_batch_with_several_open_batches_fails_unless_they_stay_open() -> None:
    error = refused(settings(BatchMode.NEW), facts((MINE_1, MINE_2)))
    assert "you have 2 open batches" in error.message
    assert error.field == "batchSettings.leaveExistingBatchesOpen"
    error = refused(settings(BatchMode.NEW, leave_existing_batches_open=False), facts((MINE_1, MINE_2)))
    assert "you have 2 open batches" in error.message
    decision = decide_batch(settings(BatchMode.NEW, leave_existing_batches_open=True), facts((MINE_1, MINE_2)))
    assert decision == CreateBatch("me-20240615093000", (), False, True, BatchMode.NEW, BatchMode.NEW)


def test_new_batch_without_open_batches_closes_nothing() -> None:
    assert decide_batch(settings(BatchMode.NEW, new_batch_code="  "), facts()) == CreateBatch(
        "me-20240615093000", (), False, False, BatchMode.NEW, BatchMode.NEW
    )


@pytest.mark.parametrize("mode", [BatchMode.NEW, BatchMode.NEW_SELF_CONTAINED])
def test_new_batch_code_in_use_is_refused(mode: str) -> None:
    error = refused(settings(mode, new_batch_code="done"), facts(with_code=(CLOSED_ONE,)))
    assert error.message == f"Batch mode '{mode}': batch code 'done' is already in use."
    assert error.field == "batchSettings.newBatchCode"


@pytest.mark.parametrize("mode", [BatchMode.NEW, BatchMode.NEW_SELF_CONTAINED, BatchMode.SMART])
def test_new_batch_code_is_at_most_255(mode: str) -> None:
    assert list(invalid(settings(mode, new_batch_code="x" * 256), facts())) == ["batchSettings.newBatchCode"]
    assert isinstance(decide_batch(settings(mode, new_batch_code="x" * 255), facts()), CreateBatch)


def test_new_batch_code_is_ignored_by_other_modes() -> None:
    chosen = settings(BatchMode.USE_EXISTING, new_batch_code="x" * 300)
    assert decide_batch(chosen, facts((MINE_1,))) == UseBatch(11, BatchMode.USE_EXISTING, BatchMode.USE_EXISTING)


# new self-contained batch


def test_self_contained_batch_is_closed_after_and_leaves_open_batches_open() -> None:
    decision = decide_batch(settings(BatchMode.NEW_SELF_CONTAINED), facts((MINE_1, MINE_2)))
    assert decision == CreateBatch(
        "me-20240615093000", (), True, True, BatchMode.NEW_SELF_CONTAINED, BatchMode.NEW_SELF_CONTAINED
    )
    named = decide_batch(settings(BatchMode.NEW_SELF_CONTAINED, new_batch_code="BC-1"), facts())
    assert isinstance(named, CreateBatch)
    assert named.code == "BC-1"


# use pending batch


def test_use_pending_batch() -> None:
    chosen = settings(BatchMode.USE_PENDING, pending_batch_id=31)
    assert decide_batch(chosen, facts(named=(PENDING_ONE,))) == UsePendingBatch(
        31, BatchMode.USE_PENDING, BatchMode.USE_PENDING
    )


def test_use_pending_needs_the_id() -> None:
    errors = invalid(settings(BatchMode.USE_PENDING), facts())
    assert errors == {
        "batchSettings.pendingBatchId": ["pendingBatchId is required when batchMode is 'use pending batch'."]
    }


@pytest.mark.parametrize("batch", [MINE_1, CLOSED_ONE])
def test_use_pending_batch_must_be_pending(batch: BatchInfo) -> None:
    error = refused(settings(BatchMode.USE_PENDING, pending_batch_id=batch.batch_id), facts(named=(batch,)))
    assert error.message == (
        f"Batch mode 'use pending batch': batch '{batch.code}' ({batch.batch_id}) is {batch.status.lower()}, "
        "not pending."
    )
    assert error.field == "batchSettings.pendingBatchId"


def test_use_pending_unknown_id() -> None:
    assert "batch 5 does not exist" in refused(settings(BatchMode.USE_PENDING, pending_batch_id=5), facts()).message


# smart batch


def test_smart_batch_needs_a_code() -> None:
    assert list(invalid(settings(BatchMode.SMART), facts())) == ["batchSettings.newBatchCode"]
    assert list(invalid(settings(BatchMode.SMART, new_batch_code=" "), facts())) == ["batchSettings.newBatchCode"]


def test_smart_batch_closed_code_makes_a_new_batch_with_the_guid_appended() -> None:
    decision = decide_batch(
        settings(BatchMode.SMART, new_batch_code="DONE"), facts((MINE_1, MINE_2), with_code=(CLOSED_ONE,))
    )
    assert decision == CreateBatch(f"DONE-{GUID}", (), False, True, BatchMode.NEW, BatchMode.SMART)


def test_smart_batch_guid_suffix_keeps_the_code_within_255() -> None:
    long_closed = BatchInfo(42, "x" * 255, BatchStatus.CLOSED, ME)
    decision = decide_batch(settings(BatchMode.SMART, new_batch_code="x" * 255), facts(with_code=(long_closed,)))
    assert isinstance(decision, CreateBatch)
    assert len(decision.code) == 255
    assert decision.code.endswith(f"-{GUID}")


def test_smart_batch_uses_the_callers_open_batch_with_that_code() -> None:
    decision = decide_batch(
        settings(BatchMode.SMART, new_batch_code="mine-2"), facts((MINE_1, MINE_2), with_code=(MINE_2,))
    )
    assert decision == UseBatch(12, BatchMode.USE_EXISTING, BatchMode.SMART)


def test_smart_batch_uses_another_users_open_batch_only_with_manage() -> None:
    chosen = settings(BatchMode.SMART, new_batch_code="THEIRS")
    error = refused(chosen, facts(with_code=(THEIRS,)))
    assert error.message == (
        "Batch mode 'use existing batch': batch 'THEIRS' (21) belongs to another user; "
        "using it requires BillsAndBatches (Manage)."
    )
    assert decide_batch(chosen, facts(with_code=(THEIRS,), manage=True)) == UseBatch(
        21, BatchMode.USE_EXISTING, BatchMode.SMART
    )


def test_smart_batch_uses_a_pending_batch_with_that_code() -> None:
    decision = decide_batch(
        settings(BatchMode.SMART, new_batch_code="WAITING"), facts((MINE_1,), with_code=(PENDING_ONE,))
    )
    assert decision == UsePendingBatch(31, BatchMode.USE_PENDING, BatchMode.SMART)


def test_smart_batch_creates_the_code_and_leaves_open_batches_open() -> None:
    decision = decide_batch(settings(BatchMode.SMART, new_batch_code="BC-42"), facts((MINE_1, MINE_2)))
    assert decision == CreateBatch("BC-42", (), False, True, BatchMode.NEW, BatchMode.SMART)


def test_smart_batch_ignores_batches_of_another_code() -> None:
    decision = decide_batch(settings(BatchMode.SMART, new_batch_code="BC-42"), facts(with_code=(MINE_1,)))
    assert decision == CreateBatch("BC-42", (), False, True, BatchMode.NEW, BatchMode.SMART)


def test_smart_batch_prefers_open_over_pending_over_closed() -> None:
    same = (
        BatchInfo(1, "X", BatchStatus.CLOSED, ME),
        BatchInfo(2, "X", BatchStatus.PENDING, ME),
        BatchInfo(3, "x", BatchStatus.OPEN, ME),
    )
    assert decide_batch(settings(BatchMode.SMART, new_batch_code="X"), facts(with_code=same)) == UseBatch(
        3, BatchMode.USE_EXISTING, BatchMode.SMART
    )
    assert decide_batch(settings(BatchMode.SMART, new_batch_code="X"), facts(with_code=same[:2])) == UsePendingBatch(
        2, BatchMode.USE_PENDING, BatchMode.SMART
    )


# What the service loads


def test_batch_ids_named() -> None:
    assert batch_ids_named(None) == ()
    assert batch_ids_named(settings(BatchMode.USE_EXISTING, existing_open_batch_id=4, pending_batch_id=5)) == (4,)
    assert batch_ids_named(settings("use PENDING batch", existing_open_batch_id=4, pending_batch_id=5)) == (5,)
    assert batch_ids_named(settings(BatchMode.NEW, existing_open_batch_id=4)) == ()


def test_code_to_look_up() -> None:
    assert code_to_look_up(None) is None
    assert code_to_look_up(settings(BatchMode.SMART, new_batch_code=" BC ")) == "BC"
    assert code_to_look_up(settings(BatchMode.NEW, new_batch_code="BC")) == "BC"
    assert code_to_look_up(settings(BatchMode.NEW_SELF_CONTAINED, new_batch_code="")) is None
    assert code_to_look_up(settings(BatchMode.USE_EXISTING, new_batch_code="BC")) is None


def test_the_vocabularies_keep_their_wire_and_stored_spelling() -> None:
    assert [str(mode) for mode in BatchMode] == [
        "use existing batch",
        "new batch",
        "new self-contained batch",
        "use pending batch",
        "smart batch",
    ]
    assert [str(status) for status in BatchStatus] == ["Open", "Pending", "Closed"]
