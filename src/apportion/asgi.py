"""ASGI entry point for uvicorn/gunicorn workers: the app built from APPORTION_* settings, with its task runner.

This module sits above the layers: it wires a runner from apportion.jobs into the API, which only knows the
services' TaskQueue protocol: the inline thread runner by default, or with APPORTION_RUN_JOBS_INLINE=false the
PostgreSQL queue that `apportion worker` processes run.
"""

from __future__ import annotations

from apportion.api.app import create_app
from apportion.jobs.queue import task_queue_for
from apportion.settings import Settings
from apportion.store.database import Database

settings = Settings()
database = Database(settings.database_url)
app = create_app(settings, database=database, jobs=task_queue_for(database, settings))
