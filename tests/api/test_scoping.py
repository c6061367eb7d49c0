"""Data scoping through the HTTP API (docs/scoping.md): users limited to topmost places or cost centers, edit_user,
the available places / cost centers for topmost ids, and the scoped-user column of the auth matrix: every served
operation with a path id answers 404 for a record outside the caller's topmost, and no list or get shows one."""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest

from apportion.store.queries.cost_centers import insert_cost_center
from tests.api import master_builders as mb
from tests.conftest import Api


@dataclass(frozen=True)
class Campus:
    """Two branches under the roots: place A (with A1 below it) and cost center CA hold account/meter A; place B and
    cost center CB hold account/meter B. Each account has one bill and a split version."""

    place_a: int
    place_a1: int
    place_b: int
    cc_a: int
    cc_b: int
    account_a: int
    account_b: int
    meter_a: int
    meter_b: int
    link_a: int
    link_b: int
    bill_a: int
    bill_b: int


def _place(api: Api, code: str, parent: int = 1) -> int:
    body = {"placeCode": code, "placeInfo": f"Place {code}", "parentPlaceId": parent, "placeTypeId": 3}
    response = api.post("/api/v3/place", json=body)
    assert response.status_code == 200, response.text
    return int(response.json()["placeId"])


def user_body(**overrides: Any) -> dict[str, Any]:
    """A UserEditRequest / UserCreateRequest body (the whole tree unless overridden)."""
    body: dict[str, Any] = {
        "userCode": "scoped",
        "fullName": "Scoped User",
        "password": "Secret-Pass1",
        "email": "scoped@example.com",
        "topmostCostCenterIds": [1],
        "topmostPlaceIds": [1],
        "topmostCollectionIds": [1],
        "activeDirectory": False,
        "active": True,
        "passwordExpirationInterval": 0,
        "strongPassword": False,
        "forcePasswordChange": False,
        "userRoleId": 1,
        "reportGroupId": 1,
    }
    body.update(overrides)
    return body


def scoped_key(api: Api, code: str, places: list[int], cost_centers: list[int]) -> str:
    """A key for an administrator-role user limited to these topmost ids (set through edit_user)."""
    key = api.key_with("Administrator", user_code=code)
    user_id = next(u["userId"] for u in api.get("/api/v3/user").json() if u["userCode"] == code)
    body = user_body(userCode=code, topmostPlaceIds=places, topmostCostCenterIds=cost_centers)
    response = api.put(f"/api/v202306/user/{user_id}", json=body)
    assert response.status_code == 200, response.text
    return key


@pytest.fixture
def campus(api: Api) -> Campus:
    place_a = _place(api, "A")
    place_a1 = _place(api, "A1", place_a)
    place_b = _place(api, "B")
    with api.db.transaction() as session:
        cc_a = insert_cost_center(session, "CA", "Cost center A", 1)
        cc_b = insert_cost_center(session, "CB", "Cost center B", 1)
    vendor_id = mb.vendor(api)
    account_a = int(mb.account(api, "ACC-A", vendor_id, costCenterId=cc_a)["accountId"])
    account_b = int(mb.account(api, "ACC-B", vendor_id, costCenterId=cc_b)["accountId"])
    meter_a = int(mb.meter(api, "M-A", placeId=place_a1)["meterId"])
    meter_b = int(mb.meter(api, "M-B", placeId=place_b)["meterId"])
    link_a = int(mb.link(api, account_a, meter_a)["accountMeterId"])
    link_b = int(mb.link(api, account_b, meter_b)["accountMeterId"])
    bill_a = mb.bill(api, account_a, meter_a, date(2024, 1, 1), date(2024, 1, 31))
    bill_b = mb.bill(api, account_b, meter_b, date(2024, 1, 1), date(2024, 1, 31))
    mb.version(api, "Split", account_a, meter_a, ((account_a, meter_a),))
    mb.version(api, "Split", account_b, meter_b, ((account_b, meter_b),))
    mb.version(api, "Calculation", account_a, meter_a)
    mb.version(api, "Calculation", account_b, meter_b)
    return Campus(
        place_a, place_a1, place_b, cc_a, cc_b, account_a, account_b, meter_a, meter_b, link_a, link_b, bill_a, bill_b
    )


def test_edit_user_stores_topmost_ids_and_me_shows_them(api: Api, campus: Campus) -> None:
    key = scoped_key(api, "placed", [campus.place_a], [1])
    me = api.get("/api/v3/me", key=key).json()
    assert me["place"]["placeId"] == campus.place_a
    assert me["place"]["isMultiTopmostPlace"] is False
    assert me["costCenter"]["costCenterId"] == 1
    user_id = me["systemUserId"]
    body = user_body(userCode="placed", topmostPlaceIds=[campus.place_a, campus.place_b], userRoleId=2)
    edited = api.put(f"/api/v202306/user/{user_id}", json=body).json()
    assert edited["userRole"] == {"userRoleId": 2, "userRoleInfo": "Read only"}
    assert edited["place"]["isMultiTopmostPlace"] is True
    assert [p["placeId"] for p in edited["place"]["multiTopmostPlaces"]] == [campus.place_a, campus.place_b]
    # a place under another topmost place adds nothing; a root id is the whole tree
    body = user_body(userCode="placed", topmostPlaceIds=[campus.place_a, campus.place_a1])
    assert [
        p["placeId"] for p in api.put(f"/api/v202306/user/{user_id}", json=body).json()["place"]["multiTopmostPlaces"]
    ] == [campus.place_a]
    body = user_body(userCode="placed", topmostPlaceIds=[1, campus.place_a])
    assert api.put(f"/api/v202306/user/{user_id}", json=body).json()["place"]["placeId"] == 1


def test_edit_user_refuses_bad_input_and_ids_outside_the_callers_topmost(api: Api, campus: Campus) -> None:
    key = scoped_key(api, "placed", [campus.place_a], [1])
    other = api.key_with("Administrator", user_code="other")
    other_id = next(u["userId"] for u in api.get("/api/v3/user").json() if u["userCode"] == "other")
    outside = api.put(
        f"/api/v202306/user/{other_id}", key=key, json=user_body(userCode="other", topmostPlaceIds=[campus.place_b])
    )
    assert outside.status_code == 400
    assert list(outside.json()["modelState"]) == ["topmostPlaceIds"]
    unknown = api.put(f"/api/v202306/user/{other_id}", json=user_body(userCode="other", topmostCostCenterIds=[999]))
    assert list(unknown.json()["modelState"]) == ["topmostCostCenterIds"]
    empty = api.put(f"/api/v202306/user/{other_id}", json=user_body(userCode="other", topmostPlaceIds=[]))
    assert empty.status_code == 400
    assert api.put("/api/v202306/user/999999", json=user_body(userCode="x")).status_code == 404
    assert api.put(f"/api/v202306/user/{other_id}", json=user_body(userCode="placed")).status_code == 400
    assert api.put(f"/api/v202306/user/{other_id}", json=user_body(userCode="other"), key=None).status_code == 401
    plain = api.key_with("UsersAndUserGroups:View", user_code="viewer")
    assert api.put(f"/api/v202306/user/{other_id}", json=user_body(userCode="other"), key=plain).status_code == 403
    # the password is kept when not given
    kept = api.put(f"/api/v202306/user/{other_id}", json={**user_body(userCode="other"), "password": None})
    assert kept.status_code == 200, kept.text
    assert api.get("/api/v3/me", key=other).status_code == 200


def test_create_user_keeps_topmost_ids(api: Api, campus: Campus) -> None:
    created = api.post("/api/v202306/user", json=user_body(topmostCostCenterIds=[campus.cc_a]))
    assert created.status_code == 200, created.text
    assert created.json()["costCenter"]["costCenterId"] == campus.cc_a
    assert created.json()["place"]["placeId"] == 1


def test_every_user_has_a_role(api: Api) -> None:
    listed = api.get("/api/v3/user").json()
    admin = next(u for u in listed if u["userCode"] == "admin")
    assert admin["userRole"] == {"userRoleId": 1, "userRoleInfo": "Administrator"}
    api.key_with("Accounts:View", user_code="custom")
    custom = next(u for u in api.get("/api/v3/user").json() if u["userCode"] == "custom")
    assert custom["userRole"] == {"userRoleId": 4, "userRoleInfo": "Custom"}


def test_available_places_and_cost_centers(api: Api, campus: Campus) -> None:
    places = api.post("/api/v3/hierarchy/costCenter/availablePlaces", json=[campus.cc_a])
    assert places.status_code == 200, places.text
    assert [p["placeId"] for p in places.json()] == [campus.place_a1]
    assert [p["placeId"] for p in api.post("/api/v3/hierarchy/costCenter/availablePlaces", json=[1]).json()] == [
        campus.place_a1,
        campus.place_b,
    ]
    cost_centers = api.post("/api/v3/hierarchy/place/availableCostCenters", json=[campus.place_a])
    assert [c["costCenterId"] for c in cost_centers.json()] == [campus.cc_a]
    key = scoped_key(api, "placed", [campus.place_a], [1])
    seen = api.post("/api/v3/hierarchy/place/availableCostCenters", key=key, json=[1]).json()
    assert [c["costCenterId"] for c in seen] == [campus.cc_a]
    assert api.post("/api/v3/hierarchy/place/availableCostCenters", key=None, json=[1]).status_code == 401
    assert api.post("/api/v3/hierarchy/place/availableCostCenters", json=["x"]).status_code == 400
    for path in ("costCenter/availablePlaces", "place/availableCostCenters"):  # no key can be that large: unknown
        beyond = api.post(f"/api/v3/hierarchy/{path}", json=[9223372036854775808, -1])
        assert (beyond.status_code, beyond.json()) == (200, [])


# The scoped-user column of the auth matrix ------------------------------------------------------------------------

SCOPED_PATH_NAMES = ("placeId", "costCenterId", "accountId", "meterId", "billId", "accountMeterId", "entityId")


def _outside(campus: Campus, by_place: bool) -> dict[str, int]:
    ids = {
        "placeId": campus.place_b,
        "accountId": campus.account_b,
        "meterId": campus.meter_b,
        "billId": campus.bill_b,
        "accountMeterId": campus.link_b,
        "entityId": campus.bill_b,
    }
    if not by_place:
        ids["costCenterId"] = campus.cc_b
        del ids["placeId"]  # a user limited by cost center sees every place
    return ids


def _operations(api: Api) -> list[tuple[str, str]]:
    """(method, path) of every served operation, from the OpenAPI document."""
    paths = api.get("/openapi.json").json()["paths"]
    return [(method.upper(), path) for path, item in paths.items() for method in item if "responses" in item[method]]


@pytest.mark.parametrize("by_place", [True, False], ids=["topmost place", "topmost cost center"])
def test_every_path_id_outside_the_topmost_is_404(api: Api, campus: Campus, by_place: bool) -> None:
    key = scoped_key(api, "scoped", [campus.place_a] if by_place else [1], [1] if by_place else [campus.cc_a])
    outside = _outside(campus, by_place)
    checked, wrong = 0, []
    for method, path in _operations(api):
        names = re.findall(r"\{(\w+)\}", path)
        for name in names:
            if name not in outside:
                continue
            if name == "entityId" and "{entityType}" not in path:
                continue
            url = path
            for other in names:
                value: object = outside[name] if other == name else ("bill" if other == "entityType" else 1)
                if other == "taskGuid":
                    value = "00000000-0000-0000-0000-000000000000"
                url = url.replace("{" + other + "}", str(value))
            body: Any = [] if url.endswith(("/member", "/rate", "/size")) else {}
            response = api.request(method, url, key=key, json=None if method in ("GET", "DELETE") else body)
            checked += 1
            if response.status_code != 404:
                wrong.append(f"{method} {path} ({name}): {response.status_code}")
    assert checked > 40
    assert wrong == []


_ID_FIELDS = {
    "placeId": "place",
    "costCenterId": "cost_center",
    "accountId": "account",
    "meterId": "meter",
    "billId": "bill",
}


def _leaks(value: Any, forbidden: dict[str, set[int]], path: str = "") -> list[str]:
    """Where an out-of-scope id appears in a JSON answer."""
    found: list[str] = []
    if isinstance(value, dict):
        for field, inner in value.items():
            if field in forbidden and isinstance(inner, int) and inner in forbidden[field]:
                found.append(f"{path}.{field}={inner}")
            found.extend(_leaks(inner, forbidden, f"{path}.{field}"))
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            found.extend(_leaks(inner, forbidden, f"{path}[{index}]"))
    return found


LISTS = (
    "/api/v3/bill",
    "/api/v3/meter",
    "/api/v3/account",
    "/api/v3/place",
    "/api/v3/costcenter",
    "/api/v3/batch",
    "/api/v3/billSplit",
    "/api/v3/calculatedBill",
)


@pytest.mark.parametrize("by_place", [True, False], ids=["topmost place", "topmost cost center"])
def test_no_list_shows_a_record_outside_the_topmost(api: Api, campus: Campus, by_place: bool) -> None:
    key = scoped_key(api, "scoped", [campus.place_a] if by_place else [1], [1] if by_place else [campus.cc_a])
    forbidden = {
        "accountId": {campus.account_b},
        "meterId": {campus.meter_b},
        "billId": {campus.bill_b},
        "placeId": {campus.place_b} if by_place else set(),
        "costCenterId": set() if by_place else {campus.cc_b},
    }
    leaks = {}
    for url in LISTS:
        response = api.get(url, key=key)
        if response.status_code == 404:  # a list this build does not serve
            continue
        assert response.status_code == 200, (url, response.text)
        found = _leaks(response.json(), forbidden)
        if found:
            leaks[url] = found
        admin = _leaks(api.get(url).json(), forbidden)
        assert admin or url in ("/api/v3/batch",), f"{url}: the administrator should see branch B"
    assert leaks == {}
    bills = api.get("/api/v3/bill", key=key).json()
    assert [b["billId"] for b in bills] == [campus.bill_a]


@pytest.mark.parametrize("by_place", [True, False], ids=["topmost place", "topmost cost center"])
def test_exports_show_only_bills_in_the_topmost(api: Api, campus: Campus, by_place: bool) -> None:
    key = scoped_key(api, "scoped", [campus.place_a] if by_place else [1], [1] if by_place else [campus.cc_a])
    exported = api.get("/apportion/v1/bill/export", key=key)
    assert exported.status_code == 200, exported.text
    lines = exported.text.strip().splitlines()
    assert len(lines) == 2  # the header and bill A
    assert "ACC-A" in lines[1]
    assert len(api.get("/apportion/v1/bill/export").text.strip().splitlines()) == 3
    bill_b = api.get(f"/api/v3/bill/{campus.bill_b}").json()
    batch_b = bill_b["batch"]["batchId"]
    assert len(api.get(f"/apportion/v1/batch/{batch_b}/bills/export", key=key).text.strip().splitlines()) == 1
    assert len(api.get(f"/apportion/v1/batch/{batch_b}/bills/export").text.strip().splitlines()) == 2


def test_bulk_actions_skip_bills_outside_the_topmost(api: Api, campus: Campus) -> None:
    """accounting.md §9 D5: out-of-topmost ids are skipped like unknown ones; `selected` counts those in scope."""
    key = scoped_key(api, "scoped", [campus.place_a], [1])
    ids = [campus.bill_a, campus.bill_b]
    approved = api.put("/api/v3/bill/approve", key=key, json={"ids": ids, "approve": True})
    assert approved.json() == {"selected": 1, "updated": 1}
    held = api.put("/api/v3/bill/exporthold", key=key, json={"ids": ids, "exportHold": True})
    assert held.json() == {"selected": 1, "updated": 1}
    assert api.get(f"/api/v3/bill/{campus.bill_b}").json()["approved"] is False
    deleted = api.post("/api/v3/bill/delete", key=key, json={"ids": [campus.bill_b]})
    assert deleted.status_code == 200, deleted.text
    assert deleted.json() == {"selected": 0, "deleted": 0}
    assert mb.bill_exists(api, campus.bill_b)
    # void: an id outside the topmost counts as an unknown one does, not at all
    voided = api.put("/api/v3/bill/void", key=key, json={"ids": [*ids, 999999], "void": True})
    assert voided.json() == {"selected": 1, "updated": 1}
    assert api.get(f"/api/v3/bill/{campus.bill_b}").json()["void"] is False


def test_a_scoped_run_skips_versions_outside_the_topmost_with_the_reason(api: Api, campus: Campus) -> None:
    key = scoped_key(api, "scoped", [campus.place_a], [1])
    task = api.post("/api/v3/billSplit/exec", key=key, json={"billingPeriod": 202401})
    assert task.status_code == 200, task.text
    task_id = task.json()["taskId"]
    errors = api.get(f"/api/v3/chargebackTask/{task_id}/errorOutput", headers={"Accept": "text/csv"})
    assert errors.status_code == 200, errors.text
    skipped = [line for line in errors.text.splitlines() if "outside the topmost" in line]
    assert len(skipped) == 1  # version B; version A ran (or failed on its own)
    with api.db.reading() as session:
        from sqlalchemy import select

        from apportion.store.models.bills import Bill

        made = session.execute(select(Bill.account_id).where(Bill.chargeback_task_id == task_id)).scalars().all()
    assert campus.account_b not in made
    whole = api.post("/api/v3/billSplit/exec", json={"billingPeriod": 202401}).json()
    text = api.get(f"/api/v3/chargebackTask/{whole['taskId']}/errorOutput", headers={"Accept": "text/csv"})
    assert "outside the topmost" not in text.text


def test_request_ids_outside_the_topmost_are_refused_with_the_field(api: Api, campus: Campus) -> None:
    key = scoped_key(api, "scoped", [campus.place_a], [campus.cc_a])
    meter = {"meterCode": "M-X", "meterInfo": "x", "commodityId": 1, "placeId": campus.place_b, "meterTypeId": 1}
    refused = api.post("/api/v3/meter", key=key, json={**meter, "address": {"country": "US"}})
    assert refused.status_code == 400
    assert list(refused.json()["modelState"]) == ["placeId"]
    inside = api.post(
        "/api/v3/meter", key=key, json={**meter, "placeId": campus.place_a1, "address": {"country": "US"}}
    )
    assert inside.status_code == 200, inside.text
    link = api.post(
        "/api/v3/accountmeter", key=key, json=[{"accountId": campus.account_b, "meterId": campus.meter_a, "rateId": 1}]
    )
    assert list(link.json()["modelState"]) == ["accountId"]
    place = {"placeCode": "X", "placeInfo": "X", "parentPlaceId": campus.place_b, "placeTypeId": 3}
    assert list(api.post("/api/v3/place", key=key, json=place).json()["modelState"]) == ["parentPlaceId"]
    account = {
        "accountCode": "ACC-X",
        "accountInfo": "x",
        "accountTypeId": 1,
        "costCenterId": campus.cc_b,
        "vendorId": 1,
        "country": "US",
    }
    refused_account = api.post("/api/v3/account", key=key, json=account)
    assert "costCenterId" in refused_account.json()["modelState"]


def test_meter_group_members_outside_the_topmost_are_hidden(api: Api, campus: Campus) -> None:
    body = {"meterGroupInfo": "Both", "meterGroupCategoryId": 1, "limitMembersByTopmost": False}
    group = api.post("/api/v3/meterGroup", json={**body, "manualGroupMembers": [campus.meter_a, campus.meter_b]})
    assert group.status_code == 200, group.text
    url = f"/api/v3/meterGroup/{group.json()['meterGroupId']}/member"
    assert [m["meterId"] for m in api.get(url).json()] == [campus.meter_a, campus.meter_b]
    key = scoped_key(api, "scoped", [campus.place_a], [1])
    assert [m["meterId"] for m in api.get(url, key=key).json()] == [campus.meter_a]
    assert [m["meterId"] for m in api.get(url, key=key, params={"alwaysLimitByTopmost": "true"}).json()] == [
        campus.meter_a
    ]


def test_pages_show_only_the_topmost(api: Api, campus: Campus) -> None:
    from tests.web.signing_in import sign_in

    key = scoped_key(api, "scoped", [campus.place_a], [1])
    sign_in(api, key)
    listing = api.client.get("/ui/bills")
    assert listing.status_code == 200
    assert "ACC-A" in listing.text
    assert "ACC-B" not in listing.text
    assert api.client.get(f"/ui/bills/{campus.bill_b}").status_code == 404
    assert api.client.get(f"/ui/bills/{campus.bill_a}").status_code == 200


def test_a_scoped_user_cannot_reverse_a_task_that_made_bills_outside_its_topmost(api: Api, campus: Campus) -> None:
    whole = api.post("/api/v3/billSplit/exec", json={"billingPeriod": 202401}).json()
    with api.db.transaction() as session:  # as if the administrator's run had made bill B
        from apportion.store.models.bills import Bill

        bill = session.get(Bill, campus.bill_b)
        assert bill is not None
        bill.chargeback_task_id = whole["taskId"]
    key = scoped_key(api, "scoped", [campus.place_a], [1])
    refused = api.post(f"/api/v3/chargebackTask/{whole['taskId']}/void", key=key)
    assert refused.status_code == 400, refused.text
    assert "outside your topmost" in refused.text
    own = api.post("/api/v3/billSplit/exec", key=key, json={"billingPeriod": 202402}).json()
    assert api.post(f"/api/v3/chargebackTask/{own['taskId']}/void", key=key).status_code == 204


def test_a_version_with_a_destination_outside_the_topmost_is_hidden(api: Api, campus: Campus) -> None:
    mixed = mb.version(api, "Split", campus.account_a, campus.meter_a, ((campus.account_b, campus.meter_b),))
    url = f"/api/v3/account/{campus.account_a}/meter/{campus.meter_a}/billSplit/{mixed}"
    assert api.get(url).status_code == 200
    key = scoped_key(api, "scoped", [campus.place_a], [1])
    assert api.get(url, key=key).status_code == 404
    listed = [v["versionId"] for v in api.get("/api/v3/billSplit", key=key).json()]
    assert mixed not in listed


def _task_ids(api: Api, key: str | None = None) -> list[int]:
    response = api.get("/api/v3/chargebackTask", key=key) if key else api.get("/api/v3/chargebackTask")
    assert response.status_code == 200, response.text
    return [t["taskId"] for t in response.json()]


def test_a_scoped_user_sees_only_tasks_with_a_version_or_bill_in_its_topmost(api: Api, campus: Campus) -> None:
    """docs/scoping.md: a task is seen when the user started it, or it ran a version or made a bill in scope; the
    counts of a task someone else started are of what lies in scope."""
    both = api.post("/api/v3/billSplit/exec", json={"billingPeriod": 202401}).json()["taskId"]
    only_b = api.post("/api/v3/bill/split", json={"ids": [campus.bill_b]})
    assert only_b.status_code == 200, only_b.text
    only_b_id = only_b.json()["taskId"]
    key = scoped_key(api, "scoped", [campus.place_a], [1])
    own = api.post("/api/v3/calculatedBill/exec", key=key, json={"billingPeriod": 203001}).json()["taskId"]
    assert set(_task_ids(api)) >= {both, only_b_id, own}
    assert _task_ids(api, key) == [own, both]
    assert api.get("/api/v3/chargebackTask", key=key).headers.get("totalNumberOfRecords") in (None, "2")
    with api.db.transaction() as session:  # as if the run had made bills A and B
        from apportion.store.models.bills import Bill

        for bill_id in (campus.bill_a, campus.bill_b):
            made = session.get(Bill, bill_id)
            assert made is not None
            made.chargeback_task_id = both
    admin_view = api.get(f"/api/v3/chargebackTask/{both}").json()
    scoped_view = api.get(f"/api/v3/chargebackTask/{both}", key=key)
    assert scoped_view.status_code == 200, scoped_view.text
    assert admin_view["numberOfFailedVersions"] == 2  # versions A and B (no split details)
    assert scoped_view.json()["numberOfFailedVersions"] == 1
    assert scoped_view.json()["numberOfBillsCreated"] == 1
    assert [t["numberOfFailedVersions"] for t in api.get("/api/v3/chargebackTask", key=key).json()][1] == 1
    errors = api.get(f"/api/v3/chargebackTask/{both}/errorOutput", key=key, headers={"Accept": "text/csv"})
    assert len(errors.text.strip().splitlines()) == 2  # the header and version A
    assert api.get(f"/api/v3/chargebackTask/{own}", key=key).status_code == 200
    for url in (
        f"/api/v3/chargebackTask/{only_b_id}",
        f"/api/v3/chargebackTask/{only_b_id}/errorOutput",
        f"/apportion/v1/chargebackTask/{only_b_id}/conservation",
        f"/apportion/v1/chargebackTask/{only_b_id}/history",
        f"/apportion/v1/chargebackTask/{only_b_id}/bills/export",
    ):
        assert api.get(url, key=key).status_code == 404, url
        assert api.get(url).status_code == 200, url
    assert api.put(f"/api/v3/chargebackTask/{only_b_id}", key=key, json={"comment": "x"}).status_code == 404
    assert api.post(f"/api/v3/chargebackTask/{only_b_id}/void", key=key).status_code == 404
    assert api.get(f"/api/v3/chargebackTask/{only_b_id}").json()["reversedDate"] is None
    conservation = api.get(f"/apportion/v1/chargebackTask/{both}/conservation", key=key).json()
    assert [s["sourceBillId"] for s in conservation["sources"]] == [campus.bill_a]
    assert len(api.get(f"/apportion/v1/chargebackTask/{both}/conservation").json()["sources"]) == 2


def test_task_pages_show_only_the_topmost(api: Api, campus: Campus) -> None:
    from tests.web.signing_in import sign_in

    both = api.post("/api/v3/billSplit/exec", json={"billingPeriod": 202401}).json()["taskId"]
    only_b = api.post("/api/v3/bill/split", json={"ids": [campus.bill_b]}).json()["taskId"]
    key = scoped_key(api, "scoped", [campus.place_a], [1])
    sign_in(api, key)
    listing = api.client.get("/ui/tasks")
    assert listing.status_code == 200
    assert f"/ui/tasks/{both}" in listing.text
    assert f"/ui/tasks/{only_b}" not in listing.text
    page = api.client.get(f"/ui/tasks/{both}")
    assert page.status_code == 200
    assert "ACC-A" in page.text
    assert "ACC-B" not in page.text
    for url in (f"/ui/tasks/{only_b}", f"/ui/tasks/{only_b}/errors.csv", f"/ui/tasks/{only_b}/conservation.csv"):
        assert api.client.get(url).status_code == 404, url
    assert api.client.get(f"/ui/runs?tasks={only_b}").status_code == 404


def test_a_scoped_aggregation_run_skips_versions_outside_the_topmost(api: Api, campus: Campus) -> None:
    from sqlalchemy import select, update

    from apportion.store.models.chargebacks import DistributionVersion

    with api.db.transaction() as session:
        calculated = DistributionVersion.chargeback_type == "Calculation"
        session.execute(update(DistributionVersion).where(calculated).values(is_aggregation=True))
        rows = session.execute(select(DistributionVersion.account_id, DistributionVersion.version_id).where(calculated))
        by_account: dict[int, int] = {}
        for account_id, version_id in rows:
            by_account[account_id] = version_id
    version_a, version_b = by_account[campus.account_a], by_account[campus.account_b]
    key = scoped_key(api, "scoped", [campus.place_a], [1])
    task = api.post("/api/v202203/utilityPlatform/aggregations/exec", key=key, json={"billingPeriod": 202403})
    assert task.status_code == 200, task.text
    errors = api.get(f"/api/v3/chargebackTask/{task.json()['taskId']}/errorOutput", headers={"Accept": "text/csv"})
    lines = errors.text.strip().splitlines()[1:]
    # version B is skipped once (not once for each of the three periods) and never run
    assert [line for line in lines if line.startswith(f"{version_b},")] == [
        f"{version_b},Skipped: the version's source or a destination lies outside the topmost of the user who ran it."
    ]
    assert all(not line.startswith(f"{version_a},") for line in lines)
    whole = api.post("/api/v202203/utilityPlatform/aggregations/exec", json={"billingPeriod": 202403}).json()
    text = api.get(f"/api/v3/chargebackTask/{whole['taskId']}/errorOutput", headers={"Accept": "text/csv"}).text
    assert "outside the topmost" not in text


def test_a_scoped_split_of_named_bills_takes_only_bills_and_versions_in_the_topmost(api: Api, campus: Campus) -> None:
    from sqlalchemy import select

    from apportion.store.models.chargebacks import DistributionVersion

    mixed = mb.version(api, "Split", campus.account_a, campus.meter_a, ((campus.account_b, campus.meter_b),))
    with api.db.reading() as session:
        split = DistributionVersion.chargeback_type == "Split"
        rows = session.execute(select(DistributionVersion.account_id, DistributionVersion.version_id).where(split))
        on_b = [version_id for account_id, version_id in rows if account_id == campus.account_b]
    key = scoped_key(api, "scoped", [campus.place_a], [1])
    task = api.post("/api/v3/bill/split", key=key, json={"ids": [campus.bill_a, campus.bill_b]})
    assert task.status_code == 200, task.text
    errors = api.get(f"/api/v3/chargebackTask/{task.json()['taskId']}/errorOutput", headers={"Accept": "text/csv"})
    by_version = {int(line.split(",")[0]): line for line in errors.text.strip().splitlines()[1:]}
    assert "outside the topmost" in by_version[mixed]  # on bill A, with a destination outside: skipped
    assert not set(on_b) & set(by_version)  # bill B is not the scoped user's: its version never ran
    assert all("outside the topmost" not in line for version, line in by_version.items() if version != mixed)
    whole = api.post("/api/v3/bill/split", json={"ids": [campus.bill_a, campus.bill_b]}).json()
    text = api.get(f"/api/v3/chargebackTask/{whole['taskId']}/errorOutput", headers={"Accept": "text/csv"}).text
    assert "outside the topmost" not in text
    assert set(on_b) <= {int(line.split(",")[0]) for line in text.strip().splitlines()[1:]}


def test_batch_counters_count_only_bills_in_the_topmost(api: Api, campus: Campus) -> None:
    batch = api.get(f"/api/v3/bill/{campus.bill_a}").json()["batch"]["batchId"]
    with api.db.transaction() as session:  # one batch holding bills A and B
        from apportion.store.models.bills import Bill

        bill_b = session.get(Bill, campus.bill_b)
        assert bill_b is not None
        bill_b.batch_id = batch
    key = scoped_key(api, "scoped", [campus.place_a], [1])
    admin = api.get(f"/api/v3/batch/{batch}").json()
    assert (admin["billCount"], admin["runningTotal"]) == (2, 200)
    scoped = api.get(f"/api/v3/batch/{batch}", key=key).json()
    assert (scoped["billCount"], scoped["runningTotal"]) == (1, 100)
    listed = next(b for b in api.get("/api/v3/batch", key=key).json() if b["batchId"] == batch)
    assert (listed["billCount"], listed["runningTotal"]) == (1, 100)
    for field, value in (("billCount", "2"), ("runningTotal", "200")):
        params = {"filter": f"{field} equals '{value}'"}
        assert [b["batchId"] for b in api.get("/api/v3/batch", params=params).json()] == [batch]
        assert api.get("/api/v3/batch", key=key, params=params).json() == []
    assert [
        b["batchId"] for b in api.get("/api/v3/batch", key=key, params={"filter": "billCount equals '1'"}).json()
    ] == [batch]
    from tests.web.signing_in import sign_in

    sign_in(api, key)
    page = api.client.get(f"/ui/batches/{batch}/review")
    assert page.status_code == 200
    assert "ACC-A" in page.text
    assert "ACC-B" not in page.text


def test_reruns_show_only_versions_in_the_topmost(api: Api, campus: Campus) -> None:
    from datetime import datetime

    from sqlalchemy import select

    from apportion.store.models.chargebacks import ChargebackRerun, DistributionVersion

    with api.db.transaction() as session:
        split = DistributionVersion.chargeback_type == "Split"
        rows = session.execute(select(DistributionVersion.account_id, DistributionVersion.version_id).where(split))
        versions: dict[int, int] = {}
        for account_id, version_id in rows:
            versions[account_id] = version_id
        reruns = {}
        for account_id in (campus.account_a, campus.account_b):
            rerun = ChargebackRerun(
                version_id=versions[account_id],
                chargeback_type="Split",
                billing_period=202401,
                reason="Source bill voided",
                recorded_date=datetime(2024, 2, 1),
            )
            session.add(rerun)
            session.flush()
            reruns[account_id] = rerun.rerun_id
    key = scoped_key(api, "scoped", [campus.place_a], [1])

    def listed(key: str = "admin") -> list[int]:
        groups = api.get("/apportion/v1/rerun", key=key).json()
        return [r["rerunId"] for g in groups for r in g["reruns"]]

    assert listed() == [reruns[campus.account_a], reruns[campus.account_b]]
    assert listed(key) == [reruns[campus.account_a]]
    assert "ACC-B" not in api.get("/apportion/v1/rerun", key=key, params={"format": "csv"}).text
    assert api.delete(f"/apportion/v1/rerun/{reruns[campus.account_b]}", key=key).status_code == 404
    assert listed() == [reruns[campus.account_a], reruns[campus.account_b]]
    assert api.delete(f"/apportion/v1/rerun/{reruns[campus.account_a]}", key=key).status_code == 204
    from tests.web.signing_in import sign_in

    sign_in(api, key)
    page = api.client.get("/ui/reruns?all=true")
    assert page.status_code == 200
    assert "ACC-A" in page.text
    assert "ACC-B" not in page.text


def test_rates_on_links_show_only_the_other_side_in_the_topmost(api: Api, campus: Campus) -> None:
    # meter C, in place B, was account A's until 2021 and is account B's since
    meter_c = int(mb.meter(api, "M-C", placeId=campus.place_b)["meterId"])
    mb.link(api, campus.account_a, meter_c, beginDate="2020-01-01T00:00:00", endDate="2022-01-01T00:00:00")
    mb.link(api, campus.account_b, meter_c, beginDate="2022-01-01T00:00:00")
    placed = scoped_key(api, "placed", [campus.place_a], [1])
    url = f"/api/v3/account/{campus.account_a}/rate"
    assert sorted(r["meter"]["meterId"] for r in api.get(url).json()) == [campus.meter_a, meter_c]
    assert [r["meter"]["meterId"] for r in api.get(url, key=placed).json()] == [campus.meter_a]
    costed = scoped_key(api, "costed", [1], [campus.cc_a])
    url = f"/api/v3/meter/{meter_c}/rate"
    assert sorted(r["account"]["accountId"] for r in api.get(url).json()) == [campus.account_a, campus.account_b]
    assert [r["account"]["accountId"] for r in api.get(url, key=costed).json()] == [campus.account_a]


def test_the_digest_pages_reconciliation_and_reruns_show_only_the_topmost(api: Api) -> None:
    from datetime import datetime
    from decimal import Decimal

    from sqlalchemy import select, update

    from apportion.store.models.bills import Bill
    from apportion.store.models.chargebacks import ChargebackRerun, ChargebackTaskSource, DistributionVersion
    from apportion.store.models.organisation import Meter
    from tests.web.builders import campus as web_campus
    from tests.web.signing_in import sign_in

    built = web_campus(api)
    hall = _place(api, "HALLS")
    hall_meters = [built.meters[code][1] for code in ("HALL", "HALL-EAST", "HALL-WEST")]
    with api.db.transaction() as session:
        session.execute(update(Meter).where(Meter.meter_id.in_(hall_meters)).values(place_id=hall))
        for code, amount in (("MASTER", "150.00"), ("HALL", "64.00")):
            source = session.execute(
                select(Bill.bill_id).where(
                    Bill.account_id == built.meters[code][0],
                    Bill.billing_period == 202403,
                    Bill.chargeback_task_id.is_(None),
                )
            ).scalar_one()
            zero = Decimal(0)
            session.add(
                ChargebackTaskSource(
                    task_id=built.latest_task_id,
                    source_bill_id=source,
                    source_amount=Decimal(amount),
                    allocated=Decimal(amount),
                    left_account_charges=zero,
                    left_unsplit_meters=zero,
                    left_percentages=zero,
                    left_vacancy=zero,
                    left_failed_versions=zero,
                    left_not_split=zero,
                    rounding=zero,
                )
            )
            version = session.execute(
                select(DistributionVersion.version_id).where(DistributionVersion.meter_id == built.meters[code][1])
            ).scalar_one()
            session.add(
                ChargebackRerun(
                    step_id=built.step_id,
                    version_id=version,
                    chargeback_type="Split",
                    billing_period=202403,
                    reason=f"Source bill of {code} voided",
                    recorded_date=datetime(2024, 4, 6),
                )
            )
    url = f"/ui/steps/{built.step_id}/digest?billingPeriod=202403"
    sign_in(api)
    whole = api.client.get(url).text
    assert "source bills 214.00" in whole
    assert "Source bill of MASTER voided" in whole
    key = scoped_key(api, "halls", [hall], [1])
    sign_in(api, key)
    scoped = api.client.get(url)
    assert scoped.status_code == 200
    assert "source bills 64.00" in scoped.text
    assert "Source bill of HALL voided" in scoped.text
    assert "Source bill of MASTER voided" not in scoped.text


def test_a_scoped_user_imports_only_to_the_accounts_and_meters_it_sees(api: Api, campus: Campus) -> None:
    key = scoped_key(api, "importer", [campus.place_a], [1])
    rows = [
        "ACC-A,M-A,2024-02-01,2024-03-01,100,12.50",
        "ACC-B,M-B,2024-02-01,2024-03-01,100,7.00",  # an account outside the topmost: as if it did not exist
        "ACC-A,M-B,2024-03-01,2024-04-01,100,7.00",  # a meter outside it, on an account inside
    ]
    content = "\r\n".join(["AccountCode,MeterCode,StartDate,EndDate,USE:kWh:Energy,USE::Energy", *rows]) + "\r\n"
    body = {"fileName": "scoped.csv", "data": base64.b64encode(content.encode()).decode()}
    started = api.post("/api/v3/import/bill", json=body, key=key)
    assert started.status_code == 200, started.text
    guid = started.json()["taskGUId"]
    task = api.get(f"/api/v3/task/{guid}", key=key).json()
    assert (task["output"]["billCount"], task["output"]["kickoutRowCount"]) == (1, 2)
    kickouts = api.get(f"/api/v3/task/{guid}/errorOutput", key=key).text
    assert "Row 3: Account 'ACC-B' does not exist" in kickouts
    assert "Row 4: Meter 'M-B' does not exist" in kickouts
    imported = [b for b in api.get("/api/v3/bill").json() if b["beginDate"].startswith("2024-02")]
    assert [b["account"]["accountId"] for b in imported] == [campus.account_a]
    # The same file by an unlimited user imports all three.
    body["fileName"] = "whole.csv"
    rows_whole = [r.replace("2024-0", "2025-0") for r in rows]
    content = "\r\n".join(["AccountCode,MeterCode,StartDate,EndDate,USE:kWh:Energy,USE::Energy", *rows_whole]) + "\r\n"
    body["data"] = base64.b64encode(content.encode()).decode()
    whole = api.post("/api/v3/import/bill", json=body).json()["taskGUId"]
    assert api.get(f"/api/v3/task/{whole}").json()["output"]["kickoutRowCount"] == 1  # M-B is not on ACC-A


def _import(api: Api, name: str, rows: list[str], key: str = "admin") -> str:
    """Post a bill file (run by the in-request runner) and answer its task GUID."""
    content = "\r\n".join(["AccountCode,MeterCode,StartDate,EndDate,USE:kWh:Energy,USE::Energy", *rows]) + "\r\n"
    body = {"fileName": name, "data": base64.b64encode(content.encode()).decode()}
    started = api.post("/api/v3/import/bill", json=body, key=key)
    assert started.status_code == 200, started.text
    return str(started.json()["taskGUId"])


def test_a_scoped_user_sees_the_imports_it_started_or_that_made_a_bill_it_sees(api: Api, campus: Campus) -> None:
    from tests.web.signing_in import sign_in

    both = _import(
        api,
        "both.csv",
        [
            "ACC-A,M-A,2024-02-01,2024-03-01,100,12.50",
            "ACC-B,M-B,2024-02-01,2024-03-01,100,7.00",
            "ACC-Z,M-A,2024-02-01,2024-03-01,100,7.00",  # kicked out: no such account
        ],
    )
    only_b = _import(
        api, "b.csv", ["ACC-B,M-B,2024-03-01,2024-04-01,100,7.00", "ACC-Z,M-B,2024-03-01,2024-04-01,100,7.00"]
    )
    key = scoped_key(api, "scoped", [campus.place_a], [1])
    own = _import(api, "own.csv", ["ACC-B,M-B,2024-04-01,2024-05-01,100,7.00"], key)  # kicked out: outside it

    def guids(key: str = "admin", **params: str) -> list[str]:
        return [t["taskGUId"] for t in api.get("/api/v3/task", key=key, params=params).json()]

    assert guids() == [own, only_b, both]
    assert guids(key) == [own, both]
    listed = api.get("/api/v3/task", key=key)
    assert listed.headers.get("totalNumberOfRecords") in (None, "2")
    # The list's filters still work on what the scoped user sees.
    assert guids(key, filter="status equals 'Completed with kickouts'") == [own, both]
    assert guids(key, filter="fullName like 'Scoped'") == [own]
    # Another's task counts only the bills in the scope; the unlimited user sees both.
    admin_view, scoped_view = api.get(f"/api/v3/task/{both}").json(), api.get(f"/api/v3/task/{both}", key=key)
    assert scoped_view.status_code == 200, scoped_view.text
    assert (admin_view["currentSuccessCount"], admin_view["output"]["billCount"]) == (2, 2)
    seen = scoped_view.json()
    assert (seen["currentSuccessCount"], seen["output"]["billCount"], seen["output"]["kickoutRowCount"]) == (1, 1, 1)
    assert "flaggedBillCount" not in seen["output"]
    assert "flaggedBillCount" in admin_view["output"]
    assert seen["message"] == "1 bills in your topmost imported from 3 rows; 1 rows kicked out."
    assert [t["currentSuccessCount"] for t in listed.json()] == [0, 1]
    # Its own task is shown as it ran, whatever the bills.
    mine = api.get(f"/api/v3/task/{own}", key=key).json()
    assert (mine["output"]["billCount"], mine["output"]["kickoutRowCount"]) == (0, 1)
    assert api.get(f"/api/v3/task/{own}/errorOutput", key=key).status_code == 200
    # Another's kicked-out rows may name accounts outside the scope: its kickouts are not given to a scoped user.
    for url in (f"/api/v3/task/{both}/errorOutput", f"/api/v202401/import/bill/task/{both}/kickout/summary"):
        assert api.get(url, key=key).status_code == 404, url
        assert api.get(url).status_code == 200, url
    # A task that made no bill in the scope (and that it did not start) is as if it did not exist.
    for url in (
        f"/api/v3/task/{only_b}",
        f"/api/v3/task/{only_b}/errorOutput",
        f"/api/v202401/import/bill/task/{only_b}/kickout/summary",
        f"/api/v202401/import/bill/task/{only_b}/kickout/b.csv/summary",
        f"/apportion/v1/importTask/{only_b}/corrections",
    ):
        assert api.get(url, key=key).status_code == 404, url
        assert api.get(url).status_code == 200, url
    reimport = api.post(f"/api/v202401/import/bill/task/{only_b}/kickout", key=key, json={})
    assert reimport.status_code == 404, reimport.text
    assert api.post(f"/api/v202401/import/bill/task/{both}/kickout", key=key, json={}).status_code == 404
    assert guids() == [own, only_b, both]  # nothing was queued
    again = api.post(f"/api/v202401/import/bill/task/{own}/kickout", key=key, json={})
    assert again.status_code == 200, again.text
    # The pages follow the same rule.
    sign_in(api, key)
    page = api.client.get("/ui/imports")
    assert page.status_code == 200
    assert f"/ui/imports/{both}" in page.text
    assert f"/ui/imports/{own}" in page.text
    assert f"/ui/imports/{only_b}" not in page.text
    shown = api.client.get(f"/ui/imports/{both}")
    assert shown.status_code == 200
    assert "1 bills in your topmost imported from 3 rows" in shown.text
    assert "Download the kickout file" not in shown.text
    assert "Download the kickout file" in api.client.get(f"/ui/imports/{own}").text
    for url in (f"/ui/imports/{only_b}", f"/ui/imports/{only_b}/kickouts"):
        assert api.client.get(url).status_code == 404, url


def test_a_record_outside_is_a_404_before_a_bad_parameter(api: Api, campus: Campus) -> None:
    key = scoped_key(api, "placed", [campus.place_a], [campus.cc_a])
    assert api.get(f"/api/v3/meter/{campus.meter_b}/bill", key=key).status_code == 404
    assert api.put(f"/api/v3/account/{campus.account_b}", key=key, json={"accountCode": 7}).status_code == 404
    assert api.put(f"/api/v3/account/{campus.account_a}", key=key, json={"accountCode": 7}).status_code == 400
    assert api.get(f"/api/v3/meter/{campus.meter_a}/bill", key=key).status_code == 200
