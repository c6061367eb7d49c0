"""Bill import, the pure parts: read files, map rows by profile into bills, write kickout files (no database).

Stages, one module each: `readers` (CSV/XLSX/ZIP -> SourceFile, or SourceStream whose rows are read as they are
taken), `profiles` (column mappings, date and number cells), `columns` (header + profile -> Layout), `rows` (rows ->
ParsedBill | Kickout, as a stream: `parse_rows`), `kickouts` (kickout files, written as they come, and the ZIP for
re-import), `limits` (size limits, ImportFileRejected).
The batch-mode decision is pure domain: `apportion.domain.batch_modes`.
"""
