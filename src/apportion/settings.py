"""Settings, read from APPORTION_* environment variables once, at an entry point, and passed down."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_DATABASE_URL = "sqlite:///./apportion.db"


class Settings(BaseSettings):
    """Apportion's configuration; every field maps to APPORTION_<NAME>."""

    model_config = SettingsConfigDict(env_prefix="APPORTION_", extra="ignore")

    database_url: str = Field(default=DEFAULT_DATABASE_URL, description="SQLAlchemy URL of the database.")
    bootstrap_api_key: str | None = Field(
        default=None, description="If set and no user exists, start-up creates an administrator with this key."
    )
    load_demo_data: bool = Field(default=False, description="Load the demo campus when the database is empty.")
    aggregation_periods: int = Field(
        default=12, ge=1, le=120, description="Billing periods an aggregation run covers, ending at its period."
    )
    import_max_bytes: int = Field(default=50 * 1024 * 1024, ge=1, description="Largest accepted import file.")
    import_max_uncompressed_bytes: int = Field(
        default=200 * 1024 * 1024, ge=1, description="Largest total size of a ZIP import's members."
    )
    import_max_files_in_zip: int = Field(default=200, ge=1, description="Most files a ZIP import may hold.")
    import_max_compression_ratio: int = Field(
        default=100, ge=1, description="Most a ZIP (or XLSX) may expand, as a multiple of its size, past 1 MiB."
    )
    import_max_rows: int = Field(
        default=1_000_000, ge=1, description="Most rows an import may have over all its files, blank rows included."
    )
    import_max_columns: int = Field(default=500, ge=1, description="Most columns an import file's header may have.")
    import_max_cells_per_row: int = Field(
        default=1_000, ge=1, description="Most cells any row of an import file may have (XLSX: its last used column)."
    )
    import_max_message_chars: int = Field(
        default=4_000, ge=100, description="Longest kickout message of one row; longer ones are cut."
    )
    import_max_kickout_bytes: int = Field(
        default=256 * 1024 * 1024, ge=1, description="Largest total size of one import's kickout files."
    )
    read_cache_bytes: int = Field(
        default=256 * 1024 * 1024,
        ge=0,
        description="Memory each API process keeps for finished digests, valid until the next write (0: none).",
    )
    statement_timeout_seconds: float = Field(
        default=30.0,
        ge=0,
        description="PostgreSQL: longest a statement of an API request may run before it is stopped (0: no limit).",
    )
    run_jobs_inline: bool = Field(
        default=True, description="Run imports in the API process; false hands them to `apportion worker`."
    )
    worker_heartbeat_seconds: float = Field(
        default=10.0, gt=0, description="How often a worker tells the queue it is alive and looks for stalled tasks."
    )
    worker_stalled_seconds: float = Field(
        default=60.0, gt=0, description="A worker silent this long is taken for dead; its running tasks run again."
    )
