"""Users, the caller and API keys through the HTTP API."""

from __future__ import annotations

from typing import Any

from apportion.services.access.users import hash_password, is_strong, verify_password
from tests.conftest import Api


def _user_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "userCode": "jdoe",
        "fullName": "Jane Doe",
        "password": "Secret-Pass1",
        "email": "jane@example.com",
        "topmostCostCenterIds": [1],
        "topmostPlaceIds": [1],
        "topmostCollectionIds": [1],
        "passwordExpirationInterval": 90,
        "strongPassword": True,
        "forcePasswordChange": False,
        "userRoleId": 2,
    }
    body.update(overrides)
    return body


def test_me_lists_every_permission_from_the_callers_grants(api: Api) -> None:
    admin = api.get("/api/v3/me")
    assert admin.status_code == 200
    body = admin.json()
    assert body["systemUserCode"] == "admin"
    assert body["fullName"] == "Administrator"
    assert body["place"]["placeId"] == 1
    assert body["place"]["placeType"]["placeTypeCode"] == "ORGANIZATION"
    assert body["costCenter"]["costCenterId"] == 1
    assert body["currencyUnit"] == {"unitId": 30, "unitCode": "USD", "unitInfo": "US dollars"}
    assert body["permissions"]["chargebacks"]["run"] is True
    assert body["permissions"]["licenseFeatureChargebacks"]["view"] is True

    key = api.key_with("Accounts:View,Edit", "Chargebacks:Run")
    limited = api.get("/api/v3/me", key=key).json()["permissions"]
    assert limited["accounts"]["view"] is True
    assert limited["accounts"]["edit"] is True
    assert limited["accounts"]["create"] is False
    assert limited["accounts"]["delete"] is False
    assert limited["chargebacks"] == {**limited["chargebacks"], "run": True, "manage": False}
    assert limited["billsAndBatches"]["view"] is False
    assert limited["applicationSettings"]["manage"] is False
    assert api.get("/api/v3/me", key=None).status_code == 401


def test_create_get_and_list_users(api: Api) -> None:
    created = api.post("/api/v202306/user", json=_user_body())
    assert created.status_code == 200, created.text
    body = created.json()
    assert body["userCode"] == "jdoe"
    assert body["email"] == "jane@example.com"
    assert body["userRole"] == {"userRoleId": 2, "userRoleInfo": "Read only"}
    assert body["passwordExpirationInterval"] == 90
    assert body["strongPassword"] is True
    assert body["active"] is True
    assert body["place"]["placeId"] == 1
    assert body["costCenter"]["costCenterCode"] == "ROOT"
    assert "password" not in body
    user_id = body["userId"]
    assert api.get(f"/api/v3/user/{user_id}").json()["fullName"] == "Jane Doe"
    listed = api.get("/api/v3/user", params={"filter": "userCode equals 'JDOE'"})
    assert [u["userId"] for u in listed.json()] == [user_id]
    assert api.get("/api/v3/user/999999").status_code == 404
    assert api.get("/api/v3/user", key=None).status_code == 401
    assert api.post("/api/v202306/user", key=None, json=_user_body(userCode="z")).status_code == 401


def test_user_list_is_restricted_without_users_view(api: Api) -> None:
    api.post("/api/v202306/user", json=_user_body())
    key = api.key_with("Accounts:View", user_code="plain")
    rows = api.get("/api/v3/user", key=key).json()
    jane = next(u for u in rows if u["userCode"] == "jdoe")
    assert jane["fullName"] == "Jane Doe"
    assert jane["email"] is None
    assert jane["userRole"] is None
    assert api.get(f"/api/v3/user/{jane['userId']}", key=key).status_code == 403
    assert api.post("/api/v202306/user", key=key, json=_user_body(userCode="x")).status_code == 403


def test_create_user_bad_input(api: Api) -> None:
    missing = api.post("/api/v202306/user", json={k: v for k, v in _user_body().items() if k != "userRoleId"})
    assert missing.status_code == 400
    assert "userRoleId" in missing.json()["modelState"]
    too_long = api.post("/api/v202306/user", json=_user_body(fullName="x" * 33))
    assert "fullName" in too_long.json()["modelState"]
    empty_scope = api.post("/api/v202306/user", json=_user_body(topmostPlaceIds=[]))
    assert "topmostPlaceIds" in empty_scope.json()["modelState"]
    weak = api.post("/api/v202306/user", json=_user_body(password="weak"))
    assert weak.status_code == 400
    assert "password" in weak.json()["modelState"]
    assert api.post("/api/v202306/user", json=_user_body(password="weak", strongPassword=False)).status_code == 200
    duplicate = api.post("/api/v202306/user", json=_user_body(userCode="JDOE"))
    assert duplicate.status_code == 400
    assert "userCode" in duplicate.json()["modelState"]
    role = api.post("/api/v202306/user", json=_user_body(userCode="r", userRoleId=42))
    assert "userRoleId" in role.json()["modelState"]
    email = api.post("/api/v202306/user", json=_user_body(userCode="e", email="nope"))
    assert "email" in email.json()["modelState"]


def test_passwords_are_hashed_with_scrypt() -> None:
    stored = hash_password("Secret-Pass1")
    assert stored.startswith("scrypt$")
    assert "Secret-Pass1" not in stored
    assert verify_password("Secret-Pass1", stored)
    assert not verify_password("secret-pass1", stored)
    assert not verify_password("x", "garbage")
    assert is_strong("Abcdefg1")
    assert not is_strong("abcdefgh")
    assert not is_strong("Ab1!")


def test_api_key_lifecycle(api: Api) -> None:
    created = api.post("/api/v3/apiKey", json={"apiKeyName": "Integration", "apiKeyDescription": "ETL"})
    assert created.status_code == 200, created.text
    body = created.json()
    assert body["apiKeyName"] == "Integration"
    assert body["apiKeyDescription"] == "ETL"
    assert body["createdBy"]["userCode"] == "admin"
    assert body["createdDate"] == "2024-06-15T09:30:00"
    key, key_id = body["apiKey"], body["apiKeyId"]
    assert api.get("/api/v3/me", key=key).json()["systemUserCode"] == "admin"
    listed = api.get("/api/v3/apiKey", params={"filter": "apiKeyName equals 'integration'"}).json()
    assert listed == [{k: v for k, v in body.items() if k != "apiKey"}]
    assert all("apiKey" not in row for row in api.get("/api/v3/apiKey").json())
    assert api.delete(f"/api/v3/apiKey/{key_id}").status_code == 204
    assert api.get("/api/v3/me", key=key).status_code == 401
    assert api.delete(f"/api/v3/apiKey/{key_id}").status_code == 404


def test_api_key_rules(api: Api) -> None:
    assert api.post("/api/v3/apiKey", json={"apiKeyDescription": "x"}).status_code == 400
    assert "apiKeyName" in api.post("/api/v3/apiKey", json={"apiKeyName": "x" * 61}).json()["modelState"]
    assert api.post("/api/v3/apiKey", json={"apiKeyName": "Twice"}).status_code == 200
    assert "apiKeyName" in api.post("/api/v3/apiKey", json={"apiKeyName": "twice"}).json()["modelState"]
    viewer = api.key_with("ApplicationSettings:View")
    assert api.get("/api/v3/apiKey", key=viewer).status_code == 200
    denied = api.post("/api/v3/apiKey", key=viewer, json={"apiKeyName": "Mine"})
    assert denied.status_code == 403
    assert "ApplicationSettings (Manage)" in denied.json()["message"]
    assert api.delete("/api/v3/apiKey/1", key=viewer).status_code == 403
    assert api.get("/api/v3/apiKey", key=None).status_code == 401
    assert api.get("/api/v3/apiKey", params={"filter": "apiKeyName between 'a'|'b'"}).status_code == 400
