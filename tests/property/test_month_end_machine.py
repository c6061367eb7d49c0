"""A month-end driven at random: bills entered, imported (VPR V, P, R), edited, voided, un-voided and deleted;
tenants moving; split percentages changed; steps run and re-run; tasks voided and deleted. After every event:

- every live source bill's live split bills add up to what its conservation record says was allocated, and that
  record matches the source (source = allocated + left, exactly to the cent);
- no void or deleted bill has a live bill made from it (split bills and calculated bills alike);
- nobody is charged for a day outside their account-meter link;
- a calculated version has at most one live bill per period (re-runs replace).

The examples run on SQLite, each on a copy of one prepared database file. CI runs MONTH_END_EXAMPLES (200, about
33 s of CPU) of them; the nightly-sized run sets APPORTION_MONTH_END_EXAMPLES (README, "Longer runs"; 2,000 was CI's
size until the suite's CPU time was halved, docs/testing.md).
"""

from __future__ import annotations

import base64
import os
import shutil
import sqlite3
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule
from sqlalchemy import ColumnElement, delete, func, select

from apportion.domain import calculations as calc
from apportion.domain import periods
from apportion.domain.bills import BillHeader
from apportion.domain.errors import DomainError
from apportion.domain.permissions import Grants
from apportion.importer.limits import ImportLimits
from apportion.services.access import auth
from apportion.services.billing import bills
from apportion.services.chargebacks import chargeback_tasks
from apportion.services.imports import bill_import, import_tasks
from apportion.services.master.account_meters import LinkInput, create_links, edit_link
from apportion.services.runs import processing
from apportion.store.database import Database
from apportion.store.migrate import upgrade
from apportion.store.models.bills import Batch, Bill, BillMeter, BillSource
from apportion.store.models.chargebacks import ChargebackTask, ChargebackTaskSource, SplitDestination
from apportion.store.models.organisation import AccountMeter
from tests.support import chargeback_builders as steps
from tests.support import chargebacks as cb

MONTH_END_EXAMPLES = int(os.environ.get("APPORTION_MONTH_END_EXAMPLES", "200"))
PERIODS = (202401, 202402)
NOW = datetime(2024, 6, 15, 9, 30)
USE, TAX, KWH = 1, 8, 1
IMPORT_HEADER = "AccountCode,MeterCode,StartDate,EndDate,VPR,USE:kWh:Energy,USE::Energy"
LIMITS = ImportLimits(max_bytes=1 << 20, max_uncompressed_bytes=1 << 20)
cents = st.integers(min_value=1, max_value=500_000).map(lambda c: Decimal(c).scaleb(-2))


class Campus:
    """The prepared database: a master meter split 60/40 to two tenants, a third account ready to move in, and a
    calculated meter summing the tenants' meters; a split step and a calculation step."""

    def __init__(self, path: Path) -> None:
        self.path = path
        db = Database(f"sqlite:///{path}")
        upgrade(db.engine)
        self.user_id, _key = auth.create_user_with_key(db, "admin", "Administrator", Grants.everything(), NOW)
        ids = cb.accounts_and_meters(db, ["SRC", "T1", "T2", "ROLL"])
        self.new_tenant = cb.accounts_and_meters(db, ["NEW"])["NEW"][0]
        self.source, self.t1, self.t2, self.roll = ids["SRC"], ids["T1"], ids["T2"], ids["ROLL"]
        with db.transaction() as session:  # the new tenant's account is not linked to anything yet
            session.execute(delete(AccountMeter).where(AccountMeter.account_id == self.new_tenant))
        with db.transaction() as session:  # the administrator's open batch, as after the first bill entered
            session.add(Batch(batch_code="MONTH-END", status="Open", created_by=self.user_id, start_date=NOW))
        self.split_step = steps.workflow_step(db, "Split", "Split")
        self.calc_step = steps.workflow_step(db, "Calculation", "Roll-up")
        self.split_version = cb.split_version(
            db, *self.source, [(*self.t1, Decimal(60)), (*self.t2, Decimal(40))], step_id=self.split_step
        )
        summed = calc.MeterCalculation(sum_meter_ids=(self.t1[1], self.t2[1]))
        self.calc_version = cb.calculated_version(
            db, *self.roll, calc.CalculatedBillInstructions(0, use=summed, cost=summed), step_id=self.calc_step
        )
        with db.transaction() as session:
            self.t1_link = session.execute(
                select(AccountMeter.account_meter_id).where(AccountMeter.account_id == self.t1[0])
            ).scalar_one()
        db.dispose()  # the last connection's close folds the write-ahead log into the file copied per example


@pytest.fixture(scope="module")
def campus(tmp_path_factory: pytest.TempPathFactory) -> Campus:
    return Campus(tmp_path_factory.mktemp("month-end") / "campus.db")


class MonthEnd(RuleBasedStateMachine):
    """One month-end on a fresh copy of the campus (see the module docstring)."""

    campus: Campus
    db: Database

    def __init__(self) -> None:
        super().__init__()
        # Every example starts from the prepared campus, copied into the one working database with SQLite's backup
        # API: the engine, its connections and its compiled statements serve all examples.
        with sqlite3.connect(self.campus.path) as template:
            raw = self.db.engine.raw_connection()
            try:
                template.backup(raw.driver_connection)  # type: ignore[arg-type]
            finally:
                raw.close()
        self.principal = auth.Principal(self.campus.user_id, "admin", "Administrator", Grants.everything())
        self.calc_sources: dict[int, set[int]] = {}
        self.moved = False

    # Events ------------------------------------------------------------------------------------------------------

    @initialize(period=st.sampled_from(PERIODS), cost=cents, tax=st.one_of(st.none(), cents))
    def first_bill(self, period: int, cost: Decimal, tax: Decimal | None) -> None:
        self.enter_bill(period, cost, tax)

    @rule(period=st.sampled_from(PERIODS), cost=cents, tax=st.one_of(st.none(), cents))
    def enter_bill(self, period: int, cost: Decimal, tax: Decimal | None) -> None:
        account, meter = self.campus.source
        lines = [bills.LineInput(meter, USE, "Use", Decimal(1000), KWH, cost, "meters[0].bodyLines[0]")]
        if tax is not None:
            lines.append(bills.LineInput(None, TAX, "Tax", None, None, tax, "accountBodyLines[0]"))
        bill = bills.BillInput(
            account, periods.first_day(period), periods.end_date(period), period, lines, BillHeader()
        )
        bills.create_bill(self.db, bill, self.principal, NOW)

    @rule(period=st.sampled_from(PERIODS), cost=cents, flag=st.sampled_from(["V", "P", "R"]))
    def import_bill(self, period: int, cost: Decimal, flag: str) -> None:
        begin, end = periods.first_day(period), periods.end_date(period)
        content = f"{IMPORT_HEADER}\r\nA-SRC,M-SRC,{begin},{end},{flag},1000,{cost}\r\n".encode()
        data = base64.b64encode(content).decode()
        task_id, _guid = import_tasks.start_import(
            self.db, "bills.csv", data, import_tasks.ImportOptions(), self.principal, NOW, LIMITS
        )
        bill_import.run_import(self.db, task_id, lambda: NOW, LIMITS)

    @rule(choice=st.integers(0, 50), cost=cents)
    def edit_bill(self, choice: int, cost: Decimal) -> None:
        bill_id = self._pick(choice, Bill.void.is_(False))
        if bill_id is None:
            return
        with self.db.reading() as session:
            bill = session.get(Bill, bill_id)
            assert bill is not None
            meters = list(session.execute(select(BillMeter.meter_id).where(BillMeter.bill_id == bill_id)).scalars())
        lines = [bills.LineInput(m, USE, "Use", Decimal(1000), KWH, cost, "meters[0].bodyLines[0]") for m in meters]
        edit = bills.BillInput(bill.account_id, bill.begin_date, bill.end_date, bill.billing_period, lines)
        try:
            bills.edit_bill(self.db, bill_id, edit, self.principal, NOW)
        except DomainError:
            assert bill.source_bill_id is not None or not meters  # only split bills refuse an edit of figures

    @rule(choice=st.integers(0, 50))
    def void_bill(self, choice: int) -> None:
        bill_id = self._pick(choice, Bill.void.is_(False))
        if bill_id is not None:
            bills.void_bills(self.db, [bill_id], True, self.campus.user_id, NOW)

    @rule(choice=st.integers(0, 50))
    def unvoid_bill(self, choice: int) -> None:
        bill_id = self._pick(choice, Bill.void.is_(True))
        if bill_id is not None:
            bills.void_bills(self.db, [bill_id], False, self.campus.user_id, NOW)

    @rule(choice=st.integers(0, 50))
    def delete_bill(self, choice: int) -> None:
        bill_id = self._pick(choice, Bill.bill_id.is_not(None))
        if bill_id is not None:
            bills.delete_bills(self.db, [bill_id], self.campus.user_id, NOW)

    @precondition(lambda self: not self.moved)
    @rule(out=st.integers(1, 58), gap=st.integers(0, 20))
    def tenant_moves(self, out: int, gap: int) -> None:
        """The first tenant leaves (bills its link no longer covers are deleted) and a new one moves in later."""
        self.moved = True
        leaves = date(2024, 1, 1) + (date(2024, 1, 2) - date(2024, 1, 1)) * out
        edit_link(self.db, self.campus.t1_link, None, leaves, None, True, self.campus.user_id, NOW)
        arrives = leaves + (date(2024, 1, 2) - date(2024, 1, 1)) * gap
        create_links(self.db, [LinkInput(self.campus.new_tenant, self.campus.t1[1], arrives)], self.campus.user_id, NOW)

    @rule(first=st.integers(1, 99))
    def change_percentages(self, first: int) -> None:
        with self.db.transaction() as session:
            rows = session.execute(
                select(SplitDestination).where(SplitDestination.version_id == self.campus.split_version)
            ).scalars()
            for row in rows:
                row.split_percentage = Decimal(first if row.position == 0 else 100 - first)

    @rule(period=st.sampled_from(PERIODS), calculation=st.booleans())
    def run_step(self, period: int, calculation: bool) -> None:
        step = self.campus.calc_step if calculation else self.campus.split_step
        settings_ = processing.RunSettings(billing_period=period)
        task_id = processing.run_workflow_step(self.db, step, settings_, self.principal, lambda: NOW)
        if calculation:
            with self.db.reading() as session:
                made = session.execute(
                    select(Bill.bill_id, BillSource.source_bill_id)
                    .outerjoin(BillSource, BillSource.bill_id == Bill.bill_id)
                    .where(Bill.chargeback_task_id == task_id)
                )
                # A new bill starts a new record: SQLite gives a deleted highest id to the next bill it inserts.
                fresh: dict[int, set[int]] = {}
                for bill_id, source_id in made:
                    fresh.setdefault(bill_id, set())
                    if source_id is not None:
                        fresh[bill_id].add(source_id)
                self.calc_sources.update(fresh)

    @rule(choice=st.integers(0, 20), delete=st.booleans())
    def reverse_task(self, choice: int, delete: bool) -> None:
        with self.db.reading() as session:
            task_ids = list(session.execute(select(ChargebackTask.task_id).order_by(ChargebackTask.task_id)).scalars())
        if not task_ids:
            return
        task_id = task_ids[choice % len(task_ids)]
        try:
            chargeback_tasks.reverse_task(self.db, task_id, delete=delete, user_id=self.campus.user_id, now=NOW)
        except DomainError as refused:
            message = refused.message
            assert "already reversed" in message

    def _pick(self, choice: int, condition: ColumnElement[bool]) -> int | None:
        with self.db.reading() as session:
            found = list(session.execute(select(Bill.bill_id).where(condition).order_by(Bill.bill_id)).scalars())
        return found[choice % len(found)] if found else None

    # Invariants --------------------------------------------------------------------------------------------------

    @invariant()
    def every_split_source_is_charged_exactly_what_its_record_says(self) -> None:
        with self.db.reading() as session:
            for source in session.execute(
                select(Bill).where(Bill.void.is_(False), Bill.has_been_split.is_(True))
            ).scalars():
                record = session.execute(
                    select(ChargebackTaskSource)
                    .join(ChargebackTask, ChargebackTask.task_id == ChargebackTaskSource.task_id)
                    .where(
                        ChargebackTaskSource.source_bill_id == source.bill_id, ChargebackTask.reversed_date.is_(None)
                    )
                    .order_by(ChargebackTaskSource.task_id.desc())
                    .limit(1)
                ).scalar_one()
                live = session.execute(
                    select(func.coalesce(func.sum(Bill.total_cost), 0)).where(
                        Bill.source_bill_id == source.bill_id, Bill.void.is_(False)
                    )
                ).scalar_one()
                left = sum(
                    (
                        record.left_account_charges,
                        record.left_unsplit_meters,
                        record.left_percentages,
                        record.left_vacancy,
                        record.left_failed_versions,
                        record.left_not_split,
                    ),
                    Decimal(0),
                )
                assert Decimal(record.source_amount) == Decimal(source.total_cost)
                assert Decimal(record.allocated) == Decimal(live)
                assert Decimal(record.source_amount) == Decimal(record.allocated) + left

    @invariant()
    def nothing_live_is_made_from_a_void_or_deleted_bill(self) -> None:
        with self.db.reading() as session:
            split_bills = session.execute(
                select(Bill.bill_id, Bill.source_bill_id).where(
                    Bill.void.is_(False), Bill.chargeback_task_id.is_not(None)
                )
            ).all()
            live = set(session.execute(select(Bill.bill_id).where(Bill.void.is_(False))).scalars())
            for bill_id, source_id in split_bills:
                if source_id is not None:
                    assert source_id in live, f"bill {bill_id} is live but its source {source_id} is not"
            for bill_id, sources in self.calc_sources.items():
                if bill_id in live:
                    assert sources <= live, f"calculated bill {bill_id} is live but used {sources - live}"

    @invariant()
    def nobody_pays_for_days_outside_their_link(self) -> None:
        with self.db.reading() as session:
            rows = session.execute(
                select(Bill.account_id, BillMeter.meter_id, Bill.begin_date, Bill.end_date)
                .join(BillMeter, BillMeter.bill_id == Bill.bill_id)
                .where(Bill.void.is_(False), Bill.source_bill_id.is_not(None))
            ).all()
            for account_id, meter_id, begin, end in rows:
                links = session.execute(
                    select(AccountMeter.begin_date, AccountMeter.end_date).where(
                        AccountMeter.account_id == account_id, AccountMeter.meter_id == meter_id
                    )
                ).all()
                last = end if end > begin else begin + (date(2024, 1, 2) - date(2024, 1, 1))
                assert any(b <= begin and last <= e for b, e in links), (account_id, meter_id, begin, end, links)

    @invariant()
    def a_calculated_version_has_one_live_bill_per_period(self) -> None:
        with self.db.reading() as session:
            counts = session.execute(
                select(Bill.billing_period, func.count())
                .where(Bill.chargeback_version_id == self.campus.calc_version, Bill.void.is_(False))
                .group_by(Bill.billing_period)
            ).all()
            assert all(count == 1 for _, count in counts), counts


def test_month_end_keeps_every_cent_charged_back_once(campus: Campus, tmp_path: Path) -> None:
    shutil.copyfile(campus.path, tmp_path / "work.db")
    MonthEnd.campus, MonthEnd.db = campus, Database(f"sqlite:///{tmp_path / 'work.db'}")
    run = MonthEnd.TestCase
    run.settings = settings(
        max_examples=MONTH_END_EXAMPLES,
        stateful_step_count=8,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    )
    try:
        run().runTest()
    finally:
        MonthEnd.db.dispose()
