"""Meter channels and readings through the HTTP API."""

from __future__ import annotations

from typing import Any

from tests.api.master_builders import meter
from tests.conftest import Api


def _channel(api: Api, meter_id: int, **extra: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "intervalMinutes": 43200,
        "observationTypeCode": "use",
        "channelDescription": "Monthly kWh",
        "channelImportId": "CH-1",
        "channelVersion": {"multiplier": 1, "unitCode": "kWh", "observationRule": "Trip", "maximumReading": 0},
    }
    response = api.post(f"/api/v202101/meter/{meter_id}/channel", json={**body, **extra})
    assert response.status_code == 200, response.text
    return dict(response.json())


def test_create_and_list_channels(api: Api) -> None:
    m = meter(api, "M1")
    channel = _channel(api, m["meterId"])
    assert channel["intervalMinutes"] == 43200
    assert channel["observationType"] == {
        "nounId": None,
        "nounCode": None,
        "credit": None,
        "observationTypeId": 1,
        "observationTypeCode": "USE",
        "observationTypeInfo": "Use",
    }
    assert channel["channelDescription"] == "Monthly kWh"
    assert channel["channelImportId"] == "CH-1"
    assert channel["hasReadings"] is False
    assert channel["firstReadingDate"] is None
    assert channel["isUsedOnDistribution"] is False
    [version] = channel["channelVersions"]
    assert version["multiplier"] == 1
    assert version["unit"] == {"unitId": 1, "unitCode": "kWh", "unitInfo": "Kilowatt-hours"}
    assert version["observationRule"] == {
        "observationRuleId": 2,
        "observationRuleCode": "Trip",
        "observationRuleInfo": "Trip",
    }
    assert channel["meter"]["meterCode"] == "M1"
    assert channel["meter"]["commodity"]["commodityCode"] == "ELECTRIC"
    assert api.get(f"/api/v202101/meter/{m['meterId']}/channel").json() == [channel]
    listed = api.get(f"/api/v3/meter/{m['meterId']}").json()["channels"]
    assert listed == [{"channelCode": "USE", "channelId": channel["channelId"], "interval": 43200}]


def test_channel_bad_input(api: Api) -> None:
    m = meter(api, "M1")
    url = f"/api/v202101/meter/{m['meterId']}/channel"
    version = {"multiplier": 1, "unitCode": "kWh", "observationRule": "Trip", "maximumReading": 0}
    body: dict[str, Any] = {
        "intervalMinutes": 7,
        "observationTypeCode": "NOPE",
        "channelVersion": {**version, "unitCode": "x", "observationRule": "Odd"},
    }
    bad = api.post(url, json=body)
    assert bad.status_code == 400
    assert set(bad.json()["modelState"]) == {
        "intervalMinutes",
        "observationTypeCode",
        "channelVersion.unitCode",
        "channelVersion.observationRule",
    }
    negative = api.post(
        url, json={"intervalMinutes": 15, "observationTypeCode": "USE", "channelVersion": {**version, "multiplier": -1}}
    )
    assert "channelVersion.multiplier" in negative.json()["modelState"]
    missing = api.post(url, json={"intervalMinutes": 15, "observationTypeCode": "USE"})
    assert "channelVersion" in missing.json()["modelState"]
    _channel(api, m["meterId"])
    dup = api.post(
        url,
        json={
            "intervalMinutes": 15,
            "observationTypeCode": "USE",
            "channelImportId": "CH-1",
            "channelVersion": version,
        },
    )
    assert "channelImportId" in dup.json()["modelState"]
    assert (
        api.post(
            "/api/v202101/meter/999/channel",
            json={"intervalMinutes": 15, "observationTypeCode": "USE", "channelVersion": version},
        ).status_code
        == 404
    )
    assert api.get("/api/v202101/meter/999/channel").status_code == 404


def test_readings_save_the_good_and_list_the_failed(api: Api) -> None:
    m = meter(api, "M1")
    channel = _channel(
        api,
        m["meterId"],
        channelVersion={"multiplier": 1, "unitCode": "kWh", "observationRule": "Odometer", "maximumReading": 99999},
    )
    body = [
        {
            "channelId": channel["channelId"],
            "readings": [
                {"time": "2024-01-01T00:00:00", "value": 100.5},
                {"time": "2024-02-01T00:00:00.000Z", "value": 200, "estimated": True, "note": "est"},
                {"time": "2024-03-01T00:00:00", "value": 100000},
                {"time": "2024-02-01T00:00:00", "value": 201},
                {"time": "2024-04-01T00:00:00", "value": 1.1234567},
            ],
        },
        {"channelImportId": "CH-1", "readings": [{"time": "2024-05-01T00:00:00", "value": 300}]},
        {
            "channelId": 999,
            "readings": [{"time": "2024-01-01T00:00:00", "value": 1}, {"time": "2024-01-02T00:00:00", "value": 2}],
        },
        {"meterImportId": "MTR", "readings": [{"time": "2024-01-01T00:00:00", "value": 1}]},
    ]
    response = api.post("/api/v3/reading", json=body)
    assert response.status_code == 200, response.text
    result = response.json()
    assert result["importedReadingsCount"] == 3
    assert result["failedReadingsCount"] == 6
    first, unknown, by_meter = result["failedReadings"]
    assert first["channelId"] == channel["channelId"]
    assert first["error"] is None
    assert [(r["time"], r["value"]) for r in first["readings"]] == [
        ("2024-03-01T00:00:00", 100000),
        ("2024-02-01T00:00:00", 201),
        ("2024-04-01T00:00:00", 1.1234567),
    ]
    assert "maximum" in first["readings"][0]["error"]
    assert "same channel and time" in first["readings"][1]["error"]
    assert "6 decimals" in first["readings"][2]["error"]
    assert unknown["channelId"] == 999
    assert "does not exist" in unknown["error"]
    assert len(unknown["readings"]) == 2
    assert by_meter["meterImportId"] == "MTR"
    assert by_meter["error"]
    listed = api.get(f"/api/v202101/meter/{m['meterId']}/channel").json()[0]
    assert listed["hasReadings"] is True
    assert listed["firstReadingDate"] == "2024-01-01T00:00:00"
    assert listed["lastReadingDate"] == "2024-05-01T00:00:00"

    again = api.post(
        "/api/v3/reading",
        json=[{"channelId": channel["channelId"], "readings": [{"time": "2024-01-01T00:00:00", "value": 150}]}],
    )
    assert again.json() == {"importedReadingsCount": 1, "failedReadingsCount": 0, "failedReadings": []}


def test_readings_bad_body_and_permissions(api: Api) -> None:
    m = meter(api, "M1")
    channel = _channel(api, m["meterId"])
    missing = api.post("/api/v3/reading", json=[{"channelId": channel["channelId"]}])
    assert missing.status_code == 400
    assert "[0].readings" in missing.json()["modelState"]
    bad_time = api.post(
        "/api/v3/reading", json=[{"channelId": channel["channelId"], "readings": [{"time": "yesterday", "value": 1}]}]
    )
    assert "[0].readings[0].time" in bad_time.json()["modelState"]
    viewer = api.key_with("Meters:View")
    assert api.get(f"/api/v202101/meter/{m['meterId']}/channel", key=viewer).status_code == 200
    body = [{"channelId": channel["channelId"], "readings": [{"time": "2024-01-01T00:00:00", "value": 1}]}]
    assert api.post("/api/v3/reading", key=viewer, json=body).status_code == 403
    version = {"multiplier": 1, "unitCode": "kWh", "observationRule": "Trip", "maximumReading": 0}
    channel_body = {"intervalMinutes": 15, "observationTypeCode": "USE", "channelVersion": version}
    assert api.post(f"/api/v202101/meter/{m['meterId']}/channel", key=viewer, json=channel_body).status_code == 403
    assert api.post("/api/v3/reading", key=None, json=body).status_code == 401
