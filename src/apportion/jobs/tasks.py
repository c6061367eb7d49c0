"""Task bodies for the runners in this package: the services' own table (`services.runs.queue_bodies.BODIES`).

The same functions run in the inline thread runner (`jobs.inline`) and under the PostgreSQL-backed queue
(`jobs.queue`), whose workers look the body up by kind in `BODIES`.
"""

from __future__ import annotations

from apportion.services.runs.queue_bodies import BODIES, Body, import_bills

__all__ = ["BODIES", "Body", "import_bills"]
