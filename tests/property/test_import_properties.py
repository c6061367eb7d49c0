"""Import properties: kickout files round-trip any cell text, numbers and dates parse exactly, rows are partitioned."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from apportion.domain import periods
from apportion.importer.kickouts import write_kickout_file
from apportion.importer.profiles import DATE_FORMATS, STANDARD_DATES, parse_date, parse_number
from apportion.importer.readers import Row, SourceFile, read_files
from apportion.importer.rows import Kickout, billing_period_for, parse_file

MONTHS: tuple[str, ...] = ("January", "February", "March", "April", "May", "June", "July", "August")
MONTHS += ("September", "October", "November", "December")


def not_skipped(title: str) -> bool:
    return not title.strip().startswith("*")


def not_blank(cells: tuple[str, ...]) -> bool:
    return any(cell.strip() for cell in cells)


@st.composite
def csv_sources(draw: st.DrawFn) -> SourceFile:
    """A CSV source as the reader would give it: a header, and non-blank rows of the header's width."""
    width = draw(st.integers(1, 5))
    header = tuple(draw(st.lists(st.text(max_size=12).filter(not_skipped), min_size=width, max_size=width)))
    row_cells = st.lists(st.text(max_size=20), min_size=width, max_size=width).map(tuple).filter(not_blank)
    rows = draw(st.lists(row_cells, min_size=1, max_size=6))
    return SourceFile("cells.csv", "csv", header, tuple(Row(n + 2, cells) for n, cells in enumerate(rows)))


@settings(max_examples=300)
@given(csv_sources(), st.data())
def test_csv_kickout_file_reads_back_as_the_original_rows(source: SourceFile, data: st.DataObject) -> None:
    kicked = data.draw(st.lists(st.sampled_from(source.rows), min_size=1, unique=True))
    messages = data.draw(st.lists(st.text(min_size=1), min_size=len(kicked), max_size=len(kicked)))
    kickouts = [Kickout(row.line_number, row.cells, m) for row, m in zip(kicked, messages, strict=True)]
    name, content = write_kickout_file(source, kickouts)
    [again] = read_files(name, content)
    assert again.header == source.header
    assert [row.cells for row in again.rows] == [row.cells for row in sorted(kicked, key=lambda r: r.line_number)]


# Numbers: exact digits and exponent, through text with separators, dollars and parentheses.
decimals = st.builds(
    lambda digits, places: Decimal(f"{digits}E-{places}"),  # exact; scaleb would round to 28 digits
    st.integers(-(10**40), 10**40),
    st.integers(0, 15),
)


@given(decimals, st.booleans(), st.booleans(), st.booleans())
def test_number_text_parses_to_the_exact_decimal(value: Decimal, grouped: bool, dollar: bool, parens: bool) -> None:
    magnitude = format(value.copy_abs(), ",f" if grouped else "f")  # abs() would round to 28 digits
    text = ("$" if dollar else "") + magnitude
    if value < 0:
        text = f"({text})" if parens else f"-{text}"
    parsed = parse_number(text)
    assert parsed is not None
    assert parsed.as_tuple() == value.as_tuple()


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_numbers_never_take_a_float_detour(number: float) -> None:
    text = format(Decimal(number), "f")  # the double's exact decimal expansion, often 50+ digits
    assert parse_number(text) == Decimal(number)
    longer = text + ("1" if "." in text else ".1")
    assert parse_number(longer) != Decimal(number)  # one more digit, however small, is kept


# Dates

dates = st.dates(min_value=date(1899, 12, 31), max_value=date(3000, 1, 1))


def written(day: date, date_format: str, short: bool) -> str:
    month = MONTHS[day.month - 1]
    return {
        "mm/dd/yyyy": f"{day.month}/{day.day}/{day.year}" if short else f"{day:%m/%d/%Y}",
        "dd/mm/yyyy": f"{day.day}/{day.month}/{day.year}" if short else f"{day:%d/%m/%Y}",
        "Month dd yyyy": f"{month[:3] if short else month} {day.day:02d} {day.year}",
        "dd Month yyyy": f"{day.day} {month.upper() if short else month} {day.year}",
        "yyyymmdd": f"{day.year:04d}{day.month:02d}{day.day:02d}",
        STANDARD_DATES: f"{day.month}/{day.day}/{day.year}" if short else day.isoformat(),
    }[date_format]


@given(dates, st.sampled_from([*DATE_FORMATS, STANDARD_DATES]), st.booleans())
def test_dates_parse_in_every_format(day: date, date_format: str, short: bool) -> None:
    assert parse_date(written(day, date_format, short), date_format) == day
    assert parse_date(day.isoformat(), date_format) == day


@given(dates, st.integers(0, 400))
def test_billing_period_lies_between_the_start_and_end_months(start: date, days: int) -> None:
    end = min(date(3000, 1, 1), date.fromordinal(start.toordinal() + days))
    assert periods.of_date(start) <= billing_period_for(start, end) <= periods.of_date(end)


# Rows are partitioned: every row ends in exactly one bill or is kicked out, bills keep consecutive rows.

row_texts = st.tuples(
    st.sampled_from(["A", "a", "B", ""]),
    st.sampled_from(["2024-01-01", "1/1/2024", "2024-02-30"]),
    st.sampled_from(["2024-02-01", "2023-12-01", "x"]),
    st.sampled_from(["", "1", "1.5", "abc", "1.234"]),
)


@given(st.lists(row_texts, min_size=1, max_size=12))
def test_every_row_is_in_one_bill_or_kicked_out(cells: list[tuple[str, str, str, str]]) -> None:
    source = SourceFile(
        "rows.csv",
        "csv",
        ("AccountCode", "StartDate", "EndDate", "COST::Fee"),
        tuple(Row(n + 2, c) for n, c in enumerate(cells)),
    )
    result = parse_file(source)
    billed = [row.line_number for bill in result.bills for row in bill.rows]
    kicked = [k.line_number for k in result.kickouts]
    assert sorted(billed + kicked) == [row.line_number for row in source.rows]
    for bill in result.bills:
        lines = [row.line_number for row in bill.rows]
        assert lines == list(range(lines[0], lines[0] + len(lines)))
        assert {row.cells[0].casefold() for row in bill.rows} == {bill.account_code.casefold()}
        assert bill.end_date >= bill.start_date
