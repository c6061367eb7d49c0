"""Every cent charged back exactly once: corrections flow through, re-runs replace, account charges, occupancy,
units and the conservation record (docs/chargebacks.md "Every cent charged back exactly once")."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import select

from apportion.domain import calculations as calc
from apportion.domain import periods
from apportion.domain.bills import BillDraft, LineDraft
from apportion.store.bill_writer import BillWriter
from apportion.store.database import Database
from apportion.store.models.bills import Batch, Bill, BillLine, BillMeter
from tests.api import import_builders as ib
from tests.conftest import Api
from tests.support import chargebacks as cb

D = Decimal
PERIOD = 202403
USE, COST, TAX, ONPEAK, OFFPEAK = 1, 3, 8, 4, 5  # seeded observation types
KWH, THERMS, KGAL = 1, 3, 11


def split(api: Api, period: int = PERIOD, **extra: Any) -> dict[str, Any]:
    response = api.post("/api/v3/billSplit/exec", json={"billingPeriod": period}, **extra)
    assert response.status_code == 200, response.text
    return dict(response.json())


def calculate(api: Api, period: int = PERIOD) -> dict[str, Any]:
    response = api.post("/api/v3/calculatedBill/exec", json={"billingPeriod": period})
    assert response.status_code == 200, response.text
    return dict(response.json())


def live_totals(api: Api, source_id: int) -> list[Decimal]:
    """Total cost of each live bill split from the source, by bill id."""
    with api.db.reading() as session:
        rows = session.execute(
            select(Bill.total_cost).where(Bill.source_bill_id == source_id, Bill.void.is_(False)).order_by(Bill.bill_id)
        )
        return [D(v) for v in rows.scalars()]


def bill_row(api: Api, bill_id: int) -> Any:
    with api.db.reading() as session:
        return session.execute(select(Bill).where(Bill.bill_id == bill_id)).scalar_one()


def tenants(api: Api) -> tuple[dict[str, tuple[int, int]], int]:
    """A master meter split 60/40 to two tenants; its split version id."""
    ids = cb.accounts_and_meters(api.db, ["SRC", "T1", "T2"])
    version = cb.split_version(api.db, *ids["SRC"], [(*ids["T1"], D("60")), (*ids["T2"], D("40"))])
    return ids, version


def edit_body(bill_id: int, api: Api, cost: str, use: str = "1000") -> dict[str, Any]:
    bill = api.get(f"/api/v3/bill/{bill_id}").json()
    meter_id = bill_row_meter(api, bill_id)
    return {
        "accountId": bill["account"]["accountId"],
        "billingPeriod": bill["billingPeriod"],
        "beginDate": bill["beginDate"],
        "endDate": bill["endDate"],
        "manualEntry": True,
        "meters": [
            {
                "meterId": meter_id,
                "bodyLines": [
                    {"observationTypeId": USE, "caption": "Use", "value": use, "valueUnitId": KWH, "cost": cost}
                ],
            }
        ],
    }


def bill_row_meter(api: Api, bill_id: int) -> int:
    with api.db.reading() as session:
        return int(session.execute(select(BillMeter.meter_id).where(BillMeter.bill_id == bill_id)).scalars().first())


def test_an_edited_source_undoes_its_split_and_a_rerun_charges_the_new_figures(api: Api) -> None:
    ids, version = tenants(api)
    source = cb.bill(api.db, *ids["SRC"], PERIOD, [(D("1000"), D("1320.00"))])
    first = split(api)
    assert live_totals(api, source) == [D("792.00"), D("528.00")]
    edited = api.put(f"/api/v3/bill/{source}", json=edit_body(source, api, "2000.00"))
    assert edited.status_code == 200, edited.text
    # The tenants' bills are void, each saying why; the source can be split again; the period waits for a re-run.
    assert live_totals(api, source) == []
    assert not cb.is_split(api.db, source)
    history = api.get(f"/apportion/v1/chargebackTask/{first['taskId']}/history").json()
    assert len(history["undone"]) == 2
    assert history["undone"][0]["reason"] == f"source bill {source}, account A-SRC, meter M-SRC, {PERIOD}, was edited"
    reruns = api.get("/apportion/v1/rerun").json()
    assert [(g["billingPeriod"], [r["versionId"] for r in g["reruns"]]) for g in reruns] == [(PERIOD, [version])]
    second = split(api)
    assert live_totals(api, source) == [D("1200.00"), D("800.00")]
    assert api.get("/apportion/v1/rerun").json() == []
    resolved = api.get("/apportion/v1/rerun", params={"includeResolved": "true"}).json()
    assert resolved[0]["reruns"][0]["resolvedTaskId"] == second["taskId"]


def test_a_split_bill_cannot_be_edited_and_voiding_one_undoes_the_whole_split(api: Api) -> None:
    ids, _ = tenants(api)
    source = cb.bill(api.db, *ids["SRC"], PERIOD, [(D("1000"), D("1320.00"))])
    task = split(api)
    first, second = (b[0] for b in cb.bills_of_task(api.db, task["taskId"]))
    refused = api.put(f"/api/v3/bill/{first}", json=edit_body(first, api, "1.00"))
    assert refused.status_code == 400
    assert (
        f"split from bill {source} (account A-SRC, {PERIOD}) by chargeback task {task['taskId']}"
        in refused.json()["message"]
    )
    voided = api.put("/api/v3/bill/void", json={"ids": [first], "void": True})
    assert voided.json() == {"selected": 1, "updated": 1}
    assert bill_row(api, second).void
    assert not cb.is_split(api.db, source)
    # A chargeback bill once void stays void: un-voiding it is skipped (its source may be charged again).
    assert api.put("/api/v3/bill/void", json={"ids": [first], "void": False}).json() == {"selected": 1, "updated": 0}
    split(api)
    assert live_totals(api, source) == [D("792.00"), D("528.00")]


def test_voiding_or_deleting_a_source_undoes_its_destinations_transitively(api: Api) -> None:
    ids, _ = tenants(api)
    (ra, rm) = cb.accounts_and_meters(api.db, ["R"])["R"]
    summed = calc.MeterCalculation(sum_meter_ids=(ids["T1"][1], ids["T2"][1]))
    cb.calculated_version(api.db, ra, rm, calc.CalculatedBillInstructions(0, use=summed, cost=summed))
    source = cb.bill(api.db, *ids["SRC"], PERIOD, [(D("1000"), D("100.00"))])
    split(api)
    calculated = calculate(api)
    (rollup,) = cb.bills_of_task(api.db, calculated["taskId"])
    assert rollup[4] == D("100.00")
    lineage = api.get(f"/apportion/v1/bill/{source}/lineage").json()
    assert [(d["relation"], d["depth"]) for d in lineage["dependents"]] == [("split", 1), ("split", 1), ("used", 2)]
    assert api.put("/api/v3/bill/void", json={"ids": [source], "void": True}).status_code == 200
    assert live_totals(api, source) == []
    assert bill_row(api, rollup[0]).void
    # The source is void: its split has nothing to charge again, but the calculation reading the tenants does.
    reruns = api.get("/apportion/v1/rerun").json()
    assert [r["chargebackType"] for g in reruns for r in g["reruns"]] == ["Calculation"]
    assert api.post("/api/v3/bill/delete", json={"ids": [source]}).json() == {"selected": 1, "deleted": 1}


def test_a_corrected_vendor_bill_imported_with_vpr_v_replaces_the_source_and_its_charges(db: Database) -> None:
    with ib.import_api(db) as api:
        site = ib.site(api, "MASTER", "TEN1", "TEN2")
        cb.split_version(api.db, *site["MASTER"], [(*site["TEN1"], D("55")), (*site["TEN2"], D("45"))])
        header = "AccountCode,MeterCode,StartDate,EndDate,VPR,USE:kWh:Energy,USE::Energy"
        first = api.run("bill.csv", ib.csv_file("MASTER,M-MASTER,2024-01-01,2024-02-01,,1000,1320.00", header=header))
        assert first["status"] == "Completed"
        (source,) = [b["billId"] for b in api.bills("accountCode equals 'MASTER'")]
        split(api, 202401)
        assert live_totals(api, source) == [D("726.00"), D("594.00")]
        corrected = ib.csv_file("MASTER,M-MASTER,2024-01-01,2024-02-01,V,1000,1380.00", header=header)
        task = api.run("corrected.csv", corrected)
        assert task["status"] == "Completed"
        assert "2 chargeback bills made from them voided" in task["message"]
        undone = api.get(f"/apportion/v1/importTask/{task['taskGUId']}/corrections").json()
        assert [c["cause"] for c in undone] == ["replacedByImport", "replacedByImport"]
        assert live_totals(api, source) == []
        again = split(api, 202401)
        assert again["numberOfBillsCreated"] == 2
        live = api.bills("fromVendor equals 'false' and void equals 'false'")
        assert sorted(D(str(b["totalCost"])) for b in live) == [D("621.00"), D("759.00")]  # 1,380.00 in all


def test_a_second_calculation_run_replaces_its_earlier_bill(api: Api) -> None:
    ids = cb.accounts_and_meters(api.db, ["MAIN", "SUB", "RES"])
    main, sub = ids["MAIN"][1], ids["SUB"][1]
    fixed = calc.CalculatedBillInstructions(0, use=calc.FixedUse(D("100"), KWH), cost=calc.FixedCost(D("25.00")))
    cb.calculated_version(api.db, *ids["SUB"], fixed)
    residual = calc.MeterCalculation(sum_meter_ids=(main,), subtract_meter_ids=(sub,))
    cb.calculated_version(api.db, *ids["RES"], calc.CalculatedBillInstructions(0, use=residual, cost=residual))
    cb.bill(api.db, *ids["MAIN"], PERIOD, [(D("1000"), D("100.00"))])
    first = calculate(api)
    second = calculate(api)
    with api.db.reading() as session:
        live = session.execute(
            select(Bill.account_id, Bill.total_cost).where(Bill.void.is_(False), Bill.chargeback_task_id.is_not(None))
        ).all()
    # One live bill per version: the residual is 75.00, not 50.00 from a duplicated submeter bill.
    assert sorted((a, D(c)) for a, c in live) == sorted([(ids["SUB"][0], D("25.00")), (ids["RES"][0], D("75.00"))])
    replaced = api.get(f"/apportion/v1/chargebackTask/{second['taskId']}/history").json()["replaced"]
    assert len(replaced) == 2
    assert all(c["chargebackTaskId"] == first["taskId"] for c in replaced)
    assert {c["reason"] for c in replaced} == {
        f"replaced by chargeback task {second['taskId']}, which ran the version for {PERIOD} again"
    }


def test_a_split_version_with_nothing_left_to_split_names_codes_and_the_task(api: Api) -> None:
    ids, version = tenants(api)
    source = cb.bill(api.db, *ids["SRC"], PERIOD, [(D("1000"), D("10.00"))])
    first = split(api)
    again = split(api)
    errors = api.get(f"/api/v3/chargebackTask/{again['taskId']}/errorOutput").text
    assert (
        f"No unsplit bill on account A-SRC and meter M-SRC for billing period {PERIOD}: bill {source} was split by "
        f"chargeback task {first['taskId']}."
    ) in errors
    assert str(version) in errors


def test_an_idempotency_key_returns_the_first_task(api: Api) -> None:
    ids, _ = tenants(api)
    cb.bill(api.db, *ids["SRC"], PERIOD, [(D("1000"), D("10.00"))])
    key = {"headers": {"Idempotency-Key": "month-end-2024-03"}}
    first = split(api, **key)
    retry = split(api, **key)
    assert retry["taskId"] == first["taskId"]
    other = api.post("/api/v3/billSplit/exec", json={"billingPeriod": 202404}, **key)
    assert other.status_code == 400
    assert "Idempotency-Key" in other.json()["modelState"]
    blank = api.post("/api/v3/billSplit/exec", json={"billingPeriod": PERIOD}, headers={"Idempotency-Key": ""})
    assert blank.status_code == 400


def test_task_reversal_happens_once(api: Api) -> None:
    ids, _ = tenants(api)
    source = cb.bill(api.db, *ids["SRC"], PERIOD, [(D("1000"), D("10.00"))])
    task = split(api)
    assert api.post(f"/api/v3/chargebackTask/{task['taskId']}/void").status_code == 204
    again = api.post(f"/api/v3/chargebackTask/{task['taskId']}/delete")
    assert again.status_code == 400
    assert "was already reversed on 2024-06-15 09:30:00 by admin" in again.json()["message"]
    assert not cb.is_split(api.db, source)
    reasons = [g["reruns"][0]["reason"] for g in api.get("/apportion/v1/rerun").json()]
    assert reasons == [f"chargeback task {task['taskId']} was voided"]


def test_reruns_can_be_dismissed_and_exported(api: Api) -> None:
    ids, _ = tenants(api)
    source = cb.bill(api.db, *ids["SRC"], PERIOD, [(D("1000"), D("10.00"))])
    split(api)
    api.put(f"/api/v3/bill/{source}", json=edit_body(source, api, "11.00"))
    (group,) = api.get("/apportion/v1/rerun").json()
    csv_text = api.get("/apportion/v1/rerun", params={"format": "csv"}).text
    assert csv_text.splitlines()[0].startswith("workflowStep,billingPeriod,versionId")
    assert "A-SRC" in csv_text
    rerun_id = group["reruns"][0]["rerunId"]
    assert api.delete(f"/apportion/v1/rerun/{rerun_id}").status_code == 204
    assert api.get("/apportion/v1/rerun").json() == []
    assert api.delete(f"/apportion/v1/rerun/{rerun_id}").status_code == 404


def manual_bill(account_id: int, meter_id: int, lines: list[dict[str, Any]], period: int = PERIOD) -> dict[str, Any]:
    """A BillCreate body for the period's calendar month with the meter's lines."""
    begin, end = periods.first_day(period), periods.end_date(period)
    return {
        "accountId": account_id,
        "billingPeriod": period,
        "beginDate": f"{begin}",
        "endDate": f"{end}",
        "manualEntry": True,
        "meters": [{"meterId": meter_id, "bodyLines": lines}],
    }


def test_use_lines_must_measure_the_meters_commodity(api: Api) -> None:
    account_id, meter_id = cb.accounts_and_meters(api.db, ["E"])["E"]
    gallons = [{"observationTypeId": USE, "caption": "Use", "value": 10, "valueUnitId": 10, "cost": 1}]
    refused = api.post("/api/v3/bill", json=manual_bill(account_id, meter_id, gallons))
    assert refused.status_code == 400
    assert refused.json()["modelState"] == {
        "meters[0].bodyLines[0].valueUnitId": ["Unit gal cannot measure meter M-E's ELECTRIC use."]
    }


def test_time_of_use_lines_are_parts_of_the_total(api: Api) -> None:
    account_id, meter_id = cb.accounts_and_meters(api.db, ["E"])["E"]
    lines = [
        {"observationTypeId": USE, "caption": "Use", "value": 7500, "valueUnitId": KWH, "cost": 750},
        {"observationTypeId": ONPEAK, "caption": "On-peak", "value": 4000, "valueUnitId": KWH},
        {"observationTypeId": OFFPEAK, "caption": "Off-peak", "value": 3500, "valueUnitId": KWH},
    ]
    created = api.post("/api/v3/bill", json=manual_bill(account_id, meter_id, lines))
    assert created.status_code == 200, created.text
    (row,) = api.get(f"/api/v3/meter/{meter_id}/bill").json()
    assert row["usage"] == 7500
    without_total = manual_bill(account_id, meter_id, lines[1:], 202404)
    assert api.post("/api/v3/bill", json=without_total).status_code == 200
    uses = [b["usage"] for b in api.get(f"/api/v3/meter/{meter_id}/bill").json()]
    assert uses == [7500, 7500]


def test_copying_use_across_commodities_converts_or_fails(api: Api) -> None:
    electric = cb.accounts_and_meters(api.db, ["ELEC", "ELEC2"])
    gas = cb.accounts_and_meters(api.db, ["GAS"], commodity_id=2)
    water = cb.accounts_and_meters(api.db, ["WATER"], commodity_id=3)
    therms_bill(api, *gas["GAS"])
    cb.bill(api.db, *water["WATER"], PERIOD, [(D("5"), D("20.00"))])  # a kWh-less line; unit set below
    with api.db.transaction() as session:
        for line in session.execute(select(BillLine).join(Bill).where(Bill.account_id == water["WATER"][0])).scalars():
            line.value_unit_id = KGAL
        for total in session.execute(select(BillMeter).where(BillMeter.meter_id == water["WATER"][1])).scalars():
            total.use = D("5")
    copy = calc.CopyFromMeter(gas["GAS"][1], D("100"))
    cost = calc.FixedCost(D("1.00"))
    cb.calculated_version(api.db, *electric["ELEC"], calc.CalculatedBillInstructions(0, use=copy, cost=cost))
    from_water = calc.CopyFromMeter(water["WATER"][1], D("100"))
    cb.calculated_version(api.db, *electric["ELEC2"], calc.CalculatedBillInstructions(0, use=from_water, cost=cost))
    task = calculate(api)
    assert task["numberOfFailedVersions"] == 1
    errors = api.get(f"/api/v3/chargebackTask/{task['taskId']}/errorOutput").text
    assert "cannot be converted to ELECTRIC" in errors
    (made,) = cb.bills_of_task(api.db, task["taskId"])
    uses = api.get(f"/api/v3/meter/{electric['ELEC'][1]}/bill").json()
    # 8,317.6 therms are 243,765.53 kWh (29.3071 kWh per therm), not 8,317.6 kWh.
    assert D(str(uses[0]["usage"])) == D("8317.6") * D("29.3071")
    assert made[1] == electric["ELEC"][0]


def therms_bill(api: Api, account_id: int, meter_id: int) -> int:
    with api.db.transaction() as session:
        batch = Batch(batch_code="GAS", status="Closed", created_by=1, start_date=cb.NOW)
        session.add(batch)
        session.flush()
        lines = (LineDraft(USE, "use", meter_id, "Gas", D("8317.6"), THERMS, D("900.00")),)
        draft = BillDraft(account_id, PERIOD, periods.first_day(PERIOD), periods.end_date(PERIOD), lines)
        return BillWriter(session).write([draft], batch.batch_id, 1, cb.NOW)[0]
