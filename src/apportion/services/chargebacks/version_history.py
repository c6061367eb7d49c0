"""Version history of bill split and calculated bill versions on an account and meter (domain.md §4.1, SEED-002).

One implementation serves both chargeback types ("Split" for …/billSplit, "Calculation" for …/calculatedBill):
read a history, and replace it as a whole. A replace loads the account+meter's versions, lets
apportion.domain.versions.plan_version_history validate the request and plan it, and applies the plan in one
transaction: updates, then copies (a copy may read a version the request drops), then creates, then deletes.
Any problem is raised before the first write, so a failing request changes nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from copy import deepcopy

from sqlalchemy import ColumnElement, RowMapping, delete, insert, literal, select
from sqlalchemy.orm import Session

from apportion.domain import versions
from apportion.domain.errors import NotFound, RuleViolation
from apportion.domain.versions import ExistingVersion, PlannedVersion, RequestedVersion, VersionPlan
from apportion.services import ids
from apportion.services.chargebacks.version_lists import has_bills_column, version_select
from apportion.store.database import Database
from apportion.store.models.chargebacks import ChargebackWorkflowStep, DistributionVersion, SplitDestination
from apportion.store.models.organisation import Account, AccountMeter, Meter

CHARGEBACK_TYPES = (versions.SPLIT, versions.CALCULATION)


def _of_type(chargeback_type: str) -> ColumnElement[bool]:
    return DistributionVersion.chargeback_type == chargeback_type


def _require_account(session: Session, account_id: int) -> Account:
    account = ids.fetch(session, Account, account_id)
    if account is None:
        raise NotFound("Account", account_id)
    return account


def _require_meter(session: Session, meter_id: int) -> Meter:
    meter = ids.fetch(session, Meter, meter_id)
    if meter is None:
        raise NotFound("Meter", meter_id)
    return meter


def _history(session: Session, account_id: int, meter_id: int, chargeback_type: str) -> list[RowMapping]:
    statement = version_select().where(
        DistributionVersion.account_id == account_id,
        DistributionVersion.meter_id == meter_id,
        _of_type(chargeback_type),
    )
    # domain.md §4.1 step 6: the history in beginPeriod order.
    ordered = statement.order_by(DistributionVersion.begin_period, DistributionVersion.version_id)
    return list(session.execute(ordered).mappings())


def history(db: Database, account_id: int, meter_id: int, chargeback_type: str) -> list[RowMapping]:
    """The versions of `chargeback_type` on the account and meter, by beginPeriod; 404 for an unknown id."""
    with db.reading() as session:
        _require_account(session, account_id)
        _require_meter(session, meter_id)
        return _history(session, account_id, meter_id, chargeback_type)


def account_versions(db: Database, account_id: int, chargeback_type: str) -> list[RowMapping]:
    """The versions of `chargeback_type` on every meter of the account (GET /account/{id}/billSplit)."""
    with db.reading() as session:
        _require_account(session, account_id)
        statement = version_select().where(DistributionVersion.account_id == account_id, _of_type(chargeback_type))
        ordered = statement.order_by(
            DistributionVersion.meter_id, DistributionVersion.begin_period, DistributionVersion.version_id
        )
        return list(session.execute(ordered).mappings())


def meter_versions(db: Database, meter_id: int, chargeback_type: str) -> list[RowMapping]:
    """The versions of `chargeback_type` on the meter under any account (GET /meter/{id}/calculatedBill)."""
    with db.reading() as session:
        _require_meter(session, meter_id)
        statement = version_select().where(DistributionVersion.meter_id == meter_id, _of_type(chargeback_type))
        ordered = statement.order_by(
            DistributionVersion.account_id, DistributionVersion.begin_period, DistributionVersion.version_id
        )
        return list(session.execute(ordered).mappings())


def replace_history(
    db: Database, account_id: int, meter_id: int, chargeback_type: str, requested: Sequence[RequestedVersion]
) -> list[RowMapping]:
    """Make the account+meter's `chargeback_type` history exactly `requested` (SEED-002), atomically.

    404 for an unknown account or meter; every other problem is a 400 naming the item and field (see
    plan_version_history), raised before any write. Returns the resulting history, as `history` does.
    """
    if chargeback_type not in CHARGEBACK_TYPES:
        raise ValueError(f"unknown chargeback type {chargeback_type!r}")
    with db.transaction() as session:
        # Lock the account row (PostgreSQL) so two concurrent replaces of one history cannot both pass the
        # overlap check; SQLite serialises writers on its own.
        ids.require(account_id, "Account")
        if session.get(Account, account_id, with_for_update=True) is None:
            raise NotFound("Account", account_id)
        _require_meter(session, meter_id)
        stored = _stored_versions(session, account_id, meter_id)
        existing = [_existing(row, has) for row, has in stored.values()]
        steps = _step_types(session, [r.workflow_step_id for r in requested])
        plan = versions.plan_version_history(existing, requested, chargeback_type, steps)
        if plan.versions and not _linked(session, account_id, meter_id):
            # domain.md §4.1 step 1: versions live on an account-meter relationship.
            raise RuleViolation(f"Account {account_id} and meter {meter_id} are not linked.", field="meterId")
        _apply(session, plan, {vid: row for vid, (row, _has) in stored.items()}, account_id, meter_id, chargeback_type)
        session.flush()
        return _history(session, account_id, meter_id, chargeback_type)


def _stored_versions(session: Session, account_id: int, meter_id: int) -> dict[int, tuple[DistributionVersion, bool]]:
    """Both types' versions on the account+meter with their has-bills flag (names are unique across types)."""
    statement = select(DistributionVersion, has_bills_column(DistributionVersion.version_id)).where(
        DistributionVersion.account_id == account_id, DistributionVersion.meter_id == meter_id
    )
    return {row.version_id: (row, bool(has)) for row, has in session.execute(statement)}


def _existing(row: DistributionVersion, has_bills: bool) -> ExistingVersion:
    return ExistingVersion(
        version_id=row.version_id,
        name=row.name,
        begin_period=row.begin_period,
        end_period=row.end_period,
        workflow_step_id=row.workflow_step_id,
        has_bills=has_bills,
        chargeback_type=row.chargeback_type,
    )


def _step_types(session: Session, step_ids: Sequence[int | None]) -> dict[int, str]:
    wanted = ids.known(step_ids)
    if not wanted:
        return {}
    statement = select(ChargebackWorkflowStep.step_id, ChargebackWorkflowStep.step_type).where(
        ChargebackWorkflowStep.step_id.in_(set(wanted))
    )
    return {row.step_id: row.step_type for row in session.execute(statement)}


def _linked(session: Session, account_id: int, meter_id: int) -> bool:
    link = select(AccountMeter.account_meter_id).where(
        AccountMeter.account_id == account_id, AccountMeter.meter_id == meter_id
    )
    return session.execute(link.limit(1)).first() is not None


def _apply(
    session: Session,
    plan: VersionPlan,
    stored: dict[int, DistributionVersion],
    account_id: int,
    meter_id: int,
    chargeback_type: str,
) -> None:
    """Write a validated plan: updates, copies, creates, then deletes (VersionPlan's order)."""
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
        session.execute(delete(DistributionVersion).where(DistributionVersion.version_id.in_(plan.deletes)))


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
