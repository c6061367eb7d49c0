"""Settings, read from APPORTION_* environment variables once, at an entry point, and passed down."""

from __future__ import annotations

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, field_validator
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
    accounting_export_licensed: bool = Field(
        default=True,
        description="The Accounting Export licence: when off, audits cannot be set to Hold (accounting.md §9 D14).",
    )
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
    time_zone: str = Field(
        default="local",
        description="IANA time zone the server's clock reads (America/New_York ...): today for the filters' relative "
        "dates (today, current month ...) and the dates a run stamps; 'local' is the host's.",
    )
    fiscal_year_start_month: int = Field(
        default=1, ge=1, le=12, description="Month (1-12) the fiscal year starts in, for the fiscal filter shortcuts."
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

    @field_validator("time_zone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        """A time zone the host's tz database knows, or 'local'."""
        if value != "local":
            try:
                ZoneInfo(value)
            except (ZoneInfoNotFoundError, ValueError):
                raise ValueError(
                    f"Unknown time zone '{value}' (an IANA name such as 'Europe/Berlin', or 'local')."
                ) from None
        return value
