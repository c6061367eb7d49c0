"""The API's JSON on the wire: request bodies are read with exact decimals, and response numbers are written with
every digit.

Starlette reads a JSON body with `json.loads`, which makes every number with a fraction a float: 98765432109876.54
would arrive as 98765432109876.55 before any model saw it. `WireRequest` reads it with `parse_float=Decimal`, so a
WireDecimal field gets the digits that were sent. On the way out, WireDecimal writes a decimal that a float cannot
carry as a marked string (wire_numbers.EXACT_MARK); `WireRoute` replaces each by the bare number in the body.

Every API router is a `WireRouter`, whose routes are `WireRoute`s; a test checks that none is left out. A WireRoute
whose endpoint is a plain `def` also checks the caller in the endpoint's worker thread (`api.deps.CallerChecks`).
"""

from __future__ import annotations

import inspect
import json
import re
from collections.abc import Callable, Coroutine
from decimal import Decimal
from typing import Any

from fastapi import Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.routing import APIRoute, APIRouter
from starlette._utils import get_route_path
from starlette.routing import Match
from starlette.types import Scope

from apportion.api.deps import after_caller_checks, checking_caller, reads_caller
from apportion.api.wire_numbers import EXACT_MARK, exact_numbers

_MARK = EXACT_MARK.encode("ascii")


class WireRequest(Request):
    """A request whose JSON body numbers with a fraction or exponent are Decimals, never floats."""

    async def json(self) -> object:
        """The body parsed as JSON (once), decimals exact; json.JSONDecodeError as Starlette's own reader raises."""
        if not hasattr(self, "_json"):
            self._json = json.loads(await self.body(), parse_float=Decimal)
        return self._json


class WireRoute(APIRoute):
    """An APIRoute reading its request through WireRequest and writing long decimals as exact numbers.

    A plain `def` endpoint runs the caller's checks (`api.deps.CallerChecks`) in its own worker thread before its
    body: one hop to a thread a request. When the request is answered before the endpoint runs (a 400 for its
    parameters, a 404 for a path id), the checks run first and their 401, 403 or 404 is the answer instead; when
    it is answered before any dependency ran (a body that is not JSON), the caller's key is still read first (401).
    """

    def __init__(self, path: str, endpoint: Callable[..., Any], **kwargs: Any) -> None:
        plain = inspect.isfunction(endpoint) and not (
            inspect.iscoroutinefunction(endpoint)
            or inspect.isgeneratorfunction(endpoint)
            or inspect.isasyncgenfunction(endpoint)
        )
        self.checks_caller = plain
        super().__init__(path, after_caller_checks(endpoint) if plain else endpoint, **kwargs)

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        """The framework's handler, given a WireRequest and its response's marked decimals unmarked."""
        handler = super().get_route_handler()
        checks_caller, reads = self.checks_caller, reads_caller(self.dependant)

        async def wire_handler(request: Request) -> Response:
            if checks_caller:
                checks, forget = checking_caller()
                try:
                    response = await handler(WireRequest(request.scope, request.receive))
                except Exception:
                    if reads and not checks.asked:  # answered before any dependency ran: its body was unreadable
                        checks.note_key(request)
                    if checks.pending:  # answered before the endpoint: the caller's answer comes first
                        await run_in_threadpool(checks.settle)
                    raise
                finally:
                    forget()
            else:
                response = await handler(WireRequest(request.scope, request.receive))
            body = getattr(response, "body", None)
            if isinstance(body, bytes) and _MARK in body:
                response.body = exact_numbers(body)
                response.headers["content-length"] = str(len(response.body))
            return response

        return wire_handler


_GROUP = re.compile(r"\(\?P<[^>]+>")


class WireRouter(APIRouter):
    """An APIRouter of WireRoutes that tells at once that a path is none of its routes'.

    The application tries its routers in turn, and FastAPI matches a path against every route of each router before
    the one holding it (with its own bookkeeping per route): about a millisecond of every request, more than a short
    list's SQL. One regular expression of all the router's paths answers for the routers the path is not in; the
    path is then matched as before. A WireRouter is included without a prefix (its routes carry their whole paths).
    """

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("route_class", WireRoute)
        super().__init__(**kwargs)
        self._paths: re.Pattern[str] | None = None
        self._paths_of = -1

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        """No match without looking at the routes when no route has the path; else APIRouter's own answer."""
        if len(self.routes) != self._paths_of:  # routes are added at import; counted again should one come later
            patterns = [getattr(route, "path_regex", None) for route in self.routes]
            self._paths = None
            if all(pattern is not None for pattern in patterns):
                # The paths' parameter groups are unnamed here: a name may appear in several of them.
                union = "|".join(f"(?:{_GROUP.sub('(?:', pattern.pattern)})" for pattern in patterns)  # type: ignore[union-attr]
                self._paths = re.compile(union)
            self._paths_of = len(self.routes)
        if self._paths is not None and self._paths.match(get_route_path(scope)) is None:
            return Match.NONE, {}
        return super().matches(scope)
