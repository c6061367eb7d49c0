"""The pages' sessions: the cookie names a server-side session (never the key), signing out or idling ends it, and
every form that changes something carries a CSRF token the server checks."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update

from apportion.api.app import create_app
from apportion.domain.permissions import Grants
from apportion.services.access import auth, page_sessions
from apportion.settings import Settings
from apportion.store.database import Database
from apportion.store.models.users import PageSession, User
from apportion.web.access import COOKIE, FORMER_KEY_COOKIE, SIGN_IN_COOKIE
from tests.conftest import NOW, Api
from tests.support.apps import client_on
from tests.web.signing_in import form_token, post_sign_in, sign_in, sign_out


class Clock:
    """The app's clock, moved by the test."""

    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def pages(db: Database, clock: Clock) -> Iterator[Api]:
    """The app on the test database with a clock the test moves."""
    _user_id, key = auth.create_user_with_key(db, "admin", "Administrator", Grants.everything(), NOW)
    with client_on(db, clock=clock) as client:
        yield Api(client, db, key)


def _signed_in(api: Api, url: str = "/ui/workflows") -> bool:
    response = api.client.get(url, follow_redirects=False)
    if response.status_code == 303:
        assert response.headers["location"].startswith("/ui/login")
        return False
    assert response.status_code == 200, response.text
    return True


def test_the_cookie_names_a_session_not_the_key_and_only_its_digest_is_stored(pages: Api) -> None:
    sign_in(pages)
    cookie = pages.client.cookies[COOKIE]
    assert pages.admin_key not in cookie
    token = cookie.partition(".")[0]
    with pages.db.reading() as session:
        (stored,) = session.execute(select(PageSession)).scalars()
    assert stored.token_hash not in cookie
    assert token not in stored.token_hash
    # The key itself does not open the pages, in the new cookie or the old one's place.
    pages.client.cookies.set(COOKIE, pages.admin_key)
    assert not _signed_in(pages)
    pages.client.cookies.clear()
    pages.client.cookies.set(FORMER_KEY_COOKIE, pages.admin_key, path="/ui")
    assert not _signed_in(pages)


def test_signing_in_and_out_drops_the_cookie_that_held_the_key_in_earlier_versions(pages: Api) -> None:
    pages.client.cookies.set(FORMER_KEY_COOKIE, pages.admin_key, path="/ui")
    for response in (post_sign_in(pages, pages.admin_key), sign_out(pages)):
        dropped = [c for c in response.headers.get_list("set-cookie") if c.startswith(f"{FORMER_KEY_COOKIE}=")]
        assert len(dropped) == 1
        assert "max-age=0" in dropped[0].lower()


def test_signing_out_revokes_the_session_wherever_its_cookie_went(pages: Api) -> None:
    sign_in(pages)
    copied = pages.client.cookies[COOKIE]
    assert sign_out(pages).status_code == 303
    with pages.db.reading() as session:
        assert session.execute(select(PageSession)).first() is None
    pages.client.cookies.set(COOKIE, copied, path="/ui")
    assert not _signed_in(pages)


def test_a_forged_or_altered_cookie_is_refused(pages: Api) -> None:
    sign_in(pages)
    token, _, signature = pages.client.cookies[COOKIE].partition(".")
    for forged in (token, f"{token}.{signature[:-2]}AA", f"{token[:-2]}AA.{signature}", "", "."):
        pages.client.cookies.set(COOKIE, forged, path="/ui")
        assert not _signed_in(pages)


def test_a_session_ends_after_the_idle_time_and_page_views_keep_it_alive(pages: Api, clock: Clock) -> None:
    sign_in(pages)
    idle = page_sessions.IDLE_TIMEOUT
    clock.now = NOW + idle - timedelta(minutes=1)
    assert _signed_in(pages)  # a page view: the idle time starts again from here
    clock.now += idle - timedelta(minutes=1)
    assert _signed_in(pages)
    clock.now += idle + timedelta(seconds=1)
    assert not _signed_in(pages)
    with pages.db.reading() as session:
        assert session.execute(select(PageSession)).first() is None  # the idle session is gone, not just refused


def test_deleting_the_key_or_deactivating_its_user_ends_the_session(pages: Api) -> None:
    key = pages.key_with("ChargebacksModule:View", user_code="viewer")
    sign_in(pages, key)
    (listed,) = [k for k in pages.get("/api/v3/apiKey").json() if k["createdBy"]["userCode"] == "viewer"]
    assert pages.delete(f"/api/v3/apiKey/{listed['apiKeyId']}").status_code == 204
    assert not _signed_in(pages)

    other = pages.key_with("ChargebacksModule:View", user_code="other")
    sign_in(pages, other)
    with pages.db.transaction() as session:  # the API has no user edit; an administrator's SQL stands in for it
        session.execute(update(User).where(User.user_code == "other").values(active=False))
    assert not _signed_in(pages)


def test_the_sign_in_form_needs_its_csrf_token_and_cookie(pages: Api) -> None:
    html = pages.client.get("/ui/login").text
    token = form_token(html)
    assert pages.client.cookies.get(SIGN_IN_COOKIE)
    for data in (
        {"apiKey": pages.admin_key},
        {"apiKey": pages.admin_key, "csrfToken": ""},
        {"apiKey": pages.admin_key, "csrfToken": token[:-2] + "AA"},
    ):
        refused = pages.client.post("/ui/login", data=data, follow_redirects=False)
        assert refused.status_code == 403, refused.text
        assert "did not come from this site" in refused.text
        assert COOKIE not in refused.headers.get("set-cookie", "")
    # The right token without the cookie it belongs to (a form posted from another site) is refused too.
    nonce = pages.client.cookies[SIGN_IN_COOKIE]
    pages.client.cookies.delete(SIGN_IN_COOKIE)
    data = {"apiKey": pages.admin_key, "csrfToken": token}
    assert pages.client.post("/ui/login", data=data, follow_redirects=False).status_code == 403
    pages.client.cookies.set(SIGN_IN_COOKIE, nonce, path="/ui/login")
    accepted = pages.client.post("/ui/login", data=data, follow_redirects=False)
    assert accepted.status_code == 303, accepted.text
    # Signing in drops the sign-in cookie: the session's is the only one left.
    assert any(c.startswith(f"{SIGN_IN_COOKIE}=") and "Max-Age=0" in c for c in accepted.headers.get_list("set-cookie"))


def test_the_sign_out_form_needs_the_sessions_csrf_token(pages: Api) -> None:
    sign_in(pages)
    for data in ({}, {"csrfToken": ""}, {"csrfToken": "not the token"}):
        refused = pages.client.post("/ui/logout", data=data, follow_redirects=False)
        assert refused.status_code == 403, refused.text
        assert _signed_in(pages)  # a refused sign-out leaves the session alone
    # Another visitor's token is not this visitor's.
    stranger = Api(TestClient(pages.client.app, raise_server_exceptions=False), pages.db, pages.admin_key)
    sign_in(stranger)
    theirs = form_token(stranger.client.get("/ui/workflows").text)
    assert pages.client.post("/ui/logout", data={"csrfToken": theirs}, follow_redirects=False).status_code == 403
    assert _signed_in(pages)
    assert sign_out(pages).status_code == 303
    assert not _signed_in(pages)
    assert _signed_in(stranger)


def test_cookies_are_secure_over_https(db: Database) -> None:
    app = create_app(Settings(database_url=db.url), database=db, clock=lambda: NOW)
    _user_id, key = auth.create_user_with_key(db, "admin", "Administrator", Grants.everything(), NOW)
    with TestClient(app, base_url="https://testserver") as client:
        form = client.get("/ui/login")
        assert "secure" in form.headers["set-cookie"].lower()
        data = {"apiKey": key, "next": "/ui/workflows", "csrfToken": form_token(form.text)}
        accepted = client.post("/ui/login", data=data, follow_redirects=False)
        (cookie,) = [c for c in accepted.headers.get_list("set-cookie") if c.startswith(f"{COOKIE}=")]
        assert "secure" in cookie.lower()
