"""The API's JSON on the wire: request bodies are read with exact decimals, and response numbers are written with
every digit.

Starlette reads a JSON body with `json.loads`, which makes every number with a fraction a float: 98765432109876.54
would arrive as 98765432109876.55 before any model saw it. `WireRequest` reads it with `parse_float=Decimal`, so a
WireDecimal field gets the digits that were sent. On the way out, WireDecimal writes a decimal that a float cannot
carry as a marked string (schemas.base.EXACT_MARK); `WireRoute` replaces each by the bare number in the body.

Every API router uses `WireRoute` (its route_class); a test checks that none is left out.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Coroutine
from decimal import Decimal
from typing import Any

from fastapi import Request, Response
from fastapi.routing import APIRoute

from apportion.api.schemas.base import EXACT_MARK

_MARK = EXACT_MARK.encode("ascii")
_MARKED = re.compile(b'"' + re.escape(_MARK) + rb'(-?[0-9]+(?:\.[0-9]+)?)"')


class WireRequest(Request):
    """A request whose JSON body numbers with a fraction or exponent are Decimals, never floats."""

    async def json(self) -> object:
        """The body parsed as JSON (once), decimals exact; json.JSONDecodeError as Starlette's own reader raises."""
        if not hasattr(self, "_json"):
            self._json = json.loads(await self.body(), parse_float=Decimal)
        return self._json


def exact_numbers(body: bytes) -> bytes:
    """A JSON body with every marked decimal string written as the number it holds."""
    if _MARK not in body:
        return body
    return _MARKED.sub(rb"\1", body)


class WireRoute(APIRoute):
    """An APIRoute reading its request through WireRequest and writing long decimals as exact numbers."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        """The framework's handler, given a WireRequest and its response's marked decimals unmarked."""
        handler = super().get_route_handler()

        async def wire_handler(request: Request) -> Response:
            response = await handler(WireRequest(request.scope, request.receive))
            body = getattr(response, "body", None)
            if isinstance(body, bytes) and _MARK in body:
                response.body = exact_numbers(body)
                response.headers["content-length"] = str(len(response.body))
            return response

        return wire_handler
