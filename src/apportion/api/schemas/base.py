"""Base of every wire model, and the exact decimal and naive date-time wire types."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Self

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    ModelWrapValidatorHandler,
    PlainSerializer,
    ValidationError,
    model_validator,
)
from pydantic_core import InitErrorDetails, PydanticCustomError

from apportion.api.wire_numbers import DOCUMENT as DOCUMENT
from apportion.api.wire_numbers import EXACT_MARK as EXACT_MARK
from apportion.api.wire_numbers import FLOAT_DIGITS as FLOAT_DIGITS
from apportion.api.wire_numbers import decimal_out
from apportion.api.wire_numbers import wire_number as wire_number

# Exact decimals (EXACT_MARK, FLOAT_DIGITS, the DOCUMENT context) are written by api.wire_numbers, which renderers
# without models use too; re-exported here for the models' users.

# A bare date with a zone ('2024-01-31Z', '2024-01-31+02:00'): pydantic refuses it, so keep the date part.
_ZONED_DATE = re.compile(r"^\s*(\d{4}-\d{2}-\d{2})\s*(?:[Zz]|[+-]\d{2}:?\d{2})\s*$")


def _datetime_in(value: object) -> object:
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

WireDecimal = Annotated[Decimal, PlainSerializer(decimal_out, when_used="json")]
"""An exact Decimal in Python; read from JSON numbers (the API parses request bodies with decimals, api.wire) or
numeric strings, written as a JSON number with every digit."""


def _is_text(value: str) -> bool:
    """Whether a str is Unicode text: JSON's \\ud800-style escapes can make a lone surrogate, which no database
    column (nor UTF-8) can hold."""
    if value.isascii():
        return True
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _not_text(value: str) -> str:
    code = next(ord(c) for c in value if 0xD800 <= ord(c) <= 0xDFFF)
    return f"Must be Unicode text: \\u{code:04x} is half of a surrogate pair without its other half."


def _lone_surrogates(value: Any, loc: tuple[int | str, ...]) -> Iterator[InitErrorDetails]:
    """An error for every string (or object key) under `value`, at its wire path, that is not text."""
    if isinstance(value, str):
        if not _is_text(value):
            yield InitErrorDetails(type=PydanticCustomError("lone_surrogate", _not_text(value)), loc=loc, input=value)
    elif isinstance(value, dict):
        for key, item in value.items():
            path = (*loc, key if _is_text(str(key)) else "(name)")
            yield from _lone_surrogates(str(key), path)
            yield from _lone_surrogates(item, path)
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            yield from _lone_surrogates(item, (*loc, index))


def _all_text(value: Any) -> bool:
    """Whether every string (and object key) under `value` is text: the quick answer, with no paths, for the
    common case; `_lone_surrogates` then finds the culprits. Every model built runs it (a response page builds
    thousands), so it is a plain loop over the values."""
    if isinstance(value, str):
        return value.isascii() or _is_text(value)
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(item, str):
                if not (item.isascii() or _is_text(item)):
                    return False
            elif isinstance(item, dict | list | tuple) and not _all_text(item):
                return False
            if not (isinstance(key, str) and key.isascii()) and not _is_text(str(key)):
                return False
        return True
    if isinstance(value, list | tuple):
        for item in value:
            if not _all_text(item):
                return False
    return True


class WireModel(BaseModel):
    """A JSON model of EnergyCAP's contract.

    Fields have snake_case Python names and EnergyCAP's camelCase aliases: construct with either, validate
    request bodies by alias, and dump by alias (the default here, so FastAPI responses and `model_dump()` both
    write the wire names). Unknown fields are ignored, as EnergyCAP does; None values are written as nulls.

    Every string of a body, at any depth and whatever its field's type, must be Unicode text: a lone surrogate
    (`"\\ud800"` in JSON) is a 400 naming its field, before anything could try to store it.
    """

    model_config = ConfigDict(populate_by_name=True, extra="ignore", serialize_by_alias=True)

    @model_validator(mode="wrap")
    @classmethod
    def _text_only(cls, data: Any, handler: ModelWrapValidatorHandler[Self]) -> Self:
        if isinstance(data, dict) and not _all_text(data):
            errors = list(_lone_surrogates(data, ()))
            if errors:
                raise ValidationError.from_exception_data(cls.__name__, errors)
        return handler(data)


def dump(model: BaseModel) -> dict[str, Any]:
    """The JSON-ready wire form of a model: camelCase keys, nulls kept, Decimals as numbers, naive date-times."""
    return document(model)


def document(model: BaseModel, **options: Any) -> dict[str, Any]:
    """A model as a JSON document to store (a task's settings, an address): its wire form, with a decimal a float
    cannot carry written as its exact text (WireDecimal reads it back). `options` go to model_dump."""
    return model.model_dump(mode="json", by_alias=True, context={DOCUMENT: True}, **options)
