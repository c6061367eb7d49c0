"""Hostile import files of a few kilobytes cost little memory and time: refused at the request, or imported bounded.

Each case of tests.support.hostile_import is imported in a process of its own making (the request's check, then
the task), which reports the peak of its resident memory above what it held before the case, and the seconds taken.
Before the limits, the wide header alone took 1.4 GB and a 258 MB kickout file, and the XLSX 50 s of CPU.
The bounds are generous, so a loaded machine does not make them flaky; the figures are far below them.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from apportion.store.database import Database

ROOT = Path(__file__).resolve().parents[2]
MIB_IN_KIB = 1024
SECONDS = 60.0
# case -> (outcome, words in its message, most peak growth in MiB)
EXPECTED: dict[str, tuple[str, str, int]] = {
    "wide-header": ("refused", "row 1 has 2,000 cells; at most 1,000 are allowed", 64),
    "unknown-columns": ("Completed with kickouts", "20000 rows kicked out", 128),
    "bad-cells-one-bill": ("Completed with kickouts", "100 rows kicked out", 64),
    "wide-rows": ("refused", "row 2 has 20,001 cells; at most 1,000 are allowed", 64),
    "xlsx-column-xfd": ("refused", "dimension (A1:XFD5000) spans 16,384 columns; at most 1,000", 64),
    "xlsx-column-xfd-no-dimension": ("refused", "row 1 has 16,384 cells; at most 1,000 are allowed", 64),
    "xlsx-last-row": ("refused", "the upload has more rows than the limit allows", 64),
    "zip-bomb": ("refused", "is compressed more than 100 to 1", 64),
    # 200,000 rows really imported (all kicked out): memory follows the rows, within the expansion limits.
    "zip-expanding": ("Completed with kickouts", "200000 rows kicked out", 768),
}


@pytest.fixture(scope="module")
def reports(_session_db: Database) -> dict[str, dict[str, Any]]:
    """Every case imported once per backend, in a fresh process."""
    done = subprocess.run(
        [sys.executable, "-m", "tests.support.hostile_import", _session_db.url, *EXPECTED],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=SECONDS * len(EXPECTED),
        check=False,
    )
    assert done.returncode == 0, done.stderr
    lines = [json.loads(line) for line in done.stdout.splitlines()]
    return {line["case"]: line for line in lines}


@pytest.mark.parametrize("case", list(EXPECTED))
@pytest.mark.usefixtures("db")  # empties the database after the test, as after any database test
def test_a_hostile_import_is_refused_or_imported_with_bounded_memory_and_time(
    reports: dict[str, dict[str, Any]], case: str
) -> None:
    outcome, words, most_mib = EXPECTED[case]
    report = reports[case]
    assert report["bytes"] < 100_000  # every case is a small file
    assert (report["outcome"], words in report["message"]) == (outcome, True), report
    assert report["peak_growth_kib"] < most_mib * MIB_IN_KIB, report
    assert report["seconds"] < SECONDS, report
