"""bench/load.py counts a worker that died, hung or was restarted as an error, reading the server's log."""

from __future__ import annotations

from pathlib import Path

from bench.load import worker_trouble

HEALTHY = """INFO:     Started parent process [100]
INFO:     Started server process [101]
INFO:     Application startup complete.
"""


def test_only_the_lines_after_the_offset_that_say_a_worker_failed_are_errors(tmp_path: Path) -> None:
    log = tmp_path / "server.log"
    log.write_text(HEALTHY + "INFO:     Child process [101] died\n")
    offset = log.stat().st_size
    assert worker_trouble(log, 0) == ["INFO:     Child process [101] died"]
    assert worker_trouble(log, offset) == []
    with log.open("a") as more:
        more.write(HEALTHY)
        more.write("ERROR:    New child process [103] was not ready in time; keeping worker [102] and aborting.\n")
    assert worker_trouble(log, offset) == [
        "ERROR:    New child process [103] was not ready in time; keeping worker [102] and aborting."
    ]
