"""Idempotency-Key on processor and import requests: a retried request with the same key returns the first one's
answer (its task) instead of running again (docs/chargebacks.md "Re-runs replace, never add").

The key is the client's (at most 255 printable characters) and is scoped to its user. The same key with another
request (another operation or body) is refused with a 400. A retry that arrives while the first request is still
running waits for its answer; if the first request failed, the key is released and the retry runs.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from typing import Any, TypeVar

from apportion.domain.errors import RuleViolation, ValidationFailed
from apportion.store import idempotency
from apportion.store.database import Database

HEADER = "Idempotency-Key"
MAX_KEY = 255
WAIT_SECONDS = 120.0  # how long a retry waits for a first request still running
ABANDONED = timedelta(hours=1)  # a reservation running this long belongs to a process that died: a retry takes it
T = TypeVar("T")


def check_key(key: str | None) -> str | None:
    """The key as given, or a 400 naming the header when it is empty, too long or not printable."""
    if key is None:
        return None
    if not key or len(key) > MAX_KEY or not key.isprintable():
        raise ValidationFailed.single(HEADER, f"{HEADER} must be 1 to {MAX_KEY} printable characters.")
    return key


def request_hash(operation: str, document: Mapping[str, Any]) -> str:
    """A digest of the operation and its request body, to tell a retry from another request under the same key."""
    canonical = json.dumps({"operation": operation, "body": document}, sort_keys=True, default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def once(
    db: Database,
    user_id: int,
    key: str | None,
    operation: str,
    document: Mapping[str, Any],
    run: Callable[[], T],
    encode: Callable[[T], dict[str, Any]],
    decode: Callable[[dict[str, Any]], T],
    clock: Callable[[], datetime],
    wait_seconds: float = WAIT_SECONDS,
) -> T:
    """Run the request once per key: the first request with a key runs and its answer is kept; a retry gets it."""
    key = check_key(key)
    if key is None:
        return run()
    digest = request_hash(operation, document)
    deadline = time.monotonic() + wait_seconds
    while True:
        with db.transaction() as session:
            now = clock()
            reserved = idempotency.reserve(session, user_id, key, operation, digest, now)
            record = None if reserved else idempotency.find(session, user_id, key)
            if (
                record is not None
                and record.result is None
                and (record.operation, record.request_hash)
                == (
                    operation,
                    digest,
                )
            ):
                reserved = idempotency.take_over(session, user_id, key, now, now - ABANDONED)
        if reserved:
            break
        if record is not None:
            if (record.operation, record.request_hash) != (operation, digest):
                raise RuleViolation(
                    f"{HEADER} '{key}' was used on {record.created_date:%Y-%m-%d %H:%M:%S} for another request; "
                    "use a new key for a new request.",
                    field=HEADER,
                )
            if record.result is not None:
                return decode(record.result)
        if time.monotonic() > deadline:
            raise RuleViolation(f"The request with {HEADER} '{key}' is still running; try again later.", field=HEADER)
        time.sleep(0.2)
    try:
        answer = run()
    except BaseException:
        with db.transaction() as session:
            idempotency.release(session, user_id, key)
        raise
    with db.transaction() as session:
        idempotency.complete(session, user_id, key, encode(answer))
    return answer


def tasks_once(
    db: Database,
    user_id: int,
    key: str | None,
    operation: str,
    document: Mapping[str, Any],
    run: Callable[[], list[int]],
    clock: Callable[[], datetime],
) -> list[int]:
    """`once` for a processor request: the chargeback task ids it started."""
    return once(db, user_id, key, operation, document, run, lambda ids: {"taskIds": ids}, _task_ids, clock)


def _task_ids(kept: dict[str, Any]) -> list[int]:
    return [int(i) for i in kept["taskIds"]]


def import_once(
    db: Database,
    user_id: int,
    key: str | None,
    operation: str,
    document: Mapping[str, Any],
    run: Callable[[], str],
    clock: Callable[[], datetime],
) -> str:
    """`once` for an import request: the GUID of the import task it started."""
    return once(
        db, user_id, key, operation, document, run, lambda guid: {"taskGuid": guid}, lambda k: str(k["taskGuid"]), clock
    )
