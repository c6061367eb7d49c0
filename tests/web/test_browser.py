"""The pages in headless Chromium against the real server: sign in, open the digest, follow links, screenshots."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from apportion.web.access import COOKIE, SIGN_IN_COOKIE
from tests.web.conftest import WebServer


@pytest.mark.e2e
def test_sign_in_and_read_the_digest_in_a_browser(browser: Any, web_server: WebServer, artifacts: Path) -> None:
    step_id = web_server.campus.step_id
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    try:
        page.goto(f"{web_server.base_url}/ui/steps/{step_id}/digest")
        assert page.url.startswith(f"{web_server.base_url}/ui/login?next=")  # no cookie yet: the sign-in form
        page.fill("input[name=apiKey]", "not a key")
        page.click("button[type=submit]")
        assert page.locator("[role=alert]").inner_text().startswith("That API key is not known")
        page.fill("input[name=apiKey]", web_server.api_key)
        page.click("button[type=submit]")
        page.wait_for_url(f"{web_server.base_url}/ui/steps/{step_id}/digest")

        # The session is in an HttpOnly cookie, the only one left once signed in: the page's scripts cannot read it.
        (cookie,) = context.cookies()
        assert (cookie["name"], cookie["httpOnly"]) == (COOKIE, True)
        assert web_server.api_key not in cookie["value"]
        assert page.evaluate("document.cookie") == ""

        assert page.locator("h1").inner_text() == "Digest: Campus split (Split step)"
        assert page.locator("section.meter").count() == 2
        # The overview and two charts per meter render as SVG with bars of real size.
        charts = page.locator("svg.chart")
        assert charts.count() == 5
        bars = page.locator("section.meter svg.chart rect.bar.s-current")
        assert bars.count() == 2 * (3 + 3)  # cost and use, for each source and its two destinations
        widths = [bars.nth(i).bounding_box()["width"] for i in range(bars.count())]
        assert min(widths) > 1
        master = page.locator("section.meter", has_text="MASTER")
        assert "150.00" in master.locator("tr.source").inner_text()
        assert master.locator("tr.child").count() == 2
        page.screenshot(path=str(artifacts / "digest.png"), full_page=True)

        # A period without a run, then the tasks of the step through the page's links.
        page.fill("input[name=billingPeriod]", "202404")
        page.click("form.inline button[type=submit]")
        assert "No task of this step ran in Apr 2024" in page.locator("#empty").inner_text()
        page.click("text=Tasks of this step")
        assert page.locator("#tasks tr").count() == 1 + 4
        page.screenshot(path=str(artifacts / "tasks.png"), full_page=True)

        page.goto(f"{web_server.base_url}/ui/steps/987654/digest")
        assert page.locator("h1").inner_text() == "Not found"

        page.click("text=Sign out")
        page.wait_for_url(f"{web_server.base_url}/ui/login")
        # The session cookie is gone (the sign-in form has set its own again), and the session with it.
        assert [c["name"] for c in context.cookies()] == [SIGN_IN_COOKIE]
        context.add_cookies([cookie])
        page.goto(f"{web_server.base_url}/ui/workflows")
        assert page.url.startswith(f"{web_server.base_url}/ui/login?next=")
    finally:
        context.close()
