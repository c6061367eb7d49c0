"""`apportion demo-data`: loads a campus of the asked size into APPORTION_DATABASE_URL and prints the counts."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from apportion import cli
from apportion.cli import app
from apportion.store.database import Database
from apportion.store.models.bills import Bill, BillLine
from apportion.store.models.organisation import Meter, Place
from apportion.store.models.users import User


@pytest.fixture
def env(db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Database:
    """Point the CLI at the test database and keep its key file in a scratch directory."""
    monkeypatch.setenv("APPORTION_DATABASE_URL", db.url)
    monkeypatch.chdir(tmp_path)
    return db


def test_demo_data_loads_the_asked_size(env: Database, tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["demo-data", "--meters", "6"])
    assert result.exit_code == 0, result.output
    assert "master meters: 6 on 6 vendor accounts" in result.output
    assert "bills: 144 (432 line items" in result.output
    with env.reading() as session:
        assert session.execute(select(func.count()).select_from(Bill)).scalar_one() == 6 * 24
        assert session.execute(select(func.count()).select_from(BillLine)).scalar_one() == 6 * 24 * 3
        assert session.execute(select(func.count()).select_from(Meter)).scalar_one() == 6 + 12
        assert session.execute(select(func.count()).select_from(Place)).scalar_one() == 1 + 1 + 2
        # The administrator was bootstrapped first, and its key kept where `serve` will show it.
        assert session.execute(select(User.user_code)).scalars().all() == ["admin"]
    key_file = cli.key_file(env.url)
    assert key_file is not None
    assert (tmp_path / key_file).read_text().strip()


def test_demo_data_refuses_a_loaded_database(env: Database) -> None:
    runner = CliRunner()
    assert runner.invoke(app, ["demo-data", "--meters", "3"]).exit_code == 0
    again = runner.invoke(app, ["demo-data", "--meters", "3"])
    assert again.exit_code == 2
    assert "empty" in again.output
    with env.reading() as session:
        assert session.execute(select(func.count()).select_from(Bill)).scalar_one() == 3 * 24


def test_demo_data_checks_the_size(env: Database) -> None:
    result = CliRunner().invoke(app, ["demo-data", "--meters", "0"])
    assert result.exit_code == 2
    with env.reading() as session:
        assert session.execute(select(func.count()).select_from(Meter)).scalar_one() == 0
