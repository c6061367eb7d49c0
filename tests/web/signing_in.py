"""Signing in to the pages the way a browser does: fetch the form (its CSRF token and sign-in cookie), post it."""

from __future__ import annotations

import re

import httpx

from tests.conftest import Api

TOKEN = re.compile(r'name="csrfToken" value="([^"]*)"')


def form_token(html: str) -> str:
    """The CSRF token of the (first) form on a page."""
    match = TOKEN.search(html)
    assert match, html
    return match.group(1)


def post_sign_in(api: Api, key: str, target: str = "/ui/workflows") -> httpx.Response:
    """Fetch the sign-in form, then send it with `key`; the response, not followed."""
    token = form_token(api.client.get(f"/ui/login?next={target}").text)
    return api.client.post(
        "/ui/login", data={"apiKey": key, "next": target, "csrfToken": token}, follow_redirects=False
    )


def sign_in(api: Api, key: str | None = None) -> None:
    """Sign in through the form with `key` (the administrator's by default)."""
    response = post_sign_in(api, key or api.admin_key)
    assert response.status_code == 303, response.text
    assert response.headers["location"] == "/ui/workflows"


def sign_out(api: Api) -> httpx.Response:
    """Send the sign-out form of a signed-in page, with its CSRF token."""
    token = form_token(api.client.get("/ui/workflows").text)
    return api.client.post("/ui/logout", data={"csrfToken": token}, follow_redirects=False)
