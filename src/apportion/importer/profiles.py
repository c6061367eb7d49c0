"""Bill import profiles (column mappings, with their validation) and the cell parsers they use: dates, numbers.

A profile either maps fields to 1-based column indexes (BillImportProfileColumnMapping, domain.md §2.5) or,
for the built-in STANDARD profile, finds them by header name (docs/import-format.md). Column indexes count
the columns the reader keeps: columns whose header starts with `*` are not counted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields, replace
from datetime import date
from decimal import Decimal

from apportion.domain.errors import ValidationFailed

MDY, DMY, COMPACT = "mm/dd/yyyy", "dd/mm/yyyy", "yyyymmdd"
MONTH_DAY_YEAR, DAY_MONTH_YEAR = "Month dd yyyy", "dd Month yyyy"
DATE_FORMATS = (MDY, MONTH_DAY_YEAR, DMY, DAY_MONTH_YEAR, COMPACT)
# The STANDARD profile's dates: ISO yyyy-mm-dd, or mm/dd/yyyy.
STANDARD_DATES = "yyyy-mm-dd"
STANDARD_CODE = "STANDARD"
MAX_INDEX = 2_147_483_647
MAX_CAPTION = 32
# BillCreate: dates must lie between 12/31/1899 and 1/1/3000 (models.md).
FIRST_DATE, LAST_DATE = date(1899, 12, 31), date(3000, 1, 1)


class CellError(ValueError):
    """A cell's text is not what its column needs; `reason` completes "<Field> '<text>' ..."."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)


@dataclass(frozen=True)
class ObservationColumn:
    """One line-item column of a profile (BillImportProfileObservation); unit "" or a currency = cost column."""

    column_index: int
    observation_type_code: str
    caption: str
    unit_code: str


@dataclass(frozen=True)
class ColumnMapping:
    """BillImportProfileColumnMapping with the contract's python field names; indexes are 1-based."""

    date_format: str
    account_code_column_index: int
    start_date_column_index: int
    end_date_column_index: int
    vendor_code_column_index: int | None = None
    pay_amount_column_index: int | None = None
    billing_period_column_index: int | None = None
    account_period_column_index: int | None = None
    statement_date_column_index: int | None = None
    due_date_column_index: int | None = None
    control_code_column_index: int | None = None
    invoice_number_column_index: int | None = None
    meter_code_column_index: int | None = None
    commodity_column_index: int | None = None
    service_charge_column_index: int | None = None
    ace_flag_column_index: int | None = None
    vpr_flag_column_index: int | None = None
    rate_column_index: int | None = None
    serial_number_column_index: int | None = None
    bill_note_column_index: int | None = None
    observations: tuple[ObservationColumn, ...] | None = None


@dataclass(frozen=True)
class ImportProfile:
    """A profile code with its column mapping; `column_mapping` None means header-driven (STANDARD)."""

    code: str
    column_mapping: ColumnMapping | None = None


STANDARD = ImportProfile(STANDARD_CODE)
_REQUIRED = ("account_code_column_index", "start_date_column_index", "end_date_column_index")


def _wire(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.capitalize() for part in rest)


def check_column_mapping(mapping: ColumnMapping, prefix: str = "columnMapping.") -> ColumnMapping:
    """The mapping with its date format spelled canonically, or ValidationFailed naming every bad field.

    Field paths use the wire names, e.g. "columnMapping.accountCodeColumnIndex",
    "columnMapping.observations[0].caption".
    """
    errors: dict[str, list[str]] = {}
    canonical = {f.casefold(): f for f in DATE_FORMATS}.get((mapping.date_format or "").strip().casefold())
    if canonical is None:
        errors[f"{prefix}dateFormat"] = [f"dateFormat must be one of {', '.join(DATE_FORMATS)}."]
    for field in fields(mapping):
        if not field.name.endswith("_column_index"):
            continue
        value = getattr(mapping, field.name)
        path = f"{prefix}{_wire(field.name)}"
        if value is None:
            if field.name in _REQUIRED:
                errors[path] = [f"The {_wire(field.name)} field is required."]
        elif not 1 <= value <= MAX_INDEX:
            errors[path] = [f"{_wire(field.name)} must be between 1 and {MAX_INDEX}."]
    observations = mapping.observations
    if observations is not None and not observations:
        errors[f"{prefix}observations"] = ["observations cannot be empty; leave it out for a file without lines."]
    seen: dict[tuple[str, str, str], int] = {}
    for i, observation in enumerate(observations or ()):
        here = f"{prefix}observations[{i}]."
        if not 1 <= observation.column_index <= MAX_INDEX:
            errors[f"{here}columnIndex"] = [f"columnIndex must be between 1 and {MAX_INDEX}."]
        if not (observation.observation_type_code or "").strip():
            errors[f"{here}observationTypeCode"] = ["The observationTypeCode field is required."]
        if observation.caption is None or len(observation.caption) > MAX_CAPTION:
            errors[f"{here}caption"] = [f"caption is required and at most {MAX_CAPTION} characters."]
        if observation.unit_code is None:
            errors[f"{here}unitCode"] = ["The unitCode field is required (empty for a cost column)."]
            continue
        key = (
            (observation.observation_type_code or "").strip().casefold(),
            (observation.caption or "").strip().casefold(),
            observation.unit_code.strip().casefold(),
        )
        if key in seen:
            errors[f"{here}columnIndex"] = [
                f"observations[{seen[key]}] already maps this observationTypeCode, caption and unitCode."
            ]
        seen.setdefault(key, i)
    if errors:
        raise ValidationFailed(errors)
    return replace(mapping, date_format=canonical or mapping.date_format)


_MONTH_NAMES = "january february march april may june july august september october november december"
_MONTHS = {name: n for n, name in enumerate(_MONTH_NAMES.split(), start=1)} | {
    name[:3]: n for n, name in enumerate(_MONTH_NAMES.split(), start=1)
}
_MONTHS["sept"] = 9
_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?", re.ASCII)
_SLASHED = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})", re.ASCII)
_NAMED_MONTH_FIRST = re.compile(r"([A-Za-z]+)\.?\s+(\d{1,2}),?\s+(\d{4})", re.ASCII)
_NAMED_DAY_FIRST = re.compile(r"(\d{1,2})\s+([A-Za-z]+)\.?,?\s+(\d{4})", re.ASCII)
_COMPACT = re.compile(r"(\d{4})(\d{2})(\d{2})", re.ASCII)


def date_format_label(date_format: str) -> str:
    """How a date format is named in kickout messages."""
    return "yyyy-mm-dd or mm/dd/yyyy" if date_format == STANDARD_DATES else date_format


def _ymd(date_format: str, text: str) -> tuple[int, int, int] | None:
    if date_format in (STANDARD_DATES, MDY) and (match := _SLASHED.fullmatch(text)):
        return int(match[3]), int(match[1]), int(match[2])
    if date_format == DMY and (match := _SLASHED.fullmatch(text)):
        return int(match[3]), int(match[2]), int(match[1])
    if date_format == MONTH_DAY_YEAR and (match := _NAMED_MONTH_FIRST.fullmatch(text)):
        month = _MONTHS.get(match[1].casefold())
        return None if month is None else (int(match[3]), month, int(match[2]))
    if date_format == DAY_MONTH_YEAR and (match := _NAMED_DAY_FIRST.fullmatch(text)):
        month = _MONTHS.get(match[2].casefold())
        return None if month is None else (int(match[3]), month, int(match[1]))
    if date_format == COMPACT and (match := _COMPACT.fullmatch(text)):
        return int(match[1]), int(match[2]), int(match[3])
    # Spreadsheet date cells arrive as ISO text (readers.cell_text), so ISO is accepted with every format.
    if match := _ISO.fullmatch(text):
        return int(match[1]), int(match[2]), int(match[3])
    return None


def parse_date(text: str, date_format: str) -> date:
    """The date in `text` written in `date_format` (or ISO yyyy-mm-dd); CellError when it is not one.

    parse_date("1/5/2024", "mm/dd/yyyy") == date(2024, 1, 5); parse_date("5 January 2024", "dd Month yyyy")
    == date(2024, 1, 5); parse_date("2024-01-05", "yyyymmdd") == date(2024, 1, 5).
    """
    parts = _ymd(date_format, text.strip())
    try:
        if parts is None:
            raise ValueError(text)
        day = date(*parts)
    except ValueError as error:
        raise CellError(f"is not a valid date ({date_format_label(date_format)})") from error
    if not FIRST_DATE <= day <= LAST_DATE:
        raise CellError(f"is outside {FIRST_DATE}..{LAST_DATE}")
    return day


# Digits with optional thousands separators (groups of three) and an optional fraction.
_PLAIN_NUMBER = re.compile(r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d*)?|\.\d+", re.ASCII)
_SIMPLE_NUMBER = re.compile(r"-?\d+(?:\.\d+)?", re.ASCII)


def parse_number(text: str) -> Decimal | None:
    """A cell's number as an exact Decimal, or None for an empty cell; CellError for anything else.

    Thousands separators and a `$` are dropped, and parentheses mean negative: parse_number("($1,234.50)")
    == Decimal("-1234.50"). The text goes straight to Decimal, never through float.
    """
    rest = text.strip()
    if not rest:
        return None
    if _SIMPLE_NUMBER.fullmatch(rest):  # most cells: nothing to strip
        return Decimal(rest)
    negative = False
    if rest.startswith("(") and rest.endswith(")"):
        negative, rest = True, rest[1:-1].strip()
    sign = ""
    if rest.startswith(("+", "-")):
        sign, rest = rest[0], rest[1:].strip()
    if rest.startswith("$"):
        rest = rest[1:].strip()
    if not sign and rest.startswith(("+", "-")):
        sign, rest = rest[0], rest[1:].strip()
    if (negative and sign) or not _PLAIN_NUMBER.fullmatch(rest):
        raise CellError("is not a number")
    value = Decimal(rest.replace(",", ""))
    # copy_negate is exact; unary minus would round to the context's precision.
    return value.copy_negate() if negative or sign == "-" else value
