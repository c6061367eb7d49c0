"""The standard bill export file (accounting.md §5, §9 D11, D12): its line types, field order and number formats.

Every line is comma-separated (RFC 4180 quoting), ends in CRLF and starts with its literal, `L{n}:[{ABBR}] {Name}@`:

    L0:[BH] Bill header@      once: date, time, number of bills, total debits, total credits, total amount
    L1:[BS] Bill summary@     per bill (then its L2..L5)
    L2:[AS] Account summary@  per bill: the account
    L3:[MS] Meter summary@    per meter on the bill
    L4:[GS] G/L summary@      per G/L code on the bill (Apportion keeps no G/L codes yet: one line, empty code)
    L5:[BL] Bill line@        per line item
    L6:[BT] Bill trailer@     once: the L0 totals again

The L1..L6 fields past those EnergyCAP shows are Apportion's (ours); each line's fields are listed once, in
`FIELDS`, so a customer's reformatter can be followed by changing that table. Money is `$` and two decimals, no
thousands separator, a minus after the `$` (`$-12.34`); dates `MM/dd/yyyy`, time `HH:mm:ss`.

Debits and credits follow EnergyCAP's sample: "total debits" is the sum of bill totals below zero, "total credits"
the sum of those above zero, and the total amount their sum (a reversing entry for a voided bill, docs/accounting.md,
is a bill line set with every amount negated).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal

from apportion.domain.money import CENT, round_half_up

LITERALS = {
    0: "L0:[BH] Bill header@",
    1: "L1:[BS] Bill summary@",
    2: "L2:[AS] Account summary@",
    3: "L3:[MS] Meter summary@",
    4: "L4:[GS] G/L summary@",
    5: "L5:[BL] Bill line@",
    6: "L6:[BT] Bill trailer@",
}

# The fields of each line after its literal, in order (the export profile lists them).
FIELDS: dict[int, tuple[str, ...]] = {
    0: ("Current Date", "Current Time", "Number of bills", "Total debits", "Total credits", "Total amount"),
    1: (
        "Bill ID",
        "Cost center",
        "Cost center code",
        "Vendor code",
        "Account code",
        "Begin date",
        "End date",
        "Billing period",
        "Accounting period",
        "Statement date",
        "Due date",
        "Invoice number",
        "Control code",
        "Total cost",
        "Reversal",
        "Export note",
    ),
    2: ("Bill ID", "Account code", "Account name"),
    3: ("Bill ID", "Meter code", "Meter name", "Commodity", "Use", "Use unit", "Cost"),
    4: ("Bill ID", "G/L code", "Amount"),
    5: ("Bill ID", "Meter code", "Observation type", "Caption", "Value", "Value unit", "Cost"),
    6: ("Number of bills", "Total debits", "Total credits", "Total amount"),
}


@dataclass(frozen=True)
class ExportMeter:
    """A meter's totals on an exported bill."""

    meter_code: str
    meter_info: str
    commodity_code: str
    use: Decimal | None
    use_unit: str | None
    cost: Decimal


@dataclass(frozen=True)
class ExportLine:
    """A line item of an exported bill; `meter_code` None for an account line."""

    meter_code: str | None
    observation_type: str
    caption: str | None
    value: Decimal | None
    value_unit: str | None
    cost: Decimal | None


@dataclass(frozen=True)
class ExportBill:
    """Everything the file says about one bill."""

    bill_id: int
    cost_center_info: str
    cost_center_code: str
    vendor_code: str
    account_code: str
    account_info: str
    begin_date: date
    end_date: date
    billing_period: int
    account_period: int | None
    statement_date: date | None
    due_date: date | None
    invoice_number: str | None
    control_code: str | None
    total_cost: Decimal
    meters: tuple[ExportMeter, ...]
    lines: tuple[ExportLine, ...]
    reversal: bool = False

    def negated(self) -> ExportBill:
        """The reversing entry of this bill: every amount negated, marked as a reversal."""
        return replace(
            self,
            total_cost=-self.total_cost,
            meters=tuple(replace(m, use=_neg(m.use), cost=-m.cost) for m in self.meters),
            lines=tuple(replace(line, value=_neg(line.value), cost=_neg(line.cost)) for line in self.lines),
            reversal=True,
        )


def _neg(value: Decimal | None) -> Decimal | None:
    return None if value is None else -value


@dataclass(frozen=True)
class Totals:
    """The L0/L6 figures: how many bills, the sum below zero, above zero, and in all."""

    count: int
    debits: Decimal
    credits: Decimal

    @property
    def amount(self) -> Decimal:
        """Debits plus credits: the sum of every bill's total."""
        return self.debits + self.credits


def totals(bills: Sequence[ExportBill]) -> Totals:
    """Count and the two sums of the bills' totals (a zero bill counts in neither sum)."""
    debits = sum((b.total_cost for b in bills if b.total_cost < 0), Decimal(0))
    credits = sum((b.total_cost for b in bills if b.total_cost > 0), Decimal(0))
    return Totals(len(bills), debits, credits)


def money(value: Decimal | None) -> str:
    """`$` and two decimals half-up, minus after the `$`: money(Decimal("-12.345")) == "$-12.35"; None is empty."""
    if value is None:
        return ""
    return f"${round_half_up(value, CENT):f}"


def number(value: Decimal | None) -> str:
    """A quantity as written, without exponent; None is empty."""
    return "" if value is None else f"{value.normalize():f}"


def day(value: date | None) -> str:
    """MM/dd/yyyy; None is empty."""
    return "" if value is None else value.strftime("%m/%d/%Y")


def _bill_rows(bill: ExportBill, note: str | None) -> list[list[str]]:
    rows = [
        [
            LITERALS[1],
            str(bill.bill_id),
            bill.cost_center_info,
            bill.cost_center_code,
            bill.vendor_code,
            bill.account_code,
            day(bill.begin_date),
            day(bill.end_date),
            str(bill.billing_period),
            "" if bill.account_period is None else str(bill.account_period),
            day(bill.statement_date),
            day(bill.due_date),
            bill.invoice_number or "",
            bill.control_code or "",
            money(bill.total_cost),
            "Y" if bill.reversal else "N",
            note or "",
        ],
        [LITERALS[2], str(bill.bill_id), bill.account_code, bill.account_info],
    ]
    for meter in bill.meters:
        rows.append(
            [
                LITERALS[3],
                str(bill.bill_id),
                meter.meter_code,
                meter.meter_info,
                meter.commodity_code,
                number(meter.use),
                meter.use_unit or "",
                money(meter.cost),
            ]
        )
    rows.append([LITERALS[4], str(bill.bill_id), "", money(bill.total_cost)])
    for line in bill.lines:
        rows.append(
            [
                LITERALS[5],
                str(bill.bill_id),
                line.meter_code or "",
                line.observation_type,
                line.caption or "",
                number(line.value),
                line.value_unit or "",
                money(line.cost),
            ]
        )
    return rows


def render(bills: Sequence[ExportBill], now: datetime, note: str | None) -> str:
    """The file's text for the bills in the given order (reversals included as they are given)."""
    figures = totals(bills)
    rows: list[list[str]] = [
        [
            LITERALS[0],
            day(now.date()),
            now.strftime("%H:%M:%S"),
            str(figures.count),
            money(figures.debits),
            money(figures.credits),
            money(figures.amount),
        ]
    ]
    for bill in bills:
        rows.extend(_bill_rows(bill, note))
    rows.append([LITERALS[6], str(figures.count), money(figures.debits), money(figures.credits), money(figures.amount)])
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerows(rows)
    return buffer.getvalue()


def profile(mode: str, include_udfs: bool) -> str:
    """The export profile (an INI file) naming each line's fields in order, for reformatters (accounting.md §5.1)."""
    out = ["[Export]", f"ExportMode={mode.upper()}", f"IncludeUdfs={'true' if include_udfs else 'false'}"]
    out += ["Delimiter=,", "LineEnding=CRLF", "DateFormat=MM/dd/yyyy", "MoneyFormat=$0.00"]
    for number_, literal in LITERALS.items():
        out.append("")
        out.append(f"[L{number_}]")
        out.append(f"Literal={literal}")
        for index, name in enumerate(FIELDS[number_], start=1):
            out.append(f"Field{index}={name}")
    return "\r\n".join(out) + "\r\n"


@dataclass(frozen=True)
class LedgerRow:
    """A row of the export for people: a bill, or the subtotal of an account or a cost center (`bill_id` None)."""

    kind: str  # "bill", "account total", "cost center total", "total"
    cost_center_code: str
    cost_center_info: str
    account_code: str
    account_info: str
    bill_id: int | None
    billing_period: int | None
    begin_date: date | None
    end_date: date | None
    reversal: bool
    amount: Decimal


LEDGER_HEADER = (
    "Row",
    "Cost center code",
    "Cost center",
    "Account code",
    "Account",
    "Bill ID",
    "Billing period",
    "Begin date",
    "End date",
    "Reversal",
    "Amount",
)


def ledger(bills: Sequence[ExportBill]) -> list[LedgerRow]:
    """The export grouped for internal invoices: by cost center code, then account code, then bill id, each account
    and cost center closed by its subtotal, and a grand total last. Subtotals add the bills' exact totals."""
    ordered = sorted(bills, key=lambda b: (b.cost_center_code, b.account_code, b.bill_id, b.reversal))
    rows: list[LedgerRow] = []
    grand = Decimal(0)
    index = 0
    while index < len(ordered):
        center = ordered[index]
        center_total = Decimal(0)
        while index < len(ordered) and ordered[index].cost_center_code == center.cost_center_code:
            account = ordered[index]
            account_total = Decimal(0)
            while (
                index < len(ordered)
                and ordered[index].cost_center_code == center.cost_center_code
                and ordered[index].account_code == account.account_code
            ):
                bill = ordered[index]
                rows.append(
                    LedgerRow(
                        "bill",
                        bill.cost_center_code,
                        bill.cost_center_info,
                        bill.account_code,
                        bill.account_info,
                        bill.bill_id,
                        bill.billing_period,
                        bill.begin_date,
                        bill.end_date,
                        bill.reversal,
                        bill.total_cost,
                    )
                )
                account_total += bill.total_cost
                index += 1
            rows.append(
                LedgerRow(
                    "account total",
                    account.cost_center_code,
                    account.cost_center_info,
                    account.account_code,
                    account.account_info,
                    None,
                    None,
                    None,
                    None,
                    False,
                    account_total,
                )
            )
            center_total += account_total
        rows.append(
            LedgerRow(
                "cost center total",
                center.cost_center_code,
                center.cost_center_info,
                "",
                "",
                None,
                None,
                None,
                None,
                False,
                center_total,
            )
        )
        grand += center_total
    rows.append(LedgerRow("total", "", "", "", "", None, None, None, None, False, grand))
    return rows


def ledger_cells(row: LedgerRow) -> list[str]:
    """A ledger row as text cells (money with two decimals, no `$`: spreadsheets read it as a number)."""
    return [
        row.kind,
        row.cost_center_code,
        row.cost_center_info,
        row.account_code,
        row.account_info,
        "" if row.bill_id is None else str(row.bill_id),
        "" if row.billing_period is None else str(row.billing_period),
        day(row.begin_date),
        day(row.end_date),
        "Y" if row.reversal else "",
        f"{round_half_up(row.amount, CENT):f}",
    ]
