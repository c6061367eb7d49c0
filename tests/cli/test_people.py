"""The command line for people: digests that fit 80 and 100 columns, exports, dry runs, lists to find ids, keys,
periods written 2026-11 and kickout reasons."""

from __future__ import annotations

import io
import json
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from apportion.cli import app
from apportion.domain.errors import Unauthenticated
from apportion.domain.permissions import Grants
from apportion.services.access import auth
from apportion.services.chargebacks import digest as digest_service
from apportion.services.demo import demo_workflow
from apportion.store.database import Database
from tests.cli.test_commands import HEADER, PERIOD, campus, env  # noqa: F401  (fixtures)
from tests.conftest import NOW
from tests.support.apps import client_on
from tests.support.fingerprint import fingerprint


def run(*args: str, columns: int = 200) -> tuple[int, str]:
    """Exit code and everything printed, on a console `columns` wide."""
    result = CliRunner().invoke(app, list(args), env={"COLUMNS": str(columns)})
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.output


def _ran(flow: demo_workflow.DemoWorkflow) -> None:
    code, output = run("run", "--step", str(flow.step_id), "--period", "2024-05")  # YYYY-MM is accepted
    assert code == 0, output


@pytest.mark.parametrize("columns", [80, 100])
def test_the_digest_fits_the_terminal_without_cutting_a_number(
    campus: demo_workflow.DemoWorkflow,  # noqa: F811
    env: Database,  # noqa: F811
    columns: int,
) -> None:
    _ran(campus)
    code, output = run("digest", "--step", str(campus.step_id), "--period", str(PERIOD), columns=columns)
    assert code == 0, output
    lines = output.splitlines()
    assert max(len(line) for line in lines) <= columns
    assert "…" not in output
    for heading in ("meter", f"use {PERIOD}", f"cost {PERIOD}", "cost Δ 202404"):
        assert heading in output
    assert "--wide shows them" in output
    digest = digest_service.get_digest(env, campus.step_id, PERIOD, NOW.date())
    source = digest.results[0]
    row = next(line for line in lines if line.strip().startswith(f"{source.meter.meter_code} "))
    assert f"{source.figures.current.cost:,.2f}" in row
    assert f"{source.figures.prior_period.cost_delta:+,.2f}" in row
    wide_code, wide = run("digest", "--step", str(campus.step_id), "--period", str(PERIOD), "--wide", columns=columns)
    assert wide_code == 0
    for heading in ("use 202404", "use Δ 202305", "cost 202305", "cost Δ 202305", "bills", "unit"):
        assert heading in wide
    assert "…" not in wide
    assert "not shown" not in wide


def test_digest_as_json_csv_and_xlsx_equals_the_api(
    campus: demo_workflow.DemoWorkflow,  # noqa: F811
    env: Database,  # noqa: F811
) -> None:
    _ran(campus)
    step = str(campus.step_id)
    code, output = run("digest", "--step", step, "--period", str(PERIOD), "--json")
    assert code == 0, output
    result = digest_service.get_digest(env, campus.step_id, PERIOD, NOW.date())
    _user_id, key = auth.create_user_with_key(env, "reader", "Reader", Grants.everything(), NOW)
    with client_on(env, clock=lambda: NOW) as client:
        answer = client.get(
            f"/api/v3/chargebackWorkflow/{step}/digest", params={"billingPeriod": PERIOD}, headers={"ECI-ApiKey": key}
        )
    assert answer.status_code == 200, answer.text
    assert json.loads(output, parse_float=Decimal) == json.loads(answer.content, parse_float=Decimal)
    code, output = run("digest", "--step", step, "--period", str(PERIOD), "--csv", "d.csv", "--xlsx", "d.xlsx")
    assert code == 0, output
    sheet = openpyxl.load_workbook(io.BytesIO(Path("d.xlsx").read_bytes())).worksheets[0]
    header, *rows = [[c.value for c in row] for row in sheet.iter_rows()]
    expected = [x for line in result.results for x in (line, *(line.splits or ()))]
    assert len(rows) == len(expected) > len(result.results)
    for row, line in zip(rows, expected, strict=True):
        cells = dict(zip(header, row, strict=True))
        assert cells["Meter code"] == line.meter.meter_code
        assert Decimal(str(cells[f"Cost {PERIOD}"])) == line.figures.current.cost
        assert Decimal(str(cells["Cost delta 202305"])) == line.figures.prior_year.cost_delta
    text = Path("d.csv").read_text(encoding="utf-8-sig").splitlines()
    assert text[0].startswith("Meter code,Meter name,Split from meter")
    assert len(text) == 1 + len(expected)


def test_a_dry_run_shows_the_month_and_writes_nothing(
    campus: demo_workflow.DemoWorkflow,  # noqa: F811
    env: Database,  # noqa: F811
) -> None:
    before = fingerprint(env)
    code, output = run("run", "--step", str(campus.step_id), "--period", str(PERIOD), "--dry-run", columns=80)
    assert code == 0, output
    assert fingerprint(env) == before
    assert f"dry run of step {campus.step_id} for {PERIOD}: nothing was written" in output
    assert "would create 6 bills" in output
    assert "against what is live: 6 new, 0 changed, 0 unchanged, 0 voided" in output
    assert "conservation: source" in output
    assert max(len(line) for line in output.splitlines()) <= 80
    _ran(campus)
    code, again = run("run", "--workflow", str(campus.workflow_id), "--period", str(PERIOD), "--dry-run")
    assert code == 0, again
    assert "6 unchanged" in again


def test_lists_to_find_ids_fit_80_columns(campus: demo_workflow.DemoWorkflow) -> None:  # noqa: F811
    _ran(campus)
    outputs = {name: run(name, columns=80) for name in ("workflows", "steps", "tasks", "users")}
    for name, (code, output) in outputs.items():
        assert code == 0, (name, output)
        assert max(len(line) for line in output.splitlines()) <= 80, name
    assert demo_workflow.WORKFLOW_INFO in outputs["workflows"][1]
    assert f"{campus.step_id}: {demo_workflow.STEP_INFO} (Split)" in outputs["workflows"][1]
    assert demo_workflow.STEP_INFO in outputs["steps"][1]
    assert str(PERIOD) in outputs["tasks"][1]
    assert "Completed" in outputs["tasks"][1]
    assert "admin" in outputs["users"][1]
    assert "no chargeback task matches" in run("tasks", "--period", "2020-01")[1]


def test_exports_from_the_command_line(campus: demo_workflow.DemoWorkflow) -> None:  # noqa: F811
    _ran(campus)
    code, output = run("export", "task", "1", "bills.xlsx")
    assert code == 0, output
    sheet = openpyxl.load_workbook("bills.xlsx").worksheets[0]
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert len(rows) == 6
    assert all(isinstance(row[10], int | float) for row in rows)
    code, output = run("export", "bills", "-", "--filter", f"billingPeriod equals '{PERIOD}'")
    assert code == 0
    assert output.splitlines()[0].lstrip("\ufeff").startswith("Bill ID,Billing period")
    assert run("export", "bills", "bills.pdf")[0] == 2
    assert run("export", "task", "999", "x.csv")[0] == 2


@pytest.mark.usefixtures("campus")
def test_user_keys_rotate_and_revoke(env: Database) -> None:  # noqa: F811
    code, old = run("user", "create", "clerk", "-p", "BillsAndBatches:View")
    assert code == 0
    code, output = run("user", "key", "--rotate", "clerk")
    assert code == 0, output
    new = output.splitlines()[0]
    assert auth.authenticate(env, new).user_code == "clerk"
    with pytest.raises(Unauthenticated):
        auth.authenticate(env, old.strip())
    assert run("user", "key", "clerk", "--revoke")[1].strip() == "revoked 1 key of clerk"
    with pytest.raises(Unauthenticated):
        auth.authenticate(env, new)
    code, output = run("user", "key", "--rotate", "nobody")
    assert code == 2
    assert "User nobody was not found." in output


@pytest.mark.usefixtures("campus")
@pytest.mark.parametrize("command", [["run", "--step", "1"], ["digest", "--step", "1"], ["tasks"], ["reruns"]])
def test_a_period_not_written_yyyymm_says_how(command: list[str]) -> None:
    code, output = run(*command, "--period", "Nov 2026")
    assert code == 2
    assert "use YYYYMM, e.g. 202611" in output
    assert "Traceback" not in output


@pytest.mark.usefixtures("campus")
def test_import_prints_each_kickout_and_its_reason() -> None:
    Path("july.csv").write_text(
        "\n".join(
            (
                HEADER,
                "PPL-00001-1,B001-ELEC,2024-07-01,2024-08-01,1000,85.00",
                "NOSUCH,B001-ELEC,2024-07-01,2024-08-01,10,1.00",
            )
        )
        + "\n"
    )
    code, output = run("import", "july.csv")
    assert code == 0, output
    assert "kicked out (1):" in output
    kicked = next(line for line in output.splitlines() if line.startswith("  Row"))
    assert "NOSUCH" in kicked
