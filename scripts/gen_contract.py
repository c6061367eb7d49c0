"""Generate src/apportion/api/schemas/contract.py from EnergyCAP's SDK models listed in models.md."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import energycap.sdk.models as sdk

ROOT = Path(__file__).resolve().parent.parent
MODELS_MD = ROOT.parent / "shared" / "energycap-reference" / "models.md"
OUTPUT = ROOT / "src" / "apportion" / "api" / "schemas" / "contract.py"
RESERVED = {"schema", "json", "copy", "fields", "validate", "construct", "dict", "model_fields", "register"}

# Fields newer than SDK 8.2309 that the contract needs: (model, alias, python name, type, max_length).
EXTRAS: dict[str, list[tuple[str, str, str, int | None]]] = {
    # api-reference/004: BatchSettings gained these two.
    "BatchSettings": [
        ("existingOpenBatchId", "existing_open_batch_id", "int", None),
        ("leaveExistingBatchesOpen", "leave_existing_batches_open", "bool", None),
    ],
    # domain.md §3.7: CreateBill takes a batch id.
    "BillCreate": [("batchId", "batch_id", "int", None)],
    # domain.md §3.6: UpdateBatchStatus leaveOpenBatchesAsIs.
    "UpdateBatchStatusRequest": [("leaveOpenBatchesAsIs", "leave_open_batches_as_is", "bool", None)],
}
NEW_MODELS = {
    # api-reference/004: the kickout re-import body.
    "BillKickoutImportRequest": [
        ("batchSettings", "batch_settings", "BatchSettings", None),
        ("comment", "comment", "str", None),
        ("importNote", "import_note", "str", None),
        ("saveAsResolved", "save_as_resolved", "bool", None),
    ],
}
SCALARS = {
    "int": "int",
    "str": "str",
    "bool": "bool",
    "float": "WireDecimal",
    "iso-8601": "WireDateTime",
    "object": "Any",
}


def python_type(msrest: str) -> str:
    if msrest.startswith("["):
        return f"list[{python_type(msrest[1:-1])}]"
    if msrest.startswith("{"):
        return f"dict[str, {python_type(msrest[1:-1])}]"
    return SCALARS.get(msrest, msrest)


def field_line(alias: str, name: str, type_: str, rules: dict[str, object]) -> str:
    if name in RESERVED or name.startswith("model_"):
        name += "_"
    args = [f'alias="{alias}"']
    if "max_length" in rules:
        args.append(f"max_length={rules['max_length']}")
    if "minimum" in rules:
        args.append(f"ge={rules['minimum']}")
    if "maximum" in rules:
        args.append(f"le={rules['maximum']}")
    if rules.get("required"):
        return f"    {name}: {type_} = Field({', '.join(args)})"
    return f"    {name}: {type_} | None = Field(None, {', '.join(args)})"


def main() -> None:
    names = re.findall(r"^## (\w+)$", MODELS_MD.read_text(), re.M)
    queue, seen = list(names), set()
    ordered: list[str] = []
    while queue:
        name = queue.pop(0)
        if name in seen:
            continue
        seen.add(name)
        ordered.append(name)
        for spec in getattr(sdk, name)._attribute_map.values():
            inner = spec["type"].strip("[]{}")
            if hasattr(sdk, inner) and inner not in seen:
                queue.append(inner)
    out = [
        '"""EnergyCAP wire models, generated from the EnergyCAP SDK 8.2309.4878 by scripts/gen_contract.py.',
        "",
        "Do not edit by hand: change the generator and run it again.",
        '"""',
        "",
        "from __future__ import annotations",
        "",
        "from typing import Any",
        "",
        "from pydantic import Field",
        "",
        "from apportion.api.schemas.base import WireDateTime, WireDecimal, WireModel",
        "",
    ]
    for name in ordered + list(NEW_MODELS):
        out += ["", f"class {name}(WireModel):"]
        if name in NEW_MODELS:
            out.append(f'    """{name}."""')
            out.append("")
            for alias, py, type_, _ml in NEW_MODELS[name]:
                out.append(field_line(alias, py, python_type(type_), {}))
            continue
        cls = getattr(sdk, name)
        doc = (cls.__doc__ or name).strip().splitlines()[0].replace('"', "'")
        out.append(f'    """{doc}"""')
        out.append("")
        validation = getattr(cls, "_validation", {})
        for py, spec in cls._attribute_map.items():
            out.append(field_line(spec["key"], py, python_type(spec["type"]), validation.get(py, {})))
        for alias, py, type_, _ml in EXTRAS.get(name, []):
            out.append(field_line(alias, py, python_type(type_), {}))
    out += ["", ""]
    out += [f"{name}.model_rebuild()" for name in ordered + list(NEW_MODELS)]
    OUTPUT.write_text("\n".join(out) + "\n")
    subprocess.run([sys.executable, "-m", "ruff", "format", "-q", str(OUTPUT)], check=True)


if __name__ == "__main__":
    main()
