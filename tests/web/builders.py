"""A campus for the pages: a split workflow step run for 202402 and 202403 (the first March run voided), with
hand-checked figures, written through the API and the digest builders."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from tests.api import master_builders as mb
from tests.conftest import Api
from tests.support import chargeback_builders as cb
from tests.support import digest_builders as dg


@dataclass(frozen=True)
class Campus:
    """What the pages should show: the step, its tasks and the meters' (account, meter) ids."""

    step_id: int
    workflow_info: str
    latest_task_id: int
    voided_task_id: int
    failed_task_id: int
    meters: dict[str, tuple[int, int]]


def campus(api: Api) -> Campus:
    """MASTER (1000 kWh / 150.00 in 202403, 800 / 120.00 in 202402, 900 / 126.00 in 202303) split 60/40 to DEST-A
    and DEST-B; HALL (400 / 64.00, 500 / 80.00, none a year before) split 50/50 to HALL-EAST and HALL-WEST, whose
    version failed in a separate 202401 task.

    In 202403 DEST-A also has a vendor bill of 50 kWh / 10.00, so its current figures are 650 kWh / 100.00.
    """
    m = mb.linked_meters(api, "MASTER", "DEST-A", "DEST-B", "HALL", "HALL-EAST", "HALL-WEST")
    step_id = cb.workflow_step(api.db, "Split", info="Campus split")
    master_version = cb.version(api.db, "Split", *m["MASTER"], step_id=step_id)
    dg.destinations(api.db, master_version, [(*m["DEST-A"], "60"), (*m["DEST-B"], "40")])
    hall_version = cb.version(api.db, "Split", *m["HALL"], step_id=step_id)
    dg.destinations(api.db, hall_version, [(*m["HALL-EAST"], "50"), (*m["HALL-WEST"], "50")])

    sources = {
        (code, period): dg.bill(api.db, *m[code], period, use, cost)
        for code, period, use, cost in (
            ("MASTER", 202403, "1000", "150.00"),
            ("MASTER", 202402, "800", "120.00"),
            ("MASTER", 202303, "900", "126.00"),
            ("HALL", 202403, "400", "64.00"),
            ("HALL", 202402, "500", "80.00"),
        )
    }
    versions = [master_version, hall_version]
    shares = {
        "MASTER": (("DEST-A", "0.6"), ("DEST-B", "0.4")),
        "HALL": (("HALL-EAST", "0.5"), ("HALL-WEST", "0.5")),
    }
    totals = {
        ("MASTER", 202403): (Decimal(1000), Decimal(150)),
        ("MASTER", 202402): (Decimal(800), Decimal(120)),
        ("HALL", 202403): (Decimal(400), Decimal(64)),
        ("HALL", 202402): (Decimal(500), Decimal(80)),
    }

    def run(period: int, started: datetime, reversed_on: datetime | None = None) -> int:
        task_id = dg.task(api.db, step_id, period, version_ids=versions, started=started, reversed_on=reversed_on)
        for source, parts in shares.items():
            use, cost = totals[(source, period)]
            for destination, share in parts:
                dg.bill(
                    api.db,
                    *m[destination],
                    period,
                    str(use * Decimal(share)),
                    f"{cost * Decimal(share):.2f}",
                    task_id=task_id,
                    version_id=versions[0] if source == "MASTER" else versions[1],
                    source_bill_id=sources[(source, period)],
                    void=reversed_on is not None,
                )
        return task_id

    run(202402, datetime(2024, 3, 2))
    voided = run(202403, datetime(2024, 4, 2), reversed_on=datetime(2024, 4, 3))
    latest = run(202403, datetime(2024, 4, 5))
    failed = dg.task(api.db, step_id, 202401, version_ids=[master_version], failed_version_ids=[hall_version])
    dg.bill(api.db, *m["DEST-A"], 202403, "50", "10.00")
    return Campus(step_id, "Workflow Campus split", latest, voided, failed, m)
