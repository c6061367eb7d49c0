"""Out-of-range input to the master data endpoints is a 400 (or 404), never a 500, on every database."""

from __future__ import annotations

from tests.api.master_builders import account, meter, vendor
from tests.conftest import Api

HUGE = 10**12


def test_huge_ids_are_unknown_ids(api: Api) -> None:
    for url in (
        f"/api/v3/user/{HUGE}",
        f"/api/v3/costcenter/{HUGE}",
        f"/api/v3/rate/{HUGE}",
        f"/api/v3/place/{HUGE}",
        f"/api/v3/place/{HUGE}/size",
        f"/api/v3/account/{HUGE}",
        f"/api/v3/meter/{HUGE}",
        f"/api/v3/meterGroup/{HUGE}",
        f"/api/v3/meterGroup/{HUGE}/member",
        f"/api/v202101/meter/{HUGE}/channel",
    ):
        assert api.get(url).status_code == 404, url
    assert api.delete(f"/api/v3/apiKey/{HUGE}").status_code == 404
    body = {"accountId": HUGE, "meterId": HUGE, "rateId": HUGE, "vendorTypeId": HUGE}
    links = api.post("/api/v3/accountmeter", json=[body])
    assert links.status_code == 400
    assert set(links.json()["modelState"]) == {"[0].accountId", "[0].meterId", "[0].rateId", "[0].vendorTypeId"}
    rate = api.post("/api/v3/rate", json={"name": "R", "vendorId": HUGE, "commodityId": HUGE})
    assert rate.status_code == 400
    membership = api.put(f"/api/v3/meter/{meter(api, 'M')['meterId']}/group", json=[{"meterGroupId": HUGE}])
    assert membership.status_code == 400
    readings = api.post("/api/v3/reading", json=[{"channelId": HUGE, "readings": [{"time": "2024-01-01", "value": 1}]}])
    assert readings.json()["failedReadingsCount"] == 1


def test_huge_numbers_and_long_text(api: Api) -> None:
    vendor_id = vendor(api)
    base = {"accountCode": "A", "accountInfo": "A", "accountTypeId": 1, "costCenterId": 1, "vendorId": vendor_id}
    deposit = api.post("/api/v3/account", json={**base, "country": "US", "depositAmount": 1e20})
    assert deposit.status_code == 400
    assert "depositAmount" in deposit.json()["modelState"]
    conversion = api.post(
        "/api/v202304/commodity",
        json={"commodityInfo": "X", "abbreviation": "X", "energyReportingUnitConversionMultiplier": 1e30},
    )
    assert "energyReportingUnitConversionMultiplier" in conversion.json()["modelState"]
    user = {
        "userCode": "u",
        "fullName": "U",
        "password": "p",
        "email": "u@example.com",
        "topmostCostCenterIds": [1],
        "topmostPlaceIds": [1],
        "topmostCollectionIds": [1],
        "passwordExpirationInterval": HUGE,
        "strongPassword": False,
        "forcePasswordChange": False,
        "userRoleId": 3,
        "maxApprovalAmount": -1,
    }
    limits = api.post("/api/v202306/user", json=user)
    assert set(limits.json()["modelState"]) == {"passwordExpirationInterval", "maxApprovalAmount"}
    place = {
        "placeCode": "P",
        "placeInfo": "P",
        "parentPlaceId": 1,
        "placeTypeId": 3,
        "address": {"addressTypeId": HUGE},
    }
    assert "address.addressTypeId" in api.post("/api/v3/place", json=place).json()["modelState"]
    size = api.post("/api/v3/place/1/size", json={"beginDate": "2020-01-01", "value": 2**31})
    assert "value" in size.json()["modelState"]
    # Descriptions, memos and notes stored as TEXT hold 4,000 characters on both databases (docs/security.md).
    key = api.post("/api/v3/apiKey", json={"apiKeyName": "long", "apiKeyDescription": "d" * 4000})
    assert key.status_code == 200
    assert len(key.json()["apiKeyDescription"]) == 4000
    longer = api.post("/api/v3/apiKey", json={"apiKeyName": "longer", "apiKeyDescription": "d" * 4001})
    assert longer.json()["modelState"] == {"apiKeyDescription": ["apiKeyDescription must be at most 4000 characters."]}
    memo = account(api, "M", vendor_id, memo="m" * 4000, depositNote="n" * 4000)
    assert len(memo["memo"]) == 4000
    m = meter(api, "BIG")
    version = {"multiplier": 1e16, "unitCode": "kWh", "observationRule": "Trip", "maximumReading": 0}
    channel = api.post(
        f"/api/v202101/meter/{m['meterId']}/channel",
        json={"intervalMinutes": 15, "observationTypeCode": "USE", "channelVersion": version},
    )
    assert "channelVersion.multiplier" in channel.json()["modelState"]


def test_filters_refuse_ids_no_row_can_have(api: Api) -> None:
    for url, field in (
        ("/api/v3/user", "userId"),
        ("/api/v3/apiKey", "apiKeyId"),
        ("/api/v202304/commodity", "commodityId"),
        ("/api/v202305/unit", "unitId"),
        ("/api/v3/observationtype", "observationTypeId"),
        ("/api/v3/place/placetype", "placeTypeId"),
        ("/api/v3/costcenter", "parentId"),
        ("/api/v3/rate", "vendorId"),
        ("/api/v3/place", "parentId"),
        ("/api/v3/account", "meterId"),
        ("/api/v3/meter", "accountId"),
        ("/api/v3/meterGroup", "meterGroupId"),
    ):
        response = api.get(url, params={"filter": f"{field} equals '{HUGE}'"})
        assert response.status_code == 400, url
        assert field in response.json()["modelState"]["filter"][0]
