"""runtime.ahead: a producer thread's items reach the caller in order, its requests run in the caller's thread, its
errors are raised in the caller, and a caller that stops early stops the producer."""

from __future__ import annotations

import io
import threading
import zipfile

import pytest

from apportion.runtime.ahead import Ahead, handed_stream


def test_items_arrive_in_order_and_at_most_depth_wait() -> None:
    waiting: list[int] = []

    def produce(ahead: Ahead[int]) -> None:
        for n in range(50):
            ahead.room()
            waiting.append(n)
            ahead.put(n)

    taken = []
    with Ahead(produce, depth=2) as ahead:
        for item in ahead:
            taken.append(item)
            assert len(waiting) - len(taken) <= 2  # made but not yet taken
            ahead.more()
    assert taken == list(range(50))


def test_calls_run_in_the_callers_thread() -> None:
    caller = threading.get_ident()

    def produce(ahead: Ahead[int]) -> None:
        ahead.put(ahead.call(threading.get_ident))
        asked = ahead.ask(lambda: 7)
        ahead.put(asked.wait())

    with Ahead(produce) as ahead:
        assert list(ahead) == [caller, 7]


def test_the_producers_error_is_raised_in_the_caller_after_its_items() -> None:
    def produce(ahead: Ahead[int]) -> None:
        ahead.put(1)
        ahead.call(lambda: 1 / 0)  # an error in a call is raised in the producer, which passes it on

    taken: list[int] = []

    def take() -> None:
        with Ahead(produce) as ahead:
            taken.extend(ahead)

    with pytest.raises(ZeroDivisionError):
        take()
    assert taken == [1]


def test_a_caller_that_stops_stops_the_producer() -> None:
    ended = threading.Event()

    def produce(ahead: Ahead[int]) -> None:
        try:
            n = 0
            while True:  # would run for ever
                try:
                    ahead.room()
                    ahead.put(n)
                except Exception:  # as a reader of a damaged file does: the stop is no Exception
                    continue
                n += 1
        finally:
            ended.set()

    def take() -> None:
        with Ahead(produce) as ahead:
            for item in ahead:
                ahead.more()
                if item == 3:
                    raise RuntimeError("the caller failed")

    with pytest.raises(RuntimeError):
        take()
    assert ended.is_set()


def test_a_handed_stream_reads_and_seeks_like_the_stream_underneath() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("a.csv", "x,y\r\n" * 50_000)
        archive.writestr("b.csv", "z\r\n" * 10)
    content = buffer.getvalue()
    source = io.BytesIO(content)
    readers: set[int] = set()

    class Watched(io.BytesIO):
        def read(self, size: int | None = -1) -> bytes:
            readers.add(threading.get_ident())
            return super().read(size)

    def produce(ahead: Ahead[bytes]) -> None:
        stream, _pieces = handed_stream(ahead, Watched(content), len(content), piece=4096)
        assert stream.read() == content
        stream.seek(-3, io.SEEK_END)
        ahead.put(stream.read())
        stream.seek(0)
        with zipfile.ZipFile(stream) as archive:  # seeks to the directory at the end, then back to each member
            ahead.put(archive.read("a.csv"))
            ahead.put(archive.read("b.csv"))

    with Ahead(produce) as ahead:
        assert list(ahead) == [content[-3:], b"x,y\r\n" * 50_000, b"z\r\n" * 10]
    assert readers == {threading.get_ident()}
    assert source.read() == content
