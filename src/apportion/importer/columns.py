"""Which column holds what: a file's header resolved against a profile into a `Layout` of field and line columns.

Fields are named as in the STANDARD profile's headers (AccountCode, StartDate, ...); a profile's column
indexes map onto the same names, so one row parser serves both (docs/import-format.md).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from apportion.domain.errors import ValidationFailed
from apportion.importer.profiles import MAX_CAPTION, STANDARD_DATES, ColumnMapping, ImportProfile, check_column_mapping

ACCOUNT_CODE, VENDOR_CODE, METER_CODE = "AccountCode", "VendorCode", "MeterCode"
START_DATE, END_DATE, BILLING_PERIOD, ACCOUNT_PERIOD = "StartDate", "EndDate", "BillingPeriod", "AccountPeriod"
STATEMENT_DATE, DUE_DATE, INVOICE_NUMBER, CONTROL_CODE = "StatementDate", "DueDate", "InvoiceNumber", "ControlCode"
ACE, VPR, NOTE, PAY_AMOUNT = "ACE", "VPR", "Note", "PayAmount"
SERIAL_NUMBER, COMMODITY, RATE = "SerialNumber", "Commodity", "Rate"
REQUIRED_FIELDS = (ACCOUNT_CODE, START_DATE, END_DATE)
STANDARD_FIELDS = (
    ACCOUNT_CODE, VENDOR_CODE, METER_CODE, START_DATE, END_DATE, BILLING_PERIOD, ACCOUNT_PERIOD, STATEMENT_DATE,
    DUE_DATE, INVOICE_NUMBER, CONTROL_CODE, ACE, VPR, NOTE, PAY_AMOUNT, SERIAL_NUMBER, COMMODITY, RATE,
)  # fmt: skip
# Other header spellings accepted for a field (compared without case, spaces or underscores).
_ALIASES = {"estimated": ACE, "a/c/e": ACE, "v/p/r": VPR, "billnote": NOTE}
_MAPPED = {
    ACCOUNT_CODE: "account_code_column_index",
    VENDOR_CODE: "vendor_code_column_index",
    METER_CODE: "meter_code_column_index",
    START_DATE: "start_date_column_index",
    END_DATE: "end_date_column_index",
    BILLING_PERIOD: "billing_period_column_index",
    ACCOUNT_PERIOD: "account_period_column_index",
    STATEMENT_DATE: "statement_date_column_index",
    DUE_DATE: "due_date_column_index",
    INVOICE_NUMBER: "invoice_number_column_index",
    CONTROL_CODE: "control_code_column_index",
    ACE: "ace_flag_column_index",
    VPR: "vpr_flag_column_index",
    NOTE: "bill_note_column_index",
    PAY_AMOUNT: "pay_amount_column_index",
    SERIAL_NUMBER: "serial_number_column_index",
    COMMODITY: "commodity_column_index",
    RATE: "rate_column_index",
}
# A profile's serviceChargeColumnIndex becomes a cost line of this type and caption.
SERVICE_CHARGE_TYPE, SERVICE_CHARGE_CAPTION = "CUSTOMERCHARGE", "Service charge"
DEFAULT_CURRENCY_UNITS = frozenset({"USD"})


class LayoutError(Exception):
    """The header cannot be used with the profile; every row of the file is kicked out with this message."""

    def __init__(self, message: str) -> None:
        self.message = message
        super().__init__(message)


@dataclass(frozen=True)
class LineColumns:
    """Where one line item's value (in `unit_code`) and cost are; either index may be None.

    The labels name the columns in kickout messages: the header, or "TYPE:UNIT:Caption (column n)".
    """

    observation_type_code: str
    caption: str | None
    value_index: int | None = None
    unit_code: str | None = None
    cost_index: int | None = None
    value_label: str = ""
    cost_label: str = ""


@dataclass(frozen=True)
class Layout:
    """0-based cell index per field name, the line items, the date format, and whether indexes were mapped."""

    fields: Mapping[str, int]
    lines: tuple[LineColumns, ...]
    date_format: str
    positional: bool = False

    def label(self, field: str) -> str:
        """A field as kickout messages name it: "EndDate", or "EndDate (column 3)" for a mapped profile."""
        index = self.fields.get(field)
        return f"{field} (column {index + 1})" if self.positional and index is not None else field


def _shown(name: str) -> str:
    """A header as messages quote it: at most 40 characters, so a huge header cell cannot make a huge message."""
    return name if len(name) <= 40 else name[:37] + "..."


def _squash(name: str) -> str:
    return "".join(name.split()).replace("_", "").casefold()


_BY_NAME = {_squash(name): name for name in STANDARD_FIELDS} | _ALIASES


class _Lines:
    """Collects line columns, pairing a value column and a cost column of the same type and caption."""

    def __init__(self, currency_units: frozenset[str]) -> None:
        self.currencies = {unit.casefold() for unit in currency_units}
        self.lines: dict[tuple[str, str], LineColumns] = {}
        self.errors: list[str] = []

    def add(self, index: int, type_code: str, unit: str, caption: str | None, label: str, where: str) -> None:
        key = (type_code.casefold(), (caption or "").casefold())
        line = self.lines.get(key, LineColumns(type_code, caption))
        what = f"line {line.observation_type_code} '{line.caption or ''}'"
        if not unit or unit.casefold() in self.currencies:
            if line.cost_index is not None:
                self.errors.append(f"{where} repeats the cost of {what}.")
            line = replace(line, cost_index=index, cost_label=label)
        else:
            if line.value_index is not None:
                self.errors.append(f"{where} repeats the value of {what}.")
            line = replace(line, value_index=index, unit_code=unit, value_label=label)
        self.lines[key] = line


def layout_for(
    header: Sequence[str], profile: ImportProfile, currency_units: frozenset[str] = DEFAULT_CURRENCY_UNITS
) -> Layout:
    """Resolve the header against the profile; LayoutError lists every problem (missing or unknown columns)."""
    if profile.column_mapping is not None:
        return _mapped(profile.column_mapping, currency_units)
    fields: dict[str, int] = {}
    lines = _Lines(currency_units)
    errors: list[str] = []
    for index, title in enumerate(header):
        name = title.strip()
        if not name:
            continue  # an unnamed column carries nothing
        shown = _shown(name)
        if ":" in name:
            parts = [part.strip() for part in name.split(":", 2)]
            if len(parts) < 3 or not parts[0]:
                errors.append(f"Column '{shown}' is not a line item header (TYPE:UNIT:Caption).")
            elif len(parts[2]) > MAX_CAPTION:
                errors.append(f"Column '{shown}': the caption is longer than {MAX_CAPTION} characters.")
            else:
                lines.add(index, parts[0], parts[1], parts[2] or None, name, f"Column '{shown}'")
            continue
        field = _BY_NAME.get(_squash(name))
        if field is None:
            errors.append(f"Column '{shown}' is unknown; prefix its header with * to skip it.")
        elif field in fields:
            errors.append(f"Column '{shown}' repeats {field}.")
        else:
            fields[field] = index
    missing = [field for field in REQUIRED_FIELDS if field not in fields]
    if missing:
        errors.insert(0, f"The file has no {', '.join(missing)} column{'s' if len(missing) > 1 else ''}.")
    errors.extend(lines.errors)
    if errors:
        raise LayoutError(" ".join(dict.fromkeys(errors)))  # a column named twice is told of once
    return Layout(fields, tuple(lines.lines.values()), STANDARD_DATES)


def _mapped(mapping: ColumnMapping, currency_units: frozenset[str]) -> Layout:
    try:
        mapping = check_column_mapping(mapping)  # a stored profile is checked again: indexes must be >= 1
    except ValidationFailed as error:
        problems = "; ".join(f"{field}: {' '.join(reasons)}" for field, reasons in error.errors.items())
        raise LayoutError(f"The profile's column mapping is invalid ({problems}).") from error
    fields = {
        field: index - 1 for field, attribute in _MAPPED.items() if (index := getattr(mapping, attribute)) is not None
    }
    lines = _Lines(currency_units)
    for observation in mapping.observations or ():
        caption = observation.caption.strip() or None
        type_code, unit = observation.observation_type_code.strip(), observation.unit_code.strip()
        label = f"{type_code}:{unit}:{caption or ''} (column {observation.column_index})"
        lines.add(observation.column_index - 1, type_code, unit, caption, label, label)
    if mapping.service_charge_column_index is not None:
        column = mapping.service_charge_column_index
        label = f"Service charge (column {column})"
        lines.add(column - 1, SERVICE_CHARGE_TYPE, "", SERVICE_CHARGE_CAPTION, label, label)
    if lines.errors:
        raise LayoutError(" ".join(lines.errors))
    return Layout(fields, tuple(lines.lines.values()), mapping.date_format, positional=True)
