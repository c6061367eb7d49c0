"""Observation kinds: the stored spelling, and every seeded observation type has one of them."""

from __future__ import annotations

from apportion.domain.bills import ObservationKind
from apportion.store.seed_data import TABLES


def test_observation_kinds_keep_their_stored_spelling() -> None:
    assert [str(kind) for kind in ObservationKind] == ["use", "demand", "cost", "other"]


def test_every_seeded_observation_type_has_a_known_kind() -> None:
    kinds = {row["kind"] for row in dict(TABLES)["observation_types"]}
    assert kinds <= set(ObservationKind)
