"""Writing the demo campus and its chargeback workflow, set-based, into an empty database (services/demo).

The plan (buildings, tariffs, bill figures) comes from domain/demo_campus.py; this module only writes it: bulk Core
inserts table by table, bills through BillWriter, in the caller's transaction.
"""

from __future__ import annotations

import random
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from itertools import islice
from typing import Any, NamedTuple

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from apportion.domain import periods, splits
from apportion.domain.batch_modes import BatchStatus
from apportion.domain.bills import BillDraft
from apportion.domain.demo_campus import (
    BILL_CHUNK,
    BUILDING_TYPE,
    CAMPUS_TYPE,
    CHARGEBACK_ACCOUNT,
    CHARGEBACK_METER,
    COMMODITY_WORDS,
    INTERNAL_VENDOR,
    ROOT_COST_CENTER,
    ROOT_PLACE,
    STANDARD_ACCOUNT,
    STANDARD_METER,
    TARIFFS,
    TENANT_NAMES,
    TENANTS_PER_BUILDING,
    UTILITY_VENDOR,
    VENDORS,
    Building,
    Tariff,
    bill_lines,
)
from apportion.domain.versions import SPLIT
from apportion.store.bill_writer import BillWriter
from apportion.store.bulk import insert_rows, insert_with_ids
from apportion.store.id_lists import among
from apportion.store.models.base import Base
from apportion.store.models.bills import Batch, BillMeter
from apportion.store.models.chargebacks import (
    ChargebackWorkflow,
    ChargebackWorkflowStep,
    DistributionVersion,
    SplitDestination,
)
from apportion.store.models.organisation import (
    Account,
    AccountMeter,
    AccountMeterRate,
    Meter,
    MeterGroup,
    MeterGroupMember,
    Place,
    PlaceSize,
    Vendor,
)
from apportion.store.models.users import User

LINK_FIRST_DATE, LINK_LAST_DATE = date(1899, 1, 1), date(3000, 1, 1)  # a link's default dates (models.md)
_TENANT_CODE = re.compile(r"^(?P<master>.+)-T(?P<number>\d+)$")


def first_user(session: Session) -> int | None:
    """The first user's id (the bootstrap administrator), who creates the demo's rows."""
    found: int | None = session.execute(select(func.min(User.user_id))).scalar()
    return found


def is_empty(session: Session) -> bool:
    """Whether the database holds no vendors, accounts, meters or places besides the root."""
    for model, floor in ((Vendor, 0), (Account, 0), (Meter, 0), (Place, 1)):
        if session.execute(select(func.count()).select_from(model)).scalar_one() > floor:
            return False
    return True


@dataclass(frozen=True)
class Master:
    """A master meter written: its building, tariff, meter and vendor account."""

    building: int
    tariff: Tariff
    meter_id: int
    account_id: int


class CampusWriter:
    """Bulk inserts of the campus, table by table, inside the caller's transaction."""

    def __init__(self, session: Session, user_id: int, now: datetime) -> None:
        self.session = session
        self.user_id = user_id
        self.now = now
        self.audit = {"created_by": user_id, "created_date": now}

    def _insert(self, model: Any, rows: Sequence[dict[str, Any]]) -> list[int]:
        return insert_with_ids(self.session, Base.metadata.tables[model.__tablename__], rows)

    def _insert_rows(self, model: Any, rows: Sequence[dict[str, Any]]) -> None:
        insert_rows(self.session, Base.metadata.tables[model.__tablename__], rows)

    def vendors(self) -> dict[str, int]:
        codes = [(key, code, info, UTILITY_VENDOR) for key, (code, info) in VENDORS.items()]
        codes.append(("CAMPUS", "CAMPUS", "Campus Energy Office", INTERNAL_VENDOR))
        rows = [
            {"vendor_code": code, "vendor_info": info, "vendor_type_id": kind, "active": True, **self.audit}
            for _key, code, info, kind in codes
        ]
        ids = self._insert(Vendor, rows)
        return {key: vendor_id for (key, *_rest), vendor_id in zip(codes, ids, strict=True)}

    def places(self, buildings: Sequence[Building]) -> list[int]:
        campus = {"place_code": "CAMPUS", "place_info": "Main Campus", "place_type_id": CAMPUS_TYPE}
        (campus_id,) = self._insert(Place, [{**campus, "parent_id": ROOT_PLACE, **self.audit}])
        rows = [
            {
                "place_code": b.code,
                "place_info": b.name,
                "place_type_id": BUILDING_TYPE,
                "parent_id": campus_id,
                **self.audit,
            }
            for b in buildings
        ]
        ids = self._insert(Place, rows)
        sizes = [
            {"place_id": place_id, "value": b.area, "unit_code": "SQFEET", "begin_date": date(2000, 1, 1)}
            for b, place_id in zip(buildings, ids, strict=True)
        ]
        self._insert_rows(PlaceSize, sizes)
        return ids

    def _meter(self, code: str, info: str, tariff: Tariff, place_id: int, meter_type: int) -> dict[str, Any]:
        return {
            "meter_code": code,
            "meter_info": info[:50],
            "commodity_id": tariff.commodity_id,
            "place_id": place_id,
            "meter_type_id": meter_type,
            "use_unit_id": tariff.use_unit_id,
            "demand_unit_id": 20 if tariff.demand_price is not None else None,
            "active": True,
            "include_in_energy_star": False,
            **self.audit,
        }

    def _account(self, code: str, info: str, vendor_id: int, account_type: int) -> dict[str, Any]:
        return {
            "account_code": code,
            "account_info": info[:50],
            "account_type_id": account_type,
            "cost_center_id": ROOT_COST_CENTER,
            "vendor_id": vendor_id,
            "active": True,
            "accrual_enabled": False,
            **self.audit,
        }

    def _links(self, pairs: Sequence[tuple[int, int, Tariff]], vendor_type: int) -> None:
        rows = [
            {
                "account_id": account_id,
                "meter_id": meter_id,
                "begin_date": LINK_FIRST_DATE,
                "end_date": LINK_LAST_DATE,
                "vendor_type_id": vendor_type,
                "deregulated": False,
            }
            for account_id, meter_id, _tariff in pairs
        ]
        link_ids = self._insert(AccountMeter, rows)
        rates = [
            {"account_meter_id": link_id, "rate_id": tariff.rate_id, "start_date": LINK_FIRST_DATE}
            for link_id, (_account, _meter, tariff) in zip(link_ids, pairs, strict=True)
        ]
        self._insert_rows(AccountMeterRate, rates)

    def master_meters(
        self, buildings: Sequence[Building], places: Sequence[int], vendors: dict[str, int]
    ) -> list[Master]:
        plan = [(b, t, place_id) for b, place_id in zip(buildings, places, strict=True) for t in b.tariffs]
        meter_ids = self._insert(
            Meter,
            [
                self._meter(f"{b.code}-{t.code}", f"{b.name} {COMMODITY_WORDS[t.code]}", t, p, STANDARD_METER)
                for b, t, p in plan
            ],
        )
        # Vendor account numbers as printed on the bills: one account per master meter.
        account_ids = self._insert(
            Account,
            [
                self._account(
                    f"{VENDORS[t.code][0]}-{b.index + 1:05d}-{t.commodity_id}",
                    f"{b.name} {COMMODITY_WORDS[t.code]}",
                    vendors[t.code],
                    STANDARD_ACCOUNT,
                )
                for b, t, _p in plan
            ],
        )
        masters = [
            Master(b.index, t, meter_id, account_id)
            for (b, t, _p), meter_id, account_id in zip(plan, meter_ids, account_ids, strict=True)
        ]
        self._links([(m.account_id, m.meter_id, m.tariff) for m in masters], UTILITY_VENDOR)
        return masters

    def tenants(
        self, buildings: Sequence[Building], places: Sequence[int], masters: Sequence[Master], vendor_id: int
    ) -> tuple[int, list[tuple[int, Tariff]]]:
        """Tenant chargeback accounts with one submeter per master meter of their building."""
        by_building: dict[int, list[Master]] = {}
        for master in masters:
            by_building.setdefault(master.building, []).append(master)
        tenant_rows, meter_rows, owners = [], [], []
        for b, place_id in zip(buildings, places, strict=True):
            for t in range(TENANTS_PER_BUILDING):
                tenant = TENANT_NAMES[(b.index * TENANTS_PER_BUILDING + t) % len(TENANT_NAMES)]
                tenant_rows.append(
                    self._account(f"{b.code}-T{t + 1}", f"{tenant} ({b.name})", vendor_id, CHARGEBACK_ACCOUNT)
                )
                for master in by_building.get(b.index, []):
                    word = COMMODITY_WORDS[master.tariff.code]
                    code = f"{b.code}-{master.tariff.code}-T{t + 1}"
                    meter_rows.append(
                        self._meter(code, f"{tenant} {word} ({b.code})", master.tariff, place_id, CHARGEBACK_METER)
                    )
                    owners.append((len(tenant_rows) - 1, master.tariff))
        account_ids = self._insert(Account, tenant_rows)
        meter_ids = self._insert(Meter, meter_rows)
        pairs = [
            (account_ids[owner], meter_id, tariff) for (owner, tariff), meter_id in zip(owners, meter_ids, strict=True)
        ]
        self._links(pairs, INTERNAL_VENDOR)
        return len(account_ids), [
            (meter_id, tariff) for (_owner, tariff), meter_id in zip(owners, meter_ids, strict=True)
        ]

    def groups(self, masters: Sequence[Master], submeters: Sequence[tuple[int, Tariff]]) -> int:
        """The master meter group and one submeter group per commodity present."""
        wanted: list[tuple[str, str, list[int]]] = [("Campus master meters", "GENERAL", [m.meter_id for m in masters])]
        for tariff in TARIFFS:
            members = [meter_id for meter_id, t in submeters if t is tariff]
            if members:
                wanted.append((f"Campus {COMMODITY_WORDS[tariff.code]} submeters", "CHARGEBACK", members))
        rows = [
            {
                "meter_group_code": name,
                "meter_group_info": name,
                "category": category,
                "auto_group": False,
                "limit_members_by_topmost": False,
                "last_updated": self.now,
            }
            for name, category, _members in wanted
        ]
        ids = self._insert(MeterGroup, rows)
        memberships = [
            {"meter_group_id": group_id, "meter_id": meter_id, "include_in_charts": True}
            for group_id, (_name, _category, meter_ids) in zip(ids, wanted, strict=True)
            for meter_id in meter_ids
        ]
        self._insert_rows(MeterGroupMember, memberships)
        return len(ids)

    def bills(
        self, buildings: Sequence[Building], masters: Sequence[Master], first: int, last: int, rng: random.Random
    ) -> tuple[int, int, Decimal]:
        """One bill a month per master meter in a closed batch; returns (bills, line items, total cost)."""
        code = f"DEMO-{self.now:%Y%m%d%H%M%S}"
        batch = Batch(
            batch_code=code,
            status=BatchStatus.OPEN,
            created_by=self.user_id,
            start_date=self.now,
            note="Demo vendor bills",
        )
        self.session.add(batch)
        self.session.flush()
        writer = BillWriter(self.session)
        areas = {b.index: b.area for b in buildings}
        drafts = (
            BillDraft(
                account_id=master.account_id,
                billing_period=period,
                begin_date=periods.first_day(period),
                end_date=periods.end_date(period),
                lines=bill_lines(master.tariff, master.meter_id, areas[master.building], period, rng),
            )
            for period in periods.span(first, last)
            for master in masters
        )
        count, lines, total = 0, 0, Decimal(0)
        while chunk := list(islice(drafts, BILL_CHUNK)):
            writer.write(chunk, batch.batch_id, self.user_id, self.now)
            count += len(chunk)
            lines += sum(len(d.lines) for d in chunk)
            total += sum((d.total_cost for d in chunk), Decimal(0))
        batch.status = BatchStatus.CLOSED
        batch.end_date = self.now
        return count, lines, total


# The demo workflow ---------------------------------------------------------------------------------------------


class FoundWorkflow(NamedTuple):
    """The demo workflow's id, its split step's id and how many versions the step holds."""

    workflow_id: int
    step_id: int
    versions: int


def find_workflow(session: Session, workflow_info: str) -> FoundWorkflow | None:
    """The workflow of that name with its first split step, if the database holds it."""
    found = session.execute(
        select(ChargebackWorkflowStep.workflow_id, ChargebackWorkflowStep.step_id)
        .join(ChargebackWorkflow, ChargebackWorkflow.workflow_id == ChargebackWorkflowStep.workflow_id)
        .where(ChargebackWorkflow.workflow_info == workflow_info, ChargebackWorkflowStep.step_type == SPLIT)
        .order_by(ChargebackWorkflowStep.step_order, ChargebackWorkflowStep.step_id)
        .limit(1)
    ).first()
    if found is None:
        return None
    count = session.execute(
        select(func.count()).where(DistributionVersion.workflow_step_id == found.step_id)
    ).scalar_one()
    return FoundWorkflow(found.workflow_id, found.step_id, count)


class MasterWithTenants(NamedTuple):
    """A master meter, its account and code, and its building's tenant submeters with their accounts, in order."""

    meter_id: int
    account_id: int
    code: str
    tenants: list[tuple[int, int]]


def masters_with_tenants(session: Session) -> list[MasterWithTenants]:
    """Every master meter with tenant submeters (codes `<master>-T<n>`), by meter code."""
    rows = session.execute(
        select(Meter.meter_id, Meter.meter_code, Meter.meter_type_id, AccountMeter.account_id)
        .join(AccountMeter, AccountMeter.meter_id == Meter.meter_id)
        .where(Meter.meter_type_id.in_([STANDARD_METER, CHARGEBACK_METER]))
        .order_by(Meter.meter_code, AccountMeter.begin_date)
    ).all()
    masters: dict[str, tuple[int, int]] = {}
    tenants: dict[str, dict[int, tuple[int, int]]] = {}
    for row in rows:
        if row.meter_type_id == STANDARD_METER:
            masters.setdefault(row.meter_code, (row.meter_id, row.account_id))
        elif (match := _TENANT_CODE.match(row.meter_code)) is not None:
            tenants.setdefault(match["master"], {}).setdefault(int(match["number"]), (row.meter_id, row.account_id))
    return [
        MasterWithTenants(meter_id, account_id, code, [tenants[code][n] for n in sorted(tenants[code])])
        for code, (meter_id, account_id) in sorted(masters.items())
        if tenants.get(code)
    ]


def first_period(session: Session, meter_ids: Sequence[int]) -> int | None:
    """The earliest billing period the meters have bills in."""
    return session.execute(
        select(func.min(BillMeter.billing_period)).where(among(BillMeter.meter_id, sorted(set(meter_ids))))
    ).scalar()


def create_split_workflow(
    session: Session,
    names: tuple[str, str, str],
    begin: int,
    versions: Sequence[tuple[MasterWithTenants, Sequence[Decimal]]],
) -> tuple[int, int, int]:
    """A workflow (info, step info, step description) with one split step holding a fixed-percentage version per
    master meter, effective from `begin`, to its tenants at the given percentages; (workflow, step, versions)."""
    info, step_info, step_description = names
    workflow_id = session.execute(
        insert(ChargebackWorkflow).values(workflow_info=info).returning(ChargebackWorkflow.workflow_id)
    ).scalar_one()
    step_id = session.execute(
        insert(ChargebackWorkflowStep)
        .values(
            workflow_id=workflow_id,
            step_info=step_info,
            step_description=step_description,
            step_type=SPLIT,
            step_order=1,
        )
        .returning(ChargebackWorkflowStep.step_id)
    ).scalar_one()
    version_ids = list(
        session.execute(
            insert(DistributionVersion).returning(DistributionVersion.version_id, sort_by_parameter_order=True),
            [
                {
                    "chargeback_type": SPLIT,
                    "account_id": master.account_id,
                    "meter_id": master.meter_id,
                    "name": f"Split {master.code}"[:64],
                    "begin_period": begin,
                    "workflow_step_id": step_id,
                    "split_method": splits.SplitMethod.FIXED_PERCENTAGE,
                }
                for master, _shares in versions
            ],
        ).scalars()
    )
    destinations = [
        {
            "version_id": version_id,
            "position": position,
            "account_id": account_id,
            "meter_id": meter_id,
            "split_percentage": share,
        }
        for version_id, (master, percentages) in zip(version_ids, versions, strict=True)
        for position, ((meter_id, account_id), share) in enumerate(zip(master.tenants, percentages, strict=True))
    ]
    if destinations:
        session.execute(insert(SplitDestination), destinations)
    return workflow_id, step_id, len(version_ids)
