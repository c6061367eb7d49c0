"""Memory management for long tasks (bill imports and chargeback runs) and for the server process."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_gc_lock = threading.Lock()
_gc_pausers = 0
_gc_was_enabled = True


@contextmanager
def cyclic_gc_paused() -> Iterator[None]:
    """No cyclic garbage collection while a long task runs (other threads' tasks included).

    An import or a chargeback run makes millions of small objects (cells, rows, decimals, drafts) that form no
    reference cycles and all live until it ends; each full collection walks all of them again, which took half
    an import's read and parse time. Reference counting still frees everything; collection resumes when the
    last such task ends.
    """
    global _gc_pausers, _gc_was_enabled
    with _gc_lock:
        if _gc_pausers == 0:
            _gc_was_enabled = gc.isenabled()
            gc.disable()
        _gc_pausers += 1
    try:
        yield
    finally:
        with _gc_lock:
            _gc_pausers -= 1
            if _gc_pausers == 0 and _gc_was_enabled:
                gc.enable()


SERVING_YOUNG_THRESHOLD = 10_000
"""Allocations of container objects between two young-generation collections in a server process (Python: 700)."""


def collect_for_serving() -> None:
    """Set the cyclic collector of a server process, once its app is built (apportion.asgi, in every worker).

    Start-up's objects (modules, the app and its routes, alive until the process ends) are moved out of every later
    collection (`gc.freeze()`), and the young generation is collected after 10,000 new container objects instead of
    700: a 250-row list request allocates enough for 3-4 young collections at Python's default, each walking the page
    in flight, about half a millisecond of the request's CPU (docs/benchmarks.md). Reference counting frees a
    request's objects as before; only objects in cycles wait a little longer.
    """
    gc.collect()
    gc.freeze()
    _young, middle, old = gc.get_threshold()
    gc.set_threshold(SERVING_YOUNG_THRESHOLD, middle, old)
