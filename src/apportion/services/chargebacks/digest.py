"""The chargeback workflow digest: a step's meters with their period figures (api-reference/001, domain.md §4.8).

For a step and billing period P the digest lists every meter the latest task of that step in P involved: the
source meters of a split step (each with its destinations under `splits`) or the calculated meters of a calculation
step. Each meter gets its non-void bills' totals for P, P - 1 month and P - 1 year (domain/digest.py). What it reads
is in store/queries/digest.py: a fixed number of statements whatever the number of meters.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from apportion.domain import periods
from apportion.domain.digest import DigestFigures, digest_figures, digest_period
from apportion.domain.errors import NotFound
from apportion.domain.scoping import Scope
from apportion.domain.versions import SPLIT
from apportion.services import ids
from apportion.store import scoping
from apportion.store.database import Database, UnitOfWork
from apportion.store.queries import digest as store
from apportion.store.queries.children import MeterChild, UnitChild
from apportion.store.queries.digest import UNPLACED, DigestStep

__all__ = ["DigestLine", "DigestStep", "WorkflowDigest", "get_digest"]


@dataclass(frozen=True)
class DigestLine:
    """One digest entry: the meter, the unit of its use figures (its commodity's common unit), its figures and,
    for split sources, one line per destination (None for calculated meters)."""

    meter: MeterChild
    use_unit: UnitChild | None
    figures: DigestFigures
    splits: tuple[DigestLine, ...] | None


@dataclass(frozen=True)
class WorkflowDigest:
    """The step (with its workflow and the cost unit), the period and the lines."""

    step: DigestStep
    billing_period: int
    results: tuple[DigestLine, ...]


def get_digest(
    db: Database, step_id: int, billing_period: int | None, today: date, scope: Scope = Scope.WHOLE
) -> WorkflowDigest:
    """The digest of step `step_id` for `billing_period` (default: the step's latest task period, else the current
    one, domain.md §7 Q11); NotFound for an unknown step, ValidationFailed for a malformed period. Only meters in
    the caller's `scope` are shown (a source outside it with its destinations; a destination outside it alone)."""
    ids.require(step_id, "Chargeback workflow step")
    with db.reading() as session:
        step = store.digest_step(session, step_id)
        if step is None:
            raise NotFound("Chargeback workflow step", step_id)
        period = digest_period(billing_period, step.latest_period, periods.of_date(today))
        task_id = store.latest_task(session, step_id, period)
        results = _lines(session, step, period, task_id, scope) if task_id is not None else ()
    return WorkflowDigest(step, period, results)


def _lines(session: UnitOfWork, step: DigestStep, period: int, task_id: int, scope: Scope) -> tuple[DigestLine, ...]:
    is_split = step.step_type.lower() == SPLIT.lower()
    destinations: dict[int, dict[int, int]] = {}  # source -> destination -> position
    for source_id, destination_id, position in store.involved_pairs(session, task_id):
        placed = destinations.setdefault(source_id, {})
        if is_split and destination_id is not None:
            placed[destination_id] = min(position, placed.get(destination_id, UNPLACED))
    if not scope.whole:
        seen = scoping.meters_among(session, scope, set(destinations).union(*destinations.values()))
        destinations = {
            source: {m: p for m, p in placed.items() if m in seen}
            for source, placed in destinations.items()
            if source in seen
        }
    if not destinations:
        return ()
    meter_ids = sorted(set(destinations).union(*destinations.values()))
    compared = (period, periods.prior(period), periods.same_period_prior_year(period))
    totals = store.meter_totals(session, meter_ids, compared, step.step_id)
    get = totals.get
    current, prior, year = compared
    meters = store.digest_meters(session, meter_ids)
    figures = {
        meter_id: digest_figures(period, get((meter_id, current)), get((meter_id, prior)), get((meter_id, year)))
        for meter_id in meters
    }

    def line(meter_id: int, splits: tuple[DigestLine, ...] | None = None) -> DigestLine:
        meter, use_unit = meters[meter_id]
        return DigestLine(meter, use_unit, figures[meter_id], splits)

    def by_code(meter_id: int) -> tuple[str, int]:
        return (meters[meter_id].meter.meter_code, meter_id)

    lines = []
    for source_id in sorted(destinations, key=by_code):
        splits = None
        if is_split:
            placed = destinations[source_id]
            splits = tuple(line(m) for m in sorted(placed, key=lambda m: (placed[m], *by_code(m))))
        lines.append(line(source_id, splits))
    return tuple(lines)
