"""The inline job runner: bodies run on its thread, drain() waits for all of them, a failing body is contained."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import datetime

import pytest

from apportion.jobs.inline import InlineRunner
from apportion.settings import Settings
from apportion.store.database import Database

NOW = datetime(2024, 6, 15, 9, 30)


def test_drain_waits_for_every_task_in_order_and_failures_do_not_stop_the_runner() -> None:
    seen: list[tuple[int, str]] = []
    gate = threading.Event()

    def slow(_db: Database, task_id: int, _settings: Settings, clock: Callable[[], datetime]) -> None:
        gate.wait(5)
        seen.append((task_id, threading.current_thread().name.split("_")[0]))
        assert clock() == NOW

    def broken(_db: Database, _task_id: int, _settings: Settings, _clock: Callable[[], datetime]) -> None:
        raise RuntimeError("body failed")

    runner = InlineRunner(Database("sqlite://"), Settings(), clock=lambda: NOW, bodies={"slow": slow, "broken": broken})
    try:
        runner.enqueue("slow", 1)
        runner.enqueue("broken", 2)
        runner.enqueue("slow", 3)
        assert seen == []  # enqueue returns at once
        gate.set()
        runner.drain(timeout=10)
        assert seen == [(1, "apportion-job"), (3, "apportion-job")]
        with pytest.raises(KeyError):
            runner.enqueue("unknown", 4)
    finally:
        runner.close()
