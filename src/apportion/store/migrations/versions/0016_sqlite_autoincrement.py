"""SQLite keys that are never reused: bills, batches, chargeback tasks and import tasks get AUTOINCREMENT.

Without it SQLite hands the highest deleted key to the next row, and the logs that outlive these rows by design
(the export history of a bill, chargeback corrections, a task's source figures) would then name a new, unrelated
bill or task: a new bill could read as already exported. PostgreSQL sequences never go back, so only SQLite changes.

SQLite cannot add AUTOINCREMENT to a table, so each is rebuilt the way SQLite documents (create the new table, copy
the rows with their keys, drop the old, rename, recreate its indexes); `apportion.store.migrate.upgrade` runs
migrations with foreign keys off on SQLite so the drop does not cascade, and checks every key afterwards. Keys freed
before this migration cannot be known and may still be reused once; none after.

Revision ID: 0016
Revises: 0010
"""

import re
from collections.abc import Sequence

from alembic import op

revision: str = "0016"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = (("bills", "bill_id"), ("batches", "batch_id"), ("chargeback_tasks", "task_id"), ("tasks", "task_id"))


def _rebuild(table: str, key: str, autoincrement: bool) -> None:
    connection = op.get_bind()
    create = connection.exec_driver_sql(
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)
    ).scalar_one()
    indexes = (
        connection.exec_driver_sql(
            "SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL", (table,)
        )
        .scalars()
        .all()
    )
    column = f"\t{key} INTEGER NOT NULL"
    if autoincrement:
        edited = create.replace(f"{column}, \n", f"{column} PRIMARY KEY AUTOINCREMENT, \n", 1)
        edited = re.sub(rf",\s*\n\t(CONSTRAINT \w+ )?PRIMARY KEY \({key}\)", "", edited, count=1)
    else:
        edited = create.replace(f"{column} PRIMARY KEY AUTOINCREMENT, \n", f"{column}, \n", 1)
        edited = re.sub(r"\n\)$", f", \n\tCONSTRAINT pk_{table} PRIMARY KEY ({key})\n)", edited, count=1)
    if "PRIMARY KEY" not in edited or edited.count("PRIMARY KEY") != 1 or edited == create:
        raise RuntimeError(f"unexpected definition of table {table}: {create}")
    staged = f"_rebuild_{table}"
    edited = re.sub(r'^CREATE TABLE "?' + table + '"? ', f"CREATE TABLE {staged} ", edited, count=1)
    connection.exec_driver_sql(edited)
    connection.exec_driver_sql(f"INSERT INTO {staged} SELECT * FROM {table}")
    connection.exec_driver_sql(f"DROP TABLE {table}")
    connection.exec_driver_sql(f"ALTER TABLE {staged} RENAME TO {table}")
    for index in indexes:
        connection.exec_driver_sql(index)


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for table, key in TABLES:
        _rebuild(table, key, autoincrement=True)


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for table, key in TABLES:
        _rebuild(table, key, autoincrement=False)
