"""Typed billing and import queries (store/queries): what the services read comes back as frozen values with their
child records, on SQLite and PostgreSQL, and the writes change only what they name."""

from __future__ import annotations

import dataclasses
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import delete, insert, update

from apportion.domain.batch_modes import BatchStatus
from apportion.domain.bills import BillDraft, LineDraft, ObservationKind
from apportion.domain.permissions import Grants
from apportion.services.access import auth
from apportion.store.bill_writer import BillWriter
from apportion.store.calculation_inputs import period_figures
from apportion.store.database import Database
from apportion.store.models.bills import Bill, BillMeter
from apportion.store.models.chargebacks import ChargebackTask, ChargebackWorkflow, ChargebackWorkflowStep
from apportion.store.models.organisation import Account, AccountMeter, Meter, Vendor
from apportion.store.queries import batches, bills, chargeback_tasks, import_catalog, import_tasks
from apportion.store.queries.batches import NewBatch
from apportion.store.queries.children import AccountChild, AccountFlags, UnitChild, UserChild, VendorChild
from apportion.store.queries.import_tasks import NewTask
from apportion.store.split_inputs import meter_use_and_cost
from tests.conftest import NOW

USE, KWH = 1, 1


@pytest.fixture
def setup(db: Database) -> tuple[int, int, int, int]:
    """A user, an account of vendor PPL with meter M1 linked, and one bill in an open batch: their ids."""
    user_id, _key = auth.create_user_with_key(db, "clerk", "A Clerk", Grants.everything(), NOW)
    with db.transaction() as session:
        vendor = Vendor(vendor_code="PPL", vendor_info="PPL Electric")
        session.add(vendor)
        session.flush()
        account = Account(
            account_code="A1", account_info="Account 1", account_type_id=1, cost_center_id=1, vendor_id=vendor.vendor_id
        )
        meter = Meter(meter_code="M1", meter_info="Meter 1", commodity_id=1, place_id=1, meter_type_id=1)
        session.add_all([account, meter])
        session.flush()
        session.add(
            AccountMeter(
                account_id=account.account_id,
                meter_id=meter.meter_id,
                begin_date=date(1900, 1, 1),
                end_date=date(3000, 1, 1),
            )
        )
        session.flush()
        batch = batches.insert_batch(session, NewBatch("B-1", note="first"), user_id, NOW)
        draft = BillDraft(
            account_id=account.account_id,
            billing_period=202401,
            begin_date=date(2024, 1, 1),
            end_date=date(2024, 2, 1),
            lines=(LineDraft(USE, ObservationKind.USE, meter.meter_id, "Energy", Decimal(100), KWH, Decimal("12.50")),),
        )
        [bill_id] = BillWriter(session).write([draft], batch.batch_id, user_id, NOW)
        return user_id, account.account_id, meter.meter_id, bill_id


def test_a_bill_reads_back_with_its_batch_account_vendor_and_users(db: Database, setup: tuple[int, ...]) -> None:
    user_id, account_id, meter_id, bill_id = setup
    with db.reading() as session:
        listing = bills.bill_listing(session, bill_id)
        [on_meter] = bills.meter_bills(session, meter_id)
        page = bills.list_bills(session, [], 1, 10, NOW.date())
    assert listing is not None
    assert listing.batch_code == "B-1"
    assert listing.total_cost == Decimal("12.50")
    assert isinstance(listing.account, AccountChild)
    assert isinstance(listing.account.vendor, VendorChild)
    vendor = VendorChild(listing.account.vendor.vendor_id, "PPL", "PPL Electric")
    flags = AccountFlags(has_calculated_meter=False, has_split_parent_meter=False, has_split_child_meter=False)
    assert listing.account == AccountChild(account_id, "A1", "Account 1", True, vendor, flags)
    assert listing.created_by == UserChild(user_id, "clerk", "A Clerk")
    assert listing.modified_by is None
    assert page.rows == [listing]
    assert page.total == 1
    assert on_meter.bill == listing
    assert (on_meter.cost, on_meter.use) == (Decimal("12.50"), Decimal(100))
    assert isinstance(on_meter.use_unit, UnitChild)
    with pytest.raises(AttributeError):
        listing.void = True  # type: ignore[misc]


def test_batch_writes_change_only_what_they_name(db: Database, setup: tuple[int, ...]) -> None:
    user_id, _account_id, _meter_id, bill_id = setup
    with db.transaction() as session:
        [batch] = batches.open_batches_of(session, user_id)
        batches.set_status(session, batch.batch_id, BatchStatus.PENDING)
        batches.void_bills_in(session, batch.batch_id)
    with db.reading() as session:
        pending = batches.batch(session, batch.batch_id)
        listing = batches.batch_listing(session, batch.batch_id)
        voided = bills.bill_state(session, bill_id)
    assert pending == dataclasses.replace(batch, status=BatchStatus.PENDING)
    assert listing is not None
    assert listing.batch == pending
    assert (listing.bill_count, listing.running_total, listing.has_imported_bills) == (1, Decimal("12.50"), False)
    assert voided is not None
    assert voided.void
    with db.transaction() as session:
        assert batches.revive_vendor_bills_in(session, batch.batch_id) == [bill_id]
        batches.close(session, batch.batch_id, NOW)
    with db.reading() as session:
        closed = batches.batch(session, batch.batch_id)
    assert closed == dataclasses.replace(batch, status=BatchStatus.CLOSED, end_date=NOW)


def test_a_task_and_the_catalog_of_its_bills_read_back_typed(db: Database, setup: tuple[int, ...]) -> None:
    user_id, account_id, meter_id, bill_id = setup
    guid = "6f1c7a52-5a7e-4a51-9d55-6a0f3c1d2b4e"
    with db.transaction() as session:
        task = import_tasks.insert_task(
            session, NewTask(guid, "BillImport", user_id, NOW, "note", {"fileName": "a.csv"})
        )
        import_tasks.add_file(session, task.task_id, import_tasks.KICKOUT, "a.kickouts.csv", b"x", ["Row 2: no"], 1)
        assert import_tasks.claim(session, task.task_id)
        assert not import_tasks.claim(session, task.task_id)  # already Processing
        import_tasks.finish(session, task.task_id, "Completed with kickouts", NOW, "done", {"rowCount": 1}, None)
    with db.reading() as session:
        found = import_tasks.task_with_guid(session, guid)
        listing = import_tasks.task_listing(session, task.task_id, visible_to=user_id)
        hidden = import_tasks.task_listing(session, task.task_id, visible_to=user_id + 1)
        messages = import_tasks.kickout_messages(session, task.task_id)
        reference = import_catalog.load_reference(session)
        catalog = import_catalog.load_catalog(
            session, reference, ["a1"], ["M1"], serial_only_meters=False, import_task_id=task.task_id
        )
        opened = import_tasks.open_file(session, task.task_id, import_tasks.KICKOUT)
        assert opened is not None
        assert (opened.file_name, opened.size, opened.stream.read()) == ("a.kickouts.csv", 1, b"x")
        assert import_tasks.open_file(session, task.task_id, import_tasks.SOURCE) is None
    assert found is not None
    assert (found.status, found.message, found.output) == (
        "Completed with kickouts",
        "done",
        {"rowCount": 1},
    )
    assert listing is not None
    assert listing.task == found
    assert listing.user == UserChild(user_id, "clerk", "A Clerk")
    assert (listing.batch_code, listing.current_success_count, hidden) == (None, 0, None)
    assert messages == [("a.kickouts.csv", ["Row 2: no"])]
    assert [a.account_id for a in catalog.accounts["a1"]] == [account_id]
    assert catalog.meters["m1"].meter_id == meter_id
    assert catalog.existing[account_id, date(2024, 1, 1), date(2024, 2, 1)] == [bill_id]


def _types(value: object) -> object:
    """The type of a value, and of each of its fields, nested (True and 1 are equal; their types are not)."""
    if isinstance(value, tuple):
        return (type(value), *(_types(field) for field in value))
    return type(value)


def test_pages_read_by_position_equal_the_rows_read_by_name(db: Database, setup: tuple[int, ...]) -> None:
    # Bill and task pages are read as plain tuples by position (store.paging.page_by_keys); one bill or task is read
    # by column name. Every child filled in, so each reader by position meets a value at each of its columns.
    user_id, _account_id, _meter_id, bill_id = setup
    with db.transaction() as session:
        session.execute(
            update(Bill)
            .where(Bill.bill_id == bill_id)
            .values(
                modified_by=user_id, modified_date=NOW, approved=True, approved_by=user_id, approve_date=NOW,
                exported=True, exported_by=user_id, export_date=NOW, gl_exported=True, gl_exported_by=user_id,
                gl_export_date=NOW, export_hold=True, statement_date=date(2024, 2, 3), note="n",
            )
        )  # fmt: skip
        workflow_id = session.execute(
            insert(ChargebackWorkflow).values(workflow_info="W").returning(ChargebackWorkflow.workflow_id)
        ).scalar_one()
        step_id = session.execute(
            insert(ChargebackWorkflowStep)
            .values(workflow_id=workflow_id, step_info="S", step_description="d", step_type="Split", step_order=1)
            .returning(ChargebackWorkflowStep.step_id)
        ).scalar_one()
        session.execute(
            insert(ChargebackTask).values(
                chargeback_type="Split", billing_period=202401, workflow_step_id=step_id, status="Completed",
                task_begin=NOW, task_end=NOW, user_id=user_id, number_of_bills_created=1, reversed_by=user_id,
                reversed_date=NOW, comment="run",
            )
        )  # fmt: skip
    with db.reading() as session:
        listing = bills.bill_listing(session, bill_id)
        page = bills.list_bills(session, [], 1, 10, NOW.date())
        [task] = chargeback_tasks.task_page(session, [], 1, 10, NOW.date()).rows
        by_name = chargeback_tasks.task(session, task.task_id)
    assert listing is not None
    assert None not in (listing.modified_by, listing.approval.approved_by, listing.approval.gl_exported_by)
    assert page.rows == [listing]
    assert _types(page.rows[0]) == _types(listing)
    assert by_name is not None
    assert None not in (by_name.workflow, by_name.reversed_by)
    assert task == by_name
    assert _types(task) == _types(by_name)


def test_a_page_past_the_end_is_empty_and_still_counts_the_bills(db: Database, setup: tuple[int, ...]) -> None:
    # On PostgreSQL the page's keys come with the total (count(*) OVER ()); past the end there is no key to carry it.
    *_, bill_id = setup
    with db.reading() as session:
        first = bills.list_bills(session, [], 1, 1, NOW.date())
        past = bills.list_bills(session, [], 2, 1, NOW.date())
        far = bills.list_bills(session, [], 50, 10, NOW.date())
    assert ([b.bill_id for b in first.rows], first.total) == ([bill_id], 1)
    assert (past.rows, past.total) == ([], 1)
    assert (far.rows, far.total) == ([], 1)


@pytest.mark.parametrize(
    "uses",
    [
        ["1.5", "2.25", "0"],
        # The last is beyond 9.2 x 10^12: SQLite gives its minor units as a float, which Python and SQL add otherwise.
        ["1255482681297.145158", "3968051278991.259884", "2467362788667.367147", "9311147515929.762000"],
    ],
)
def test_a_calculation_sums_a_meter_as_a_split_does(
    db: Database, setup: tuple[int, int, int, int], uses: list[str]
) -> None:
    """calculation_inputs.period_figures gives each meter the use and cost split_inputs.meter_use_and_cost gives."""
    _user, _account, meter_id, bill_id = setup
    table = Bill.__table__
    with db.transaction() as session:
        row = session.execute(table.select().where(table.c.bill_id == bill_id)).mappings().one()
        ids = [bill_id]
        for _ in uses[1:]:
            copy = {name: value for name, value in row.items() if name != "bill_id"}
            ids.append(session.execute(table.insert().values(**copy).returning(table.c.bill_id)).scalar_one())
        session.execute(delete(BillMeter))
        session.execute(
            BillMeter.__table__.insert(),
            [
                {
                    "bill_id": b,
                    "meter_id": meter_id,
                    "billing_period": 202401,
                    "use": Decimal(u),
                    "cost": Decimal("1.25"),
                }
                for b, u in zip(ids, uses, strict=True)
            ],
        )
    with db.reading() as session:
        split = meter_use_and_cost(session, [meter_id], 202401)[meter_id]
        calculation = period_figures(session, [meter_id], 202401)
    assert calculation.figures[meter_id] == (split.use, split.cost)
    assert sorted(calculation.bills[meter_id]) == sorted(ids)
