"""Profiles, cell parsing, column layout and rows -> bills (grouping, kickouts), with the STANDARD sample."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from apportion.domain.bills import BillHeader
from apportion.domain.errors import ValidationFailed
from apportion.importer.columns import Layout, LayoutError, LineColumns, layout_for
from apportion.importer.profiles import (
    STANDARD,
    CellError,
    ColumnMapping,
    ImportProfile,
    ObservationColumn,
    check_column_mapping,
    parse_date,
    parse_number,
)
from apportion.importer.readers import Row, SourceFile, read_files
from apportion.importer.rows import Kickout, ParsedLine, ParsedMeterRow, billing_period_for, parse_file

SAMPLE = Path(__file__).resolve().parents[2] / "docs" / "samples" / "standard-import.csv"


def source(header: str, *rows: str) -> SourceFile:
    text = "\r\n".join((header, *rows)) + "\r\n"
    [result] = read_files("bills.csv", text.encode())
    return result


# Dates


@pytest.mark.parametrize(
    ("text", "date_format", "expected"),
    [
        ("01/05/2024", "mm/dd/yyyy", date(2024, 1, 5)),
        ("1/5/2024", "mm/dd/yyyy", date(2024, 1, 5)),
        ("05/01/2024", "dd/mm/yyyy", date(2024, 1, 5)),
        ("5/1/2024", "dd/mm/yyyy", date(2024, 1, 5)),
        ("January 5 2024", "Month dd yyyy", date(2024, 1, 5)),
        ("jan 05, 2024", "Month dd yyyy", date(2024, 1, 5)),
        ("Sept 5 2024", "Month dd yyyy", date(2024, 9, 5)),
        ("5 January 2024", "dd Month yyyy", date(2024, 1, 5)),
        ("05 DEC 2024", "dd Month yyyy", date(2024, 12, 5)),
        ("20240105", "yyyymmdd", date(2024, 1, 5)),
        ("2024-01-05", "yyyymmdd", date(2024, 1, 5)),
        ("2024-01-05 12:30:00", "dd/mm/yyyy", date(2024, 1, 5)),
        (" 2024-01-05 ", "yyyy-mm-dd", date(2024, 1, 5)),
        ("1/5/2024", "yyyy-mm-dd", date(2024, 1, 5)),
        ("1899-12-31", "yyyy-mm-dd", date(1899, 12, 31)),
        ("3000-01-01", "yyyy-mm-dd", date(3000, 1, 1)),
    ],
)
def test_parse_date(text: str, date_format: str, expected: date) -> None:
    assert parse_date(text, date_format) == expected


@pytest.mark.parametrize(
    ("text", "date_format", "reason"),
    [
        ("2024-13-01", "yyyy-mm-dd", "is not a valid date (yyyy-mm-dd or mm/dd/yyyy)"),
        ("02/30/2024", "mm/dd/yyyy", "is not a valid date (mm/dd/yyyy)"),
        ("13/13/2024", "dd/mm/yyyy", "is not a valid date (dd/mm/yyyy)"),
        ("05/01/2024", "yyyymmdd", "is not a valid date (yyyymmdd)"),
        ("Foo 5 2024", "Month dd yyyy", "is not a valid date (Month dd yyyy)"),
        ("2024010", "yyyymmdd", "is not a valid date (yyyymmdd)"),
        ("٢٠٢٤-01-01", "yyyy-mm-dd", "is not a valid date (yyyy-mm-dd or mm/dd/yyyy)"),
        ("1899-12-30", "yyyy-mm-dd", "is outside 1899-12-31..3000-01-01"),
        ("3000-01-02", "yyyy-mm-dd", "is outside 1899-12-31..3000-01-01"),
    ],
)
def test_bad_dates(text: str, date_format: str, reason: str) -> None:
    with pytest.raises(CellError) as caught:
        parse_date(text, date_format)
    assert caught.value.reason == reason


# Numbers


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", None),
        ("   ", None),
        ("12", "12"),
        ("12.50", "12.50"),
        ("-12.5", "-12.5"),
        ("+3", "3"),
        ("1,234,567.891", "1234567.891"),
        ("$1,234.50", "1234.50"),
        ("-$5", "-5"),
        ("$-5", "-5"),
        ("(12.34)", "-12.34"),
        ("($1,000)", "-1000"),
        (".5", "0.5"),
        ("7.", "7"),
        ("12345678901234567890.123456789012345678", "12345678901234567890.123456789012345678"),
    ],
)
def test_parse_number(text: str, expected: str | None) -> None:
    result = parse_number(text)
    assert (None if result is None else str(result)) == (None if expected is None else str(Decimal(expected)))


@pytest.mark.parametrize(
    "text", ["abc", "1,23", "12,3456", "1.2.3", "1e5", "NaN", "Infinity", "(-5)", "--5", "5-", "$", "1 000", "١٢"]
)
def test_parse_number_refuses(text: str) -> None:
    with pytest.raises(CellError):
        parse_number(text)


# Column mappings


def mapping(**changes: object) -> ColumnMapping:
    base = ColumnMapping(
        date_format="dd/mm/yyyy",
        account_code_column_index=1,
        start_date_column_index=2,
        end_date_column_index=3,
        observations=(ObservationColumn(4, "USE", "Energy", "kWh"),),
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def test_check_column_mapping_spells_the_date_format_canonically() -> None:
    assert check_column_mapping(mapping(date_format=" month DD yyyy ")).date_format == "Month dd yyyy"


def test_check_column_mapping_names_every_bad_field() -> None:
    bad = mapping(
        date_format="yyyy.mm.dd",
        account_code_column_index=None,
        vendor_code_column_index=0,
        observations=(
            ObservationColumn(0, " ", "x" * 33, "kWh"),
            ObservationColumn(5, "USE", "Energy", "KWH"),
            ObservationColumn(6, "USE", "Energy", "kWh"),
        ),
    )
    with pytest.raises(ValidationFailed) as caught:
        check_column_mapping(bad)
    assert set(caught.value.errors) == {
        "columnMapping.dateFormat",
        "columnMapping.accountCodeColumnIndex",
        "columnMapping.vendorCodeColumnIndex",
        "columnMapping.observations[0].columnIndex",
        "columnMapping.observations[0].observationTypeCode",
        "columnMapping.observations[0].caption",
        "columnMapping.observations[2].columnIndex",
    }
    assert (
        "mm/dd/yyyy, Month dd yyyy, dd/mm/yyyy, dd Month yyyy, yyyymmdd"
        in caught.value.errors["columnMapping.dateFormat"][0]
    )


def test_empty_observations_are_refused() -> None:
    with pytest.raises(ValidationFailed) as caught:
        check_column_mapping(mapping(observations=()), prefix="")
    assert list(caught.value.errors) == ["observations"]


# Layout


def test_standard_layout_matches_headers_loosely_and_pairs_line_columns() -> None:
    header = ["account code", "START_DATE", "enddate", "Estimated", "USE:kWh:Energy", "", "USE::energy", "TAX:USD:Tax"]
    layout = layout_for(header, STANDARD)
    assert layout.fields == {"AccountCode": 0, "StartDate": 1, "EndDate": 2, "ACE": 3}
    assert layout.lines == (
        LineColumns("USE", "Energy", 4, "kWh", 6, "USE:kWh:Energy", "USE::energy"),
        LineColumns("TAX", "Tax", None, None, 7, "", "TAX:USD:Tax"),
    )
    assert layout.label("EndDate") == "EndDate"


@pytest.mark.parametrize(
    ("header", "message"),
    [
        (["AccountCode", "EndDate"], "The file has no StartDate column."),
        (["Meter"], "The file has no AccountCode, StartDate, EndDate columns."),
        (["AccountCode", "StartDate", "EndDate", "Colour"], "Column 'Colour' is unknown; prefix its header with *"),
        (["AccountCode", "StartDate", "EndDate", "USE:kWh"], "Column 'USE:kWh' is not a line item header"),
        (["AccountCode", "StartDate", "EndDate", ":kWh:x"], "is not a line item header"),
        (["AccountCode", "StartDate", "EndDate", "account_code"], "Column 'account_code' repeats AccountCode."),
        (
            ["AccountCode", "StartDate", "EndDate", "USE:kWh:A", "use:MWh:a"],
            "Column 'use:MWh:a' repeats the value of line USE 'A'",
        ),
        (["AccountCode", "StartDate", "EndDate", "COST::A", "COST:usd:A"], "repeats the cost of line COST 'A'"),
        (["AccountCode", "StartDate", "EndDate", "COST::" + "c" * 33], "caption is longer than 32"),
    ],
)
def test_standard_layout_errors(header: list[str], message: str) -> None:
    with pytest.raises(LayoutError) as caught:
        layout_for(header, STANDARD)
    assert message in caught.value.message


def test_mapped_layout_uses_indexes_and_labels_columns() -> None:
    profile = ImportProfile(
        "P",
        mapping(
            meter_code_column_index=7,
            service_charge_column_index=6,
            observations=(ObservationColumn(4, "USE", "Energy", "kWh"), ObservationColumn(5, "USE", "Energy", "USD")),
        ),
    )
    layout = layout_for(["whatever"], profile)
    assert layout == Layout(
        {"AccountCode": 0, "StartDate": 1, "EndDate": 2, "MeterCode": 6},
        (
            LineColumns("USE", "Energy", 3, "kWh", 4, "USE:kWh:Energy (column 4)", "USE:USD:Energy (column 5)"),
            LineColumns("CUSTOMERCHARGE", "Service charge", None, None, 5, "", "Service charge (column 6)"),
        ),
        "dd/mm/yyyy",
        positional=True,
    )
    assert layout.label("EndDate") == "EndDate (column 3)"


def test_mapped_layout_checks_the_mapping_again() -> None:
    with pytest.raises(LayoutError) as caught:
        layout_for(["x"], ImportProfile("P", mapping(start_date_column_index=0, date_format="MM/DD/YYYY")))
    assert caught.value.message == (
        "The profile's column mapping is invalid "
        "(columnMapping.startDateColumnIndex: startDateColumnIndex must be between 1 and 2147483647.)."
    )
    assert layout_for(["x"], ImportProfile("P", mapping(date_format="MM/DD/YYYY"))).date_format == "mm/dd/yyyy"


# Rows -> bills

HEADER = "AccountCode,VendorCode,MeterCode,StartDate,EndDate,USE:kWh:Energy,USE::Energy,COST::Fee"


def test_consecutive_rows_with_one_account_vendor_and_dates_make_one_bill() -> None:
    result = parse_file(
        source(
            HEADER,
            "A-1,V,M-1,2024-01-01,2024-02-01,100,10.00,",
            "a-1,v,M-2,1/1/2024,2024-02-01,200,,",
            "A-1,V,,2024-01-01,2024-02-01,,,5",
            "A-1,W,M-1,2024-01-01,2024-02-01,1,,",
            "A-2,V,M-9,2024-01-01,2024-02-01,,,",
            "A-1,V,M-1,2024-01-01,2024-02-01,7,,",
        )
    )
    assert result.kickouts == ()
    assert [(b.account_code, b.vendor_code, [r.line_number for r in b.rows]) for b in result.bills] == [
        ("A-1", "V", [2, 3, 4]),
        ("A-1", "W", [5]),
        ("A-2", "V", [6]),
        ("A-1", "V", [7]),
    ]
    first = result.bills[0]
    assert first.meters == (
        ParsedMeterRow(
            2, "M-1", None, None, None, (ParsedLine("USE", "Energy", "kWh", Decimal(100), Decimal("10.00")),)
        ),
        ParsedMeterRow(3, "M-2", None, None, None, (ParsedLine("USE", "Energy", "kWh", Decimal(200), None),)),
        ParsedMeterRow(4, None, None, None, None, (ParsedLine("COST", "Fee", None, None, Decimal(5)),)),
    )
    assert result.bills[2].meters[0].lines == ()
    assert (first.start_date, first.end_date, first.billing_period, first.period) == (
        date(2024, 1, 1),
        date(2024, 2, 1),
        None,
        202401,
    )


def test_a_bad_row_kicks_out_every_row_of_its_bill_only() -> None:
    result = parse_file(
        source(
            HEADER,
            "A-1,V,M-1,2024-01-01,2024-02-01,100,,",
            "A-2,V,M-1,2024-01-01,2024-02-01,abc,12.345,",
            "A-2,V,M-2,2024-01-01,2024-02-01,1,,",
            "A-3,V,M-1,2024-01-01,2024-02-01,1,,",
        )
    )
    assert [b.account_code for b in result.bills] == ["A-1", "A-3"]
    message = "Row 3: USE:kWh:Energy 'abc' is not a number; Row 3: USE::Energy '12.345' has more than 2 decimal places"
    assert result.kickouts == (
        Kickout(3, ("A-2", "V", "M-1", "2024-01-01", "2024-02-01", "abc", "12.345", ""), message),
        Kickout(4, ("A-2", "V", "M-2", "2024-01-01", "2024-02-01", "1", "", ""), message),
    )


def test_brief_example_message() -> None:
    result = parse_file(source("AccountCode,StartDate,EndDate", "A,2024-01-01,2024-13-01"))
    assert [k.message for k in result.kickouts] == [
        "Row 2: EndDate '2024-13-01' is not a valid date (yyyy-mm-dd or mm/dd/yyyy)"
    ]


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (",2024-01-01,2024-02-01,,,", "Row 2: AccountCode is required"),
        ("A,,2024-02-01,,,", "Row 2: StartDate is required"),
        ("A,2024-02-01,2024-01-01,,,", "Row 2: EndDate 2024-01-01 is before StartDate 2024-02-01"),
        ("A,2024-01-01,2024-02-01,X,,", "Row 2: ACE 'X' must be one of A, C, E"),
        ("A,2024-01-01,2024-02-01,AC,,", "Row 2: ACE 'AC' must be one of A, C, E"),
        ("A,2024-01-01,2024-02-01,,202413,", "Row 2: BillingPeriod '202413' is not a period between 190001 and 209912"),
        ("A,2024-01-01,2024-02-01,,2024,", "Row 2: BillingPeriod '2024' is not a period between 190001 and 209912"),
        ("A,2024-01-01,2024-02-01,,Jan,", "Row 2: BillingPeriod 'Jan' is not a period (YYYYMM)"),
        ("A,2024-01-01,2024-02-01,,202401.5,", "Row 2: BillingPeriod '202401.5' is not a period (YYYYMM)"),
        ("A,2024-01-01,2024-02-01,,," + "9" * 33, "Row 2: InvoiceNumber is longer than 32 characters"),
    ],
)
def test_row_problems(row: str, message: str) -> None:
    result = parse_file(source("AccountCode,StartDate,EndDate,ACE,BillingPeriod,InvoiceNumber", row))
    assert result.bills == ()
    assert [k.message for k in result.kickouts] == [message]


def test_header_fields_flags_and_periods() -> None:
    header = "AccountCode,StartDate,EndDate,ACE,VPR,BillingPeriod,AccountPeriod,StatementDate,DueDate,InvoiceNumber,"
    header += "ControlCode,Note,PayAmount,MeterCode,SerialNumber,Commodity,Rate"
    result = parse_file(
        source(
            header,
            "A,2024-01-01,2024-02-01,e,,,,,,,,,,M1,S1,ELECTRIC,R1",
            'A,2024-01-01,2024-02-01,E,v,202401,202413,2024-02-03,03/01/2024,INV-1,CC,note,"$1,000.00",M2,,,',
            "A,2024-01-01,2024-02-01,,,202401,,,,INV-2,,,,M3,,,",
        )
    )
    [bill] = result.bills
    assert (bill.ace, bill.estimated, bill.vpr, bill.billing_period, bill.pay_amount) == (
        "E",
        True,
        "V",
        202401,
        Decimal("1000.00"),
    )
    assert bill.header == BillHeader(
        statement_date=date(2024, 2, 3),
        due_date=date(2024, 3, 1),
        control_code="CC",
        invoice_number="INV-1",
        account_period=202413,
        note="note",
    )
    first = bill.meters[0]
    assert (first.meter_code, first.serial_number, first.commodity_code, first.rate_code) == (
        "M1",
        "S1",
        "ELECTRIC",
        "R1",
    )


def test_rows_of_one_bill_that_disagree_kick_it_out() -> None:
    result = parse_file(
        source(
            "AccountCode,StartDate,EndDate,ACE,BillingPeriod",
            "A,2024-01-01,2024-02-01,E,202401",
            "A,2024-01-01,2024-02-01,,",
            "A,2024-01-01,2024-02-01,C,202402",
        )
    )
    assert result.kickouts[0].message == (
        "Row 2: the rows of this bill disagree on BillingPeriod (202401, 202402); "
        "Row 2: the rows of this bill disagree on ACE (E, C)"
    )
    assert len(result.kickouts) == 3


def test_blank_ace_is_actual() -> None:
    [bill] = parse_file(source("AccountCode,StartDate,EndDate,ACE", "A,2024-01-01,2024-02-01,")).bills
    assert (bill.ace, bill.estimated) == ("A", False)


def test_value_places_and_size_limits() -> None:
    header = "AccountCode,StartDate,EndDate,USE:kWh:E,USE::E"
    ok = parse_file(source(header, "A,2024-01-01,2024-02-01,1.123456,9999999999999999.99"))
    assert ok.bills[0].meters[0].lines[0] == ParsedLine(
        "USE", "E", "kWh", Decimal("1.123456"), Decimal("9999999999999999.99")
    )
    bad = parse_file(source(header, "A,2024-01-01,2024-02-01,1.1234567,10000000000000000"))
    assert bad.kickouts[0].message == (
        "Row 2: USE:kWh:E '1.1234567' has more than 6 decimal places; Row 2: USE::E '10000000000000000' is too large"
    )
    zeros = parse_file(source(header, "A,2024-01-01,2024-02-01,1.5000000,2.5000"))
    assert zeros.bills[0].meters[0].lines[0].cost == Decimal("2.5000")


def test_layout_error_kicks_out_every_row_and_tells_the_header_problems_once() -> None:
    result = parse_file(source("AccountCode,StartDate", "A,2024-01-01", "B,2024-01-01"))
    assert result.bills == ()
    assert [(k.line_number, k.message) for k in result.kickouts] == [
        (2, "The file has no EndDate column."),
        (3, "The header cannot be read with this profile; see the message of row 2."),
    ]


def test_profile_parse_by_position_with_its_date_format_and_service_charge() -> None:
    profile = ImportProfile(
        "P",
        mapping(
            service_charge_column_index=5,
            meter_code_column_index=6,
            observations=(ObservationColumn(4, "USE", "Energy", "kWh"), ObservationColumn(7, "USE", "Energy", "USD")),
        ),
    )
    data = source("acct,from,to,kwh,svc,meter,cost", "A,15/01/2024,15/02/2024,100,3.50,M1,12.00", "B,31/02/2024,x,,,,")
    result = parse_file(data, profile)
    [bill] = result.bills
    assert (bill.start_date, bill.end_date, bill.period) == (date(2024, 1, 15), date(2024, 2, 15), 202401)
    assert bill.meters[0].meter_code == "M1"
    assert bill.meters[0].lines == (
        ParsedLine("USE", "Energy", "kWh", Decimal(100), Decimal("12.00")),
        ParsedLine("CUSTOMERCHARGE", "Service charge", None, None, Decimal("3.50")),
    )
    assert result.kickouts[0].message == (
        "Row 3: StartDate (column 2) '31/02/2024' is not a valid date (dd/mm/yyyy); "
        "Row 3: EndDate (column 3) 'x' is not a valid date (dd/mm/yyyy)"
    )


def test_currency_units_can_be_given() -> None:
    data = source("AccountCode,StartDate,EndDate,USE:kWh:E,USE:EUR:E", "A,2024-01-01,2024-02-01,1,2")
    [bill] = parse_file(data, STANDARD, frozenset({"eur"})).bills
    assert bill.meters[0].lines == (ParsedLine("USE", "E", "kWh", Decimal(1), Decimal(2)),)


def test_service_failure_kicks_out_the_whole_bill() -> None:
    [bill] = parse_file(source(HEADER, "A,V,M1,2024-01-01,2024-02-01,,,", "A,V,M2,2024-01-01,2024-02-01,,,")).bills
    assert bill.kickouts("Account 'A' was not found.") == (
        Kickout(2, bill.rows[0].cells, "Account 'A' was not found."),
        Kickout(3, bill.rows[1].cells, "Account 'A' was not found."),
    )


@pytest.mark.parametrize(
    ("start", "end", "period"),
    [
        (date(2024, 1, 1), date(2024, 2, 1), 202401),
        (date(2023, 12, 17), date(2024, 1, 16), 202401),
        (date(2023, 12, 15), date(2024, 1, 16), 202312),
        (date(2024, 1, 31), date(2024, 1, 31), 202401),
        (date(2024, 1, 31), date(2024, 2, 2), 202402),
    ],
)
def test_billing_period_midpoint_rule(start: date, end: date, period: int) -> None:
    assert billing_period_for(start, end) == period


def test_documented_sample_imports_without_kickouts() -> None:
    [sample] = read_files(SAMPLE.name, SAMPLE.read_bytes())
    result = parse_file(sample)
    assert result.kickouts == ()
    electric, gas = result.bills
    assert [m.meter_code for m in electric.meters] == ["M-1001-A", "M-1001-B", None]
    assert electric.period == 202401
    assert electric.header.invoice_number == "INV-88123"
    assert sum(line.cost or 0 for m in electric.meters for line in m.lines) == Decimal("2857.75")
    assert (gas.estimated, gas.billing_period, gas.period) == (True, None, 202401)
    assert gas.meters[0].lines[0] == ParsedLine("USE", "Gas", "therms", Decimal(840), Decimal("1012.20"))
    assert gas.meters[0].lines[-1].cost == Decimal("-4.10")


def test_rows_keep_their_source_cells() -> None:
    data = source("AccountCode,StartDate,EndDate", " A ,2024-01-01,2024-02-01")
    [bill] = parse_file(data).bills
    assert bill.account_code == "A"
    assert bill.rows == (Row(2, (" A ", "2024-01-01", "2024-02-01")),)
