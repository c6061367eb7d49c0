"""A batch's invoiceNumber holds 255 characters (models.md BatchCreate); its bills take it only when it fits in
theirs (32)."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from apportion.domain import calculations as calc
from apportion.store.models.bills import Bill
from apportion.store.models.organisation import Meter
from tests.api.test_bills import Site, body, create, electric
from tests.conftest import Api
from tests.support import chargebacks as cb

LONG = "I" * 255
FITS = "F" * 32


def open_batch(api: Api, code: str, invoice_number: str) -> int:
    response = api.post("/api/v3/batch", json={"batchCode": code, "invoiceNumber": invoice_number})
    assert response.status_code == 200, response.text
    return int(response.json()["batchId"])


def test_a_batch_holds_255_characters_and_its_bills_take_it_only_when_it_fits(api: Api) -> None:
    site = Site(api)
    long_batch = open_batch(api, "LONG", LONG)
    assert api.get(f"/api/v3/batch/{long_batch}").json()["invoiceNumber"] == LONG
    refused = api.post("/api/v3/batch", json={"batchCode": "LONGER", "invoiceNumber": LONG + "I"})
    assert refused.status_code == 400
    assert "invoiceNumber" in refused.json()["modelState"]

    plain = create(api, body(site.e, [electric(site.m1, "1", "1.00")], batchId=long_batch))
    own = create(
        api, body(site.e, [electric(site.m1, "1", "1.00")], period=202402, batchId=long_batch, invoiceNumber="MINE")
    )
    assert api.get(f"/api/v3/bill/{plain}").json()["invoiceNumber"] is None
    assert api.get(f"/api/v3/bill/{own}").json()["invoiceNumber"] == "MINE"

    fitting_batch = open_batch(api, "FITS", FITS)
    fits = create(api, body(site.e, [electric(site.m1, "1", "1.00")], period=202403, batchId=fitting_batch))
    assert api.get(f"/api/v3/bill/{fits}").json()["invoiceNumber"] == FITS


def test_processor_batch_settings_take_a_long_invoice_number(api: Api) -> None:
    ids = cb.accounts_and_meters(api.db, ["SRC", "D1", "H1", "AGG"])
    (sa, sm), (a1, m1) = ids["SRC"], ids["D1"]
    cb.split_version(api.db, sa, sm, [(a1, m1, Decimal("100"))])
    cb.bill(api.db, sa, sm, 202403, [(Decimal("10"), Decimal("10.00"))])
    split = api.post(
        "/api/v3/billSplit/exec",
        json={"billingPeriod": 202403, "batchSettings": {"batchCode": "SPLIT-LONG", "invoiceNumber": LONG}},
    )
    assert split.status_code == 200, split.text
    assert split.json()["numberOfBillsCreated"] == 1
    assert api.get(f"/api/v3/batch/{split.json()['batch']['batchId']}").json()["invoiceNumber"] == LONG

    with api.db.transaction() as session:
        meter = session.get(Meter, ids["AGG"][1])
        assert meter is not None
        meter.meter_type_id = 5  # AGGREGATE
    summed = calc.MeterCalculation(sum_meter_ids=(ids["H1"][1],))
    cb.calculated_version(
        api.db, *ids["AGG"], calc.CalculatedBillInstructions(0, use=summed, cost=summed), begin=202301
    )
    cb.bill(api.db, *ids["H1"], 202406, [(Decimal("1"), Decimal("2.00"))])
    aggregation = api.post(
        "/api/v202203/utilityPlatform/aggregations/exec",
        json={"billingPeriod": 202406, "batchSettings": {"batchCode": "AGG-LONG", "invoiceNumber": "A" * 100}},
    )
    assert aggregation.status_code == 200, aggregation.text
    assert aggregation.json()["numberOfBillsCreated"] == 1
    with api.db.reading() as session:
        numbers = session.execute(
            select(Bill.invoice_number).where(
                Bill.chargeback_task_id.in_([split.json()["taskId"], aggregation.json()["taskId"]])
            )
        ).scalars()
        assert list(numbers) == [None, None]
