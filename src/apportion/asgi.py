"""ASGI entry point for uvicorn/gunicorn workers: the app built from APPORTION_* settings."""

from __future__ import annotations

from apportion.api.app import create_app
from apportion.settings import Settings

app = create_app(Settings())
