"""No module-level constant is changed at run time (the project's rule): per-process state is
kept in a process-state object with a lower-case name (`runner.shard._process`,
`runner.local._worker`, `kb._loaded`)."""

from __future__ import annotations

import ast
import re

import pytest
from helpers import REPO

#: A constant's name: upper case (with a leading underscore for a private one).
CONSTANT = re.compile(r"^_?[A-Z][A-Z0-9_]*$")
#: The methods that change a list, dict or set in place.
MUTATORS = frozenset({"append", "extend", "insert", "update", "clear", "pop", "popitem",
                      "setdefault", "add", "discard", "remove", "sort", "reverse"})


def constants(tree: ast.Module) -> set[str]:
    """The upper-case names the module binds at its top level."""
    names: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.Assign):
            names.update(t.id for t in node.targets if isinstance(t, ast.Name))
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
    return {name for name in names if CONSTANT.match(name)}


def changes(tree: ast.Module, names: set[str]) -> list[tuple[int, str]]:
    """(line, what) of each change of one of `names`: rebinding it through `global`,
    assigning or deleting an item or attribute of it, calling a mutating method on it."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Global):
            found += [(node.lineno, f"global {n}") for n in node.names if CONSTANT.match(n)]
        targets: list[ast.expr] = []
        if isinstance(node, ast.Assign | ast.Delete):
            targets = node.targets
        elif isinstance(node, ast.AugAssign | ast.AnnAssign):
            targets = [node.target]
        found += [(node.lineno, f"{t.value.id}[...] / .attr =") for t in targets
                  if isinstance(t, ast.Subscript | ast.Attribute)
                  and isinstance(t.value, ast.Name) and t.value.id in names]
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and node.func.attr in MUTATORS and isinstance(node.func.value, ast.Name)
                and node.func.value.id in names):
            found.append((node.lineno, f"{node.func.value.id}.{node.func.attr}()"))
    return found


def test_the_scan_finds_each_kind_of_change() -> None:
    source = """
CACHE = {}
SEEN: list[int] = []
FLAG = False
settings = {}
def f(key):
    global FLAG
    FLAG = True
    CACHE[key] = 1
    SEEN.append(key)
    settings[key] = 2
"""
    tree = ast.parse(source)
    assert constants(tree) == {"CACHE", "SEEN", "FLAG"}
    assert [what for _, what in changes(tree, constants(tree))] == [
        "global FLAG", "CACHE[...] / .attr =", "SEEN.append()"]


@pytest.mark.parametrize("folder", ["pipeline", "benchmarks", "tests"])
def test_no_module_level_constant_is_changed_at_run_time(folder: str) -> None:
    """Before: runner/shard.py changed _NLP_CACHE, _STARTUP and (global) _FROZEN, runner/local.py
    _PROGRESS_QUEUE (global), kb/__init__.py _LOADED, tests/tables_fixture.py _SEEDS_RUN."""
    found = []
    for path in sorted((REPO / folder).rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        found += [f"{path.relative_to(REPO)}:{line}: {what}"
                  for line, what in changes(tree, constants(tree))]
    assert found == []
