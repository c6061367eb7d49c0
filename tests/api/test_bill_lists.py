"""Saved bill lists, the list actions and the explicit split through the HTTP API: /apportion/v1/billList,
PUT /api/v3/list/{listId}/approve|exporthold|export|unexport|flagAction, POST /api/v3/list/{listId}/split and
POST /api/v3/bill/split; 404 for an unknown list, 400 for bad bodies, 403 without the permission."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import select

from apportion.api.schemas.contract import BillResponse, ChargebackTaskResponse
from apportion.domain.permissions import Grants
from apportion.services.access import auth
from apportion.services.accounting import bill_lists
from apportion.services.runs import processing
from apportion.services.runs.processing import RunSettings
from apportion.services.runs.queue_interface import CHARGEBACK_RUN
from apportion.store.models.bills import Bill, BillLine
from tests.api.accounting_builders import Site, read_bill
from tests.conftest import NOW, Api
from tests.support import chargebacks as cb

D = Decimal
PERIOD = 202403


def make_list(api: Api, key: str | None = "admin", **body: Any) -> Any:
    """POST /apportion/v1/billList; the response."""
    return api.post("/apportion/v1/billList", json={"name": "Review", **body}, key=key)


def list_of(api: Api, bill_ids: list[int]) -> int:
    response = make_list(api, billIds=bill_ids)
    assert response.status_code == 200, response.text
    return int(response.json()["billListId"])


def test_a_list_of_named_bills_is_made_read_listed_and_deleted(api: Api) -> None:
    site = Site(api, "A1", "A2")
    first, second, other = site.bill("A1"), site.bill("A1", period=202402), site.bill("A2")
    made = make_list(api, billIds=[second, first, first])
    assert made.status_code == 200, made.text
    body = made.json()
    assert body["name"] == "Review"
    assert body["billCount"] == 2
    assert body["filter"] is None
    assert body["createdDate"] == NOW.isoformat()
    list_id = body["billListId"]
    assert api.get(f"/apportion/v1/billList/{list_id}").json() == body
    assert [found["billListId"] for found in api.get("/apportion/v1/billList").json()] == [list_id]
    page = api.get(f"/apportion/v1/billList/{list_id}/bill")
    assert page.status_code == 200
    assert [BillResponse.model_validate(b).bill_id for b in page.json()] == [first, second]
    assert page.headers["TotalNumberOfRecords"] == "2"
    with api.db.reading() as session:
        assert bill_lists.bill_ids_in(session, list_id, NOW.date()) == [first, second]
    assert other not in bill_lists.list_bill_ids(api.db, list_id, NOW.date())
    assert api.delete(f"/apportion/v1/billList/{list_id}").status_code == 204
    assert api.get(f"/apportion/v1/billList/{list_id}").status_code == 404
    assert api.delete(f"/apportion/v1/billList/{list_id}").status_code == 404
    assert read_bill(api, first)["billId"] == first  # the bills stay


def test_a_filter_list_picks_its_bills_each_time_it_is_used(api: Api) -> None:
    site = Site(api, "A1", "A2")
    first = site.bill("A1", period=202402)
    made = make_list(api, filter="billingPeriod equals '202402'")
    assert made.status_code == 200, made.text
    assert made.json()["billCount"] is None
    list_id = made.json()["billListId"]
    later = site.bill("A2", period=202402)
    site.bill("A2", period=202403)
    assert [b["billId"] for b in api.get(f"/apportion/v1/billList/{list_id}/bill").json()] == [first, later]
    documented = make_list(
        api, filter="billingPeriod equals '202404' and accountCode like 'ACCT-' and fromVendor equals 'false'"
    )  # docs/accounting.md
    assert documented.status_code == 200, documented.text


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "", "billIds": [1]}, "name"),
        ({"name": "x" * 65, "billIds": [1]}, "name"),
        ({"name": "n"}, "billIds"),
        ({"name": "n", "billIds": [1], "filter": "billId equals '1'"}, "billIds"),
        ({"name": "n", "billIds": []}, "billIds"),
        ({"name": "n", "billIds": [987654]}, "billIds"),
        ({"name": "n", "filter": "nonsense equals '1'"}, "filter"),
        ({"name": "n", "filter": ""}, "filter"),
        ({"name": "n", "billIds": "1"}, "billIds"),
    ],
)
def test_bad_list_bodies_are_400_naming_the_field(api: Api, body: dict[str, Any], field: str) -> None:
    response = api.post("/apportion/v1/billList", json=body)
    assert response.status_code == 400, response.text
    assert field in response.text
    assert api.get("/apportion/v1/billList").json() == []


def test_unknown_lists_are_404_for_every_operation(api: Api) -> None:
    for list_id in (424242, 2**40):
        assert api.get(f"/apportion/v1/billList/{list_id}").status_code == 404
        assert api.get(f"/apportion/v1/billList/{list_id}/bill").status_code == 404
        calls = [
            api.put(f"/api/v3/list/{list_id}/approve", json={"approve": True}),
            api.put(f"/api/v3/list/{list_id}/exporthold", json={"exportHold": True}),
            api.put(f"/api/v3/list/{list_id}/export", json={"exportMode": "gl", "markAsExported": True}),
            api.put(f"/api/v3/list/{list_id}/unexport", json={"exportMode": "gl"}),
            api.put(f"/api/v3/list/{list_id}/flagAction", json={"flagTypeId": 1, "comment": "c"}),
            api.post(f"/api/v3/list/{list_id}/split", json={}),
        ]
        assert [c.status_code for c in calls] == [404] * 6, [c.text for c in calls]


def test_list_actions_approve_hold_export_unexport_and_flag_the_lists_bills(api: Api) -> None:
    site = Site(api, "A1", "A2")
    first, second, outside = site.bill("A1"), site.bill("A1", period=202402), site.bill("A2")
    list_id = list_of(api, [first, second])
    assert api.put(f"/api/v3/list/{list_id}/approve", json={"approve": True}).json() == {"selected": 2, "updated": 2}
    assert read_bill(api, first)["approved"] is True
    assert read_bill(api, outside)["approved"] is False
    held = api.put(f"/api/v3/list/{list_id}/exporthold", json={"exportHold": True}).json()
    assert held == {"selected": 2, "updated": 2}
    released = api.put(f"/api/v3/list/{list_id}/exporthold", json={"exportHold": False}).json()
    assert released == {"selected": 2, "updated": 2}
    exported = api.put(f"/api/v3/list/{list_id}/export", json={"exportMode": "gl", "markAsExported": True})
    assert exported.status_code == 204, exported.text
    guid = exported.headers["Ec-Guid"]
    assert read_bill(api, first)["glExported"] is True
    assert read_bill(api, outside)["glExported"] is False
    ledger = api.get(f"/apportion/v1/billExport/{guid}")
    assert ledger.status_code == 200
    unexported = api.put(f"/api/v3/list/{list_id}/unexport", json={"exportMode": "GL"}).json()
    assert unexported == {"selected": 2, "updated": 2}
    assert read_bill(api, first)["glExported"] is False
    flag_type = api.post("/api/v3/flag/flagType", json={"flagTypeInfo": "Review"}).json()["flagTypeId"]
    edit = {"flagTypeId": flag_type, "comment": "look", "holdFromExport": True, "releaseExportHold": False}
    flagged = api.put(f"/api/v3/list/{list_id}/flagAction", json=edit)
    assert flagged.json() == {"selected": 2, "updated": 2}, flagged.text
    assert api.get(f"/api/v3/flag/Bill/{second}").json()["flagType"]["flagTypeId"] == flag_type
    assert read_bill(api, second)["exportHold"] is True
    assert api.get(f"/api/v3/flag/Bill/{outside}").status_code == 204


def test_an_empty_filter_list_selects_nothing(api: Api) -> None:
    Site(api, "A1").bill("A1")
    list_id = make_list(api, filter="billingPeriod equals '209912'").json()["billListId"]
    assert api.put(f"/api/v3/list/{list_id}/approve", json={"approve": True}).json() == {"selected": 0, "updated": 0}


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("approve", {}, "approve"),
        ("approve", {"approve": "maybe"}, "approve"),
        ("exporthold", {}, "exportHold"),
        ("export", {"exportMode": "xx", "markAsExported": True}, "exportMode"),
        ("export", {"exportMode": "ap"}, "markAsExported"),
        ("unexport", {"exportMode": "payment"}, "exportMode"),
        ("unexport", {}, "exportMode"),
        ("flagAction", {"comment": "c", "holdFromExport": True, "releaseExportHold": True}, ""),
    ],
)
def test_bad_list_action_bodies_are_400_and_change_nothing(api: Api, path: str, body: Any, field: str) -> None:
    site = Site(api, "A1")
    bill = site.bill("A1")
    list_id = list_of(api, [bill])
    response = api.put(f"/api/v3/list/{list_id}/{path}", json=body)
    assert response.status_code == 400, response.text
    assert field in response.text
    after = read_bill(api, bill)
    assert (after["approved"], after["exportHold"], after["glExported"]) == (False, False, False)


def test_each_list_operation_needs_its_permission(api: Api) -> None:
    site = Site(api, "A1")
    list_id = list_of(api, [site.bill("A1")])
    viewer = api.key_with("BillsAndBatches:View", user_code="viewer")
    nobody = api.key_with(user_code="nobody")
    calls = [
        ("PUT", "approve", {"approve": True}),
        ("PUT", "exporthold", {"exportHold": True}),
        ("PUT", "export", {"exportMode": "gl", "markAsExported": True}),
        ("PUT", "unexport", {"exportMode": "gl"}),
        ("PUT", "flagAction", {"flagTypeId": 1}),
        ("POST", "split", {}),
    ]
    for method, path, body in calls:
        response = api.request(method, f"/api/v3/list/{list_id}/{path}", key=viewer, json=body)
        assert response.status_code == 403, (path, response.text)
    assert api.post("/api/v3/bill/split", json={"ids": [1]}, key=viewer).status_code == 403
    assert api.get(f"/apportion/v1/billList/{list_id}", key=nobody).status_code == 403
    assert make_list(api, key=nobody, billIds=[1]).status_code == 403
    assert api.get(f"/apportion/v1/billList/{list_id}", key=None).status_code == 401
    approver = api.key_with("ApproveBills:Manage", "BillsAndBatches:View", user_code="approver")
    ok = api.put(f"/api/v3/list/{list_id}/approve", json={"approve": True}, key=approver)
    assert ok.status_code == 200, ok.text
    runner = api.key_with("Chargebacks:Run", user_code="runner")
    assert api.post(f"/api/v3/list/{list_id}/split", json={}, key=runner).status_code == 200


# The explicit split ------------------------------------------------------------------------------------------------


def _campus(api: Api) -> tuple[dict[str, tuple[int, int]], int, int]:
    ids = cb.accounts_and_meters(api.db, ["SRC", "D1", "D2"])
    (sa, sm), (a1, m1), (a2, m2) = ids["SRC"], ids["D1"], ids["D2"]
    version_id = cb.split_version(api.db, sa, sm, [(a1, m1, D("60")), (a2, m2, D("40"))])
    source = cb.bill(api.db, sa, sm, PERIOD, [(D("1000.000001"), D("100.01")), (None, D("0.03"))], account_cost=D("7"))
    return ids, version_id, source


def _made(api: Api, task_id: int) -> list[tuple[Any, ...]]:
    """What a task's bills say, without their ids: account, period, dates, cost, source, and each line."""
    with api.db.reading() as session:
        bills = session.execute(
            select(
                Bill.bill_id,
                Bill.account_id,
                Bill.billing_period,
                Bill.begin_date,
                Bill.end_date,
                Bill.total_cost,
                Bill.source_bill_id,
                Bill.void,
            )
            .where(Bill.chargeback_task_id == task_id)
            .order_by(Bill.account_id)
        ).all()
        found = []
        for bill_id, *rest in bills:
            lines = session.execute(
                select(
                    BillLine.meter_id,
                    BillLine.line_order,
                    BillLine.caption,
                    BillLine.value,
                    BillLine.cost,
                    BillLine.source_line_id,
                    BillLine.share_basis,
                    BillLine.exact_share,
                    BillLine.rounding,
                )
                .where(BillLine.bill_id == bill_id)
                .order_by(BillLine.line_order)
            ).all()
            found.append((*rest, tuple(tuple(line) for line in lines)))
        return found


def test_the_explicit_split_splits_the_named_bills_once(api: Api) -> None:
    ids, _version_id, source = _campus(api)
    other_source = cb.bill(api.db, *ids["SRC"], 202404, [(D("10"), D("10.00"))])
    body = {"ids": [source, 987654], "note": "by hand", "batchSettings": {"batchCode": "HAND-1", "invoiceNumber": "I7"}}
    response = api.post("/api/v3/bill/split", json=body)
    assert response.status_code == 200, response.text
    task = ChargebackTaskResponse.model_validate(response.json())
    assert (task.chargeback_type, task.status, task.billing_period) == ("Split", "Completed", PERIOD)
    assert task.number_of_bills_created == 2
    assert task.comment == "by hand"
    assert task.batch is not None
    assert task.batch.batch_code == "HAND-1"
    made = cb.bills_of_task(api.db, task.task_id)
    assert [(b[1], b[2]) for b in made] == [(ids["D1"][0], source), (ids["D2"][0], source)]
    assert sum(b[4] for b in made) == D("107.04")
    assert read_bill(api, made[0][0])["invoiceNumber"] == "I7"
    assert cb.is_split(api.db, source)
    assert not cb.is_split(api.db, other_source)  # not named, not split
    again = api.post("/api/v3/bill/split", json={"ids": [source]}).json()
    assert again["numberOfBillsCreated"] == 0
    assert again["status"] == "Completed"
    assert len(cb.bills_of_task(api.db, task.task_id)) == 2


def test_a_list_split_splits_the_lists_bills_that_can_be_split(api: Api) -> None:
    ids, _version_id, source = _campus(api)
    unsplittable = cb.bill(api.db, *ids["D1"], PERIOD, [(D("5"), D("5.00"))])  # on no split version
    list_id = list_of(api, [source, unsplittable])
    response = api.post(f"/api/v3/list/{list_id}/split", json={"note": "list", "batchSettings": {"batchCode": "L-1"}})
    assert response.status_code == 200, response.text
    task = response.json()
    assert (task["numberOfBillsCreated"], task["comment"], task["batch"]["batchCode"]) == (2, "list", "L-1")
    assert not cb.is_split(api.db, unsplittable)


@pytest.mark.parametrize(
    "body",
    [{}, {"ids": []}, {"ids": None}, {"ids": "1"}, {"ids": [1], "note": "x" * 4001}, {"ids": [1], "batchSettings": 3}],
)
def test_bad_split_bodies_are_400_and_split_nothing(api: Api, body: Any) -> None:
    _ids, _version_id, source = _campus(api)
    response = api.post("/api/v3/bill/split", json=body)
    assert response.status_code == 400, response.text
    assert not cb.is_split(api.db, source)


def test_the_explicit_split_and_the_processor_make_the_same_bills(api: Api) -> None:
    _ids, _version_id, source = _campus(api)
    explicit = api.post("/api/v3/bill/split", json={"ids": [source]}).json()
    by_hand = _made(api, explicit["taskId"])
    assert len(by_hand) == 2
    assert api.post(f"/api/v3/chargebackTask/{explicit['taskId']}/delete").status_code == 204
    assert not cb.is_split(api.db, source)
    processed = api.post("/api/v3/billSplit/exec", json={"billingPeriod": PERIOD}).json()
    assert processed["numberOfBillsCreated"] == 2
    assert _made(api, processed["taskId"]) == by_hand


def test_bills_of_several_periods_are_split_each_in_its_own_period_in_one_task(api: Api) -> None:
    ids, _version_id, source = _campus(api)
    later = cb.bill(api.db, *ids["SRC"], PERIOD + 2, [(D("3"), D("3.01"))])
    task = api.post("/api/v3/bill/split", json={"ids": [later, source]}).json()
    assert (task["status"], task["billingPeriod"], task["numberOfBillsCreated"]) == ("Completed", PERIOD + 2, 4)
    with api.db.reading() as session:
        made = session.execute(
            select(Bill.billing_period, Bill.source_bill_id, Bill.total_cost)
            .where(Bill.chargeback_task_id == task["taskId"])
            .order_by(Bill.billing_period, Bill.account_id)
        ).all()
    assert [(p, s) for p, s, _ in made] == [(PERIOD, source)] * 2 + [(PERIOD + 2, later)] * 2
    assert sum(cost for period, _, cost in made if period == PERIOD + 2) == D("3.01")


class _Kept:
    """A task queue that keeps what it is given (a worker runs it later)."""

    def __init__(self) -> None:
        self.queued: list[tuple[str, int]] = []

    def enqueue(self, kind: str, task_id: int) -> None:
        self.queued.append((kind, task_id))


def test_a_queued_explicit_split_is_run_by_the_worker_body_with_its_bills(api: Api) -> None:
    _ids, _version_id, source = _campus(api)
    user_id, _key = auth.create_user_with_key(api.db, "queued", "Queued", Grants.everything(), NOW)
    principal = auth.Principal(user_id, "queued", "Queued", Grants.everything())
    queue = _Kept()
    task_id = bill_lists.split_named(api.db, [source], RunSettings(), principal, lambda: NOW, queue)
    assert queue.queued == [(CHARGEBACK_RUN, task_id)]
    assert api.get(f"/api/v3/chargebackTask/{task_id}").json()["status"] == "Processing"
    assert not cb.is_split(api.db, source)
    processing.run_queued(api.db, task_id, lambda: NOW)
    task = api.get(f"/api/v3/chargebackTask/{task_id}").json()
    assert (task["status"], task["numberOfBillsCreated"]) == ("Completed", 2)
    assert cb.is_split(api.db, source)
