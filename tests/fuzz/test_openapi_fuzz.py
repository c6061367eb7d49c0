"""Schemathesis against the app's own OpenAPI schema: no request may get a 5xx, and every response, errors included
(api/openapi.py documents them), must match the schema the app publishes for it.

Every operation gets the schema's examples, schemathesis's coverage cases (valid values only: boundaries, enums,
missing optional fields) and EXAMPLES generated requests, valid and invalid, derandomized so a run is repeatable.
SQLite only, on a database holding the small demo campus; about 30-40 s on a busy 2-core machine.

The nightly-sized run (README, "Longer runs") sets APPORTION_FUZZ_EXAMPLES (e.g. 200) and APPORTION_FUZZ_FULL=1: the
coverage phase's invalid cases too, and hypothesis's target and shrink phases; the stateful test's chains of linked
calls go from 10 to 200 (APPORTION_FUZZ_STATEFUL_EXAMPLES sets them alone).
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from apportion.api.app import create_app
from apportion.domain.errors import Unauthenticated
from apportion.domain.permissions import Grants
from apportion.services.access import auth
from apportion.services.demo import campus
from apportion.settings import Settings
from apportion.store.database import Database
from apportion.store.migrate import upgrade

NOW = datetime(2024, 6, 15, 9, 30)
EXAMPLES = int(os.environ.get("APPORTION_FUZZ_EXAMPLES", "8"))
FULL = os.environ.get("APPORTION_FUZZ_FULL") == "1"
PHASES = list(Phase) if FULL else [Phase.explicit, Phase.generate]


_DIRECTORY = Path(tempfile.mkdtemp(prefix="apportion-fuzz-"))
atexit.register(shutil.rmtree, _DIRECTORY, ignore_errors=True)
_DB = Database(f"sqlite:///{_DIRECTORY}/fuzz.db")
_APP = create_app(Settings(database_url=_DB.url), database=_DB, clock=lambda: NOW)
# The schema is read at collection (from the app's /openapi.json, which needs no database).
schema = schemathesis.openapi.from_asgi("/openapi.json", _APP)
# Invalid inputs come from the generated requests; the coverage phase's own invalid cases would double the time.
if not FULL:
    schema.config.phases.coverage.generation.update(modes=[schemathesis.GenerationMode.POSITIVE])


class AdminKey:
    """An administrator's key that stays valid: the fuzzer may delete API keys or deactivate users, so a key that
    no longer authenticates is replaced by a new administrator's before the next request."""

    def __init__(self, db: Database) -> None:
        self.db, self.minted, self.key = db, 0, ""

    def current(self) -> str:
        """A key that authenticates now."""
        try:
            auth.authenticate(self.db, self.key)
        except Unauthenticated:
            self.minted += 1
            code = f"fuzzadmin{self.minted}"
            self.key = auth.create_user_with_key(self.db, code, code, Grants.everything(), NOW)[1]
        return self.key


@pytest.fixture(scope="module")
def admin_key() -> Iterator[AdminKey]:
    """Migrate the fuzzed app's database, load the small demo campus, and keep an administrator's key."""
    upgrade(_DB.engine)
    demo_admin = auth.create_user_with_key(_DB, "admin", "Administrator", Grants.everything(), NOW)[1]
    campus.load_campus(_DB, NOW, meters=3)
    key = AdminKey(_DB)
    key.key = demo_admin
    try:
        yield key
    finally:
        _DB.dispose()


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
    database=None,
    phases=PHASES,
)
def test_no_server_errors_and_responses_match_the_schema(case: schemathesis.Case, admin_key: AdminKey) -> None:
    # The generated ECI-ApiKey header (the schema declares it on every operation) is replaced by a valid key.
    case.headers = {**(case.headers or {}), "ECI-ApiKey": admin_key.current()}
    case.call_and_validate(checks=[not_a_server_error, response_schema_conformance])


# Stateful: schemathesis infers links between operations from the schema (an id a response holds feeds the path
# parameter of another operation), so sequences reach real records instead of 404s: create a vendor, read it, edit
# it, delete it. CI runs a few short scenarios; the nightly-sized run, STATEFUL_EXAMPLES of them.
STATEFUL_EXAMPLES = int(os.environ.get("APPORTION_FUZZ_STATEFUL_EXAMPLES", "200" if FULL else "10"))


class LinkedCalls(schema.as_state_machine()):  # type: ignore[misc]
    """Chains of linked calls, each with a valid administrator's key, checked as the single calls are."""

    key: AdminKey

    def get_call_kwargs(self, case: schemathesis.Case) -> dict[str, object]:
        return {"headers": {**(case.headers or {}), "ECI-ApiKey": self.key.current()}}

    def validate_response(self, response: schemathesis.Response, case: schemathesis.Case, **kwargs: object) -> None:
        checks = [not_a_server_error, response_schema_conformance]
        case.validate_response(response, checks=checks, transport_kwargs=kwargs)


def test_linked_calls_get_no_server_errors_and_match_the_schema(admin_key: AdminKey) -> None:
    LinkedCalls.key = admin_key
    LinkedCalls.run(
        settings=settings(
            max_examples=STATEFUL_EXAMPLES,
            stateful_step_count=6,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            derandomize=True,
            database=None,
        )
    )
