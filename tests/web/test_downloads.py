"""Downloads in the pages: the digest, a task's bills, a batch's bills and a bill list as CSV and XLSX, under the
page's session and the API's permissions, with the same content the API's /apportion/v1/.../export answers."""

from __future__ import annotations

import io
import re
from decimal import Decimal

import openpyxl
import pytest

from apportion.services.demo import campus as demo_campus
from apportion.services.demo import demo_workflow
from tests.conftest import NOW, Api
from tests.web.signing_in import sign_in
from tests.web.test_pages import page

PERIOD = 202405


@pytest.fixture
def ran(api: Api) -> tuple[demo_workflow.DemoWorkflow, int]:
    """The 3-meter demo campus with its workflow run for PERIOD; the step and the task it made."""
    demo_campus.load_campus(api.db, NOW, meters=3)
    flow = demo_workflow.ensure_workflow(api.db)
    answer = api.post(f"/api/v3/chargebackWorkflowStep/{flow.step_id}/exec", json={"billingPeriod": PERIOD})
    assert answer.status_code == 200, answer.text
    return flow, int(answer.json()["taskId"])


def links(html: str) -> list[str]:
    """The download links of a page, in order."""
    block = re.search(r'<p class="downloads">(.*?)</p>', html, re.S)
    assert block is not None, "the page offers no download"
    return [href.replace("&amp;", "&") for href in re.findall(r'href="([^"]+)"', block.group(1))]


def xlsx_rows(content: bytes) -> list[tuple[object, ...]]:
    """The first sheet's rows, header first."""
    book = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
    try:
        return [tuple(row) for row in book.worksheets[0].iter_rows(values_only=True)]
    finally:
        book.close()


def test_each_page_offers_csv_and_xlsx_equal_to_the_api_export(
    api: Api, ran: tuple[demo_workflow.DemoWorkflow, int]
) -> None:
    flow, task_id = ran
    sign_in(api)
    batch_id = api.get(f"/api/v3/chargebackTask/{task_id}").json()["batch"]["batchId"]
    bills = api.get(f"/api/v3/bill?filter=batchId equals '{batch_id}'&pageSize=1000").json()
    pages = {
        f"/ui/steps/{flow.step_id}/digest?billingPeriod={PERIOD}": f"/apportion/v1/digest/{flow.step_id}/export"
        f"?billingPeriod={PERIOD}",
        f"/ui/tasks/{task_id}": f"/apportion/v1/chargebackTask/{task_id}/bills/export",
        f"/ui/batches/{batch_id}": f"/apportion/v1/batch/{batch_id}/bills/export",
    }
    for url, export in pages.items():
        csv_link, xlsx_link = links(page(api, url))
        assert ".csv" in csv_link, url
        assert ".xlsx" in xlsx_link, url
        from_page = api.client.get(csv_link)
        assert from_page.status_code == 200, (csv_link, from_page.text)
        assert from_page.headers["content-disposition"].startswith("attachment;")
        separator = "&" if "?" in export else "?"
        assert from_page.content == api.get(f"{export}{separator}format=csv").content, csv_link
        workbook = api.client.get(xlsx_link)
        assert workbook.status_code == 200, xlsx_link
        assert xlsx_rows(workbook.content) == xlsx_rows(api.get(f"{export}{separator}format=xlsx").content)

    # The task's bills as numbers: their total equals the API's bills to the cent.
    header, *rows = xlsx_rows(api.client.get(f"/ui/tasks/{task_id}/bills.xlsx").content)
    total = header.index("Total cost")
    assert sum((Decimal(str(row[total])) for row in rows), Decimal(0)) == sum(
        (Decimal(str(bill["totalCost"])) for bill in bills), Decimal(0)
    )
    assert len(rows) == len(bills)


@pytest.mark.usefixtures("ran")
def test_the_bill_list_download_takes_the_list_filter_not_only_its_page(api: Api) -> None:
    sign_in(api)
    html = page(api, f"/ui/bills?period={PERIOD}&state=live")
    csv_link = links(html)[0]
    assert csv_link == f"/ui/bills.csv?period={PERIOD}&state=live"
    lines = api.client.get(csv_link).text.strip().splitlines()
    every = api.get(f"/api/v3/bill?filter=billingPeriod equals '{PERIOD}' and void equals 'false'&pageSize=1000")
    assert len(lines) - 1 == len(every.json())


def test_downloads_need_the_pages_session_and_the_apis_permission(
    api: Api, ran: tuple[demo_workflow.DemoWorkflow, int]
) -> None:
    flow, task_id = ran
    anonymous = api.client.get(f"/ui/tasks/{task_id}/bills.csv", follow_redirects=False)
    assert anonymous.status_code in (302, 303, 401)
    sign_in(api, api.key_with("BillsAndBatches:View", user_code="clerk"))
    refused = api.client.get(f"/ui/steps/{flow.step_id}/digest.csv?billingPeriod={PERIOD}")
    assert refused.status_code == 403
    assert api.client.get("/ui/tasks/999999/bills.csv").status_code in (403, 404)
    assert api.client.get("/ui/batches/999999/bills.xlsx").status_code == 404
