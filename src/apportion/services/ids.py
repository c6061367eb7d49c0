"""Ids in requests, as the services that still import them from here know them.

The rules are pure and live in apportion.domain.ids; `fetch` reads a row and lives in apportion.store.lookup.
"""

from __future__ import annotations

from apportion.domain.ids import MAX_ID, in_range, known, parse_filter, require
from apportion.store.lookup import fetch

__all__ = ["MAX_ID", "fetch", "in_range", "known", "parse_filter", "require"]
