"""The explicit split and a saved bill list's actions through energycapsdk against the real server: the SDK's
bill_action_split_method and split_bill_list answer ChargebackTaskResponse, approve_bill_list UpdateResult. The list
itself is made through Apportion's extension (POST /apportion/v1/billList), which the SDK does not know."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import httpx
import pytest
from energycap.sdk import models
from msrest.exceptions import HttpOperationError

from apportion.store.database import Database
from tests.e2e.conftest import Server
from tests.support import chargebacks as cb

pytestmark = pytest.mark.e2e

D = Decimal
PERIOD = 202403


def _list(server: Server, bill_ids: list[int]) -> int:
    response = httpx.post(
        f"{server.base_url}/apportion/v1/billList",
        json={"name": "e2e", "billIds": bill_ids},
        headers={"ECI-ApiKey": server.api_key},
    )
    assert response.status_code == 200, response.text
    return int(response.json()["billListId"])


def test_split_bills_and_act_on_a_list_through_the_sdk(server: Server, sdk: Any, unique: Callable[[str], str]) -> None:
    db = Database(server.database_url)
    try:
        tag = unique("X")
        ids = cb.accounts_and_meters(db, [f"{tag}S", f"{tag}1", f"{tag}2"])
        cb.split_version(db, *ids[f"{tag}S"], [(*ids[f"{tag}1"], D("50")), (*ids[f"{tag}2"], D("50"))])
        source = cb.bill(db, *ids[f"{tag}S"], PERIOD, [(D("10"), D("10.01"))])
        later = cb.bill(db, *ids[f"{tag}S"], PERIOD + 1, [(D("4"), D("4.00"))])

        batch_code = unique("HAND")
        task = sdk.bill_action_split_method(
            body=models.BillActionSplit(
                ids=[source], note="by hand", batch_settings=models.BatchCreate(batch_code=batch_code)
            )
        )
        assert isinstance(task, models.ChargebackTaskResponse)
        assert (task.chargeback_type, task.status, task.billing_period) == ("Split", "Completed", PERIOD)
        assert task.number_of_bills_created == 2
        assert task.batch.batch_code == batch_code
        made = [bill[0] for bill in cb.bills_of_task(db, task.task_id)]
        assert sum((bill[4] for bill in cb.bills_of_task(db, task.task_id)), D(0)) == D("10.01")
        again = sdk.bill_action_split_method(body=models.BillActionSplit(ids=[source]))
        assert again.number_of_bills_created == 0  # split once

        list_id = _list(server, [source, later])
        listed = sdk.split_bill_list(list_id, body=models.ChargebackProcessorSettingsForSplits(note="list"))
        assert (listed.number_of_bills_created, listed.billing_period) == (2, PERIOD + 1)  # only `later` was left
        assert cb.is_split(db, later)

        made_list = _list(server, made)
        result = sdk.approve_bill_list(made_list, body=models.ListActionApprove(approve=True))
        assert isinstance(result, models.UpdateResult)
        assert (result.selected, result.updated) == (2, 2)
        assert all(sdk.get_bill(bill_id).approved for bill_id in made)

        with pytest.raises(HttpOperationError) as unknown:
            sdk.approve_bill_list(987654321, body=models.ListActionApprove(approve=True))
        assert unknown.value.response.status_code == 404
        with pytest.raises(HttpOperationError) as empty:
            sdk.bill_action_split_method(body=models.BillActionSplit(ids=[]))
        assert empty.value.response.status_code == 400
    finally:
        db.dispose()
