"""Channel readings as a calculated bill reads them: use summed, demand the largest, times the channel multiplier."""

from __future__ import annotations

from decimal import Decimal
from typing import NamedTuple

from apportion.domain.money import multiply


class ChannelTotals(NamedTuple):
    """A channel's readings over a period: its multiplier (None = 1), their exact sum, largest and smallest."""

    channel_id: int
    multiplier: Decimal | None
    total: Decimal | None
    largest: Decimal | None
    smallest: Decimal | None


def channel_figure(totals: ChannelTotals, *, use: bool) -> Decimal | None:
    """The channel's use (readings summed) or demand (largest reading), times its multiplier; None without readings.

    The multiplier applies to every reading, so Σ(value x m) = m x Σ value and max(value x m) = m x max value, or
    m x min value when m is negative.
    """
    if totals.total is None:
        return None
    factor = totals.multiplier if totals.multiplier is not None else Decimal(1)
    extreme = totals.largest if factor >= 0 else totals.smallest
    reading = totals.total if use else (extreme or Decimal(0))
    return multiply(reading, factor)
