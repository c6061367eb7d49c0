"""Bill split and calculated bill version lists (GET /api/v3/billSplit, GET /api/v3/calculatedBill, ★003).

One SELECT builds a whole page of DistributionVersionResponse rows with their account, meter and workflow step
children (labels read back by apportion.api.render.distribution_version); the same filtered statement feeds the
COUNT of the paging headers. Filters follow SEED-003 exactly (domain.md §3.3, §4.12): account and meter codes
and names (string operators), billingPeriod (equals only; a version matches the periods it is effective in,
§4.2), and the integer ids calculateBillTypeID, calculateBillVersionID and calculateBillWorkflowStepID.
"""

from __future__ import annotations

from datetime import date
from functools import cache
from typing import Any

from sqlalchemy import Boolean, RowMapping, and_, case, exists, literal, or_, select, type_coerce
from sqlalchemy.orm import Session

from apportion.domain import filters
from apportion.domain.errors import NotFound
from apportion.domain.filters import Condition, FieldSpec, FieldType
from apportion.domain.versions import CALCULATION, SPLIT
from apportion.services.child_columns import join_account_child, join_meter_child, join_workflow_step_child
from apportion.services.ids import in_range, parse_filter
from apportion.store.database import Database
from apportion.store.filtering import Clause, Related, compile_filter, related_in
from apportion.store.models.bills import Bill
from apportion.store.models.chargebacks import DistributionVersion
from apportion.store.models.organisation import Account, Meter
from apportion.store.paging import Page, paginate

# domain.md §7 Q3: calculateBillTypeID is one enum for versions and tasks.
CALCULATION_TYPE_ID, SPLIT_TYPE_ID, AGGREGATION_TYPE_ID = 1, 2, 3

_INTEGER_OPS = frozenset(
    {
        "equals",
        "not equals",
        "less than",
        "between",
        "one of",
        "greater than",
        "less than equal",
        "greater than equal",
        "not one of",
    }
)
# SEED-003 lists these operators and no others (no "not between" on the integers, "equals" alone on periods).
FILTERS = filters.specs(
    FieldSpec("accountCode", FieldType.STRING, filters.STRING_OPS),
    FieldSpec("accountInfo", FieldType.STRING, filters.STRING_OPS),
    FieldSpec("billingPeriod", FieldType.DATE_PERIOD, frozenset({"equals"})),
    FieldSpec("calculateBillTypeID", FieldType.INTEGER, _INTEGER_OPS),
    FieldSpec("calculateBillVersionID", FieldType.INTEGER, _INTEGER_OPS),
    FieldSpec("calculateBillWorkflowStepID", FieldType.INTEGER, _INTEGER_OPS),
    FieldSpec("meterCode", FieldType.STRING, filters.STRING_OPS),
    FieldSpec("meterInfo", FieldType.STRING, filters.STRING_OPS),
)


def has_bills_column(version_id: Any) -> Any:
    """`has_bills`: whether any bill was created by the version (indexed on bills.chargeback_version_id)."""
    return type_coerce(exists().where(Bill.chargeback_version_id == version_id), Boolean).label("has_bills")


@cache
def version_select() -> Any:
    """SELECT of DistributionVersionResponse rows (render.distribution_version); add `.where(...)` per request.

    Labels: `version_id`, `version_info`, `chargeback_type`, `begin_period`, `end_period`, `has_bills`,
    `is_aggregation`, `version_account_id`, `version_meter_id`, the account under `account` (with its type),
    the meter under `meter` and the workflow step under `workflow`.
    """
    dv = DistributionVersion
    statement: Any = select(
        dv.version_id.label("version_id"),
        dv.name.label("version_info"),
        dv.chargeback_type.label("chargeback_type"),
        dv.begin_period.label("begin_period"),
        dv.end_period.label("end_period"),
        dv.is_aggregation.label("is_aggregation"),
        dv.account_id.label("version_account_id"),
        dv.meter_id.label("version_meter_id"),
        has_bills_column(dv.version_id),
    ).select_from(dv)
    statement = join_account_child(statement, dv.account_id, "account", with_type=True)
    statement = join_meter_child(statement, dv.meter_id, "meter")
    return join_workflow_step_child(statement, dv.workflow_step_id, "workflow")


def _type_id() -> Any:
    dv = DistributionVersion
    return case(
        (dv.is_aggregation, literal(AGGREGATION_TYPE_ID)),
        (dv.chargeback_type == CALCULATION, literal(CALCULATION_TYPE_ID)),
        else_=literal(SPLIT_TYPE_ID),
    )


def _through(key: Any, model_key: Any, column: Any) -> Related:
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


def _targets() -> dict[str, Any]:
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


def list_statements(chargeback_type: str, filter_text: str | None, today: date) -> tuple[Any, Any]:
    """(page SELECT ordered by versionId, the leaner SELECT of the same versions that the COUNT runs on)."""
    conditions = parse_filter(filter_text, FILTERS)
    where = (DistributionVersion.chargeback_type == chargeback_type, compile_filter(conditions, _targets(), today))
    statement = version_select().where(*where).order_by(DistributionVersion.version_id)
    # Every child join is an outer join on a key, so the versions alone have the same count.
    return statement, select(DistributionVersion.version_id).where(*where)


def list_versions(
    db: Database, chargeback_type: str, filter_text: str | None, page_number: int, page_size: int, today: date
) -> Page:
    """One page of `chargeback_type` versions matching the filter, ordered by versionId (domain.md §4.12)."""
    statement, counted = list_statements(chargeback_type, filter_text, today)
    with db.reading() as session:
        return paginate(session, statement, page_number, page_size, counted)


def version_row(session: Session, account_id: int, meter_id: int, version_id: int, chargeback_type: str) -> RowMapping:
    """The version `version_id` of `chargeback_type` on the account and meter, or NotFound naming what is missing."""
    for ident, what in ((account_id, "Account"), (meter_id, "Meter"), (version_id, "Version")):
        if not in_range(ident):
            raise NotFound(what, ident)
    dv = DistributionVersion
    row = (
        session.execute(
            version_select().where(
                dv.version_id == version_id,
                dv.account_id == account_id,
                dv.meter_id == meter_id,
                dv.chargeback_type == chargeback_type,
            )
        )
        .mappings()
        .one_or_none()
    )
    if row is not None:
        return row
    if session.get(Account, account_id) is None:
        raise NotFound("Account", account_id)
    if session.get(Meter, meter_id) is None:
        raise NotFound("Meter", meter_id)
    kind = "Bill split version" if chargeback_type == SPLIT else "Calculated bill version"
    raise NotFound(f"{kind} {version_id} on account {account_id} and meter {meter_id}")


def versions_by_id(session: Session, version_ids: list[int]) -> dict[int, RowMapping]:
    """Version rows by id (one query), for responses that carry several versions."""
    if not version_ids:
        return {}
    rows = session.execute(version_select().where(DistributionVersion.version_id.in_(version_ids))).mappings()
    return {row["version_id"]: row for row in rows}
