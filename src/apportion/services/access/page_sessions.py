"""Sessions of the pages (/ui): sign in with an API key, a signed session cookie checked server-side, CSRF tokens.

Signing in checks the key as the API does and starts a session: a random 256-bit token, of which the database keeps
only the SHA-256 digest. The visitor's cookie holds the token and its HMAC-SHA256 signature under the pages' signing
secret (drawn at random once per database and kept in it, so every API process agrees on it); a cookie whose
signature does not match is refused before any look-up. A session ends when its visitor signs out (its row is
deleted: the old cookie no longer works), after IDLE_TIMEOUT without a page view, or when the API key it was
signed in with, or that key's user, is deleted or deactivated.

Every form that changes something carries a CSRF token the server checks: for a signed-in visitor the HMAC of the
session token (`form_token`), for the sign-in form the HMAC of a random value kept in a short-lived cookie of the
sign-in page (`sign_in_challenge`, the signed double-submit pattern). A page of another site can read neither.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from apportion.domain.errors import PermissionDenied, Unauthenticated
from apportion.services.access import auth
from apportion.services.access.auth import Principal
from apportion.store import credentials
from apportion.store.database import Database

IDLE_TIMEOUT = timedelta(minutes=30)
# A session's last use is written at most this often, so page views are reads.
TOUCH_INTERVAL = timedelta(minutes=1)
SIGN_IN_CHALLENGE_SECONDS = 2 * 3600
FORM_EXPIRED = "This form has expired or did not come from this site: reload the page and send it again."


@dataclass(frozen=True)
class PageVisit:
    """A signed-in visitor: who they are and the CSRF token their forms must carry."""

    principal: Principal
    form_token: str


def _digest(secret: str, purpose: str, value: str) -> str:
    mac = hmac.new(secret.encode("ascii"), f"{purpose}:{value}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac).decode("ascii").rstrip("=")


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _secret(db: Database, now: datetime) -> str:
    with db.bookkeeping() as session:
        return credentials.signing_secret(session, secrets.token_hex(32), now)


def _same(given: str | None, expected: str) -> bool:
    return given is not None and hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))


def sign_in(db: Database, api_key: str, now: datetime) -> str:
    """Start a session for the key's user (Unauthenticated for an unknown key or inactive user); returns the cookie
    value. Sessions idle for longer than IDLE_TIMEOUT are removed on the way."""
    holder = auth.key_holder(db, api_key.strip())
    secret = _secret(db, now)
    token = secrets.token_urlsafe(32)
    with db.bookkeeping() as session:
        credentials.remove_idle_sessions(session, now - IDLE_TIMEOUT)
        credentials.add_session(session, _token_hash(token), holder, now)
    return f"{token}.{_digest(secret, 'session', token)}"


def _token(secret: str, cookie: str | None) -> str:
    """The session token of a cookie whose signature holds, else Unauthenticated."""
    token, _, signature = (cookie or "").partition(".")
    if not token or not _same(signature, _digest(secret, "session", token)):
        raise Unauthenticated()
    return token


def visit(db: Database, cookie: str | None, now: datetime) -> PageVisit:
    """The visitor behind a session cookie, or Unauthenticated (no cookie, a forged one, a session that ended or
    went idle, an inactive user); an idle session is removed."""
    if not cookie:
        raise Unauthenticated()
    secret = _secret(db, now)
    token = _token(secret, cookie)
    with db.reading() as session:
        found = credentials.session_holder(session, _token_hash(token))
    if found is None:
        raise Unauthenticated()
    if now - found.last_seen > IDLE_TIMEOUT or not found.holder.active:
        with db.bookkeeping() as session:
            credentials.remove_session(session, _token_hash(token))
        raise Unauthenticated()
    if now - found.last_seen >= TOUCH_INTERVAL:
        with db.bookkeeping() as session:
            credentials.touch_session(session, found.session_id, now)
    return PageVisit(auth.principal(found.holder), _digest(secret, "form", token))


def sign_out(db: Database, cookie: str | None, now: datetime) -> None:
    """End the cookie's session (nothing to do without a valid one)."""
    try:
        token = _token(_secret(db, now), cookie)
    except Unauthenticated:
        return
    with db.bookkeeping() as session:
        credentials.remove_session(session, _token_hash(token))


def check_form_token(visit_: PageVisit, given: str | None) -> None:
    """PermissionDenied unless a signed-in visitor's form carries their CSRF token."""
    if not _same(given, visit_.form_token):
        raise PermissionDenied(FORM_EXPIRED)


def sign_in_challenge(db: Database, nonce: str | None, now: datetime) -> tuple[str, str]:
    """The sign-in form's (cookie value, CSRF token): the cookie's random value (a new one unless `nonce` is given)
    and its HMAC, which only this server can compute."""
    value = nonce or secrets.token_urlsafe(32)
    return value, _digest(_secret(db, now), "sign-in", value)


def check_sign_in_token(db: Database, nonce: str | None, given: str | None, now: datetime) -> None:
    """PermissionDenied unless the sign-in form's token is the HMAC of the value in its cookie."""
    if not nonce or not _same(given, _digest(_secret(db, now), "sign-in", nonce)):
        raise PermissionDenied(FORM_EXPIRED)
