"""Peak resident memory of a benchmark process, and of one part of its work (Linux; elsewhere the whole peak)."""

from __future__ import annotations

import contextlib
import math
import re
import resource
from pathlib import Path


def reset_peak() -> None:
    """Start counting the peak resident set from now (Linux 4.0+: /proc/self/clear_refs; elsewhere a no-op)."""
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")


def peak_mb() -> float:
    """The peak resident set since the last `reset_peak` (or since the process started), in MiB."""
    try:
        status = Path("/proc/self/status").read_text()
    except OSError:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    found = re.search(r"VmHWM:\s+(\d+) kB", status)
    return int(found.group(1)) / 1024 if found else math.nan
