"""One error vocabulary mapped to HTTP in one place, rendered in EnergyCAP's (ASP.NET) JSON shape.

{"message": "..."}                                                    401, 403, 404, rule violations
{"message": "The request is invalid.", "modelState": {field: [reason, ...]}}   validation (400)
{"message": "The database is unavailable; try again shortly."} with Retry-After    a lost database (503)
{"message": "The request ran longer than ..."} with Retry-After      a statement past its time limit (503)
"""

from __future__ import annotations

import logging
from typing import Any

import psycopg
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DataError, DBAPIError, IntegrityError, OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException

from apportion.domain import periods
from apportion.domain.errors import (
    DomainError,
    NotFound,
    PermissionDenied,
    RuleViolation,
    Unauthenticated,
    ValidationFailed,
)

log = logging.getLogger("apportion.api")

STATUS = {NotFound: 404, Unauthenticated: 401, PermissionDenied: 403, ValidationFailed: 400, RuleViolation: 400}


def _status_for(error: DomainError) -> int:
    for kind, status in STATUS.items():
        if isinstance(error, kind):
            return status
    return 400


def error_body(error: DomainError) -> dict[str, Any]:
    """The JSON body for a domain error."""
    body: dict[str, Any] = {"message": error.message}
    if isinstance(error, ValidationFailed):
        body["modelState"] = error.errors
    elif isinstance(error, RuleViolation) and error.field:
        body["modelState"] = {error.field: [error.message]}
    return body


def _field_path(loc: tuple[int | str, ...]) -> str:
    """('body', 0, 'beginPeriod') -> '[0].beginPeriod'; ('query', 'billingPeriod') -> 'billingPeriod'."""
    parts = [p for p in loc if p not in ("body", "query", "path", "header")]
    path = ""
    for part in parts:
        if isinstance(part, int):
            path += f"[{part}]"
        elif part in ("function-after[check()]",) or "[" in str(part):
            continue
        else:
            path += f".{part}" if path else str(part)
    return path or "body"


def _reason(error: dict[str, Any]) -> str:
    kind = error.get("type", "")
    field = _field_path(tuple(error.get("loc", ())))
    if kind == "missing":
        return f"The {field} field is required."
    if kind == "json_invalid":
        return "The request body is not valid JSON."
    if field.rsplit(".", 1)[-1].lower().endswith("period") and isinstance(error.get("input"), str):
        return periods.hint(error["input"])  # "2026-11" for a YYYYMM integer: say how to write it
    message = str(error.get("msg", "Invalid value."))
    return message.removeprefix("Value error, ")


def validation_failed_from(errors: list[dict[str, Any]]) -> ValidationFailed:
    """Turn pydantic/FastAPI errors into one ValidationFailed keyed by the wire field path."""
    model_state: dict[str, list[str]] = {}
    for error in errors:
        model_state.setdefault(_field_path(tuple(error.get("loc", ()))), []).append(_reason(error))
    return ValidationFailed(model_state)


def install(app: FastAPI) -> None:
    """Register every exception handler on `app`."""

    @app.exception_handler(DomainError)
    async def domain_error(_request: Request, error: DomainError) -> JSONResponse:
        return JSONResponse(error_body(error), status_code=_status_for(error))

    @app.exception_handler(RequestValidationError)
    async def request_invalid(_request: Request, error: RequestValidationError) -> JSONResponse:
        failed = validation_failed_from([dict(e) for e in error.errors()])
        return JSONResponse(error_body(failed), status_code=400)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_request: Request, error: StarletteHTTPException) -> JSONResponse:
        message = {404: "The requested resource was not found.", 405: "The requested method is not allowed."}
        return JSONResponse(
            {"message": message.get(error.status_code, str(error.detail))},
            status_code=error.status_code,
            headers=getattr(error, "headers", None),
        )

    @app.exception_handler(DBAPIError)
    async def database_error(_request: Request, error: DBAPIError) -> JSONResponse:
        if is_timed_out(error.orig):
            log.warning("statement stopped at its time limit: %s", error.statement)
            return timed_out()
        if is_unavailable(error):
            log.warning("database unavailable: %s", error.orig)
            return unavailable()
        if isinstance(error, DataError):
            # A value the database refuses to hold (PostgreSQL: a NUL character in text, a number out of range)
            # is bad client input, and the unit of work has already rolled back: 400, never 500.
            log.info("value refused by the database: %s", error.orig)
            return JSONResponse({"message": DATA_REFUSED}, status_code=400)
        if isinstance(error, IntegrityError):
            # Services check uniqueness and references first; a concurrent request can still win the race
            # between that check and the write. The unit of work has rolled back: a conflict, not a crash.
            log.info("constraint refused a write: %s", error.orig)
            return JSONResponse({"message": CONFLICT}, status_code=400)
        log.error("database error", exc_info=error)
        return JSONResponse({"message": "An unexpected error occurred."}, status_code=500)

    @app.exception_handler(psycopg.OperationalError)
    async def driver_unavailable(_request: Request, error: psycopg.OperationalError) -> JSONResponse:
        # Raised by the driver outside SQLAlchemy: the task queue's insert (jobs.queue) on a lost database.
        if is_timed_out(error):
            return timed_out()
        log.warning("database unavailable: %s", error)
        return unavailable()


UNAVAILABLE = "The database is unavailable; try again shortly."
RETRY_AFTER_SECONDS = 5


def unavailable() -> JSONResponse:
    """503 with a Retry-After: the request may succeed once the database is back; nothing was half-written."""
    return JSONResponse({"message": UNAVAILABLE}, status_code=503, headers={"Retry-After": str(RETRY_AFTER_SECONDS)})


TIMED_OUT = (
    "The request ran longer than the database's statement time limit and was stopped; nothing was changed. "
    "Narrow it (fewer filter conditions, a smaller page) or try again later."
)
QUERY_CANCELED = "57014"  # PostgreSQL's SQLSTATE for a statement stopped by statement_timeout (or a cancel)


def is_timed_out(error: BaseException | None) -> bool:
    """A statement PostgreSQL stopped at APPORTION_STATEMENT_TIMEOUT_SECONDS."""
    return getattr(error, "sqlstate", None) == QUERY_CANCELED


def timed_out() -> JSONResponse:
    """503 with a Retry-After: the server would not spend longer on it now; the transaction was rolled back."""
    return JSONResponse({"message": TIMED_OUT}, status_code=503, headers={"Retry-After": str(RETRY_AFTER_SECONDS)})


DATA_REFUSED = "The request holds a value that cannot be stored, such as a NUL character in text."
CONFLICT = "The request conflicts with existing data (a code already in use or a record that no longer exists)."

UNAVAILABLE_HINTS = (
    "database is locked",
    "unable to open database",
    "readonly database",
    "connection",
    "server closed",
    "terminating",
    "not currently accepting connections",
    "the database system is",  # starting up, shutting down, in recovery mode
)
# SQLSTATE classes of a lost server: 08 connection exception, 57P admin/crash shutdown and cannot connect now.
UNAVAILABLE_SQLSTATES = ("08", "57P")
# SQLite's primary result codes for a database file the server cannot use now: BUSY, LOCKED, READONLY (a file or
# directory the process may not write), IOERR, FULL (the disk) and CANTOPEN. The operator fixes these, not the client.
UNAVAILABLE_SQLITE_CODES = frozenset({5, 6, 8, 10, 13, 14})


def is_unavailable(error: DBAPIError) -> bool:
    """A lost or busy database (answer 503 and let the client retry), as opposed to a bug (500)."""
    if error.connection_invalidated:
        return True
    if not isinstance(error, OperationalError) and not isinstance(error.orig, psycopg.OperationalError):
        return False
    sqlstate = getattr(error.orig, "sqlstate", None) or ""
    if sqlstate.startswith(UNAVAILABLE_SQLSTATES):
        return True
    sqlite_code = getattr(error.orig, "sqlite_errorcode", None)
    if isinstance(sqlite_code, int) and sqlite_code & 0xFF in UNAVAILABLE_SQLITE_CODES:
        return True
    text = str(error.orig).lower()
    return any(hint in text for hint in UNAVAILABLE_HINTS)
