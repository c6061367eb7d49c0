"""docs/worked-example.md driven through the HTTP API: its input tables build the campus, its result tables are
compared with what the API answers, so every number in the document is checked."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

from tests.api import master_builders as mb
from tests.conftest import Api
from tests.support import docs

DOC = Path(__file__).resolve().parents[2] / "docs" / "worked-example.md"
USE, KWH, BUILDING = 1, 1, 3
Row = docs.Row


def doc_tables() -> dict[str, list[Row]]:
    """Every table of the document under the title of the heading above it; rows as {column: cell}."""
    return docs.doc_tables(DOC)


def number(text: str) -> Decimal | None:
    """A table cell as a Decimal (blank -> None)."""
    return Decimal(text.replace(",", "")) if text else None


def _json_number(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))


class Campus:
    """The document's campus built through the API."""

    def __init__(self, api: Api, tables: dict[str, list[Row]]) -> None:
        self.api = api
        self.accounts: dict[str, int] = {}
        self.meters: dict[str, int] = {}
        vendor_id = mb.vendor(api, "CAMPUS-PPL")
        places = self.places = {"campus (root place)": 1}
        for row in tables["Floor areas"]:
            body = {"placeCode": row["place"], "placeInfo": row["place"].title(), "parentPlaceId": 1}
            place = self._ok(api.post("/api/v3/place", json={**body, "placeTypeId": BUILDING}))
            size = {"beginDate": "2020-01-01", "value": int(row["floor area (sq ft)"]), "unitCode": "SQFEET"}
            self._ok(api.post(f"/api/v3/place/{place['placeId']}/size", json=size))
            places[row["place"]] = place["placeId"]
        for row in tables["The campus"]:
            account = mb.account(api, row["account"], vendor_id)
            meter = mb.meter(api, row["meter"], placeId=places[row["place"]])
            mb.link(api, account["accountId"], meter["meterId"])
            self.accounts[row["meter"]] = account["accountId"]
            self.meters[row["meter"]] = meter["meterId"]

    @staticmethod
    def _ok(response: Any) -> Any:
        assert response.status_code == 200, response.text
        return response.json()

    def enter_vendor_bills(self, rows: list[Row]) -> None:
        """The master meter's bills, one per row, in an open batch."""
        batch = self._ok(self.api.post("/api/v3/batch", json={"batchCode": "VENDOR", "closeExistingBatch": True}))
        for row in rows:
            period = int(row["billing period"])
            year, month = divmod(period, 100)
            line = {"observationTypeId": USE, "caption": "Energy", "valueUnitId": KWH}
            line |= {"value": row["use (kWh)"], "cost": row["cost ($)"]}
            bill = {
                "accountId": self.accounts["MASTER-E"],
                "beginDate": f"{year}-{month:02d}-01",
                "endDate": f"{year + month // 12}-{month % 12 + 1:02d}-01",
                "billingPeriod": period,
                "manualEntry": True,
                "batchId": batch["batchId"],
                "meters": [{"meterId": self.meters["MASTER-E"], "bodyLines": [line]}],
                "accountBodyLines": [],
            }
            self._ok(self.api.post("/api/v3/bill", json=bill))
        self._ok(self.api.put(f"/api/v3/batch/close/{batch['batchId']}"))

    def configure(self, cafe: Row) -> tuple[int, int, int]:
        """The workflow, the floor-area split, the café's calculated bill and the aggregate meter; returns
        (workflow id, split step id, calculation step id)."""
        steps = [
            {"chargebackWorkflowStepInfo": "Split campus master", "chargebackWorkflowStepDescription": "Floor area",
             "chargebackWorkflowStepType": "Split"},
            {"chargebackWorkflowStepInfo": "Cafe estimate", "chargebackWorkflowStepDescription": "Tenant café",
             "chargebackWorkflowStepType": "Calculation"},
        ]  # fmt: skip
        workflow = self._ok(
            self.api.post(
                "/api/v3/chargebackWorkflow",
                json={"chargebackWorkflowInfo": "Campus month end", "chargebackWorkflowSteps": steps},
            )
        )
        split_step, calc_step = (s["chargebackWorkflowStepId"] for s in workflow["chargebackWorkflowSteps"])
        master = f"/api/v3/account/{self.accounts['MASTER-E']}/meter/{self.meters['MASTER-E']}"
        history = [{"name": "Floor area", "beginPeriod": 202301, "workflowStepId": split_step}]
        version = self._ok(self.api.put(f"{master}/billSplit", json=history))[0]["versionId"]
        destinations = [
            {"destinationAccountId": self.accounts[m], "destinationMeterId": self.meters[m], "weightingFactor": 1}
            for m in ("LIB-E", "LAB-E")
        ]
        self._ok(self.api.put(f"{master}/billSplit/{version}", json={"floorAreaSplit": destinations}))
        cafe_path = f"/api/v3/account/{self.accounts['CAFE-E']}/meter/{self.meters['CAFE-E']}/calculatedBill"
        history = [{"name": "Estimate", "beginPeriod": 202301, "workflowStepId": calc_step}]
        version = self._ok(self.api.put(cafe_path, json=history))[0]["versionId"]
        percent = cafe["use (% of LIB-E's use)"]
        use = {"copyUseFromMeter": {"meterId": self.meters["LIB-E"], "percentage": percent}}
        self._ok(self.api.put(f"{cafe_path}/{version}/use", json=use))
        cost = {"fixedUnitCost": {"unitCost": cafe["unit cost ($/kWh)"], "unitId": KWH}}
        self._ok(self.api.put(f"{cafe_path}/{version}/cost", json=cost))
        aggregate = {
            "beginPeriod": 202301,
            "sourceMeterIds": [self.meters["LIB-E"], self.meters["CAFE-E"]],
            "commodityId": 1,
            "aggregateMeterInfo": "Library total",
        }
        url = f"/api/v202203/utilityPlatform/place/{self.places['LIBRARY']}/aggregateMeter"
        created = self._ok(self.api.put(url, json=aggregate))
        self.meters["Library total"] = created["version"]["meter"]["meterId"]
        return workflow["chargebackWorkflowId"], split_step, calc_step

    def bills(self, meter: str) -> list[tuple[int, Decimal | None, Decimal | None]]:
        """(billing period, use, cost) of the meter's non-void bills, in period order."""
        found = self._ok(self.api.get(f"/api/v3/meter/{self.meters[meter]}/bill"))
        return sorted(
            (b["billingPeriod"], _json_number(b["usage"]), _json_number(b["cost"])) for b in found if not b["void"]
        )


def _digest_rows(digest: dict[str, Any]) -> list[Row]:
    """The digest as the document's table rows (meter, block, ...), destinations after their source."""
    rows: list[Row] = []

    def text(value: Any) -> str:
        return "" if value is None else str(value)

    def add(entry: dict[str, Any]) -> None:
        current = entry["currentPeriod"]
        rows.append({
            "meter": entry["meter"]["meterCode"], "block": "currentPeriod",
            "billing period": str(current["billingPeriod"]), "use (kWh)": text(current["use"]["use"]),
            "cost ($)": text(current["cost"]["cost"]), "unit cost": text(current["unitCost"]),
            "delta use": "", "delta cost": "", "bills": text(current["numberOfBillsInPeriod"]),
            "from step": text(current["numberOfBillsInPeriodFromWorkflowStep"]),
        })  # fmt: skip
        for block in ("priorPeriod", "priorYear"):
            other = entry[block]
            rows.append({
                "meter": entry["meter"]["meterCode"], "block": block,
                "billing period": str(other["billingPeriod"]), "use (kWh)": text(other["use"]["use"]),
                "cost ($)": text(other["cost"]["cost"]), "unit cost": "", "delta use": text(other["use"]["delta"]),
                "delta cost": text(other["cost"]["delta"]), "bills": "", "from step": "",
            })  # fmt: skip

    for result in digest["results"]:
        add(result)
        for split in result["splits"] or []:
            add(split)
    return rows


def _same(expected: list[Row], actual: list[Row]) -> None:
    """Rows equal cell by cell: numbers as Decimals (1080.00 == 1080), other cells as text."""
    assert len(actual) == len(expected), (expected, actual)
    for want, got in zip(expected, actual, strict=True):
        assert want.keys() == got.keys()
        for column, cell in want.items():
            if column in ("meter", "block"):
                assert got[column] == cell, (column, want, got)
            else:
                assert number(got[column]) == number(cell), (column, want, got)


def test_every_number_of_the_worked_example(api: Api) -> None:
    tables = doc_tables()
    campus = Campus(api, tables)
    campus.enter_vendor_bills(tables["Vendor bills on the master meter"])
    workflow_id, split_step, calc_step = campus.configure(tables["Café calculated bill"][0])

    for period in sorted({int(r["billing period"]) for r in tables["Vendor bills on the master meter"]}):
        body = {"billingPeriod": period, "batchSettings": {"batchCode": f"CB-{period}"}}
        tasks = campus._ok(api.post(f"/api/v202304/chargebackWorkflow/{workflow_id}/exec", json=body))
        assert [t["status"] for t in tasks] == ["Completed", "Completed"], tasks
    aggregation = campus._ok(api.post("/api/v202203/utilityPlatform/aggregations/exec", json={"billingPeriod": 202403}))
    assert aggregation["status"] == "Completed", aggregation

    for title in ("Split bills", "Café bills", "Aggregate meter"):
        expected = sorted(
            (r["meter"], int(r["billing period"]), number(r["use (kWh)"]), number(r["cost ($)"])) for r in tables[title]
        )
        actual = sorted((m, *bill) for m in {r["meter"] for r in tables[title]} for bill in campus.bills(m))
        assert actual == expected, title

    for title, step_id in (
        ("Digest of the split step for 202403", split_step),
        ("Digest of the calculation step for 202403", calc_step),
    ):
        response = api.get(f"/api/v3/chargebackWorkflow/{step_id}/digest", params={"billingPeriod": 202403})
        assert response.status_code == 200, response.text
        _same(tables[title], _digest_rows(response.json()))
    calc = api.get(f"/api/v3/chargebackWorkflow/{calc_step}/digest").json()
    assert [r["splits"] for r in calc["results"]] == [None]
