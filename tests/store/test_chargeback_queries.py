"""Typed chargeback queries (store/queries): workflows, versions, split and calculated details, chargeback tasks and
aggregate meters read back as frozen values with their child records, on SQLite and PostgreSQL, and the writes
change only what they name."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from apportion.domain import calculations as calc
from apportion.domain import filters, splits
from apportion.domain.permissions import Grants
from apportion.domain.task_status import TaskStatus
from apportion.domain.versions import CALCULATION, SPLIT, RequestedVersion, plan_version_history
from apportion.services.access import auth
from apportion.services.chargebacks.chargeback_tasks import FILTERS as TASK_FILTERS
from apportion.services.chargebacks.version_lists import FILTERS as VERSION_FILTERS
from apportion.store.database import Database
from apportion.store.models.chargebacks import ChargebackTask, ChargebackTaskVersion, DistributionVersion
from apportion.store.models.organisation import Account, AccountMeter, Meter, Vendor
from apportion.store.queries import aggregates, calculations, chargeback_tasks, versions, workflows
from apportion.store.queries import splits as split_queries
from apportion.store.queries.children import UserChild, WorkflowStepChild
from apportion.store.queries.workflows import StepWrite
from tests.conftest import NOW


class _Refused(Exception):
    """Leaves a transaction so that it rolls back."""


@pytest.fixture
def setup(db: Database) -> dict[str, int]:
    """A user, account A1 (vendor PPL) linked to meters M1 and M2, a workflow with a split and a calculation step,
    a split version on A1/M1 and a calculated bill version on A1/M2: their ids."""
    user_id, _key = auth.create_user_with_key(db, "clerk", "A Clerk", Grants.everything(), NOW)
    with db.transaction() as session:
        vendor = Vendor(vendor_code="PPL", vendor_info="PPL Electric")
        session.add(vendor)
        session.flush()
        account = Account(
            account_code="A1", account_info="Account 1", account_type_id=1, cost_center_id=1, vendor_id=vendor.vendor_id
        )
        m1 = Meter(meter_code="M1", meter_info="Meter 1", commodity_id=1, place_id=1, meter_type_id=1)
        m2 = Meter(meter_code="M2", meter_info="Meter 2", commodity_id=1, place_id=1, meter_type_id=1)
        session.add_all([account, m1, m2])
        session.flush()
        for meter in (m1, m2):
            session.add(
                AccountMeter(
                    account_id=account.account_id,
                    meter_id=meter.meter_id,
                    begin_date=date(1900, 1, 1),
                    end_date=date(3000, 1, 1),
                )
            )
        workflow_id = workflows.insert_workflow(
            session,
            "Month end",
            [StepWrite("Split A", "splits", SPLIT, 1), StepWrite("Calc A", "calcs", CALCULATION, 2)],
        )
        assert workflow_id is not None
        split_step, calc_step = (s.step_id for s in workflows.workflows(session, [workflow_id])[0].steps)
        split = DistributionVersion(
            chargeback_type=SPLIT,
            account_id=account.account_id,
            meter_id=m1.meter_id,
            name="Split 2024",
            begin_period=202401,
            end_period=None,
            workflow_step_id=split_step,
        )
        calculated = DistributionVersion(
            chargeback_type=CALCULATION,
            account_id=account.account_id,
            meter_id=m2.meter_id,
            name="Calc 2024",
            begin_period=202401,
            end_period=202412,
        )
        session.add_all([split, calculated])
        session.flush()
        return {
            "user": user_id,
            "account": account.account_id,
            "m1": m1.meter_id,
            "m2": m2.meter_id,
            "workflow": workflow_id,
            "split_step": split_step,
            "calc_step": calc_step,
            "split": split.version_id,
            "calculated": calculated.version_id,
        }


def test_a_workflow_reads_back_with_its_steps_and_an_edit_replaces_them(db: Database, setup: dict[str, int]) -> None:
    with db.reading() as session:
        [workflow] = workflows.workflows(session)
        assert workflows.step(session, setup["split_step"]) == workflow.steps[0]
        assert workflows.steps_of_type(session, CALCULATION) == [workflow.steps[1]]
        assert workflows.step_names_outside(session, [setup["split_step"]]) == {(CALCULATION, "calc a")}
        assert workflows.steps_in_use(session, [setup["split_step"], setup["calc_step"]]) == {
            setup["split_step"]: "versions"
        }
        assert workflows.versions_on_step(session, [setup["calculated"], 0]) == {
            setup["calculated"]: workflows.VersionOnStep(setup["calculated"], CALCULATION, 202401, 202412)
        }
    assert workflow.info == "Month end"
    assert [(s.info, s.step_type, s.order, s.workflow_info) for s in workflow.steps] == [
        ("Split A", SPLIT, 1, "Month end"),
        ("Calc A", CALCULATION, 2, "Month end"),
    ]
    # Two steps swap names (the unique index never sees them equal), a third is added, and the calculation step
    # takes the version.
    with db.transaction() as session:
        assert workflows.lock_workflow(session, setup["workflow"]) == workflow
        written = [
            StepWrite("Calc A", "renamed", SPLIT, 1, setup["split_step"]),
            StepWrite("Split A", "renamed", CALCULATION, 2, setup["calc_step"]),
            StepWrite("Later", "new", SPLIT, 3),
        ]
        assert workflows.replace_workflow(session, setup["workflow"], "Renamed", written, [])
        workflows.put_versions_on_step(session, setup["calc_step"], [setup["calculated"]])
    with db.reading() as session:
        [after] = workflows.workflows(session)
        assert workflows.steps_in_use(session, [setup["calc_step"]]) == {setup["calc_step"]: "versions"}
    assert after.info == "Renamed"
    assert [(s.info, s.description, s.order) for s in after.steps] == [
        ("Calc A", "renamed", 1),
        ("Split A", "renamed", 2),
        ("Later", "new", 3),
    ]


def test_a_step_name_taken_is_refused_by_the_index_and_nothing_is_written(db: Database, setup: dict[str, int]) -> None:
    def insert_clash() -> None:
        with db.transaction() as session:
            raise _Refused(workflows.insert_workflow(session, "Other", [StepWrite("Split A", "clash", SPLIT, 1)]))

    with pytest.raises(_Refused) as refused:
        insert_clash()
    assert refused.value.args == (None,)
    with db.reading() as session:
        assert [w.workflow_id for w in workflows.workflows(session)] == [setup["workflow"]]


def _types(value: object) -> object:
    """The type of a value, and of each of its fields, nested (True and 1 are equal; their types are not)."""
    if isinstance(value, tuple):
        return (type(value), *(_types(field) for field in value))
    return type(value)


def test_a_version_reads_back_with_its_account_meter_and_step(db: Database, setup: dict[str, int]) -> None:
    conditions = filters.parse("meterCode equals 'M1'", VERSION_FILTERS)
    with db.reading() as session:
        split = versions.version(session, setup["account"], setup["m1"], setup["split"], SPLIT)
        wrong_type = versions.version(session, setup["account"], setup["m1"], setup["split"], CALCULATION)
        page = versions.version_page(session, SPLIT, conditions, 1, 10, NOW.date())
        none = versions.version_page(session, CALCULATION, conditions, 1, 10, NOW.date())
        history = versions.history(session, setup["account"], setup["m2"], CALCULATION)
        on_account = versions.account_versions(session, setup["account"], SPLIT)
        on_meter = versions.meter_versions(session, setup["m2"], CALCULATION)
    assert split is not None
    assert wrong_type is None
    assert (split.version_info, split.begin_period, split.end_period, split.has_bills) == (
        "Split 2024",
        202401,
        None,
        False,
    )
    assert split.account is not None
    assert split.account.account_code == "A1"
    assert split.account.account_type is not None
    assert split.meter is not None
    assert split.meter.meter_code == "M1"
    assert split.meter.flags.is_split_parent_meter
    assert split.workflow == WorkflowStepChild(
        setup["split_step"], "Split A", "splits", SPLIT, 1, setup["workflow"], "Month end"
    )
    assert page.rows == [split]  # the page is read by position, one version by column name
    assert _types(page.rows[0]) == _types(split)
    assert page.total == 1
    assert none.total == 0
    assert [v.version_id for v in history] == [setup["calculated"]] == [v.version_id for v in on_meter]
    assert history[0].workflow is None
    assert on_account == [split]


def test_a_version_plan_is_written_and_read_back(db: Database, setup: dict[str, int]) -> None:
    with db.transaction() as session:
        existing = versions.stored_versions(session, setup["account"], setup["m2"])
        assert [(v.version_id, v.chargeback_type, v.has_bills) for v in existing] == [
            (setup["calculated"], CALCULATION, False)
        ]
        assert versions.step_types(session, [setup["calc_step"], 0]) == {setup["calc_step"]: CALCULATION}
        assert versions.linked(session, setup["account"], setup["m2"])
        assert versions.lock_account(session, setup["account"])
        requested = [
            RequestedVersion("Calc 2024", 202401, 202406, version_id=setup["calculated"]),
            RequestedVersion("Calc H2", 202407, None, copy_version_id=setup["calculated"]),
        ]
        plan = plan_version_history(existing, requested, CALCULATION, {})
        versions.apply_plan(session, plan, setup["account"], setup["m2"], CALCULATION)
    with db.reading() as session:
        history = versions.history(session, setup["account"], setup["m2"], CALCULATION)
    assert [(v.version_info, v.begin_period, v.end_period) for v in history] == [
        ("Calc 2024", 202401, 202406),
        ("Calc H2", 202407, None),
    ]


def test_split_details_are_replaced_and_read_back_with_places_and_parents(db: Database, setup: dict[str, int]) -> None:
    details = splits.SplitDetails(
        setup["split"],
        fixed_percentage=(splits.FixedPercentage(setup["account"], setup["m2"], Decimal("100")),),
    )
    with db.transaction() as session:
        split_queries.replace_details(session, details)
    with db.reading() as session:
        settings = split_queries.split_settings(session, setup["split"])
        [destination] = split_queries.destinations(session, setup["split"], NOW.date())
        facts = split_queries.destination_facts(session, [setup["account"], 999999], [setup["m2"], 999999])
        commodity = split_queries.meter_commodity(session, setup["m1"])
        by_account = split_queries.account_parents(session, setup["account"])
        by_meter = split_queries.meter_parents(session, setup["m2"])
        not_a_destination = split_queries.meter_parents(session, setup["m1"])
    assert settings == split_queries.SplitSettings(
        setup["split"], splits.SplitMethod.FIXED_PERCENTAGE, None, None, None
    )
    assert (destination.position, destination.account_id, destination.meter_id) == (0, setup["account"], setup["m2"])
    assert destination.split_percentage == Decimal("100")
    assert destination.weighting_factor is None
    assert destination.meter is not None
    assert destination.meter.flags.is_split_child_meter
    assert destination.place is not None
    assert destination.place.place_id == 1
    assert facts.accounts == {setup["account"]}
    assert facts.meters == {setup["m2"]}
    assert (setup["account"], setup["m2"]) in facts.links
    assert facts.commodities == {setup["m2"]: 1}
    assert commodity == 1
    assert [p.version_id for p in by_account] == [setup["split"]] == [p.version_id for p in by_meter]
    assert by_meter[0].meter is not None
    assert by_meter[0].meter.meter_code == "M1"
    assert not_a_destination == []


def test_calculated_instructions_are_stored_and_their_records_read(db: Database, setup: dict[str, int]) -> None:
    use = calc.CopyFromMeter(setup["m1"], Decimal("50"))
    with db.transaction() as session:
        old = calculations.instructions(session, setup["calculated"])
        assert old is not None
        calculations.store_instructions(session, setup["calculated"], calc.CalculatedBillInstructions(0, use=use))
    with db.reading() as session:
        stored = calculations.instructions(session, setup["calculated"])
        facts = calculations.reference_facts(session, [setup["m1"], 999999], [999999], [1, 999999], [999999])
        meters = calculations.meters(session, [setup["m1"]])
        units = calculations.units(session, [1])
        kinds = calculations.observation_kinds(session, [1])
        rate = calculations.link_rate(session, setup["account"], setup["m2"])
        missing = calculations.instructions(session, 999999)
    assert stored is not None
    assert stored.use == use
    assert stored.version_id == setup["calculated"]
    assert old.use is None
    assert facts == calculations.ReferenceFacts(frozenset({setup["m1"]}), {}, frozenset({1}), frozenset())
    assert meters[setup["m1"]].meter_code == "M1"
    assert units[1].unit_id == 1
    assert set(kinds) == {1}
    assert rate is None  # the link has no rate
    assert missing is None


def test_a_chargeback_task_reads_back_and_is_reversed(db: Database, setup: dict[str, int]) -> None:
    with db.transaction() as session:
        task = ChargebackTask(
            chargeback_type=SPLIT,
            billing_period=202401,
            workflow_step_id=setup["split_step"],
            status=TaskStatus.COMPLETED,
            task_begin=NOW,
            task_end=NOW + timedelta(seconds=3),
            user_id=setup["user"],
            number_of_failed_versions=1,
        )
        session.add(task)
        session.flush()
        session.add(ChargebackTaskVersion(task_id=task.task_id, version_id=setup["split"], error_message="No bills."))
        task_id = task.task_id
    conditions = filters.parse(f"calculateBillWorkflowStepID equals '{setup['split_step']}'", TASK_FILTERS)
    with db.reading() as session:
        listing = chargeback_tasks.task(session, task_id)
        page = chargeback_tasks.task_page(session, conditions, 1, 10, NOW.date())
        failed = chargeback_tasks.failed_versions(session, task_id)
        runs = chargeback_tasks.version_runs(session, setup["split"])
        owner = chargeback_tasks.version_owner(session, setup["split"])
        latest = chargeback_tasks.latest_period(session, setup["split_step"])
    assert listing is not None
    assert (listing.status, listing.billing_period, listing.batch_id, listing.batch_code) == (
        TaskStatus.COMPLETED,
        202401,
        None,
        None,
    )
    assert listing.user == UserChild(setup["user"], "clerk", "A Clerk")
    assert listing.reversed_by is None
    assert listing.workflow is not None
    assert listing.workflow.step_id == setup["split_step"]
    assert page.rows == [listing]
    assert failed == [(setup["split"], "No bills.")]
    assert runs == [chargeback_tasks.TaskVersionRun(task_id, None, 0, "No bills.")]
    assert owner == chargeback_tasks.VersionOwner(setup["account"], setup["m1"], SPLIT)
    assert latest == 202401
    with db.transaction() as session:
        state = chargeback_tasks.lock_task(session, task_id)
        assert state == chargeback_tasks.TaskState(task_id, TaskStatus.COMPLETED, None, None)
        assert chargeback_tasks.bills_of_tasks(session, [task_id]) == []
        chargeback_tasks.set_comment(session, task_id, "checked")
        chargeback_tasks.mark_reversed(session, [task_id], setup["user"], NOW)
    with db.reading() as session:
        after = chargeback_tasks.task(session, task_id)
        [state] = chargeback_tasks.lock_step_tasks(session, setup["split_step"], 202401)
    assert after is not None
    assert after.comment == "checked"
    assert after.reversed_by == UserChild(setup["user"], "clerk", "A Clerk")
    assert after.reversed_date == NOW
    assert state.reversed_by_code == "clerk"


def test_an_aggregate_meter_is_created_renamed_and_given_a_version(db: Database, setup: dict[str, int]) -> None:
    with db.transaction() as session:
        commodity = aggregates.commodity_units(session, 1)
        assert commodity is not None
        assert aggregates.vendor_by_code(session, "ppl") is not None
        vendor_id = aggregates.insert_vendor(session, "AGGREGATION", "Aggregate meters", 2)
        new = aggregates.NewAggregate(1, "Total", commodity, 1, 2, 1, vendor_id)
        account_id, meter_id = aggregates.insert_aggregate(session, new, setup["user"], NOW)
        aggregates.rename(session, account_id, meter_id, "Renamed total", setup["user"], NOW)
        version_id = aggregates.insert_calculation(session, account_id, meter_id, "Aggregation 202401", 202401, None)
        aggregates.store_aggregation(
            session, version_id, calc.CalculatedBillInstructions(0, use=calc.MeterCalculation((setup["m1"],)))
        )
        aggregates.set_end_period(session, version_id, 202412)
    with db.reading() as session:
        placings = aggregates.meter_placings(session, [meter_id, setup["m1"]])
        linked = aggregates.linked_accounts(session, meter_id)
        spans = aggregates.version_spans(session, account_id, meter_id)
        version = versions.version(session, account_id, meter_id, version_id, CALCULATION)
        stored = calculations.instructions(session, version_id)
    assert placings[meter_id] == aggregates.MeterPlacing(meter_id, 1, 1, 1)
    assert set(placings) == {meter_id, setup["m1"]}
    assert linked == [account_id]
    assert spans == [aggregates.VersionSpan(version_id, CALCULATION, "Aggregation 202401", 202401, 202412)]
    assert version is not None
    assert version.is_aggregation
    assert version.meter is not None
    assert version.meter.meter_code == f"AGG-{meter_id}"
    assert version.meter.meter_info == "Renamed total"
    assert version.account is not None
    assert version.account.account_info == "Renamed total"
    assert stored is not None
    assert stored.use == calc.MeterCalculation((setup["m1"],))
