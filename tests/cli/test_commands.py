"""`apportion import`, `run`, `digest` and `demo` through typer's runner on a real database."""

from __future__ import annotations

import base64
import os
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from apportion.cli import app, demo_periods
from apportion.domain.permissions import Grants
from apportion.services.access import auth
from apportion.services.billing import bills
from apportion.services.chargebacks import digest as digest_service
from apportion.services.demo import campus as demo_campus
from apportion.services.demo import demo_workflow
from apportion.services.imports import bill_import, import_tasks
from apportion.services.runs import processing
from apportion.settings import Settings
from apportion.store.database import Database
from apportion.store.models.bills import Bill
from apportion.store.models.chargebacks import ChargebackTask
from apportion.store.models.imports import Task
from apportion.store.models.organisation import Account, Vendor
from apportion.store.models.users import User
from tests.conftest import NOW
from tests.support.servers import apportion_command

PERIOD = 202405  # NOW's campus holds the 24 periods 202207..202406
HEADER = "AccountCode,MeterCode,StartDate,EndDate,USE:kWh:Energy,USE::Energy"


@pytest.fixture
def env(db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Database:
    """Point the CLI at the test database, keep its files in a scratch directory and give tables room."""
    monkeypatch.setenv("APPORTION_DATABASE_URL", db.url)
    monkeypatch.setenv("COLUMNS", "200")
    monkeypatch.chdir(tmp_path)
    return db


@pytest.fixture
def campus(env: Database) -> demo_workflow.DemoWorkflow:
    """An administrator, the 3-meter demo campus and its workflow."""
    auth.create_user_with_key(env, "admin", "Administrator", Grants.everything(), NOW)
    demo_campus.load_campus(env, NOW, meters=3)
    return demo_workflow.ensure_workflow(env)


def invoke(*args: str) -> tuple[int, str]:
    """Exit code and everything printed (standard output and error)."""
    result = CliRunner().invoke(app, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.output


def count(db: Database, statement: object) -> int:
    with db.reading() as session:
        return int(session.execute(statement).scalar_one())  # type: ignore[call-overload]


def test_demo_loads_runs_and_shows_a_month(env: Database) -> None:
    code, output = invoke("demo", "--meters", "3", "--period", "202611")
    assert code == 0, output
    assert "loaded the demo campus: 1 buildings, 3 master meters, 6 tenant submeters, 72 vendor bills" in output
    assert "created workflow" in output
    assert "(Split, period 202611" in output
    assert "Completed" in output
    assert "bills created: 6" in output
    assert "B001-ELEC-T1" in output
    assert "└ B001-WATER-T2" in output
    assert "ran the workflow for 13 months, 202511..202611" in output
    with env.reading() as session:
        tasks = session.execute(select(ChargebackTask).order_by(ChargebackTask.task_id)).scalars().all()
        assert [t.billing_period for t in tasks] == demo_periods(202611, 13)
        assert {(t.status, t.number_of_bills_created) for t in tasks} == {("Completed", 6)}
        task = tasks[-1]
        split = session.execute(
            select(Account.account_code, func.sum(Bill.total_cost))
            .join(Account, Account.account_id == Bill.account_id)
            .where(Bill.chargeback_task_id == task.task_id)
            .group_by(Account.account_code)
            .order_by(Account.account_code)
        ).all()
        sources = session.execute(
            select(func.sum(Bill.total_cost)).where(Bill.billing_period == 202611, Bill.chargeback_task_id.is_(None))
        ).scalar_one()
    # 60 % to T1 and 40 % to T2, to the cent, adding up to the vendor bills.
    (t1_code, t1), (t2_code, t2) = split
    assert (t1_code, t2_code) == ("B001-T1", "B001-T2")
    assert t1 + t2 == sources
    assert abs(t1 - sources * Decimal("0.6")) <= Decimal("0.03")

    # The last month compares with months that were charged back too: a real prior period and prior year.
    step = demo_workflow.find_workflow(env)
    assert step is not None
    digest = digest_service.get_digest(env, step.step_id, 202611, NOW.date())
    tenant = digest.results[0].splits[0] if digest.results[0].splits else None
    assert tenant is not None
    assert tenant.figures.prior_period.cost > 0
    assert tenant.figures.prior_year.cost > 0

    again_code, again = invoke("demo", "--period", "202611", "--months", "1")
    assert again_code == 0, again
    assert "already holds data" in again
    assert "found workflow" in again
    assert count(env, select(func.count()).select_from(ChargebackTask)) == 14
    assert count(env, select(func.count()).select_from(Account).where(Account.account_code == "B001-T1")) == 1


def test_demo_refuses_a_database_without_the_campus(env: Database) -> None:
    auth.create_user_with_key(env, "someone", "Someone", Grants.everything(), NOW)
    with env.transaction() as session:
        session.add(Vendor(vendor_code="OTHER", vendor_info="Other vendor"))
    code, output = invoke("demo")
    assert code == 2
    assert "no demo campus" in output
    assert "Traceback" not in output


def test_run_a_step_prints_the_task(campus: demo_workflow.DemoWorkflow, env: Database) -> None:
    code, output = invoke("run", "--step", str(campus.step_id), "--period", str(PERIOD), "--note", "May")
    assert code == 0, output
    assert f"(Split, period {PERIOD}, step {campus.step_id} {demo_workflow.STEP_INFO}): Completed" in output
    assert "bills created: 6   failed versions: 0" in output
    with env.reading() as session:
        task = session.execute(select(ChargebackTask)).scalar_one()
        assert (task.workflow_step_id, task.billing_period, task.comment) == (campus.step_id, PERIOD, "May")
        assert task.settings == {"billingPeriod": PERIOD, "note": "May"}
    made = select(func.count()).select_from(Bill).where(Bill.chargeback_task_id == task.task_id)
    assert count(env, made) == 6


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--step", "999", "--period", "202405"], "Chargeback workflow step 999 was not found."),
        (["--step", "{step}", "--period", "202413"], "use YYYYMM, e.g. 202611"),
        (["--step", "{step}", "--period", "202405", "--user", "nobody"], "User nobody was not found."),
        (["--step", "{step}", "--period", "May"], "Invalid value for '--period'"),
    ],
)
def test_run_refuses_bad_input(
    campus: demo_workflow.DemoWorkflow, env: Database, args: list[str], message: str
) -> None:
    code, output = invoke("run", *(a.replace("{step}", str(campus.step_id)) for a in args))
    assert code == 2
    assert message in output
    assert "Traceback" not in output
    assert count(env, select(func.count()).select_from(ChargebackTask)) == 0


def test_digest_shows_meters_periods_and_splits(campus: demo_workflow.DemoWorkflow) -> None:
    assert invoke("run", "--step", str(campus.step_id), "--period", str(PERIOD))[0] == 0
    code, output = invoke("digest", "--step", str(campus.step_id), "--period", str(PERIOD))
    assert code == 0, output
    assert f"period {PERIOD}" in output
    for heading in (f"use {PERIOD}", "use 202404", "use 202305", f"cost {PERIOD}", "cost 202404", "cost 202305"):
        assert heading in output
    lines = output.splitlines()
    source = next(i for i, line in enumerate(lines) if line.strip().startswith("B001-ELEC "))
    assert "└ B001-ELEC-T1" in lines[source + 1]
    assert "└ B001-ELEC-T2" in lines[source + 2]
    # A destination had no bills before this run: its deltas are its whole figures, signed.
    t1 = lines[source + 1].split()
    assert (t1[1], t1[2]) == ("B001-ELEC-T1", "kWh")
    assert t1[6] == "+" + t1[4]
    # The default period is the step's latest task period.
    assert invoke("digest", "--step", str(campus.step_id))[1] == output


def test_digest_of_a_step_without_tasks_and_bad_input(campus: demo_workflow.DemoWorkflow) -> None:
    code, output = invoke("digest", "--step", str(campus.step_id), "--period", "202001")
    assert code == 0
    assert "has no chargeback task in period 202001" in output
    code, output = invoke("digest", "--step", "999")
    assert (code, "Chargeback workflow step 999 was not found." in output) == (2, True)
    code, output = invoke("digest", "--step", str(campus.step_id), "--period", "202400")
    assert code == 2
    assert "Traceback" not in output


def _write(path: Path, *rows: str) -> Path:
    path.write_text("\n".join((HEADER, *rows)) + "\n")
    return path


@pytest.mark.usefixtures("campus")
def test_import_creates_bills_and_saves_kickouts(env: Database) -> None:
    bills_before = count(env, select(func.count()).select_from(Bill))
    source = _write(
        env_path := Path("july.csv"),
        "PPL-00001-1,B001-ELEC,2024-07-01,2024-08-01,1000,85.00",
        "NOSUCH,B001-ELEC,2024-07-01,2024-08-01,10,1.00",
    )
    code, output = invoke("import", str(source), "--batch-code", "JULY", "--kickouts", "kicked.csv")
    assert code == 0, output
    assert "Completed with kickouts" in output
    assert "1 bills imported from 2 rows; 1 rows kicked out." in output
    assert "bills created: 1" in output
    assert "batch: JULY" in output
    assert "written to kicked.csv" in output
    assert "/errorOutput" in output
    kicked = Path("kicked.csv").read_text()
    assert "NOSUCH" in kicked
    assert "PPL-00001-1" not in kicked
    with env.reading() as session:
        task = session.execute(select(Task)).scalar_one()
        assert task.settings["fileName"] == env_path.name
        imported = session.execute(select(Bill).where(Bill.import_task_id == task.task_id)).scalar_one()
        assert (imported.billing_period, imported.total_cost) == (202407, Decimal("85.00"))
    assert count(env, select(func.count()).select_from(Bill)) == bills_before + 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["missing.csv"], "Cannot read missing.csv"),
        (["good.csv", "--profile", "NOPE"], "NOPE"),
        (["good.csv", "--batch-mode", "sometimes"], "batchMode"),
        (["empty.csv"], "empty"),
    ],
)
@pytest.mark.usefixtures("campus")
def test_import_refuses_bad_input(env: Database, args: list[str], message: str) -> None:
    _write(Path("good.csv"), "PPL-00001-1,B001-ELEC,2024-07-01,2024-08-01,1000,85.00")
    Path("empty.csv").write_text("")
    code, output = invoke("import", *args)
    assert code == 2, output
    assert message in output
    assert "Traceback" not in output
    assert count(env, select(func.count()).select_from(Task)) == 0


def test_runs_and_imports_report_each_step(campus: demo_workflow.DemoWorkflow, env: Database) -> None:
    heard: list[tuple[int, int, str]] = []
    admin = auth.principal_of(env, None)
    settings = processing.RunSettings(billing_period=PERIOD)
    processing.run_workflow(env, campus.workflow_id, settings, admin, lambda: NOW, lambda *step: heard.append(step))
    step = campus.step_id
    assert heard == [
        (1, 3, f"step {step}: reading the versions for {PERIOD}"),
        (1, 3, f"splitting the bills of 3 versions for {PERIOD}"),
        (2, 3, "recording 6 bills and 3 outcomes"),
        (3, 3, "completed: 6 bills"),
    ]

    heard.clear()
    content = f"{HEADER}\nPPL-00001-1,B001-ELEC,2024-07-01,2024-08-01,1000,85.00\n".encode()
    limits = bill_import.limits_for(Settings())
    data = base64.b64encode(content).decode()
    task_id, _guid = import_tasks.start_import(env, "a.csv", data, import_tasks.ImportOptions(), admin, NOW, limits)
    bill_import.run_import(env, task_id, lambda: NOW, limits, lambda *step: heard.append(step))
    # After each chunk: bytes of the upload read, its size, rows read; then the whole upload when it is recorded.
    assert heard == [(len(content), len(content), "1 rows read"), (len(content), len(content), "1 rows imported")]


@pytest.mark.parametrize(
    "url", ["postgresql+psycopg://postgres:secret@127.0.0.1:1/nothing", "sqlite:////no/such/directory/apportion.db"]
)
def test_a_database_out_of_reach_is_a_message_and_exit_2(url: str) -> None:
    done = subprocess.run(
        [*apportion_command(), "digest", "--step", "1"],
        env={**os.environ, "APPORTION_DATABASE_URL": url},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2, done.stderr
    assert "cannot be reached" in done.stderr
    assert "Traceback" not in done.stderr
    assert "secret" not in done.stderr


def test_user_create_refuses_a_code_in_use_or_empty_in_one_line_with_exit_code_2(env: Database) -> None:
    code, output = invoke("user", "create", "clerk", "-p", "BillsAndBatches:View")
    assert code == 0, output
    for user_code, reason in (
        ("CLERK", "user CLERK already exists; for a new key: apportion user key --rotate CLERK"),
        ("  ", "userCode: userCode must not be empty.; fullName: fullName must not be empty."),  # the code by default
    ):
        code, output = invoke("user", "create", user_code)
        assert code == 2
        assert output.strip().splitlines() == [f"error: {reason}"]
    with env.reading() as session:
        assert session.execute(select(func.count()).select_from(User)).scalar_one() == 1


def test_user_create_in_a_real_process_prints_no_traceback(env: Database) -> None:
    environment = {**os.environ, "APPORTION_DATABASE_URL": env.url}
    command = [*apportion_command(), "user", "create", "clerk"]
    assert subprocess.run(command, env=environment, capture_output=True, text=True, check=False).returncode == 0
    again = subprocess.run(command, env=environment, capture_output=True, text=True, check=False)
    assert again.returncode == 2
    assert again.stdout == ""
    assert again.stderr.strip().splitlines() == [
        "error: user clerk already exists; for a new key: apportion user key --rotate clerk"
    ]


def test_a_correction_month_from_the_command_line(
    campus: demo_workflow.DemoWorkflow, env: Database, tmp_path: Path
) -> None:
    code, output = invoke("run", "--step", str(campus.step_id), "--period", str(PERIOD))
    assert code == 0, output
    assert "conservation: source " in output
    with env.reading() as session:
        task = session.execute(select(ChargebackTask)).scalar_one()
        source = session.execute(
            select(Bill.source_bill_id).where(Bill.chargeback_task_id == task.task_id).limit(1)
        ).scalar_one()
    code, output = invoke("lineage", str(source))
    assert code == 0, output
    assert "split to bill" in output
    code, output = invoke("conservation", str(task.task_id), "--csv", str(tmp_path / "c.csv"))
    assert code == 0, output
    assert (tmp_path / "c.csv").read_text().startswith("sourceBillId,accountCode,meterCodes,sourceAmount,allocated")
    assert invoke("reruns")[1].strip() == "nothing needs running again"
    admin = auth.principal_of(env, None)
    bills.void_bills(env, [source], True, admin.user_id, NOW)  # the vendor bill turns out wrong
    code, output = invoke("reruns", "--csv", str(tmp_path / "r.csv"))
    assert code == 0, output
    assert "nothing needs running again" in output  # a void source has nothing left to split
    code, output = invoke("digest", "--step", str(campus.step_id), "--period", str(PERIOD))
    assert code == 0, output
    code, output = invoke("lineage", "999999999")
    assert code == 2
    assert "Bill 999999999 was not found." in output
