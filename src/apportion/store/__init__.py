"""Persistence: SQLAlchemy 2.0 tables, queries, bulk writes and Alembic migrations (SQLite or PostgreSQL)."""
