"""Filter limits: many conditions on codes give the right bills quickly (one sub-select per field), past the cap
on conditions or values a 400 names `filter`, values no column can hold are 400s, and on PostgreSQL a statement
past its time limit is a 503 with Retry-After, never a 500."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from apportion.api.app import create_app
from apportion.api.errors import TIMED_OUT
from apportion.domain.filters import MAX_CONDITIONS, MAX_VALUES
from apportion.domain.permissions import Grants
from apportion.services.access import auth
from apportion.settings import Settings
from apportion.store.database import Database
from tests.api.master_builders import account, link, meter, vendor
from tests.api.test_bills import body, create, electric
from tests.conftest import NOW, Api


def found(api: Api, filter_text: str, path: str = "/api/v3/bill") -> list[int]:
    response = api.get(path, params={"filter": filter_text, "pageSize": "1000"})
    assert response.status_code == 200, response.text
    key = {"/api/v3/bill": "billId", "/api/v3/meter": "meterId", "/api/v3/account": "accountId"}[path]
    return [row[key] for row in response.json()]


def refused(api: Api, filter_text: str, path: str = "/api/v3/bill") -> str:
    response = api.get(path, params={"filter": filter_text})
    assert response.status_code == 400, response.text
    [reason] = response.json()["modelState"]["filter"]
    return str(reason)


def none_of(field: str, codes: list[str]) -> str:
    """`field not equals 'c'` for every code, joined by and."""
    return " and ".join(f"{field} not equals '{code}'" for code in codes)


@pytest.fixture
def bills(api: Api) -> dict[str, int]:
    """Five accounts (two vendors), each with a meter and one bill; bill ids by account code."""
    vendors = {"V1": vendor(api, "V1"), "V2": vendor(api, "V2")}
    ids: dict[str, int] = {}
    for n in range(5):
        code = f"A{n}"
        account_id = int(account(api, code, vendors["V1" if n < 3 else "V2"])["accountId"])
        meter_id = int(meter(api, f"M{n}")["meterId"])
        link(api, account_id, meter_id)
        ids[code] = create(api, body(account_id, [electric(meter_id, "10", f"{n + 1}.00")]))
    return ids


def test_fifty_conditions_on_each_code_field_give_the_right_bills(api: Api, bills: dict[str, int]) -> None:
    decoys = [f"X{n}" for n in range(MAX_CONDITIONS - 1)]
    cases = {
        none_of("accountCode", ["A1", *decoys]): ["A0", "A2", "A3", "A4"],
        none_of("meterCode", ["M4", *decoys]): ["A0", "A1", "A2", "A3"],
        none_of("vendorCode", ["V2", *decoys]): ["A0", "A1", "A2"],
        none_of("batchCode", decoys) + " and accountCode one of 'A0'|'A3'": ["A0", "A3"],
        # Conditions on several related fields at once, each field one sub-select.
        " and ".join(
            [
                none_of("accountCode", ["A0", *decoys[:15]]),
                none_of("meterCode", ["M1", *decoys[:15]]),
                none_of("vendorCode", ["V1", *decoys[:14]]),
                "batchCode like 'admin'",
            ]
        ): ["A3", "A4"],
    }
    for filter_text, expected in cases.items():
        assert filter_text.count(" and ") <= MAX_CONDITIONS - 1
        assert found(api, filter_text) == [bills[code] for code in expected], filter_text


def test_conditions_on_one_field_of_related_rows_hold_for_one_and_the_same_row(api: Api) -> None:
    # A bill on two meters matches when one of its meters meets every condition on meterCode.
    vendor_id = vendor(api)
    account_id = int(account(api, "TWO", vendor_id)["accountId"])
    m1, m2 = (int(meter(api, code)["meterId"]) for code in ("M-A", "M-B"))
    link(api, account_id, m1)
    link(api, account_id, m2)
    bill_id = create(api, body(account_id, [electric(m1, "1", "1.00"), electric(m2, "1", "1.00")]))
    assert found(api, "meterCode equals 'M-A' and meterCode not equals 'M-B'") == [bill_id]
    assert found(api, "meterCode equals 'M-A' and meterCode equals 'M-B'") == []
    assert found(api, "meterCode not equals 'M-A' and meterCode not equals 'M-B'") == []
    assert found(api, "meterCode equals 'M-A' and meterId equals '" + str(m2) + "'") == [bill_id]


@pytest.mark.usefixtures("bills")
def test_many_conditions_on_linked_accounts_and_meters(api: Api) -> None:
    decoys = [f"X{n}" for n in range(MAX_CONDITIONS - 1)]
    meters = found(api, none_of("accountCode", ["A0", *decoys]), "/api/v3/meter")
    assert len(meters) == 4
    assert len(found(api, none_of("vendorCode", ["V1", *decoys]), "/api/v3/meter")) == 2
    assert len(found(api, none_of("meterCode", ["M0", *decoys]), "/api/v3/account")) == 4


@pytest.mark.parametrize("path", ["/api/v3/bill", "/api/v3/meter", "/api/v3/account", "/api/v3/vendor"])
def test_more_conditions_than_the_cap_are_a_400_naming_filter(api: Api, path: str) -> None:
    field = {"/api/v3/vendor": "vendorCode", "/api/v3/meter": "meterCode"}.get(path, "accountCode")
    at_cap = " and ".join(f"{field} not equals '{n}'" for n in range(MAX_CONDITIONS))
    assert api.get(path, params={"filter": at_cap}).status_code == 200
    over = " and ".join(f"{field} not equals '{n}'" for n in range(MAX_CONDITIONS + 1))
    assert refused(api, over, path) == (
        f"The filter has more than {MAX_CONDITIONS} conditions; at most {MAX_CONDITIONS} are allowed."
    )
    five_hundred = " and ".join(f"{field} not equals '{n}'" for n in range(500))
    assert "more than 50 conditions" in refused(api, five_hundred, path)


def test_more_values_than_the_cap_are_a_400_naming_filter(api: Api) -> None:
    values = "|".join(f"'{n}'" for n in range(MAX_VALUES + 1))
    assert refused(api, f"billId one of {values}") == (
        f"The filter has more than {MAX_VALUES} values; at most {MAX_VALUES} are allowed in all."
    )
    at_cap = "|".join(f"'{n}'" for n in range(MAX_VALUES))
    assert api.get("/api/v3/bill", params={"filter": f"billId one of {at_cap}"}).status_code == 200


@pytest.mark.parametrize("value", ["sNaN", "NaN", "-Infinity", "Infinity", "1e999999", "-1E+101", "1e-101"])
def test_decimal_values_no_column_can_compare_are_a_400(api: Api, value: str) -> None:
    reason = refused(api, f"totalCost equals '{value}'")
    assert reason == f"'{value}' is not a valid Decimal value for field 'totalCost'."


def test_extreme_but_finite_decimal_values_are_compared(api: Api, bills: dict[str, int]) -> None:
    assert found(api, "totalCost less than '1e100'") == list(bills.values())
    assert found(api, "totalCost greater than '-1E+100' and totalCost less than '1.5'") == [bills["A0"]]
    assert found(api, "totalCost greater than '1e-100' and totalCost less than '0.0000001'") == []


@pytest.mark.postgres
def test_the_api_database_has_the_statement_timeout_of_the_settings(db: Database) -> None:
    if db.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL only")
    app = create_app(Settings(database_url=db.url, statement_timeout_seconds=12.5))
    try:
        assert app.state.db.statement_timeout_seconds == 12.5
        with app.state.db.reading() as session:
            assert session.execute(text("SHOW statement_timeout")).scalar_one() == "12500ms"
    finally:
        app.state.db.dispose()
    unlimited = create_app(Settings(database_url=db.url, statement_timeout_seconds=0))
    try:
        with unlimited.state.db.reading() as session:
            assert session.execute(text("SHOW statement_timeout")).scalar_one() == "0"
    finally:
        unlimited.state.db.dispose()


@pytest.fixture
def slow_api(db: Database) -> Iterator[tuple[TestClient, str]]:
    """The app built from settings with a 0.2 s statement limit, plus a route whose statement takes a second."""
    app = create_app(Settings(database_url=db.url, statement_timeout_seconds=0.2), clock=lambda: NOW)
    api_db: Database = app.state.db

    @app.get("/slow")
    def slow() -> dict[str, Any]:
        with api_db.reading() as session:
            session.execute(text("SELECT pg_sleep(1)"))
        return {}

    _user_id, key = auth.create_user_with_key(db, "admin", "Administrator", Grants.everything(), NOW)
    try:
        with TestClient(app, raise_server_exceptions=False) as client:
            yield client, key
    finally:
        api_db.dispose()


@pytest.mark.postgres
def test_a_statement_past_its_time_limit_is_a_503_with_retry_after(
    db: Database, slow_api: tuple[TestClient, str]
) -> None:
    if db.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL only")
    client, key = slow_api
    response = client.get("/slow", headers={"ECI-ApiKey": key})
    # pg_sleep only fails when PostgreSQL cancels it, so a 503 proves the limit stopped the statement;
    # how long that took depends on the machine's load, so it is not asserted.
    assert response.status_code == 503
    assert response.json() == {"message": TIMED_OUT}
    assert response.headers["Retry-After"] == "5"
    # The connection is fine afterwards: the next request is answered.
    assert client.get("/api/v3/me", headers={"ECI-ApiKey": key}).status_code == 200


def test_processor_quick_filters_have_the_same_caps(api: Api) -> None:
    def split(quick: list[dict[str, str]]) -> Any:
        return api.post("/api/v3/billSplit/exec", json={"billingPeriod": 202401, "filters": quick})

    not_equals = [{"caption": "accountCode", "operator": "not equals", "value": f"X{n}"} for n in range(51)]
    assert refused_on(split(not_equals), "filters") == "There are more than 50 filters; at most 50 are allowed."
    assert split(not_equals[:50]).status_code == 200
    many = [{"caption": "accountCode", "operator": "one of", "value": "|".join(f"X{n}" for n in range(1001))}]
    assert (
        refused_on(split(many), "filters") == "The filters have more than 1000 values; at most 1000 are allowed in all."
    )
    assert len(api.get("/api/v3/chargebackTask").json()) == 1  # only the run within the caps


def refused_on(response: Any, field: str) -> str:
    assert response.status_code == 400, response.text
    [reason] = response.json()["modelState"][field]
    return str(reason)
