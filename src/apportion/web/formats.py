"""How the pages write figures: money to the cent, use without trailing zeros, signed deltas, periods by name."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def money(value: Decimal | None) -> str:
    """1234.5 -> '1,234.50'; None -> '–'."""
    return "–" if value is None else f"{value:,.2f}"


def quantity(value: Decimal | None) -> str:
    """A use or unit cost without trailing zeros: 1000.000000 -> '1,000', 0.25000000 -> '0.25'."""
    if value is None:
        return "–"
    text = f"{value:,f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def signed(value: Decimal | None, places: int | None = None) -> str:
    """A delta with its sign: +20, −5.00, 0."""
    if value is None:
        return "–"
    text = money(abs(value)) if places == 2 else quantity(abs(value))
    return text if value == 0 else ("+" if value > 0 else "−") + text


def period(value: int | None) -> str:
    """202403 -> 'Mar 2024'."""
    if value is None:
        return "–"
    return f"{MONTHS[value % 100 - 1]} {value // 100}"


def trend(value: Decimal | None) -> str:
    """CSS class of a delta: up, down or flat."""
    if value is None or value == 0:
        return "flat"
    return "up" if value > 0 else "down"


UNIT_COST_PLACES = 4


def unit_cost(value: Decimal | None) -> str:
    """A unit cost to at most four places, without trailing zeros: 0.15000000 -> '0.15', 0.12345678 -> '0.1235'."""
    if value is None:
        return "–"
    return quantity(value.quantize(Decimal(1).scaleb(-UNIT_COST_PLACES)))


def when(value: datetime | date | None) -> str:
    """A moment to the minute (no seconds or microseconds): '2026-11-03 14:05'; a day as '2026-11-03'."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    return value.isoformat()


def compared(value: Decimal, missing: bool, places: int | None = None) -> str:
    """A comparison figure, or '—' when the comparison period has nothing to compare with."""
    if missing:
        return "—"
    return money(value) if places == 2 else quantity(value)


def compared_delta(value: Decimal, missing: bool, places: int | None = None) -> str:
    """A delta against a comparison period, or '—' when that period has nothing (never a delta against nothing)."""
    return "—" if missing else signed(value, places)
