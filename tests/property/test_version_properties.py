"""Version planning against a brute-force model of domain.md §4.1, and copying of instructions."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from decimal import Decimal
from itertools import combinations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from apportion.domain import periods
from apportion.domain.calculations import (
    CalculatedBillInstructions,
    CalendarizedSum,
    CopyFromMeter,
    FixedCost,
    FixedDemand,
    FixedUnitCost,
    FixedUse,
    LineItem,
    MeterCalculation,
    RateSchedule,
    ReadingsChannel,
    UnitCostFromMeter,
    copy_instructions,
)
from apportion.domain.errors import ValidationFailed
from apportion.domain.versions import ExistingVersion, RequestedVersion, plan_version_history

STEPS = {1: "Split", 2: "Calculation"}
PERIODS = [202001, 202006, 202012, 202101, 202106, 202112, 202201]
BAD_PERIODS = [202013, 189912, 300002]
NAMES = ["A", "a ", "B", "C", "", None, "x" * 65]
HORIZON = 2030 * 12


def months(begin: int, end: int | None) -> set[int]:
    """Every month index a version covers, by enumeration (no interval arithmetic)."""
    first = (begin // 100) * 12 + begin % 100 - 1
    last = HORIZON if end is None else (end // 100) * 12 + end % 100 - 1
    return set(range(first, last + 1))


def valid(period: int) -> bool:
    return period in PERIODS or (190001 <= period <= 300001 and 1 <= period % 100 <= 12)


existing_versions = st.lists(
    st.builds(
        ExistingVersion,
        version_id=st.integers(1, 6),
        name=st.sampled_from(["A", "B", "C", "D"]),
        begin_period=st.sampled_from(PERIODS),
        end_period=st.none() | st.sampled_from(PERIODS),
        workflow_step_id=st.none() | st.sampled_from([1, 2]),
        has_bills=st.booleans(),
        chargeback_type=st.sampled_from(["Split", "Split", "Calculation"]),
    ),
    max_size=4,
    unique_by=lambda v: v.version_id,
)
requested_versions = st.lists(
    st.builds(
        RequestedVersion,
        name=st.sampled_from(NAMES),
        begin_period=st.none() | st.sampled_from(PERIODS + BAD_PERIODS[:1]),
        end_period=st.none() | st.sampled_from(PERIODS + BAD_PERIODS),
        version_id=st.none() | st.integers(1, 7),
        copy_version_id=st.none() | st.integers(1, 7),
        workflow_step_id=st.none() | st.sampled_from([1, 2, 99]),
    ),
    max_size=4,
)


MONTHS = [year * 100 + month for year in (2020, 2021, 2022) for month in range(1, 13)]


@st.composite
def near_valid_requests(draw: st.DrawFn) -> tuple[list[ExistingVersion], list[RequestedVersion]]:
    """Mostly valid histories: distinct names, back-to-back periods, known ids; now and then one slip."""
    existing = draw(existing_versions)
    mine = [v.version_id for v in existing if v.chargeback_type == "Split"]
    count = draw(st.integers(0, 4))
    begins = sorted(draw(st.lists(st.sampled_from(MONTHS), min_size=count, max_size=count, unique=True)))
    unused = list(mine)
    items = []
    for k, begin in enumerate(begins):
        following = begins[k + 1] if k + 1 < count else None
        end = None if following is None else periods.prior(following)
        keep_one = draw(st.booleans())
        version_id = unused.pop() if unused and keep_one else None
        copy_id = draw(st.sampled_from([None, *mine])) if version_id is None else None
        item = RequestedVersion(f"V{k}", begin, end, version_id, copy_id, draw(st.sampled_from([None, 1])))
        slip = draw(st.sampled_from([None, None, None, None, "end", "id", "copy", "name", "step"]))
        if slip == "end":
            item = replace(item, end_period=draw(st.sampled_from([following, begin, None])))
        elif slip == "id":
            item = replace(item, version_id=draw(st.sampled_from([7, *mine])), copy_version_id=None)
        elif slip == "copy":
            item = replace(item, copy_version_id=draw(st.sampled_from([7, *mine])))
        elif slip == "name":
            item = replace(item, name=draw(st.sampled_from(["V0", "D", "v1 "])))
        elif slip == "step":
            item = replace(item, workflow_step_id=draw(st.sampled_from([2, 99])))
        items.append(item)
    return existing, draw(st.permutations(items))


def model_errors(existing: Sequence[ExistingVersion], requested: Sequence[RequestedVersion]) -> set[str]:
    """The error keys domain.md §4.1 calls for, checked the slow, obvious way."""
    mine = {v.version_id: v for v in existing if v.chargeback_type == "Split"}
    taken = {v.name.strip().lower() for v in existing if v.chargeback_type != "Split"}
    keys: set[str] = set()
    usable: list[int] = []
    for i, item in enumerate(requested):
        key = (item.name or "").strip().lower()
        earlier = [(r.name or "").strip().lower() for r in requested[:i]]
        if not key or len(item.name or "") > 64 or key in earlier or key in taken:
            keys.add(f"[{i}].name")
        begin_ok = item.begin_period is not None and valid(item.begin_period)
        end_ok = item.end_period is None or valid(item.end_period)
        if not begin_ok:
            keys.add(f"[{i}].beginPeriod")
        if not end_ok:
            keys.add(f"[{i}].endPeriod")
        if begin_ok and end_ok:
            assert item.begin_period is not None
            if item.end_period is not None and item.end_period < item.begin_period:
                keys.add(f"[{i}].endPeriod")
            else:
                usable.append(i)
        if item.version_id is not None and item.copy_version_id is not None:
            keys.add(f"[{i}].copyVersionId")
        elif item.version_id is not None:
            if item.version_id not in mine or item.version_id in [r.version_id for r in requested[:i]]:
                keys.add(f"[{i}].versionId")
        elif item.copy_version_id is not None and item.copy_version_id not in mine:
            keys.add(f"[{i}].copyVersionId")
        if item.workflow_step_id is not None and STEPS.get(item.workflow_step_id) != "Split":
            keys.add(f"[{i}].workflowStepId")
    for i, j in combinations(usable, 2):
        a, b = requested[i], requested[j]
        assert a.begin_period is not None
        assert b.begin_period is not None
        if months(a.begin_period, a.end_period) & months(b.begin_period, b.end_period):
            keys.add(f"[{j}].beginPeriod")
    kept = {r.version_id for r in requested}
    if any(v.has_bills and v.version_id not in kept for v in mine.values()):
        keys.add("versionId")
    return keys


@given(st.tuples(existing_versions, requested_versions) | near_valid_requests())
def test_plan_matches_the_brute_force_model(case: tuple[list[ExistingVersion], list[RequestedVersion]]) -> None:
    existing, requested = case
    expected = model_errors(existing, requested)
    if expected:
        with pytest.raises(ValidationFailed) as caught:
            plan_version_history(existing, requested, "Split", STEPS)
        assert set(caught.value.errors) == expected
        return
    plan = plan_version_history(existing, requested, "Split", STEPS)
    mine = {v.version_id for v in existing if v.chargeback_type == "Split"}
    assert [v.request_index for v in plan.versions] == list(range(len(requested)))
    assert set(plan.deletes) == mine - {r.version_id for r in requested}
    assert {v.version_id for v in plan.updates} == {r.version_id for r in requested} - {None}
    assert [v.source_version_id for v in plan.copies] == [r.copy_version_id for r in requested if r.copy_version_id]
    ordered = plan.ordered
    assert [v.fields.begin_period for v in ordered] == sorted(v.fields.begin_period for v in ordered)
    for a, b in combinations(ordered, 2):
        assert not months(a.fields.begin_period, a.fields.end_period) & months(
            b.fields.begin_period, b.fields.end_period
        )


@given(existing_versions)
def test_resubmitting_the_history_is_a_no_op(existing: list[ExistingVersion]) -> None:
    mine = [v for v in existing if v.chargeback_type == "Split"]
    requested = [
        RequestedVersion(v.name, v.begin_period, v.end_period, v.version_id, None, v.workflow_step_id) for v in mine
    ]
    try:
        plan = plan_version_history(existing, requested, "Split", STEPS)
    except ValidationFailed:
        return  # the stored history itself broke a rule (generated data); nothing to compare
    assert plan.deletes == ()
    assert not any(v.changed for v in plan.versions)


decimals = st.integers(-(10**9), 10**9).map(lambda n: Decimal(n).scaleb(-4))
ids = st.tuples() | st.lists(st.integers(1, 50), max_size=3).map(tuple)
uses = st.one_of(
    st.builds(FixedUse, decimals, st.integers(1, 40)),
    st.builds(CopyFromMeter, st.integers(1, 50), decimals),
    st.builds(MeterCalculation, ids, ids, ids, ids),
    st.builds(CalendarizedSum, ids),
    st.builds(ReadingsChannel, st.integers(1, 50)),
)
costs = st.one_of(
    st.builds(FixedCost, decimals),
    st.builds(FixedUnitCost, decimals, st.integers(1, 40)),
    st.builds(UnitCostFromMeter, st.integers(1, 50)),
    st.builds(CopyFromMeter, st.integers(1, 50), decimals),
    st.builds(MeterCalculation, ids, ids, ids, ids),
    st.just(RateSchedule()),
)
line_items = st.lists(
    st.builds(
        LineItem,
        st.sampled_from(["Fixed", "Percentage", "Subtotal"]),
        st.none() | st.text(max_size=32),
        st.none() | decimals,
        st.none() | st.integers(1, 9),
    ),
    max_size=4,
).map(tuple)
instructions = st.builds(
    CalculatedBillInstructions,
    version_id=st.integers(1, 10**6),
    use=st.none() | uses,
    cost=st.none() | costs,
    demand=st.none() | st.builds(FixedDemand, decimals, st.integers(1, 40)) | st.builds(ReadingsChannel, st.integers()),
    meter_line_items=line_items,
    account_line_items=line_items,
)


@given(instructions, st.integers(1, 10**6))
def test_copy_preserves_every_calculated_instruction(original: CalculatedBillInstructions, new_id: int) -> None:
    copied = copy_instructions(original, new_id)
    assert copied.version_id == new_id
    assert (copied.use, copied.cost, copied.demand) == (original.use, original.cost, original.demand)
    assert copied.meter_line_items == original.meter_line_items
    assert copied.account_line_items == original.account_line_items
    assert copy_instructions(copied, original.version_id) == original
