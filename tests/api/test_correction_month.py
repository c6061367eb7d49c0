"""docs/chargebacks.md "A correction month", driven through the HTTP API: a vendor bill split 60/40, a corrected bill
imported over it, a tenant moving out mid-month and another moving in, a re-run. The document's tables are read and
compared with what the API answers, so every number in that section is checked."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

from apportion.store.database import Database
from tests.api import import_builders as ib
from tests.api import master_builders as mb
from tests.support.docs import doc_tables

DOC = Path(__file__).resolve().parents[2] / "docs" / "chargebacks.md"
HEADER = "AccountCode,MeterCode,StartDate,EndDate,VPR,USE:kWh:Energy,USE::Energy,TAX::Sales tax"


def number(text: str) -> Decimal:
    return Decimal(text.replace(",", "").replace(" %", ""))


def test_the_correction_month_of_the_document(db: Database) -> None:
    tables = doc_tables(DOC, section="A correction month")
    campus = tables["The campus"]
    vendor_bills = {row["bill"]: row for row in tables["March's vendor bills"]}
    with ib.import_api(db) as api:
        vendor_id = mb.vendor(api, "CORR")
        ids: dict[str, tuple[int, int]] = {}
        for row in campus:
            account_id = int(mb.account(api, row["account"], vendor_id)["accountId"])
            meter_code = row["meter"]
            meter_id = ids[meter_code][1] if meter_code in ids else int(mb.meter(api, meter_code)["meterId"])
            link: dict[str, Any] = {}
            if row["linked"].startswith("until "):
                link["endDate"] = row["linked"].removeprefix("until ")
            elif row["linked"].startswith("from "):
                link["beginDate"] = row["linked"].removeprefix("from ")
            if not row["linked"].startswith("from "):  # the new tenant moves in later in the month, below
                mb.link(api, account_id, meter_id)
            ids[row["account"]] = (account_id, meter_id)
            ids.setdefault(meter_code, (account_id, meter_id))
        source_account, source_meter = ids["MAIN"]
        versions = api.put(
            f"/api/v3/account/{source_account}/meter/{source_meter}/billSplit",
            json=[{"name": "Tenants", "beginPeriod": 202401}],
        )
        version_id = versions.json()[0]["versionId"]
        shares = [
            {
                "destinationAccountId": ids[r["account"]][0],
                "destinationMeterId": ids[r["account"]][1],
                "splitPercentage": float(number(r["split"])),
            }
            for r in campus
            if r["split"] not in ("", "source")
        ]
        details = api.put(
            f"/api/v3/account/{source_account}/meter/{source_meter}/billSplit/{version_id}",
            json={"fixedPercentageSplit": shares},
        )
        assert details.status_code == 200, details.text

        def vendor_file(name: str, flag: str) -> bytes:
            bill = vendor_bills[name]
            return ib.csv_file(
                f"MAIN,M-MAIN,2024-03-01,2024-04-01,{flag},{number(bill['use (kWh)'])},{number(bill['energy'])},",
                f"MAIN,,2024-03-01,2024-04-01,{flag},,,{number(bill['tax'])}",
                header=HEADER,
            )

        assert api.run("march.csv", vendor_file("first", ""))["status"] == "Completed"
        first = api.post("/api/v3/billSplit/exec", json={"billingPeriod": 202403}).json()
        assert charges(api, first["taskId"]) == rows_of(tables["Charges of the first run"])

        corrected = api.run("march-corrected.csv", vendor_file("corrected", "V"))
        assert "2 chargeback bills made from them voided" in corrected["message"]
        (group,) = api.get("/apportion/v1/rerun").json()
        assert group["billingPeriod"] == 202403
        assert "was replaced by bill import task" in group["reruns"][0]["reason"]

        lab_account, lab_meter = ids["LAB"]
        (lab_link,) = api.get(f"/api/v3/account/{lab_account}").json()["meters"]
        moved_out = api.put(
            f"/api/v3/accountmeter/{lab_link['accountMeterId']}",
            json={"endDate": next(r["linked"] for r in campus if r["account"] == "LAB").removeprefix("until ")},
        )
        assert moved_out.status_code == 200, moved_out.text
        newcomer = next(r for r in campus if r["linked"].startswith("from "))
        mb.link(api, ids[newcomer["account"]][0], lab_meter, beginDate=newcomer["linked"].removeprefix("from "))

        again = api.post("/api/v3/billSplit/exec", json={"billingPeriod": 202403}).json()
        assert charges(api, again["taskId"]) == rows_of(tables["Charges after the re-run"])
        assert api.get("/apportion/v1/rerun").json() == []
        record = api.get(f"/apportion/v1/chargebackTask/{again['taskId']}/conservation").json()["total"]
        (expected,) = tables["Conservation of the re-run"]
        figures = (record["sourceAmount"], record["allocated"], record["left"]["vacancy"])
        assert tuple(Decimal(str(f)) for f in figures) == (
            number(expected["source"]),
            number(expected["allocated"]),
            number(expected["left: vacancy"]),
        )
        live = api.bills("fromVendor equals 'false' and void equals 'false'")
        assert sum(Decimal(str(b["totalCost"])) for b in live) + number(expected["left: vacancy"]) == number(
            vendor_bills["corrected"]["total"]
        )


def charges(api: Any, task_id: int) -> list[tuple[str, str, str, Decimal, Decimal, Decimal]]:
    """(account, from, to, energy, tax, total) of each bill a task made, in bill order."""
    found = []
    rows = api.get("/api/v3/bill", params={"pageSize": "1000", "filter": "fromVendor equals 'false'"}).json()
    for bill in sorted(rows, key=lambda b: b["billId"]):
        lineage = api.get(f"/apportion/v1/bill/{bill['billId']}/lineage").json()
        if lineage["bill"]["chargebackTaskId"] != task_id:
            continue
        lines = lineage["lines"]
        energy = sum((Decimal(str(line["cost"])) for line in lines if line["meterId"] is not None), Decimal(0))
        tax = sum((Decimal(str(line["cost"])) for line in lines if line["meterId"] is None), Decimal(0))
        found.append(
            (bill["account"]["accountCode"], bill["beginDate"][:10], bill["endDate"][:10], energy, tax, energy + tax)
        )
    return found


def rows_of(table: list[dict[str, str]]) -> list[tuple[str, str, str, Decimal, Decimal, Decimal]]:
    return [
        (r["account"], r["from"], r["to"], number(r["energy"]), number(r["tax"]), number(r["total"])) for r in table
    ]
