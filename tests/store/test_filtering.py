"""Date shortcuts compile to the inclusive bounds they name, on a billing-period column and on a date-time column."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import DateTime, Integer, column

from apportion.domain.filters import Condition, DateShortcut, FieldType
from apportion.store.filtering import compile_condition

TODAY = date(2024, 6, 15)
END = datetime(2024, 6, 15, 23, 59, 59, 999999)


def bounds(shortcut: DateShortcut, field_type: FieldType) -> tuple[object, object]:
    target = column("c", Integer if field_type is FieldType.DATE_PERIOD else DateTime)
    params = compile_condition(Condition("c", field_type, shortcut, ()), target, TODAY).compile().params
    low, high = params.values()
    return low, high


@pytest.mark.parametrize(
    ("shortcut", "expected"),
    [
        (DateShortcut.CURRENT_MONTH, (202406, 202406)),
        (DateShortcut.PRIOR_MONTH, (202405, 202405)),
        (DateShortcut.PRIOR_YEAR, (202301, 202312)),
        (DateShortcut.PRIOR_12_MONTHS, (202306, 202405)),
        (DateShortcut.YEAR_TO_DATE, (202401, 202406)),
        (DateShortcut.TODAY, (datetime(2024, 6, 15), END)),  # a day-wise shortcut compares date-times
    ],
)
def test_on_a_billing_period(shortcut: DateShortcut, expected: tuple[object, object]) -> None:
    assert bounds(shortcut, FieldType.DATE_PERIOD) == expected


@pytest.mark.parametrize(
    ("shortcut", "expected"),
    [
        (DateShortcut.TODAY, (datetime(2024, 6, 15), END)),
        (DateShortcut.YESTERDAY, (datetime(2024, 6, 14), datetime(2024, 6, 14, 23, 59, 59, 999999))),
        (DateShortcut.LAST_7_DAYS, (datetime(2024, 6, 8), END)),
        (DateShortcut.LAST_90_DAYS, (datetime(2024, 3, 17), END)),
        (DateShortcut.CURRENT_MONTH, (datetime(2024, 6, 1), datetime(2024, 6, 30, 23, 59, 59, 999999))),
        (DateShortcut.PRIOR_MONTH, (datetime(2024, 5, 1), datetime(2024, 5, 31, 23, 59, 59, 999999))),
        (DateShortcut.PRIOR_YEAR, (datetime(2023, 1, 1), datetime(2023, 12, 31, 23, 59, 59, 999999))),
        (DateShortcut.YEAR_TO_DATE, (datetime(2024, 1, 1), END)),
        (DateShortcut.PRIOR_12_MONTHS, (datetime(2023, 6, 1), datetime(2024, 5, 31, 23, 59, 59, 999999))),
    ],
)
def test_on_a_date_time(shortcut: DateShortcut, expected: tuple[object, object]) -> None:
    assert bounds(shortcut, FieldType.DATE_TIME) == expected
