"""Chargeback workflows and version histories through energycapsdk against the real server process."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from energycap.sdk import models
from msrest.exceptions import HttpOperationError

from tests.e2e.sdk_builders import linked_pair

pytestmark = pytest.mark.e2e


def _status(call: Callable[[], Any]) -> int:
    with pytest.raises(HttpOperationError) as failed:
        call()
    return int(failed.value.response.status_code)


def test_workflow_operations(sdk: Any, unique: Callable[[str], str]) -> None:
    split_name, calc_name = unique("Split"), unique("Calc")
    created = sdk.create_chargeback_workflow(
        models.ChargebackWorkflowCreate(
            chargeback_workflow_info=unique("Monthly"),
            chargeback_workflow_steps=[
                models.ChargebackWorkflowStepCreate(
                    chargeback_workflow_step_info=split_name,
                    chargeback_workflow_step_description="Split the campus bills",
                    chargeback_workflow_step_type="Split",
                ),
                models.ChargebackWorkflowStepCreate(
                    chargeback_workflow_step_info=calc_name,
                    chargeback_workflow_step_description="Calculate tenant bills",
                    chargeback_workflow_step_type="Calculation",
                ),
            ],
        )
    )
    split_step, calc_step = created.chargeback_workflow_steps
    assert (split_step.chargeback_workflow_step_order, calc_step.chargeback_workflow_step_type) == (1, "Calculation")
    workflow_id = created.chargeback_workflow_id
    assert workflow_id in [w.chargeback_workflow_id for w in sdk.get_chargeback_workflows()]
    assert sdk.get_chargeback_workflow(workflow_id).chargeback_workflow_info == created.chargeback_workflow_info
    splits = sdk.get_chargeback_workflow_steps(chargeback_workflow_type="split")
    assert split_step.chargeback_workflow_step_id in [s.chargeback_workflow_step_id for s in splits]
    assert all(s.chargeback_workflow_step_type == "Split" for s in splits)
    one = sdk.get_chargeback_workflow_step(calc_step.chargeback_workflow_step_id)
    assert one.chargeback_workflow.chargeback_workflow_id == workflow_id

    edited = sdk.edit_chargeback_workflow(
        workflow_id,
        models.ChargebackWorkflowEdit(
            chargeback_workflow_info="Renamed",
            chargeback_workflow_steps=[
                models.ChargebackWorkflowStepEdit(
                    chargeback_workflow_step_id=calc_step.chargeback_workflow_step_id,
                    chargeback_workflow_step_info=calc_name,
                    chargeback_workflow_step_description="Now first",
                )
            ],
        ),
    )
    assert edited.chargeback_workflow_info == "Renamed"
    assert [s.chargeback_workflow_step_order for s in edited.chargeback_workflow_steps] == [1]
    assert _status(lambda: sdk.get_chargeback_workflow_step(split_step.chargeback_workflow_step_id)) == 404
    assert sdk.delete_chargeback_workflow(workflow_id) is None  # 204, which the SDK insists on
    assert _status(lambda: sdk.get_chargeback_workflow(workflow_id)) == 404


def test_bill_split_version_history(sdk: Any, unique: Callable[[str], str]) -> None:
    account_id, meter_id = linked_pair(sdk, unique)
    workflow = sdk.create_chargeback_workflow(
        models.ChargebackWorkflowCreate(
            chargeback_workflow_info=unique("Splits"),
            chargeback_workflow_steps=[
                models.ChargebackWorkflowStepCreate(
                    chargeback_workflow_step_info=unique("Split step"),
                    chargeback_workflow_step_description="Monthly split",
                    chargeback_workflow_step_type="Split",
                )
            ],
        )
    )
    step_id = workflow.chargeback_workflow_steps[0].chargeback_workflow_step_id
    # The SDK leaves out endPeriod, versionId and copyVersionId when they are None.
    created = sdk.manage_bill_split_version_history(
        account_id,
        meter_id,
        [
            models.DistributionVersionManage(name="Original", begin_period=202301, end_period=202312),
            models.DistributionVersionManage(name="Current", begin_period=202401, workflow_step_id=step_id),
        ],
    )
    assert [(v.version_info, v.chargeback_type, v.end_period, v.has_bills) for v in created] == [
        ("Original", "Split", 202312, False),
        ("Current", "Split", None, False),
    ]
    assert created[0].account.account_id == account_id
    assert created[0].meter.meter_id == meter_id
    assert created[1].workflow.chargeback_workflow_step_id == step_id
    original, current = created[0].version_id, created[1].version_id

    replaced = sdk.manage_bill_split_version_history(
        account_id,
        meter_id,
        [
            models.DistributionVersionManage(
                version_id=current, name="Current", begin_period=202401, end_period=202406, workflow_step_id=step_id
            ),
            models.DistributionVersionManage(copy_version_id=current, name="Next", begin_period=202407),
        ],
    )
    assert [v.version_info for v in replaced] == ["Current", "Next"]
    assert original not in [v.version_id for v in replaced]
    history = sdk.get_bill_split_version_history(account_id, meter_id)
    assert [(v.version_id, v.begin_period, v.end_period) for v in history] == [
        (v.version_id, v.begin_period, v.end_period) for v in replaced
    ]
    assert [v.version_info for v in sdk.get_bill_splits(account_id)] == ["Current", "Next"]

    step = sdk.assign_versions_to_step_method(
        step_id, 202408, models.AssignVersionsToStep(calculate_bill_version_ids=[replaced[1].version_id])
    )
    assert step.chargeback_workflow_step_id == step_id
    assert sdk.get_bill_split_version_history(account_id, meter_id)[1].workflow.chargeback_workflow_step_id == step_id

    overlapping = [
        models.DistributionVersionManage(name="A", begin_period=202401),
        models.DistributionVersionManage(name="B", begin_period=202406),
    ]
    assert _status(lambda: sdk.manage_bill_split_version_history(account_id, meter_id, overlapping)) == 400
    assert [v.version_id for v in sdk.get_bill_split_version_history(account_id, meter_id)] == [
        v.version_id for v in replaced
    ]
    assert _status(lambda: sdk.get_bill_split_version_history(987654321, meter_id)) == 404


def test_calculated_bill_version_history(sdk: Any, unique: Callable[[str], str]) -> None:
    account_id, meter_id = linked_pair(sdk, unique)
    created = sdk.manage_calculated_bill_version_history(
        account_id, meter_id, [models.DistributionVersionManage(name="Tenant", begin_period=202401)]
    )
    assert [(v.version_info, v.chargeback_type, v.begin_period) for v in created] == [("Tenant", "Calculation", 202401)]
    assert [v.version_id for v in sdk.get_calculated_bill_version_history(account_id, meter_id)] == [
        created[0].version_id
    ]
    assert [v.version_id for v in sdk.get_calculated_bills(meter_id)] == [created[0].version_id]
    # A split step cannot own a calculated bill version.
    workflow = sdk.create_chargeback_workflow(
        models.ChargebackWorkflowCreate(
            chargeback_workflow_info=unique("Wrong"),
            chargeback_workflow_steps=[
                models.ChargebackWorkflowStepCreate(
                    chargeback_workflow_step_info=unique("Split only"),
                    chargeback_workflow_step_description="Splits",
                    chargeback_workflow_step_type="Split",
                )
            ],
        )
    )
    wrong_step = workflow.chargeback_workflow_steps[0].chargeback_workflow_step_id
    wrong = [models.DistributionVersionManage(name="Tenant", begin_period=202401, workflow_step_id=wrong_step)]
    assert _status(lambda: sdk.manage_calculated_bill_version_history(account_id, meter_id, wrong)) == 400
    assert sdk.manage_calculated_bill_version_history(account_id, meter_id, []) == []
