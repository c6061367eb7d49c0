"""Calculation order: which meters a version reads, and calculated meters ordered after the ones they read."""

from __future__ import annotations

import heapq
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import assert_never

from apportion.domain.calculations.evaluation import CalculationFailed
from apportion.domain.calculations.instructions import (
    CalculatedBillInstructions,
    CalendarizedSum,
    CopyFromMeter,
    FixedCost,
    FixedUnitCost,
    FixedUse,
    MeterCalculation,
    RateSchedule,
    ReadingsChannel,
    UnitCostFromMeter,
)


def source_meter_ids(
    instructions: CalculatedBillInstructions, groups: Mapping[int, Sequence[int]] | None = None
) -> frozenset[int]:
    """Meters whose bills the version reads (copy, unit cost, sum, subtract, calendarized; groups expanded)."""
    found: set[int] = set()
    for instruction in (instructions.use, instructions.cost):
        if isinstance(instruction, CopyFromMeter | UnitCostFromMeter):
            found.add(instruction.meter_id)
        elif isinstance(instruction, CalendarizedSum):
            found.update(instruction.meter_ids)
        elif isinstance(instruction, MeterCalculation):
            found.update(instruction.sum_meter_ids, instruction.subtract_meter_ids)
            for group_id in instruction.sum_meter_group_ids + instruction.subtract_meter_group_ids:
                found.update((groups or {}).get(group_id, ()))
        elif not isinstance(instruction, FixedUse | ReadingsChannel | FixedCost | FixedUnitCost | RateSchedule | None):
            assert_never(instruction)  # every other instruction reads no meter's bills
    return frozenset(found)


@dataclass(frozen=True)
class CalculationOrder:
    """Calculated meters in an order where each comes after the calculated meters it reads.

    Meters on a dependency cycle are left out of `order` and listed in `cyclic`; `failures` gives each
    of them the CalculationFailed to record for its version. Meters that only read a cyclic meter stay
    in `order`.
    """

    order: tuple[int, ...]
    cyclic: frozenset[int]
    failures: Mapping[int, CalculationFailed]


def dependency_order(versions: Mapping[int, Collection[int]]) -> CalculationOrder:
    """Order calculated meters (keys) by the meters they read (values; only other keys matter).

    Deterministic: among meters ready at the same time the smallest id comes first.
    Example: {1: {2}, 2: set(), 3: {1, 2}} -> order (2, 1, 3); {1: {2}, 2: {1}, 3: {1}} -> order (3,),
    cyclic {1, 2}.
    """
    needs = {meter: {m for m in reads if m in versions} for meter, reads in versions.items()}
    loops = [c for c in _components(needs) if len(c) > 1 or any(m in needs[m] for m in c)]
    cyclic = {meter for loop in loops for meter in loop}
    pending = {meter: reads - cyclic for meter, reads in needs.items() if meter not in cyclic}
    readers: dict[int, list[int]] = {}
    for meter, reads in pending.items():
        for source in reads:
            readers.setdefault(source, []).append(meter)
    ready = [meter for meter, reads in pending.items() if not reads]
    heapq.heapify(ready)
    order: list[int] = []
    while ready:
        meter = heapq.heappop(ready)
        order.append(meter)
        for reader in readers.get(meter, ()):
            pending[reader].discard(meter)
            if not pending[reader]:
                heapq.heappush(ready, reader)
    failures = {}
    for loop in loops:
        names = ", ".join(str(m) for m in sorted(loop))
        for meter in loop:
            failures[meter] = CalculationFailed(
                f"Calculated meter {meter} cannot be calculated: it is on a cycle of calculated meters that read "
                f"each other's bills ({names})."
            )
    return CalculationOrder(tuple(order), frozenset(cyclic), failures)


def _components(needs: Mapping[int, set[int]]) -> list[frozenset[int]]:
    """Strongly connected components of the 'reads' graph (Tarjan's algorithm, iterative)."""
    index: dict[int, int] = {}
    low: dict[int, int] = {}
    stack: list[int] = []
    on_stack: set[int] = set()
    found: list[frozenset[int]] = []
    for root in sorted(needs):
        if root in index:
            continue
        work = [(root, iter(sorted(needs[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, edges = work[-1]
            child = next(edges, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(needs[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component: set[int] = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.add(member)
                    if member == node:
                        break
                found.append(frozenset(component))
    return found
