"""docs/compatibility.md against the app: every operation marked served is served, and every served one is listed.

The document is also compared with ../shared/energycap-reference/operations.md, which it is generated from, through
tests/support/reference.py: a missing operations.md fails that test (naming the path) whenever ../shared exists or
APPORTION_REQUIRE_REFERENCE=1 (CI); it skips only in a checkout that stands alone.
"""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

from tests.support.openapi import openapi_paths
from tests.support.reference import reference_file

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "compatibility.md"
ROW = re.compile(r"^\| (GET|POST|PUT|DELETE|PATCH) \| `([^`]+)` \| `[^`]+` \| (yes|no) \|$")


def test_the_compatibility_table_matches_the_apps_operations() -> None:
    rows = [match.groups() for line in DOC.read_text().splitlines() if (match := ROW.match(line))]
    assert len(rows) > 100
    paths = openapi_paths()
    served = {(method.upper(), path) for path, item in paths.items() if path.startswith("/api/") for method in item}
    listed = {(method, path): mark for method, path, mark in rows}
    assert len(listed) == len(rows), "an operation is listed twice"
    assert {op for op, mark in listed.items() if mark == "yes"} == served & set(listed)
    assert served <= set(listed), f"served but not listed (run scripts/gen_compatibility.py): {served - set(listed)}"
    total = re.search(r"serves \*\*(\d+) of (\d+)\*\*", DOC.read_text())
    assert total is not None
    assert (int(total[1]), int(total[2])) == (sum(mark == "yes" for mark in listed.values()), len(listed))


def test_the_document_is_current_with_operations_md() -> None:
    reference_file("operations.md")  # what scripts/gen_compatibility.py reads
    # The script's own render, in this process (a subprocess would import the whole app again).
    spec = importlib.util.spec_from_file_location("gen_compatibility", ROOT / "scripts" / "gen_compatibility.py")
    assert spec is not None
    assert spec.loader is not None
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    assert script.render(openapi_paths()) == DOC.read_text(), (
        "docs/compatibility.md is out of date: run scripts/gen_compatibility.py"
    )
