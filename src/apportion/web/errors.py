"""Errors on pages answer HTML: the login page for a missing key, a 403, 404 or 400 page otherwise, never JSON.

The API's handlers (api/errors.py) render every DomainError as JSON for the whole app; the pages' routes use
`PageRoute`, which turns the same errors into pages before they reach those handlers.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any
from urllib.parse import quote

from fastapi import Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse
from fastapi.routing import APIRoute

from apportion.domain.errors import DomainError, NotFound, PermissionDenied, Unauthenticated, ValidationFailed
from apportion.services.access.auth import Principal
from apportion.web.access import home_for, visit
from apportion.web.html import render


def error_page(
    request: Request, status: int, title: str, messages: list[str], visitor: Principal | None = None
) -> Response:
    """The error page with `status`, with the navigation when the visitor is signed in."""
    context = {"title": title, "messages": messages, "visitor": visitor, "home": home_for(visitor)}
    return render(request, "error.html", context, status_code=status)


def _visitor(request: Request) -> Principal | None:
    """The signed-in visitor, if any (for the navigation of an error page and its sign-out form)."""
    try:
        return visit(request).principal
    except Unauthenticated:
        return None


def login_redirect(request: Request) -> Response:
    """303 to the login page, coming back to this page afterwards."""
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse(f"/ui/login?next={quote(target, safe='')}", status_code=303)


def page_for(request: Request, error: Exception, visitor: Principal | None = None) -> Response:
    """The page answering `error` (re-raises what is not a request's fault)."""
    if isinstance(error, Unauthenticated):
        return login_redirect(request)
    if isinstance(error, PermissionDenied):
        return error_page(request, 403, "Not allowed", [error.message], visitor)
    if isinstance(error, NotFound):
        return error_page(request, 404, "Not found", [error.message], visitor)
    if isinstance(error, ValidationFailed):
        reasons = [f"{field}: {reason}" for field, items in error.errors.items() for reason in items]
        return error_page(request, 400, "Invalid request", reasons or [error.message], visitor)
    if isinstance(error, DomainError):
        return error_page(request, 400, "Invalid request", [error.message], visitor)
    if isinstance(error, RequestValidationError):
        # A path id that is not a number names nothing; a bad query value is the visitor's to fix.
        if any(e.get("loc", ("",))[0] == "path" for e in error.errors()):
            return error_page(request, 404, "Not found", [f"Nothing is at {request.url.path}."], visitor)
        reasons = [f"{'.'.join(str(p) for p in e.get('loc', ())[1:])}: {e.get('msg')}" for e in error.errors()]
        return error_page(request, 400, "Invalid request", reasons, visitor)
    raise error


class PageRoute(APIRoute):
    """An APIRoute whose domain and validation errors (from the handler or its dependencies) become pages."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        """The framework's handler wrapped in page_for()."""
        handler = super().get_route_handler()

        async def page_handler(request: Request) -> Response:
            try:
                return await handler(request)
            except (DomainError, RequestValidationError) as error:
                signed_in = None if isinstance(error, Unauthenticated) else await run_in_threadpool(_visitor, request)
                return page_for(request, error, signed_in)
            finally:
                await request.close()  # an uploaded file's spooled copy, whether the form was used or refused

        return page_handler
