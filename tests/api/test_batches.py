"""Batches through the HTTP API: open (several per user, closeExistingBatch), list, filter, edit, close, every
status transition with its voiding rule (domain.md §4.9), delete with its bills, permissions and bad input."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from apportion.api.schemas.contract import BatchResponse
from tests.api.master_builders import account, link, meter, vendor
from tests.api.test_bills import body, create, electric
from tests.conftest import Api


def open_batch(api: Api, code: str, key: str | None = "admin", **extra: Any) -> dict[str, Any]:
    response = api.post("/api/v3/batch", json={"batchCode": code, **extra}, key=key)
    assert response.status_code == 200, response.text
    return dict(response.json())


def status(api: Api, batch_id: int, new: str, key: str | None = "admin", **extra: Any) -> int:
    response = api.put(f"/api/v202206/batch/{batch_id}/status", json={"batchStatus": new, **extra}, key=key)
    assert response.status_code in (204, 400, 403, 404), response.text
    if response.status_code == 204:
        assert response.content == b""
    return int(response.status_code)


def batch(api: Api, batch_id: int) -> dict[str, Any]:
    response = api.get(f"/api/v3/batch/{batch_id}")
    assert response.status_code == 200, response.text
    return dict(response.json())


def voids(api: Api, batch_id: int) -> list[bool]:
    bills = api.get("/api/v3/bill", params={"filter": f"batchId equals '{batch_id}'"}).json()
    return [b["void"] for b in bills]


class Meters:
    """One account with one linked meter, to put bills in batches."""

    def __init__(self, api: Api) -> None:
        self.account = account(api, "A-1", vendor(api))["accountId"]
        self.meter = meter(api, "M-1")["meterId"]
        link(api, self.account, self.meter)

    def bill(self, api: Api, batch_id: int, period: int = 202401, cost: str = "10.00", key: str = "admin") -> int:
        payload = body(self.account, [electric(self.meter, "1", cost)], period=period, batchId=batch_id)
        return create(api, payload, key=key)


def test_open_and_read_shape(api: Api) -> None:
    created = open_batch(
        api,
        "JAN-2024",
        note="January bills",
        statementDate="2024-02-01T00:00:00.000Z",
        dueDate="2024-02-20",
        nextReading="2024-03-01",
        controlCode="C-1",
        invoiceNumber="INV",
        accountPeriodYear=2024,
        accountPeriodNumber=1,
    )
    assert set(created) == {field.alias for field in BatchResponse.model_fields.values()}
    assert created["batchCode"] == "JAN-2024"
    assert created["batchStatus"] == "Open"
    assert created["isOpen"] is True
    assert created["startDate"] == "2024-06-15T09:30:00"
    assert created["endDate"] is None
    assert created["billCount"] == 0
    assert created["runningTotal"] == 0
    assert created["statementDate"] == "2024-02-01T00:00:00"
    assert created["dueDate"] == "2024-02-20T00:00:00"
    assert created["accountPeriodYear"] == 2024
    assert created["accountPeriodNumber"] == 1
    assert created["note"] == "January bills"
    assert created["createdBy"]["userCode"] == "admin"
    assert created["hasImportedBills"] is False
    assert batch(api, created["batchId"]) == created


def test_several_open_batches_and_close_existing(api: Api) -> None:
    first = open_batch(api, "A")["batchId"]
    second = open_batch(api, "B")["batchId"]
    assert [batch(api, i)["batchStatus"] for i in (first, second)] == ["Open", "Open"]
    third = open_batch(api, "C", closeExistingBatch=True)["batchId"]
    assert [batch(api, i)["batchStatus"] for i in (first, second, third)] == ["Closed", "Closed", "Open"]
    assert batch(api, first)["endDate"] == "2024-06-15T09:30:00"
    # Another user's open batch is not the caller's to close.
    other = api.key_with("BillsAndBatches:View,Create", user_code="other")
    theirs = open_batch(api, "THEIRS", key=other)["batchId"]
    open_batch(api, "D", closeExistingBatch=True)
    assert batch(api, theirs)["batchStatus"] == "Open"


def test_list_filters_pages_and_totals(api: Api) -> None:
    site = Meters(api)
    ids = [open_batch(api, f"B{i}")["batchId"] for i in range(4)]
    site.bill(api, ids[1], cost="10.25")
    site.bill(api, ids[1], period=202402, cost="0.75")
    api.put(f"/api/v3/batch/close/{ids[0]}")
    status(api, ids[2], "Pending")
    page = api.get("/api/v3/batch?pageSize=3")
    assert [b["batchCode"] for b in page.json()] == ["B3", "B2", "B1"]  # newest first
    assert page.headers["TotalNumberOfRecords"] == "4"
    assert page.headers["TotalPages"] == "2"
    assert [b["batchCode"] for b in api.get("/api/v3/batch?pageSize=3&pageNumber=2").json()] == ["B0"]
    with_bills = batch(api, ids[1])
    assert with_bills["billCount"] == 2
    assert with_bills["runningTotal"] == 11

    def codes(text: str) -> list[str]:
        response = api.get("/api/v3/batch", params={"filter": text})
        assert response.status_code == 200, response.text
        return [b["batchCode"] for b in response.json()]

    assert codes("batchStatus equals 'Pending'") == ["B2"]
    assert codes("batchStatus one of 'Closed'|'Pending'") == ["B2", "B0"]
    assert codes("isOpen equals 'true'") == ["B3", "B1"]
    assert codes("batchCode like 'b1'") == ["B1"]
    assert api.get("/api/v3/batch", params={"filter": "batchStatus like 'Open'"}).status_code == 400
    assert api.get("/api/v3/batch", params={"filter": "isOpen equals 'yes'"}).status_code == 400
    assert api.get("/api/v3/batch?pageSize=0").status_code == 400


def test_status_transitions_void_and_unvoid_bills(api: Api) -> None:
    site = Meters(api)
    batch_id = open_batch(api, "T")["batchId"]
    site.bill(api, batch_id)
    site.bill(api, batch_id, period=202402)
    assert status(api, batch_id, "Open") == 400  # must be pending to open
    assert status(api, batch_id, "Pending", note="waiting") == 204
    assert batch(api, batch_id)["batchStatus"] == "Pending"
    assert batch(api, batch_id)["isOpen"] is False
    assert batch(api, batch_id)["note"] == "waiting"
    assert voids(api, batch_id) == [True, True]
    # A pending batch takes no new bills, and its bills stay void.
    refused = api.post("/api/v3/bill", json=body(site.account, [electric(site.meter, "1", "1.00")], batchId=batch_id))
    assert refused.status_code == 400
    bill_ids = [b["billId"] for b in api.get("/api/v3/bill").json()]
    assert api.put("/api/v3/bill/void", json={"ids": bill_ids, "void": False}).json() == {"selected": 2, "updated": 0}
    assert status(api, batch_id, "Pending") == 400  # must be open to pend
    assert status(api, batch_id, "Open") == 204
    assert voids(api, batch_id) == [False, False]
    assert status(api, batch_id, "Pending") == 204
    assert status(api, batch_id, "Closed") == 204
    assert voids(api, batch_id) == [False, False]
    closed = batch(api, batch_id)
    assert closed["batchStatus"] == "Closed"
    assert closed["endDate"] == "2024-06-15T09:30:00"
    assert status(api, batch_id, "Open") == 400
    assert status(api, batch_id, "Pending") == 400
    assert status(api, batch_id, "Closed") == 400
    assert batch(api, batch_id)["batchStatus"] == "Closed"


@pytest.mark.parametrize("payload", [{"batchStatus": "open"}, {"batchStatus": "Shut"}, {}, {"batchStatus": None}])
def test_bad_status_is_400(api: Api, payload: dict[str, Any]) -> None:
    batch_id = open_batch(api, "S")["batchId"]
    response = api.put(f"/api/v202206/batch/{batch_id}/status", json=payload)
    assert response.status_code == 400
    assert "batchStatus" in response.json()["modelState"]
    assert batch(api, batch_id)["batchStatus"] == "Open"


def test_close_endpoint(api: Api) -> None:
    site = Meters(api)
    batch_id = open_batch(api, "P")["batchId"]
    site.bill(api, batch_id)
    status(api, batch_id, "Pending")
    closed = api.put(f"/api/v3/batch/close/{batch_id}")
    assert closed.status_code == 200, closed.text
    assert closed.json()["batchStatus"] == "Closed"
    assert voids(api, batch_id) == [False]
    again = api.put(f"/api/v3/batch/close/{batch_id}")
    assert again.status_code == 400
    assert api.put("/api/v3/batch/close/99999").status_code == 404


def test_edit_batch(api: Api) -> None:
    first = open_batch(api, "OLD", note="n")["batchId"]
    open_batch(api, "TAKEN")
    edited = api.put(f"/api/v3/batch/{first}", json={"batchCode": "NEW"})
    assert edited.status_code == 200, edited.text
    assert edited.json()["batchCode"] == "NEW"
    assert edited.json()["note"] is None  # absent means null
    clash = api.put(f"/api/v3/batch/{first}", json={"batchCode": "taken"})
    assert clash.status_code == 400
    assert "batchCode" in clash.json()["modelState"]
    for bad in ({"batchCode": ""}, {"batchCode": "x" * 256}, {"note": "n"}, {"batchCode": "X", "note": "n" * 256}):
        response = api.put(f"/api/v3/batch/{first}", json=bad)
        assert response.status_code == 400, bad
    assert batch(api, first)["batchCode"] == "NEW"
    assert api.put("/api/v3/batch/99999", json={"batchCode": "X"}).status_code == 404


def test_delete_batch_deletes_its_bills(api: Api) -> None:
    site = Meters(api)
    doomed = open_batch(api, "DOOMED")["batchId"]
    kept = open_batch(api, "KEPT")["batchId"]
    site.bill(api, doomed)
    site.bill(api, doomed, period=202402)
    survivor = site.bill(api, kept)
    response = api.delete(f"/api/v3/batch/{doomed}")
    assert response.status_code == 204
    assert response.content == b""
    assert api.get(f"/api/v3/batch/{doomed}").status_code == 404
    assert [b["billId"] for b in api.get("/api/v3/bill").json()] == [survivor]
    assert api.delete(f"/api/v3/batch/{doomed}").status_code == 404
    assert api.delete(f"/api/v3/batch/{2**40}").status_code == 404


def test_bad_open_requests_write_nothing(api: Api) -> None:
    open_batch(api, "DUP")
    open_batch(api, "ÉTÉ")
    cases: list[tuple[dict[str, Any], str]] = [
        ({"batchCode": "dup"}, "batchCode"),
        ({"batchCode": "été"}, "batchCode"),
        ({"batchCode": "ÉTÉ"}, "batchCode"),
        ({}, "batchCode"),
        ({"batchCode": "  "}, "batchCode"),
        ({"batchCode": "x" * 256}, "batchCode"),
        ({"batchCode": "N", "note": "x" * 256}, "note"),
        ({"batchCode": "N", "accountPeriodYear": 1899}, "accountPeriodYear"),
        ({"batchCode": "N", "accountPeriodNumber": 14}, "accountPeriodNumber"),
        ({"batchCode": "N", "invoiceNumber": "x" * 256}, "invoiceNumber"),
        ({"batchCode": "N", "dueDate": "2024-13-01"}, "dueDate"),
        ({"batchCode": "N", "closeExistingBatch": "perhaps"}, "closeExistingBatch"),
    ]
    for payload, field in cases:
        response = api.post("/api/v3/batch", json=payload)
        assert response.status_code == 400, payload
        assert field in response.json()["modelState"], (payload, response.json())
    assert sorted(b["batchCode"] for b in api.get("/api/v3/batch").json()) == ["DUP", "ÉTÉ"]
    assert {b["batchStatus"] for b in api.get("/api/v3/batch").json()} == {"Open"}


def test_permissions(api: Api) -> None:
    site = Meters(api)
    assert api.get("/api/v3/batch", key=None).status_code == 401
    assert api.post("/api/v3/batch", json={"batchCode": "X"}, key="bad").status_code == 401
    viewer = api.key_with("BillsAndBatches:View", user_code="viewer")
    assert api.get("/api/v3/batch", key=viewer).status_code == 200
    assert api.post("/api/v3/batch", json={"batchCode": "X"}, key=viewer).status_code == 403
    clerk = api.key_with("BillsAndBatches:View,Create", user_code="clerk")
    colleague = api.key_with("BillsAndBatches:View,Create,Delete", user_code="colleague")
    manager = api.key_with("BillsAndBatches:View,Create,Delete,Manage", user_code="manager")
    mine = open_batch(api, "CLERK", key=clerk)["batchId"]
    theirs = open_batch(api, "COLLEAGUE", key=colleague)["batchId"]
    site.bill(api, theirs, key=colleague)
    # Create lets a user change their own batch; another user's needs Manage (except opening it from Pending).
    assert status(api, theirs, "Pending", key=clerk) == 403
    assert api.put(f"/api/v3/batch/close/{theirs}", key=clerk).status_code == 403
    assert api.put(f"/api/v3/batch/{theirs}", json={"batchCode": "MINE"}, key=clerk).status_code == 403
    assert api.delete(f"/api/v3/batch/{theirs}", key=clerk).status_code == 403  # no Delete at all
    assert api.delete(f"/api/v3/batch/{mine}", key=colleague).status_code == 403  # Delete, not Manage
    assert status(api, theirs, "Pending", key=manager) == 204
    assert voids(api, theirs) == [True]
    # Opening another user's pending batch takes it over; the caller's open batch goes pending.
    assert status(api, theirs, "Open", key=clerk) == 204
    taken = batch(api, theirs)
    assert taken["createdBy"]["userCode"] == "clerk"
    assert taken["batchStatus"] == "Open"
    assert voids(api, theirs) == [False]
    assert batch(api, mine)["batchStatus"] == "Pending"
    assert api.delete(f"/api/v3/batch/{mine}", key=manager).status_code == 204
    assert api.get(f"/api/v3/batch/{mine}").status_code == 404


def test_open_another_users_batch_leaving_own_open(api: Api) -> None:
    clerk = api.key_with("BillsAndBatches:View,Create", user_code="clerk")
    mine = open_batch(api, "MINE", key=clerk)["batchId"]
    theirs = open_batch(api, "THEIRS")["batchId"]
    status(api, theirs, "Pending")
    assert status(api, theirs, "Open", key=clerk, leaveOpenBatchesAsIs=True) == 204
    assert batch(api, mine)["batchStatus"] == "Open"
    assert batch(api, theirs)["createdBy"]["userCode"] == "clerk"


ALLOWED = {("Pending", "Open"), ("Open", "Pending"), ("Open", "Closed"), ("Pending", "Closed")}
"""(from, to) status changes domain.md §4.9 allows; every other request is refused and changes nothing."""


def test_any_sequence_of_status_changes_follows_the_rules(api: Api) -> None:
    site = Meters(api)
    made = iter(range(10**6))

    @settings(max_examples=15, deadline=None)
    @given(steps=st.lists(st.tuples(st.integers(0, 1), st.sampled_from(["Open", "Pending", "Closed"])), max_size=6))
    def check(steps: list[tuple[int, str]]) -> None:
        ids = [open_batch(api, f"SM-{next(made)}")["batchId"] for _ in range(2)]
        for batch_id in ids:
            site.bill(api, batch_id)
        model = dict.fromkeys(ids, "Open")
        for which, wanted in steps:
            batch_id = ids[which]
            allowed = (model[batch_id], wanted) in ALLOWED
            assert status(api, batch_id, wanted) == (204 if allowed else 400)
            if allowed:
                model[batch_id] = wanted
            for each in ids:
                assert batch(api, each)["batchStatus"] == model[each]
                # A bill is void exactly while its batch is pending.
                assert voids(api, each) == [model[each] == "Pending"]

    check()
