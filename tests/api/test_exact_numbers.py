"""Numbers are exact end to end: a JSON number in a request body is read as a Decimal, stored exactly (SQLite too)
and written back with every digit, for any value within the documented limits (costs below 10^16 with 2 decimals,
quantities below 10^18 with 6 decimals)."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from typing import Any

from fastapi.routing import APIRoute
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from starlette.routing import Match

from apportion.api.app import create_app
from apportion.api.routes import ROUTERS
from apportion.api.schemas.base import EXACT_MARK
from apportion.api.wire import WireRoute, WireRouter
from apportion.settings import Settings
from tests.api.test_bills import COST, DEMAND, KW, KWH, USE, Site, body
from tests.conftest import Api

COSTS = st.decimals(min_value=Decimal("-9999999999999999.99"), max_value=Decimal("9999999999999999.99"), places=2)
QUANTITIES = st.decimals(
    min_value=Decimal("-999999999999999999.999999"), max_value=Decimal("999999999999999999.999999"), places=6
)
# The edges, and values a float cannot carry (the issue's 98765432109876.54 came back as .55).
EDGE_COSTS = ["9999999999999999.99", "-9999999999999999.99", "98765432109876.54", "0.01", "-0.01", "0.00"]
EDGE_QUANTITIES = ["999999999999999999.999999", "-999999999999999999.999999", "123456789.123456", "0.000001"]


def _numbers_in(text: str, **numbers: Decimal) -> bytes:
    """A JSON body whose "@name@" strings are replaced by bare JSON numbers with the decimals' exact digits."""
    for name, value in numbers.items():
        text = text.replace(f'"@{name}@"', f"{value:f}")
    return text.encode()


def _exact(response: Any) -> Any:
    """A response body read with exact decimals, after checking the mark never reaches a client."""
    assert response.status_code == 200, response.text
    assert EXACT_MARK not in response.text
    return json.loads(response.text, parse_float=Decimal)


def _bill_with(api: Api, site: Site, use: Decimal, cost: Decimal, demand: Decimal) -> int:
    lines = [
        {"observationTypeId": USE, "caption": "Energy", "value": "@use@", "valueUnitId": KWH, "cost": "@cost@"},
        {"observationTypeId": DEMAND, "caption": "Peak", "value": "@demand@", "valueUnitId": KW},
    ]
    payload = json.dumps(body(site.e, [{"meterId": site.m1, "bodyLines": lines}]))
    content = _numbers_in(payload, use=use, cost=cost, demand=demand)
    response = api.post("/api/v3/bill", content=content, headers={"Content-Type": "application/json"})
    return int(_exact(response)["billId"])


def _read_back(api: Api, site: Site, bill_id: int) -> tuple[Decimal, Decimal, Decimal, Decimal]:
    """(total cost, the meter's cost, use and demand) of the bill as the API answers them."""
    bill = _exact(api.get(f"/api/v3/bill/{bill_id}"))
    (on_meter,) = [b for b in _exact(api.get(f"/api/v3/meter/{site.m1}/bill")) if b["billId"] == bill_id]
    return bill["totalCost"], on_meter["cost"], on_meter["usage"], on_meter["actualDemand"]


def test_bill_figures_round_trip_exactly_within_the_limits(api: Api) -> None:
    site = Site(api)

    def round_trip(use: Decimal, cost: Decimal, demand: Decimal) -> None:
        bill_id = _bill_with(api, site, use, cost, demand)
        assert _read_back(api, site, bill_id) == (cost, cost, use, demand)
        assert api.post("/api/v3/bill/delete", json={"ids": [bill_id]}).status_code == 200

    for cost, use in zip(EDGE_COSTS, EDGE_QUANTITIES * 2, strict=False):
        round_trip(Decimal(use), Decimal(cost), Decimal(use))

    @settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(use=QUANTITIES, cost=COSTS, demand=QUANTITIES)
    def check(use: Decimal, cost: Decimal, demand: Decimal) -> None:
        round_trip(use, cost, demand)

    check()


def test_the_issues_amount_is_kept_to_the_cent_and_summed_exactly(api: Api) -> None:
    site = Site(api)
    big = _bill_with(api, site, Decimal("1"), Decimal("98765432109876.54"), Decimal("1"))
    small = _bill_with(api, site, Decimal("1"), Decimal("0.01"), Decimal("1"))
    assert _read_back(api, site, big)[0] == Decimal("98765432109876.54")
    # The batch's running total is an SQL sum over both bills (one kept as exact text on SQLite, one as a float).
    batch_id = _exact(api.get(f"/api/v3/bill/{small}"))["batch"]["batchId"]
    assert _exact(api.get(f"/api/v3/batch/{batch_id}"))["runningTotal"] == Decimal("98765432109876.55")
    # Filters compare the stored values as numbers, whichever way they are kept.
    for condition, expected in [
        ("greater than '98765432109876'", {big}),
        ("less than '1'", {small}),
        ("between '0.01'|'98765432109876.54'", {big, small}),
        ("greater than '98765432109877'", set()),
    ]:
        bills = _exact(api.get("/api/v3/bill", params={"filter": f"totalCost {condition}"}))
        assert {b["billId"] for b in bills} == expected, condition


def test_numbers_stay_json_numbers_and_short_ones_look_as_before(api: Api) -> None:
    site = Site(api)
    bill_id = _bill_with(api, site, Decimal("12.5"), Decimal("1234.50"), Decimal("3"))
    text = api.get(f"/api/v3/bill/{bill_id}").text
    assert '"totalCost":1234.5,' in text
    big = _bill_with(api, site, Decimal("12.5"), Decimal("98765432109876.54"), Decimal("3"))
    assert '"totalCost":98765432109876.54,' in api.get(f"/api/v3/bill/{big}").text


def test_a_cost_beyond_the_limits_or_scale_is_refused_not_rounded(api: Api) -> None:
    site = Site(api)
    for cost in ("10000000000000000.00", "0.001", "98765432109876.545"):
        lines = [{"observationTypeId": COST, "caption": "Charge", "cost": "@cost@"}]
        content = _numbers_in(json.dumps(body(site.e, [{"meterId": site.m1, "bodyLines": lines}])), cost=Decimal(cost))
        response = api.post("/api/v3/bill", content=content, headers={"Content-Type": "application/json"})
        assert response.status_code == 400, response.text
        assert "meters[0].bodyLines[0].cost" in response.json()["modelState"]


def test_every_api_route_reads_and_writes_exact_numbers() -> None:
    routes = [route for router in ROUTERS for route in router.routes if isinstance(route, APIRoute)]
    assert routes
    assert all(isinstance(route, WireRoute) for route in routes), [r.path for r in routes if type(r) is APIRoute]


def test_every_api_router_tells_a_path_it_lacks_as_fastapi_would() -> None:
    # Its one regular expression of paths answers "none of mine" before FastAPI's match; the answers must agree for
    # every route's path (parameters filled), for every router, with the shortcut and without it.
    assert all(isinstance(router, WireRouter) for router in ROUTERS)
    app = create_app(Settings(database_url="sqlite://"))
    paths = {
        re.sub(r"\{[^}]+\}", "12", route.path)
        for router in ROUTERS
        for route in router.routes
        if isinstance(route, APIRoute)
    } | {"/api/v3/nothing", "/api/v3/bill/", "/api/v3/meter/12/bill/extra", "/"}

    def answers(path: str, method: str) -> list[Match]:
        scope = {"type": "http", "method": method, "path": path, "root_path": "", "headers": [], "app": app}
        return [route.matches(dict(scope))[0] for route in app.router.routes]

    for method in ("GET", "POST", "DELETE"):
        fast = {path: answers(path, method) for path in paths}
        for router in ROUTERS:
            router._paths, router._paths_of = None, len(router.routes)  # the shortcut off
        try:
            assert {path: answers(path, method) for path in paths} == fast
        finally:
            for router in ROUTERS:
                router._paths_of = -1
