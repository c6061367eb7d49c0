"""The apps in-process tests borrow (tests/support/apps.py) answer as new ones: no state of the last test is left."""

from __future__ import annotations

from datetime import datetime

from apportion.settings import Settings
from apportion.store.database import Database
from tests.conftest import NOW
from tests.support.apps import lent_app


def test_a_lent_app_has_the_state_create_app_gives_and_nothing_of_the_last_borrower(db: Database) -> None:
    later = datetime(2030, 1, 1)
    with lent_app(db, Settings(database_url=db.url, fiscal_year_start_month=7), clock=lambda: later) as first:
        assert first.state.settings.fiscal_year_start_month == 7
        assert first.state.clock() == later
        first.state.read_cache.get_or_build(db, "digest", lambda: b"cached")  # what a request leaves behind
        with lent_app(db, clock=lambda: NOW) as second:  # borrowed while the first is out: another app
            assert second is not first
    with lent_app(db, clock=lambda: NOW) as again:
        assert again in (first, second)
        assert again.state.settings == Settings(database_url=db.url)
        assert again.state.clock() == NOW
        assert again.state.read_cache.get_or_build(db, "digest", lambda: b"built anew") == b"built anew"
        assert again.state.db is db
