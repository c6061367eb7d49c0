"""The chargeback workflow digest through energycapsdk against the real server (get_chargeback_workflow_digest)."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from energycap.sdk import models
from msrest.exceptions import HttpOperationError

from apportion.domain.permissions import parse_grants
from apportion.services.access import auth
from apportion.store.database import Database
from tests.conftest import NOW
from tests.e2e.conftest import Server, sdk_client
from tests.support import chargeback_builders as builders
from tests.support import chargebacks as cb

pytestmark = pytest.mark.e2e

D = Decimal


def _status(call: Callable[[], Any]) -> int:
    with pytest.raises(HttpOperationError) as caught:
        call()
    return int(caught.value.response.status_code)


def test_digest_of_a_split_step_through_the_sdk(server: Server, sdk: Any, unique: Callable[[str], str]) -> None:
    db = Database(server.database_url)
    try:
        tag = unique("DG")
        ids = cb.accounts_and_meters(db, [f"{tag}S", f"{tag}1", f"{tag}2"])
        step_id = builders.workflow_step(db, "Split", f"Digest {tag}")
        shares = [(*ids[f"{tag}1"], D("60")), (*ids[f"{tag}2"], D("40"))]
        cb.split_version(db, *ids[f"{tag}S"], shares, step_id=step_id)
        cb.bill(db, *ids[f"{tag}S"], 202402, [(D("100"), D("20.00"))])
        cb.bill(db, *ids[f"{tag}S"], 202403, [(D("120"), D("30.01"))])
        for period in (202402, 202403):
            settings = models.ChargebackProcessorSettingsWithoutFilters(
                billing_period=period, batch_settings=models.BatchCreate(batch_code=unique("DGB"))
            )
            assert sdk.execute_processor_by_workflow_step(step_id, body=settings).status == "Completed"

        digest = sdk.get_chargeback_workflow_digest(step_id, billing_period=202403)
        assert isinstance(digest, models.ChargebackWorkflowDigestResponse)
        step = digest.chargeback_workflow_step
        assert (step.chargeback_workflow_step_id, step.chargeback_workflow_step_type) == (step_id, "Split")
        assert step.chargeback_workflow.chargeback_workflow_info == f"Workflow Digest {tag}"
        (source,) = digest.results
        assert source.meter.meter_code == f"M-{tag}S"
        assert source.meter.is_split_parent_meter is True
        now = source.current_period
        assert (now.billing_period, now.use.use, now.cost.cost, now.unit_cost) == (202403, 120, 30.01, 0.25008333)
        assert (now.number_of_bills_in_period, now.number_of_bills_in_period_from_workflow_step) == (1, 0)
        assert (now.use.unit.unit_code, now.cost.unit.unit_code) == ("kWh", "USD")
        prior = source.prior_period
        assert (prior.billing_period, prior.use.use, prior.use.delta) == (202402, 100, 20)
        assert (prior.cost.cost, prior.cost.delta) == (20, pytest.approx(10.01))
        assert (source.prior_year.billing_period, source.prior_year.use.use, source.prior_year.use.delta) == (
            202303,
            0,
            120,
        )
        # 60 % of 30.01 = 18.006 and 40 % = 12.004: cut to 18.00 and 12.00, the cent left goes to the larger rest.
        first, second = source.splits
        assert [first.meter.meter_code, second.meter.meter_code] == [f"M-{tag}1", f"M-{tag}2"]
        assert (first.current_period.use.use, first.current_period.cost.cost) == (72, 18.01)
        assert first.current_period.unit_cost == 0.25013889
        assert first.current_period.number_of_bills_in_period_from_workflow_step == 1
        assert (second.current_period.use.use, second.current_period.cost.cost) == (48, 12)
        assert (second.prior_period.use.use, second.prior_period.cost.cost) == (40, 8)
        assert second.prior_period.cost.delta == 4

        # Without a period: the step's latest task period.
        assert sdk.get_chargeback_workflow_digest(step_id).results[0].current_period.billing_period == 202403
        assert _status(lambda: sdk.get_chargeback_workflow_digest(step_id + 100000)) == 404
        assert _status(lambda: sdk.get_chargeback_workflow_digest(step_id, billing_period=202413)) == 400
        _user, key = auth.create_user_with_key(db, unique("RUN")[:32], "Runner", parse_grants(["Chargebacks:Run"]), NOW)
        runner = sdk_client(server.base_url, key)
        try:
            assert _status(lambda: runner.get_chargeback_workflow_digest(step_id)) == 403
        finally:
            runner.close()
    finally:
        db.dispose()
