"""A database migrated to head has exactly the models' schema, on each database.

The migrations build every test database (tests/support/databases.py) while the models describe what the code
expects; nothing else notices when the two drift apart until a query meets a column that is not there. Alembic's
autogenerate comparison reads the migrated schema back and lists what the models would add, drop or change:
tables, columns, types, nullability, server defaults, indexes, unique constraints and foreign keys. It must list
nothing. There is no dialect noise to filter today (the same comparison is empty on SQLite and PostgreSQL); if a
future type needs one, filter that one (table, column, difference) here and say why.

Only our tables are compared: on PostgreSQL the task queue's tables (`procrastinate_*`) may share the database,
and they are procrastinate's schema, applied and checked by its own migrations (`apportion db upgrade`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import CheckConstraint, Column, Index, MetaData, String, inspect

from apportion.jobs.queue import apply_schema
from apportion.settings import Settings
from apportion.store.database import Database
from apportion.store.models import Base
from apportion.store.schema_version import ensure_current, is_current
from tests.support.databases import backends, fresh_database


def _ours(name: str | None, kind: str, parents: dict[str, str | None]) -> bool:
    """Leave out the task queue's tables and their indexes: procrastinate owns and migrates them."""
    table = name if kind == "table" else parents.get("table_name")
    return not (table or "").startswith("procrastinate_")


def schema_differences(db: Database, metadata: MetaData) -> list[Any]:
    """What autogenerate would write to bring `db` to `metadata`, with the options our migrations run with."""
    with db.engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "compare_server_default": True, "include_name": _ours}
        )
        return list(compare_metadata(context, metadata))


def test_a_database_migrated_to_head_matches_the_models(db: Database) -> None:
    if db.engine.dialect.name == "postgresql":  # as `apportion db upgrade` leaves it: with the task queue's tables
        apply_schema(Settings(database_url=db.url, run_jobs_inline=False))
    assert schema_differences(db, Base.metadata) == [], (
        "the migrations and store/models disagree: fix the model, or add the migration that makes them agree"
    )


def test_the_comparison_sees_a_model_the_migrations_lack(db: Database) -> None:
    """A model changed without a migration is reported, so the empty list above means something."""
    drifted = MetaData(naming_convention=Base.metadata.naming_convention)
    for table in Base.metadata.tables.values():
        table.to_metadata(drifted)
    vendors = drifted.tables["vendors"]
    vendors.append_column(Column("web_site", String(200), nullable=True))
    Index("ix_vendors_web_site", vendors.c.web_site)
    kinds = [diff[0] if isinstance(diff, tuple) else diff[0][0] for diff in schema_differences(db, drifted)]
    assert sorted(kinds) == ["add_column", "add_index"]


def test_no_model_has_a_check_constraint() -> None:
    """Autogenerate does not compare CHECK constraints; the first one a model declares needs its own comparison."""
    checks = [
        (table.name, constraint.name)
        for table in Base.metadata.tables.values()
        for constraint in table.constraints
        if isinstance(constraint, CheckConstraint)
    ]
    assert checks == [], "compare these with the inspector's get_check_constraints() in this module"


@pytest.mark.parametrize("kind", backends())
def test_a_database_is_current_only_at_the_head_revision(kind: str, tmp_path: Path) -> None:
    """What the commands read instead of loading Alembic: the version table holds the head, or they migrate."""
    with fresh_database(kind, str(tmp_path)) as db:
        assert is_current(db.engine)
        with db.engine.begin() as connection:
            connection.exec_driver_sql("UPDATE alembic_version SET version_num = '0013'")
        assert not is_current(db.engine)
        with db.engine.begin() as connection:
            connection.exec_driver_sql("DROP TABLE alembic_version")
        assert not is_current(db.engine)  # never migrated: no version table at all


def test_an_empty_database_is_migrated_once_and_then_only_read(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path}/empty.db")
    try:
        assert not is_current(db.engine)
        ensure_current(db.engine)
        assert is_current(db.engine)
        assert "bills" in inspect(db.engine).get_table_names()
        ensure_current(db.engine)  # at head: nothing to do
        assert is_current(db.engine)
    finally:
        db.dispose()
