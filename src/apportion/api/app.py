"""create_app(): the FastAPI application serving EnergyCAP's wire format."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from zoneinfo import ZoneInfo

from fastapi import Depends, FastAPI

from apportion import __version__
from apportion.api import docs, errors, openapi
from apportion.api.deps import path_ids_in_range
from apportion.api.routes import ROUTERS
from apportion.runtime.read_cache import ReadCache
from apportion.services.runs.queue_bodies import RunNow
from apportion.services.runs.queue_interface import TaskQueue
from apportion.settings import Settings
from apportion.store.database import Database
from apportion.web import pages as web_pages


def zone_clock(time_zone: str) -> Callable[[], datetime]:
    """The server's clock: naive wall time in the configured zone ('local': the host's), as EnergyCAP writes it."""
    if time_zone == "local":
        return datetime.now
    zone = ZoneInfo(time_zone)
    return lambda: datetime.now(zone).replace(tzinfo=None)


def create_app(
    settings: Settings,
    database: Database | None = None,
    clock: Callable[[], datetime] | None = None,
    jobs: TaskQueue | None = None,
) -> FastAPI:
    """Build the app; nothing connects at import time, the database comes from `settings` or the caller.

    `jobs` runs background tasks (bill imports); the entry point builds it (apportion.asgi: the inline runner).
    Without one, tasks run at once inside the request that queues them (`services.runs.queue_bodies.RunNow`).
    """
    app = FastAPI(
        title="Apportion",
        version=__version__,
        description="Utility-bill chargebacks with EnergyCAP's REST API: splits, calculated bills, imports.",
        docs_url=None,  # api.docs serves both from the installed package, never from a CDN
        redoc_url=None,
    )
    set_state(app, settings, database, clock, jobs)
    errors.install(app)
    openapi.install(app)  # documents the 400/401/403/404 ErrorResponse the handlers send, not FastAPI's 422
    for router in ROUTERS:
        app.include_router(router, dependencies=[Depends(path_ids_in_range)])
    docs.install(app)
    app.include_router(web_pages.router)  # the human pages under /ui (cookie sign-in, HTML errors)
    return app


def set_state(
    app: FastAPI,
    settings: Settings,
    database: Database | None = None,
    clock: Callable[[], datetime] | None = None,
    jobs: TaskQueue | None = None,
) -> None:
    """Give `app` all the state it serves from (create_app's arguments): settings, database, clock, task queue and
    an empty read cache. The routes hold none; so an app given new state answers as a new one would."""
    app.state.settings = settings
    app.state.db = database or Database(
        settings.database_url, statement_timeout_seconds=settings.statement_timeout_seconds
    )
    app.state.clock = clock or zone_clock(settings.time_zone)
    app.state.jobs = jobs or RunNow(app.state.db, settings, app.state.clock)
    app.state.read_cache = ReadCache(settings.read_cache_bytes)
