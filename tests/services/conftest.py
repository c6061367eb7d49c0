"""Service tests: use cases called directly on an in-memory unit of work (tests/support/memory.py), no HTTP.

The HTTP tests (tests/api) keep to the contract: status codes, wire fields, permissions. What a run or a correction
computes is checked here, where a test costs a copied schema instead of an app, a client and a database clean-up.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from apportion.store.database import Database
from tests.support.memory import memory_database


@pytest.fixture
def db() -> Iterator[Database]:
    """A private in-memory database migrated to head, with the reference rows and nothing else."""
    database = memory_database()
    try:
        yield database
    finally:
        database.dispose()
