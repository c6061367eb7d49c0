"""Split run: every unsplit source bill of the period is split by each effective version on one of its meters.

The flow: read the candidate source bills, their lines, links, floor areas and group figures in a few queries
(store/split_inputs.py); resolve each version's shares and each destination's occupancy over the bill's days; plan
each source bill with domain/source_split.py (every meter's split at once, account charges, vacancy and the
conservation record); claim the sources; write the destination bills in one bulk insert.

A source bill is split at most once (domain.md §2.6 item 5), even when two runs race: sources are claimed with
one conditional `UPDATE bills SET has_been_split = true WHERE bill_id IN (...) AND has_been_split = false
RETURNING bill_id`. On PostgreSQL the second UPDATE waits for the first transaction's row locks and then
re-checks the condition; on SQLite writers are serialised by the database lock and the claim is the run's first
read of those rows inside its write transaction. A run only writes destinations for the sources it claimed.

A bill is split whole or not at all: when a version that splits one of its meters fails, the bill stays unsplit
(so a re-run after the fix splits it) and its conservation record says why its amount was left on it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import assert_never

from apportion.domain import periods, splits
from apportion.domain.bills import BillDraft, BillHeader, BillOrigin
from apportion.domain.errors import RuleViolation
from apportion.domain.occupancy import Link, Occupancy, occupancy
from apportion.domain.source_split import (
    Conservation,
    Left,
    MeterSplit,
    SourceSplit,
    left_whole,
    split_source_bill,
)
from apportion.domain.tuples import new_tuple as _new
from apportion.services.runs.run_context import RunContext, VersionOutcome
from apportion.store import bill_reads, lineage, split_inputs
from apportion.store.bill_writer import BillWriter
from apportion.store.chargeback_versions import SplitVersion


def run_splits(
    ctx: RunContext, versions: Sequence[SplitVersion], period: int, only: Sequence[int] | None = None
) -> list[VersionOutcome]:
    """Split every unsplit source bill of the versions for `period`; one outcome per version and source bill.

    `only` names the bills of an explicit split (POST /api/v3/bill/split): the same run over those bills alone, in
    which only the versions that split one of them take part (the others are not reported as finding nothing).
    """
    if not versions:
        return []
    session = ctx.session
    by_id = {v.version_id: v for v in versions}
    pairs = split_inputs.source_bills(session, list(by_id), period, only)
    if only is not None:
        taking_part = {pair.version_id for pair in pairs}
        versions = [v for v in versions if v.version_id in taking_part]
        if not versions:
            return []
    sources: dict[int, list[split_inputs.SourceBill]] = {}
    for pair in pairs:
        sources.setdefault(pair.bill_id, []).append(pair)
    lines = bill_reads.lines_of(session, list(sources))
    resolver = _ShareResolver(ctx, versions, period)
    failed: dict[int, str] = {}
    planned: dict[int, SourceSplit] = {}
    for bill_id, rows in sources.items():
        first = rows[0]
        meter_splits: dict[int, MeterSplit] = {}
        for row in rows:
            version = by_id[row.version_id]
            if version.version_id in failed:
                continue
            try:
                shares = resolver.shares(version, first.end_date)
                stays = resolver.occupancies(shares.destinations, first.begin_date, first.end_date)
                meter_splits[version.meter_id] = MeterSplit(version.version_id, version.meter_id, shares, stays)
            except RuleViolation as problem:
                failed[version.version_id] = problem.message
        if len(meter_splits) == len(rows):
            planned[bill_id] = split_source_bill(lines.get(bill_id, []), meter_splits)
    # A version that failed on any bill splits none: its bills stay whole on the source, to be split by a re-run.
    records: dict[int, Conservation] = {}
    for bill_id, rows in sources.items():
        if any(row.version_id in failed for row in rows):
            planned.pop(bill_id, None)
            records[bill_id] = left_whole(lines.get(bill_id, []), Left.FAILED_VERSIONS)
    claimed = _claim(ctx, list(planned))
    drafts: list[BillDraft] = []
    headers: dict[BillHeader, BillHeader] = {}  # sources mostly share their header (often an empty one)
    task_id = ctx.task_id
    for bill_id in claimed:
        source = sources[bill_id][0]
        header = headers.get(source.header)
        if header is None:  # domain.md §7 Q8: batch defaults, else the source's
            header = headers[source.header] = ctx.header.defaulted_by(source.header)
        records[bill_id] = planned[bill_id].conservation
        estimated = source.estimated
        # BillDraft(account_id, billing_period, begin_date, end_date, lines, header, estimated, from_vendor, origin)
        # with BillOrigin(task, version, source bill, import task, calculated), every field given: ten thousand.
        drafts.extend(
            _new(
                BillDraft,
                (
                    account_id,
                    period,
                    begin,
                    end,
                    lines,
                    header,
                    estimated,
                    False,
                    _new(BillOrigin, (task_id, version_id, bill_id, None, False)),
                ),
            )
            for version_id, account_id, _, begin, end, lines in planned[bill_id].destinations
        )
    if ctx.writer is None:
        ctx.writer = BillWriter(session)
    ctx.writer.know_commodities(resolver.commodities)
    bill_ids = iter(ctx.write(drafts))
    result = [VersionOutcome(version_id, error_message=message) for version_id, message in failed.items()]
    for bill_id in claimed:
        made: dict[int, list[int]] = {row.version_id: [] for row in sources[bill_id]}
        for bill in planned[bill_id].destinations:
            made[bill.version_id].append(next(bill_ids))
        result.extend(VersionOutcome(v, source_bill_id=bill_id, bill_ids=ids) for v, ids in made.items())
    lineage.record_conservation(session, ctx.task_id, records)
    done = {o.version_id for o in result}
    idle = [version for version in versions if version.version_id not in done]
    for version, reason in zip(idle, _nothing_to_split(ctx, idle, period), strict=True):
        result.append(VersionOutcome(version.version_id, error_message=reason))
    return result


def _nothing_to_split(ctx: RunContext, versions: Sequence[SplitVersion], period: int) -> list[str]:
    """Why each version found no bill to split, in the codes users know (and the task that split it, if one did);
    read for all of them at once, since a re-run of a month already split asks it of every version."""
    if not versions:
        return []
    accounts, meters = split_inputs.account_and_meter_codes(
        ctx.session, sorted({v.account_id for v in versions}), sorted({v.meter_id for v in versions})
    )
    split = split_inputs.already_split(ctx.session, [(v.account_id, v.meter_id) for v in versions], period)
    return [
        _why_not_split(
            accounts.get(v.account_id, str(v.account_id)),
            meters.get(v.meter_id, str(v.meter_id)),
            split.get((v.account_id, v.meter_id), []),
            period,
        )
        for v in versions
    ]


def _why_not_split(account: str, meter: str, split: list[split_inputs.SplitBy], period: int) -> str:
    if not split:
        return f"No unsplit bill on account {account} and meter {meter} for billing period {period}."
    done = "; ".join(
        f"bill {s.bill_id} was split by chargeback task {s.task_id}" if s.task_id else f"bill {s.bill_id} is split"
        for s in split
    )
    return (
        f"No unsplit bill on account {account} and meter {meter} for billing period {period}: {done}. "
        "Void or delete that task (or correct the bill) to split it again."
    )


def _claim(ctx: RunContext, bill_ids: list[int]) -> list[int]:
    """Mark the sources split, keeping only those no other run claimed first (see the module docstring)."""
    return split_inputs.claim_sources(ctx.session, bill_ids, ctx.now)


class _ShareResolver:
    """Shares per version and occupancy per destination, from figures loaded once for the whole run."""

    def __init__(self, ctx: RunContext, versions: Sequence[SplitVersion], period: int) -> None:
        session = ctx.session
        self.period = period
        listed = {d.meter_id for v in versions for d in v.details.fixed_percentage or ()}
        listed.update(d.meter_id for v in versions for d in v.details.floor_area or ())
        area_meters = {d.meter_id for v in versions for d in v.details.floor_area or ()}
        groups = {v.details.dynamic.meter_group_id for v in versions if v.details.dynamic is not None}
        self.members = split_inputs.group_members(session, sorted(groups)) if groups else {}
        member_meters = {m for ms in self.members.values() for m in ms}
        linked = split_inputs.linked_meters(session, sorted(listed | member_meters))
        self.links = linked.links
        self.commodities = linked.commodities  # read with the links, for the bill writer (BillWriter.know_commodities)
        # (account, meter) of every link, compared with a Destination (a tuple of the same two ids).
        self.linked = {(link.account_id, meter_id) for meter_id, links in self.links.items() for link in links}
        self.places = split_inputs.meter_places(session, sorted(area_meters)) if area_meters else {}
        self.sizes = split_inputs.place_sizes(session, sorted(set(self.places.values()))) if self.places else {}
        self.figures = split_inputs.meter_use_and_cost(session, sorted(member_meters), period) if groups else {}
        self.cache: dict[tuple[int, date], splits.SplitShares] = {}
        self.stays: dict[tuple[splits.Destination, date, date], tuple[Occupancy, ...]] = {}

    def shares(self, version: SplitVersion, end_date: date) -> splits.SplitShares:
        """The shares a version applies to a source bill ending on `end_date` (RuleViolation if none)."""
        key = (version.version_id, end_date if version.details.floor_area is not None else date.min)
        if key not in self.cache:
            self.cache[key] = self._compute(version, end_date)
        return self.cache[key]

    def occupancy(self, destination: splits.Destination, begin: date, end: date) -> tuple[Occupancy, ...]:
        """Who occupied the destination's meter over the bill's days (domain/occupancy.py)."""
        key = (destination, begin, end)
        found = self.stays.get(key)
        if found is None:
            links: list[Link] = self.links.get(destination.meter_id, [])
            found = self.stays[key] = occupancy(links, destination.account_id, begin, end)
        return found

    def occupancies(
        self, destinations: Sequence[splits.Destination], begin: date, end: date
    ) -> tuple[tuple[Occupancy, ...], ...]:
        """`occupancy` of each destination, in order (its look-up inline: every destination of every bill)."""
        found = []
        for destination in destinations:
            key = (destination, begin, end)
            stays = self.stays.get(key)
            if stays is None:
                links: list[Link] = self.links.get(destination.meter_id, [])
                stays = self.stays[key] = occupancy(links, destination.account_id, begin, end)
            found.append(stays)
        return tuple(found)

    def _compute(self, version: SplitVersion, end_date: date) -> splits.SplitShares:
        details = version.details
        for listed in (details.fixed_percentage or (), details.floor_area or ()):
            for destination in listed:
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
        """Floor area (sq ft) of the meter's place on `day` (domain.splits.floor_area_on)."""
        return splits.floor_area_on(self.sizes.get(self.places.get(meter_id, -1), []), day)

    def _dynamic(self, split: splits.DynamicSplit) -> list[splits.DynamicShare]:
        basis = splits.canonical_share_value(split.destination_share_value)
        first, last = periods.first_day(self.period), periods.end_date(self.period)
        shares = []
        for meter_id in self.members.get(split.meter_group_id, []):
            # The member's account: the one linked during the period (lowest id when several); days outside its
            # link are prorated away by occupancy like any destination's.
            during = [
                link.account_id for link in self.links.get(meter_id, []) if link.begin < last and link.end >= first
            ]
            if not during:
                raise RuleViolation(
                    f"Meter {meter_id} of meter group {split.meter_group_id} is not linked to an account in "
                    f"billing period {self.period}."
                )
            figures = self.figures.get(meter_id, split_inputs.MeterUseCost(Decimal(0), Decimal(0)))
            if basis is splits.ShareValue.USE:
                value = figures.use
            elif basis is splits.ShareValue.COST:
                value = figures.cost
            else:
                assert_never(basis)
            shares.append(splits.DynamicShare(min(during), meter_id, value))
        return shares
