"""Reading the tables of a document in docs/, so tests can check every number a document shows."""

from __future__ import annotations

from pathlib import Path

Row = dict[str, str]


def doc_tables(path: Path, section: str | None = None) -> dict[str, list[Row]]:
    """Every table of the document (or of its `section`, a heading's title, down to the next heading of the same
    level) under the title of the heading above it; rows as {column: cell}."""
    lines = path.read_text().splitlines()
    if section is not None:
        start = next(i for i, line in enumerate(lines) if line.startswith("#") and line.lstrip("#").strip() == section)
        level = len(lines[start]) - len(lines[start].lstrip("#"))
        end = next(
            (
                i
                for i in range(start + 1, len(lines))
                if lines[i].startswith("#") and len(lines[i]) - len(lines[i].lstrip("#")) <= level
            ),
            len(lines),
        )
        lines = lines[start:end]
    tables: dict[str, list[Row]] = {}
    heading, header = "", list[str]()
    for line in lines:
        if line.startswith("#"):
            heading, header = line.lstrip("#").strip(), []
        elif line.startswith("|"):
            cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
            if not header:
                header = cells
            elif not set("".join(cells)) <= set("-: "):
                tables.setdefault(heading, []).append(dict(zip(header, cells, strict=True)))
        else:
            header = []
    return tables
