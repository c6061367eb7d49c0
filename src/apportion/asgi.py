"""ASGI entry point for uvicorn/gunicorn workers: the app built from APPORTION_* settings, with its task runner.

Importing it also sets the process's garbage collector for serving (`runtime.memory.collect_for_serving`): this
module is what every server worker loads, and nothing else does.

This module sits above the layers: it wires a runner from apportion.jobs into the API, which only knows the
services' TaskQueue protocol: the inline thread runner by default, or with APPORTION_RUN_JOBS_INLINE=false the
PostgreSQL queue that `apportion worker` processes run.
"""

from __future__ import annotations

from apportion.api.app import create_app
from apportion.jobs.queue import task_queue_for
from apportion.runtime.memory import collect_for_serving
from apportion.settings import Settings
from apportion.store.database import Database

settings = Settings()
# Statements of API requests are bounded by APPORTION_STATEMENT_TIMEOUT_SECONDS (PostgreSQL); imports the inline
# runner does in this process are background work, as on `apportion worker`, and have a database of their own.
# (The worker queue only inserts its job during the request, on the API's database.)
database = Database(settings.database_url, statement_timeout_seconds=settings.statement_timeout_seconds)
own_runner_database = settings.run_jobs_inline and database.statement_timeout_seconds
runner_database = Database(settings.database_url) if own_runner_database else database
app = create_app(settings, database=database, jobs=task_queue_for(runner_database, settings))
collect_for_serving()
