"""Request dependencies: the database, the caller, and permission checks decided in one place."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Annotated

from fastapi import Depends, Header, Request, Security
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


def get_db(request: Request) -> Database:
    """The app's database, built once by create_app()."""
    db: Database = request.app.state.db
    return db


def get_settings(request: Request) -> Settings:
    """The app's settings."""
    settings: Settings = request.app.state.settings
    return settings


def get_clock(request: Request) -> Callable[[], datetime]:
    """The app's clock (naive local time, as EnergyCAP's .NET service writes it)."""
    clock: Callable[[], datetime] = request.app.state.clock
    return clock


def get_read_cache(request: Request) -> ReadCache:
    """The app's cache of finished answers (runtime.read_cache), built once by create_app()."""
    cache: ReadCache = request.app.state.read_cache
    return cache


DatabaseDep = Annotated[Database, Depends(get_db)]
ReadCacheDep = Annotated[ReadCache, Depends(get_read_cache)]
SettingsDep = Annotated[Settings, Depends(get_settings)]


def get_today(request: Request) -> FilterDay:
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


def requires(name: str, level: str) -> Callable[[Principal], Principal]:
    """A dependency that lets the call through only when the caller holds `name` at `level` (else 403)."""

    def check(principal: CurrentUser) -> Principal:
        principal.require(name, level)
        return principal

    check.__name__ = f"requires_{name}_{level}"
    return check


def path_ids_in_range(request: Request, db: DatabaseDep, caller: CurrentUser) -> None:
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
    scoping.require_path_ids(db, caller.scope, scoped)
    for name in ("taskId", "chargebackTaskId"):  # a chargeback task: 404 when a scoped caller does not see it
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
