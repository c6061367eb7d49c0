"""Unit conversion to a commodity's common ("rollup") use unit (domain.md §2.1)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from apportion.domain.money import USE_QUANTUM, multiply


@dataclass(frozen=True)
class UnitTable:
    """Unit facts: type and factor to the type's base unit, commodity common units and cross-type factors."""

    units: Mapping[int, tuple[int, Decimal]]
    common_unit: Mapping[int, int | None]
    commodity_factors: Mapping[tuple[int, int], Decimal]

    def to_common(self, value: Decimal, unit_id: int | None, commodity_id: int) -> Decimal:
        """`value` in `unit_id` expressed in the commodity's common unit, at use precision.

        Same unit type: value x factor(unit) / factor(common). Other types need a commodity conversion
        (e.g. natural gas CCF -> therms); with none known, or no unit at all, the value is taken as is.
        """
        common = self.common_unit.get(commodity_id)
        if unit_id is None or common is None or unit_id == common:
            return value
        cross = self.commodity_factors.get((commodity_id, unit_id))
        if cross is not None:
            return (value * cross).quantize(USE_QUANTUM)
        unit, target = self.units.get(unit_id), self.units.get(common)
        if unit is None or target is None or unit[0] != target[0]:
            return value
        return (value * unit[1] / target[1]).quantize(USE_QUANTUM)

    def measures(self, unit_id: int, commodity_id: int) -> bool:
        """Whether a use value in `unit_id` belongs to the commodity: it converts to the commodity's common unit
        (same unit type, or a commodity conversion such as natural gas CCF -> therms)."""
        common = self.common_unit.get(commodity_id)
        if common is None or unit_id == common or (commodity_id, unit_id) in self.commodity_factors:
            return True
        unit, target = self.units.get(unit_id), self.units.get(common)
        return unit is not None and target is not None and unit[0] == target[0]

    def between_commodities(self, value: Decimal, from_commodity: int, to_commodity: int) -> Decimal | None:
        """A use in `from_commodity`'s common unit expressed in `to_commodity`'s, or None when no conversion
        exists: energy converts to energy (therms -> kWh), volume to volume, never one kind to another."""
        source, target = self.common_unit.get(from_commodity), self.common_unit.get(to_commodity)
        if from_commodity == to_commodity or source == target:
            return value
        if source is None or target is None:
            return None
        unit, wanted = self.units.get(source), self.units.get(target)
        if unit is None or wanted is None or unit[0] != wanted[0]:
            return None
        return (value * unit[1] / wanted[1]).quantize(USE_QUANTUM)

    def factors_to_common(self, commodity_id: int) -> dict[int, Decimal]:
        """unit id -> factor into the commodity's common unit (same unit type, or a commodity conversion)."""
        common = self.common_unit.get(commodity_id)
        if common is None or common not in self.units:
            return {}
        common_type, common_factor = self.units[common]
        factors = {
            unit_id: multiply(factor, Decimal(1), common_factor)
            for unit_id, (unit_type, factor) in self.units.items()
            if unit_type == common_type
        }
        factors.update(
            {unit: factor for (commodity, unit), factor in self.commodity_factors.items() if commodity == commodity_id}
        )
        return factors
