"""Places and place sizes through the HTTP API."""

from __future__ import annotations

from typing import Any

from tests.conftest import Api


def _place(api: Api, code: str, parent: int = 1, place_type: int = 3, **extra: Any) -> dict[str, Any]:
    body = {"placeCode": code, "placeInfo": f"Place {code}", "parentPlaceId": parent, "placeTypeId": place_type}
    response = api.post("/api/v3/place", json={**body, **extra})
    assert response.status_code == 200, response.text
    return dict(response.json())


def test_create_read_edit_delete(api: Api) -> None:
    campus = _place(api, "CAMPUS", place_type=2)
    assert campus["parent"]["placeId"] == 1
    assert campus["parent"]["placeType"]["placeTypeCode"] == "ORGANIZATION"
    assert campus["placeType"] == {
        "placeTypeId": 2,
        "placeTypeCode": "CAMPUS",
        "placeTypeInfo": "Campus",
        "structure": False,
    }
    assert campus["createdBy"]["userCode"] == "admin"
    assert campus["createdDate"] == "2024-06-15T09:30:00"
    assert campus["modifiedBy"] is None
    assert campus["places"] == []
    assert campus["meters"] == []
    assert campus["size"] is None
    hall = _place(
        api,
        "HALL",
        parent=campus["placeId"],
        address={
            "line1": "1 Main St",
            "city": "State College",
            "country": "US",
            "postalCode": "16801",
            "latitude": 40.79,
        },
        buildDate="1990-05-01T00:00:00",
        placeDescription="Dormitory",
        weatherStationCode="KUNV",
    )
    assert hall["address"]["line1"] == "1 Main St"
    assert hall["address"]["latitude"] == 40.79
    assert hall["buildDate"] == "1990-05-01T00:00:00"
    assert hall["weatherStation"]["stationCode"] == "KUNV"
    assert hall["placeDescription"] == "Dormitory"
    got = api.get(f"/api/v3/place/{campus['placeId']}").json()
    assert [p["placeCode"] for p in got["places"]] == ["HALL"]
    assert got["places"][0]["placeType"]["structure"] is True

    edit = {"placeCode": "HALL2", "placeInfo": "Renamed", "parentPlaceId": 1, "placeTypeId": 3}
    edited = api.put(f"/api/v3/place/{hall['placeId']}", json=edit)
    assert edited.status_code == 200, edited.text
    assert edited.json()["placeCode"] == "HALL2"
    assert edited.json()["parent"]["placeId"] == 1
    assert edited.json()["modifiedBy"]["userCode"] == "admin"
    assert edited.json()["address"]["line1"] is None
    assert api.delete(f"/api/v3/place/{hall['placeId']}").status_code == 204
    assert api.get(f"/api/v3/place/{hall['placeId']}").status_code == 404


def test_list_paging_and_filters(api: Api) -> None:
    campus = _place(api, "C1", place_type=2)
    for i in range(3):
        _place(api, f"B{i}", parent=campus["placeId"])
    page = api.get("/api/v3/place?pageSize=2&pageNumber=2")
    assert page.status_code == 200
    assert page.headers["TotalNumberOfRecords"] == "5"
    assert page.headers["TotalPages"] == "3"
    assert page.headers["PageNumber"] == "2"
    assert page.headers["PageSize"] == "2"
    assert [p["placeCode"] for p in page.json()] == ["B0", "B1"]
    children = api.get("/api/v3/place", params={"filter": f"parentId equals '{campus['placeId']}'"}).json()
    assert [p["placeCode"] for p in children] == ["B0", "B1", "B2"]
    like = api.get("/api/v3/place", params={"filter": "placeCode like 'b' and placeInfo not equals 'Place B1'"})
    assert [p["placeCode"] for p in like.json()] == ["B0", "B2"]
    typed = api.get("/api/v3/place", params={"filter": "placeTypeCode equals 'campus'"}).json()
    assert [p["placeCode"] for p in typed] == ["C1"]
    root = api.get("/api/v3/place?pageSize=1").json()[0]
    assert root["placeCode"] == "ROOT"
    assert root["parent"] is None
    assert [p["placeCode"] for p in root["places"]] == ["C1"]
    assert api.get("/api/v3/place", params={"filter": "parentId equals 'x'"}).status_code == 400


def test_bad_input(api: Api) -> None:
    campus = _place(api, "C1", place_type=2)
    hall = _place(api, "H1", parent=campus["placeId"])
    body = {"placeCode": "X", "placeInfo": "X", "parentPlaceId": 999, "placeTypeId": 99}
    bad = api.post("/api/v3/place", json=body)
    assert bad.status_code == 400
    assert set(bad.json()["modelState"]) == {"parentPlaceId", "placeTypeId"}
    dup = api.post("/api/v3/place", json={**body, "placeCode": "c1", "parentPlaceId": 1, "placeTypeId": 3})
    assert list(dup.json()["modelState"]) == ["placeCode"]
    too_long = api.post("/api/v3/place", json={**body, "placeInfo": "x" * 51})
    assert "placeInfo" in too_long.json()["modelState"]
    assert (
        "parentPlaceId"
        in api.post("/api/v3/place", json={"placeCode": "Z", "placeInfo": "Z", "placeTypeId": 3}).json()["modelState"]
    )
    bad_date = api.post("/api/v3/place", json={**body, "parentPlaceId": 1, "placeTypeId": 3, "buildDate": "31/01/2020"})
    assert "buildDate" in bad_date.json()["modelState"]
    loop = {"placeCode": "C1", "placeInfo": "C", "parentPlaceId": hall["placeId"], "placeTypeId": 2}
    looped = api.put(f"/api/v3/place/{campus['placeId']}", json=loop)
    assert looped.status_code == 400
    assert "parentPlaceId" in looped.json()["modelState"]
    itself = api.put(f"/api/v3/place/{campus['placeId']}", json={**loop, "parentPlaceId": campus["placeId"]})
    assert "parentPlaceId" in itself.json()["modelState"]
    assert api.get(f"/api/v3/place/{campus['placeId']}").json()["parent"]["placeId"] == 1
    root_edit = api.put(
        "/api/v3/place/1", json={"placeCode": "ROOT", "placeInfo": "Everything", "parentPlaceId": 1, "placeTypeId": 1}
    )
    assert root_edit.status_code == 200
    assert root_edit.json()["parent"] is None
    # The root is a seeded row the test cleanup keeps: put it back as it was.
    restore = {"placeCode": "ROOT", "placeInfo": "Topmost place", "parentPlaceId": 1, "placeTypeId": 1}
    assert api.put("/api/v3/place/1", json=restore).json()["placeInfo"] == "Topmost place"
    assert api.put("/api/v3/place/999", json=loop).status_code == 404
    assert api.delete("/api/v3/place/999").status_code == 404
    assert api.delete(f"/api/v3/place/{campus['placeId']}").status_code == 400
    assert api.delete("/api/v3/place/1").status_code == 400


def test_delete_refuses_a_place_with_meters(api: Api) -> None:
    hall = _place(api, "H1")
    meter = api.post(
        "/api/v3/meter",
        json={
            "meterCode": "M1",
            "meterInfo": "Main",
            "commodityId": 1,
            "placeId": hall["placeId"],
            "meterTypeId": 1,
            "address": {"country": "US"},
        },
    )
    assert meter.status_code == 200, meter.text
    listed = api.get(f"/api/v3/place/{hall['placeId']}").json()["meters"]
    assert listed[0]["meterCode"] == "M1"
    assert listed[0]["commodity"]["commodityCode"] == "ELECTRIC"
    assert listed[0]["isSplitParentMeter"] is False
    refused = api.delete(f"/api/v3/place/{hall['placeId']}")
    assert refused.status_code == 400
    assert "meters" in refused.json()["message"]


def test_permissions(api: Api) -> None:
    viewer = api.key_with("BuildingsAndOrganizations:View")
    assert api.get("/api/v3/place", key=viewer).status_code == 200
    assert api.get("/api/v3/place/1/size", key=viewer).status_code == 200
    body = {"placeCode": "X", "placeInfo": "X", "parentPlaceId": 1, "placeTypeId": 3}
    assert api.post("/api/v3/place", key=viewer, json=body).status_code == 403
    assert api.put("/api/v3/place/1", key=viewer, json=body).status_code == 403
    assert api.delete("/api/v3/place/1", key=viewer).status_code == 403
    assert api.post("/api/v3/place/1/size", key=viewer, json={"beginDate": "2020-01-01", "value": 1}).status_code == 403
    assert api.get("/api/v3/place", key=None).status_code == 401
    assert api.get("/api/v3/place", key=api.key_with("Meters:View")).status_code == 403


def test_size_versions_chain(api: Api) -> None:
    hall = _place(api, "H1")
    url = f"/api/v3/place/{hall['placeId']}/size"
    first = api.post(url, json={"beginDate": "2020-01-01T00:00:00.000Z", "value": 1000})
    assert first.status_code == 200, first.text
    assert first.json() == {
        "placeSizeId": first.json()["placeSizeId"],
        "beginDate": "2020-01-01T00:00:00",
        "endDate": None,
        "value": 1000,
        "unitId": 40,
        "unitCode": "SQFEET",
        "unitInfo": "Square feet",
    }
    later = api.post(url, json={"beginDate": "2024-01-01", "value": 1500, "unitCode": "SQFEET"}).json()
    assert later["endDate"] is None
    middle = api.post(url, json={"beginDate": "2022-01-01", "value": 1200}).json()
    assert middle["endDate"] == "2024-01-01T00:00:00"
    sizes = api.get(url).json()
    assert [(s["beginDate"][:10], s["endDate"] and s["endDate"][:10], s["value"]) for s in sizes] == [
        ("2020-01-01", "2022-01-01", 1000),
        ("2022-01-01", "2024-01-01", 1200),
        ("2024-01-01", None, 1500),
    ]
    assert api.get(f"/api/v3/place/{hall['placeId']}").json()["size"]["value"] == 1500
    dup = api.post(url, json={"beginDate": "2022-01-01", "value": 5})
    assert dup.status_code == 400
    assert "beginDate" in dup.json()["modelState"]
    assert (
        "unitCode"
        in api.post(url, json={"beginDate": "2025-01-01", "value": 5, "unitCode": "ACRES"}).json()["modelState"]
    )
    assert "value" in api.post(url, json={"beginDate": "2025-01-01", "value": -1}).json()["modelState"]
    assert api.post("/api/v3/place/999/size", json={"beginDate": "2025-01-01", "value": 5}).status_code == 404
    assert api.get("/api/v3/place/999/size").status_code == 404


def test_size_list_replace(api: Api) -> None:
    hall = _place(api, "H1")
    url = f"/api/v3/place/{hall['placeId']}/size"
    api.post(url, json={"beginDate": "2019-01-01", "value": 10})
    replaced = api.put(
        url,
        json=[
            {"beginDate": "2023-01-01", "value": 900, "unitCode": "SQMETER"},
            {"beginDate": "2021-01-01", "value": 800},
        ],
    )
    assert replaced.status_code == 200, replaced.text
    assert [
        (s["beginDate"][:10], s["endDate"] and s["endDate"][:10], s["value"], s["unitCode"]) for s in replaced.json()
    ] == [
        ("2021-01-01", "2023-01-01", 800, "SQFEET"),
        ("2023-01-01", None, 900, "SQMETER"),
    ]
    assert api.get(url).json() == replaced.json()
    current = api.get(f"/api/v3/place/{hall['placeId']}").json()["size"]
    assert current["value"] == 900
    assert current["unitInfo"] == "Square meters"
    twice = api.put(url, json=[{"beginDate": "2021-01-01", "value": 1}, {"beginDate": "2021-01-01", "value": 2}])
    assert twice.status_code == 400
    assert "[1].beginDate" in twice.json()["modelState"]
    assert len(api.get(url).json()) == 2
    assert api.put(url, json=[]).json() == []
    assert api.get(url).json() == []
