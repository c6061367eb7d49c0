"""What start-up prints and creates: the administrator's key once, only when made, and files only their owner reads."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from typer.testing import CliRunner

from apportion import cli
from apportion.settings import Settings
from apportion.store.database import Database

BASE = "http://127.0.0.1:8000"


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A scratch working directory with a SQLite database that does not exist yet."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("APPORTION_DATABASE_URL", f"sqlite:///{tmp_path}/apportion.db")
    monkeypatch.delenv("APPORTION_BOOTSTRAP_API_KEY", raising=False)
    return tmp_path


def _serve_start(capsys: pytest.CaptureFixture[str]) -> str:
    """What `apportion serve` prints before uvicorn starts (bootstrap, then the announcement)."""
    start, flow = cli._prepare(Settings())
    try:
        cli.announce(start, flow, BASE)
    finally:
        start.db.dispose()
    return capsys.readouterr().out


def test_the_key_is_printed_once_when_created_and_never_again(
    directory: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first = _serve_start(capsys)
    key = (directory / "apportion-api-key.txt").read_text().strip()
    assert first.count(key) == 1
    assert f"API key (administrator): {key}\n" in first
    assert f"KEY=$(cat {directory / 'apportion-api-key.txt'})" in first
    assert '-H "ECI-ApiKey: $KEY"' in first  # the examples read the key from the shell, never print it

    for _ in range(2):
        later = _serve_start(capsys)
        assert key not in later
        assert f"API key (administrator): in {directory / 'apportion-api-key.txt'}" in later


def test_the_key_file_and_the_database_are_readable_by_their_owner_only(
    directory: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _serve_start(capsys)
    assert _mode(directory / "apportion-api-key.txt") == 0o600
    assert _mode(directory / "apportion.db") == 0o600
    db = Database(f"sqlite:///{directory}/apportion.db")
    try:
        with db.transaction():  # a write leaves the write-ahead log and its index next to the file
            pass
        for companion in ("apportion.db-wal", "apportion.db-shm"):
            assert _mode(directory / companion) == 0o600
    finally:
        db.dispose()


def test_a_key_file_left_readable_by_others_is_made_private_when_a_new_key_goes_in(
    directory: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    old = directory / "apportion-api-key.txt"
    old.write_text("an old key\n")
    old.chmod(0o644)
    _serve_start(capsys)
    assert _mode(old) == 0o600
    assert old.read_text().strip() != "an old key"


def test_a_key_from_the_setting_is_never_printed(
    directory: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("APPORTION_BOOTSTRAP_API_KEY", "operator.chosen.key")
    out = _serve_start(capsys)
    assert "operator.chosen.key" not in out
    assert "created the administrator with the key in APPORTION_BOOTSTRAP_API_KEY" in out
    assert not (directory / "apportion-api-key.txt").exists()


def test_demo_data_prints_the_key_it_creates_once(directory: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(cli.app, ["demo-data", "--meters", "3"])
    assert result.exit_code == 0, result.output
    key = (directory / "apportion-api-key.txt").read_text().strip()
    assert result.output.count(key) == 1
    again = runner.invoke(cli.app, ["demo", "--meters", "3"])
    assert again.exit_code == 0, again.output
    assert key not in again.output


@pytest.mark.usefixtures("directory")
def test_serve_gives_slow_starting_workers_time_before_the_supervisor_replaces_them(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import uvicorn

    seen: list[dict[str, object]] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **options: seen.append({"app": app, **options}))
    runner = CliRunner()
    assert runner.invoke(cli.app, ["serve", "--workers", "2"]).exit_code == 0
    assert runner.invoke(cli.app, ["serve", "--workers", "2", "--worker-timeout", "120"]).exit_code == 0
    assert [(s["workers"], s["timeout_worker_healthcheck"]) for s in seen] == [(2, 60), (2, 120)]
    assert runner.invoke(cli.app, ["serve", "--worker-timeout", "0"]).exit_code == 2


def test_each_database_has_its_own_key_file_named_after_it(tmp_path: Path) -> None:
    assert cli.key_file(f"sqlite:///{tmp_path}/apportion.db") == tmp_path / "apportion-api-key.txt"
    assert cli.key_file(f"sqlite:///{tmp_path}/demo.db") == tmp_path / "demo-api-key.txt"
    assert cli.key_file("sqlite:///./other/month.sqlite") == Path("other/month-api-key.txt")
    assert cli.key_file("sqlite://") is None
    assert cli.key_file("postgresql+psycopg://postgres@127.0.0.1:5432/books") == Path(
        "apportion-127.0.0.1-5432-books-api-key.txt"
    )


def test_serve_on_a_second_database_never_prints_the_first_ones_key(
    directory: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    first_out = _serve_start(capsys)
    first_key = (directory / "apportion-api-key.txt").read_text().strip()
    assert first_key in first_out

    # A second database in the same directory gets its own administrator and its own file.
    monkeypatch.setenv("APPORTION_DATABASE_URL", f"sqlite:///{directory}/second.db")
    second_out = _serve_start(capsys)
    second_key = (directory / "second-api-key.txt").read_text().strip()
    assert first_key not in second_out
    assert str(directory / "apportion-api-key.txt") not in second_out
    assert f"API key (administrator): {second_key}\n" in second_out
    assert (directory / "apportion-api-key.txt").read_text().strip() == first_key  # untouched

    # A key file whose key does not open its database is never announced as its key.
    (directory / "second-api-key.txt").write_text(first_key + "\n")
    later = _serve_start(capsys)
    assert first_key not in later
    assert "KEY=$(cat" not in later
    assert f"{directory / 'second-api-key.txt'} holds no live key of this database" in later

    # Back on the first database, its own file is checked and announced.
    monkeypatch.setenv("APPORTION_DATABASE_URL", f"sqlite:///{directory}/apportion.db")
    again = _serve_start(capsys)
    assert f"API key (administrator): in {directory / 'apportion-api-key.txt'}" in again


def test_demo_commands_write_the_key_file_of_their_own_database_only(
    directory: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    runner = CliRunner()
    assert runner.invoke(cli.app, ["demo-data", "--meters", "3"]).exit_code == 0
    first_key = (directory / "apportion-api-key.txt").read_text()
    monkeypatch.setenv("APPORTION_DATABASE_URL", f"sqlite:///{directory}/demo.db")
    result = runner.invoke(cli.app, ["demo-data", "--meters", "3"])
    assert result.exit_code == 0, result.output
    assert (directory / "apportion-api-key.txt").read_text() == first_key
    assert (directory / "demo-api-key.txt").read_text().strip() in result.output


@pytest.mark.usefixtures("directory")
def test_a_busy_port_is_one_line_before_any_banner(monkeypatch: pytest.MonkeyPatch) -> None:
    import socket

    import uvicorn

    monkeypatch.setattr(uvicorn, "run", lambda *_args, **_options: pytest.fail("uvicorn must not start"))
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = CliRunner().invoke(cli.app, ["serve", "--port", str(port)])
        assert result.exit_code == 2
        lines = result.output.strip().splitlines()
        assert len(lines) == 1, result.output
        assert f"127.0.0.1:{port}" in lines[0]
        assert "--port" in lines[0]
        assert "APPORTION_PORT" in lines[0]
        monkeypatch.setenv("APPORTION_PORT", str(port))
        assert CliRunner().invoke(cli.app, ["serve"]).exit_code == 2  # the variable chooses the port too
