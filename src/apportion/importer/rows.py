"""Rows to parsed bills: consecutive rows of one account, vendor and dates make one bill, or one kickout.

A row that cannot be parsed kicks out every row of its bill, so the kickout file re-imports the bill as
one (domain.md §4.10 legacy caveat). Nothing here looks anything up: account, vendor, meter, observation
type and unit codes are resolved, and their rules checked, by the import service.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, NamedTuple, TypeVar

from apportion.domain import periods
from apportion.domain.bills import BillHeader
from apportion.domain.tuples import new_tuple as _new
from apportion.importer import columns as c
from apportion.importer.columns import DEFAULT_CURRENCY_UNITS, Layout, LayoutError, layout_for
from apportion.importer.profiles import STANDARD, CellError, ImportProfile, parse_date, parse_number
from apportion.importer.readers import Row, SourceFile

ACTUAL, CORRECTED, ESTIMATED = "A", "C", "E"
VOID, PRESERVE, REJECT = "V", "P", "R"
# BillCreate ranges (models.md) and the bill columns' sizes.
MAX_BILL_PERIOD, MAX_ACCOUNT_PERIOD = 209912, 209913
MAX_INVOICE_NUMBER, MAX_CONTROL_CODE, MAX_NOTE = 32, 255, 4000
MAX_MESSAGE_CHARS = 4000  # ImportLimits.max_message_chars: one row's kickout message
_COST_PLACES, _COST_DIGITS, _VALUE_PLACES, _VALUE_DIGITS = 2, 16, 6, 18
# The cells `parse_number` reads as they are (no sign to move, no separators or `$`): most cells of a file.
_SIMPLE_NUMBER = re.compile(r"-?\d+(?:\.\d+)?", re.ASCII)


@dataclass(frozen=True)
class Kickout:
    """A row that was not imported: its line in the source file, its cells, and why."""

    line_number: int
    cells: tuple[str, ...]
    message: str


class ParsedLine(NamedTuple):
    """A line item; `unit_code` is the unit of `value` (None when there is no value)."""

    observation_type_code: str
    caption: str | None
    unit_code: str | None
    value: Decimal | None
    cost: Decimal | None


class ParsedMeterRow(NamedTuple):
    """One row of a bill: a meter (or account-level lines when `meter_code` is None) and its line items."""

    line_number: int
    meter_code: str | None
    serial_number: str | None
    commodity_code: str | None
    rate_code: str | None
    lines: tuple[ParsedLine, ...]


class ParsedBill(NamedTuple):
    """A bill as the file states it, with the rows it came from (to kick them all out if it fails later).

    `ace`: A actual, C corrected, E estimated (blank means A); `vpr`: V, P, R or None (domain.md §4.10, §7 Q14).
    `billing_period` is the file's; `period` falls back to the midpoint rule.
    """

    source_name: str
    account_code: str
    vendor_code: str | None
    start_date: date
    end_date: date
    billing_period: int | None
    header: BillHeader
    ace: str
    vpr: str | None
    pay_amount: Decimal | None
    meters: tuple[ParsedMeterRow, ...]
    rows: tuple[Row, ...]

    @property
    def estimated(self) -> bool:
        """The A/C/E flag says estimated."""
        return self.ace == ESTIMATED

    @property
    def period(self) -> int:
        """The file's billing period, else the one the midpoint rule gives."""
        return self.billing_period or billing_period_for(self.start_date, self.end_date)

    def kickouts(self, message: str) -> tuple[Kickout, ...]:
        """Every row of this bill kicked out with `message` (for failures found by the service)."""
        return tuple(Kickout(row.line_number, row.cells, message) for row in self.rows)


@dataclass(frozen=True)
class ParseResult:
    """What one source file gave: bills to import and rows kicked out (in file order)."""

    source_name: str
    bills: tuple[ParsedBill, ...]
    kickouts: tuple[Kickout, ...]


def billing_period_for(start: date, end: date) -> int:
    """The month holding the day midway from start to end (domain.md §1.9, §7 Q25 default rule).

    billing_period_for(date(2024, 1, 1), date(2024, 2, 1)) == 202401 (midpoint 2024-01-16);
    billing_period_for(date(2023, 12, 17), date(2024, 1, 16)) == 202401 (midpoint 2024-01-01).
    """
    return periods.of_date(start + timedelta(days=max(0, (end - start).days) // 2))


def parse_file(
    source: SourceFile,
    profile: ImportProfile = STANDARD,
    currency_units: frozenset[str] = DEFAULT_CURRENCY_UNITS,
    max_message_chars: int = MAX_MESSAGE_CHARS,
) -> ParseResult:
    """Parse a source file with a profile into bills and kickouts; `currency_units` mark cost columns.

    A row's kickout message is cut at `max_message_chars`. A header the profile cannot read kicks out every row,
    but only the first row's message lists the header's problems (each unknown column once); the others point to it.
    """
    bills: list[ParsedBill] = []
    kickouts: list[Kickout] = []
    for item in parse_rows(source.name, source.header, source.rows, profile, currency_units, max_message_chars):
        if isinstance(item, ParsedBill):
            bills.append(item)
        else:
            kickouts.extend(item)
    return ParseResult(source.name, tuple(bills), tuple(kickouts))


def parse_rows(
    source_name: str,
    header: tuple[str, ...],
    rows: Iterable[Row],
    profile: ImportProfile = STANDARD,
    currency_units: frozenset[str] = DEFAULT_CURRENCY_UNITS,
    max_message_chars: int = MAX_MESSAGE_CHARS,
) -> Iterator[ParsedBill | tuple[Kickout, ...]]:
    """`parse_file` as a stream, in file order: each bill as it is read, or the kickouts of its rows.

    Rows are taken from `rows` one bill at a time, so a file of any length is parsed holding one bill's rows.
    """
    try:
        layout = layout_for(header, profile, currency_units)
    except LayoutError as error:
        see = ""
        for row in rows:
            if not see:
                see = f"The header cannot be read with this profile; see the message of row {row.line_number}."
                yield (Kickout(row.line_number, row.cells, cut(error.message, max_message_chars)),)
            else:
                yield (Kickout(row.line_number, row.cells, see),)
        return
    plan = _Plan(layout)
    for group in _groups(rows, plan):
        reader = _BillReader(source_name, plan, group, max_message_chars)
        bill = reader.bill()
        if bill is None:
            message = reader.message()
            yield tuple(Kickout(row.line_number, row.cells, message) for row in group)
        else:
            yield bill


def cut(message: str, max_chars: int) -> str:
    """`message` if it fits in `max_chars`, else its start and a note that it was cut (the result fits)."""
    if len(message) <= max_chars:
        return message
    note = f" ... (cut at {max_chars:,} characters)"
    if len(note) >= max_chars:
        return message[:max_chars]
    return message[: max_chars - len(note)] + note


def _cell(row: Row, layout: Layout, field: str) -> str:
    index = layout.fields.get(field)
    return row.cells[index].strip() if index is not None and index < len(row.cells) else ""


def _at(row: Row, index: int | None) -> str:
    cells = row.cells
    return cells[index].strip() if index is not None and index < len(cells) else ""


_DATES_KEPT = 4096
_NO_HEADER = BillHeader()  # immutable: shared by the bills of files without header columns


class _Plan:
    """A layout prepared once per file: each field's index, and every date text parsed at most once.

    Files repeat the same few dates on thousands of rows, so a date's text is parsed once and its outcome
    (the date, or why it is not one) reused by the grouping and by every bill.
    """

    def __init__(self, layout: Layout) -> None:
        self.layout = layout
        fields = layout.fields
        self.account = fields.get(c.ACCOUNT_CODE)
        self.vendor = fields.get(c.VENDOR_CODE)
        self.start = fields.get(c.START_DATE)
        self.end = fields.get(c.END_DATE)
        self.meter_fields = tuple(fields.get(field) for field in (c.METER_CODE, c.SERIAL_NUMBER, c.COMMODITY, c.RATE))
        # Only the bill-level fields the file has are read per row; the others are None on every row.
        self.head = tuple(field for field in _HEAD_FIELDS if field in fields)
        self._dates: dict[str, date | CellError] = {}
        # Each line item's columns as plain tuples, read on every row.
        self.lines = tuple(
            (line.observation_type_code, line.caption, line.unit_code, line.value_index, line.value_label,
             line.cost_index, line.cost_label)
            for line in layout.lines
        )  # fmt: skip

    def date(self, text: str) -> date | CellError:
        """`text` (stripped, not empty) as a date of the layout's format, or the CellError saying why not."""
        known = self._dates.get(text)
        if known is None:
            try:
                known = parse_date(text, self.layout.date_format)
            except CellError as error:
                known = error
            if len(self._dates) >= _DATES_KEPT:  # a file of ever new dates (or bad ones) keeps no more than this
                self._dates.clear()
            self._dates[text] = known
        return known


def _groups(rows: Iterable[Row], plan: _Plan) -> Iterator[list[Row]]:
    """Runs of consecutive rows with the same account code, vendor code, start and end date."""

    def date_key(text: str) -> object:
        parsed = plan.date(text) if text else None
        return parsed if isinstance(parsed, date) else text

    account, vendor, start, end = plan.account, plan.vendor, plan.start, plan.end
    # The four columns' cells are read directly (this runs on every row) where the row has them all.
    direct = account is not None and start is not None and end is not None
    inside = max(-1 if i is None else i for i in (account, vendor, start, end))
    at_account, at_start, at_end = account or 0, start or 0, end or 0  # read only when `direct`
    group: list[Row] = []
    current: tuple[object, ...] = ()
    for row in rows:
        cells = row.cells
        if direct and inside < len(cells):
            here = (
                cells[at_account].strip().casefold(),
                cells[vendor].strip().casefold() if vendor is not None else "",
                date_key(cells[at_start].strip()),
                date_key(cells[at_end].strip()),
            )
        else:
            here = (
                _at(row, account).casefold(),
                _at(row, vendor).casefold() if vendor is not None else "",
                date_key(_at(row, start)),
                date_key(_at(row, end)),
            )
        if group and here != current:
            yield group
            group = []
        current = here
        group.append(row)
    if group:
        yield group


T = TypeVar("T")


def _first(values: Iterable[T | None]) -> T | None:
    return next((value for value in values if value is not None), None)


# The bill-level fields read on every row of a bill, in the order their problems are reported.
_HEAD_FIELDS = (
    c.BILLING_PERIOD, c.ACCOUNT_PERIOD, c.STATEMENT_DATE, c.DUE_DATE, c.INVOICE_NUMBER, c.CONTROL_CODE, c.NOTE,
    c.PAY_AMOUNT, c.ACE, c.VPR,
)  # fmt: skip


def _shown(text: str) -> str:
    return text if len(text) <= 40 else text[:37] + "..."


def _places(value: Decimal, limit: int) -> int:
    """Decimal places that carry a digit, computed exactly: _places(Decimal("1.250"), 2) == 2."""
    _, digits, exponent = value.as_tuple()
    if not isinstance(exponent, int):  # NaN or infinity: parse_number never makes them
        return 0
    if exponent >= -limit:  # the usual case: no more places written than allowed
        return -exponent if exponent < 0 else 0
    trailing = len(digits) - len("".join(map(str, digits)).rstrip("0"))
    return max(0, -(exponent + trailing))


class _BillReader:
    """Reads the rows of one bill, collecting every problem as "Row n: ..." before deciding.

    Problems past `max_message_chars` of text are counted, not kept: a bill of many rows with many bad cells
    costs no more memory, and gives no longer a message, than the limit.
    """

    def __init__(
        self, source_name: str, plan: _Plan, rows: list[Row], max_message_chars: int = MAX_MESSAGE_CHARS
    ) -> None:
        self.source_name, self.plan, self.layout, self.rows = source_name, plan, plan.layout, rows
        self.errors: list[str] = []
        self.row: Row = rows[0]
        self._room = max_message_chars
        self._max_message_chars = max_message_chars
        self.problems = 0

    def fail(self, text: str) -> None:
        self.problems += 1
        if self._room > 0:
            problem = f"Row {self.row.line_number}: {text}"
            self.errors.append(problem)
            self._room -= len(problem) + 2

    def message(self) -> str:
        """Every problem found, "; "-separated, cut to the limit with a count of those left out."""
        text = "; ".join(self.errors)
        untold = self.problems - len(self.errors)
        if untold:
            text += f"; and {untold:,} more problems"
        return cut(text, self._max_message_chars)

    def text(self, field: str, max_length: int | None = None) -> str | None:
        value = _cell(self.row, self.layout, field)
        if max_length is not None and len(value) > max_length:
            self.fail(f"{self.layout.label(field)} is longer than {max_length} characters")
        return value or None

    def date(self, field: str, required: bool = False) -> date | None:
        value = _cell(self.row, self.layout, field)
        if not value:
            if required:
                self.fail(f"{self.layout.label(field)} is required")
            return None
        parsed = self.plan.date(value)
        if isinstance(parsed, CellError):
            self.fail(f"{self.layout.label(field)} '{_shown(value)}' {parsed.reason}")
            return None
        return parsed

    def number(self, index: int | None, label: str, places: int, digits: int) -> Decimal | None:
        if index is None:
            return None
        cells = self.row.cells
        value = cells[index].strip() if index < len(cells) else ""
        if not value:  # an empty cell is no number, and no problem
            return None
        if _SIMPLE_NUMBER.fullmatch(value):
            # Most cells: the text is the Decimal's own digits, so the places written are the places it has.
            number = Decimal(value)
            dot = value.find(".")
            if dot >= 0 and len(value) - dot - 1 > places and _places(number, places) > places:
                self.fail(f"{label} '{_shown(value)}' has more than {places} decimal places")
            elif number.adjusted() >= digits:
                self.fail(f"{label} '{_shown(value)}' is too large")
            return number
        try:
            parsed = parse_number(value)
        except CellError as error:
            self.fail(f"{label} '{_shown(value)}' {error.reason}")
            return None
        if parsed is not None and _places(parsed, places) > places:
            self.fail(f"{label} '{_shown(value)}' has more than {places} decimal places")
        elif parsed is not None and parsed.adjusted() >= digits:
            self.fail(f"{label} '{_shown(value)}' is too large")
        return parsed

    def money(self, field: str) -> Decimal | None:
        index = self.layout.fields.get(field)
        return self.number(index, self.layout.label(field), _COST_PLACES, _COST_DIGITS)

    def period(self, field: str, highest_month: int, highest: int) -> int | None:
        value = _cell(self.row, self.layout, field)
        if not value:
            return None
        try:
            number = parse_number(value)
        except CellError:
            number = None
        if number is None or number.adjusted() > 6 or number != number.to_integral_value():
            self.fail(f"{self.layout.label(field)} '{_shown(value)}' is not a period (YYYYMM)")
            return None
        period = int(number)
        if not (periods.MIN_PERIOD <= period <= highest and 1 <= period % 100 <= highest_month):
            self.fail(f"{self.layout.label(field)} '{value}' is not a period between 190001 and {highest}")
            return None
        return period

    def flag(self, field: str, allowed: str) -> str | None:
        value = _cell(self.row, self.layout, field).upper()
        if value and (len(value) != 1 or value not in allowed):
            self.fail(f"{self.layout.label(field)} '{_shown(value)}' must be one of {', '.join(allowed)}")
            return None
        return value or None

    def head(self, field: str) -> object:
        """One bill-level field of the current row (a field of `_HEAD_FIELDS`)."""
        if field == c.BILLING_PERIOD:
            return self.period(field, 12, MAX_BILL_PERIOD)
        if field == c.ACCOUNT_PERIOD:
            return self.period(field, 13, MAX_ACCOUNT_PERIOD)
        if field in (c.STATEMENT_DATE, c.DUE_DATE):
            return self.date(field)
        if field == c.INVOICE_NUMBER:
            return self.text(field, MAX_INVOICE_NUMBER)
        if field == c.CONTROL_CODE:
            return self.text(field, MAX_CONTROL_CODE)
        if field == c.NOTE:
            return self.text(field, MAX_NOTE)
        if field == c.PAY_AMOUNT:
            return self.money(field)
        if field == c.ACE:
            return self.flag(field, ACTUAL + CORRECTED + ESTIMATED)
        return self.flag(field, VOID + PRESERVE + REJECT)

    def meter_row(self) -> ParsedMeterRow:
        lines: list[ParsedLine] = []
        number = self.number
        for type_code, caption, unit_code, value_index, value_label, cost_index, cost_label in self.plan.lines:
            value = number(value_index, value_label, _VALUE_PLACES, _VALUE_DIGITS)
            cost = number(cost_index, cost_label, _COST_PLACES, _COST_DIGITS)
            if value is not None or cost is not None:
                unit = unit_code if value is not None else None
                lines.append(_new(ParsedLine, (type_code, caption, unit, value, cost)))
        row = self.row
        meter_index, serial_index, commodity_index, rate_index = self.plan.meter_fields
        meter = _at(row, meter_index) or None if meter_index is not None else None
        serial = _at(row, serial_index) or None if serial_index is not None else None
        commodity = _at(row, commodity_index) or None if commodity_index is not None else None
        rate = _at(row, rate_index) or None if rate_index is not None else None
        # line_number, meter_code, serial_number, commodity_code, rate_code, lines
        return _new(ParsedMeterRow, (row.line_number, meter, serial, commodity, rate, tuple(lines)))

    def one(self, field: str, values: list[Any]) -> None:
        distinct = list(dict.fromkeys(v for v in values if v is not None))
        if len(distinct) > 1:
            self.row = self.rows[0]
            self.fail(f"the rows of this bill disagree on {field} ({', '.join(map(str, distinct))})")

    def bill(self) -> ParsedBill | None:
        """The bill, or None with `errors` filled."""
        first = self.rows[0]
        account = _at(first, self.plan.account)
        start = self.date(c.START_DATE, required=True)
        end = self.date(c.END_DATE, required=True)
        if not account:
            self.fail(f"{self.layout.label(c.ACCOUNT_CODE)} is required")
        if start and end and end < start:
            self.fail(f"{self.layout.label(c.END_DATE)} {end} is before {self.layout.label(c.START_DATE)} {start}")
        head_fields = self.plan.head
        heads: dict[str, list[object]] = {field: [] for field in head_fields}
        meters: list[ParsedMeterRow] = []
        for row in self.rows:
            self.row = row
            for field in head_fields:
                heads[field].append(self.head(field))
            meters.append(self.meter_row())
        if len(self.rows) > 1:  # one row cannot disagree with itself
            for field in (c.BILLING_PERIOD, c.ACCOUNT_PERIOD, c.ACE, c.VPR):
                if field in heads:
                    self.one(field, heads[field])
        if self.problems or start is None or end is None:
            return None
        if not head_fields:  # a file without bill-level columns: every bill shares one empty header
            name, vendor, rows = self.source_name, _at(first, self.plan.vendor) or None, tuple(self.rows)
            # source_name, account_code, vendor_code, start_date, end_date, billing_period, header, ace, vpr,
            # pay_amount, meters, rows
            return _new(
                ParsedBill,
                (name, account, vendor, start, end, None, _NO_HEADER, ACTUAL, None, None, tuple(meters), rows),
            )

        def first_of(field: str, kind: type[T]) -> T | None:
            value = _first(heads[field]) if field in heads else None
            if value is None or isinstance(value, kind):
                return value
            raise TypeError(f"{field} was read as {type(value).__name__}, not {kind.__name__}")  # `head` is wrong

        return ParsedBill(
            source_name=self.source_name,
            account_code=account,
            vendor_code=_at(first, self.plan.vendor) or None,
            start_date=start,
            end_date=end,
            billing_period=first_of(c.BILLING_PERIOD, int),
            header=BillHeader(
                statement_date=first_of(c.STATEMENT_DATE, date),
                due_date=first_of(c.DUE_DATE, date),
                control_code=first_of(c.CONTROL_CODE, str),
                invoice_number=first_of(c.INVOICE_NUMBER, str),
                account_period=first_of(c.ACCOUNT_PERIOD, int),
                note=first_of(c.NOTE, str),
            )
            if head_fields
            else _NO_HEADER,  # a file without bill-level columns: every bill shares one empty header
            ace=first_of(c.ACE, str) or ACTUAL,
            vpr=first_of(c.VPR, str),
            pay_amount=first_of(c.PAY_AMOUNT, Decimal),
            meters=tuple(meters),
            rows=tuple(self.rows),
        )
