"""How a long use case reports how far it got, without knowing who is watching (the CLI draws a bar from it)."""

from __future__ import annotations

from collections.abc import Callable

Progress = Callable[[int, int, str], None]
"""Called with (steps done, steps in all, what was just done) after each step of a use case."""


def shifted(progress: Progress | None, before: int, total: int) -> Progress | None:
    """`progress` for one part of a larger run: its steps counted after `before` earlier ones, out of `total`."""
    if progress is None:
        return None
    outer = progress

    def report(done: int, _part_total: int, label: str) -> None:
        outer(before + done, total, label)

    return report
