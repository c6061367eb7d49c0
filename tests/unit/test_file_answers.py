"""Content negotiation of file answers: a JSON string only when the request prefers application/json."""

from __future__ import annotations

import pytest

from apportion.api.files import prefers_json


@pytest.mark.parametrize(
    ("accept", "json"),
    [
        (None, False),
        ("", False),
        ("*/*", False),
        ("text/csv", False),
        ("application/json", True),
        ("Application/JSON", True),
        ("application/json; charset=utf-8", True),
        ("application/*", True),
        ("application/json, */*", True),  # named exactly: more specific than the wildcard that matches the file
        ("application/json, text/csv", False),  # both named exactly, same quality: the file
        ("text/csv;q=0.5, application/json", True),
        ("application/json;q=0.5, text/csv", False),
        ("application/json;q=0, */*", False),
        ("application/json;q=oops", False),
        ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", False),  # a browser
        ("garbage", False),
    ],
)
def test_prefers_json(accept: str | None, json: bool) -> None:
    assert prefers_json(accept, "text/csv; charset=utf-8") is json


def test_a_binary_file_type_is_matched_too() -> None:
    assert prefers_json("application/json", "application/zip") is True
    assert prefers_json("application/zip, application/json", "application/zip") is False
    assert prefers_json("application/*", "application/zip") is False  # the same range matches both
