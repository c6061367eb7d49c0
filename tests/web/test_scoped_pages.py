"""The pages keep a scoped visitor's scope as the API does (docs/scoping.md): the downloads, the digest's task, and
the correction history of bills deleted since."""

from __future__ import annotations

from sqlalchemy import select, update

from apportion.domain.scoping import Scope
from apportion.store.models.bills import Bill
from apportion.store.models.organisation import Meter
from apportion.store.queries import users
from tests.api.test_scoping import _place, scoped_key
from tests.conftest import Api
from tests.web.builders import campus
from tests.web.signing_in import sign_in

PERIOD = 202403


def _outsider(api: Api) -> str:
    """A key of a user whose topmost is a place holding no meter, version or bill."""
    return scoped_key(api, "outsider", [_place(api, "EMPTY")], [1])


def test_the_digest_page_names_no_task_the_visitor_does_not_see(api: Api) -> None:
    built = campus(api)
    key = _outsider(api)
    task = built.latest_task_id
    assert api.get(f"/api/v3/chargebackTask/{task}", key=key).status_code == 404
    sign_in(api, key)
    assert api.client.get(f"/ui/tasks/{task}").status_code == 404
    page = api.client.get(f"/ui/steps/{built.step_id}/digest?billingPeriod={PERIOD}")
    assert page.status_code == 200
    assert f"/ui/tasks/{task}" not in page.text
    sign_in(api)  # the administrator's page names it
    assert f"/ui/tasks/{task}" in api.client.get(f"/ui/steps/{built.step_id}/digest?billingPeriod={PERIOD}").text


def test_the_digest_and_bill_downloads_hold_only_what_the_visitor_sees(api: Api) -> None:
    built = campus(api)
    key = _outsider(api)
    export = f"/apportion/v1/digest/{built.step_id}/export?format=csv&billingPeriod={PERIOD}"
    from_api = api.get(export, key=key).text.strip().splitlines()
    assert api.get("/api/v3/bill", key=key).json() == []
    sign_in(api, key)
    digest_csv = api.client.get(f"/ui/steps/{built.step_id}/digest.csv?billingPeriod={PERIOD}")
    bills_csv = api.client.get("/ui/bills.csv")
    assert digest_csv.status_code == bills_csv.status_code == 200
    assert digest_csv.text.strip().splitlines() == from_api
    assert "MASTER" not in digest_csv.text
    assert len(bills_csv.text.strip().splitlines()) == 1  # the header alone
    sign_in(api)
    assert "MASTER" in api.client.get(f"/ui/steps/{built.step_id}/digest.csv?billingPeriod={PERIOD}").text


def test_the_history_keeps_the_corrections_of_bills_deleted_since_for_a_scoped_viewer(api: Api) -> None:
    built = campus(api)
    halls = _place(api, "HALLS")
    hall_meters = [built.meters[code][1] for code in ("HALL", "HALL-EAST", "HALL-WEST")]
    with api.db.transaction() as session:
        session.execute(update(Meter).where(Meter.meter_id.in_(hall_meters)).values(place_id=halls))
        source = session.execute(
            select(Bill.bill_id).where(
                Bill.account_id == built.meters["HALL"][0],
                Bill.billing_period == PERIOD,
                Bill.chargeback_task_id.is_(None),
            )
        ).scalar_one()
    key = scoped_key(api, "halls", [halls], [1])
    assert api.put("/api/v3/bill/void", json={"ids": [source], "void": True}).status_code == 200
    url = f"/apportion/v1/chargebackTask/{built.latest_task_id}/history"
    undone = [c["billId"] for c in api.get(url, key=key).json()["undone"]]
    assert undone  # the HALL split bills the void undid lie in the scoped user's topmost
    assert api.post("/api/v3/bill/delete", json={"ids": undone}).status_code == 200
    assert [c["billId"] for c in api.get(url).json()["undone"]] == undone
    assert [c["billId"] for c in api.get(url, key=key).json()["undone"]] == undone  # the log outlives the bills
    outsider = _outsider(api)
    assert api.get(url, key=outsider).status_code == 404


def test_work_started_by_a_user_no_longer_stored_reaches_no_record(api: Api) -> None:
    with api.db.reading() as session:
        assert users.scope_of(session, None) == Scope.WHOLE
        assert users.scope_of(session, 987_654) == Scope.NOTHING
