"""The OpenAPI document the app publishes, with the error responses it really sends.

FastAPI documents a 422 with its own validation body on every operation that takes input; Apportion answers invalid
requests with a 400 in EnergyCAP's shape instead (api/errors.py, DESIGN.md "Errors"). The document therefore lists,
on every operation, 400, 401, 403 and 404 with `ErrorResponse` (`message`, and `modelState` for validation) and no
422, so a client generated from it, or a schema check of the responses, sees what the server does.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from apportion.api.filter_fields import LIST_FILTERS, describe

ERROR_SCHEMA_NAME = "ErrorResponse"
ERROR_SCHEMA: dict[str, Any] = {
    "title": ERROR_SCHEMA_NAME,
    "type": "object",
    "required": ["message"],
    "properties": {
        "message": {"type": "string"},
        "modelState": {"type": "object", "additionalProperties": {"type": "array", "items": {"type": "string"}}},
    },
}
ERROR_RESPONSES = {
    "400": "The request is invalid (`modelState` names each field) or breaks a business rule.",
    "401": "The ECI-ApiKey header is missing or names no active user.",
    "403": "The key's user lacks the operation's permission.",
    "404": "A resource the request names does not exist.",
}
_FASTAPI_VALIDATION = ("HTTPValidationError", "ValidationError")
_METHODS = ("get", "put", "post", "delete", "patch", "options", "head", "trace")


def with_error_responses(document: dict[str, Any]) -> dict[str, Any]:
    """The document with every operation's 422 replaced by ERROR_RESPONSES (changed in place and returned)."""
    reference = {"$ref": f"#/components/schemas/{ERROR_SCHEMA_NAME}"}
    for path_item in document.get("paths", {}).values():
        for method in _METHODS:
            operation = path_item.get(method)
            if operation is None:
                continue
            responses = operation.setdefault("responses", {})
            responses.pop("422", None)
            for status, description in ERROR_RESPONSES.items():
                responses.setdefault(
                    status, {"description": description, "content": {"application/json": {"schema": reference}}}
                )
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    for name in _FASTAPI_VALIDATION:
        schemas.pop(name, None)
    schemas[ERROR_SCHEMA_NAME] = ERROR_SCHEMA
    return document


def with_filter_fields(document: dict[str, Any]) -> dict[str, Any]:
    """Each list's `filter` parameter names its fields and their operators (api/filter_fields.py)."""
    for path, item in document.get("paths", {}).items():
        for parameter in item.get("get", {}).get("parameters", []):
            if parameter.get("name") == "filter" and path in LIST_FILTERS:
                parameter["description"] = describe(path)
    return document


def install(app: FastAPI) -> None:
    """Make `app.openapi()` (and so /openapi.json and /docs) publish the document with the real error responses."""

    def document() -> dict[str, Any]:
        if app.openapi_schema is None:
            built = get_openapi(
                title=app.title,
                version=app.version,
                description=app.description,
                routes=app.routes,
            )
            app.openapi_schema = with_filter_fields(with_error_responses(built))
        return app.openapi_schema

    app.openapi = document  # type: ignore[method-assign]
