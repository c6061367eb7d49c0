"""The digest's read cache: an answer is served again only while no write has committed since it was built."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update

from apportion.api.app import create_app
from apportion.runtime.read_cache import ReadCache
from apportion.settings import Settings
from apportion.store.database import Database
from apportion.store.models.organisation import Meter
from tests.api import master_builders as mb
from tests.conftest import NOW, Api
from tests.support import chargeback_builders as cb
from tests.support import digest_builders as dg

URL = "/api/v3/chargebackWorkflow/{}/digest"


def _calculated_meter(api: Api) -> tuple[int, int, int, int]:
    """A calculation step whose one task for 202403 billed meter CALC 100 kWh / 20.00: (step, task, account, meter)."""
    account_id, meter_id = mb.linked_meters(api, "CALC")["CALC"]
    step_id = cb.workflow_step(api.db, "Calculation", info="Cached")
    version_id = cb.version(api.db, "Calculation", account_id, meter_id, step_id=step_id)
    task_id = dg.task(api.db, step_id, 202403, kind="Calculation", version_ids=[version_id])
    dg.bill(api.db, account_id, meter_id, 202403, "100", "20.00", task_id=task_id, version_id=version_id)
    return step_id, task_id, account_id, meter_id


def _current_cost(api: Api, step_id: int) -> object:
    response = api.get(URL.format(step_id), params={"billingPeriod": 202403})
    assert response.status_code == 200, response.text
    (line,) = response.json()["results"]
    return line["currentPeriod"]["cost"]["cost"]


def test_revision_advances_with_each_committed_write_and_only_then(db: Database) -> None:
    start = db.current_revision()
    with db.reading() as session:
        session.execute(update(Meter).values(meter_info="never committed"))
    assert db.current_revision() == start

    def failing_unit_of_work() -> None:
        with db.transaction() as session:
            session.execute(update(Meter).values(meter_info="rolled back"))
            raise RuntimeError("the unit of work fails")

    with pytest.raises(RuntimeError):
        failing_unit_of_work()
    assert db.current_revision() == start
    with db.transaction():
        pass
    after_one = db.current_revision()
    with db.transaction():
        pass
    assert len({start, after_one, db.current_revision()}) == 3
    # The epoch part tells databases apart even at equal counts.
    epoch = start.split(":")[0]
    assert len(epoch) == 32
    assert after_one.split(":")[0] == epoch


def test_digest_is_served_again_until_a_write_changes_it(api: Api) -> None:
    step_id, task_id, account_id, meter_id = _calculated_meter(api)
    cache: ReadCache = api.client.app.state.read_cache  # type: ignore[attr-defined]
    assert _current_cost(api, step_id) == 20
    hits = cache.hits
    assert _current_cost(api, step_id) == 20
    assert cache.hits == hits + 1

    # A vendor bill for the meter through the API: the next digest counts it.
    dg.bill(api.db, account_id, meter_id, 202403, "50", "5.50")
    assert _current_cost(api, step_id) == 25.5
    # Voiding the task through the API: its bill leaves the totals, and the task no longer stands for the period.
    assert api.post(f"/api/v3/chargebackTask/{task_id}/void").status_code == 204
    assert api.get(URL.format(step_id), params={"billingPeriod": 202403}).json()["results"] == []


@pytest.fixture
def second_process(api: Api) -> Iterator[TestClient]:
    """Another API process on the same database: its own app, its own cache."""
    app = create_app(Settings(database_url=api.db.url), database=Database(api.db.url), clock=lambda: NOW)
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client
    app.state.db.dispose()


def test_a_write_through_another_process_is_seen_at_once(api: Api, second_process: TestClient) -> None:
    step_id, _task_id, account_id, meter_id = _calculated_meter(api)
    vendor_bill = dg.bill(api.db, account_id, meter_id, 202403, "50", "5.50")
    assert _current_cost(api, step_id) == 25.5
    assert _current_cost(api, step_id) == 25.5  # now kept by the first process
    voided = second_process.put(
        "/api/v3/bill/void", json={"ids": [vendor_bill], "void": True}, headers={"ECI-ApiKey": api.admin_key}
    )
    assert voided.json() == {"selected": 1, "updated": 1}
    assert _current_cost(api, step_id) == 20


def test_entries_beyond_the_byte_budget_are_evicted_oldest_first(db: Database) -> None:
    cache = ReadCache(max_bytes=10)
    built: list[str] = []

    def build(value: bytes) -> bytes:
        built.append(value.decode())
        return value

    assert cache.get_or_build(db, "a", lambda: build(b"aaaa")) == b"aaaa"
    assert cache.get_or_build(db, "b", lambda: build(b"bbbb")) == b"bbbb"
    assert cache.get_or_build(db, "a", lambda: build(b"xxxx")) == b"aaaa"  # kept; now the most recent
    assert cache.get_or_build(db, "c", lambda: build(b"cccc")) == b"cccc"  # 12 bytes: "b" goes
    assert cache.get_or_build(db, "a", lambda: build(b"xxxx")) == b"aaaa"
    assert cache.get_or_build(db, "b", lambda: build(b"BBBB")) == b"BBBB"
    assert cache.get_or_build(db, "big", lambda: build(b"z" * 11)) == b"z" * 11  # larger than the budget: not kept
    assert cache.get_or_build(db, "big", lambda: build(b"Z" * 11)) == b"Z" * 11
    assert built == ["aaaa", "bbbb", "cccc", "BBBB", "z" * 11, "Z" * 11]
    with db.transaction():
        pass
    assert cache.get_or_build(db, "a", lambda: build(b"new")) == b"new"


def test_a_failed_build_keeps_nothing(db: Database) -> None:
    cache = ReadCache(max_bytes=100)

    def failing() -> bytes:
        raise LookupError("no such step")

    with pytest.raises(LookupError):
        cache.get_or_build(db, "k", failing)
    assert cache.get_or_build(db, "k", lambda: b"built") == b"built"


def test_budget_zero_keeps_nothing(db: Database) -> None:
    cache = ReadCache(max_bytes=0)
    assert cache.get_or_build(db, "k", lambda: b"one") == b"one"
    assert cache.get_or_build(db, "k", lambda: b"two") == b"two"
