"""Size limits for import files and the error raised when a file breaks one or cannot be read at all."""

from __future__ import annotations

from dataclasses import dataclass

from apportion.domain.errors import RuleViolation

MIB = 1024 * 1024


@dataclass(frozen=True)
class ImportLimits:
    """How much an import may hold before it is refused.

    `max_bytes` bounds the decoded upload; `max_uncompressed_bytes` bounds what a ZIP (or the ZIP inside an
    XLSX) expands to, counted while reading; `max_compression_ratio` (expanded / compressed) is checked once
    more than `ratio_check_from_bytes` have been expanded, so small, very regular files are not refused.
    `max_rows` counts rows after the header, over every file of the upload.
    """

    max_bytes: int = 50 * MIB
    max_uncompressed_bytes: int = 200 * MIB
    max_files_in_zip: int = 200
    max_compression_ratio: int = 100
    max_rows: int = 1_000_000
    ratio_check_from_bytes: int = 1 * MIB


class ImportFileRejected(RuleViolation):
    """The import file cannot be read: empty, not UTF-8, an unknown type, corrupt, or over a size limit."""

    def __init__(self, message: str, field: str = "data") -> None:
        super().__init__(message, field)
