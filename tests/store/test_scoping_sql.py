"""store/scoping.py's subqueries select exactly what domain/scoping.py's rule says is in scope, on each database."""

from __future__ import annotations

import random
from datetime import date

from sqlalchemy import select

from apportion.domain.scoping import Scope, in_scope
from apportion.store import scoping
from apportion.store.database import Database
from apportion.store.models.organisation import Account, AccountMeter, CostCenter, Meter, Place, Vendor


def test_the_subqueries_agree_with_the_rule(db: Database) -> None:
    chance = random.Random(15)
    with db.transaction() as session:
        place_root = session.execute(select(Place.place_id).where(Place.parent_id.is_(None))).scalar_one()
        cc_root = session.execute(select(CostCenter.cost_center_id).where(CostCenter.parent_id.is_(None))).scalar_one()
        places, cost_centers = [place_root], [cc_root]
        for n in range(8):
            place = Place(place_code=f"P{n}", place_info="p", parent_id=chance.choice(places), place_type_id=3)
            cost_center = CostCenter(
                cost_center_code=f"C{n}", cost_center_info="c", parent_id=chance.choice(cost_centers)
            )
            session.add_all([place, cost_center])
            session.flush()
            places.append(place.place_id)
            cost_centers.append(cost_center.cost_center_id)
        vendor = Vendor(vendor_code="V", vendor_info="V")
        session.add(vendor)
        session.flush()
        accounts, meters = [], []
        for n in range(10):
            account = Account(
                account_code=f"A{n}",
                account_info="a",
                account_type_id=1,
                cost_center_id=chance.choice(cost_centers),
                vendor_id=vendor.vendor_id,
            )
            meter = Meter(
                meter_code=f"M{n}", meter_info="m", commodity_id=1, place_id=chance.choice(places), meter_type_id=1
            )
            session.add_all([account, meter])
            session.flush()
            accounts.append(account.account_id)
            meters.append(meter.meter_id)
        for _ in range(12):
            session.add(
                AccountMeter(
                    account_id=chance.choice(accounts),
                    meter_id=chance.choice(meters),
                    begin_date=date(2020, 1, 1),
                    end_date=date(2079, 1, 1),
                )
            )
    with db.reading() as session:
        place_parents = scoping.place_parents(session)
        cc_parents = scoping.cost_center_parents(session)
        account_ccs = {
            r.account_id: r.cost_center_id for r in session.execute(select(Account.account_id, Account.cost_center_id))
        }
        meter_places = {r.meter_id: r.place_id for r in session.execute(select(Meter.meter_id, Meter.place_id))}
        links = [
            (r.account_id, r.meter_id) for r in session.execute(select(AccountMeter.account_id, AccountMeter.meter_id))
        ]
        scopes = [Scope(frozenset({p}), None) for p in places[1:5]]
        scopes += [Scope(None, frozenset({c})) for c in cost_centers[1:5]]
        scopes += [Scope(frozenset(places[1:3]), frozenset(cost_centers[1:3]))]
        for scope in scopes:
            expected = in_scope(scope, place_parents, cc_parents, account_ccs, meter_places, links)
            for ids, want in (
                (scoping.account_ids(scope), expected.accounts),
                (scoping.meter_ids(scope), expected.meters),
                (scoping.place_ids(scope), expected.places),
                (scoping.cost_center_ids(scope), expected.cost_centers),
            ):
                if ids is None:
                    continue
                assert frozenset(session.execute(ids).scalars()) == want, scope
