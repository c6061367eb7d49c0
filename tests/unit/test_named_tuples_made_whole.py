"""Hot paths make NamedTuples as `tuple.__new__(T, (field, ...))` (`domain.tuples.new_tuple`), without the Python
frame of T's constructor; that skips the constructor's check of the number of fields and its defaults. Every such
call that spells its fields out must give exactly T's fields, so a field added to T fails here rather than writing a
shorter tuple."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path
from typing import Any

import apportion

SOURCE = Path(apportion.__file__).parent


def _is_tuple_new(call: ast.Call, aliases: set[str]) -> bool:
    function = call.func
    if isinstance(function, ast.Name):
        return function.id in aliases
    return (
        isinstance(function, ast.Attribute)
        and function.attr == "__new__"
        and isinstance(function.value, ast.Name)
        and function.value.id == "tuple"
    )


def _aliases(tree: ast.AST) -> set[str]:
    """Names bound to tuple.__new__ anywhere in the module (`new = tuple.__new__`, or domain.tuples' `new_tuple`
    imported under any name)."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and ast.unparse(node.value) == "tuple.__new__":
            found |= {target.id for target in node.targets if isinstance(target, ast.Name)}
        if isinstance(node, ast.ImportFrom) and node.module == "apportion.domain.tuples":
            found |= {alias.asname or alias.name for alias in node.names if alias.name == "new_tuple"}
    return found


def _resolve(module: Any, expression: ast.expr) -> Any:
    value = module
    for part in ast.unparse(expression).split("."):
        value = getattr(value, part)
    return value


def _sites() -> list[tuple[str, int, Any, int]]:
    sites = []
    for path in sorted(SOURCE.rglob("*.py")):
        text = path.read_text()
        if "tuple.__new__" not in text and "new_tuple" not in text:
            continue
        tree = ast.parse(text)
        aliases = _aliases(tree)
        name = "apportion." + ".".join(path.relative_to(SOURCE).with_suffix("").parts).removesuffix(".__init__")
        module = importlib.import_module(name)
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and _is_tuple_new(node, aliases) and len(node.args) == 2:
                kind, fields = node.args
                # A starred part (`(*key, lines)`) is counted only when it runs; the rest are counted here.
                if isinstance(fields, ast.Tuple) and not any(isinstance(e, ast.Starred) for e in fields.elts):
                    sites.append((f"{path.relative_to(SOURCE)}:{node.lineno}", kind, module, len(fields.elts)))
    return sites


def test_every_spelled_out_tuple_gives_all_its_fields() -> None:
    sites = _sites()
    assert len(sites) >= 10, sites  # the walk finds the hot paths' calls
    wrong = []
    for where, kind, module, given in sites:
        resolved = _resolve(module, kind)
        if given != len(resolved._fields):
            wrong.append(f"{where}: {resolved.__name__} has {len(resolved._fields)} fields, {given} given")
    assert not wrong, wrong
