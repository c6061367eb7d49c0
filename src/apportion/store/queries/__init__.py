"""Queries by family: each module reads and writes one family's rows and speaks in frozen dataclasses and named
tuples, never in SQLAlchemy rows."""
