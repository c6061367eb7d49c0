"""Builders for the accounting tests: a site of accounts with one electric meter each, bills entered through
POST /api/v3/bill, and shortcuts for the workflow, approval, hold and export calls."""

from __future__ import annotations

from typing import Any

from tests.api import master_builders as mb
from tests.conftest import Api

USE, COST_TYPE, KWH = 1, 3, 1


class Site:
    """Accounts `codes` of one vendor, each with meter `M-<code>` linked for all dates."""

    def __init__(self, api: Api, *codes: str, vendor: str = "PPL") -> None:
        self.api = api
        vendor_id = mb.vendor(api, vendor)
        self.accounts: dict[str, int] = {}
        self.meters: dict[str, int] = {}
        for code in codes:
            account_id = int(mb.account(api, code, vendor_id)["accountId"])
            meter_id = int(mb.meter(api, f"M-{code}")["meterId"])
            mb.link(api, account_id, meter_id)
            self.accounts[code] = account_id
            self.meters[code] = meter_id

    def bill(self, code: str, cost: str = "100.00", period: int = 202401, use: str = "1000", **extra: Any) -> int:
        """A one-month bill of the account: one use line (kWh) with its cost; its id."""
        year, month = divmod(period, 100)
        end = f"{year + month // 12}-{month % 12 + 1:02d}-01"
        body = {
            "accountId": self.accounts[code],
            "beginDate": f"{year}-{month:02d}-01T00:00:00",
            "endDate": f"{end}T00:00:00",
            "billingPeriod": period,
            "manualEntry": True,
            "meters": [
                {
                    "meterId": self.meters[code],
                    "bodyLines": [
                        {"observationTypeId": USE, "caption": "Energy", "value": use, "valueUnitId": KWH, "cost": cost}
                    ],
                }
            ],
            "accountBodyLines": [],
            **extra,
        }
        response = self.api.post("/api/v3/bill", json=body)
        assert response.status_code == 200, response.text
        return int(response.json()["billId"])


def read_bill(api: Api, bill_id: int) -> dict[str, Any]:
    """GET /api/v3/bill/{id}."""
    response = api.get(f"/api/v3/bill/{bill_id}")
    assert response.status_code == 200, response.text
    return dict(response.json())


def approve(api: Api, ids: list[int], value: bool = True, key: str | None = "admin") -> dict[str, int]:
    """PUT /api/v3/bill/approve; the UpdateResult."""
    response = api.put("/api/v3/bill/approve", json={"ids": ids, "approve": value}, key=key)
    assert response.status_code == 200, response.text
    return dict(response.json())


def hold(api: Api, ids: list[int], value: bool = True, key: str | None = "admin") -> dict[str, int]:
    """PUT /api/v3/bill/exporthold; the UpdateResult."""
    response = api.put("/api/v3/bill/exporthold", json={"ids": ids, "exportHold": value}, key=key)
    assert response.status_code == 200, response.text
    return dict(response.json())


def approval_mode(api: Api, enabled: bool, maximum: int | None = None) -> None:
    """Switch approval mode (and set the limit) through the extension."""
    body: dict[str, Any] = {"approvalModeEnabled": enabled, "maximumApprovalAmount": maximum}
    response = api.put("/apportion/v1/workflow/approval", json=body)
    assert response.status_code == 200, response.text


def stream_settings(api: Api, ap: str = "after entry", gl: str = "after entry", **enabled: bool) -> None:
    """PUT /api/v3/workflow with the two streams' export points (and `ap`/`gl` enabled flags)."""
    headers = ("dueDate", "statementDate", "invoiceNumber", "controlCode", "nextReading")
    batch = {
        name: {"useField": True, "required": False} for name in (*headers, "accountPeriodName", "accountPeriodYear")
    }
    body = {
        "batch": batch,
        "approval": {"confirmEditDelete": True},
        "apExport": {"exportModeEnabled": enabled.get("ap_enabled", True), "canExport": ap, "includeUdfs": False},
        "glExport": {"exportModeEnabled": enabled.get("gl_enabled", True), "canExport": gl, "includeUdfs": False},
    }
    response = api.put("/api/v3/workflow", json=body)
    assert response.status_code == 200, response.text
