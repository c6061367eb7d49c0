"""Approve, hold, export, unexport and void in any order: the bills' export flags and the export files agree.

After every step, for each stream (AP, GL) and each bill:

- a bill is flagged exported on a stream exactly when one export of that stream still holds it (an item neither
  unexported nor a reversal), and no bill is held by two;
- a voided bill owes at most one standing reversing entry;
- every file lists in its L1 lines exactly the bills its export recorded, each once, and none that was void, held,
  already exported on the stream, or unapproved while approval mode was on at the time.

The examples run on SQLite, each on a copy of one prepared database file.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections import Counter
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from apportion.domain.permissions import Grants
from apportion.domain.workflow import ExportMode
from apportion.services.access import auth
from apportion.services.access.auth import Principal
from apportion.services.accounting import approval, exports, workflow_settings
from apportion.services.billing import bills
from apportion.store.database import Database
from apportion.store.migrate import upgrade
from apportion.store.queries import bill_accounting, bill_exports
from tests.support import chargebacks as cb

EXAMPLES = int(os.environ.get("APPORTION_ACCOUNTING_EXAMPLES", "150"))
NOW = datetime(2024, 6, 15, 9, 30)
BILLS = 5


class Prepared:
    """A database with an administrator and five bills on two accounts."""

    def __init__(self, path: Path) -> None:
        self.path = path
        db = Database(f"sqlite:///{path}")
        upgrade(db.engine)
        user_id, _ = auth.create_user_with_key(db, "admin", "Administrator", Grants.everything(), NOW)
        self.principal = Principal(user_id, "admin", "Administrator", Grants.everything())
        ids = cb.accounts_and_meters(db, ["A", "B"])
        self.bill_ids: list[int] = []
        for n in range(BILLS):
            account_id, meter_id = ids["A" if n % 2 else "B"]
            line = bills.LineInput(meter_id, 1, "Energy", Decimal(100 + n), 1, Decimal(10 * n + 5).scaleb(-1))
            entered = bills.BillInput(account_id, date(2024, n + 1, 1), date(2024, n + 2, 1), 202401 + n, [line])
            self.bill_ids.append(bills.create_bill(db, entered, self.principal, NOW))
        db.dispose()


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory) -> Prepared:
    return Prepared(tmp_path_factory.mktemp("accounting") / "prepared.db")


class Accounting(RuleBasedStateMachine):
    """One month's accounting on the prepared bills, in a random order."""

    prepared: Prepared
    work: Path

    @initialize()
    def start(self) -> None:
        shutil.copyfile(self.prepared.path, self.work)
        self.db = Database(f"sqlite:///{self.work}")
        self.principal = self.prepared.principal
        self.guids: list[str] = []
        self.approval_on = False

    def teardown(self) -> None:
        db = getattr(self, "db", None)
        if db is not None:
            db.dispose()

    def _pick(self, indexes: list[int]) -> list[int]:
        return [self.prepared.bill_ids[i] for i in sorted(set(indexes))]

    @rule(indexes=st.lists(st.integers(0, BILLS - 1), min_size=1, max_size=3), value=st.booleans())
    def approve(self, indexes: list[int], value: bool) -> None:
        approval.approve_bills(self.db, self._pick(indexes), value, self.principal, NOW)

    @rule(indexes=st.lists(st.integers(0, BILLS - 1), min_size=1, max_size=3), value=st.booleans())
    def hold(self, indexes: list[int], value: bool) -> None:
        approval.hold_bills(self.db, self._pick(indexes), value, self.principal)

    @rule(index=st.integers(0, BILLS - 1), value=st.booleans())
    def void(self, index: int, value: bool) -> None:
        bills.void_bills(self.db, [self.prepared.bill_ids[index]], value, self.principal.user_id, NOW)

    @rule(value=st.booleans())
    def approval_mode(self, value: bool) -> None:
        workflow_settings.edit_approval(self.db, value, None, clear_maximum=False)
        self.approval_on = value

    @rule(
        indexes=st.lists(st.integers(0, BILLS - 1), min_size=1, max_size=BILLS),
        mode=st.sampled_from(["ap", "gl"]),
        mark=st.booleans(),
    )
    def export(self, indexes: list[int], mode: str, mark: bool) -> None:
        wanted = self._pick(indexes)
        stream = ExportMode(mode)
        with self.db.reading() as session:
            before = {s.bill_id: s for s in bill_accounting.states(session, wanted)}
        guid = str(uuid.uuid4())
        outcome = exports.export_bills(self.db, wanted, mode, mark, None, self.principal, NOW, guid)
        self.guids.append(guid)
        summaries = [line.split(",") for line in outcome.text.splitlines() if line.startswith("L1:")]
        listed = [int(cells[1]) for cells in summaries if cells[-2] == "N"]
        assert listed == sorted(set(listed))
        for bill_id in listed:
            state = before[bill_id]
            assert not state.void
            assert not state.export_hold
            assert not (state.ap_exported if stream is ExportMode.AP else state.gl_exported)
            assert state.approved or not self.approval_on
        with self.db.reading() as session:
            export = bill_exports.by_guid(session, guid)
            assert export is not None
            items = bill_exports.items_of(session, export.export_id)
        recorded = sorted(item.bill_id for item in items if not item.reversal)
        assert recorded == (listed if mark else [])
        reversed_ = [int(cells[1]) for cells in summaries if cells[-2] == "Y"]
        assert stream is ExportMode.GL or not reversed_
        assert sorted(item.bill_id for item in items if item.reversal) == (sorted(reversed_) if mark else [])

    @rule(data=st.data())
    def unexport_guid(self, data: st.DataObject) -> None:
        if self.guids:
            exports.unexport_guid(self.db, data.draw(st.sampled_from(self.guids)))

    @rule(indexes=st.lists(st.integers(0, BILLS - 1), min_size=1, max_size=3), mode=st.sampled_from(["ap", "gl"]))
    def unexport(self, indexes: list[int], mode: str) -> None:
        exports.unexport_bills(self.db, self._pick(indexes), mode)

    @invariant()
    def flags_and_exports_agree(self) -> None:
        if not hasattr(self, "db"):
            return
        with self.db.reading() as session:
            states = {s.bill_id: s for s in bill_accounting.states(session, self.prepared.bill_ids)}
            for mode in ExportMode:
                items = bill_exports.items_in_stream(session, mode)
                standing = Counter(bill for _, bill, reversal, undone in items if not reversal and not undone)
                reversals = Counter(bill for _, bill, reversal, undone in items if reversal and not undone)
                for bill_id, state in states.items():
                    flag = state.ap_exported if mode is ExportMode.AP else state.gl_exported
                    assert standing[bill_id] == (1 if flag else 0), (mode, bill_id, flag, standing[bill_id])
                    assert reversals[bill_id] <= 1
                    if reversals[bill_id]:
                        # A standing reversal belongs to a void bill whose posting stands: the pair nets to zero.
                        assert mode is ExportMode.GL
                        assert state.void
                        assert standing[bill_id] == 1


def test_approve_hold_export_unexport_and_void_in_any_order(prepared: Prepared, tmp_path: Path) -> None:
    Accounting.prepared, Accounting.work = prepared, tmp_path / "work.db"
    run = Accounting.TestCase
    run.settings = settings(
        max_examples=EXAMPLES,
        stateful_step_count=12,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    )
    run().runTest()
