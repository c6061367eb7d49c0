"""The published OpenAPI document lists the error responses the handlers send (400/401/403/404), not FastAPI's 422."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import Api


def _document(api: Api) -> dict[str, Any]:
    response = api.get("/openapi.json", key=None)
    assert response.status_code == 200
    return dict(response.json())


@pytest.mark.one_database
def test_every_operation_documents_the_error_shape_and_no_422(api: Api) -> None:
    document = _document(api)
    schemas = document["components"]["schemas"]
    assert "HTTPValidationError" not in schemas
    operations = [op for item in document["paths"].values() for op in item.values() if "responses" in op]
    assert operations
    for operation in operations:
        responses = operation["responses"]
        assert "422" not in responses, operation["operationId"]
        for status in ("400", "401", "403", "404"):
            body = responses[status]["content"]["application/json"]["schema"]
            assert body == {"$ref": "#/components/schemas/ErrorResponse"}


def test_real_error_bodies_match_the_documented_schema(api: Api) -> None:
    error_schema = _document(api)["components"]["schemas"]["ErrorResponse"]
    viewer = api.key_with("ChargebacksModule:View")
    answers = {
        400: api.post("/api/v3/vendor", json={"vendorCode": ""}),
        401: api.get("/api/v3/vendor", key=None),
        403: api.get("/api/v3/vendor", key=viewer),
        404: api.get("/api/v3/vendor/999"),
    }
    assert error_schema["required"] == ["message"]
    for status, response in answers.items():
        assert response.status_code == status, response.text
        body = response.json()
        assert set(body) <= set(error_schema["properties"]), body
        assert isinstance(body["message"], str)
        for reasons in body.get("modelState", {}).values():
            assert reasons
            assert all(isinstance(reason, str) for reason in reasons)
    assert answers[400].json()["modelState"]


@pytest.mark.one_database
def test_the_api_key_header_is_the_declared_security_of_every_operation(api: Api) -> None:
    document = _document(api)
    assert document["components"]["securitySchemes"]["ECI-ApiKey"] == {
        "type": "apiKey",
        "in": "header",
        "name": "ECI-ApiKey",
        "description": document["components"]["securitySchemes"]["ECI-ApiKey"]["description"],
    }
    operations = [op for item in document["paths"].values() for op in item.values() if "responses" in op]
    for operation in operations:
        assert operation["security"] == [{"ECI-ApiKey": []}], operation["operationId"]
        # The header is the scheme's, not also a parameter of its own.
        assert "ECI-ApiKey" not in [p["name"] for p in operation.get("parameters", [])]
