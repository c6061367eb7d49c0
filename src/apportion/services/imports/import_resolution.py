"""Parsed bills to bill drafts: codes resolved against the database and the import rules checked, or a reason.

Everything a chunk of a file's bills refers to is loaded set-based first (`load_catalog`: a few chunked IN queries),
then each bill is resolved in memory (`Resolver.resolve`); an import streams its file through this a chunk at a time.
A bill that breaks a rule is kicked out whole with every problem found, each as "Row n: ..." like the parser's own
messages (docs/import-format.md):

- the account must exist (by code, and vendor code when the code is used by several vendors), be active and
  cover the bill's dates (domain.md §4.10);
- each row's meter must exist (by MeterCode, or by SerialNumber among the account's meters), match the row's
  Commodity, and be linked to the account for the bill's dates; a row without either is account-level;
- observation type and unit codes must exist, and a use value's unit must measure the meter's commodity;
- the billing period must lie in 190001..209912 and the bill needs at least one line item;
- an existing (not void) bill of the same account and dates is handled by the VPR flag, or without one by the
  A/C/E flag (domain.md §7 Q14): V (and A/E) void the existing bill and import, P (and C) import beside it,
  R kicks the bill out. Two bills of one import with the same account and dates are a duplicate unless P/C.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import Literal

from apportion.domain.bills import BillDraft, BillOrigin, LineDraft, ObservationKind
from apportion.domain.scoping import Scope
from apportion.domain.tuples import new_tuple as _new
from apportion.importer.rows import (
    CORRECTED,
    ESTIMATED,
    PRESERVE,
    REJECT,
    VOID,
    ParsedBill,
    ParsedMeterRow,
    billing_period_for,
)
from apportion.store.database import UnitOfWork
from apportion.store.queries import import_catalog
from apportion.store.queries.import_catalog import AccountFacts, Catalog, MeterFacts, Reference

MIN_PERIOD, MAX_PERIOD = 190001, 209912


def load_catalog(
    session: UnitOfWork,
    reference: Reference,
    bills: Sequence[ParsedBill],
    import_task_id: int,
    scope: Scope = Scope.WHOLE,
) -> Catalog:
    """Load the accounts, meters, links and bills (live ones, and import `import_task_id`'s own) these bills name;
    an account or meter outside `scope` (the importing user's topmost) is not found, so its rows are kicked out as
    naming an account or meter that does not exist."""
    return import_catalog.load_catalog(
        session,
        reference,
        account_codes={bill.account_code for bill in bills},
        meter_codes={m.meter_code for bill in bills for m in bill.meters if m.meter_code},
        # Rows that name their meter only by serial number: the account's linked meters are the candidates.
        serial_only_meters=any(m.serial_number and not m.meter_code for bill in bills for m in bill.meters),
        import_task_id=import_task_id,
        scope=scope,
    )


def load_reference(session: UnitOfWork) -> Reference:
    """The observation type and unit codes, loaded once per import."""
    return import_catalog.load_reference(session)


class _Problems:
    """The "Row n: ..." messages of one bill."""

    def __init__(self) -> None:
        self.messages: list[str] = []

    def add(self, line_number: int, text: str) -> None:
        self.messages.append(f"Row {line_number}: {text}")


_PERIODS_KEPT = 4096


class Resolver:
    """Resolves the bills of one import in file order, a chunk at a time (`chunk` with each chunk's catalog).

    `taken` holds the bills of this import with each (account, dates) key, by their first row: those of the chunk
    being resolved, and those written by earlier chunks (found in the catalog's `own`, their rows given by
    `first_rows`). `to_void` is the existing bills the chunk's bills replace.
    """

    def __init__(self, catalog: Catalog, task_id: int) -> None:
        self.catalog, self.task_id = catalog, task_id
        self.taken: dict[tuple[int, date, date], int] = {}
        self.to_void: set[int] = set()
        # Files repeat the same dates, types, units and meters on every row: each answer is worked out once.
        self._periods: dict[tuple[date, date], int] = {}
        self._measured: dict[tuple[int, int], bool] = {}
        self._origin = BillOrigin(import_task_id=task_id)  # immutable, so every draft can share it

    def chunk(self, catalog: Catalog, first_rows: Callable[[int], int]) -> None:
        """Resolve the next chunk against `catalog`; `first_rows(bill id)` is the first row of a bill this import
        wrote earlier."""
        self.catalog = catalog
        self.taken = {key: first_rows(min(ids)) for key, ids in catalog.own.items()}
        self.to_void = set()

    def resolve(self, bill: ParsedBill) -> BillDraft | str:
        """The draft to write, or the kickout message for every row of the bill."""
        problems = _Problems()
        first = bill.rows[0].line_number
        account = self._account(bill, problems, first)
        period = bill.billing_period or self._period(bill.start_date, bill.end_date)
        if not (MIN_PERIOD <= period <= MAX_PERIOD):
            problems.add(first, f"billing period {period} is outside {MIN_PERIOD}..{MAX_PERIOD}")
        lines: list[LineDraft] = []
        for meter_row in bill.meters:
            meter = self._meter(bill, meter_row, account, problems)
            if meter is False:
                continue
            lines.extend(self._lines(meter_row, meter, problems))
        if not problems.messages and not lines:
            problems.add(first, "the bill has no line items")
        key = (account.account_id, bill.start_date, bill.end_date) if account else None
        if key is not None and not problems.messages:
            self._duplicates(bill, key, problems, first)
        if problems.messages or account is None or key is None:  # an unresolved account is always a problem
            return "; ".join(problems.messages)
        self.taken.setdefault(key, first)
        if self._flag(bill) == VOID:
            self.to_void.update(self.catalog.existing.get(key, ()))
        start, end, estimated = bill.start_date, bill.end_date, bill.ace == ESTIMATED
        # account_id, billing_period, begin_date, end_date, lines, header, estimated, from_vendor, origin
        return _new(
            BillDraft,
            (account.account_id, period, start, end, tuple(lines), bill.header, estimated, True, self._origin),
        )

    def _period(self, start: date, end: date) -> int:
        """The midpoint rule's period (`ParsedBill.period` without a file period), once per pair of dates."""
        period = self._periods.get((start, end))
        if period is None:
            if len(self._periods) >= _PERIODS_KEPT:  # ever new dates: keep a bounded number of answers
                self._periods.clear()
            period = self._periods[start, end] = billing_period_for(start, end)
        return period

    def _account(self, bill: ParsedBill, problems: _Problems, first: int) -> AccountFacts | None:
        code = bill.account_code
        candidates = self.catalog.accounts.get(code.lower(), [])
        if bill.vendor_code:
            found = [a for a in candidates if a.vendor_code.lower() == bill.vendor_code.lower()]
            if not found:
                vendor = f" for vendor '{bill.vendor_code}'" if candidates else ""
                problems.add(first, f"Account '{code}' does not exist{vendor}")
                return None
        elif len(candidates) > 1:
            vendors = ", ".join(sorted({a.vendor_code for a in candidates}))
            problems.add(first, f"Account code '{code}' is used by several vendors ({vendors}); give the VendorCode")
            return None
        else:
            found = candidates
        if not found:
            problems.add(first, f"Account '{code}' does not exist")
            return None
        account = found[0]
        if not account.active:
            problems.add(first, f"Account '{code}' is inactive")
        if account.begin_date and bill.start_date < account.begin_date:
            problems.add(first, f"StartDate {bill.start_date} is before account '{code}' begins ({account.begin_date})")
        if account.end_date and bill.end_date > account.end_date:
            problems.add(first, f"EndDate {bill.end_date} is after account '{code}' ends ({account.end_date})")
        return account

    def _meter(
        self, bill: ParsedBill, row: ParsedMeterRow, account: AccountFacts | None, problems: _Problems
    ) -> MeterFacts | Literal[False] | None:
        """The row's meter; None for account-level lines; False when the meter cannot be used."""
        line = row.line_number
        links = self.catalog.links.get(account.account_id, []) if account is not None else []
        start, end = bill.start_date, bill.end_date
        if row.meter_code:
            meter = self.catalog.meters.get(row.meter_code.lower())
            if meter is None:
                problems.add(line, f"Meter '{row.meter_code}' does not exist")
                return False
            if row.serial_number and (meter.serial_number or "").lower() != row.serial_number.lower():
                problems.add(line, f"SerialNumber '{row.serial_number}' is not meter '{meter.code}''s")
                return False
        elif row.serial_number:
            serial = row.serial_number.lower()
            by_id = self.catalog.meters_by_id
            matches = {
                link.meter_id
                for link in links
                if link.begin <= end
                and link.end >= start
                and (found := by_id.get(link.meter_id))
                and (found.serial_number or "").lower() == serial
            }
            if len(matches) != 1:
                where = f"on account '{account.code}'" if account else "on the account"
                count = "no meter" if not matches else "several meters"
                problems.add(line, f"{count} with SerialNumber '{row.serial_number}' {where} for these dates")
                return False
            meter = self.catalog.meters_by_id[matches.pop()]
        else:
            return None
        if row.commodity_code and meter.commodity_code.lower() != row.commodity_code.lower():
            what = f"meter '{meter.code}''s ({meter.commodity_code})"
            problems.add(line, f"Commodity '{row.commodity_code}' is not {what}")
            return False
        meter_id = meter.meter_id
        if account is not None and not any(
            link.meter_id == meter_id and link.begin <= end and link.end >= start for link in links
        ):
            problems.add(
                line,
                f"Meter '{meter.code}' is not on account '{account.code}' for {bill.start_date}..{bill.end_date}",
            )
            return False
        return meter

    def _lines(self, row: ParsedMeterRow, meter: MeterFacts | None, problems: _Problems) -> list[LineDraft]:
        lines: list[LineDraft] = []
        for line in row.lines:
            found = self.catalog.observation_types.get(line.observation_type_code.lower())
            if found is None:
                problems.add(row.line_number, f"observation type '{line.observation_type_code}' does not exist")
                continue
            type_id, kind = found
            unit_id = None
            if line.unit_code is not None:
                unit_id = self.catalog.units.get(line.unit_code.lower())
                if unit_id is None:
                    problems.add(row.line_number, f"unit '{line.unit_code}' does not exist")
                    continue
                if (
                    meter is not None
                    and kind == ObservationKind.USE
                    and not self._measures(unit_id, meter.commodity_id)
                ):
                    what = f"meter '{meter.code}''s {meter.commodity_code} use"
                    problems.add(row.line_number, f"unit '{line.unit_code}' cannot measure {what}")
                    continue
            meter_id = meter.meter_id if meter is not None else None
            # observation_type_id, kind, meter_id, caption, value, value_unit_id, cost, source_line_id, share
            lines.append(
                _new(LineDraft, (type_id, kind, meter_id, line.caption, line.value, unit_id, line.cost, None, None))
            )
        return lines

    def _measures(self, unit_id: int, commodity_id: int) -> bool:
        known = self._measured.get((unit_id, commodity_id))
        if known is None:
            known = self._measured[unit_id, commodity_id] = self.catalog.unit_table.measures(unit_id, commodity_id)
        return known

    @staticmethod
    def _flag(bill: ParsedBill) -> str:
        """VPR, or what the A/C/E flag means without one: C keeps the existing bill, A and E replace it."""
        return bill.vpr or (PRESERVE if bill.ace == CORRECTED else VOID)

    def _duplicates(self, bill: ParsedBill, key: tuple[int, date, date], problems: _Problems, first: int) -> None:
        flag = self._flag(bill)
        existing = self.catalog.existing.get(key)
        earlier = self.taken.get(key)
        if not existing and earlier is None:  # the usual case: nothing to compare with
            return
        span = f"account '{bill.account_code}' for {bill.start_date}..{bill.end_date}"
        if flag == REJECT and existing:
            ids = ", ".join(map(str, existing))
            problems.add(first, f"duplicate bill: {span} already has bill {ids} (VPR R rejects it)")
        elif earlier is not None and flag != PRESERVE:
            problems.add(first, f"duplicate bill: the bill from row {earlier} of this import is already {span}")
