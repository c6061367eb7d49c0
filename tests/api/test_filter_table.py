"""docs/filters.md and the OpenAPI document agree with the filter table every list parses with."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

from apportion.api.filter_fields import LIST_FILTERS, operators_text
from apportion.domain import filters
from tests.support.openapi import openapi_paths

ROOT = Path(__file__).resolve().parents[2]


def _generator():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("gen_filter_table", ROOT / "scripts" / "gen_filter_table.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["gen_filter_table"] = module
    spec.loader.exec_module(module)
    return module


def test_every_served_list_with_a_filter_is_in_the_table_and_described() -> None:
    paths = openapi_paths()
    with_filter = {
        path: parameter
        for path, item in paths.items()
        for parameter in item.get("get", {}).get("parameters", [])
        if parameter["name"] == "filter"
    }
    assert set(with_filter) == set(LIST_FILTERS)
    for path, parameter in with_filter.items():
        for spec in LIST_FILTERS[path].values():
            assert f"`{spec.name}` ({spec.type.value}): {operators_text(spec)}" in parameter["description"], path


def test_every_date_field_takes_its_shortcuts_and_the_documented_fields_are_there() -> None:
    for fields in LIST_FILTERS.values():
        for spec in fields.values():
            if spec.type is filters.FieldType.DATE_TIME:
                assert set(filters.DateShortcut) <= spec.operators, spec.name
            if spec.type is filters.FieldType.DATE_PERIOD:
                assert spec.operators >= filters.MONTH_SHORTCUTS, spec.name
    assert "topmostplacecode" in LIST_FILTERS["/api/v3/bill"]
    batch_fields = {"billcount", "runningtotal", "hasimportswithkickout", "accountperiod", "duedate", "enddate"}
    assert batch_fields | {"fullname", "nextreading"} <= set(LIST_FILTERS["/api/v3/batch"])


def test_the_filter_document_is_current() -> None:
    assert (ROOT / "docs" / "filters.md").read_text() == _generator().render(), "run scripts/gen_filter_table.py"
