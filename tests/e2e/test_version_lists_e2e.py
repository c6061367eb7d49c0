"""Version lists, split and calculated bill details and aggregate meters through energycapsdk (real server)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from energycap.sdk import models
from msrest.exceptions import HttpOperationError

pytestmark = pytest.mark.e2e


def _status(call: Callable[[], Any]) -> int:
    with pytest.raises(HttpOperationError) as failed:
        call()
    return int(failed.value.response.status_code)


def _pair(sdk: Any, unique: Callable[[str], str], vendor_id: int, place_id: int = 1) -> tuple[int, int, str]:
    """A linked account and meter; (account id, meter id, account code)."""
    code = unique("ACCT")
    account = sdk.create_account(
        models.AccountCreate(
            account_code=code, account_info="Tenant", account_type_id=1, cost_center_id=1, vendor_id=vendor_id,
            country="US",
        )
    )  # fmt: skip
    meter = sdk.create_meter(
        models.MeterCreate(
            meter_code=unique("MTR"), meter_info="Electric", commodity_id=1, place_id=place_id, meter_type_id=1,
            address=models.AddressChild(country="US"),
        )
    )  # fmt: skip
    sdk.create_account_meter(
        [models.AccountMeterRequest(account_id=account.account_id, meter_id=meter.meter_id, rate_id=1)]
    )
    return account.account_id, meter.meter_id, code


def _calculation_step(sdk: Any, unique: Callable[[str], str]) -> int:
    workflow = sdk.create_chargeback_workflow(
        models.ChargebackWorkflowCreate(
            chargeback_workflow_info=unique("Calc"),
            chargeback_workflow_steps=[
                models.ChargebackWorkflowStepCreate(
                    chargeback_workflow_step_info=unique("Calc step"),
                    chargeback_workflow_step_description="Tenant bills",
                    chargeback_workflow_step_type="Calculation",
                )
            ],
        )
    )
    return int(workflow.chargeback_workflow_steps[0].chargeback_workflow_step_id)


def test_calculated_bill_versions_list_and_details(sdk: Any, unique: Callable[[str], str]) -> None:
    vendor_id = sdk.create_vendor(models.VendorRequest(vendor_code=unique("V")[:16], vendor_info="U")).vendor_id
    account_id, meter_id, code = _pair(sdk, unique, vendor_id)
    _source_account, source_meter, _ = _pair(sdk, unique, vendor_id)
    step_id = _calculation_step(sdk, unique)
    history = sdk.manage_calculated_bill_version_history(
        account_id,
        meter_id,
        [
            models.DistributionVersionManage(name="First", begin_period=202301, end_period=202312),
            models.DistributionVersionManage(name="Second", begin_period=202401, workflow_step_id=step_id),
        ],
    )
    first, second = (v.version_id for v in history)

    raw = sdk.get_calculated_bill_versions(filter=f"accountCode equals '{code}'", page_size=1, page_number=2, raw=True)
    assert [v.version_id for v in raw.output] == [second]
    assert raw.headers["TotalNumberOfRecords"] == 2
    assert (raw.headers["TotalPages"], raw.headers["PageNumber"], raw.headers["PageSize"]) == (2, 2, 1)
    listed = raw.output[0]
    assert listed.chargeback_type == "Calculation"
    assert listed.account.account_code == code
    assert listed.workflow.chargeback_workflow_step_id == step_id
    assert listed.has_bills is False
    in_period = sdk.get_calculated_bill_versions(
        filter=f"accountCode equals '{code}' and billingPeriod equals '202306'"
    )
    assert [v.version_id for v in in_period] == [first]
    by_step = sdk.get_calculated_bill_versions(filter=f"calculateBillWorkflowStepID equals '{step_id}'")
    assert [v.version_id for v in by_step] == [second]
    assert _status(lambda: sdk.get_calculated_bill_versions(filter="billingPeriod greater than '202301'")) == 400

    sdk.manage_calculate_bill_use(
        account_id, meter_id, second,
        models.CalculatedBillUseRequest(
            use_calculation=models.CalculationRequest(sum=models.SumRequest(sum_meter_ids=[source_meter]))
        ),
    )  # fmt: skip
    cost = sdk.manage_calculate_bill_cost(
        account_id, meter_id, second, models.CalculatedBillCostRequest(use_current_meters_rate_schedule=True)
    )
    assert cost.rate_schedule.rate_id == 1
    demand = sdk.manage_calculate_bill_demand(
        account_id,
        meter_id,
        second,
        models.CalculatedBillDemandRequest(
            fixed_demand=models.FixedDemandRequest(fixed_demand_amount=12.5, unit_id=20)
        ),
    )
    assert demand.fixed_demand.amount == 12.5
    items = sdk.manage_meter_line_items(
        account_id, meter_id, second,
        [
            models.GenericBodylineRequest(observation_type_id=6, caption="Service", calculation_type="Fixed", value=15),
            models.GenericBodylineRequest(caption="Subtotal", calculation_type="Subtotal"),
            models.GenericBodylineRequest(observation_type_id=8, caption="Tax", calculation_type="Percentage", value=6),
        ],
    )  # fmt: skip
    assert [i.caption for i in items] == ["Service", "Subtotal", "Tax"]
    sdk.manage_account_line_items(
        account_id, meter_id, second,
        [models.GenericBodylineRequest(observation_type_id=9, caption="Fee", calculation_type="Fixed", value=2.5)],
    )  # fmt: skip
    details = sdk.get_calculate_bill_details(account_id, meter_id, second)
    assert details.version.version_id == second
    assert [m.meter_id for m in details.use.use_calculation.sum.sum_meters] == [source_meter]
    assert details.demand.fixed_demand.unit.unit_code == "kW"
    assert [i.calculation_type for i in details.meter_line_items] == ["Fixed", "Subtotal", "Percentage"]
    assert details.account_line_items[0].value == 2.5
    bad_use = models.CalculatedBillUseRequest(
        copy_use_from_meter=models.CopyMeterRequest(meter_id=meter_id, percentage=5)
    )
    assert _status(lambda: sdk.manage_calculate_bill_use(account_id, meter_id, second, bad_use)) == 400
    assert _status(lambda: sdk.get_calculate_bill_details(account_id, meter_id, 99999999)) == 404


def test_bill_split_details_parents_and_list(sdk: Any, unique: Callable[[str], str]) -> None:
    vendor_id = sdk.create_vendor(models.VendorRequest(vendor_code=unique("V")[:16], vendor_info="U")).vendor_id
    master_account, master_meter, code = _pair(sdk, unique, vendor_id)
    tenant_a, meter_a, _ = _pair(sdk, unique, vendor_id)
    tenant_b, meter_b, _ = _pair(sdk, unique, vendor_id)
    version = sdk.manage_bill_split_version_history(
        master_account, master_meter, [models.DistributionVersionManage(name="Original", begin_period=202401)]
    )[0].version_id
    details = sdk.manage_bill_split_details(
        master_account,
        master_meter,
        version,
        models.BillSplitDetailsRequest(
            fixed_percentage_split=[
                models.FixedPercentage(
                    destination_account_id=tenant_a, destination_meter_id=meter_a, split_percentage=62.5
                ),
                models.FixedPercentage(
                    destination_account_id=tenant_b, destination_meter_id=meter_b, split_percentage=37.5
                ),
            ]
        ),
    )
    assert [d.split_percentage for d in details.fixed_percentage_split] == [62.5, 37.5]
    read = sdk.get_bill_split_details(master_account, master_meter, version)
    assert [d.destination_meter.meter_id for d in read.fixed_percentage_split] == [meter_a, meter_b]
    assert read.floor_area_split is None
    parents = sdk.get_account_bill_split_parent_details(tenant_a)
    assert [(p.split_parent_meter.meter_id, p.begin_period, p.end_period) for p in parents] == [
        (master_meter, 202401, None)
    ]
    assert [p.split_parent_account.account_id for p in sdk.get_meter_bill_split_parent_details(meter_b)] == [
        master_account
    ]
    listed = sdk.get_bill_split_versions(filter=f"accountCode equals '{code}'")
    assert [v.version_id for v in listed] == [version]
    to_master = models.BillSplitDetailsRequest(
        fixed_percentage_split=[
            models.FixedPercentage(
                destination_account_id=master_account, destination_meter_id=meter_a, split_percentage=1
            )
        ]
    )
    assert _status(lambda: sdk.manage_bill_split_details(master_account, master_meter, version, to_master)) == 400


def test_aggregate_meter_upsert(sdk: Any, unique: Callable[[str], str]) -> None:
    place = sdk.create_place(
        models.PlaceCreate(place_code=unique("P")[:32], place_info="Hall", parent_place_id=1, place_type_id=3)
    )
    sources = [
        sdk.create_meter(
            models.MeterCreate(
                meter_code=unique("SUB"), meter_info="Sub", commodity_id=1, place_id=place.place_id, meter_type_id=4,
                address=models.AddressChild(country="US"),
            )
        ).meter_id
        for _ in range(2)
    ]  # fmt: skip
    request = models.UpsertAggregateMeterRequest(
        begin_period=202401, source_meter_ids=sources, commodity_id=1, aggregate_meter_info="Hall electric"
    )
    created = sdk.upsert_aggregate_meter(place.place_id, request)
    assert created.version.meter.meter_type.meter_type_code == "AGGREGATE"
    assert [m.meter_id for m in created.use.use_calculation.sum.sum_meters] == sources
    meter_id = created.version.meter.meter_id
    again = sdk.upsert_aggregate_meter(
        place.place_id,
        models.UpsertAggregateMeterRequest(
            aggregate_meter_id=meter_id, begin_period=202401, source_meter_ids=sources[:1], commodity_id=1,
            aggregate_meter_info="Renamed",
        ),
    )  # fmt: skip
    assert again.version.version_id == created.version.version_id
    assert again.version.meter.meter_info == "Renamed"
    aggregates = sdk.get_calculated_bill_versions(
        filter=f"meterCode equals 'AGG-{meter_id}' and calculateBillTypeID equals '3'"
    )
    assert [v.version_id for v in aggregates] == [created.version.version_id]
    gas = models.UpsertAggregateMeterRequest(
        begin_period=202401, source_meter_ids=sources, commodity_id=2, aggregate_meter_info="Gas"
    )
    assert _status(lambda: sdk.upsert_aggregate_meter(place.place_id, gas)) == 400
