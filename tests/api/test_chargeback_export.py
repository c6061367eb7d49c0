"""A chargeback run's bills through the accounting hand-off: they start unapproved, unheld and unexported (accounting.md
§9 D3), go to the GL file, and voiding the task (which voids exported bills too) puts their reversal in the next GL
export; a re-run's new bills go out as they are made."""

from __future__ import annotations

from decimal import Decimal

from tests.api.accounting_builders import read_bill
from tests.conftest import Api
from tests.support import chargebacks as cb

PERIOD = 202403


def _gl(api: Api, ids: list[int]) -> list[str]:
    body = {"billIds": ids, "exportMode": "gl", "markAsExported": True}
    response = api.put("/api/v3/bill/export", json=body)
    assert response.status_code == 200, response.text
    return [line for line in response.text.split("\r\n") if line.startswith("L1:")]


def test_a_voided_run_is_reversed_in_the_next_gl_export_and_its_rerun_posted(api: Api) -> None:
    ids = cb.accounts_and_meters(api.db, ["SRC", "T1", "T2"])
    cb.split_version(api.db, *ids["SRC"], [(*ids["T1"], Decimal(70)), (*ids["T2"], Decimal(30))])
    cb.bill(api.db, *ids["SRC"], PERIOD, [(Decimal("1000"), Decimal("99.99"))])
    task_id = int(api.post("/api/v3/billSplit/exec", json={"billingPeriod": PERIOD}).json()["taskId"])
    made = sorted(bill_id for bill_id, *_ in cb.bills_of_task(api.db, task_id))
    assert len(made) == 2
    first = read_bill(api, made[0])
    assert (first["approved"], first["exportHold"], first["glExported"], first["fromVendor"]) == (
        False,
        False,
        False,
        False,
    )
    posted = _gl(api, made)
    assert [line.split(",")[1] for line in posted] == [str(b) for b in made]
    assert sum(Decimal(line.split(",")[-3].lstrip("$")) for line in posted) == Decimal("99.99")
    assert api.post(f"/api/v3/chargebackTask/{task_id}/void").status_code == 204
    assert all(read_bill(api, b)["void"] for b in made)
    rerun = int(api.post("/api/v3/billSplit/exec", json={"billingPeriod": PERIOD}).json()["taskId"])
    remade = sorted(bill_id for bill_id, *_ in cb.bills_of_task(api.db, rerun))
    lines = _gl(api, remade)
    reversals = [line for line in lines if line.split(",")[-2] == "Y"]
    postings = [line for line in lines if line.split(",")[-2] == "N"]
    assert sorted(int(line.split(",")[1]) for line in reversals) == made
    assert sorted(int(line.split(",")[1]) for line in postings) == remade
    net = sum(Decimal(line.split(",")[-3].lstrip("$")) for line in lines)
    assert net == 0  # the re-run charges the same 99.99 the reversal takes back
