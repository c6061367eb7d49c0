"""ASGI entry point for uvicorn/gunicorn workers: the app built from APPORTION_* settings, with its task runner.

This module sits above the layers: it wires the inline runner (apportion.jobs) into the API, which only knows
the services' TaskQueue protocol.
"""

from __future__ import annotations

from apportion.api.app import create_app
from apportion.jobs.inline import InlineRunner
from apportion.settings import Settings
from apportion.store.database import Database

settings = Settings()
database = Database(settings.database_url)
app = create_app(settings, database=database, jobs=InlineRunner(database, settings))
