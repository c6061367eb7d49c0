"""store.id_lists.among: IN over any number of ids as one bound parameter, on SQLite and PostgreSQL."""

from __future__ import annotations

from sqlalchemy import insert, select, text
from sqlalchemy.dialects import postgresql

from apportion.store.database import Database
from apportion.store.id_lists import among, among_param
from apportion.store.models.organisation import Meter
from apportion.store.models.revision import DataRevision


def test_among_matches_in_for_lists_beyond_any_bind_limit(db: Database) -> None:
    with db.transaction() as session:
        session.execute(
            insert(Meter),
            [
                {"meter_code": f"BM{i:06d}", "meter_info": "", "commodity_id": 1, "place_id": 1, "meter_type_id": 1}
                for i in range(300)
            ],
        )
        meters = sorted(session.execute(select(Meter.meter_id)).scalars())
    wanted = [*meters[::3], 10**12, -1, *meters[:2]]  # unknown ids and repeats change nothing
    with db.reading() as session:
        found = session.execute(select(Meter.meter_id).where(among(Meter.meter_id, wanted))).scalars().all()
        assert sorted(found) == sorted(set(meters[::3]) | set(meters[:2]))
        # 40,000 ids: more than SQLite's 32,766 bound parameters, still one parameter here.
        many = list(range(meters[0], meters[0] + 40_000))
        assert len(session.execute(select(Meter.meter_id).where(among(Meter.meter_id, many))).all()) == 300
        assert session.execute(select(Meter.meter_id).where(among(Meter.meter_id, []))).all() == []
        combined = select(Meter.meter_id).where(among(Meter.meter_id, meters[:10]), Meter.meter_code > "BM000004")
        assert sorted(session.execute(combined).scalars()) == meters[5:10]
        excluded = select(Meter.meter_id).where(~among(Meter.meter_id, meters[:290]))
        assert sorted(session.execute(excluded).scalars()) == meters[290:]
        later = select(Meter.meter_id).where(among_param(Meter.meter_id, "ids"))
        assert session.execute(later, {"ids": meters[7:9]}).scalars().all() == meters[7:9]


def test_among_is_answered_from_the_index_on_sqlite(tmp_path: object) -> None:
    db = Database(f"sqlite:///{tmp_path}/plan.db")
    try:
        with db.engine.begin() as connection:
            connection.execute(text("CREATE TABLE t (id INTEGER PRIMARY KEY, other INTEGER)"))
            statement = select(text("id")).select_from(text("t")).where(among(text("other"), [1, 2]))
            connection.execute(text("CREATE INDEX ix_t_other ON t (other)"))
            compiled = statement.compile(db.engine)
            plan = connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {compiled}", ('["1", "2"]',)).all()
        assert any(
            "USING COVERING INDEX ix_t_other" in str(row) or "USING INDEX ix_t_other" in str(row) for row in plan
        )
    finally:
        db.dispose()


def test_among_binds_the_column_own_integer_type_on_postgresql() -> None:
    # integer = ANY(integer[]) is hashed by PostgreSQL; integer = ANY(bigint[]) was compared id by id on every row.
    dialect = postgresql.psycopg.dialect()  # type: ignore[attr-defined]
    on_meters = str(select(Meter.meter_id).where(among(Meter.meter_id, [1, 2])).compile(dialect=dialect))
    assert "::INTEGER[]" in on_meters
    on_revisions = select(DataRevision.revision).where(among_param(DataRevision.revision, "ids"))
    assert "::BIGINT[]" in str(on_revisions.compile(dialect=dialect))
