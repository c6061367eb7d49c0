"""The lineage pages: a bill's sources and dependents, a task's conservation and history, the re-run list."""

from __future__ import annotations

from decimal import Decimal

from tests.conftest import Api
from tests.support import chargebacks as cb
from tests.web.signing_in import form_token, sign_in
from tests.web.test_pages import page, text_of

D = Decimal
PERIOD = 202403


def test_a_correction_month_in_the_pages(api: Api) -> None:
    ids = cb.accounts_and_meters(api.db, ["SRC", "T1", "T2"])
    cb.split_version(api.db, *ids["SRC"], [(*ids["T1"], D("60")), (*ids["T2"], D("40"))])
    source = cb.bill(api.db, *ids["SRC"], PERIOD, [(D("1000"), D("100.00"))], account_cost=D("20.00"))
    task = api.post("/api/v3/billSplit/exec", json={"billingPeriod": PERIOD}).json()
    sign_in(api)

    shown = text_of(page(api, f"/ui/tasks/{task['taskId']}"))
    assert "Source 120.00 = allocated 120.00 + left on the sources 0.00" in shown
    csv_text = api.client.get(f"/ui/tasks/{task['taskId']}/conservation.csv").text
    assert csv_text.splitlines()[1].startswith(f"{source},A-SRC,M-SRC,120.00,120.00")

    lineage = text_of(page(api, f"/ui/bills/{source}"))
    assert "split to" in lineage
    assert "Nothing: this bill was entered or imported." in lineage
    (first, _second) = (b[0] for b in cb.bills_of_task(api.db, task["taskId"]))
    destination = text_of(page(api, f"/ui/bills/{first}"))
    assert "fixed percentage 60 %" in destination
    assert "account charge over 1 meter" in destination

    assert api.put("/api/v3/bill/void", json={"ids": [source], "void": True}).status_code == 200
    undone = text_of(page(api, f"/ui/tasks/{task['taskId']}"))
    assert f"source bill {source}, account A-SRC, meter M-SRC, {PERIOD}, was voided" in undone
    assert "Nothing needs running again." in text_of(page(api, "/ui/reruns"))  # a void source has nothing to split


def test_reruns_are_listed_exported_and_dismissed(api: Api) -> None:
    ids = cb.accounts_and_meters(api.db, ["SRC", "T1"])
    cb.split_version(api.db, *ids["SRC"], [(*ids["T1"], D("100"))])
    cb.bill(api.db, *ids["SRC"], PERIOD, [(D("1000"), D("100.00"))])
    task = api.post("/api/v3/billSplit/exec", json={"billingPeriod": PERIOD}).json()
    assert api.post(f"/api/v3/chargebackTask/{task['taskId']}/void").status_code == 204
    sign_in(api)
    listed = page(api, "/ui/reruns")
    assert f"chargeback task {task['taskId']} was voided" in text_of(listed)
    assert "A-SRC" in api.client.get("/ui/reruns.csv").text
    (rerun,) = api.get("/apportion/v1/rerun").json()[0]["reruns"]
    token = form_token(page(api, "/ui/reruns"))
    refused = api.client.post(f"/ui/reruns/{rerun['rerunId']}/dismiss", follow_redirects=False)
    assert refused.status_code == 403  # no CSRF token
    dismissed = api.client.post(
        f"/ui/reruns/{rerun['rerunId']}/dismiss", data={"csrfToken": token}, follow_redirects=False
    )
    assert dismissed.status_code == 303
    assert "Nothing needs running again." in text_of(page(api, "/ui/reruns"))
    assert "dismissed" in text_of(page(api, "/ui/reruns?all=true"))
