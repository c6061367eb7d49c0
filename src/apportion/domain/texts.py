"""How long free text a request stores may be: notes, comments and file names, the same on both databases.

SQLite holds text of any length in a VARCHAR column, and a TEXT column has no length on either database, so each
limit is checked before anything is written (docs/security.md#limits); PostgreSQL would otherwise refuse only the
VARCHAR ones, and SQLite none.

    too_long({"note": ("x" * 4001, MAX_NOTE)}) == {"note": ["note must be at most 4000 characters."]}
"""

from __future__ import annotations

from collections.abc import Mapping

MAX_NOTE = 4000
"""Notes and comments: a chargeback task's comment and run note, an import's note and comment, a reading's note,
an account's memo and deposit note, an API key's description (a bill's note has the same limit, and a batch's note
255 on the wire)."""
MAX_FILE_NAME = 255
"""An import's fileName."""


def too_long(texts: Mapping[str, tuple[str | None, int]]) -> dict[str, list[str]]:
    """{field: [reason]} for each `field: (text, limit)` whose text is longer than its limit; None is no text."""
    return {
        field: [f"{field} must be at most {limit} characters."]
        for field, (text, limit) in texts.items()
        if text is not None and len(text) > limit
    }
