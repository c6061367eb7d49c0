"""A whole month-end through the pages alone, in headless Chromium against `apportion serve`, at 1400 and 390 px.

The database holds the 3-meter demo campus with its workflow run for the twelve months before the month-end, so
the digest compares with a real prior period and prior year. The month's electric and gas vendor bills are not in
it yet: the accountant signs in, uploads them as a file, fixes the row that was kicked out and imports it, runs the
workflow (its progress shows while the server's runner works), reads the digest, drills down to a tenant's bill,
and voids the task. Every page visited is checked with axe-core (no serious or critical violation) and saved as a
screenshot under the test's tmp dir; APPORTION_DOCS_SCREENSHOTS=1 also refreshes docs/images/first-month-end/.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from apportion.cli import demo_periods
from apportion.domain import periods
from apportion.domain.permissions import Grants
from apportion.services.access import auth
from apportion.services.billing import bills
from apportion.services.demo import campus, demo_workflow
from apportion.services.runs import processing
from apportion.store.database import Database
from apportion.store.migrate import upgrade
from tests.support.servers import apportion_command, free_port, stop, wait_until_answering

AXE = Path(__file__).resolve().parent / "assets" / "axe.min.js"
DOCS_IMAGES = Path(__file__).resolve().parents[2] / "docs" / "images" / "first-month-end"
BLOCKING = ("serious", "critical")
HEADER = (
    "AccountCode,MeterCode,StartDate,EndDate,USE:kWh:Electric use,USE::Electric use,USE:therms:Gas use,USE::Gas use"
)
RE_IMPORTED_METERS = ("B001-ELEC", "B001-GAS")
DOC_SHOTS = ("workflows", "import-kickouts", "import-fixed", "run", "digest", "bill", "task-voided")
"""The screenshots docs/first-month-end.md shows (taken at 1400 px)."""


@dataclass(frozen=True)
class MonthEnd:
    """A served database ready for its month-end: where, the key, the workflow and the month to close."""

    base_url: str
    api_key: str
    workflow_id: int
    step_id: int
    period: int


def _prepare(db: Database, now: datetime) -> tuple[str, demo_workflow.DemoWorkflow, int]:
    """The campus with twelve months charged back before `period` (last month), whose electric and gas bills are
    taken out to be imported through the pages."""
    upgrade(db.engine)
    _user_id, key = auth.create_user_with_key(db, "admin", "Pat Accountant", Grants.everything(), now)
    campus.load_campus(db, now, meters=3)
    flow = demo_workflow.ensure_workflow(db)
    period = periods.prior(periods.of_date(now.date()))
    principal = auth.principal_of(db, None)
    for month in demo_periods(periods.prior(period), 12):
        settings = processing.RunSettings(billing_period=month, document={"billingPeriod": month})
        processing.run_workflow(db, flow.workflow_id, settings, principal, lambda: now)
    ids = [
        listing.bill_id
        for code in RE_IMPORTED_METERS
        for listing in bills.list_bills(
            db, f"billingPeriod equals '{period}' and meterCode equals '{code}'", 1, 10, now.date()
        ).rows
    ]
    assert len(ids) == 2
    bills.delete_bills(db, ids, principal.user_id, now)
    return key, flow, period


@dataclass(frozen=True)
class Prepared:
    """The prepared database file and what the month-end needs to know of it."""

    path: Path
    key: str
    flow: demo_workflow.DemoWorkflow
    period: int


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory) -> Prepared:
    """The prepared SQLite database, built once: each width serves a copy of it."""
    path = tmp_path_factory.mktemp("month-end") / "prepared.db"
    db = Database(f"sqlite:///{path}")
    try:
        key, flow, period = _prepare(db, datetime.now())
    finally:
        db.dispose()
    return Prepared(path, key, flow, period)


@pytest.fixture(params=[1400, 390], ids=["1400px", "390px"])
def month_end(request: pytest.FixtureRequest, prepared: Prepared, tmp_path: Path) -> Iterator[tuple[MonthEnd, int]]:
    """A copy of the prepared database, served by `apportion serve` (its inline runner works in the background)."""
    database = tmp_path / "month-end.db"
    shutil.copyfile(prepared.path, database)
    url = f"sqlite:///{database}"
    port = free_port()
    log = tmp_path / "server.log"
    env = {**os.environ, "APPORTION_DATABASE_URL": url, "APPORTION_LOAD_DEMO_DATA": "false"}
    with log.open("wb") as out:
        process = subprocess.Popen(
            [*apportion_command(), "serve", "--host", "127.0.0.1", "--port", str(port)],
            env=env,
            cwd=tmp_path,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    base_url = f"http://127.0.0.1:{port}"
    try:
        wait_until_answering(f"{base_url}/ui/login", process, log)
        flow = prepared.flow
        yield MonthEnd(base_url, prepared.key, flow.workflow_id, flow.step_id, prepared.period), int(request.param)
    finally:
        stop(process)


def _month_file(period: int, gas_use: str) -> str:
    first = datetime(period // 100, period % 100, 1).date()
    following = periods.following(period)
    end = datetime(following // 100, following % 100, 1).date()
    rows = [
        HEADER,
        f"PPL-00001-1,B001-ELEC,{first},{end},152400,13007.10,,",
        f"UGI-00001-2,B001-GAS,{first},{end},,,{gas_use},6071.38",
    ]
    return "\r\n".join(rows) + "\r\n"


class Visit:
    """The browser page with what the test does on every page: wait, check accessibility, save a screenshot."""

    def __init__(self, page: Any, shots: Path, width: int) -> None:
        self.page, self.shots, self.width = page, shots, width
        self.saved: list[Path] = []
        self.axe = AXE.read_text(encoding="utf-8")

    def check(self, name: str) -> None:
        """No serious or critical axe-core violation on the page; then a full-page screenshot."""
        self.page.add_script_tag(content=self.axe)
        violations = self.page.evaluate(
            """async () => (await axe.run(document, {resultTypes: ['violations']})).violations
                 .map(v => ({id: v.id, impact: v.impact, help: v.help,
                             nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}))"""
        )
        blocking = [v for v in violations if v["impact"] in BLOCKING]
        assert not blocking, f"{name}: {json.dumps(blocking, indent=1)}"
        # At 390 px the page itself never scrolls sideways: wide tables scroll inside their cards.
        overflow = self.page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 1, f"{name} is {overflow}px wider than the window"
        path = self.shots / f"{len(self.saved) + 1:02d}-{name}-{self.width}.png"
        self.page.screenshot(path=str(path), full_page=True)
        self.saved.append(path)


@pytest.mark.e2e
def test_a_month_end_through_the_pages(
    browser: Any, month_end: tuple[MonthEnd, int], tmp_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    served, width = month_end
    base, period = served.base_url, served.period
    context = browser.new_context(viewport={"width": width, "height": 900}, bypass_csp=True, accept_downloads=True)
    page = context.new_page()
    shots = tmp_path_factory.mktemp(f"screenshots-{width}")
    visit = Visit(page, shots, width)
    try:
        # Sign in with the key.
        page.goto(f"{base}/")
        assert page.url.startswith(f"{base}/ui/login")
        visit.check("sign-in")
        page.fill("input[name=apiKey]", served.api_key)
        page.click("button[type=submit]")
        page.wait_for_url(f"{base}/ui/workflows")
        visit.check("workflows")

        # Upload the month's bill file: the gas row has a typo and is kicked out.
        page.click("text=Bill imports")
        page.click("text=Import a bill file")
        bill_file = tmp_path / f"bills-{period}.csv"
        bill_file.write_text(_month_file(period, "8309.6x"), encoding="utf-8")
        page.set_input_files("input[name=file]", str(bill_file))
        page.select_option("select[name=batchMode]", "new batch")
        page.fill("input[name=newBatchCode]", f"BILLS-{period}")
        visit.check("import-form")
        page.click("#upload button[type=submit]")
        page.wait_for_url(re.compile(r".*/ui/imports/[0-9a-f-]+\?done=uploaded"))
        page.wait_for_selector("text=Completed with kickouts", timeout=30_000)  # the page refreshes itself
        assert "Received the file" in page.inner_text("#notice")
        reasons = page.inner_text("#kickout-reasons")
        assert "'8309.6x' is not a number" in reasons, reasons
        visit.check("import-kickouts")

        # Fix the kicked-out row in the kickout file and import it as a new file.
        with page.expect_download() as download_info:
            page.click("text=Download the kickout file")
        kickouts = Path(download_info.value.path()).read_text(encoding="utf-8-sig")
        assert "8309.6x" in kickouts
        fixed = tmp_path / f"bills-{period}-fixed.csv"
        fixed.write_text(kickouts.replace("8309.6x", "8309.6"), encoding="utf-8")
        page.click("text=import it as a new file")
        page.set_input_files("input[name=file]", str(fixed))
        page.select_option("select[name=batchMode]", "use existing batch")
        batch = page.locator("select[name=existingOpenBatchId] option", has_text=f"BILLS-{period}")
        page.select_option("select[name=existingOpenBatchId]", batch.get_attribute("value"))
        page.click("#upload button[type=submit]")
        page.wait_for_url(re.compile(r".*/ui/imports/[0-9a-f-]+\?done=uploaded"))
        page.wait_for_selector("h1 >> text=Completed", timeout=30_000)
        assert "kickouts" not in page.inner_text("h1")
        visit.check("import-fixed")

        # The batch holds both bills.
        page.click(f"text=The bills of batch BILLS-{period}")
        assert "2 bills" in page.inner_text("main")
        visit.check("bills")

        # Run the workflow for the month: the run page follows its task until it ends.
        page.click("text=Workflows")
        page.fill(f"#period-{served.workflow_id}", str(period))
        page.click(".run-workflow button[type=submit]")
        page.wait_for_url(re.compile(r".*/ui/runs\?tasks=\d+.*"))
        page.wait_for_selector("#progress >> text=Finished", timeout=60_000)
        assert "failed" in page.inner_text("#progress")
        visit.check("run")

        # Read the digest: real comparisons, the accounts' totals, the reconciliation.
        page.click("#run-tasks td:nth-child(2) a")
        page.wait_for_url(re.compile(r".*/digest\?billingPeriod=\d+"))
        reconciliation = page.inner_text("#reconciliation")
        assert "balanced" in reconciliation, reconciliation
        accounts = page.inner_text("#accounts")
        assert "B001-T1" in accounts
        assert "ELECTRIC" in accounts.upper()
        gas = page.locator("section.meter", has_text="B001-GAS").locator("tr.source").inner_text()
        assert "8,309.6 therms" in gas, gas  # the fixed row's figures, imported once
        assert "6,071.38" in gas, gas
        tenant_row = page.locator("section.meter tr.child").first.inner_text()
        assert "—" not in tenant_row, tenant_row  # twelve months before: both comparisons are real
        visit.check("digest")

        # Drill down: a tenant's bills of the month, then one bill with its source.
        page.locator("#accounts a").first.click()
        page.wait_for_url(re.compile(r".*/ui/bills\?account=.*"))
        visit.check("tenant-bills")
        page.locator("#bills td a").first.click()
        page.wait_for_url(re.compile(r".*/ui/bills/\d+$"))
        assert "split from" in page.inner_text("main")
        visit.check("bill")

        # Void the task: the page says what it did.
        page.locator("text=/^chargeback task \\d+$/").first.click()
        page.wait_for_url(re.compile(r".*/ui/tasks/\d+$"))
        visit.check("task")
        page.click("text=Void this task's bills")
        page.wait_for_url(re.compile(r".*/ui/tasks/\d+\?done=voided"))
        assert "Voided the bills this task made" in page.inner_text("#notice")
        assert "Reversed" in page.inner_text("main")
        visit.check("task-voided")

        # The other pages a month-end reaches are checked too (once: at the wide window).
        others = (
            ()
            if width != 1400
            else (
                ("batches", "/ui/batches"),
                ("versions", "/ui/versions"),
                ("tasks", "/ui/tasks"),
                ("reruns", "/ui/reruns"),
                ("imports", "/ui/imports"),
                ("version", "/ui/versions?type=split&meter=B001-ELEC"),
            )
        )
        for name, path in others:
            page.goto(f"{base}{path}")
            if name == "version":
                page.locator("#versions td a").first.click()
            visit.check(name)
    finally:
        context.close()
    if os.environ.get("APPORTION_DOCS_SCREENSHOTS") and width == 1400:
        DOCS_IMAGES.mkdir(parents=True, exist_ok=True)
        for path in visit.saved:
            name = path.stem.split("-", 1)[1].rsplit("-", 1)[0]
            if name in DOC_SHOTS:
                shutil.copyfile(path, DOCS_IMAGES / f"{name}.png")


def test_the_month_end_guide_shows_the_screenshots_this_test_takes() -> None:
    guide = (Path(__file__).resolve().parents[2] / "docs" / "first-month-end.md").read_text(encoding="utf-8")
    shown = re.findall(r"\(images/first-month-end/([a-z-]+)\.png\)", guide)
    assert shown
    assert set(shown) <= set(DOC_SHOTS)
    for name in shown:
        assert (DOCS_IMAGES / f"{name}.png").stat().st_size > 10_000, name
