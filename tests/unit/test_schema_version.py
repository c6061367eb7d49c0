"""The revision the command line compares with a database's `alembic_version` is Alembic's own head."""

from __future__ import annotations

from alembic.script import ScriptDirectory

from apportion.store.migrate import alembic_config
from apportion.store.schema_version import HEAD


def test_the_head_revision_is_the_newest_migration() -> None:
    """A new migration must move schema_version.HEAD too, or the commands would take a database that lacks it for
    current (or migrate one that has it again on every command)."""
    script = ScriptDirectory.from_config(alembic_config("sqlite://"))
    assert script.get_heads() == [HEAD], "set apportion.store.schema_version.HEAD to the newest migration's revision"
