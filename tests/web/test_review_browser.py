"""The review page of a batch in headless Chromium against `apportion serve`: approve every bill, hold and release
one, export the GL file as a download; each state checked with axe-core (no serious or critical violation)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.web.conftest import WebServer
from tests.web.test_month_end_browser import Visit


@pytest.mark.e2e
def test_review_a_batch_in_a_browser(browser: Any, web_server: WebServer, tmp_path: Path) -> None:
    base = web_server.base_url
    batches = httpx.get(f"{base}/api/v3/batch", headers={"ECI-ApiKey": web_server.api_key}).json()
    batch_id = max(batches, key=lambda b: b["billCount"])["batchId"]  # the campus's vendor bills
    context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True, accept_downloads=True)
    page = context.new_page()
    visit = Visit(page, tmp_path, 1280)
    try:
        page.goto(f"{base}/ui/batches/{batch_id}")
        page.fill("input[name=apiKey]", web_server.api_key)
        page.click("button[type=submit]")
        page.wait_for_url(f"{base}/ui/batches/{batch_id}")
        page.click("text=Review the batch's bills")
        page.wait_for_url(f"{base}/ui/batches/{batch_id}/review")
        rows = page.locator("#review tr[id^=bill-]")
        count = rows.count()
        assert count >= 1
        visit.check("review")

        page.click("#batch-actions button:has-text('Approve all')")
        page.wait_for_url(re.compile(r".*/review\?done=approved$"))
        assert "Approved the bills" in page.inner_text("#notice")
        first = rows.first
        assert "yes" in first.inner_text()
        first.locator("button:has-text('Hold')").click()
        page.wait_for_url(re.compile(r".*/review\?done=held$"))
        assert "held" in rows.first.inner_text()
        visit.check("review-acted")
        rows.first.locator("button:has-text('Release')").click()
        page.wait_for_url(re.compile(r".*/review\?done=released$"))

        page.select_option("select[name=exportMode]", "gl")
        with page.expect_download() as download_info:
            page.click("#export button[type=submit]")
        download = download_info.value
        assert download.suggested_filename.startswith("GLExport_")
        text = Path(download.path()).read_text(encoding="utf-8")
        assert text.startswith("L0:")
        assert f"{count} bill" in text.splitlines()[0] or text.count("L1:") == count
        page.reload()
        assert all(rows.nth(i).inner_text().count("/ GL") == 1 for i in range(count))
    finally:
        context.close()
