"""A pytest plugin that writes each test's CPU time to a file, for measuring where the suite's time goes.

`-p tests.support.cpu_per_test` with APPORTION_CPU_PER_TEST=out.tsv writes one line per test: its id, then the
seconds of CPU (user and system, this process's and its reaped children's, so servers and browsers count) that
its setup, call and teardown took. A session fixture is paid by the first test that uses it, and a child process
by the test that reaps it.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

_CPU: list[tuple[str, float]] = []


def _cpu_seconds() -> float:
    times = os.times()
    return times.user + times.system + times.children_user + times.children_system


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item: pytest.Item) -> Iterator[None]:
    """Time the test's whole protocol (setup, call, teardown)."""
    before = _cpu_seconds()
    yield
    _CPU.append((item.nodeid, _cpu_seconds() - before))


def pytest_sessionfinish() -> None:
    """Write the figures when APPORTION_CPU_PER_TEST names a file."""
    path = os.environ.get("APPORTION_CPU_PER_TEST")
    if path:
        with open(path, "w", encoding="utf-8") as out:
            out.writelines(f"{test}\t{seconds:.3f}\n" for test, seconds in _CPU)
