"""Which answer a request gets when several apply: the caller's (401, then 403, then a scoped caller's 404) before
a parameter's or a body's 400 or a path id's 404, with the caller checked in the route's own worker thread (a
scoped caller's 404: tests/api/test_scoping.py)."""

from __future__ import annotations

from typing import Annotated, Any

import anyio.to_thread
import pytest
from fastapi import Depends
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute

from apportion.api.deps import current_principal, path_ids_in_range, requires
from apportion.api.routes import ROUTERS
from apportion.services.access.auth import Principal
from tests.conftest import Api

OUT_OF_RANGE = 2**40


def test_no_key_is_a_401_before_a_bad_parameter_or_path_id(api: Api) -> None:
    for key in (None, "nope"):
        assert api.get("/api/v3/bill", key=key, params={"pageSize": "many"}).status_code == 401
        assert api.get("/api/v3/bill", key=key, params={"filter": "noSuchField equals 1"}).status_code == 401
        assert api.get(f"/api/v3/meter/{OUT_OF_RANGE}/bill", key=key).status_code == 401
        assert api.get("/api/v3/meter/x/bill", key=key).status_code == 401
        assert api.post("/api/v3/batch", key=key, json={"batchCode": 7}).status_code == 401
        assert api.post("/api/v3/batch", key=key, json=[]).status_code == 401


def test_a_refused_permission_is_a_403_before_a_bad_parameter(api: Api) -> None:
    meters = api.key_with("Meters:View")
    assert api.get("/api/v3/bill", key=meters, params={"pageSize": "many"}).status_code == 403
    assert api.get("/api/v3/bill", key=meters, params={"filter": "noSuchField equals 1"}).status_code == 403
    assert api.post("/api/v3/batch", key=meters, json={"batchCode": 7}).status_code == 403


def test_a_path_id_out_of_range_is_a_404_before_a_refused_permission(api: Api) -> None:
    meters = api.key_with("Meters:View")
    assert api.get(f"/api/v3/meter/{OUT_OF_RANGE}/bill", key=meters).status_code == 404
    assert api.get("/api/v3/bill/1", key=api.key_with(user_code="nothing")).status_code == 403


def test_with_a_valid_caller_the_parameter_is_answered(api: Api) -> None:
    viewer = api.key_with("BillsAndBatches:View")
    assert api.get("/api/v3/bill", key=viewer, params={"pageSize": "many"}).status_code == 400
    assert api.get(f"/api/v3/meter/{OUT_OF_RANGE}/bill", key=viewer).status_code == 404
    assert api.get("/api/v3/bill", key=viewer).status_code == 200


def test_the_caller_and_the_route_take_one_worker_thread(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    hops: list[str] = []
    run_sync = anyio.to_thread.run_sync

    async def counted(function: Any, *args: Any, **kwargs: Any) -> Any:
        hops.append(getattr(function, "__name__", repr(function)))
        return await run_sync(function, *args, **kwargs)

    monkeypatch.setattr(anyio.to_thread, "run_sync", counted)
    assert api.get("/api/v3/bill", params={"pageSize": 5}).status_code == 200
    assert len(hops) == 1, hops
    hops.clear()
    assert api.get("/api/v3/bill", key=None).status_code == 401
    assert len(hops) == 1, hops


def _caller_readers(dependant: Dependant) -> set[str]:
    """The dependencies under `dependant` (not the endpoint itself) that are given the caller, directly or through
    another dependency that hands it on (a `requires_...` check returns the caller it was given)."""
    readers: set[str] = set()

    def reads(node: Dependant) -> bool:
        found = False
        for sub in node.dependencies:
            if sub.call is current_principal or reads(sub):
                found = True
                if sub.call is not current_principal:
                    readers.add(getattr(sub.call, "__name__", repr(sub.call)))
        return found

    reads(dependant)
    return readers


def test_only_the_checks_and_the_routes_read_the_caller() -> None:
    # Under a WireRoute the dependencies see PENDING until the route's thread has checked the caller; a new
    # dependency reading the caller, itself or through a permission check, would see a caller with no permission
    # and nothing in scope. Any such dependency must note its check with the caller's checks (api.deps._when_known)
    # and be added here.
    readers: set[str] = set()
    routes = [route for router in ROUTERS for route in router.routes if isinstance(route, APIRoute)]
    for route in routes:
        readers |= _caller_readers(route.dependant)
    assert readers, "no dependency reads the caller: the walk is wrong"
    assert {reader for reader in readers if not reader.startswith("requires_")} <= {path_ids_in_range.__name__}


async def _given_the_caller(viewer: Annotated[Principal, Depends(requires("Bills", "View"))]) -> int:
    return viewer.user_id


def _probe(value: Annotated[int, Depends(_given_the_caller)]) -> int:
    return value


def test_the_walk_finds_a_dependency_given_the_caller_through_a_check() -> None:
    route = APIRoute("/probe", _probe)
    assert _caller_readers(route.dependant) == {"_given_the_caller", "requires_Bills_View"}


def test_no_key_is_a_401_before_a_body_that_cannot_be_read(api: Api) -> None:
    # FastAPI reads the body before any dependency: the route asks for the caller's key itself then.
    for key in (None, "nope"):
        for content in (b"{not json", b'"unterminated'):
            response = api.post("/api/v3/batch", key=key, content=content, headers={"Content-Type": "application/json"})
            assert response.status_code == 401, (key, content, response.text)
    viewer = api.key_with("BillsAndBatches:View")
    response = api.post("/api/v3/batch", key=viewer, content=b"{not json", headers={"Content-Type": "application/json"})
    assert response.status_code == 400, response.text
