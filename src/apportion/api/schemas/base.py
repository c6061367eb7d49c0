"""Base of every wire model, and the exact decimal and date-time wire types."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, PlainSerializer


def _naive(value: Any) -> Any:
    """Accept '2024-01-01T00:00:00.000Z', offsets and bare dates as calendar values: drop the zone, never shift."""
    if isinstance(value, str):
        text = value.strip()
        if len(text) == 10:
            text += "T00:00:00"
        text = text.replace("Z", "").replace("z", "")
        if "T" in text:
            day, _, time = text.partition("T")
            for sign in "+-":
                if sign in time:
                    time = time.split(sign, 1)[0]
            text = f"{day}T{time}"
        return text
    if isinstance(value, datetime):
        return value.replace(tzinfo=None)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)
    return value


def _decimal_in(value: Any) -> Any:
    # JSON floats arrive as Python floats only if parsed outside pydantic; repr keeps the shortest exact text.
    if isinstance(value, float):
        return Decimal(repr(value))
    return value


def _decimal_out(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() and abs(value) < 2**53 else float(value)


WireDateTime = Annotated[
    datetime,
    BeforeValidator(_naive),
    PlainSerializer(lambda v: v.replace(microsecond=0).isoformat(), return_type=str, when_used="json"),
]
"""A naive date-time; always written with a time part (msrest requires one), never with a zone."""

WireDecimal = Annotated[
    Decimal,
    BeforeValidator(_decimal_in),
    PlainSerializer(_decimal_out, when_used="json"),
]
"""An exact decimal in Python, a JSON number on the wire (converted only at the boundary)."""


class WireModel(BaseModel):
    """A JSON model of EnergyCAP's contract: camelCase aliases, unknown fields ignored, None kept."""

    model_config = ConfigDict(populate_by_name=True, extra="ignore", serialize_by_alias=True)
