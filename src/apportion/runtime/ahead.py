"""Work done ahead in a thread: a producer makes the next item while the caller uses the one before.

Made for a bill import: while the database works on one chunk (the driver waits on the server, or on SQLite's
own code, with the interpreter lock released), the next chunk's rows are read and parsed. Only the caller's
thread touches the database session: what the producer needs of it (the stored upload's pieces) it asks with
`call` or `ask`, and the caller runs that when it next waits for an item or calls `serve`.

    with Ahead(produce, name="import-parse") as ahead:   # produce(ahead) calls ahead.room() and ahead.put(item)
        for item in ahead:                                # the producer's exception, if any, is raised here
            first_steps(item)
            ahead.serve()                                 # between steps: run what the producer asked for
            ahead.more()                                  # the next item may be made now
            last_steps(item)

Memory stays bounded: `room()` holds the producer back while `depth` items wait to be taken, and until the caller
lets it make one more: by `more()` (where the caller's own work leaves the most time to the producer: its waits
on the database) or by waiting for an item.
"""

from __future__ import annotations

import io
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from types import TracebackType
from typing import Any, BinaryIO, Generic, TypeVar, cast

from apportion.store.streams import SizedReader

T = TypeVar("T")
R = TypeVar("R")


class Stopped(BaseException):
    """Raised in the producer by `room`, `put`, `call` and `Asked.wait` once the caller has stopped taking items.

    A BaseException, as GeneratorExit is: the readers' `except Exception` (a damaged file) must not catch it.
    """


class Asked(Generic[R]):
    """A function the producer asked the caller's thread to run; `wait` for its result."""

    def __init__(self, ahead: Ahead[Any], function: Callable[[], R]) -> None:
        self._ahead, self.function = ahead, function
        self.done = False
        self.result: R | None = None
        self.error: BaseException | None = None

    def wait(self) -> R:
        """The function's result (or its exception), once the caller's thread has run it."""
        condition = self._ahead.condition
        with condition:
            while not self.done and not self._ahead.stopped:
                condition.wait()
            if not self.done:
                raise Stopped
        if self.error is not None:
            raise self.error
        return cast(R, self.result)


_END = object()


class Ahead(Generic[T]):
    """`produce(self)` run in a thread of its own, its items taken in order by iterating (see the module)."""

    def __init__(self, produce: Callable[[Ahead[T]], None], depth: int = 1, name: str = "ahead") -> None:
        self.produce, self.depth = produce, depth
        self.condition = threading.Condition()
        self.stopped = False
        self._allowed = 0  # items the producer may begin (`more`, or the caller waiting)
        self._items: deque[object] = deque()
        self._asked: deque[Asked[Any]] = deque()
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)

    def __enter__(self) -> Ahead[T]:
        self._thread.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.close()

    def _run(self) -> None:
        try:
            self.produce(self)
        except Stopped:
            pass
        except BaseException as error:  # handed to the caller, raised there when it reaches this point
            self._error = error
        with self.condition:
            self._items.append(_END)
            self.condition.notify_all()

    # The producer's side -----------------------------------------------------------------------------------------

    def room(self) -> None:
        """Wait until the caller lets one more item be made and fewer than `depth` wait (call before making one)."""
        with self.condition:
            while (not self._allowed or len(self._items) >= self.depth) and not self.stopped:
                self.condition.wait()
            if self.stopped:
                raise Stopped
            self._allowed -= 1

    def put(self, item: T) -> None:
        """Hand an item to the caller."""
        with self.condition:
            if self.stopped:
                raise Stopped
            self._items.append(item)
            self.condition.notify_all()

    def ask(self, function: Callable[[], R]) -> Asked[R]:
        """Have the caller's thread run `function` when it next can; returns at once."""
        asked = Asked(self, function)
        with self.condition:
            if self.stopped:
                raise Stopped
            self._asked.append(asked)
            self.condition.notify_all()
        return asked

    def call(self, function: Callable[[], R]) -> R:
        """`function()` run by the caller's thread (the one that may use the database session)."""
        return self.ask(function).wait()

    # The caller's side -------------------------------------------------------------------------------------------

    def __iter__(self) -> Iterator[T]:
        condition = self.condition
        while True:
            with condition:
                while not self._items and not self._asked:
                    if not self._allowed:  # waiting for an item lets the producer make it
                        self._allowed = 1
                        condition.notify_all()
                    condition.wait()
                asked = bool(self._asked)
                if not asked:
                    item = self._items.popleft()
                    condition.notify_all()  # room for the producer
            if asked:  # the producer waits on what it asked for: run it first
                self.serve()
                continue
            if item is _END:
                if self._error is not None:
                    error, self._error = self._error, None
                    raise error
                return
            yield cast(T, item)

    def more(self) -> None:
        """Let the producer begin its next item now (at most one more than it has begun)."""
        with self.condition:
            if not self._allowed:
                self._allowed = 1
                self.condition.notify_all()

    def serve(self) -> None:
        """Run, in this thread, whatever the producer has asked for so far."""
        while True:
            with self.condition:
                if not self._asked:
                    return
                asked = self._asked.popleft()
            try:
                asked.result = asked.function()
            except BaseException as error:
                asked.error = error
            with self.condition:
                asked.done = True
                self.condition.notify_all()

    def close(self) -> None:
        """Stop the producer (at its next `room`, `put` or wait) and wait for its thread to end."""
        with self.condition:
            self.stopped = True
            self.condition.notify_all()
        if self._thread.is_alive():
            self._thread.join()


class HandedPieces(SizedReader):
    """A seekable stream the producer reads while only the caller's thread reads the one underneath.

    Pieces of `piece` bytes are read by the caller's thread (`Ahead.ask`); as soon as one arrives the next is
    asked for, so that it is usually there before the producer needs it. `position` is how far the producer has
    read (a plain int, safe to read from the caller's thread); `waited` the seconds it spent waiting for pieces.
    """

    def __init__(self, ahead: Ahead[Any], stream: BinaryIO, size: int, piece: int) -> None:
        super().__init__(size)
        self.ahead, self.stream, self.piece_size = ahead, stream, piece
        self.piece, self.piece_at = b"", 0
        self.following: tuple[int, Asked[bytes]] | None = None
        self.waited = 0.0

    def _read_at(self, position: int) -> Callable[[], bytes]:
        stream, size = self.stream, self.piece_size

        def read() -> bytes:
            stream.seek(position)
            return stream.read(size)

        return read

    def readinto(self, buffer: Any) -> int:
        position = self.position
        if position >= self.size:
            return 0
        offset = position - self.piece_at
        if not 0 <= offset < len(self.piece):
            following = self.following
            started = time.perf_counter()
            if following is not None and following[0] == position:
                self.piece = following[1].wait()
            else:
                self.piece = self.ahead.call(self._read_at(position))
            self.waited += time.perf_counter() - started
            self.piece_at, offset = position, 0
            after = position + len(self.piece)
            self.following = (after, self.ahead.ask(self._read_at(after))) if self.piece and after < self.size else None
            if not self.piece:
                return 0
        data = memoryview(self.piece)[offset : offset + len(buffer)]
        buffer[: len(data)] = data
        self.position += len(data)
        return len(data)


def handed_stream(
    ahead: Ahead[Any], stream: BinaryIO, size: int, piece: int = 1024 * 1024
) -> tuple[BinaryIO, HandedPieces]:
    """`stream` (of `size` bytes) for the producer of `ahead` to read: buffered, seekable, each piece read by the
    caller's thread; and the pieces underneath (how far the producer has read, how long it waited)."""
    pieces = HandedPieces(ahead, stream, size, piece)
    return cast(BinaryIO, io.BufferedReader(pieces, buffer_size=64 * 1024)), pieces
