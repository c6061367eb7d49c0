"""Who is looking at a page: the API key kept in an HttpOnly cookie, checked as the API checks its header.

The login form stores the key in the cookie; each page resolves it with `services.auth.authenticate` and asks for
the same permission (name and level) as the API operation whose data it shows.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Annotated

from fastapi import Depends, Request

from apportion.services.auth import Principal, authenticate
from apportion.store.database import Database

COOKIE = "apportion_ui_key"
COOKIE_PATH = "/ui"


def page_db(request: Request) -> Database:
    """The app's database (create_app keeps it on the app state)."""
    db: Database = request.app.state.db
    return db


def page_clock(request: Request) -> Callable[[], datetime]:
    """The app's clock."""
    clock: Callable[[], datetime] = request.app.state.clock
    return clock


DbDep = Annotated[Database, Depends(page_db)]
ClockDep = Annotated[Callable[[], datetime], Depends(page_clock)]


def page_principal(request: Request, db: DbDep) -> Principal:
    """The user whose key is in the cookie; Unauthenticated (the login page) without a known key."""
    return authenticate(db, request.cookies.get(COOKIE))


Visitor = Annotated[Principal, Depends(page_principal)]


def page_requires(name: str, level: str) -> Callable[[Principal], Principal]:
    """A dependency letting the page through only when the visitor holds `name` at `level` (else the 403 page)."""

    def check(principal: Visitor) -> Principal:
        principal.require(name, level, "page")
        return principal

    check.__name__ = f"page_requires_{name}_{level}"
    return check


ChargebackViewer = Annotated[Principal, Depends(page_requires("ChargebacksModule", "View"))]
BillViewer = Annotated[Principal, Depends(page_requires("BillsAndBatches", "View"))]
ChargebackManager = Annotated[Principal, Depends(page_requires("Chargebacks", "Manage"))]
