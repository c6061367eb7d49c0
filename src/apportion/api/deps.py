"""Request dependencies: the database, the caller, and permission checks decided in one place.

A dependency that does no I/O is `async def`: FastAPI runs a plain `def` dependency in a worker thread, and a hop to
a thread and back for each of them cost more than the list requests' own SQL on SQLite (bench/lists.py).

The caller's checks that read the database (the API key's holder, a scoped caller's path ids) run in the route's
own worker thread, just before the route (`CallerChecks`): one hop a request instead of two. The dependencies
note them in order, and the API's routes (`api.wire.WireRoute`) run them first in the route's thread, or, when
anything else is answered before the route (a 400, a path id's 404), before that answer: a request without a valid
key still gets its 401 before any other answer, and a refused permission its 403, as when each dependency checked
at once.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Coroutine
from contextvars import ContextVar
from datetime import datetime
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Header, Request, Security
from fastapi.concurrency import run_in_threadpool
from fastapi.dependencies.models import Dependant
from fastapi.security import APIKeyHeader

from apportion.domain.errors import NotFound
from apportion.domain.filters import FilterDay
from apportion.domain.permissions import Grants
from apportion.domain.scoping import Scope
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


T = TypeVar("T")

PENDING = Principal(0, "", "", Grants(frozenset()), Scope.NOTHING)
"""The caller as the dependencies see it when its checks wait for the route's thread (`CallerChecks`): no
permission and no record, should anything read it before the route gets the real one in its place."""


class CallerChecks:
    """A request's caller checks, noted by the dependencies and run in the route's worker thread (one hop).

    `settle()` reads the key's holder (401), then runs the checks in the order the dependencies noted them (403 for
    a permission, 404 for a path id outside a scoped caller's topmost), at most once.
    """

    def __init__(self) -> None:
        self.db: Database | None = None
        self.key: str | None = None
        self.later: list[Callable[[Principal], object]] = []
        self.principal: Principal | None = None
        self.started = False

    @property
    def asked(self) -> bool:
        """Whether a dependency asked for the caller (a route without one has nothing to check)."""
        return self.db is not None

    @property
    def pending(self) -> bool:
        """Whether the caller was asked for and its checks have not run yet."""
        return self.asked and not self.started

    def note_key(self, request: Request) -> None:
        """Note the caller's key from the request itself: for a request answered before any dependency could note
        it (a body that is not JSON), so that its 401 still comes first."""
        self.db, self.key = request.app.state.db, request.headers.get(API_KEY_HEADER.model.name)

    def settle(self) -> Principal:
        """The caller, its checks passed; Unauthenticated, PermissionDenied or NotFound as they come."""
        if self.principal is None:
            assert self.db is not None, "no dependency asked for the caller"
            self.started = True
            principal = authenticate(self.db, self.key)
            for check in self.later:
                check(principal)
            self.principal = principal
        return self.principal


def reads_caller(dependant: Dependant) -> bool:
    """Whether a route's dependencies (at any depth) ask for the caller."""
    return any(sub.call is current_principal or reads_caller(sub) for sub in dependant.dependencies)


_CHECKS: ContextVar[CallerChecks | None] = ContextVar("apportion_caller_checks", default=None)


def checking_caller() -> tuple[CallerChecks, Callable[[], None]]:
    """Fresh caller checks for the request about to be handled in this context, and the call that forgets them."""
    checks = CallerChecks()
    token = _CHECKS.set(checks)
    return checks, lambda: _CHECKS.reset(token)


def after_caller_checks(endpoint: Callable[..., T]) -> Callable[..., T]:
    """`endpoint` (a plain `def`, run in a worker thread) running the request's caller checks first, in its thread,
    and given the caller in place of PENDING."""

    @functools.wraps(endpoint)
    def run(**values: Any) -> T:
        checks = _CHECKS.get()
        if checks is not None and checks.asked:
            caller = checks.settle()
            values = {name: caller if value is PENDING else value for name, value in values.items()}
        return endpoint(**values)

    return run


def _when_known(principal: Principal, check: Callable[[Principal], object]) -> None:
    """Run `check` on the caller now, or note it for the route's thread when the caller is PENDING."""
    checks = _CHECKS.get()
    if principal is PENDING and checks is not None:
        checks.later.append(check)
    else:
        check(principal)


async def current_principal(
    request: Request, eci_apikey: Annotated[str | None, Security(API_KEY_HEADER)] = None
) -> Principal:
    """The caller named by the ECI-ApiKey header; 401 when missing or unknown.

    Under a WireRoute the key is read in the route's thread (PENDING until then); elsewhere in a worker thread now.
    (The database is the app's, read here rather than as a dependency: each dependency costs FastAPI's solving.)
    """
    db: Database = request.app.state.db
    checks = _CHECKS.get()
    if checks is None:
        return await run_in_threadpool(authenticate, db, eci_apikey)
    checks.db, checks.key = db, eci_apikey
    return PENDING


CurrentUser = Annotated[Principal, Depends(current_principal)]


def requires(name: str, level: str) -> Callable[[Principal], Coroutine[Any, Any, Principal]]:
    """A dependency that lets the call through only when the caller holds `name` at `level` (else 403)."""

    def allowed(principal: Principal) -> None:
        principal.require(name, level)

    async def check(principal: CurrentUser) -> Principal:
        _when_known(principal, allowed)
        return principal

    check.__name__ = f"requires_{name}_{level}"
    return check


async def path_ids_in_range(request: Request, caller: CurrentUser) -> None:
    """404 for a path id no row can have, or naming a record outside a scoped caller's topmost, before any route or
    query sees it.

    Keys are 32-bit integers; a larger number would otherwise reach the driver (SQLite: OverflowError,
    PostgreSQL: integer out of range) and every route would need its own check. Authentication runs first, so a
    caller without a key still gets 401. A caller limited to topmost places or cost centers gets 404 for a place,
    cost center, account, meter, bill or account-meter link outside them, as for one that does not exist
    (docs/scoping.md); an unlimited caller reads nothing more.
    """
    db: Database = request.app.state.db
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

    def in_scope(principal: Principal) -> None:
        if not principal.scope.whole:  # only a scoped caller's checks read the database
            _require_in_scope(db, principal, scoped)

    if caller is PENDING:
        _when_known(caller, in_scope)
    elif not caller.scope.whole:  # in a worker thread of its own
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
