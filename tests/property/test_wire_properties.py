"""Properties of the wire helpers (api.schemas.base): a decimal's wire number (an integral value is an int, one of at
most 15 significant digits the float whose shortest text is that decimal, a longer one keeps every digit as marked
text), and the quick text check every model runs, which agrees with the detailed one."""

from __future__ import annotations

import json
from decimal import Decimal

import pydantic_core
from hypothesis import given
from hypothesis import strategies as st

from apportion.api.schemas.base import EXACT_MARK, FLOAT_DIGITS, _all_text, _lone_surrogates, wire_number
from apportion.api.wire_numbers import exact_numbers

decimals = st.one_of(
    st.decimals(allow_nan=False, allow_infinity=False, places=2, min_value=-(10**17), max_value=10**17),
    st.decimals(allow_nan=False, allow_infinity=False, places=8, min_value=-(10**9), max_value=10**9),
    st.decimals(allow_nan=False, allow_infinity=False),
)


@given(decimals)
def test_the_wire_number_is_the_decimal_with_every_digit(value: Decimal) -> None:
    written = wire_number(value)
    if value == value.to_integral_value():
        assert written == int(value)
        assert isinstance(written, int)
    elif len(value.as_tuple().digits) <= FLOAT_DIGITS:
        assert isinstance(written, float)
        assert Decimal(repr(written)) == value  # the float's shortest text is the decimal
    else:
        assert written == f"{EXACT_MARK}{value:f}"


def test_small_and_signed_fractions_are_floats() -> None:
    assert wire_number(Decimal("0.00000001")) == 1e-08
    assert wire_number(Decimal("-0.000123456789012")) == -0.000123456789012
    assert wire_number(Decimal("12.50")) == 12.5
    assert wire_number(Decimal("98765432109876.54")) == f"{EXACT_MARK}98765432109876.54"
    assert wire_number(None) is None


@given(decimals)
def test_a_body_written_without_models_carries_every_digit_indented_or_not(value: Decimal) -> None:
    """What the digest's JSON does (api.digest_json), for the API and for `apportion digest --json` (indented)."""
    for indent in (None, 2):
        body = exact_numbers(pydantic_core.to_json({"cost": [wire_number(value)]}, indent=indent))
        assert EXACT_MARK.encode() not in body
        assert json.loads(body, parse_float=Decimal) == {"cost": [value]}


# Any code point, lone surrogates included (JSON's \\ud800 escapes make them).
texts = st.text(st.characters() | st.sampled_from(["\ud800", "\udbff", "\udc00", "\udfff"]), max_size=6)
documents = st.recursive(
    st.none() | st.integers() | st.decimals(allow_nan=False) | texts,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(texts | st.integers(), inner, max_size=4),
    max_leaves=12,
)


@given(documents)
def test_the_quick_text_check_agrees_with_the_detailed_one(document: object) -> None:
    assert _all_text(document) == (not list(_lone_surrogates(document, ())))


def test_a_lone_surrogate_anywhere_is_not_text() -> None:
    assert _all_text({"a": [1, {"b": "caf\u00e9"}], 2: None})
    assert not _all_text({"a": [1, {"b": "x\ud800"}]})
    assert not _all_text({"\udc00": 1})
    assert not _all_text(["ok", ("\udfff",)])
