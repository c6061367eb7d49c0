"""Vendors through the HTTP API: CRUD, paging headers, filters, errors."""

from __future__ import annotations

from tests.conftest import Api


def _create(api: Api, code: str, info: str = "Utility") -> int:
    response = api.post("/api/v3/vendor", json={"vendorCode": code, "vendorInfo": info})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["vendorCode"] == code
    assert body["createdBy"]["userCode"] == "admin"
    assert body["createdDate"] == "2024-06-15T09:30:00"
    return int(body["vendorId"])


def test_create_get_edit_delete(api: Api) -> None:
    vendor_id = _create(api, "PPL")
    assert api.get(f"/api/v3/vendor/{vendor_id}").json()["vendorInfo"] == "Utility"
    edited = api.put(f"/api/v3/vendor/{vendor_id}", json={"vendorCode": "PPL2", "vendorInfo": "Renamed"})
    assert edited.status_code == 200
    assert edited.json()["vendorInfo"] == "Renamed"
    assert api.delete(f"/api/v3/vendor/{vendor_id}").status_code == 204
    assert api.get(f"/api/v3/vendor/{vendor_id}").status_code == 404


def test_list_pages_and_filters(api: Api) -> None:
    for i in range(5):
        _create(api, f"V{i}", info=f"Vendor {i}")
    response = api.get("/api/v3/vendor?pageSize=2&pageNumber=2")
    assert response.status_code == 200
    assert [v["vendorCode"] for v in response.json()] == ["V2", "V3"]
    assert response.headers["TotalNumberOfRecords"] == "5"
    assert response.headers["TotalPages"] == "3"
    assert response.headers["PageNumber"] == "2"
    past_end = api.get("/api/v3/vendor?pageNumber=9")
    assert past_end.status_code == 200
    assert past_end.json() == []
    filtered = api.get("/api/v3/vendor", params={"filter": "vendorCode one of 'v1'|'V4' and vendorInfo like 'dor'"})
    assert [v["vendorCode"] for v in filtered.json()] == ["V1", "V4"]


def test_bad_input_is_a_clear_400(api: Api) -> None:
    missing = api.post("/api/v3/vendor", json={"vendorInfo": "x"})
    assert missing.status_code == 400
    assert "vendorCode" in missing.json()["modelState"]
    too_long = api.post("/api/v3/vendor", json={"vendorCode": "X" * 17, "vendorInfo": "x"})
    assert too_long.status_code == 400
    assert "vendorCode" in too_long.json()["modelState"]
    assert api.get("/api/v3/vendor?pageSize=0").json()["modelState"] == {"pageSize": ["pageSize must be 1 or more."]}
    bad_filter = api.get("/api/v3/vendor", params={"filter": "nope equals '1'"})
    assert bad_filter.status_code == 400
    assert "nope" in bad_filter.json()["modelState"]["filter"][0]
    bad_op = api.get("/api/v3/vendor", params={"filter": "vendorCode between 'a'|'b'"})
    assert bad_op.status_code == 400
    assert (
        api.post("/api/v3/vendor", content=b"{not json", headers={"Content-Type": "application/json"}).status_code
        == 400
    )
    _create(api, "DUP")
    assert api.post("/api/v3/vendor", json={"vendorCode": "dup", "vendorInfo": "x"}).status_code == 400


def test_auth_401_and_403(api: Api) -> None:
    assert api.get("/api/v3/vendor", key=None).status_code == 401
    assert api.get("/api/v3/vendor", key="not-a-key").status_code == 401
    viewer = api.key_with("Vendors:View")
    assert api.get("/api/v3/vendor", key=viewer).status_code == 200
    denied = api.post("/api/v3/vendor", key=viewer, json={"vendorCode": "A", "vendorInfo": "B"})
    assert denied.status_code == 403
    assert "Vendors (Create)" in denied.json()["message"]


def test_address_with_coordinates_round_trips(api: Api) -> None:
    address = {"line1": "1 Main St", "city": "Erie", "latitude": "42.12", "longitude": 179.0}
    created = api.post("/api/v3/vendor", json={"vendorCode": "GEO", "vendorInfo": "x", "address": address})
    assert created.status_code == 200, created.text
    vendor_id = created.json()["vendorId"]
    edited = api.put(f"/api/v3/vendor/{vendor_id}", json={"vendorCode": "GEO", "vendorInfo": "y", "address": address})
    assert edited.status_code == 200, edited.text
    stored = api.get(f"/api/v3/vendor/{vendor_id}").json()["address"]
    assert (stored["city"], float(stored["latitude"]), float(stored["longitude"])) == ("Erie", 42.12, 179.0)


def test_path_ids_beyond_any_key_are_404_after_authentication(api: Api) -> None:
    for url in (
        "/api/v3/vendor/2147483648",
        "/api/v3/chargebackTask/-33197275188594438144",
        "/api/v3/account/1/meter/26/billSplit/-34665082711862636544/chargebackTask",
    ):
        assert api.get(url).status_code == 404, url
        assert api.get(url, key=None).status_code == 401, url
    big = "/api/v202304/chargebackWorkflow/832102558099189012225940853484421120/exec"
    assert api.post(big, json={"billingPeriod": 202401}).status_code == 404
    assert api.get("/api/v3/vendor/not-a-number").status_code == 400


def test_codes_differing_only_in_non_ascii_case_are_one_code(api: Api) -> None:
    _create(api, "ÉCOLE")
    clash = api.post("/api/v3/vendor", json={"vendorCode": "école", "vendorInfo": "x"})
    assert clash.status_code == 400
    assert "vendorCode" in clash.json()["modelState"]
    assert api.post("/api/v3/vendor", json={"vendorCode": "ÉCOLE", "vendorInfo": "x"}).status_code == 400
    found = api.get("/api/v3/vendor", params={"filter": "vendorCode equals 'école'"}).json()
    assert [v["vendorCode"] for v in found] == ["ÉCOLE"]
