"""Regenerate migration 0001 from the models (allowed until the first release; after it, add revisions)."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from alembic import command

from apportion.store.migrate import MIGRATIONS, alembic_config


def main() -> None:
    """Delete 0001, autogenerate it against an empty SQLite database, and format it."""
    versions = MIGRATIONS / "versions"
    target = next(versions.glob("0001_*.py"), None)
    if target is not None:
        target.unlink()
    with tempfile.TemporaryDirectory() as tmp:
        # Later revisions depend on 0001: park them while it is generated.
        parked = [shutil.move(path, tmp) for path in versions.glob("0[0-9][0-9][0-9]_*.py")]
        try:
            config = alembic_config(f"sqlite:///{Path(tmp) / 'empty.db'}")
            command.revision(config, message="initial schema", autogenerate=True, rev_id="0001")
        finally:
            for path in parked:
                shutil.move(path, versions)
    subprocess.run([sys.executable, "-m", "ruff", "format", "-q", str(MIGRATIONS)], check=True)


if __name__ == "__main__":
    main()
