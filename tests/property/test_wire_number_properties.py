"""Properties of a decimal's wire number (api.schemas.base): an integral value is an int, one of at most 15
significant digits the float whose shortest text is that decimal, a longer one keeps every digit as marked text."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from apportion.api.schemas.base import EXACT_MARK, FLOAT_DIGITS, wire_number

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
