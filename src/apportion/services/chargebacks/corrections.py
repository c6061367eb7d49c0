"""Corrections flow through: when a bill changes, the chargeback bills made from it are undone, in the same
transaction, and the periods to charge again are recorded (docs/chargebacks.md "Every cent charged back once").

`undo_dependents` is called by every change that voids, deletes, edits or replaces bills (bill edit, void and
delete; import replacement by the VPR/ACE flags; batch pending and delete; master-data deletes with deleteBills;
chargeback task reversal; a calculation re-run replacing its earlier bills), before the change itself is written:

1. The changed bills' live dependents are voided, transitively (split bills made from them, calculated and
   aggregate bills that used them, and so on), each with a correction record naming the change ("source bill 1234,
   account A-17, meter M-3, 202611, was edited").
2. A changed bill that is itself a split bill undoes its source's whole split: the other live bills split from
   the same source are voided too, so a source is always either split whole or not split at all.
3. A source whose split bills were all undone goes back to "not split" (unless it is the changed bill and is now
   void or gone), and each (version, billing period) whose bills were undone is recorded as needing a re-run,
   unless re-running it could not charge anything (the split's source is void or gone).

`revive` is the other direction: bills made live again (un-voided, a pending batch opened or closed) that were
split sources with no live split bill go back to "not split", and their split's period needs a re-run.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from apportion.domain.occupancy import Link, occupancy
from apportion.store import lineage, split_inputs
from apportion.store.database import UnitOfWork
from apportion.store.lineage import BillFacts, Correction, DerivedBill, Rerun


class Cause(StrEnum):
    """What happened to the changed bills."""

    EDITED = "edited"
    VOIDED = "voided"
    DELETED = "deleted"
    REPLACED_BY_IMPORT = "replacedByImport"
    REPLACED_BY_RUN = "replacedByRun"
    TASK_REVERSED = "taskReversed"
    BATCH_PENDING = "batchPending"
    LINK_CHANGED = "linkChanged"


_VERBS = {
    Cause.EDITED: "was edited",
    Cause.VOIDED: "was voided",
    Cause.DELETED: "was deleted",
    Cause.REPLACED_BY_IMPORT: "was replaced by bill import task {import_task}",
    Cause.REPLACED_BY_RUN: "was replaced by chargeback task {chargeback_task}",
    Cause.TASK_REVERSED: "was reversed",
    Cause.LINK_CHANGED: "was charged for days its account-meter link no longer covers",
    Cause.BATCH_PENDING: "was voided with its batch made pending",
}


@dataclass(frozen=True)
class Change:
    """A change to bills: its cause, who made it and when, and the task behind it, if any."""

    cause: Cause
    user_id: int | None
    now: datetime
    import_task_id: int | None = None
    chargeback_task_id: int | None = None
    deleting: bool = False  # the changed bills are about to be deleted (else they stay, void or edited)
    subject: str | None = None  # what changed, when it is not a bill ("the link of account A-1 to meter M-1")

    @property
    def survives(self) -> bool:
        """Whether the changed bills stay live (an edit) rather than void or gone."""
        return self.cause is Cause.EDITED


@dataclass(frozen=True)
class Undone:
    """What one change undid: the bills voided and the re-runs recorded."""

    voided: tuple[int, ...] = ()
    reruns: int = 0


def describe(facts: BillFacts | None, bill_id: int, change: Change) -> str:
    """'source bill 1234, account A-17, meter M-3, 202611, was edited' (codes users know; ids when gone).

    A reversal names the task ('chargeback task 56 was voided'); a chargeback bill is a 'bill', not a source.
    """
    if change.cause is Cause.TASK_REVERSED:
        return f"chargeback task {change.chargeback_task_id} was {'deleted' if change.deleting else 'voided'}"
    if change.subject is not None:
        return change.subject
    verb = _VERBS[change.cause].format(import_task=change.import_task_id, chargeback_task=change.chargeback_task_id)
    noun = "bill" if facts is not None and facts.chargeback_task_id is not None else "source bill"
    if facts is None:
        return f"{noun} {bill_id} {verb}"
    meters = ", ".join(facts.meter_codes) or "no meter"
    word = "meters" if len(facts.meter_codes) > 1 else "meter"
    return f"{noun} {bill_id}, account {facts.account_code}, {word} {meters}, {facts.billing_period}, {verb}"


def _names_bills(change: Change) -> bool:
    """Whether `describe` names the changed bills by their codes (a reversal or a subject names something else)."""
    return change.cause is not Cause.TASK_REVERSED and change.subject is None


def undo_dependents(session: UnitOfWork, bill_ids: Sequence[int], change: Change) -> Undone:
    """Undo the chargeback bills made from the changed bills (see the module docstring); in the caller's
    transaction, before the change itself is written."""
    roots = sorted(set(bill_ids))
    if not roots:
        return Undone()
    facts = lineage.bill_facts(session, roots, with_meter_codes=_names_bills(change))
    # A changed split bill undoes its source's whole split (rule 2); an edit is refused before it gets here.
    siblings = lineage.split_siblings(session, roots) if not change.survives else []
    sibling_root = {s.bill_id: _root_of(s, facts) for s in siblings}
    dependents = lineage.live_dependents(session, roots + [s.bill_id for s in siblings])
    targets: dict[int, DerivedBill] = {}
    for bill in [*siblings, *dependents]:
        if bill.bill_id not in facts and bill.bill_id not in targets:
            targets[bill.bill_id] = bill
    voided = set(lineage.void_bills(session, list(targets)))
    # Which root each undone bill goes back to, for its message.
    root_of: dict[int, int] = {}
    for bill in targets.values():
        parent = bill.parent_id
        root_of[bill.bill_id] = sibling_root.get(bill.bill_id) or (
            parent if parent in facts else root_of.get(parent, parent)
        )
    corrections = []
    for bill_id in sorted(voided):
        bill = targets[bill_id]
        root = root_of[bill_id]
        reason = describe(facts.get(root), root, change)
        if bill_id in sibling_root:
            reason = f"the split of its source bill {bill.source_bill_id} was undone: {reason}"
        corrections.append(
            Correction(
                bill_id=bill_id,
                amount=bill.total_cost,
                chargeback_task_id=bill.chargeback_task_id,
                version_id=bill.version_id,
                step_id=bill.step_id,
                billing_period=bill.billing_period,
                action="voided",
                cause=change.cause.value,
                cause_bill_id=root,
                cause_chargeback_task_id=change.chargeback_task_id,
                cause_import_task_id=change.import_task_id,
                reason=reason[:1000],
                user_id=change.user_id,
                created_date=change.now,
            )
        )
    lineage.record_corrections(session, corrections)
    reruns = _reset_and_rerun(session, roots, facts, [targets[i] for i in sorted(voided)], root_of, change)
    return Undone(tuple(sorted(voided)), reruns)


def _root_of(sibling: DerivedBill, facts: dict[int, BillFacts]) -> int:
    """The changed bill that undid a sibling: a changed split bill of the same source."""
    for fact in facts.values():
        if fact.source_bill_id == sibling.source_bill_id and fact.chargeback_task_id is not None:
            return fact.bill_id
    return sibling.parent_id


def _reset_and_rerun(
    session: UnitOfWork,
    roots: Sequence[int],
    facts: dict[int, BillFacts],
    undone: Sequence[DerivedBill],
    root_of: dict[int, int],
    change: Change,
) -> int:
    """Rule 3: sources with no live split bill left go back to "not split"; record the periods to run again."""
    gone = set() if change.survives else set(roots)
    # Split bills undone here (roots included, when a changed bill was itself a split bill).
    split_bills = [b for b in undone if b.split] + [
        _as_derived(f) for f in facts.values() if f.source_bill_id is not None and f.chargeback_task_id is not None
    ]
    sources = sorted({b.source_bill_id for b in split_bills if b.source_bill_id is not None} - gone)
    excluded = set(roots) | {b.bill_id for b in undone}
    still = lineage.sources_with_live_destinations(session, sources, excluded)
    source_facts = lineage.bill_facts(session, sources, with_meter_codes=False)  # only whether each is live
    live_sources = {s for s in sources if s in source_facts and not source_facts[s].void and s not in still}
    lineage.reset_split(session, sorted(live_sources))
    pending: dict[tuple[int, int], Rerun] = {}

    def add(bill: DerivedBill, root: int) -> None:
        if bill.version_id is None or bill.chargeback_type is None:
            return
        if bill.split and bill.source_bill_id not in live_sources and change.cause is not Cause.REPLACED_BY_IMPORT:
            return  # nothing live to split again (an import's replacement bill is: it needs the run)
        key = (bill.version_id, bill.billing_period)
        if key not in pending:
            pending[key] = Rerun(
                step_id=bill.step_id,
                version_id=bill.version_id,
                chargeback_type=bill.chargeback_type,
                billing_period=bill.billing_period,
                reason=describe(facts.get(root), root, change)[:1000],
                cause_bill_id=root,
                recorded_date=change.now,
                recorded_by=change.user_id,
            )

    for bill in undone:
        add(bill, root_of.get(bill.bill_id, bill.parent_id))
    if change.cause is not Cause.REPLACED_BY_RUN:  # a re-run replacing its own bills needs no re-run
        for fact in facts.values():
            if fact.chargeback_task_id is not None:
                add(_as_derived(fact), fact.bill_id)
    lineage.record_reruns(session, list(pending.values()))
    return len(pending)


def _as_derived(fact: BillFacts) -> DerivedBill:
    return DerivedBill(
        fact.bill_id,
        fact.source_bill_id or fact.bill_id,
        fact.source_bill_id is not None,
        fact.chargeback_task_id,
        fact.version_id,
        fact.step_id,
        fact.chargeback_type,
        fact.billing_period,
        fact.total_cost,
        fact.source_bill_id,
    )


def revive(session: UnitOfWork, bill_ids: Sequence[int], user_id: int | None, now: datetime) -> int:
    """Bills made live again: split sources with no live split bill go back to "not split" and their split's
    period is recorded as needing a re-run. Returns the number of re-runs recorded."""
    facts = lineage.bill_facts(session, bill_ids)
    split = [f.bill_id for f in facts.values() if f.has_been_split and not f.void]
    if not split:
        return 0
    still = lineage.sources_with_live_destinations(session, split, ())
    lonely = sorted(set(split) - still)
    lineage.reset_split(session, lonely)
    versions = lineage.last_split_versions(session, lonely)
    reruns = []
    seen: set[tuple[int, int]] = set()
    for source_id in lonely:
        fact = facts[source_id]
        for version_id, step_id, kind in versions.get(source_id, []):
            if (version_id, fact.billing_period) in seen:
                continue
            seen.add((version_id, fact.billing_period))
            meters = ", ".join(fact.meter_codes)
            reruns.append(
                Rerun(
                    step_id=step_id,
                    version_id=version_id,
                    chargeback_type=kind,
                    billing_period=fact.billing_period,
                    reason=f"source bill {source_id}, account {fact.account_code}, meter {meters}, "
                    f"{fact.billing_period}, is live again and not split",
                    cause_bill_id=source_id,
                    recorded_date=now,
                    recorded_by=user_id,
                )
            )
    lineage.record_reruns(session, reruns)
    return len(reruns)


def replace(session: UnitOfWork, bill_ids: Sequence[int], change: Change) -> Undone:
    """A re-run replacing a version's earlier bills for a period: undo what was made from them, void them, and
    record each replaced bill in the correction log with the task that replaced it."""
    reason = f"replaced by chargeback task {change.chargeback_task_id}, which ran the version for {{period}} again"
    return undo(session, bill_ids, change, reason)


def undo(session: UnitOfWork, bill_ids: Sequence[int], change: Change, reason: str) -> Undone:
    """Void chargeback bills themselves (and what was made from them), each logged with `reason` ("{period}" is
    filled in with the bill's billing period)."""
    roots = sorted(set(bill_ids))
    if not roots:
        return Undone()
    facts = lineage.bill_facts(session, roots, with_meter_codes=False)  # the reason is given, not described
    undone = undo_dependents(session, roots, change)
    voided = lineage.void_bills(session, roots)
    lineage.record_corrections(
        session,
        [
            Correction(
                bill_id=bill_id,
                amount=facts[bill_id].total_cost,
                chargeback_task_id=facts[bill_id].chargeback_task_id,
                version_id=facts[bill_id].version_id,
                step_id=facts[bill_id].step_id,
                billing_period=facts[bill_id].billing_period,
                action="voided",
                cause=change.cause.value,
                cause_bill_id=None,
                cause_chargeback_task_id=change.chargeback_task_id,
                cause_import_task_id=change.import_task_id,
                reason=reason.format(period=facts[bill_id].billing_period)[:1000],
                user_id=change.user_id,
                created_date=change.now,
            )
            for bill_id in voided
        ],
    )
    return Undone(tuple(sorted({*undone.voided, *voided})), undone.reruns)


def relinked(session: UnitOfWork, meter_id: int, begin: date, end: date, change: Change) -> Undone:
    """After a link of the meter changed over [begin, end]: undo the split bills that now charge an account for
    days its link no longer covers, and the splits that left days of the meter vacant which an account now covers,
    so that running the step again charges whoever occupied the meter."""
    links = split_inputs.meter_links(session, [meter_id]).get(meter_id, [])
    stale = [
        bill.bill_id
        for bill in lineage.split_bills_on_meter(session, meter_id, begin, end)
        if not _covered(links, bill.account_id, bill.begin, bill.end)
    ]
    undone = undo(session, stale, change, change.subject or "its account-meter link changed")
    vacant = [
        source for source in lineage.vacant_sources(session, meter_id, begin, end) if source not in set(undone.voided)
    ]
    if not vacant:
        return undone
    with_bills = lineage.sources_with_live_destinations(session, vacant, ())
    split_bills = lineage.live_split_bills_of(session, vacant)
    more = undo(session, split_bills, change, change.subject or "its account-meter link changed")
    # A split that left the whole meter vacant has no bill to undo: its source still goes back to "not split".
    lonely = sorted(set(vacant) - with_bills)
    lineage.reset_split(session, lonely)
    reruns = 0
    versions = lineage.last_split_versions(session, lonely)
    facts = lineage.bill_facts(session, lonely)
    pending = []
    for source_id in lonely:
        for version_id, step_id, kind in versions.get(source_id, []):
            pending.append(
                Rerun(
                    step_id=step_id,
                    version_id=version_id,
                    chargeback_type=kind,
                    billing_period=facts[source_id].billing_period,
                    reason=(change.subject or "an account-meter link changed")[:1000],
                    cause_bill_id=source_id,
                    recorded_date=change.now,
                    recorded_by=change.user_id,
                )
            )
            reruns += 1
    lineage.record_reruns(session, pending)
    return Undone(tuple(sorted({*undone.voided, *more.voided})), undone.reruns + more.reruns + reruns)


def _covered(links: Sequence[Link], account_id: int, begin: date, end: date) -> bool:
    """Whether the account occupied the meter on every day of [begin, end) (a one-day bill: its first day)."""
    stays = occupancy([link for link in links if link.account_id == account_id], account_id, begin, end)
    return all(stay.account_id == account_id for stay in stays)
