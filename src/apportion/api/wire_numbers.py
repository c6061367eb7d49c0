"""How the API writes an exact Decimal as a JSON number, without pydantic's models or the web framework.

JSON writers (pydantic's, Python's) write numbers from ints and floats only. An integral decimal is an int, and one
of at most FLOAT_DIGITS significant digits a float whose shortest text is that decimal; a longer one
(98765432109876.54) would lose digits as a float, so it is written as a string carrying EXACT_MARK, which
`exact_numbers` (run on every response body by the API's route class, api.wire.WireRoute) turns back into the number
with every digit. The mark holds a random part drawn at start-up: no stored text can forge it.

schemas.base's WireDecimal serializes with `decimal_out`; renderers that build JSON without models (the digest's,
`apportion digest --json`) use `wire_number` and `exact_numbers` from here, at the cost of no pydantic import.
"""

from __future__ import annotations

import re
import secrets
from decimal import Decimal

from pydantic_core.core_schema import SerializationInfo

FLOAT_DIGITS = 15
EXACT_MARK = f"exact-number-{secrets.token_hex(8)}:"
DOCUMENT = "document"
"""Serialization context key: set (see schemas.base.document), long decimals are written as plain strings, for
storing."""

_MARK = EXACT_MARK.encode("ascii")
_MARKED = re.compile(b'"' + re.escape(_MARK) + rb'(-?[0-9]+(?:\.[0-9]+)?)"')


def decimal_out(value: Decimal, info: SerializationInfo | None = None) -> int | float | str:
    """A Decimal as WireDecimal writes it: an int, a float that carries every digit, or the marked exact text (the
    plain text when serialized with the DOCUMENT context)."""
    if not value.is_finite():
        return float(value)
    whole = value.to_integral_value()
    if value == whole:
        return int(whole)
    # Its text is an upper bound of its digits (a sign, a point and leading zeros count too) and cheaper to make
    # than as_tuple(): a list or digest writes hundreds of thousands of numbers.
    text = str(value)
    if (len(text) <= FLOAT_DIGITS and "E" not in text) or len(value.as_tuple().digits) <= FLOAT_DIGITS:
        return float(value)
    if info is not None and isinstance(info.context, dict) and info.context.get(DOCUMENT):
        return f"{value:f}"
    return f"{EXACT_MARK}{value:f}"


def wire_number(value: Decimal | None) -> int | float | str | None:
    """A Decimal as WireDecimal writes it (None stays None), for renderers that build JSON without models."""
    return None if value is None else decimal_out(value)


def exact_numbers(body: bytes) -> bytes:
    """A JSON body with every marked decimal string written as the number it holds."""
    if _MARK not in body:
        return body
    return _MARKED.sub(rb"\1", body)
