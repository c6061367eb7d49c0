"""Long work: run inline on SQLite, or through a PostgreSQL-backed queue and `apportion worker` processes."""
