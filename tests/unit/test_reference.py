"""When a missing EnergyCAP reference file fails the contract checks, and the one case it skips them."""

from __future__ import annotations

from pathlib import Path

from tests.support.reference import missing_reference


def test_a_missing_reference_fails_unless_the_checkout_stands_alone(tmp_path: Path) -> None:
    shared = tmp_path / "shared"
    models_md = shared / "energycap-reference" / "models.md"
    assert missing_reference(models_md, shared, required=False) is None  # no ../shared: a clone on its own
    assert "APPORTION_REQUIRE_REFERENCE=1" in str(missing_reference(models_md, shared, required=True))
    shared.mkdir()
    assert "is missing although" in str(missing_reference(models_md, shared, required=False))
    models_md.parent.mkdir()
    models_md.write_text("## Model")
    assert missing_reference(models_md, shared, required=True) is None
