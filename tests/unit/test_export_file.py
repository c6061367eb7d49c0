"""The export file and the export rules as pure functions: the worked example of docs/accounting.md to the byte,
money and totals, reversing entries, the ledger's subtotals, and each eligibility rule."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from apportion.domain import export_file, export_rules
from apportion.domain.errors import RuleViolation, ValidationFailed
from apportion.domain.export_file import ExportBill, ExportLine, ExportMeter
from apportion.domain.export_rules import ExportCandidate
from apportion.domain.workflow import CanExport, ExportMode, StreamSetting, WorkflowSettings

DOC = Path(__file__).resolve().parents[2] / "docs" / "accounting.md"


def bill(bill_id: int, total: str, account: str = "T1", center: str = "CC-A", reversal: bool = False) -> ExportBill:
    cost = Decimal(total)
    return ExportBill(
        bill_id=bill_id,
        cost_center_info=f"Center {center}",
        cost_center_code=center,
        vendor_code="CAMPUS",
        account_code=account,
        account_info=f"Tenant {account}",
        begin_date=date(2024, 5, 1),
        end_date=date(2024, 6, 1),
        billing_period=202405,
        account_period=None,
        statement_date=None,
        due_date=date(2024, 6, 30),
        invoice_number="INV-7",
        control_code=None,
        total_cost=cost,
        meters=(ExportMeter(f"M-{account}", "Submeter", "ELECTRIC", Decimal("1200.000000"), "kWh", cost),),
        lines=(ExportLine(f"M-{account}", "USE", "Energy, on-peak", Decimal("1200.000000"), "kWh", cost),),
        reversal=reversal,
    )


def worked_example() -> str:
    """The file of docs/accounting.md §3: two tenant bills and the reversal of a voided one."""
    bills = [bill(101, "600.30"), bill(102, "400.20", account="T2"), bill(77, "55.00", account="T3").negated()]
    return export_file.render(bills, datetime(2024, 6, 15, 9, 30, 0), "May 2024")


def test_the_worked_example_in_the_docs_is_the_file_we_write() -> None:
    text = worked_example()
    documented = DOC.read_text().split("```text\n", 1)[1].split("```", 1)[0]
    assert text.replace("\r\n", "\n") == documented
    assert text.count("\r\n") == len(text.splitlines())


def test_money_numbers_and_dates() -> None:
    assert export_file.money(Decimal("-12.345")) == "$-12.35"
    assert export_file.money(Decimal("0")) == "$0.00"
    assert export_file.money(Decimal("1234567.5")) == "$1234567.50"
    assert export_file.money(None) == ""
    assert export_file.number(Decimal("1200.000000")) == "1200"
    assert export_file.number(Decimal("0.500000")) == "0.5"
    assert export_file.day(date(2024, 2, 9)) == "02/09/2024"


def test_a_reversal_negates_every_amount() -> None:
    original = bill(5, "10.00")
    reversed_ = original.negated()
    assert reversed_.reversal is True
    assert reversed_.total_cost == Decimal("-10.00")
    assert reversed_.meters[0].cost == Decimal("-10.00")
    assert reversed_.lines[0].cost == Decimal("-10.00")
    assert reversed_.lines[0].value == Decimal("-1200")


amounts = st.decimals(min_value=-100000, max_value=100000, places=2, allow_nan=False, allow_infinity=False)


@given(st.lists(amounts, max_size=30))
def test_the_header_and_trailer_totals_add_up_exactly(values: list[Decimal]) -> None:
    bills = [bill(i + 1, str(v)) for i, v in enumerate(values)]
    figures = export_file.totals(bills)
    assert figures.amount == sum(values, Decimal(0))
    assert figures.debits <= 0 <= figures.credits
    rows = export_file.ledger(bills)
    assert rows[-1].amount == sum(values, Decimal(0))
    centers = [row.amount for row in rows if row.kind == "cost center total"]
    assert sum(centers, Decimal(0)) == rows[-1].amount


def candidate(**state: bool) -> ExportCandidate:
    facts = {"void": False, "approved": False, "export_hold": False, "ap_exported": False, "gl_exported": False}
    facts.update({"batch_closed": False, **state})
    return ExportCandidate(bill_id=7, **facts)


def test_each_rule_names_the_bill() -> None:
    settings = WorkflowSettings()
    gl = ExportMode.GL
    assert export_rules.refusal(candidate(), settings, gl) is None
    assert export_rules.refusal(candidate(void=True), settings, gl) == "bill 7 is void; void bills are never exported"
    assert export_rules.refusal(candidate(export_hold=True), settings, gl) == "bill 7 is held from export"
    assert export_rules.refusal(candidate(gl_exported=True), settings, gl) == "bill 7 has already been exported to GL"
    assert export_rules.refusal(candidate(ap_exported=True), settings, gl) is None
    approval_on = WorkflowSettings(approval_mode_enabled=True)
    assert "not approved" in (export_rules.refusal(candidate(), approval_on, gl) or "")
    closed = WorkflowSettings(gl=StreamSetting(True, CanExport.AFTER_BATCH, False))
    assert export_rules.refusal(candidate(), closed, gl) == "bill 7 is in an open batch; GL exports need closed batches"
    assert export_rules.refusal(candidate(batch_closed=True), closed, gl) is None


def test_a_disabled_stream_and_too_many_bills_are_refused() -> None:
    off = WorkflowSettings(ap=StreamSetting(False, CanExport.AFTER_ENTRY, False))
    with pytest.raises(RuleViolation, match="AP export is not enabled"):
        export_rules.check_request(off, ExportMode.AP, 1)
    export_rules.check_request(WorkflowSettings(), ExportMode.GL, 10_000)
    with pytest.raises(ValidationFailed):
        export_rules.check_request(WorkflowSettings(), ExportMode.GL, 10_001)
