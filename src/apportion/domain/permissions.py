"""EnergyCAP permissions: a name and a level, e.g. Chargebacks (Run) (domain.md §1.10, Appendix A)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from apportion.domain.errors import ValidationFailed

LEVELS = ("View", "Create", "Edit", "Delete", "Manage", "Run")

# The permissions Apportion checks, with the levels each one has in EnergyCAP's Permissions model.
CATALOGUE: dict[str, tuple[str, ...]] = {
    "Accounts": ("View", "Create", "Edit", "Delete"),
    "ApplicationSettings": ("View", "Manage"),
    "ApproveBills": ("Manage",),
    "BillWorkflowSettings": ("View", "Manage"),
    "BillsAndBatches": ("View", "Create", "Edit", "Delete", "Manage"),
    "BuildingsAndOrganizations": ("View", "Create", "Edit", "Delete"),
    "ChargebackReversals": ("Manage",),
    "Chargebacks": ("Run", "Manage"),
    "ChargebacksModule": ("View",),
    "CostCenters": ("View", "Create", "Edit", "Delete"),
    "ExportBills": ("Edit", "Delete", "Run"),
    "ExportHold": ("Manage",),
    "FlaggedItems": ("View", "Manage"),
    "BuildingAndMeterGroups": ("View", "Create", "Edit", "Delete"),
    "Meters": ("View", "Create", "Edit", "Delete"),
    "RateSchedules": ("View", "Create", "Edit", "Delete"),
    "UpdateApprovedBills": ("Edit", "Delete"),
    "UsersAndUserGroups": ("View", "Create", "Edit", "Delete"),
    "Vendors": ("View", "Create", "Edit", "Delete"),
}


@dataclass(frozen=True)
class Grants:
    """What a user may do: (name, level) pairs, or everything for an administrator."""

    pairs: frozenset[tuple[str, str]]
    administrator: bool = False

    def allows(self, name: str, level: str) -> bool:
        """Whether the user holds `name` at `level`."""
        return self.administrator or (name, level) in self.pairs

    def to_document(self) -> dict[str, object]:
        """The JSON stored on the user row."""
        if self.administrator:
            return {"administrator": True}
        grouped: dict[str, list[str]] = {}
        for name, level in sorted(self.pairs):
            grouped.setdefault(name, []).append(level)
        return {"grants": grouped}

    @classmethod
    def from_document(cls, document: Mapping[str, object]) -> Grants:
        """Read the JSON stored on the user row."""
        if document.get("administrator"):
            return cls(frozenset(), administrator=True)
        grants = document.get("grants") or {}
        pairs: set[tuple[str, str]] = set()
        if isinstance(grants, Mapping):
            for name, levels in grants.items():
                if isinstance(levels, list):
                    pairs.update((str(name), str(level)) for level in levels)
        return cls(frozenset(pairs))

    @classmethod
    def everything(cls) -> Grants:
        """An administrator: every permission at every level."""
        return cls(frozenset(), administrator=True)


def parse_grants(specs: Iterable[str], field: str = "permissions") -> Grants:
    """Parse names like "Chargebacks.Run" or "Chargebacks:Run,Manage"; "Administrator" grants everything.

    >>> parse_grants(["Chargebacks:Run,Manage"]).allows("Chargebacks", "Manage")
    True
    """
    pairs: set[tuple[str, str]] = set()
    for spec in specs:
        if spec.strip().lower() == "administrator":
            return Grants.everything()
        name, sep, levels = spec.replace(".", ":").partition(":")
        canonical = next((known for known in CATALOGUE if known.lower() == name.strip().lower()), None)
        if canonical is None or not sep:
            known = ", ".join(CATALOGUE)
            raise ValidationFailed.single(field, f"'{spec}' is not NAME:LEVEL with a known name ({known}).")
        for level in levels.split(","):
            match = next((lv for lv in CATALOGUE[canonical] if lv.lower() == level.strip().lower()), None)
            if match is None:
                allowed = ", ".join(CATALOGUE[canonical])
                raise ValidationFailed.single(field, f"{canonical} has no level '{level}' (levels: {allowed}).")
            pairs.add((canonical, match))
    return Grants(frozenset(pairs))
