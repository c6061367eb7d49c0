"""Property: a new aggregation version fits into any version history without overlaps or lost periods."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from apportion.domain import periods
from apportion.services.chargebacks.aggregate_meters import place_version

MONTHS = list(periods.span(202001, 202312))


@st.composite
def histories(draw: st.DrawFn) -> tuple[list[tuple[int, int | None]], int]:
    """Non-overlapping spans (gaps allowed, the last one maybe open) and a begin period none of them starts at."""
    starts = sorted(draw(st.sets(st.sampled_from(MONTHS[:-1]), max_size=6)))
    spans: list[tuple[int, int | None]] = []
    for i, first in enumerate(starts):
        limit = periods.prior(starts[i + 1]) if i + 1 < len(starts) else MONTHS[-1]
        choices: list[int | None] = [m for m in MONTHS if first <= m <= limit]
        if i + 1 == len(starts):
            choices.append(None)
        spans.append((first, draw(st.sampled_from(choices))))
    begin = draw(st.sampled_from([m for m in MONTHS if m not in starts]))
    return spans, begin


def _covered(spans: list[tuple[int, int | None]]) -> set[int]:
    return {m for m in MONTHS for first, last in spans if periods.is_effective(m, first, last)}


@given(histories())
def test_new_version_never_overlaps_and_keeps_coverage(history: tuple[list[tuple[int, int | None]], int]) -> None:
    spans, begin = history
    ends, new_end = place_version(spans, begin)
    result = [(first, ends.get(i, last)) for i, (first, last) in enumerate(spans)] + [(begin, new_end)]
    for i, (a_first, a_last) in enumerate(result):
        assert a_last is None or a_first <= a_last
        for b_first, b_last in result[i + 1 :]:
            assert not periods.overlaps(a_first, a_last, b_first, b_last)
    assert _covered(spans) <= _covered(result)
    assert begin in _covered(result)
    later = [first for first, _ in spans if first > begin]
    assert new_end == (periods.prior(min(later)) if later else None)
