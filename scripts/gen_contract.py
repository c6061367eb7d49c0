"""Generate src/apportion/api/schemas/contract.py from EnergyCAP's SDK models listed in models.md.

Field names, types and `_validation` rules come from the SDK; rules EnergyCAP states only in descriptions
(non-empty lists, decimal scale, date range) from models.md; fields and models newer than the SDK from the tables below.

Usage: `.venv/bin/python scripts/gen_contract.py` writes the module; `--check` only reports whether it is current.
"""

from __future__ import annotations

import re
import subprocess
import sys
from importlib import metadata
from pathlib import Path
from typing import Any

import energycap.sdk.models as sdk
from pydantic import BaseModel

SDK_VERSION = "8.2309.4878"
ROOT = Path(__file__).resolve().parent.parent
MODELS_MD = ROOT.parent / "shared" / "energycap-reference" / "models.md"
OUTPUT = ROOT / "src" / "apportion" / "api" / "schemas" / "contract.py"

# Python names pydantic's BaseModel already uses (schema, json, copy, validate, construct, ...) get a trailing "_".
RESERVED = {name for name in dir(BaseModel) if not name.startswith("__")} | {"fields"}
SCALARS = {
    "int": "int",
    "str": "str",
    "bool": "bool",
    "float": "WireDecimal",
    "iso-8601": "WireDateTime",
    "object": "Any",
}

# A field as the SDK describes it: (alias, python name, msrest type, _validation rules).
Spec = tuple[str, str, str, dict[str, Any]]

# Fields newer than SDK 8.2309 that the contract needs, appended after the SDK's own fields.
EXTRAS: dict[str, list[Spec]] = {
    # api-reference/004 (BatchSettings properties); domain.md §4.9 import batch modes.
    "BatchSettings": [
        ("existingOpenBatchId", "existing_open_batch_id", "int", {}),
        ("leaveExistingBatchesOpen", "leave_existing_batches_open", "bool", {}),
    ],
    # domain.md §3.7 CreateBillV3: the bill's batch.
    "BillCreate": [("batchId", "batch_id", "int", {})],
    # domain.md §3.9 BillImportV3 request.
    "BillImportRequest": [("suppressBillCaptureNotification", "suppress_bill_capture_notification", "bool", {})],
    # domain.md §3.6 UpdateBatchStatusV202206.
    "UpdateBatchStatusRequest": [("leaveOpenBatchesAsIs", "leave_open_batches_as_is", "bool", {})],
    # api-reference/001 (MeterChild properties of the workflow digest); domain.md §1.5 newer response fields.
    "MeterChild": [("isEsaCalculatedMeter", "is_esa_calculated_meter", "bool", {})],
}

# Models newer than SDK 8.2309: name -> (docstring, fields).
NEW_MODELS: dict[str, tuple[str, list[Spec]]] = {
    # api-reference/004: body of POST /api/v202401/import/bill/task/{taskGuid}/kickout.
    "BillKickoutImportRequest": (
        "Re-import of a bill import task's kickouts (api-reference/004).",
        [
            ("batchSettings", "batch_settings", "BatchSettings", {}),
            ("comment", "comment", "str", {}),
            ("importNote", "import_note", "str", {}),
            ("saveAsResolved", "save_as_resolved", "bool", {}),
        ],
    ),
    # domain.md §3.9: GetTaskKickoutSummaryV202401 (and ...ByFile) response.
    "BillImportTaskKickoutSummaryResponse": (
        "Kickout messages of a bill import task or of one of its files.",
        [
            ("fileName", "file_name", "str", {}),
            ("kickoutMessages", "kickout_messages", "[str]", {}),
            ("taskGuid", "task_guid", "str", {}),
        ],
    ),
}

# Constraints EnergyCAP documents only in field descriptions (models.md, from the SDK's docstrings).
CANNOT_BE_EMPTY = "[Cannot be Empty]"
MAX_SCALE = re.compile(r"\[Max scale of (\d+)\]")
DATE_RANGE = re.compile(r"\[Must be between (\d+)/(\d+)/(\d{4}) and (\d+)/(\d+)/(\d{4})\]")

HEADER = f'''"""EnergyCAP wire models, generated from the EnergyCAP SDK {SDK_VERSION} by scripts/gen_contract.py.

Do not edit by hand: change the generator and run it again.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import Field

from apportion.api.schemas.base import WireDateTime, WireDecimal, WireModel
'''


def python_type(msrest: str) -> str:
    """The annotation for an msrest type: [X] list, {X} map of str, scalars, or a model name."""
    if msrest.startswith("["):
        return f"list[{python_type(msrest[1:-1])}]"
    if msrest.startswith("{"):
        return f"dict[str, {python_type(msrest[1:-1])}]"
    if msrest in SCALARS:
        return SCALARS[msrest]
    if not msrest.isidentifier() or not msrest[0].isupper():
        raise SystemExit(f"unknown msrest type {msrest!r}")
    return msrest


def documented() -> dict[str, dict[str, str]]:
    """models.md's field descriptions: model -> alias -> description."""
    described: dict[str, dict[str, str]] = {}
    for section in re.split(r"^## ", MODELS_MD.read_text(encoding="utf-8"), flags=re.MULTILINE)[1:]:
        rows = re.findall(r"^\| (\w+) \| [^|]* \| [^|]* \| (.*) \|$", section, re.MULTILINE)
        described[section.split()[0]] = {alias: text for alias, text in rows if alias != "field"}
    return described


def model_names() -> list[str]:
    """models.md's models in its order, then any model they reference that it does not list."""
    ordered = re.findall(r"^## (\w+)\s*$", MODELS_MD.read_text(encoding="utf-8"), re.MULTILINE)
    index = 0
    while index < len(ordered):
        for spec in getattr(sdk, ordered[index])._attribute_map.values():
            inner = spec["type"].strip("[]{}")
            if inner not in SCALARS and inner not in ordered:
                ordered.append(inner)
        index += 1
    return ordered


def described_rules(where: str, msrest: str, description: str) -> dict[str, Any]:
    """Rules stated only in a description: non-empty lists, decimal scale, date-time range (as Python source)."""
    rules: dict[str, Any] = {}
    if CANNOT_BE_EMPTY in description:
        if not msrest.startswith("["):
            raise SystemExit(f"{where}: '{CANNOT_BE_EMPTY}' on a non-list {msrest}")
        rules["min_items"] = 1
    if scale := MAX_SCALE.search(description):
        if msrest != "float":
            raise SystemExit(f"{where}: a scale on {msrest}")
        rules["decimal_places"] = int(scale.group(1))
    if span := DATE_RANGE.search(description):
        if msrest != "iso-8601":
            raise SystemExit(f"{where}: a date range on {msrest}")
        m1, d1, y1, m2, d2, y2 = (int(part) for part in span.groups())
        rules["minimum"] = f"datetime({y1}, {m1}, {d1})"
        rules["maximum"] = f"datetime({y2}, {m2}, {d2})"
    return rules


def sdk_fields(name: str, described: dict[str, str]) -> list[Spec]:
    """The SDK model's fields in `_attribute_map` order with their rules, followed by the EXTRAS for it."""
    cls = getattr(sdk, name)
    validation: dict[str, dict[str, Any]] = getattr(cls, "_validation", {})
    fields: list[Spec] = []
    for py, spec in cls._attribute_map.items():
        alias, msrest = spec["key"], spec["type"]
        extra = described_rules(f"{name}.{alias}", msrest, described.get(alias, ""))
        fields.append((alias, py, msrest, {**validation.get(py, {}), **extra}))
    known = {alias for alias, *_ in fields}
    for extra_field in EXTRAS.get(name, []):
        if extra_field[0] in known:
            raise SystemExit(f"{name}.{extra_field[0]} is already in the SDK: drop it from EXTRAS")
        fields.append(extra_field)
    return fields


def field_line(alias: str, name: str, msrest: str, rules: dict[str, Any], type_names: set[str]) -> str:
    """One pydantic field: required -> no default; otherwise `X | None = None`. readonly is ignored.

    "One of" values in descriptions are not enforced here: the domain checks them with field-named messages.
    """
    if name in RESERVED or name.startswith("model_"):
        name += "_"
    if name in type_names:
        raise SystemExit(f"field {name!r} would shadow a type used in annotations")
    args = [f'alias="{alias}"']
    if rules.get("min_length"):
        args.append(f"min_length={rules['min_length']}")
    if "min_items" in rules:
        args.append(f"min_length={rules['min_items']}")
    if "max_length" in rules:
        args.append(f"max_length={rules['max_length']}")
    if "decimal_places" in rules:
        args.append(f"decimal_places={rules['decimal_places']}")
    if "minimum" in rules:
        args.append(f"ge={rules['minimum']}")
    if "maximum" in rules:
        args.append(f"le={rules['maximum']}")
    type_ = python_type(msrest)
    if rules.get("required"):
        return f"    {name}: {type_} = Field({', '.join(args)})"
    return f"    {name}: {type_} | None = Field(None, {', '.join(args)})"


def first_line(doc: str | None, default: str) -> str:
    """The first line of a docstring, safe inside triple quotes."""
    lines = (doc or "").strip().splitlines()
    return (lines[0].strip() if lines else default).replace("\\", "\\\\").replace('"', "'")


def render() -> str:
    """The whole module text before formatting."""
    described = documented()
    classes: list[tuple[str, str, list[Spec]]] = [
        (name, first_line(getattr(sdk, name).__doc__, f"{name}."), sdk_fields(name, described.get(name, {})))
        for name in model_names()
    ]
    classes += [(name, doc, fields) for name, (doc, fields) in NEW_MODELS.items()]
    type_names = {name for name, _, _ in classes} | set(SCALARS.values()) | {"list", "dict", "None"}
    out = [HEADER]
    for name, doc, fields in classes:
        out += ["", f"class {name}(WireModel):", f'    """{doc}"""', ""]
        out += [field_line(alias, py, msrest, rules, type_names) for alias, py, msrest, rules in fields]
        out.append("")
    out.append("")
    out += [f"{name}.model_rebuild()" for name, _, _ in classes]
    return "\n".join(out) + "\n"


def formatted(text: str) -> str:
    """The text as `ruff format` writes it with the project's settings."""
    command = [sys.executable, "-m", "ruff", "format", "--stdin-filename", str(OUTPUT), "-"]
    return subprocess.run(command, input=text, capture_output=True, text=True, check=True).stdout


def main(argv: list[str]) -> int:
    """Write contract.py, or with --check exit 1 if it differs from what would be written."""
    installed = metadata.version("energycapsdk")
    if installed != SDK_VERSION:
        raise SystemExit(f"energycapsdk {installed} is installed; the contract is SDK {SDK_VERSION}")
    text = formatted(render())
    if "--check" in argv:
        current = OUTPUT.read_text(encoding="utf-8") if OUTPUT.exists() else ""
        if current != text:
            print(f"{OUTPUT.relative_to(ROOT)} is out of date: run scripts/gen_contract.py")
            return 1
        return 0
    OUTPUT.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
