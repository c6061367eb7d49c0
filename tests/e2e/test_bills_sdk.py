"""Bills and batches through energycapsdk against the real server process: entry, paging headers, filters,
edit, void, delete, a meter's bills, and the batch life cycle. A deserialisation error here means our wire
format is wrong."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import pytest
from energycap.sdk import models
from msrest.exceptions import HttpOperationError

pytestmark = pytest.mark.e2e

USE, DEMAND, TAX = 1, 2, 8
KWH, KW = 1, 20


def _site(sdk: Any, unique: Callable[[str], str], meters: int = 2) -> tuple[int, list[int]]:
    """An account with `meters` linked electric meters, made through the SDK."""
    vendor = sdk.create_vendor(models.VendorRequest(vendor_code=unique("V")[:16], vendor_info="Utility"))
    account = sdk.create_account(
        models.AccountCreate(
            account_code=unique("ACCT"),
            account_info="Account",
            account_type_id=1,
            cost_center_id=1,
            vendor_id=vendor.vendor_id,
            country="US",
        )
    )
    ids = []
    for _ in range(meters):
        created = sdk.create_meter(
            models.MeterCreate(
                meter_code=unique("MTR"),
                meter_info="Meter",
                commodity_id=1,
                place_id=1,
                meter_type_id=1,
                address=models.AddressChild(country="US"),
            )
        )
        ids.append(created.meter_id)
    sdk.create_account_meter(
        [models.AccountMeterRequest(account_id=account.account_id, meter_id=m, rate_id=1) for m in ids]
    )
    return account.account_id, ids


def _only_open_batch(sdk: Any, unique: Callable[[str], str], **defaults: Any) -> Any:
    """A new open batch, the caller's only one (SDK 8.2309's BillCreate cannot name a batch)."""
    return sdk.open_batch(models.BatchCreate(batch_code=unique("BATCH"), close_existing_batch=True, **defaults))


def _bill(account_id: int, meters: list[int], period: int, cost: float, demand: float | None = None) -> Any:
    year, month = divmod(period, 100)
    lines = []
    for meter_id in meters:
        body_lines = [
            models.BillMeterBodyLineCreate(
                observation_type_id=USE, caption="Energy", value=1000.5, value_unit_id=KWH, cost=cost
            )
        ]
        if demand is not None:
            body_lines.append(
                models.BillMeterBodyLineCreate(
                    observation_type_id=DEMAND, caption="Peak", value=demand, value_unit_id=KW
                )
            )
        lines.append(models.BillMeterCreate(meter_id=meter_id, body_lines=body_lines))
    return models.BillCreate(
        account_id=account_id,
        begin_date=datetime(year, month, 1),
        end_date=datetime(year + month // 12, month % 12 + 1, 1),
        billing_period=period,
        manual_entry=True,
        meters=lines,
        account_body_lines=[models.BillAccountBodyLineCreate(observation_type_id=TAX, caption="Tax", cost=1.25)],
    )


def test_enter_list_edit_void_and_delete_bills(sdk: Any, unique: Callable[[str], str]) -> None:
    account_id, meters = _site(sdk, unique)
    batch = _only_open_batch(sdk, unique, control_code="CTRL", statement_date=datetime(2024, 2, 5))
    ids = [
        sdk.create_bill(body=_bill(account_id, meters, 202400 + month, cost=100.10, demand=40.0)).bill_id
        for month in (1, 2, 3)
    ]
    bill = sdk.get_bill(ids[0])
    assert bill.total_cost == pytest.approx(201.45)  # 2 x 100.10 + 1.25
    assert bill.account.account_id == account_id
    assert bill.batch.batch_id == batch.batch_id
    assert bill.control_code == "CTRL"  # the batch's header default
    assert bill.statement_date == datetime(2024, 2, 5)
    assert bill.begin_date == datetime(2024, 1, 1)
    assert bill.created_by.user_code == "admin"

    raw = sdk.get_bills(filter=f"accountId equals '{account_id}'", page_size=2, page_number=2, raw=True)
    assert [b.bill_id for b in raw.output] == ids[2:]
    assert raw.headers["TotalNumberOfRecords"] == 3
    assert raw.headers["TotalPages"] == 2
    assert raw.headers["PageNumber"] == 2
    assert raw.headers["PageSize"] == 2
    by_period = sdk.get_bills(filter=f"accountId equals '{account_id}' and billingPeriod equals '202402'")
    assert [b.bill_id for b in by_period] == [ids[1]]
    by_batch = sdk.get_bills(filter=f"batchId equals '{batch.batch_id}' and totalCost greater than '200'")
    assert [b.bill_id for b in by_batch] == ids

    meter_bills = sdk.get_meter_bills(meters[1])
    assert [b.bill_id for b in meter_bills] == ids
    assert meter_bills[0].cost == pytest.approx(100.10)
    assert meter_bills[0].usage == pytest.approx(1000.5)
    assert meter_bills[0].use_unit.unit_code == "kWh"
    assert meter_bills[0].actual_demand == pytest.approx(40.0)

    edit = _bill(account_id, meters[:1], 202401, cost=50.0)
    sdk.edit_bill(
        ids[0],
        models.BillEdit(
            account_id=account_id,
            begin_date=edit.begin_date,
            end_date=edit.end_date,
            billing_period=202401,
            meters=[models.BillMeterEdit(meter_id=meters[0], body_lines=edit.meters[0].body_lines)],
            account_body_lines=[],
            invoice_number="EDITED",
        ),
    )
    edited = sdk.get_bill(ids[0])
    assert edited.total_cost == pytest.approx(50.0)
    assert edited.invoice_number == "EDITED"
    assert edited.modified_by.user_code == "admin"

    voided = sdk.bill_action_void_method(models.BillActionVoid(ids=[ids[0], ids[1]], void=True))
    assert (voided.selected, voided.updated) == (2, 2)
    assert [b.bill_id for b in sdk.get_bills(filter=f"accountId equals '{account_id}' and void equals 'true'")] == [
        ids[0],
        ids[1],
    ]
    deleted = sdk.bill_action_delete_method(models.BillActionDelete(ids=[ids[1], ids[2]]))
    assert (deleted.selected, deleted.deleted) == (2, 2)
    assert [b.bill_id for b in sdk.get_bills(filter=f"accountId equals '{account_id}'")] == [ids[0]]
    with pytest.raises(HttpOperationError) as missing:
        sdk.get_bill(ids[1])
    assert missing.value.response.status_code == 404


def test_bad_bill_is_a_400_and_writes_nothing(sdk: Any, unique: Callable[[str], str]) -> None:
    account_id, meters = _site(sdk, unique, meters=1)
    _only_open_batch(sdk, unique)
    bad = _bill(account_id, meters, 202401, cost=10.0)
    bad.billing_period = 202413
    with pytest.raises(HttpOperationError) as invalid:
        sdk.create_bill(body=bad)
    assert invalid.value.response.status_code == 400
    assert "billingPeriod" in invalid.value.response.json()["modelState"]
    unlinked = _bill(account_id, [987654], 202401, cost=10.0)
    with pytest.raises(HttpOperationError) as unknown_meter:
        sdk.create_bill(body=unlinked)
    assert unknown_meter.value.response.status_code == 400
    assert sdk.get_bills(filter=f"accountId equals '{account_id}'") == []


def test_batch_life_cycle(sdk: Any, unique: Callable[[str], str]) -> None:
    account_id, meters = _site(sdk, unique, meters=1)
    batch = _only_open_batch(
        sdk, unique, note="first", due_date=datetime(2024, 3, 1), account_period_year=2024, account_period_number=2
    )
    assert batch.is_open is True
    assert batch.batch_status == "Open"
    assert batch.start_date is not None
    bill_id = sdk.create_bill(body=_bill(account_id, meters, 202401, cost=10.0)).bill_id
    assert sdk.get_bill(bill_id).account_period == 202402

    read = sdk.get_batch(batch.batch_id)
    assert read.bill_count == 1
    assert read.running_total == pytest.approx(11.25)
    assert read.due_date == "2024-03-01T00:00:00"
    listed = sdk.get_batches(filter=f"batchCode equals '{batch.batch_code}'", raw=True)
    assert [b.batch_id for b in listed.output] == [batch.batch_id]
    assert listed.headers["TotalNumberOfRecords"] == 1

    renamed_code = unique("RENAMED")
    renamed = sdk.edit_batch(batch.batch_id, models.BatchEdit(batch_code=renamed_code, note="second"))
    assert (renamed.batch_code, renamed.note) == (renamed_code, "second")

    sdk.update_batch_status(batch.batch_id, models.UpdateBatchStatusRequest(batch_status="Pending"))
    assert sdk.get_batch(batch.batch_id).batch_status == "Pending"
    assert sdk.get_bill(bill_id).void is True
    sdk.update_batch_status(batch.batch_id, models.UpdateBatchStatusRequest(batch_status="Open"))
    assert sdk.get_bill(bill_id).void is False
    with pytest.raises(HttpOperationError) as not_pending:
        sdk.update_batch_status(batch.batch_id, models.UpdateBatchStatusRequest(batch_status="Open"))
    assert not_pending.value.response.status_code == 400

    closed = sdk.close_batch(batch.batch_id)
    assert closed.batch_status == "Closed"
    assert closed.is_open is False
    assert closed.end_date is not None

    sdk.delete_batch(batch.batch_id)
    with pytest.raises(HttpOperationError) as gone:
        sdk.get_batch(batch.batch_id)
    assert gone.value.response.status_code == 404
    with pytest.raises(HttpOperationError) as bill_gone:
        sdk.get_bill(bill_id)
    assert bill_gone.value.response.status_code == 404


def test_several_open_batches_make_an_implicit_bill_a_400(sdk: Any, unique: Callable[[str], str]) -> None:
    account_id, meters = _site(sdk, unique, meters=1)
    first = _only_open_batch(sdk, unique)
    second = sdk.open_batch(models.BatchCreate(batch_code=unique("BATCH")))
    assert sdk.get_batch(first.batch_id).is_open
    assert sdk.get_batch(second.batch_id).is_open
    with pytest.raises(HttpOperationError) as several:
        sdk.create_bill(body=_bill(account_id, meters, 202401, cost=1.0))
    assert several.value.response.status_code == 400
    assert "batchId" in several.value.response.json()["modelState"]
    third = _only_open_batch(sdk, unique)
    assert sdk.get_batch(first.batch_id).batch_status == "Closed"
    assert sdk.get_batch(second.batch_id).batch_status == "Closed"
    assert sdk.create_bill(body=_bill(account_id, meters, 202401, cost=1.0)).bill_id > 0
    assert sdk.get_batch(third.batch_id).bill_count == 1
