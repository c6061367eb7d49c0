"""Calendarization: a meter's bills prorated onto a calendar month by their days inside it (domain.md glossary)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import NamedTuple

from apportion.domain.calculations import MeterFigures
from apportion.domain.money import multiply


class BillSpan(NamedTuple):
    """A meter's bill with its dates and figures (use in the meter's commodity's common unit)."""

    meter_id: int
    bill_id: int
    use: Decimal | None
    cost: Decimal | None
    begin: date
    end: date


def calendarize(
    spans: Sequence[BillSpan], first: date, stop: date
) -> tuple[dict[int, MeterFigures], dict[int, list[int]]]:
    """Each meter's figures for the month [first, stop): every bill overlapping it prorated by its days inside.

    domain.md glossary "Calendarization ... prorating": a bill from Jan 16 to Feb 15 (30 days) gives January
    16/30 of its use and cost. Also returns, per meter, the bills that counted (for the calculated bill's lineage).
    Bills with no day inside (or no day at all) count for nothing.
    """
    found: dict[int, MeterFigures] = {}
    used: dict[int, list[int]] = {}
    for span in spans:
        days = (span.end - span.begin).days
        inside = (min(span.end, stop) - max(span.begin, first)).days
        if days <= 0 or inside <= 0:
            continue
        used.setdefault(span.meter_id, []).append(span.bill_id)
        before = found.get(span.meter_id, MeterFigures(Decimal(0), Decimal(0)))
        found[span.meter_id] = MeterFigures(
            before.use + multiply(span.use or Decimal(0), Decimal(inside), Decimal(days)),
            before.cost + multiply(span.cost or Decimal(0), Decimal(inside), Decimal(days)),
        )
    return found, used
