"""The app's OpenAPI document, built once per test process: building it (every route's models as JSON Schema)
costs one to three seconds of CPU, and several checks read it."""

from __future__ import annotations

from functools import cache
from typing import Any

from apportion.api.app import create_app
from apportion.settings import Settings


@cache
def openapi_paths() -> dict[str, Any]:
    """The document's `paths`, as /openapi.json publishes them (read it, do not change it)."""
    return dict(create_app(Settings(database_url="sqlite://")).openapi()["paths"])
