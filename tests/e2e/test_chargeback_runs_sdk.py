"""Chargeback runs through energycapsdk against the real server: step exec, task void, aggregations exec."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import pytest
from energycap.sdk import models
from msrest.exceptions import HttpOperationError

from apportion.domain import calculations as calc
from apportion.store.database import Database
from apportion.store.models.organisation import Meter
from tests.e2e.conftest import Server
from tests.support import chargeback_builders as builders
from tests.support import chargebacks as cb

pytestmark = pytest.mark.e2e

D = Decimal
PERIOD = 202403


def _database(server: Server) -> Database:
    """The server's database, for writing configuration rows the way the store builders do."""
    return Database(server.database_url)


def test_step_exec_then_void_through_the_sdk(server: Server, sdk: Any, unique: Callable[[str], str]) -> None:
    db = _database(server)
    try:
        tag = unique("E")
        ids = cb.accounts_and_meters(db, [f"{tag}S", f"{tag}1", f"{tag}2"])
        step_id = builders.workflow_step(db, "Split", f"Split {tag}")
        cb.split_version(db, *ids[f"{tag}S"], [(*ids[f"{tag}1"], D("50")), (*ids[f"{tag}2"], D("50"))], step_id=step_id)
        source = cb.bill(db, *ids[f"{tag}S"], PERIOD, [(D("10"), D("10.01"))])
        settings = models.ChargebackProcessorSettingsWithoutFilters(
            billing_period=PERIOD, batch_settings=models.BatchCreate(batch_code=unique("BATCH")), note="monthly"
        )
        task = sdk.execute_processor_by_workflow_step(step_id, body=settings)
        assert task.chargeback_type == "Split"
        assert task.status == "Completed"
        assert task.number_of_bills_created == 2
        assert isinstance(task.task_begin, datetime)
        assert task.workflow.chargeback_workflow_step_id == step_id
        bills = cb.bills_of_task(db, task.task_id)
        assert sum((b[4] for b in bills), D(0)) == D("10.01")
        assert sdk.void_chargeback_task(task.task_id) is None
        voided = sdk.get_chargeback_task(task.task_id)
        assert isinstance(voided.reversed_date, datetime)
        assert voided.reversed_by.user_code
        assert all(b[3] for b in cb.bills_of_task(db, task.task_id))
        assert not cb.is_split(db, source)
        with pytest.raises(HttpOperationError) as again:
            sdk.void_chargeback_task(task.task_id)
        assert again.value.response.status_code == 400
        with pytest.raises(HttpOperationError) as unknown:
            sdk.execute_processor_by_workflow_step(987654321, body=settings)
        assert unknown.value.response.status_code == 404
    finally:
        db.dispose()


def test_aggregations_exec_through_the_sdk(server: Server, sdk: Any, unique: Callable[[str], str]) -> None:
    db = _database(server)
    try:
        tag = unique("G")
        ids = cb.accounts_and_meters(db, [f"{tag}H1", f"{tag}H2", f"{tag}AG"])
        with db.transaction() as session:
            meter = session.get(Meter, ids[f"{tag}AG"][1])
            assert meter is not None
            meter.meter_type_id = 5  # AGGREGATE
        summed = calc.MeterCalculation(sum_meter_ids=(ids[f"{tag}H1"][1], ids[f"{tag}H2"][1]))
        cb.calculated_version(db, *ids[f"{tag}AG"], calc.CalculatedBillInstructions(0, use=summed, cost=summed))
        cb.bill(db, *ids[f"{tag}H1"], PERIOD, [(D("1"), D("1.50"))])
        cb.bill(db, *ids[f"{tag}H2"], PERIOD, [(D("2"), D("2.25"))])
        body = models.ChargebackProcessorSettingsForAggregations(
            billing_period=PERIOD, batch_settings=models.BatchCreate(batch_code=unique("AGG"))
        )
        first = sdk.execute_processor_aggregations(body=body)
        assert first.chargeback_type == "Calculation"
        assert first.billing_period == PERIOD
        assert first.number_of_bills_created == 1
        assert [b[4] for b in cb.bills_of_task(db, first.task_id)] == [D("3.75")]
        second = sdk.execute_processor_aggregations(
            body=models.ChargebackProcessorSettingsForAggregations(billing_period=PERIOD)
        )
        assert [b[4] for b in cb.bills_of_task(db, second.task_id)] == [D("3.75")]
        assert [b[3] for b in cb.bills_of_task(db, first.task_id)] == [True]  # replaced (voided), not duplicated
        # No body at all: the current billing period of the server's clock.
        current = sdk.execute_processor_aggregations()
        today = date.today()
        assert current.billing_period == today.year * 100 + today.month
        with pytest.raises(HttpOperationError) as bad:
            sdk.execute_processor_aggregations(
                body=models.ChargebackProcessorSettingsForAggregations(billing_period=202413)
            )
        assert bad.value.response.status_code == 400
    finally:
        db.dispose()
