"""Rate versions and rates on account meters through energycapsdk, then a calculated bill priced by them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import pytest
from energycap.sdk import models
from msrest.exceptions import HttpOperationError

pytestmark = pytest.mark.e2e
COST_TYPE, KWH = 3, 1


def _status(call: Callable[[], Any]) -> int:
    with pytest.raises(HttpOperationError) as failed:
        call()
    return int(failed.value.response.status_code)


def _line(caption: str, kind: str, value: float) -> Any:
    return models.GenericBodylineRequest(
        observation_type_id=COST_TYPE, caption=caption, calculation_type=kind, value=value
    )


def test_rate_versions_price_a_calculated_bill(sdk: Any, unique: Callable[[str], str]) -> None:
    vendor = sdk.create_vendor(models.VendorRequest(vendor_code=unique("V")[:16], vendor_info="Power & Light"))
    rate = sdk.create_rate(models.RateCreate(name=unique("GS-1"), vendor_id=vendor.vendor_id, commodity_id=1))
    assert rate.versions == []
    winter = sdk.create_rate_version(
        rate.rate_id,
        models.RateVersionRequest(
            effective_date=datetime(2024, 1, 1),
            note="Winter",
            use_unit_cost=0.10,
            use_unit_id=KWH,
            meter_line_items=[_line("Customer charge", "Fixed", 30)],
            account_line_items=[_line("Admin", "Fixed", 3)],
        ),
    )
    assert (winter.begin_date, winter.end_date) == (datetime(2024, 1, 1), datetime(3000, 1, 1))
    assert winter.use_unit.unit_code == "kWh"
    assert [i.caption for i in winter.meter_line_items] == ["Customer charge"]
    spring = sdk.create_rate_version(
        rate.rate_id,
        models.RateVersionRequest(
            effective_date=datetime(2024, 3, 16), use_unit_cost=0.13, use_unit_id=KWH,
            meter_line_items=[_line("Customer charge", "Fixed", 30), _line("Tax", "Percentage", 5)],
        ),
    )  # fmt: skip
    versions = sdk.get_rate_versions(rate.rate_id)
    assert [(v.begin_date, v.end_date) for v in versions] == [
        (datetime(2024, 1, 1), datetime(2024, 3, 16)),
        (datetime(2024, 3, 16), datetime(3000, 1, 1)),
    ]
    assert sdk.get_rate_version(rate.rate_id, spring.version_id).use_unit_cost == 0.13
    edited = sdk.edit_rate_version(
        rate.rate_id,
        winter.version_id,
        models.RateVersionRequest(
            effective_date=datetime(2024, 1, 1), note="Winter", use_unit_cost=0.10, use_unit_id=KWH,
            meter_line_items=[_line("Customer charge", "Fixed", 30)],
            account_line_items=[_line("Admin", "Fixed", 3)],
        ),
    )  # fmt: skip
    assert edited.modified_by.user_code
    too_late = models.RateVersionRequest(effective_date=datetime(2024, 5, 1), use_unit_cost=0.1, use_unit_id=KWH)
    assert _status(lambda: sdk.edit_rate_version(rate.rate_id, winter.version_id, too_late)) == 400
    renamed = sdk.edit_rate(rate.rate_id, models.RateEdit(name=rate.name + " (2024)", note="filed"))
    assert [v.version_id for v in renamed.versions] == [winter.version_id, spring.version_id]

    account = sdk.create_account(
        models.AccountCreate(
            account_code=unique("ACCT"), account_info="Tenant", account_type_id=1, cost_center_id=1,
            vendor_id=vendor.vendor_id, country="US",
        )
    )  # fmt: skip
    meter = sdk.create_meter(
        models.MeterCreate(
            meter_code=unique("MTR"), meter_info="Submeter", commodity_id=1, place_id=1, meter_type_id=1,
            address=models.AddressChild(country="US"),
        )
    )  # fmt: skip
    [link] = sdk.create_account_meter(
        [
            models.AccountMeterRequest(
                account_id=account.account_id, meter_id=meter.meter_id, rate_id=1, begin_date=datetime(2023, 1, 1)
            )
        ]
    )
    assigned = sdk.create_account_rate(
        link.account_meter_id, models.AccountRateRequest(rate_id=rate.rate_id, start_date=datetime(2024, 1, 1))
    )
    assert (assigned.rate_id, assigned.end_date) == (rate.rate_id, datetime(3000, 1, 1))
    meter_rates = sdk.get_meter_rates(meter.meter_id)
    assert [(r.rate_id, r.start_date, r.end_date) for r in meter_rates] == [
        (1, datetime(2023, 1, 1), datetime(2024, 1, 1)),
        (rate.rate_id, datetime(2024, 1, 1), datetime(3000, 1, 1)),
    ]
    assert meter_rates[1].account.account_id == account.account_id
    account_rates = sdk.get_account_rates(account.account_id)
    assert [r.meter.meter_id for r in account_rates] == [meter.meter_id, meter.meter_id]
    only = sdk.edit_account_rate_list(
        link.account_meter_id, [models.AccountRateRequest(rate_id=rate.rate_id, start_date=datetime(2023, 1, 1))]
    )
    assert [(r.rate_id, r.start_date) for r in only] == [(rate.rate_id, datetime(2023, 1, 1))]
    assert _status(lambda: sdk.delete_rate(rate.rate_id)) == 400  # an account meter has it

    # A calculated bill for March 2024: 1000 kWh, 15 days at 0.10 and 16 days at 0.13.
    workflow = sdk.create_chargeback_workflow(
        models.ChargebackWorkflowCreate(
            chargeback_workflow_info=unique("Rated"),
            chargeback_workflow_steps=[
                models.ChargebackWorkflowStepCreate(
                    chargeback_workflow_step_info=unique("Rated step"),
                    chargeback_workflow_step_description="Submeter bills",
                    chargeback_workflow_step_type="Calculation",
                )
            ],
        )
    )
    step_id = workflow.chargeback_workflow_steps[0].chargeback_workflow_step_id
    [version] = sdk.manage_calculated_bill_version_history(
        account.account_id,
        meter.meter_id,
        [models.DistributionVersionManage(name="Tariff", begin_period=202401, workflow_step_id=step_id)],
    )
    sdk.manage_calculate_bill_use(
        account.account_id, meter.meter_id, version.version_id,
        models.CalculatedBillUseRequest(fixed_amount=models.FixedUseRequest(fixed_use_amount=1000, unit_id=KWH)),
    )  # fmt: skip
    cost = sdk.manage_calculate_bill_cost(
        account.account_id,
        meter.meter_id,
        version.version_id,
        models.CalculatedBillCostRequest(use_current_meters_rate_schedule=True),
    )
    assert cost.rate_schedule.rate_id == rate.rate_id
    task = sdk.execute_processor_by_workflow_step(
        step_id,
        body=models.ChargebackProcessorSettingsWithoutFilters(
            billing_period=202403, batch_settings=models.BatchCreate(batch_code=unique("BATCH"))
        ),
    )
    assert (task.status, task.number_of_bills_created) == ("Completed", 1)
    [bill] = sdk.get_bills(filter=f"accountCode equals '{account.account_code}'")
    # Use 1000 x 0.10 x 15/31 + 1000 x 0.13 x 16/31 = 115.48; customer charge 14.52 + 15.48 = 30.00;
    # tax 5 % of the spring part's 67.09 = 3.35; admin 3 x 15/31 = 1.45.
    assert bill.total_cost == pytest.approx(150.28)
    assert _status(lambda: sdk.delete_rate_version(rate.rate_id, 987654321)) == 404
    assert sdk.delete_rate_version(rate.rate_id, spring.version_id) is None
    assert _status(lambda: sdk.delete_rate_version(rate.rate_id, winter.version_id)) == 400  # the last one
