"""Version history replace on a real database, as properties (domain.md §4.1).

Random requests (valid or not) against the stored history either apply exactly or change nothing at all, and a
copy carries every instruction and destination of its source.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from itertools import pairwise
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, select

from apportion.domain import periods
from apportion.domain.errors import DomainError
from apportion.domain.versions import CALCULATION, SPLIT, RequestedVersion
from apportion.services.chargebacks import version_history
from apportion.store.database import Database
from apportion.store.models.bills import Batch, Bill
from apportion.store.models.chargebacks import (
    ChargebackWorkflow,
    ChargebackWorkflowStep,
    DistributionVersion,
    SplitDestination,
)
from apportion.store.models.organisation import Account, AccountMeter, Meter, Vendor
from apportion.store.models.users import User

NOW = datetime(2024, 6, 15, 9, 30)
PROPERTY_SETTINGS = settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@dataclass(frozen=True)
class Store:
    """A linked account and meter, three destination pairs, a step of each type and a user."""

    db: Database
    account_id: int
    meter_id: int
    destinations: tuple[tuple[int, int], ...]
    steps: dict[str, int]
    user_id: int


@pytest.fixture
def store(db: Database) -> Store:
    with db.transaction() as session:
        user = User(user_code="prop", full_name="Property", created_date=NOW)
        vendor = Vendor(vendor_code="PROP", vendor_info="Property vendor")
        session.add_all([user, vendor])
        session.flush()
        pairs = []
        for i in range(4):
            account = Account(
                account_code=f"PA{i}",
                account_info="Account",
                account_type_id=1,
                cost_center_id=1,
                vendor_id=vendor.vendor_id,
            )
            meter = Meter(meter_code=f"PM{i}", meter_info="Meter", commodity_id=1, place_id=1, meter_type_id=1)
            session.add_all([account, meter])
            session.flush()
            session.add(
                AccountMeter(
                    account_id=account.account_id,
                    meter_id=meter.meter_id,
                    begin_date=date(1899, 1, 1),
                    end_date=date(3000, 1, 1),
                )
            )
            pairs.append((account.account_id, meter.meter_id))
        workflow = ChargebackWorkflow(workflow_info="Property workflow")
        session.add(workflow)
        session.flush()
        steps = {}
        for order, kind in enumerate((SPLIT, CALCULATION), start=1):
            step = ChargebackWorkflowStep(
                workflow_id=workflow.workflow_id,
                step_info=kind,
                step_description=kind,
                step_type=kind,
                step_order=order,
            )
            session.add(step)
            session.flush()
            steps[kind] = step.step_id
        (account_id, meter_id), *destinations = pairs
        return Store(db, account_id, meter_id, tuple(destinations), steps, user.user_id)


def _snapshot(db: Database) -> list[tuple[Any, ...]]:
    with db.reading() as session:
        rows = session.execute(select(DistributionVersion).order_by(DistributionVersion.version_id)).scalars()
        return [
            (v.version_id, v.chargeback_type, v.name, v.begin_period, v.end_period, v.workflow_step_id) for v in rows
        ]


def _reset(store: Store) -> None:
    with store.db.transaction() as session:
        session.execute(delete(Bill))
        session.execute(delete(Batch))
        session.execute(delete(DistributionVersion))


def _bill(store: Store, version_id: int) -> None:
    with store.db.transaction() as session:
        batch = Batch(batch_code=f"P{version_id}", status="Open", created_by=store.user_id, start_date=NOW)
        session.add(batch)
        session.flush()
        session.add(
            Bill(
                account_id=store.account_id,
                batch_id=batch.batch_id,
                billing_period=202401,
                begin_date=date(2024, 1, 1),
                end_date=date(2024, 2, 1),
                total_cost=Decimal("1.00"),
                created_by=store.user_id,
                created_date=NOW,
                chargeback_version_id=version_id,
            )
        )


PERIODS = [202301, 202312, 202401, 202406, 202407, 202413, 189912]


@st.composite
def request_for(draw: st.DrawFn, existing: list[int], steps: dict[str, int]) -> list[RequestedVersion]:
    """A DistributionVersionManage array, often valid, often breaking one rule or another."""
    items = []
    for _ in range(draw(st.integers(0, 4))):
        version_id = draw(st.sampled_from([None, None, 999999, *existing]))
        copy_id = draw(st.sampled_from([None, None, *existing])) if draw(st.booleans()) else None
        items.append(
            RequestedVersion(
                name=draw(st.sampled_from(["Original", "original", "Next", "Later", "", "N" * 65])),
                begin_period=draw(st.sampled_from(PERIODS)),
                end_period=draw(st.sampled_from([None, None, *PERIODS])),
                version_id=version_id,
                copy_version_id=copy_id,
                workflow_step_id=draw(st.sampled_from([None, steps[SPLIT], steps[CALCULATION], 999999])),
            )
        )
    return items


@PROPERTY_SETTINGS
@given(data=st.data(), kind=st.sampled_from([SPLIT, CALCULATION]))
def test_a_replace_applies_exactly_or_changes_nothing(store: Store, data: st.DataObject, kind: str) -> None:
    _reset(store)
    for round_number in range(3):
        current = version_history.history(store.db, store.account_id, store.meter_id, kind)
        existing = [row.version_id for row in current]
        if existing and round_number == 2 and data.draw(st.booleans(), label="bill"):
            _bill(store, existing[0])
        request = data.draw(request_for(existing, store.steps), label=f"request {round_number}")
        before = _snapshot(store.db)
        try:
            result = version_history.replace_history(store.db, store.account_id, store.meter_id, kind, request)
        except DomainError:
            event("refused")
            assert _snapshot(store.db) == before
            continue
        event("applied")
        wanted = sorted(
            ((r.begin_period, i), (r.name, r.begin_period, r.end_period, r.workflow_step_id))
            for i, r in enumerate(request)
        )
        assert [
            (row.version_info, row.begin_period, row.end_period, row.workflow.step_id if row.workflow else None)
            for row in result
        ] == [fields for _key, fields in wanted]
        by_request = dict(zip((i for (_b, i), _f in wanted), result, strict=True))
        for i, item in enumerate(request):
            row = by_request[i]
            assert row.chargeback_type == kind
            assert periods.is_valid(row.begin_period)
            if item.version_id is not None:
                assert row.version_id == item.version_id
            else:
                assert row.version_id not in existing
        for earlier, later in pairwise(result):
            assert earlier.end_period is not None
            assert earlier.end_period < later.begin_period
        assert version_history.history(store.db, store.account_id, store.meter_id, kind) == result


ratios = st.integers(0, 10**11).map(lambda n: Decimal(n).scaleb(-8))
json_leaves = st.none() | st.booleans() | st.integers(-(10**9), 10**9) | st.text("abc.-0123456789 ", max_size=12)
documents = st.dictionaries(
    st.sampled_from(["use", "cost", "demand", "meterLineItems", "accountLineItems"]),
    st.recursive(
        json_leaves,
        lambda inner: (
            st.lists(inner, max_size=3)
            | st.dictionaries(st.text("abcdefXYZ", min_size=1, max_size=6), inner, max_size=3)
        ),
        max_leaves=8,
    ),
)


@PROPERTY_SETTINGS
@given(
    destinations=st.lists(st.tuples(st.integers(0, 2), ratios, st.none() | ratios), max_size=3),
    method=st.sampled_from([None, "fixedPercentage", "floorArea", "dynamicPercentage"]),
    dynamic=st.tuples(st.sampled_from([None, "use", "cost", "useAndCost"]), st.sampled_from([None, "use", "cost"])),
    instructions=st.none() | documents,
    kind=st.sampled_from([SPLIT, CALCULATION]),
)
def test_a_copy_carries_every_instruction_and_destination(
    store: Store,
    destinations: list[tuple[int, Decimal, Decimal | None]],
    method: str | None,
    dynamic: tuple[str | None, str | None],
    instructions: dict[str, Any] | None,
    kind: str,
) -> None:
    _reset(store)
    with store.db.transaction() as session:
        source = DistributionVersion(
            chargeback_type=kind,
            account_id=store.account_id,
            meter_id=store.meter_id,
            name="Source",
            begin_period=202301,
            end_period=202312,
            split_method=method,
            dynamic_source_value=dynamic[0],
            dynamic_share_value=dynamic[1],
            instructions=instructions,
        )
        session.add(source)
        session.flush()
        for position, (which, percentage, weight) in enumerate(destinations):
            account_id, meter_id = store.destinations[which]
            session.add(
                SplitDestination(
                    version_id=source.version_id,
                    position=position,
                    account_id=account_id,
                    meter_id=meter_id,
                    split_percentage=percentage,
                    weighting_factor=weight,
                )
            )
        source_id = source.version_id
    request = [RequestedVersion("Copy", 202401, copy_version_id=source_id)]  # the source itself is dropped
    [row] = version_history.replace_history(store.db, store.account_id, store.meter_id, kind, request)
    with store.db.reading() as session:
        copied = session.get(DistributionVersion, row.version_id)
        assert copied is not None
        assert session.get(DistributionVersion, source_id) is None
        assert (copied.split_method, copied.dynamic_source_value, copied.dynamic_share_value) == (method, *dynamic)
        assert copied.instructions == instructions
        stored = session.execute(
            select(SplitDestination)
            .where(SplitDestination.version_id == copied.version_id)
            .order_by(SplitDestination.position)
        ).scalars()
        expected = [
            (position, *store.destinations[which], percentage, weight)
            for position, (which, percentage, weight) in enumerate(destinations)
        ]
        assert [
            (d.position, d.account_id, d.meter_id, d.split_percentage, d.weighting_factor) for d in stored
        ] == expected
