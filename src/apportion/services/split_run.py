"""Split run: each effective split version splits its master account+meter's unsplit bills of the period.

Set-based (DESIGN.md "Performance rules"): candidate source bills, their line items, floor areas and
meter-group figures are loaded in a few queries for all versions at once; shares and destination lines
come from domain/splits.py; destination bills are written in one bulk insert.

A source bill is split at most once (domain.md §2.6 item 5), even when two runs race: sources are claimed
with one conditional `UPDATE bills SET has_been_split = true WHERE bill_id IN (...) AND has_been_split =
false RETURNING bill_id`. On PostgreSQL the second UPDATE waits for the first transaction's row locks and
then re-checks the condition; on SQLite writers are serialised by the database lock and the claim is the
run's first read of those rows inside its write transaction. A run only writes destinations for the
sources it claimed itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import and_, func, select, update

from apportion.domain import periods, splits
from apportion.domain.bills import BillDraft, BillHeader, BillOrigin, LineDraft
from apportion.domain.errors import RuleViolation
from apportion.services.run_context import RunContext, VersionOutcome, chunks
from apportion.store.chargeback_versions import SplitVersion
from apportion.store.id_lists import among
from apportion.store.models.bills import Bill, BillLine, BillMeter
from apportion.store.models.chargebacks import DistributionVersion
from apportion.store.models.organisation import AccountMeter, Meter, MeterGroupMember, PlaceSize
from apportion.store.models.reference import ObservationType
from apportion.store.sums import COST_SCALE, USE_SCALE, from_minor_units, minor_units_sum

# domain.md §4.3 floor area: "convert units to one common area unit" (square feet here).
SQUARE_FEET_PER_SQUARE_METRE = Decimal("10.76391041670972")


@dataclass(frozen=True)
class SourceBill:
    """An unsplit bill on a version's master account+meter in the run's period."""

    bill_id: int
    version_id: int
    begin_date: date
    end_date: date
    estimated: bool
    header: BillHeader


def run_splits(ctx: RunContext, versions: Sequence[SplitVersion], period: int) -> list[VersionOutcome]:
    """Split every unsplit source bill of the versions for `period`; one outcome per version and source."""
    if not versions:
        return []
    by_id = {v.version_id: v for v in versions}
    sources = _source_bills(ctx, list(by_id), period)
    lines = _lines(ctx, [s.bill_id for s in sources])
    resolver = _ShareResolver(ctx, versions, period)
    outcomes: dict[int, VersionOutcome] = {}
    failed: dict[int, VersionOutcome] = {}
    planned: dict[int, list[BillDraft]] = {}
    for source in sources:
        version = by_id[source.version_id]
        if version.version_id in failed:
            continue
        try:
            shares = resolver.shares(version, source.end_date)
            planned[source.bill_id] = _destinations(ctx, version, source, lines.get(source.bill_id, []), shares, period)
        except RuleViolation as problem:
            failed[version.version_id] = VersionOutcome(version.version_id, error_message=problem.message)
            continue
        outcomes[source.bill_id] = VersionOutcome(version.version_id, source_bill_id=source.bill_id)
    version_of = {s.bill_id: s.version_id for s in sources}
    claimed = _claim(ctx, [bill_id for bill_id in planned if version_of[bill_id] not in failed])
    drafts = [draft for bill_id in claimed for draft in planned[bill_id]]
    bill_ids = iter(ctx.write(drafts))
    result: list[VersionOutcome] = list(failed.values())
    for bill_id in claimed:
        outcome = outcomes[bill_id]
        outcome.bill_ids = [next(bill_ids) for _ in planned[bill_id]]
        result.append(outcome)
    done = {o.version_id for o in result}
    for version in versions:
        if version.version_id not in done:
            result.append(
                VersionOutcome(
                    version.version_id,
                    error_message=f"No unsplit bill on account {version.account_id} and meter {version.meter_id} "
                    f"for billing period {period}.",
                )
            )
    return result


def _source_bills(ctx: RunContext, version_ids: list[int], period: int) -> list[SourceBill]:
    """Unsplit, non-void, non-accrual bills of the period on each version's master account+meter."""
    found: list[SourceBill] = []
    for chunk in chunks(version_ids):
        statement = (
            select(
                Bill.bill_id,
                DistributionVersion.version_id,
                Bill.begin_date,
                Bill.end_date,
                Bill.estimated,
                Bill.statement_date,
                Bill.due_date,
                Bill.next_reading,
                Bill.control_code,
                Bill.invoice_number,
                Bill.account_period,
            )
            .join(BillMeter, BillMeter.bill_id == Bill.bill_id)
            .join(
                DistributionVersion,
                and_(
                    DistributionVersion.account_id == Bill.account_id,
                    DistributionVersion.meter_id == BillMeter.meter_id,
                ),
            )
            .where(
                among(DistributionVersion.version_id, chunk),
                Bill.billing_period == period,
                Bill.void.is_(False),
                Bill.accrual.is_(False),
                Bill.has_been_split.is_(False),
            )
            .order_by(Bill.bill_id)
        )
        # The header columns are selected in BillHeader's field order.
        for bill_id, version_id, begin, end, estimated, *header in ctx.session.connection().execute(statement):
            found.append(SourceBill(bill_id, version_id, begin, end, estimated, BillHeader(*header)))
    return found


def _lines(ctx: RunContext, bill_ids: list[int]) -> dict[int, list[LineDraft]]:
    kinds = dict(ctx.session.execute(select(ObservationType.observation_type_id, ObservationType.kind)).all())
    result: dict[int, list[LineDraft]] = {}
    for chunk in chunks(bill_ids):
        rows = ctx.session.connection().execute(
            select(
                BillLine.bill_id,
                BillLine.observation_type_id,
                BillLine.meter_id,
                BillLine.caption,
                BillLine.value,
                BillLine.value_unit_id,
                BillLine.cost,
            )
            .where(among(BillLine.bill_id, chunk))
            .order_by(BillLine.bill_id, BillLine.line_order)
        )
        for bill_id, type_id, meter_id, caption, value, unit_id, cost in rows:
            kind = kinds.get(type_id, "other")
            line = LineDraft(type_id, kind, meter_id, caption, value, unit_id, cost)
            result.setdefault(bill_id, []).append(line)
    return result


def _destinations(
    ctx: RunContext,
    version: SplitVersion,
    source: SourceBill,
    lines: list[LineDraft],
    shares: splits.SplitShares,
    period: int,
) -> list[BillDraft]:
    """Destination bills: the source's dates and period, the batch's header defaults over the source's."""
    if not any(line.meter_id == version.meter_id for line in lines):
        raise RuleViolation(f"Bill {source.bill_id} has no line items on meter {version.meter_id} to split.")
    header = ctx.header.defaulted_by(source.header)  # domain.md §7 Q8: batch defaults, else the source's
    origin = BillOrigin(ctx.task_id, version.version_id, source.bill_id)
    drafts = []
    for destination, parts in splits.split_bill(lines, version.meter_id, shares):
        if not parts:
            continue
        drafts.append(
            BillDraft(
                account_id=destination.account_id,
                billing_period=period,
                begin_date=source.begin_date,
                end_date=source.end_date,
                lines=parts,
                header=header,
                estimated=source.estimated,
                from_vendor=False,
                origin=origin,
            )
        )
    return drafts


def _claim(ctx: RunContext, bill_ids: list[int]) -> list[int]:
    """Mark the sources split, keeping only those no other run claimed first (see the module docstring)."""
    claimed: list[int] = []
    for chunk in chunks(sorted(bill_ids)):
        statement = (
            update(Bill)
            .where(among(Bill.bill_id, chunk), Bill.has_been_split.is_(False))
            .values(has_been_split=True, was_split_date=ctx.now)
            .returning(Bill.bill_id)
        )
        claimed.extend(ctx.session.execute(statement).scalars())
    return sorted(claimed)


def _listed(details: splits.SplitDetails) -> list[splits.Destination]:
    """The destinations a fixed-percentage or floor-area version names (a dynamic one names none)."""
    fixed = [d.destination for d in details.fixed_percentage or ()]
    return fixed + [d.destination for d in details.floor_area or ()]


class _ShareResolver:
    """Shares per version: fixed percentages as entered, floor areas and meter-group figures loaded once."""

    def __init__(self, ctx: RunContext, versions: Sequence[SplitVersion], period: int) -> None:
        self.ctx = ctx
        self.period = period
        area_meters = {d.meter_id for v in versions for d in v.details.floor_area or ()}
        self.linked = self._links({d.meter_id for v in versions for d in _listed(v.details)})
        self.places = self._places(area_meters)
        self.sizes = self._sizes(set(self.places.values()))
        groups = {v.details.dynamic.meter_group_id for v in versions if v.details.dynamic is not None}
        self.members, self.figures, self.accounts = self._groups(groups)
        self.cache: dict[tuple[int, date], splits.SplitShares] = {}

    def shares(self, version: SplitVersion, end_date: date) -> splits.SplitShares:
        """The shares a version applies to a source bill ending on `end_date` (RuleViolation if none)."""
        key = (version.version_id, end_date if version.details.floor_area is not None else date.min)
        if key not in self.cache:
            self.cache[key] = self._compute(version, end_date)
        return self.cache[key]

    def _compute(self, version: SplitVersion, end_date: date) -> splits.SplitShares:
        details = version.details
        for destination in _listed(details):
            # domain.md §2.6 item 1, §4.3: a destination must be an account+meter pair that is linked.
            if (destination.account_id, destination.meter_id) not in self.linked:
                raise RuleViolation(
                    f"Split version {version.version_id}: destination account {destination.account_id} is not "
                    f"linked to meter {destination.meter_id}."
                )
        if details.fixed_percentage is not None:
            return splits.fixed_percentage_shares(details.fixed_percentage)
        if details.floor_area is not None:
            shares = [
                splits.FloorAreaShare(d.account_id, d.meter_id, self._area(d.meter_id, end_date), d.weighting_factor)
                for d in details.floor_area
            ]
            return splits.floor_area_shares(shares)
        if details.dynamic is not None:
            return splits.dynamic_shares(details.dynamic, self._dynamic(details.dynamic))
        raise RuleViolation(f"Split version {version.version_id} has no split details.")

    def _area(self, meter_id: int, day: date) -> Decimal:
        """Floor area (sq ft) of the meter's place: the size covering `day`, else the latest (§4.3 rec)."""
        sizes = self.sizes.get(self.places.get(meter_id, -1), [])
        covering = [s for s in sizes if s.begin_date <= day and (s.end_date is None or day < s.end_date)]
        chosen = covering[-1] if covering else (sizes[-1] if sizes else None)
        if chosen is None:
            return Decimal(0)  # domain.md §7 Q22: a site without an area gets 0 %
        area = Decimal(chosen.value)
        return area * SQUARE_FEET_PER_SQUARE_METRE if chosen.unit_code.upper() == "SQMETER" else area

    def _dynamic(self, split: splits.DynamicSplit) -> list[splits.DynamicShare]:
        basis = splits.canonical_share_value(split.destination_share_value)
        shares = []
        for meter_id in self.members.get(split.meter_group_id, []):
            account_id = self.accounts.get(meter_id)
            if account_id is None:
                raise RuleViolation(
                    f"Meter {meter_id} of meter group {split.meter_group_id} is not linked to an account in "
                    f"billing period {self.period}."
                )
            use, cost = self.figures.get(meter_id, (Decimal(0), Decimal(0)))
            shares.append(splits.DynamicShare(account_id, meter_id, use if basis == "use" else cost))
        return shares

    def _links(self, meter_ids: set[int]) -> set[tuple[int, int]]:
        """(account, meter) pairs linked at any time, for the given meters."""
        found: set[tuple[int, int]] = set()
        for chunk in chunks(sorted(meter_ids)):
            rows = self.ctx.session.connection().execute(
                select(AccountMeter.account_id, AccountMeter.meter_id).where(among(AccountMeter.meter_id, chunk))
            )
            found.update((account_id, meter_id) for account_id, meter_id in rows)
        return found

    def _places(self, meter_ids: set[int]) -> dict[int, int]:
        found: dict[int, int] = {}
        for chunk in chunks(sorted(meter_ids)):
            found.update(
                self.ctx.session.execute(select(Meter.meter_id, Meter.place_id).where(Meter.meter_id.in_(chunk))).all()
            )
        return found

    def _sizes(self, place_ids: set[int]) -> dict[int, list[PlaceSize]]:
        found: dict[int, list[PlaceSize]] = {}
        for chunk in chunks(sorted(place_ids)):
            rows = self.ctx.session.execute(
                select(PlaceSize).where(PlaceSize.place_id.in_(chunk)).order_by(PlaceSize.begin_date)
            ).scalars()
            for size in rows:
                found.setdefault(size.place_id, []).append(size)
        return found

    def _groups(
        self, group_ids: set[int]
    ) -> tuple[dict[int, list[int]], dict[int, tuple[Decimal, Decimal]], dict[int, int]]:
        """Group members; each member's use and cost over its own non-void, non-accrual bills of the period
        (domain.md §4.3, §7 Q21); and the account each member is linked to during the period (lowest id)."""
        members: dict[int, list[int]] = {}
        if not group_ids:
            return members, {}, {}
        session = self.ctx.session
        rows = session.execute(
            select(MeterGroupMember.meter_group_id, MeterGroupMember.meter_id)
            .where(MeterGroupMember.meter_group_id.in_(sorted(group_ids)))
            .order_by(MeterGroupMember.meter_group_id, MeterGroupMember.meter_id)
        )
        for group_id, meter_id in rows:
            members.setdefault(group_id, []).append(meter_id)
        meter_ids = sorted({m for ms in members.values() for m in ms})
        figures: dict[int, tuple[Decimal, Decimal]] = {}
        accounts: dict[int, int] = {}
        first, last = periods.first_day(self.period), periods.end_date(self.period)
        for chunk in chunks(meter_ids):
            totals = session.execute(
                select(
                    BillMeter.meter_id,
                    minor_units_sum(BillMeter.use, USE_SCALE),
                    minor_units_sum(BillMeter.cost, COST_SCALE),
                )
                .join(Bill, Bill.bill_id == BillMeter.bill_id)
                .where(
                    among(BillMeter.meter_id, chunk),
                    BillMeter.billing_period == self.period,
                    Bill.void.is_(False),
                    Bill.accrual.is_(False),
                )
                .group_by(BillMeter.meter_id)
            )
            for meter_id, use, cost in totals:
                figures[meter_id] = (
                    from_minor_units(use, USE_SCALE) or Decimal(0),
                    from_minor_units(cost, COST_SCALE) or Decimal(0),
                )
            links = session.execute(
                select(AccountMeter.meter_id, func.min(AccountMeter.account_id))
                .where(AccountMeter.meter_id.in_(chunk), AccountMeter.begin_date < last, AccountMeter.end_date >= first)
                .group_by(AccountMeter.meter_id)
            )
            accounts.update(dict(links.all()))
        return members, figures, accounts
