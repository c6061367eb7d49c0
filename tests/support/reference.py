"""The EnergyCAP reference beside the checkout (../shared/energycap-reference), for the tests that read it.

The contract checks (models.md against the wire schemas, operations.md against docs/compatibility.md) must not go
quiet because a file moved. So a missing reference file skips a test in one case only: the checkout stands alone
(no ../shared directory at all, e.g. a clone on a contributor's machine) and the run does not require the
reference. Everywhere else a missing file fails the test and names the path:
- ../shared exists (the project's layout, and CI's) but the file is not in it: renamed, moved or not checked out;
- APPORTION_REQUIRE_REFERENCE=1 (set by .ci/run): CI fails even if ../shared itself is gone or renamed.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared"
REFERENCE = SHARED / "energycap-reference"
REQUIRE = "APPORTION_REQUIRE_REFERENCE"


def missing_reference(path: Path, shared: Path = SHARED, required: bool | None = None) -> str | None:
    """Why `path` is missing and that fails the run, or None when it may be skipped (`path` exists: None too)."""
    if path.exists():
        return None
    if required is None:
        required = os.environ.get(REQUIRE) == "1"
    if required:
        return f"{path} is missing and {REQUIRE}=1 says this run needs the EnergyCAP reference"
    if shared.is_dir():
        return f"{path} is missing although {shared} is there: the EnergyCAP reference moved or is not checked out"
    return None


def reference_file(name: str) -> Path:
    """The reference file `name` (e.g. "models.md"); fails or skips the calling test when it is missing."""
    path = REFERENCE / name
    if path.exists():
        return path
    if (problem := missing_reference(path)) is not None:
        pytest.fail(problem, pytrace=False)
    pytest.skip(f"{path}: the checkout stands alone, without ../shared (set {REQUIRE}=1 to fail instead)")
