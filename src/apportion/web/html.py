"""Jinja2 templates of the pages (autoescaped) and the filters they format figures with."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from apportion.web.formats import compared, compared_delta, money, period, quantity, signed, trend, unit_cost, when

ENVIRONMENT = Environment(
    loader=PackageLoader("apportion.web", "templates"),
    autoescape=select_autoescape(["html"]),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)
ENVIRONMENT.filters.update(
    money=money,
    quantity=quantity,
    signed=signed,
    period=period,
    trend=trend,
    unit_cost=unit_cost,
    when=when,
    compared=compared,
    compared_delta=compared_delta,
)


# Pages hold figures for signed-in users: never cached; no script, nothing from elsewhere, never framed.
HEADERS = {
    "Cache-Control": "no-store",
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; form-action 'self'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
}


def render(request: Request, name: str, context: dict[str, Any], status_code: int = 200) -> HTMLResponse:
    """The template `name` as an HTML response; `visitor` (the signed-in user or None) and `form_token` (the CSRF
    token of the page's forms, web.access) are always defined."""
    form_token = getattr(request.state, "form_token", "")
    defaults = {"visitor": None, "request_path": request.url.path, "form_token": form_token}
    page = ENVIRONMENT.get_template(name).render({**defaults, **context})
    return HTMLResponse(page, status_code=status_code, headers=HEADERS)
