"""The digest's store queries (store/queries/digest.py) on SQLite and PostgreSQL: the per-meter period totals equal
a recomputation from the bills after random sequences of writes (insert, edit, void, unvoid, delete, a chargeback
run and its reversal), and the meters come back with their children and flags."""

from __future__ import annotations

import random
from datetime import datetime
from decimal import Decimal

import pytest
from sqlalchemy import delete, select, update

from apportion.domain.digest import MeterTotals
from apportion.store.models.bills import Bill, BillMeter
from apportion.store.models.chargebacks import ChargebackTask
from apportion.store.queries import digest as queries
from tests.api import master_builders as mb
from tests.conftest import Api
from tests.support import chargeback_builders as cb
from tests.support import digest_builders as dg

PERIODS = (202403, 202402, 202303)
OTHER_PERIOD = 202401  # bills outside the compared periods must not count


def _recomputed(api: Api, meter_ids: list[int], step_id: int) -> dict[tuple[int, int], MeterTotals]:
    """The totals from the rows themselves, summed in Python."""
    found: dict[tuple[int, int], MeterTotals] = {}
    with api.db.reading() as session:
        rows = session.execute(
            select(
                BillMeter.meter_id, BillMeter.billing_period, BillMeter.use, BillMeter.cost,
                ChargebackTask.workflow_step_id,
            )
            .join(Bill, Bill.bill_id == BillMeter.bill_id)
            .outerjoin(ChargebackTask, ChargebackTask.task_id == Bill.chargeback_task_id)
            .where(BillMeter.meter_id.in_(meter_ids), BillMeter.billing_period.in_(PERIODS), Bill.void.is_(False))
        )  # fmt: skip
        for meter_id, period, use, cost, task_step in rows:
            was = found.get((meter_id, period), MeterTotals())
            found[(meter_id, period)] = MeterTotals(
                was.use + (use or 0),
                was.cost + (cost or 0),
                was.bill_count + 1,
                was.bills_from_step + (task_step == step_id),
            )
    return found


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_totals_equal_a_recomputation_after_random_writes(api: Api, seed: int) -> None:
    rng = random.Random(seed)
    meters = mb.linked_meters(api, "SRC", "D1", "D2")
    (acc_s, source), (acc_1, dest_1), (acc_2, dest_2) = meters["SRC"], meters["D1"], meters["D2"]
    step_id = cb.workflow_step(api.db, "Split", info="Split")
    other_step = cb.workflow_step(api.db, "Split", info="Other")
    version_id = cb.version(api.db, "Split", acc_s, source, step_id=step_id)
    dg.destinations(api.db, version_id, [(acc_1, dest_1, "60"), (acc_2, dest_2, "40")])
    targets = [(acc_s, source), (acc_1, dest_1), (acc_2, dest_2)]
    bill_ids: list[int] = []
    tasks: list[int] = []
    for _ in range(30):
        action = rng.choice(["insert", "insert", "edit", "void", "unvoid", "delete", "run", "reverse"])
        if action == "insert" or not bill_ids:
            account_id, meter_id = rng.choice(targets)
            period = rng.choice((*PERIODS, OTHER_PERIOD))
            use = rng.choice([None, "0", "12.5", "1000", "0.000001"])
            cost = f"{rng.randint(-5000, 500000) / 100:.2f}"
            bill_ids.append(dg.bill(api.db, account_id, meter_id, period, use, cost, void=rng.random() < 0.2))
        elif action == "edit":
            with api.db.transaction() as session:
                session.execute(
                    update(BillMeter)
                    .where(BillMeter.bill_id == rng.choice(bill_ids))
                    .values(cost=Decimal(rng.randint(0, 99999)) / 100, billing_period=rng.choice(PERIODS))
                )
        elif action in ("void", "unvoid"):
            with api.db.transaction() as session:
                session.execute(update(Bill).where(Bill.bill_id == rng.choice(bill_ids)).values(void=action == "void"))
        elif action == "delete":
            doomed = bill_ids.pop(rng.randrange(len(bill_ids)))
            with api.db.transaction() as session:
                session.execute(delete(BillMeter).where(BillMeter.bill_id == doomed))
                session.execute(delete(Bill).where(Bill.bill_id == doomed))
        elif action == "run":
            period = rng.choice(PERIODS)
            task_id = dg.task(api.db, rng.choice((step_id, other_step)), period, version_ids=[version_id])
            tasks.append(task_id)
            source_bill = bill_ids[-1]
            for account_id, meter_id, share in ((acc_1, dest_1, "60.00"), (acc_2, dest_2, "40.00")):
                bill_ids.append(
                    dg.bill(api.db, account_id, meter_id, period, "1", share, task_id=task_id,
                            version_id=version_id, source_bill_id=source_bill)
                )  # fmt: skip
        elif action == "reverse" and tasks:
            task_id = tasks.pop(rng.randrange(len(tasks)))
            with api.db.transaction() as session:
                session.execute(
                    update(ChargebackTask)
                    .where(ChargebackTask.task_id == task_id)
                    .values(reversed_date=datetime(2024, 6, 16))
                )
                session.execute(update(Bill).where(Bill.chargeback_task_id == task_id).values(void=True))
        meter_ids = [source, dest_1, dest_2]
        with api.db.reading() as session:
            found = queries.meter_totals(session, meter_ids, PERIODS, step_id)
        assert found == _recomputed(api, meter_ids, step_id), action


def test_meters_share_their_children_and_carry_their_flags(api: Api) -> None:
    meters = mb.linked_meters(api, "SRC", "D1")
    (acc_s, source), (acc_1, dest_1) = meters["SRC"], meters["D1"]
    version_id = cb.version(api.db, "Split", acc_s, source)
    dg.destinations(api.db, version_id, [(acc_1, dest_1, "100")])
    with api.db.reading() as session:
        found = queries.digest_meters(session, [source, dest_1, 999_999])
    assert set(found) == {source, dest_1}  # an unknown id is left out
    src, dest = found[source], found[dest_1]
    assert (src.meter.meter_code, dest.meter.meter_code) == ("SRC", "D1")
    assert (src.meter.flags.is_split_parent_meter, src.meter.flags.is_split_child_meter) == (True, False)
    assert (dest.meter.flags.is_split_parent_meter, dest.meter.flags.is_split_child_meter) == (False, True)
    assert not src.meter.flags.is_calculated_meter
    assert src.meter.commodity is not None
    assert src.meter.commodity is dest.meter.commodity
    assert src.use_unit is not None
    assert src.use_unit is dest.use_unit
    assert src.use_unit.unit_code == "kWh"


def test_step_reads_its_workflow_latest_standing_period_and_cost_unit(api: Api) -> None:
    step_id = cb.workflow_step(api.db, "Split", info="Campus split")
    with api.db.reading() as session:
        assert queries.digest_step(session, step_id + 1000) is None
        step = queries.digest_step(session, step_id)
    assert step is not None
    assert (step.step_info, step.step_type, step.workflow_info, step.latest_period) == (
        "Campus split", "Split", "Workflow Campus split", None,
    )  # fmt: skip
    assert step.cost_unit is not None
    assert step.cost_unit.unit_code == "USD"
    dg.task(api.db, step_id, 202402)
    dg.task(api.db, step_id, 202403, reversed_on=datetime(2024, 4, 3))  # reversed: not standing
    with api.db.reading() as session:
        step = queries.digest_step(session, step_id)
        assert step is not None
        assert step.latest_period == 202402
        assert queries.latest_task(session, step_id, 202403) is None
        assert queries.latest_task(session, step_id, 202402) is not None
