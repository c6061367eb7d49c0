"""Bill import profiles through the HTTP API: CRUD, codes, mapping validation, 204 delete."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from apportion.store.database import Database
from tests.api.import_builders import ImportApi, import_api

MAPPING: dict[str, Any] = {
    "dateFormat": "yyyymmdd",
    "accountCodeColumnIndex": 1,
    "startDateColumnIndex": 2,
    "endDateColumnIndex": 3,
    "meterCodeColumnIndex": 4,
    "serviceChargeColumnIndex": 6,
    "observations": [{"columnIndex": 5, "observationTypeCode": "USE", "caption": "Energy", "unitCode": "kWh"}],
}


@pytest.fixture
def api(db: Database) -> Iterator[ImportApi]:
    with import_api(db) as client:
        yield client


def _create(api: ImportApi, code: str, mapping: dict[str, Any] | None = MAPPING) -> dict[str, Any]:
    response = api.post("/api/v3/import/bill/profile", json={"profileCode": code, "columnMapping": mapping})
    assert response.status_code == 200, response.text
    return dict(response.json())


def test_create_read_list_edit_delete(api: ImportApi) -> None:
    created = _create(api, "P1")
    assert created["profileCode"] == "P1"
    mapping = created["columnMapping"]
    assert mapping["dateFormat"] == "yyyymmdd"
    assert mapping["serviceChargeColumnIndex"] == 6
    assert mapping["vendorCodeColumnIndex"] is None
    assert mapping["observations"] == MAPPING["observations"]
    profile_id = created["profileId"]
    assert api.get(f"/api/v3/import/bill/profile/{profile_id}").json() == created
    header_driven = _create(api, "HEADERS", None)
    assert header_driven["columnMapping"] is None
    assert [p["profileCode"] for p in api.get("/api/v3/import/bill/profile").json()] == ["P1", "HEADERS"]

    edited = api.put(
        f"/api/v3/import/bill/profile/{profile_id}",
        json={"profileCode": "P1-RENAMED", "columnMapping": MAPPING | {"dateFormat": "MM/DD/YYYY"}},
    )
    assert edited.status_code == 200, edited.text
    assert edited.json()["profileCode"] == "P1-RENAMED"
    assert edited.json()["columnMapping"]["dateFormat"] == "mm/dd/yyyy"
    assert api.delete(f"/api/v3/import/bill/profile/{profile_id}").status_code == 204
    assert api.get(f"/api/v3/import/bill/profile/{profile_id}").status_code == 404
    assert api.delete(f"/api/v3/import/bill/profile/{profile_id}").status_code == 404
    assert api.put("/api/v3/import/bill/profile/99999999999", json={"profileCode": "X"}).status_code == 404


@pytest.mark.parametrize(
    ("body", "field", "reason"),
    [
        ({"columnMapping": MAPPING}, "profileCode", "required"),
        ({"profileCode": "x" * 65}, "profileCode", "at most 64"),
        ({"profileCode": "standard"}, "profileCode", "built-in"),
        (
            {"profileCode": "P", "columnMapping": MAPPING | {"dateFormat": "yyyy.mm.dd"}},
            "columnMapping.dateFormat",
            "one of",
        ),
        (
            {"profileCode": "P", "columnMapping": MAPPING | {"startDateColumnIndex": 0}},
            "columnMapping.startDateColumnIndex",
            "",
        ),
        (
            {"profileCode": "P", "columnMapping": {k: v for k, v in MAPPING.items() if k != "endDateColumnIndex"}},
            "columnMapping.endDateColumnIndex",
            "required",
        ),
        (
            {"profileCode": "P", "columnMapping": MAPPING | {"observations": MAPPING["observations"] * 2}},
            "columnMapping.observations[1].columnIndex",
            "already maps",
        ),
    ],
)
def test_bad_profiles_are_400_naming_the_field(api: ImportApi, body: dict[str, Any], field: str, reason: str) -> None:
    response = api.post("/api/v3/import/bill/profile", json=body)
    assert response.status_code == 400, response.text
    assert reason in " ".join(response.json()["modelState"][field])
    assert api.get("/api/v3/import/bill/profile").json() == []


def test_codes_are_unique_without_regard_to_case(api: ImportApi) -> None:
    _create(api, "P1")
    second = _create(api, "P2")
    assert api.post("/api/v3/import/bill/profile", json={"profileCode": "p1"}).status_code == 400
    clash = api.put(f"/api/v3/import/bill/profile/{second['profileId']}", json={"profileCode": "P1"})
    assert clash.status_code == 400
    assert "already in use" in clash.json()["modelState"]["profileCode"][0]


def test_permissions(api: ImportApi) -> None:
    assert api.get("/api/v3/import/bill/profile", key=None).status_code == 401
    viewer = api.key_with("BillsAndBatches:View")
    assert api.get("/api/v3/import/bill/profile", key=viewer).status_code == 200
    denied = api.post("/api/v3/import/bill/profile", key=viewer, json={"profileCode": "P"})
    assert denied.status_code == 403
    profile_id = _create(api, "P")["profileId"]
    creator = api.key_with("BillsAndBatches:View,Create")
    assert api.delete(f"/api/v3/import/bill/profile/{profile_id}", key=creator).status_code == 403
