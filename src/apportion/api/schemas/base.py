"""Base of every wire model, and the exact decimal and naive date-time wire types."""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, PlainSerializer

# A bare date with a zone ('2024-01-31Z', '2024-01-31+02:00'): pydantic refuses it, so keep the date part.
_ZONED_DATE = re.compile(r"^\s*(\d{4}-\d{2}-\d{2})\s*(?:[Zz]|[+-]\d{2}:?\d{2})\s*$")


def _datetime_in(value: Any) -> Any:
    """Shape what pydantic's own ISO-8601 parser would refuse; numbers are not date-times on this wire."""
    if isinstance(value, str):
        match = _ZONED_DATE.match(value)
        return f"{match.group(1)}T00:00:00" if match else value
    if isinstance(value, bool | int | float | Decimal):
        # EnergyCAP (a .NET service) takes ISO-8601 text only; a Unix timestamp would silently mean UTC.
        raise ValueError("Input should be an ISO-8601 date-time string")
    if isinstance(value, date) and not isinstance(value, datetime):
        return datetime(value.year, value.month, value.day)
    return value


def _drop_zone(value: datetime) -> datetime:
    # domain.md §1.5: the SDK always sends `...T00:00:00.000Z`; it is a calendar value, so drop the zone, never shift.
    return value.replace(tzinfo=None)


def _datetime_out(value: datetime) -> str:
    # domain.md §1.5: msrest's iso-8601 reader needs a time part; EnergyCAP writes naive date-times.
    return value.replace(tzinfo=None).isoformat(timespec="seconds")


def _decimal_out(value: Decimal) -> int | float:
    # A JSON number at the boundary only; integral values stay exact as ints.
    if value == value.to_integral_value() and abs(value) < 2**53:
        return int(value)
    return float(value)


def wire_number(value: Decimal | None) -> int | float | None:
    """A Decimal as WireDecimal writes it (None stays None), for renderers that build JSON without models."""
    return None if value is None else _decimal_out(value)


def wire_day(value: datetime | None) -> date | None:
    """The date of a wire date-time (EnergyCAP writes dates as midnight date-times)."""
    return value.date() if value is not None else None


WireDateTime = Annotated[
    datetime,
    BeforeValidator(_datetime_in),
    AfterValidator(_drop_zone),
    PlainSerializer(_datetime_out, return_type=str, when_used="json"),
]
"""A naive date-time: reads ISO-8601 with or without time part or zone (zone dropped, never shifted);
writes `YYYY-MM-DDTHH:MM:SS` in JSON."""

WireDecimal = Annotated[Decimal, PlainSerializer(_decimal_out, when_used="json")]
"""An exact Decimal in Python; read from JSON numbers or numeric strings (pydantic reads a JSON number through its
shortest text, so `0.1` is `Decimal('0.1')`), written as a JSON number."""


class WireModel(BaseModel):
    """A JSON model of EnergyCAP's contract.

    Fields have snake_case Python names and EnergyCAP's camelCase aliases: construct with either, validate
    request bodies by alias, and dump by alias (the default here, so FastAPI responses and `model_dump()` both
    write the wire names). Unknown fields are ignored, as EnergyCAP does; None values are written as nulls.
    """

    model_config = ConfigDict(populate_by_name=True, extra="ignore", serialize_by_alias=True)


def dump(model: BaseModel) -> dict[str, Any]:
    """The JSON-ready wire form of a model: camelCase keys, nulls kept, Decimals as numbers, naive date-times."""
    return model.model_dump(mode="json", by_alias=True)
