"""Request dependencies: the database, the caller, and permission checks decided in one place.

A dependency that does no I/O is `async def`: FastAPI runs a plain `def` dependency in a worker thread, and a hop to
a thread and back for each of them cost more than the list requests' own SQL on SQLite (bench/lists.py). Those that
read the database (the API key's holder, a scoped caller's path ids) stay in a worker thread.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from datetime import datetime
from typing import Annotated, Any

from fastapi import Depends, Header, Request, Security
from fastapi.concurrency import run_in_threadpool
from fastapi.security import APIKeyHeader

from apportion.domain.errors import NotFound
from apportion.domain.filters import FilterDay
from apportion.runtime.read_cache import ReadCache
from apportion.services import ids
from apportion.services.access import scoping
from apportion.services.access.auth import Principal, authenticate
from apportion.services.chargebacks import chargeback_tasks
from apportion.settings import Settings
from apportion.store.database import Database


async def get_db(request: Request) -> Database:
    """The app's database, built once by create_app()."""
    db: Database = request.app.state.db
    return db


async def get_settings(request: Request) -> Settings:
    """The app's settings."""
    settings: Settings = request.app.state.settings
    return settings


async def get_clock(request: Request) -> Callable[[], datetime]:
    """The app's clock (naive local time, as EnergyCAP's .NET service writes it)."""
    clock: Callable[[], datetime] = request.app.state.clock
    return clock


async def get_read_cache(request: Request) -> ReadCache:
    """The app's cache of finished answers (runtime.read_cache), built once by create_app()."""
    cache: ReadCache = request.app.state.read_cache
    return cache


DatabaseDep = Annotated[Database, Depends(get_db)]
ReadCacheDep = Annotated[ReadCache, Depends(get_read_cache)]
SettingsDep = Annotated[Settings, Depends(get_settings)]


async def get_today(request: Request) -> FilterDay:
    """Today by the server's clock (its configured time zone), with the fiscal year start: what relative filter
    dates count from."""
    clock: Callable[[], datetime] = request.app.state.clock
    settings: Settings = request.app.state.settings
    return FilterDay.of(clock().date(), settings.fiscal_year_start_month)


TodayDep = Annotated[FilterDay, Depends(get_today)]
ClockDep = Annotated[Callable[[], datetime], Depends(get_clock)]


API_KEY_HEADER = APIKeyHeader(
    name="ECI-ApiKey",
    scheme_name="ECI-ApiKey",
    description="An API key (`apportion user create`, `POST /api/v3/apiKey`). Missing or unknown: 401.",
    auto_error=False,  # a missing key is our 401 in EnergyCAP's error shape, decided by authenticate()
)
"""The OpenAPI document's security scheme: every operation that depends on the caller declares it."""


def current_principal(db: DatabaseDep, eci_apikey: Annotated[str | None, Security(API_KEY_HEADER)] = None) -> Principal:
    """The caller named by the ECI-ApiKey header; 401 when missing or unknown."""
    return authenticate(db, eci_apikey)


CurrentUser = Annotated[Principal, Depends(current_principal)]


def requires(name: str, level: str) -> Callable[[Principal], Coroutine[Any, Any, Principal]]:
    """A dependency that lets the call through only when the caller holds `name` at `level` (else 403)."""

    async def check(principal: CurrentUser) -> Principal:
        principal.require(name, level)
        return principal

    check.__name__ = f"requires_{name}_{level}"
    return check


async def path_ids_in_range(request: Request, db: DatabaseDep, caller: CurrentUser) -> None:
    """404 for a path id no row can have, or naming a record outside a scoped caller's topmost, before any route or
    query sees it.

    Keys are 32-bit integers; a larger number would otherwise reach the driver (SQLite: OverflowError,
    PostgreSQL: integer out of range) and every route would need its own check. Authentication runs first, so a
    caller without a key still gets 401. A caller limited to topmost places or cost centers gets 404 for a place,
    cost center, account, meter, bill or account-meter link outside them, as for one that does not exist
    (docs/scoping.md); an unlimited caller reads nothing more.
    """
    scoped: dict[str, int] = {}
    for name, value in request.path_params.items():
        if not name.endswith("Id"):
            continue
        try:
            number = int(value)
        except (TypeError, ValueError):
            continue  # not a number: the route's own validation answers 400 naming the parameter
        if not ids.in_range(number):
            raise NotFound(name.removesuffix("Id"), number)
        scoped[name] = number
    if "versionId" in scoped and "meterId" in scoped:  # a chargeback version, not a rate's
        scoped["chargebackVersionId"] = scoped["versionId"]
    if _entity_kind(request.path_params.get("entityType")) and "entityId" in scoped:
        scoped[_entity_kind(request.path_params.get("entityType"))] = scoped["entityId"]
    if not caller.scope.whole:  # only a scoped caller's checks read the database: in a worker thread
        await run_in_threadpool(_require_in_scope, db, caller, scoped)


def _require_in_scope(db: Database, caller: Principal, scoped: dict[str, int]) -> None:
    """NotFound for a path id naming a record outside the scoped caller's topmost, or a task it does not see."""
    scoping.require_path_ids(db, caller.scope, scoped)
    for name in ("taskId", "chargebackTaskId"):
        if name in scoped:
            chargeback_tasks.require_visible(db, scoped[name], caller)


def _entity_kind(entity_type: object) -> str:
    """The path id name a flag's entity type stands for (`/flag/{entityType}/{entityId}`), or ''."""
    return {"bill": "billId", "account": "accountId", "meter": "meterId"}.get(str(entity_type).lower(), "")


IdempotencyKeyHeader = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        description="A retried request with the same key (per user) returns the first request's task(s) instead "
        "of running again.",
    ),
]
