"""Exactly once under any interleaving: many real requests at once against the running server (threads over HTTP),
on both databases, each scenario repeated; after every trial the store must hold what one-at-a-time would leave.

- a split task voided, deleted and its step re-run at the same moment: one reversal wins, the source is charged
  once (its live split bills add up to it), and every other reversal is a 400;
- aggregation and calculation runs of the same versions at once: one live bill per version and period;
- identical version-history PUTs at once: one history, which the API accepts back unchanged;
- processor runs of one user without batchSettings at once: all succeed, into one batch;
- imports of one file at once: every bill once.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from apportion.domain import calculations as calc
from apportion.domain.permissions import Grants
from apportion.importer.limits import ImportLimits
from apportion.services.access import auth
from apportion.services.imports import bill_import, import_tasks
from apportion.store.database import Database
from apportion.store.models.bills import Bill
from apportion.store.models.chargebacks import DistributionVersion
from apportion.store.models.organisation import Meter
from tests.e2e.conftest import Server
from tests.support import chargeback_builders as builders
from tests.support import chargebacks as cb

pytestmark = pytest.mark.e2e

D = Decimal
PERIOD = 202403
TRIALS = 4
PARALLEL = 8


def _fire(server: Server, calls: list[tuple[str, str, Any]]) -> list[httpx.Response]:
    """Send the (method, path, json) calls all at once, each on its own connection; their responses in order."""

    def send(call: tuple[str, str, Any]) -> httpx.Response:
        method, path, body = call
        with httpx.Client(base_url=server.base_url, headers={"ECI-ApiKey": server.api_key}, timeout=120) as client:
            return client.request(method, path, json=body)

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return list(pool.map(send, calls))


@pytest.fixture
def db(server: Server) -> Any:
    database = Database(server.database_url)
    yield database
    database.dispose()


def test_void_delete_and_rerun_at_once_charge_the_source_once(
    server: Server, db: Database, unique: Callable[[str], str]
) -> None:
    for _trial in range(TRIALS):
        tag = unique("R")
        ids = cb.accounts_and_meters(db, [f"{tag}S", f"{tag}1", f"{tag}2", f"{tag}3"])
        step = builders.workflow_step(db, "Split", f"Split {tag}")
        shares = [(*ids[f"{tag}{n}"], D("33.34") if n == 1 else D("33.33")) for n in (1, 2, 3)]
        cb.split_version(db, *ids[f"{tag}S"], shares, step_id=step)
        source = cb.bill(db, *ids[f"{tag}S"], PERIOD, [(D("100"), D("33.33"))])
        first = _fire(server, [("POST", f"/api/v3/chargebackWorkflowStep/{step}/exec", {"billingPeriod": PERIOD})])
        task = first[0].json()["taskId"]
        calls: list[tuple[str, str, Any]] = []
        for n in range(PARALLEL):
            kind = n % 3
            if kind == 0:
                calls.append(("POST", f"/api/v3/chargebackTask/{task}/void", None))
            elif kind == 1:
                calls.append(("POST", f"/api/v3/chargebackTask/{task}/delete", None))
            else:
                calls.append(("POST", f"/api/v3/chargebackWorkflowStep/{step}/exec", {"billingPeriod": PERIOD}))
        answers = _fire(server, calls)
        assert all(a.status_code in (200, 204, 400) for a in answers), [a.text for a in answers]
        reversals = [a for c, a in zip(calls, answers, strict=True) if c[0] == "POST" and "chargebackTask" in c[1]]
        assert sum(a.status_code == 204 for a in reversals) == 1, [a.text for a in reversals]
        assert all("already reversed" in a.json()["message"] for a in reversals if a.status_code == 400)
        with db.reading() as session:
            live = session.execute(
                select(func.count(), func.coalesce(func.sum(Bill.total_cost), 0)).where(
                    Bill.source_bill_id == source, Bill.void.is_(False)
                )
            ).one()
            split = session.execute(select(Bill.has_been_split).where(Bill.bill_id == source)).scalar_one()
        # Either a re-run charged it once (3 bills, 33.33 in all) or nothing charges it and it is unsplit.
        assert (live[0], D(live[1]), split) in ((3, D("33.33"), True), (0, D(0), False)), (live, split)


def test_parallel_calculation_and_aggregation_runs_leave_one_live_bill(
    server: Server, db: Database, unique: Callable[[str], str]
) -> None:
    for _trial in range(TRIALS):
        tag = unique("G")
        ids = cb.accounts_and_meters(db, [f"{tag}H1", f"{tag}H2", f"{tag}AG", f"{tag}C"])
        with db.transaction() as session:
            meter = session.get(Meter, ids[f"{tag}AG"][1])
            assert meter is not None
            meter.meter_type_id = 5  # AGGREGATE
        summed = calc.MeterCalculation(sum_meter_ids=(ids[f"{tag}H1"][1], ids[f"{tag}H2"][1]))
        aggregate = cb.calculated_version(
            db, *ids[f"{tag}AG"], calc.CalculatedBillInstructions(0, use=summed, cost=summed)
        )
        fixed = calc.CalculatedBillInstructions(0, use=calc.FixedUse(D("1"), 1), cost=calc.FixedCost(D("2.00")))
        plain = cb.calculated_version(db, *ids[f"{tag}C"], fixed)
        cb.bill(db, *ids[f"{tag}H1"], PERIOD, [(D("1"), D("1.50"))])
        cb.bill(db, *ids[f"{tag}H2"], PERIOD, [(D("2"), D("2.25"))])
        calls: list[tuple[str, str, Any]] = [
            ("POST", "/api/v202203/utilityPlatform/aggregations/exec", {"billingPeriod": PERIOD}),
            ("POST", "/api/v3/calculatedBill/exec", {"billingPeriod": PERIOD}),
        ] * (PARALLEL // 2)
        answers = _fire(server, calls)
        assert all(a.status_code == 200 for a in answers), [a.text for a in answers if a.status_code != 200]
        with db.reading() as session:
            for version in (aggregate, plain):
                live = session.execute(
                    select(func.count()).where(
                        Bill.chargeback_version_id == version, Bill.billing_period == PERIOD, Bill.void.is_(False)
                    )
                ).scalar_one()
                assert live == 1, (version, live)


def test_identical_history_puts_at_once_leave_one_history(
    server: Server, db: Database, unique: Callable[[str], str]
) -> None:
    for _trial in range(TRIALS):
        tag = unique("H")
        account, meter = cb.accounts_and_meters(db, [tag])[tag]
        path = f"/api/v3/account/{account}/meter/{meter}/billSplit"
        body = [{"name": f"v-{tag}", "beginPeriod": 202401}]
        answers = _fire(server, [("PUT", path, body)] * PARALLEL)
        assert all(a.status_code in (200, 400) for a in answers), [a.text for a in answers]
        with db.reading() as session:
            names = session.execute(
                select(DistributionVersion.name).where(
                    DistributionVersion.account_id == account, DistributionVersion.meter_id == meter
                )
            ).scalars()
            assert list(names) == [f"v-{tag}"]
        history = _fire(server, [("GET", path, None)])[0].json()
        again = [
            {"versionId": v["versionId"], "name": v["versionInfo"], "beginPeriod": v["beginPeriod"]} for v in history
        ]
        assert _fire(server, [("PUT", path, again)])[0].status_code == 200


def test_runs_of_one_user_without_batch_settings_share_one_batch(
    server: Server, db: Database, unique: Callable[[str], str]
) -> None:
    user = unique("runner")
    _user_id, key = auth.create_user_with_key(db, user, user, Grants.everything(), cb.NOW)
    mine = Server(server.base_url, key, server.database_url, server.backend)
    answers = _fire(mine, [("POST", "/api/v3/calculatedBill/exec", {"billingPeriod": 190001})] * PARALLEL)
    assert [a.status_code for a in answers] == [200] * PARALLEL, [a.text for a in answers]
    assert len({a.json()["batch"]["batchId"] for a in answers}) == 1


def test_imports_of_one_file_at_once_make_each_bill_once(db: Database, unique: Callable[[str], str]) -> None:
    tag = unique("I")
    codes = [f"{tag}{n}" for n in range(5)]
    cb.accounts_and_meters(db, codes)
    rows = ["AccountCode,MeterCode,StartDate,EndDate,USE:kWh:Energy,USE::Energy"]
    rows += [f"A-{code},M-{code},2024-03-01,2024-04-01,100,12.50" for code in codes]
    data = base64.b64encode("\r\n".join(rows).encode()).decode()
    limits = ImportLimits(max_bytes=1 << 20, max_uncompressed_bytes=1 << 20)
    user_id, _key = auth.create_user_with_key(db, unique("importer"), "Importer", Grants.everything(), cb.NOW)
    principal = auth.Principal(user_id, "importer", "Importer", Grants.everything())
    task_ids = [
        import_tasks.start_import(db, "same.csv", data, import_tasks.ImportOptions(), principal, cb.NOW, limits)[0]
        for _ in range(PARALLEL)
    ]
    # The bodies that workers run, all at once, each on its own connections.
    with ThreadPoolExecutor(max_workers=PARALLEL) as pool:
        list(pool.map(lambda task_id: bill_import.run_import(db, task_id, lambda: cb.NOW, limits), task_ids))
    with db.reading() as session:
        per_account = session.execute(
            select(Bill.account_id, func.count())
            .where(Bill.void.is_(False), Bill.import_task_id.in_(task_ids))
            .group_by(Bill.account_id)
        ).all()
    # The first import makes each bill; the others find it existing (no VPR, no A/C/E: a duplicate is kicked out).
    assert sorted(count for _, count in per_account) == [1] * len(codes), per_account
