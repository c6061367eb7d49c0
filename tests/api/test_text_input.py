"""Text in request bodies must be Unicode text: a lone surrogate (a JSON "\\ud800" escape) is a 400 naming its field,
wherever it is, never a 500 from a database that cannot store it."""

from __future__ import annotations

import base64
import json
import typing
from typing import Any

from fastapi.routing import APIRoute
from pydantic import BaseModel

from apportion.api.routes import ROUTERS
from apportion.api.schemas.base import WireModel
from tests.api.import_builders import csv_file, row
from tests.conftest import Api

LONE = "a\ud800b"


def _send(api: Api, method: str, url: str, body: Any) -> Any:
    """Send `body` as JSON text with escapes (as any client may: ASCII-only JSON), lone surrogates included."""
    content = json.dumps(body).encode("ascii")
    return api.request(method, url, content=content, headers={"Content-Type": "application/json"})


def _refused(response: Any, field: str) -> None:
    assert response.status_code == 400, response.text
    body = response.json()
    assert body["message"] == "The request is invalid."
    assert field in body["modelState"], body
    assert "surrogate" in body["modelState"][field][0]


def test_exec_notes_are_refused(api: Api) -> None:
    for url in ("/api/v3/billSplit/exec", "/api/v3/calculatedBill/exec"):
        _refused(_send(api, "POST", url, {"billingPeriod": 202401, "note": LONE}), "note")
    _refused(
        _send(api, "POST", "/api/v3/billSplit/exec", {"batchSettings": {"batchCode": LONE}}), "batchSettings.batchCode"
    )


def test_a_chargeback_task_comment_is_refused(api: Api) -> None:
    task = api.post("/api/v3/billSplit/exec", json={"billingPeriod": 202401}).json()
    response = _send(api, "PUT", f"/api/v3/chargebackTask/{task['taskId']}", {"comment": LONE})
    _refused(response, "comment")
    assert api.get(f"/api/v3/chargebackTask/{task['taskId']}").json()["comment"] is None
    fine = _send(api, "PUT", f"/api/v3/chargebackTask/{task['taskId']}", {"comment": "caf\u00e9 \U0001f600"})
    assert fine.status_code == 200, fine.text  # a proper pair (an emoji) is text
    assert fine.json()["comment"] == "caf\u00e9 \U0001f600"


def test_import_file_names_and_notes_are_refused(api: Api) -> None:
    data = base64.b64encode(csv_file(row("ACCT"))).decode()
    _refused(_send(api, "POST", "/api/v3/import/bill", {"fileName": f"{LONE}.csv", "data": data}), "fileName")
    body = {"fileName": "bills.csv", "data": data, "importNote": LONE}
    _refused(_send(api, "POST", "/api/v3/import/bill", body), "importNote")


def test_every_string_at_any_depth_is_checked(api: Api) -> None:
    # A vendor's address (a nested object), an unknown field and an object key: each named by its wire path.
    body = {"vendorCode": "V1", "vendorInfo": "Vendor", "address": {"city": LONE}, "unknown": [LONE], LONE: 1}
    response = _send(api, "POST", "/api/v3/vendor", body)
    assert response.status_code == 400, response.text
    assert set(response.json()["modelState"]) == {"address.city", "unknown[0]", "(name)"}
    assert api.get("/api/v3/vendor").json() == []


def test_surrogates_alone_at_either_end_are_refused(api: Api) -> None:
    for text in ("\ud800", "x\udbff", "\udc00y", "\udc00\ud800"):
        _refused(_send(api, "POST", "/api/v3/vendor", {"vendorCode": text, "vendorInfo": "v"}), "vendorCode")


def _models(annotation: Any) -> list[type[BaseModel]]:
    """The pydantic models a body annotation names (through Optional, list and Annotated)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [model for argument in typing.get_args(annotation) for model in _models(argument)]


def test_every_json_body_is_a_wire_model() -> None:
    # The check lives in WireModel: a body of another kind would bypass it.
    routes = [route for router in ROUTERS for route in router.routes]
    bodies = [r for r in routes if isinstance(r, APIRoute) and r.body_field is not None]
    assert bodies
    for route in bodies:
        assert route.body_field is not None
        if route.body_field.field_info.annotation == list[int]:  # a bare id list (availablePlaces): no text to check
            continue
        models = _models(route.body_field.field_info.annotation)
        assert models, (route.path, route.body_field.field_info.annotation)
        assert all(issubclass(model, WireModel) for model in models), route.path
