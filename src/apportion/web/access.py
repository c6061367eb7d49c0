"""Who is looking at a page: the server-side session named by an HttpOnly cookie (services.page_sessions), and the
CSRF check every form that changes something goes through.

Each page asks for the same permission (name and level) as the API operation whose data it shows. The router
depends on `form_token_checked`, so no POST under /ui is handled without its form's CSRF token.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated
from urllib.parse import parse_qs

from fastapi import Depends, Request, Response
from fastapi.concurrency import run_in_threadpool

from apportion.services.access import page_sessions
from apportion.services.access.auth import Principal
from apportion.store.database import Database

COOKIE = "apportion_ui_session"
COOKIE_PATH = "/ui"
SIGN_IN_COOKIE = "apportion_ui_sign_in"
# Earlier versions kept the API key itself in this cookie (8 hours): signing in or out drops it from the browser.
FORMER_KEY_COOKIE = "apportion_ui_key"
SIGN_IN_PATH = "/ui/login"
FORM_TOKEN_FIELD = "csrfToken"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


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


def visit(request: Request) -> page_sessions.PageVisit:
    """The signed-in visitor (Unauthenticated without a live session); their CSRF token is kept on the request for
    the forms the page renders (rendering.render)."""
    found = page_sessions.visit(page_db(request), request.cookies.get(COOKIE), page_clock(request)())
    request.state.form_token = found.form_token
    return found


def page_principal(request: Request) -> Principal:
    """The user whose session the cookie names; Unauthenticated (the sign-in page) without one."""
    return visit(request).principal


Visitor = Annotated[Principal, Depends(page_principal)]


def page_requires(name: str, level: str) -> Callable[[Principal], Principal]:
    """A dependency letting the page through only when the visitor holds `name` at `level` (else the 403 page)."""

    def check(principal: Visitor) -> Principal:
        principal.require(name, level, "page")
        return principal

    check.__name__ = f"page_requires_{name}_{level}"
    return check


def home_for(principal: Principal | None) -> str:
    """The page a visitor starts from: the workflows when they may see them, else their bill imports (every
    signed-in user may open that one), so no link leads from a refusal to another refusal."""
    if principal is None:
        return SIGN_IN_PATH
    return "/ui/workflows" if principal.grants.allows("ChargebacksModule", "View") else "/ui/imports"


ChargebackViewer = Annotated[Principal, Depends(page_requires("ChargebacksModule", "View"))]
BillViewer = Annotated[Principal, Depends(page_requires("BillsAndBatches", "View"))]
ChargebackManager = Annotated[Principal, Depends(page_requires("Chargebacks", "Manage"))]
ChargebackRunner = Annotated[Principal, Depends(page_requires("Chargebacks", "Run"))]
ChargebackReverser = Annotated[Principal, Depends(page_requires("ChargebackReversals", "Manage"))]
BillCreator = Annotated[Principal, Depends(page_requires("BillsAndBatches", "Create"))]
AccountViewer = Annotated[Principal, Depends(page_requires("Accounts", "View"))]


MAX_UPLOAD_FILES = 1


def _multipart(request: Request) -> bool:
    return request.headers.get("content-type", "").startswith("multipart/form-data")


async def form_fields(request: Request) -> dict[str, str]:
    """A form body's text fields (the first value of each), url-encoded or multipart (a file upload's form)."""
    if _multipart(request):
        form = await request.form(max_files=MAX_UPLOAD_FILES)  # parsed once; Starlette keeps it on the request
        return {name: value for name, value in form.multi_items() if isinstance(value, str)}
    parsed = parse_qs((await request.body()).decode("utf-8", "replace"))
    return {name: values[0] for name, values in parsed.items() if values}


@dataclass(frozen=True)
class UploadedFile:
    """A file sent with a multipart form: its name as the browser gave it and its bytes."""

    name: str
    content: bytes


async def form_file(request: Request, field: str) -> UploadedFile | None:
    """The file sent in `field` of a multipart form, or None when the form has none (or an empty one)."""
    if not _multipart(request):
        return None
    form = await request.form(max_files=MAX_UPLOAD_FILES)
    value = form.get(field)
    if value is None or isinstance(value, str):
        return None
    content = await value.read()
    name = value.filename or ""
    return UploadedFile(name, content) if name or content else None


async def form_token_checked(request: Request) -> None:
    """Refuse (403 page) a POST whose form lacks the right CSRF token: on the sign-in form the HMAC of the value in
    its sign-in cookie, on every other form the signed-in visitor's token. Safe methods pass."""
    if request.method in SAFE_METHODS:
        return
    given = (await form_fields(request)).get(FORM_TOKEN_FIELD)
    db, now = page_db(request), page_clock(request)()
    if request.url.path == SIGN_IN_PATH:
        nonce = request.cookies.get(SIGN_IN_COOKIE)
        await run_in_threadpool(page_sessions.check_sign_in_token, db, nonce, given, now)
        return
    found = await run_in_threadpool(visit, request)
    page_sessions.check_form_token(found, given)


def set_cookie(request: Request, response: Response, name: str, value: str, path: str, max_age: int | None) -> None:
    """An HttpOnly, SameSite=Strict cookie, Secure when the request came over HTTPS."""
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        path=path,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
    )


def delete_cookie(response: Response, name: str, path: str) -> None:
    """Tell the browser to drop a cookie set by `set_cookie`."""
    response.delete_cookie(name, path=path, httponly=True, samesite="strict")
