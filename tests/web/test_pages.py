"""The pages through the app's TestClient: sign-in, permissions, workflows, tasks, the digest and kickout files."""

from __future__ import annotations

import html as markup
import re
import uuid

import pytest

from apportion.web.access import COOKIE
from tests.api.import_builders import csv_file, import_api, row, site
from tests.conftest import Api
from tests.support import chargeback_builders as cb
from tests.web.builders import Campus, campus
from tests.web.signing_in import post_sign_in, sign_in, sign_out

VIEWER = "ChargebacksModule:View"


def page(api: Api, url: str, status: int = 200) -> str:
    """The HTML of a page, checking its status."""
    response = api.client.get(url, follow_redirects=False)
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("text/html")
    return response.text


def text_of(html: str) -> str:
    """The page's text with tags dropped and spaces collapsed, to assert on what a reader sees."""
    body = re.sub(r"<style>.*?</style>", " ", html, flags=re.S)
    return " ".join(markup.unescape(re.sub(r"<[^>]+>", " ", body)).split())


@pytest.fixture
def built(api: Api) -> Campus:
    return campus(api)


def test_sign_in_starts_a_session_in_an_http_only_cookie_and_sign_out_drops_it(api: Api) -> None:
    form = page(api, "/ui/login?next=/ui/tasks")
    assert 'name="apiKey"' in form
    assert 'value="/ui/tasks"' in form

    refused = post_sign_in(api, "nope", "/ui/tasks")
    assert refused.status_code == 401
    assert "That API key is not known" in refused.text
    assert COOKIE not in refused.headers.get("set-cookie", "")

    accepted = post_sign_in(api, api.admin_key, "/ui/tasks")
    assert accepted.status_code == 303
    assert accepted.headers["location"] == "/ui/tasks"
    (cookie,) = [c for c in accepted.headers.get_list("set-cookie") if c.startswith(f"{COOKIE}=")]
    for attribute in ("HttpOnly", "Path=/ui", "SameSite=strict"):
        assert attribute.lower() in cookie.lower()
    tasks = api.client.get("/ui/tasks")
    assert "Administrator (admin)" in tasks.text
    assert "script-src" not in tasks.headers["content-security-policy"]  # no script runs on the pages
    assert "frame-ancestors 'none'" in tasks.headers["content-security-policy"]
    for home in ("/ui", "/ui/"):
        landing = api.client.get(home, follow_redirects=False)
        assert (landing.status_code, landing.headers["location"]) == (303, "/ui/workflows")

    out = sign_out(api)
    assert out.status_code == 303
    assert out.headers["location"] == "/ui/login"
    after = api.client.get("/ui/tasks", follow_redirects=False)
    assert (after.status_code, after.headers["location"]) == (303, "/ui/login?next=%2Fui%2Ftasks")


def test_pages_without_a_key_go_to_the_sign_in_form_and_come_back(api: Api) -> None:
    response = api.client.get("/ui/steps/1/digest?billingPeriod=202403", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/ui/login?next=%2Fui%2Fsteps%2F1%2Fdigest%3FbillingPeriod%3D202403"
    # The header the API reads is not a way into the pages, and the cookie is not one into the API.
    assert api.get("/ui/workflows", follow_redirects=False).status_code == 303
    sign_in(api)
    assert api.client.get("/api/v3/me").status_code == 401


def test_next_is_only_ever_a_page_of_this_app(api: Api) -> None:
    for target in ("https://elsewhere.example/", "//elsewhere.example/ui", "/api/v3/me"):
        response = post_sign_in(api, api.admin_key, target)
        assert response.headers["location"] == "/ui/workflows"


def test_workflows_list_their_steps_with_links(api: Api, built: Campus) -> None:
    sign_in(api)
    html = page(api, "/ui/workflows")
    assert built.workflow_info in html
    assert "Campus split" in html
    assert f'href="/ui/steps/{built.step_id}/digest"' in html
    assert f'href="/ui/tasks?step={built.step_id}"' in html
    (workflow_id,) = re.findall(r'href="/ui/workflows/(\d+)"', html)
    detail = text_of(page(api, f"/ui/workflows/{workflow_id}"))
    assert "1 Campus split Split Split step description" in detail


def test_tasks_show_status_counts_and_the_error_log(api: Api, built: Campus) -> None:
    sign_in(api)
    text = text_of(page(api, f"/ui/tasks?step={built.step_id}"))
    assert "4 tasks" in text
    # Newest first: the failed run, then the latest March run (4 bills), the voided one, February.
    assert (
        f"{built.failed_task_id} Split Workflow Campus split / Campus split Jan 2024 Completed with errors 0 1" in text
    )
    assert f"{built.latest_task_id} Split Workflow Campus split / Campus split Mar 2024 Completed 0 0" in text
    assert "2024-04-03 by Administrator" in text  # the voided run

    completed = text_of(page(api, f"/ui/tasks?step={built.step_id}&status=Completed+with+errors"))
    assert "1 task " in completed
    assert f"/ui/tasks/{built.latest_task_id}" not in completed

    detail = text_of(page(api, f"/ui/tasks/{built.failed_task_id}"))
    assert "Failed versions 1" in detail
    assert "Failed." in detail
    log = api.client.get(f"/ui/tasks/{built.failed_task_id}/errors.csv")
    assert log.status_code == 200
    assert log.headers["content-type"].startswith("text/csv")
    assert log.text == api.get(f"/api/v3/chargebackTask/{built.failed_task_id}/errorOutput").text
    assert "Failed." in log.text


def test_digest_page_shows_each_meter_against_prior_period_and_year(api: Api, built: Campus) -> None:
    sign_in(api)
    html = page(api, f"/ui/steps/{built.step_id}/digest")
    text = text_of(html)
    assert "Digest: Campus split (Split step)" in text
    assert "Mar 2024 against the prior period (Feb 2024) and the same period a year before (Mar 2023)" in text
    # Totals over the source meters: 150.00 + 64.00, 120.00 + 80.00, 126.00.
    assert "Meters 2 Cost Mar 2024 214.00 USD Cost Feb 2024 200.00 USD Cost Mar 2023 126.00 USD" in text
    # Row by row: use, cost, unit cost, bills (from the step); prior period use, Δ, cost, Δ; prior year likewise.
    assert "MASTER Meter MASTER 1,000 kWh 150.00 0.15 1 (0) 800 +200 120.00 +30.00 900 +100 126.00 +24.00" in text
    # Unit costs to four places; DEST-A had no bill a year before: that comparison reads —, not 0 and +650.
    assert "↳ DEST-A Meter DEST-A 650 kWh 100.00 0.1538 2 (1) 480 +170 72.00 +28.00 — — — —" in text
    assert "↳ DEST-B Meter DEST-B 400 kWh 60.00 0.15 1 (1) 320 +80 48.00 +12.00" in text
    assert "HALL Meter HALL 400 kWh 64.00 0.16 1 (0) 500 −100 80.00 −16.00" in text
    assert "↳ HALL-EAST Meter HALL-EAST 200 kWh 32.00 0.16 1 (1) 250 −50 40.00 −8.00" in text
    assert text.index("HALL Meter HALL") < text.index("MASTER Meter MASTER")  # by meter code, as the API
    # The task it reads, and links from each row to its bills, version, task and batch.
    assert f"From task {built.latest_task_id} Completed" in text
    # What each tenant account was charged across commodities, adding up to the sources' 214.00.
    assert "A-DEST-A Account A-DEST-A 90.00 0.00 90.00" in text
    assert "All accounts 214.00" in text
    assert 'href="/ui/bills?meter=DEST-A&amp;period=202403"' in html
    assert 'href="/ui/versions?type=split&amp;meter=MASTER"' in html
    assert f'href="/ui/tasks/{built.latest_task_id}"' in html

    # Charts: the overview plus a cost and a use chart per meter, bars titled with their figures.
    assert html.count("<svg") == 5
    hall, master = built.meters["HALL"][1], built.meters["MASTER"][1]
    section = html[html.index(f'id="meter-{master}"') :]
    assert "<title>MASTER · Current: 150.00 USD</title>" in section
    assert "<title>DEST-A · Prior period: 72.00 USD</title>" in section
    assert "<title>DEST-A · Current: 650 kWh</title>" in section
    assert "<title>HALL-WEST · Prior period: 40.00 USD</title>" in html[html.index(f'id="meter-{hall}"') :]
    # A negative change draws as a shorter bar, never as a negative width.
    assert not re.search(r'width="-', html)


def test_digest_of_another_period_and_of_a_period_without_a_run(api: Api, built: Campus) -> None:
    sign_in(api)
    text = text_of(page(api, f"/ui/steps/{built.step_id}/digest?billingPeriod=202402"))
    assert "↳ DEST-A Meter DEST-A 480 kWh 72.00 0.15 1 (1)" in text
    empty = text_of(page(api, f"/ui/steps/{built.step_id}/digest?billingPeriod=202404"))
    assert "No task of this step ran in Apr 2024" in empty
    assert "<svg" not in empty
    assert "Invalid request" in page(api, f"/ui/steps/{built.step_id}/digest?billingPeriod=202413", 400)
    assert "Invalid request" in page(api, f"/ui/steps/{built.step_id}/digest?billingPeriod=March", 400)


def test_digest_needs_the_chargebacks_module_view_permission(api: Api, built: Campus) -> None:
    sign_in(api, api.key_with("BillsAndBatches:View", user_code="billclerk"))
    html = page(api, f"/ui/steps/{built.step_id}/digest", 403)
    assert "This page requires the ChargebacksModule (View) permission." in html
    # The way out leads to a page this user may open, never to another refusal.
    assert '<a href="/ui/imports">Back to your bill imports</a>' in html
    assert page(api, "/ui/imports")
    assert api.client.get("/ui", follow_redirects=False).headers["location"] == "/ui/imports"
    assert api.client.get("/ui/tasks").status_code == 403
    assert api.client.get("/ui/workflows").status_code == 403
    sign_in(api, api.key_with(VIEWER, user_code="viewer"))
    assert "MASTER" in page(api, f"/ui/steps/{built.step_id}/digest")


@pytest.mark.parametrize(
    "url",
    [
        "/ui/steps/987654/digest",
        "/ui/steps/99999999999999/digest",
        "/ui/steps/-1/digest",
        "/ui/steps/abc/digest",
        "/ui/workflows/987654",
        "/ui/workflows/99999999999999",
        "/ui/tasks/987654",
        "/ui/tasks/99999999999999",
        "/ui/tasks/987654/errors.csv",
        "/ui/tasks?step=987654",
        "/ui/tasks?step=99999999999999",
        "/ui/imports/not-a-guid",
        f"/ui/imports/{uuid.uuid4()}",
        f"/ui/imports/{uuid.uuid4()}/kickouts",
        "/ui/no/such/page",
    ],
)
def test_unknown_ids_answer_the_404_page(api: Api, url: str) -> None:
    sign_in(api)
    html = page(api, url, 404)
    assert "<h1>Not found</h1>" in html
    assert "Sign out" in html  # the navigation stays


def test_import_kickouts_are_listed_summarised_and_downloadable(db: object) -> None:
    with import_api(db) as api:  # type: ignore[arg-type]
        site(api, "ACC-1")
        content = csv_file(row("ACC-1"), row("NOPE"), row("ACC-1", "2024-02-01", "2024-03-01", use="x"))
        task = api.run("march.csv", content)
        assert task["status"] == "Completed with kickouts"
        guid = task["taskGUId"]
        clean = api.run("clean.csv", csv_file(row("ACC-1", "2024-03-01", "2024-04-01")))

        sign_in(api)
        listing = page(api, "/ui/imports")
        text = text_of(listing)
        assert "2 imports" in text
        assert f"{task['taskId']} march.csv Completed with kickouts 3 1 2" in text
        assert f"{clean['taskId']} clean.csv Completed 1 1 0" in text
        assert listing.count("/kickouts") == 1
        assert f'href="/ui/imports/{guid}/kickouts"' in listing

        detail = text_of(page(api, f"/ui/imports/{guid}"))
        summary = api.get(f"/api/v202401/import/bill/task/{guid}/kickout/summary").json()
        assert summary["kickoutMessages"]
        for message in summary["kickoutMessages"]:
            assert message in detail
        assert "march.csv 3 2" in detail

        download = api.client.get(f"/ui/imports/{guid}/kickouts")
        assert download.status_code == 200
        assert download.headers["content-type"].startswith("text/csv")
        assert "attachment;" in download.headers["content-disposition"]
        assert download.content == api.get(f"/api/v3/task/{guid}/errorOutput").content
        assert b"NOPE" in download.content

        # A clean import has no kickout file: the 404 page, not an error.
        assert "<h1>Not found</h1>" in page(api, f"/ui/imports/{clean['taskGUId']}/kickouts", 404)


def test_other_users_imports_are_not_shown(db: object) -> None:
    with import_api(db) as api:  # type: ignore[arg-type]
        site(api, "ACC-1")
        task = api.run("march.csv", csv_file(row("NOPE")))
        sign_in(api, api.key_with("BillsAndBatches:View", user_code="clerk"))
        assert "0 imports" in text_of(page(api, "/ui/imports"))
        assert "<h1>Not found</h1>" in page(api, f"/ui/imports/{task['taskGUId']}", 404)
        assert api.client.get(f"/ui/imports/{task['taskGUId']}/kickouts").status_code == 404


def test_an_idle_step_has_an_empty_digest(api: Api) -> None:
    step_id = cb.workflow_step(api.db, "Calculation", info="Idle")
    sign_in(api)
    assert "No task of this step ran in Jun 2024" in text_of(page(api, f"/ui/steps/{step_id}/digest"))
