"""`apportion export gl|ap|undo` through typer's runner on a real database: a chargeback task's bills go to the GL
file, the ledger for people is written beside it, bills left out are named, and `undo` unexports by GUID."""

from __future__ import annotations

import io
import re
from pathlib import Path

import openpyxl
from sqlalchemy import select

from apportion.domain.permissions import Grants
from apportion.services.access import auth
from apportion.services.demo import demo_workflow
from apportion.store.database import Database
from apportion.store.models.bills import Bill
from apportion.store.models.chargebacks import ChargebackTask
from tests.cli.test_commands import PERIOD, campus, env, invoke  # noqa: F401  (fixtures)
from tests.conftest import NOW


def test_export_a_chargeback_tasks_bills_to_the_general_ledger(
    campus: demo_workflow.DemoWorkflow,  # noqa: F811
    env: Database,  # noqa: F811
    tmp_path: Path,
) -> None:
    code, output = invoke("run", "--step", str(campus.step_id), "--period", str(PERIOD))
    assert code == 0, output
    with env.reading() as session:
        task_id = session.execute(select(ChargebackTask.task_id)).scalar_one()
        made = sorted(session.execute(select(Bill.bill_id).where(Bill.chargeback_task_id == task_id)).scalars())
    target, ledger = tmp_path / "june.txt", tmp_path / "june.xlsx"
    code, output = invoke(
        "export", "gl", "--task", str(task_id), "--bill", "999999", "--out", str(target), "--ledger", str(ledger)
    )
    assert code == 0, output
    assert f"exported {len(made)} bills to GL" in output
    assert "left out: bill 999999 does not exist" in output
    guid = re.search(r"Ec-Guid: ([0-9a-f-]{36})", output)
    assert guid is not None
    text = target.read_text()
    assert text.startswith("L0:[BH] Bill header@")
    assert [int(line.split(",")[1]) for line in text.splitlines() if line.startswith("L1:")] == made
    sheet = openpyxl.load_workbook(io.BytesIO(ledger.read_bytes())).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[-1][0] == "total"
    with env.reading() as session:
        flags = session.execute(select(Bill.gl_exported).where(Bill.chargeback_task_id == task_id)).scalars().all()
    assert all(flags)
    code, output = invoke("export", "gl", "--task", str(task_id), "--out", str(tmp_path / "again.txt"))
    assert code == 0, output
    assert "exported 0 bills" in output
    assert "has already been exported to GL" in output
    code, output = invoke("export", "undo", guid[1])
    assert code == 0, output
    assert f"{len(made)} bills, {len(made)} unexported" in output
    code, output = invoke("export", "undo", "no-such-guid")
    assert code == 2
    assert "Traceback" not in output


def test_export_needs_bills_named(env: Database) -> None:  # noqa: F811
    auth.create_user_with_key(env, "admin", "Administrator", Grants.everything(), NOW)
    code, output = invoke("export", "gl")
    assert code == 2
    assert "Name the bills to export" in output
    code, output = invoke("export", "ap", "--batch", "4242")
    assert code == 2
    assert "4242" in output


def test_ap_sample_marks_nothing(env: Database, tmp_path: Path) -> None:  # noqa: F811
    auth.create_user_with_key(env, "admin", "Administrator", Grants.everything(), NOW)
    code, output = invoke("export", "ap", "--bill", "1", "--sample", "--out", str(tmp_path / "ap.txt"))
    assert code == 0, output
    assert "sample of 0 bills to AP" in output
    assert "left out: bill 1 does not exist" in output
    assert (tmp_path / "ap.txt").read_text().startswith("L0:[BH] Bill header@")
