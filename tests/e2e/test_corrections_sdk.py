"""A correction followed by a re-run through energycapsdk against the real server: a split source edited through
the SDK undoes its tenants' bills, the period is listed for a re-run, and the re-run charges the corrected figures;
the SDK's answers are what they always were."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from typing import Any

import httpx
import pytest
from energycap.sdk import models

from apportion.store.database import Database
from tests.e2e.conftest import Server
from tests.support import chargeback_builders as builders
from tests.support import chargebacks as cb

pytestmark = pytest.mark.e2e

D = Decimal
PERIOD = 202403


def test_a_corrected_source_is_charged_again_after_a_rerun(
    server: Server, sdk: Any, unique: Callable[[str], str]
) -> None:
    db = Database(server.database_url)
    try:
        tag = unique("C")
        ids = cb.accounts_and_meters(db, [f"{tag}S", f"{tag}1", f"{tag}2"])
        step_id = builders.workflow_step(db, "Split", f"Split {tag}")
        cb.split_version(db, *ids[f"{tag}S"], [(*ids[f"{tag}1"], D("60")), (*ids[f"{tag}2"], D("40"))], step_id=step_id)
        source = cb.bill(db, *ids[f"{tag}S"], PERIOD, [(D("1000"), D("1320.00"))])
    finally:
        db.dispose()
    settings = models.ChargebackProcessorSettingsWithoutFilters(billing_period=PERIOD)
    first = sdk.execute_processor_by_workflow_step(step_id, body=settings)
    assert first.number_of_bills_created == 2

    account_id, meter_id = ids[f"{tag}S"]
    line = models.BillMeterBodyLineCreate(
        observation_type_id=1, caption="Use", value=1000, value_unit_id=1, cost=2000.0
    )
    edit = models.BillEdit(
        account_id=account_id,
        begin_date=datetime(2024, 3, 1),
        end_date=datetime(2024, 4, 1),
        billing_period=PERIOD,
        meters=[models.BillMeterEdit(meter_id=meter_id, body_lines=[line])],
        account_body_lines=[],
    )
    sdk.edit_bill(source, edit)
    assert all(b[3] for b in cb_bills(server, first.task_id))  # the tenants' bills are void
    assert sdk.get_bill(source).total_cost == pytest.approx(2000.0)

    headers = {"ECI-ApiKey": server.api_key}
    with httpx.Client(base_url=server.base_url, headers=headers) as client:
        reruns = client.get("/apportion/v1/rerun", params={"chargebackWorkflowStepId": step_id}).json()
        assert [(g["billingPeriod"], len(g["reruns"])) for g in reruns] == [(PERIOD, 1)]
        again = sdk.execute_processor_by_workflow_step(step_id, body=settings)
        assert again.number_of_bills_created == 2
        assert client.get("/apportion/v1/rerun", params={"chargebackWorkflowStepId": step_id}).json() == []
        live = [b for b in cb_bills(server, again.task_id) if not b[3]]
        assert sorted(b[4] for b in live) == [D("800.00"), D("1200.00")]
        history = client.get(f"/apportion/v1/chargebackTask/{first.task_id}/history").json()
        assert {c["cause"] for c in history["undone"]} == {"edited"}


def cb_bills(server: Server, task_id: int) -> list[tuple[int, int, int | None, bool, Decimal]]:
    db = Database(server.database_url)
    try:
        return cb.bills_of_task(db, task_id)
    finally:
        db.dispose()
