"""Memory management for long tasks: bill imports and chargeback runs."""

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
