"""The review page of a batch through the app's TestClient: the bills with their flags, approve and unapprove,
hold and release, export with the file as a download; the API's permissions and the CSRF check."""

from __future__ import annotations

import httpx

from tests.api.accounting_builders import Site, read_bill
from tests.conftest import Api
from tests.web.signing_in import form_token, sign_in
from tests.web.test_pages import page, text_of


def _batch(api: Api) -> tuple[int, list[int]]:
    site = Site(api, "A1", "A2")
    bills = [site.bill("A1"), site.bill("A2")]
    return int(read_bill(api, bills[0])["batch"]["batchId"]), bills


def _post(api: Api, url: str, action: str, fields: dict[str, str]) -> httpx.Response:
    token = form_token(api.client.get(url).text)
    return api.client.post(action, data={"csrfToken": token, **fields}, follow_redirects=False)


def test_review_approve_hold_and_export_a_batch(api: Api) -> None:
    batch_id, (first, second) = _batch(api)
    flag_type = api.post("/api/v3/flag/flagType", json={"flagTypeInfo": "Meter check"}).json()["flagTypeId"]
    edit = {"flagTypeId": flag_type, "holdFromExport": False, "releaseExportHold": False}
    assert api.put("/api/v3/flag/Bill/flagAction", json={"entityIds": [second], "flagAction": edit}).status_code == 200
    sign_in(api)
    url = f"/ui/batches/{batch_id}/review"
    assert f'href="{url}"' in page(api, f"/ui/batches/{batch_id}")
    html = page(api, url)
    text = text_of(html)
    assert "2 bills, 1 unresolved flag" in text
    assert "Meter check (unresolved)" in text
    assert "Approve all" in text

    done = _post(api, url, f"{url}/approve", {"approve": "true"})
    assert done.status_code == 303
    assert done.headers["location"] == f"{url}?done=approved"
    assert "Approved the bills" in text_of(page(api, f"{url}?done=approved"))
    assert read_bill(api, first)["approved"] is True
    assert read_bill(api, second)["approved"] is True

    assert _post(api, url, f"{url}/approve", {"approve": "false", "bill": str(first)}).status_code == 303
    assert read_bill(api, first)["approved"] is False
    assert read_bill(api, second)["approved"] is True
    assert _post(api, url, f"{url}/hold", {"exportHold": "true", "bill": str(second)}).status_code == 303
    assert read_bill(api, second)["exportHold"] is True
    assert "held" in text_of(page(api, url))
    assert _post(api, url, f"{url}/hold", {"exportHold": "false"}).status_code == 303
    assert read_bill(api, second)["exportHold"] is False

    exported = _post(api, url, f"{url}/export", {"exportMode": "gl", "markAsExported": "true"})
    assert exported.status_code == 200
    assert exported.headers["content-disposition"].startswith('attachment; filename="GLExport_')
    assert exported.text.startswith("L0:")
    assert read_bill(api, first)["glExported"] is True
    assert "– / GL" in text_of(page(api, url))


def test_review_refuses_bad_forms_other_batches_bills_and_forged_posts(api: Api) -> None:
    batch_id, (first, _second) = _batch(api)
    sign_in(api)
    url = f"/ui/batches/{batch_id}/review"
    assert _post(api, url, f"{url}/approve", {"approve": "maybe"}).status_code == 400
    assert _post(api, url, f"{url}/hold", {"exportHold": "true", "bill": "987654"}).status_code == 400
    assert _post(api, url, f"{url}/export", {"exportMode": "xx"}).status_code == 400
    forged = api.client.post(f"{url}/approve", data={"approve": "true"}, follow_redirects=False)
    assert forged.status_code == 403
    assert read_bill(api, first)["approved"] is False
    page(api, "/ui/batches/987654/review", status=404)


def test_review_actions_need_the_apis_permissions(api: Api) -> None:
    batch_id, (first, _second) = _batch(api)
    key = api.key_with("BillsAndBatches:View", user_code="viewer")
    sign_in(api, key)
    url = f"/ui/batches/{batch_id}/review"
    text = text_of(page(api, url))
    assert "Approve all" not in text
    assert "Export and download" not in text
    for action, fields in (
        ("approve", {"approve": "true"}),
        ("hold", {"exportHold": "true"}),
        ("export", {"exportMode": "gl", "markAsExported": "true"}),
    ):
        refused = _post(api, url, f"{url}/{action}", fields)
        assert refused.status_code == 403, action
    assert read_bill(api, first)["approved"] is False
