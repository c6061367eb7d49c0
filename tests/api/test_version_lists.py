"""GET /api/v3/calculatedBill (★003) and GET /api/v3/billSplit: rows, paging, every filter and operator rule."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from tests.api import master_builders as mb
from tests.conftest import Api
from tests.support import chargeback_builders as cb


@dataclass(frozen=True)
class Setup:
    step: int
    a1: int
    a2: int
    m1: int
    m2: int
    m3: int
    calc1: int
    calc2: int
    aggregate: int
    split: int


@pytest.fixture
def setup(api: Api) -> Setup:
    vendor_id = mb.vendor(api)
    a1 = mb.account(api, "ACC-ONE", vendor_id, accountInfo="North hall")["accountId"]
    a2 = mb.account(api, "ACC-TWO", vendor_id, accountInfo="South hall")["accountId"]
    m1 = mb.meter(api, "MTR-1", meterInfo="Main electric")["meterId"]
    m2 = mb.meter(api, "MTR-2", meterInfo="Chiller electric")["meterId"]
    m3 = mb.meter(api, "MTR-3", meterInfo="Aggregate electric", meter_type_id=5)["meterId"]
    step = cb.workflow_step(api.db, "Calculation", "Month end")
    calc1 = cb.version(api.db, "Calculation", a1, m1, name="Original", begin=202401, end=202406, step_id=step)
    calc2 = cb.version(api.db, "Calculation", a2, m2, name="Later", begin=202407)
    aggregate = cb.version(api.db, "Calculation", a1, m3, name="Aggregate", begin=202301, is_aggregation=True)
    split = cb.version(api.db, "Split", a1, m1, name="Split one", begin=202401)
    return Setup(step, a1, a2, m1, m2, m3, calc1, calc2, aggregate, split)


def _ids(api: Api, url: str, filter_text: str | None = None) -> list[int]:
    response = api.get(url, params={"filter": filter_text} if filter_text is not None else None)
    assert response.status_code == 200, response.text
    return [v["versionId"] for v in response.json()]


def test_calculated_bill_list_renders_versions_in_id_order(api: Api, setup: Setup) -> None:
    cb.bill_from_version(api.db, setup.calc1, setup.a1)
    response = api.get("/api/v3/calculatedBill")
    assert response.status_code == 200
    body = response.json()
    assert [v["versionId"] for v in body] == [setup.calc1, setup.calc2, setup.aggregate]
    first = body[0]
    assert first["versionInfo"] == "Original"
    assert first["chargebackType"] == "Calculation"
    assert (first["beginPeriod"], first["endPeriod"]) == (202401, 202406)
    assert first["hasBills"] is True
    assert first["account"]["accountCode"] == "ACC-ONE"
    assert first["account"]["accountType"]["accountTypeId"] == 1
    assert first["account"]["hasCalculatedMeter"] is True
    assert first["meter"]["meterCode"] == "MTR-1"
    assert first["meter"]["isCalculatedMeter"] is True
    assert first["meter"]["isSplitParentMeter"] is True
    assert first["workflow"]["chargebackWorkflowStepId"] == setup.step
    assert first["workflow"]["chargebackWorkflowStepType"] == "Calculation"
    assert first["workflow"]["chargebackWorkflow"]["chargebackWorkflowInfo"] == "Workflow Month end"
    second = body[1]
    assert second["endPeriod"] is None
    assert second["workflow"] is None
    assert second["hasBills"] is False
    assert response.headers["TotalNumberOfRecords"] == "3"
    assert response.headers["TotalPages"] == "1"


def test_paging_headers_and_past_the_end(api: Api, setup: Setup) -> None:
    response = api.get("/api/v3/calculatedBill?pageSize=2&pageNumber=2")
    assert [v["versionId"] for v in response.json()] == [setup.aggregate]
    assert response.headers["PageNumber"] == "2"
    assert response.headers["PageSize"] == "2"
    assert response.headers["TotalNumberOfRecords"] == "3"
    assert response.headers["TotalPages"] == "2"
    assert api.get("/api/v3/calculatedBill?pageNumber=5").json() == []
    assert api.get("/api/v3/calculatedBill?pageSize=5000").headers["PageSize"] == "1000"
    assert api.get("/api/v3/calculatedBill?pageSize=0").status_code == 400


def test_every_calculated_bill_filter(api: Api, setup: Setup) -> None:
    url = "/api/v3/calculatedBill"
    s = setup
    assert _ids(api, url, "accountCode equals 'acc-one'") == [s.calc1, s.aggregate]
    assert _ids(api, url, "accountCode not equals 'ACC-ONE'") == [s.calc2]
    assert _ids(api, url, "accountInfo like 'south'") == [s.calc2]
    assert _ids(api, url, "accountInfo not like 'south'") == [s.calc1, s.aggregate]
    assert _ids(api, url, "meterCode one of 'MTR-1'|'MTR-3'") == [s.calc1, s.aggregate]
    assert _ids(api, url, "meterCode not one of 'MTR-1'|'MTR-3'") == [s.calc2]
    assert _ids(api, url, "meterInfo like 'chiller'") == [s.calc2]
    assert _ids(api, url, "billingPeriod equals '202403'") == [s.calc1, s.aggregate]
    assert _ids(api, url, "billingPeriod equals '202406'") == [s.calc1, s.aggregate]
    assert _ids(api, url, "billingPeriod equals '202407'") == [s.calc2, s.aggregate]
    assert _ids(api, url, "billingPeriod equals '202212'") == []
    assert _ids(api, url, "calculateBillTypeID equals '3'") == [s.aggregate]
    assert _ids(api, url, "calculateBillTypeID equals '1'") == [s.calc1, s.calc2]
    assert _ids(api, url, "calculateBillTypeID equals '2'") == []
    assert _ids(api, url, f"calculateBillVersionID between '{s.calc2}'|'{s.aggregate}'") == [s.calc2, s.aggregate]
    assert _ids(api, url, f"calculateBillVersionID greater than '{s.calc1}'") == [s.calc2, s.aggregate]
    assert _ids(api, url, f"calculateBillVersionID less than equal '{s.calc1}'") == [s.calc1]
    assert _ids(api, url, f"calculateBillVersionID not one of '{s.calc1}'") == [s.calc2, s.aggregate]
    assert _ids(api, url, f"calculateBillWorkflowStepID equals '{s.step}'") == [s.calc1]
    assert _ids(api, url, f"calculateBillWorkflowStepID one of '{s.step}'|'999'") == [s.calc1]
    # Two conditions, field names in any case (domain.md §7 Q5).
    assert _ids(api, url, "ACCOUNTCODE equals 'ACC-ONE' and billingPeriod equals '202410'") == [s.aggregate]


@pytest.mark.parametrize(
    ("filter_text", "needle"),
    [
        ("billingPeriod greater than '202401'", "greater than"),
        ("billingPeriod equals '202413'", "billingPeriod"),
        ("calculateBillVersionID not between '1'|'2'", "not between"),
        ("calculateBillTypeID like '1'", "like"),
        ("accountCode less than 'A'", "less than"),
        ("accountCode between 'A'|'B'", "between"),
        ("calculateBillVersionID equals 'x'", "calculateBillVersionID"),
        ("calculateBillVersionID equals '99999999999'", "calculateBillVersionID"),
        ("versionId equals '1'", "versionId"),
        ("accountCode equals 'A' or meterCode equals 'B'", "and"),
    ],
)
@pytest.mark.usefixtures("setup")
def test_filter_errors_are_400_naming_the_problem(api: Api, filter_text: str, needle: str) -> None:
    for url in ("/api/v3/calculatedBill", "/api/v3/billSplit"):
        response = api.get(url, params={"filter": filter_text})
        assert response.status_code == 400, (url, filter_text, response.text)
        reasons = response.json()["modelState"]["filter"]
        assert any(needle in reason for reason in reasons), reasons


def test_bill_split_list_has_only_split_versions(api: Api, setup: Setup) -> None:
    assert _ids(api, "/api/v3/billSplit") == [setup.split]
    assert _ids(api, "/api/v3/billSplit", "calculateBillTypeID equals '2'") == [setup.split]
    assert _ids(api, "/api/v3/billSplit", "meterCode equals 'MTR-2'") == []
    body = api.get("/api/v3/billSplit").json()[0]
    assert body["chargebackType"] == "Split"
    assert body["account"]["hasSplitParentMeter"] is True


@pytest.mark.usefixtures("setup")
def test_auth_401_and_403(api: Api) -> None:
    for url in ("/api/v3/calculatedBill", "/api/v3/billSplit"):
        assert api.get(url, key=None).status_code == 401
        assert api.get(url, key="nope").status_code == 401
        viewer = api.key_with("ChargebacksModule:View", user_code=f"viewer{len(url)}")
        assert api.get(url, key=viewer).status_code == 200
        denied = api.get(url, key=api.key_with("Meters:View", user_code=f"meters{len(url)}"))
        assert denied.status_code == 403
        assert "ChargebacksModule (View)" in denied.json()["message"]
