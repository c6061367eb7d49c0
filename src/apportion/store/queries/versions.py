"""Bill split and calculated bill versions as typed values: the lists (GET /api/v3/billSplit, /calculatedBill,
★003), one version on its account and meter, the histories of an account+meter (★002), and the version history
replace's reads and writes (services.chargebacks.version_history).

One SELECT builds a whole page of versions with their account, meter and workflow step children
(store.queries.children); the leaner SELECT of the same versions feeds the COUNT of the paging headers.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from copy import deepcopy
from datetime import date
from functools import cache
from typing import NamedTuple

from sqlalchemy import (
    Boolean,
    ColumnElement,
    RowMapping,
    and_,
    case,
    delete,
    exists,
    insert,
    literal,
    or_,
    select,
    type_coerce,
)
from sqlalchemy.orm import Session

from apportion.domain.filters import Condition
from apportion.domain.scoping import Scope
from apportion.domain.versions import (
    AGGREGATION_TYPE_ID,
    CALCULATION,
    CALCULATION_TYPE_ID,
    SPLIT_TYPE_ID,
    ExistingVersion,
    PlannedVersion,
    VersionPlan,
)
from apportion.store import scoping
from apportion.store.filtering import Clause, Related, Target, compile_filter, related_in
from apportion.store.models.bills import Bill
from apportion.store.models.chargebacks import ChargebackWorkflowStep, DistributionVersion, SplitDestination
from apportion.store.models.organisation import Account, AccountMeter, Meter
from apportion.store.paging import AnySelect, InPage, TypedPage, page_by_keys
from apportion.store.queries.children import (
    AccountChild,
    MeterChild,
    Values,
    WorkflowStepChild,
    account_at,
    join_account,
    join_meter,
    join_workflow_step,
    meter_at,
    workflow_step_at,
)
from apportion.store.queries.shaped import Key, Shaped, labelled


class VersionListing(NamedTuple):
    """A version as DistributionVersionResponse answers it: its fields, whether a bill was made by it, its
    account (with type), meter and workflow step. A named tuple: the wire writer unpacks it by position."""

    version_id: int
    version_info: str
    chargeback_type: str
    begin_period: int
    end_period: int | None
    is_aggregation: bool
    account_id: int
    meter_id: int
    has_bills: bool
    account: AccountChild | None
    meter: MeterChild | None
    workflow: WorkflowStepChild | None


def has_bills(version_id: Key) -> ColumnElement[bool]:
    """Whether any bill was created by the version (indexed on bills.chargeback_version_id)."""
    return type_coerce(exists().where(Bill.chargeback_version_id == version_id), Boolean)


@cache
def _listings() -> Shaped[VersionListing]:
    """Versions with their account (and type), meter and workflow step; built once."""
    dv = DistributionVersion
    (billed,) = labelled(has_bills(dv.version_id))
    statement: AnySelect = select(
        dv.version_id,
        dv.name,
        dv.chargeback_type,
        dv.begin_period,
        dv.end_period,
        dv.is_aggregation,
        dv.account_id,
        dv.meter_id,
        billed,
    ).select_from(dv)
    at = [len(statement.selected_columns)]
    statement, read_account = join_account(statement, dv.account_id, with_type=True)
    at.append(len(statement.selected_columns))
    statement, read_meter = join_meter(statement, dv.meter_id)
    at.append(len(statement.selected_columns))
    statement, read_step = join_workflow_step(statement, dv.workflow_step_id)

    def read(row: RowMapping) -> VersionListing:
        return VersionListing(  # by position, in the field order
            row["version_id"],
            row["name"],
            row["chargeback_type"],
            row["begin_period"],
            row["end_period"],
            bool(row["is_aggregation"]),
            row["account_id"],
            row["meter_id"],
            bool(row[billed]),
            read_account(row),
            read_meter(row),
            read_step(row),
        )

    return Shaped(statement, read, tuple(at))


def _type_id() -> ColumnElement[int]:
    dv = DistributionVersion
    return case(
        (dv.is_aggregation, literal(AGGREGATION_TYPE_ID)),
        (dv.chargeback_type == CALCULATION, literal(CALCULATION_TYPE_ID)),
        else_=literal(SPLIT_TYPE_ID),
    )


def _through(key: Key, model_key: Key, column: Key) -> Related:
    """A filter on a column of the version's account or meter, as `key IN (SELECT ... WHERE conditions)`, one
    sub-select for all of a field's conditions.

    Every version has exactly one account and one meter, so the IN form keeps "not equals" and "not like"
    meaning what they say while the outer query can use the version's (account_id, meter_id) index.
    """
    return related_in(key, select(model_key), column)


def _effective_in(condition: Condition) -> Clause:
    """billingPeriod equals P: the version is effective in P (begin <= P <= end, open end; domain.md §4.2)."""
    dv = DistributionVersion
    period = condition.values[0]
    return and_(dv.begin_period <= period, or_(dv.end_period.is_(None), dv.end_period >= period))


@cache
def _targets() -> Mapping[str, Target | Key]:
    """What each filter field of services.chargebacks.version_lists.FILTERS compares; built once."""
    dv = DistributionVersion
    return {
        "accountCode": _through(dv.account_id, Account.account_id, Account.account_code),
        "accountInfo": _through(dv.account_id, Account.account_id, Account.account_info),
        "meterCode": _through(dv.meter_id, Meter.meter_id, Meter.meter_code),
        "meterInfo": _through(dv.meter_id, Meter.meter_id, Meter.meter_info),
        "billingPeriod": _effective_in,
        "calculateBillTypeID": _type_id(),
        "calculateBillVersionID": dv.version_id,
        "calculateBillWorkflowStepID": dv.workflow_step_id,
    }


def _where(
    chargeback_type: str, conditions: Sequence[Condition], today: date, scope: Scope
) -> tuple[ColumnElement[bool], ...]:
    """The conditions picking the `chargeback_type` versions a list shows: the filter's, and only versions wholly in
    `scope`."""
    return (
        DistributionVersion.chargeback_type == chargeback_type,
        compile_filter(conditions, _targets(), today),
        scoping.within(DistributionVersion.version_id, scoping.version_ids(scope)),
    )


def version_page(
    session: Session,
    chargeback_type: str,
    conditions: Sequence[Condition],
    page_number: int,
    page_size: int,
    today: date,
    scope: Scope = Scope.WHOLE,
) -> TypedPage[VersionListing]:
    """One page of `chargeback_type` versions matching the conditions (and in `scope`), ordered by versionId
    (domain.md §4.12)."""
    # Every child join is an outer join on a key, so the versions alone have the same count.
    keys = select(DistributionVersion.version_id).where(*_where(chargeback_type, conditions, today, scope))
    ordered = keys.order_by(DistributionVersion.version_id)
    statement, read = _listings_of_keys()
    return page_by_keys(read, session, statement, keys, ordered, page_number, page_size)


@cache
def _listings_of_keys() -> tuple[AnySelect, Callable[[Values], VersionListing]]:
    """The listings of the versions whose ids are PAGE_KEYS, by id, and their reader by position (`_listings`'
    columns: the version's, then its account's, meter's and workflow step's); built once
    (store.paging.page_by_keys)."""
    listings = _listings()
    account, meter, step = listings.at
    read_account, read_meter, read_step = account_at(account, with_type=True), meter_at(meter), workflow_step_at(step)
    aggregation = VersionListing._fields.index("is_aggregation")
    billed = VersionListing._fields.index("has_bills")

    def read(row: Values) -> VersionListing:
        return VersionListing._make(
            (
                *row[:aggregation],
                bool(row[aggregation]),
                *row[aggregation + 1 : billed],
                bool(row[billed]),
                read_account(row),
                read_meter(row),
                read_step(row),
            )
        )

    dv = DistributionVersion
    return listings.statement.where(InPage(dv.version_id)).order_by(dv.version_id), read


def version(
    session: Session, account_id: int, meter_id: int, version_id: int, chargeback_type: str
) -> VersionListing | None:
    """The version `version_id` of `chargeback_type` on the account and meter, or None."""
    dv = DistributionVersion
    return _listings().one(
        session,
        dv.version_id == version_id,
        dv.account_id == account_id,
        dv.meter_id == meter_id,
        dv.chargeback_type == chargeback_type,
    )


def history(session: Session, account_id: int, meter_id: int, chargeback_type: str) -> list[VersionListing]:
    """The versions of `chargeback_type` on the account and meter, by beginPeriod (domain.md §4.1 step 6)."""
    dv = DistributionVersion
    statement = (
        _listings()
        .statement.where(dv.account_id == account_id, dv.meter_id == meter_id, dv.chargeback_type == chargeback_type)
        .order_by(dv.begin_period, dv.version_id)
    )
    return [_listings().read(row) for row in session.execute(statement).mappings()]


def account_versions(session: Session, account_id: int, chargeback_type: str) -> list[VersionListing]:
    """The versions of `chargeback_type` on every meter of the account, by meter and beginPeriod."""
    dv = DistributionVersion
    statement = (
        _listings()
        .statement.where(dv.account_id == account_id, dv.chargeback_type == chargeback_type)
        .order_by(dv.meter_id, dv.begin_period, dv.version_id)
    )
    return [_listings().read(row) for row in session.execute(statement).mappings()]


def meter_versions(session: Session, meter_id: int, chargeback_type: str) -> list[VersionListing]:
    """The versions of `chargeback_type` on the meter under any account, by account and beginPeriod."""
    dv = DistributionVersion
    statement = (
        _listings()
        .statement.where(dv.meter_id == meter_id, dv.chargeback_type == chargeback_type)
        .order_by(dv.account_id, dv.begin_period, dv.version_id)
    )
    return [_listings().read(row) for row in session.execute(statement).mappings()]


# The version history replace --------------------------------------------------------------------------------------


def lock_account(session: Session, account_id: int) -> bool:
    """Lock the account row (FOR UPDATE on PostgreSQL); whether it exists.

    Two concurrent replaces of one history then cannot both pass the overlap check; SQLite serialises writers on
    its own.
    """
    return session.get(Account, account_id, with_for_update=True) is not None


def stored_versions(session: Session, account_id: int, meter_id: int) -> list[ExistingVersion]:
    """Both types' versions on the account+meter with their has-bills flag (names are unique across types)."""
    dv = DistributionVersion
    statement = select(
        dv.version_id,
        dv.name,
        dv.begin_period,
        dv.end_period,
        dv.workflow_step_id,
        has_bills(dv.version_id),
        dv.chargeback_type,
    ).where(dv.account_id == account_id, dv.meter_id == meter_id)
    return [
        ExistingVersion(
            version_id=version_id,
            name=name,
            begin_period=begin,
            end_period=end,
            workflow_step_id=step_id,
            has_bills=bool(billed),
            chargeback_type=kind,
        )
        for version_id, name, begin, end, step_id, billed, kind in session.execute(statement)
    ]


def step_types(session: Session, step_ids: Sequence[int]) -> dict[int, str]:
    """The type of each of the workflow steps that exist."""
    if not step_ids:
        return {}
    statement = select(ChargebackWorkflowStep.step_id, ChargebackWorkflowStep.step_type).where(
        ChargebackWorkflowStep.step_id.in_(set(step_ids))
    )
    return {row.step_id: row.step_type for row in session.execute(statement)}


def linked(session: Session, account_id: int, meter_id: int) -> bool:
    """Whether the account and meter are linked (for any dates)."""
    link = select(AccountMeter.account_meter_id).where(
        AccountMeter.account_id == account_id, AccountMeter.meter_id == meter_id
    )
    return session.execute(link.limit(1)).first() is not None


def apply_plan(session: Session, plan: VersionPlan, account_id: int, meter_id: int, chargeback_type: str) -> None:
    """Write a validated plan: updates, copies (a copy may read a version the plan drops), creates, then deletes."""
    dv = DistributionVersion
    touched = {v.version_id for v in plan.updates} | {v.source_version_id for v in plan.copies}
    wanted = [ident for ident in touched if ident is not None]
    stored = {row.version_id: row for row in session.execute(select(dv).where(dv.version_id.in_(wanted))).scalars()}
    for planned in plan.updates:
        if planned.changed and planned.version_id is not None:
            row = stored[planned.version_id]
            row.name = planned.fields.name
            row.begin_period = planned.fields.begin_period
            row.end_period = planned.fields.end_period
            row.workflow_step_id = planned.fields.workflow_step_id
    for planned in plan.copies:
        if planned.source_version_id is not None:  # always set on a copy; the plan checked it is ours
            _copy(session, stored[planned.source_version_id], planned)
    for planned in plan.creates:
        session.add(_new_version(planned, account_id, meter_id, chargeback_type))
    session.flush()
    if plan.deletes:
        # Split destinations and failed-run records go with the version (ON DELETE CASCADE); the plan has
        # already refused any version a bill points at.
        session.execute(delete(dv).where(dv.version_id.in_(plan.deletes)))
    session.flush()


def _new_version(planned: PlannedVersion, account_id: int, meter_id: int, chargeback_type: str) -> DistributionVersion:
    return DistributionVersion(
        chargeback_type=chargeback_type,
        account_id=account_id,
        meter_id=meter_id,
        name=planned.fields.name,
        begin_period=planned.fields.begin_period,
        end_period=planned.fields.end_period,
        workflow_step_id=planned.fields.workflow_step_id,
        is_aggregation=False,
    )


def _copy(session: Session, source: DistributionVersion, planned: PlannedVersion) -> None:
    """A new version with the request's fields and every instruction and destination of `source` (§4.1 step 5)."""
    copied = _new_version(planned, source.account_id, source.meter_id, source.chargeback_type)
    copied.is_aggregation = source.is_aggregation
    copied.split_method = source.split_method
    copied.dynamic_meter_group_id = source.dynamic_meter_group_id
    copied.dynamic_source_value = source.dynamic_source_value
    copied.dynamic_share_value = source.dynamic_share_value
    copied.instructions = deepcopy(source.instructions)
    session.add(copied)
    session.flush()
    columns = ["position", "account_id", "meter_id", "split_percentage", "weighting_factor"]
    rows = select(
        literal(copied.version_id).label("version_id"),
        *(getattr(SplitDestination, name) for name in columns),
    ).where(SplitDestination.version_id == source.version_id)
    session.execute(insert(SplitDestination).from_select(["version_id", *columns], rows))
