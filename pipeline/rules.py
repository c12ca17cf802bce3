"""Loading and validating rule data files (JSONL), with errors that name the line and key."""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any


class RuleError(ValueError):
    """A rule/pattern file entry is malformed; the message names file, line, key, expectation."""


def read_jsonl(path: Path) -> Iterator[tuple[int, Any]]:
    """Yield (line number, parsed object) for each non-blank, non-comment line."""
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, start=1):
            stripped = line.strip()
            if not stripped or stripped.startswith("//"):
                continue
            try:
                yield lineno, json.loads(stripped)
            except json.JSONDecodeError as exc:
                raise RuleError(f"{path}:{lineno}: not valid JSON ({exc.msg})") from exc


def check_entry(
    entry: Any,
    *,
    where: str,
    required: Mapping[str, type | tuple[type, ...]],
    optional: Mapping[str, type | tuple[type, ...]] | None = None,
    choices: Mapping[str, Iterable[Any]] | None = None,
) -> dict[str, Any]:
    """Validate one rule object: required keys present with the right types, no unknown keys."""
    optional = optional or {}
    if not isinstance(entry, dict):
        raise RuleError(f"{where}: expected a JSON object, got {type(entry).__name__}")
    for key, typ in required.items():
        if key not in entry:
            raise RuleError(f"{where}: missing key {key!r} (expected {_type_name(typ)})")
    for key, value in entry.items():
        expected = required.get(key) or optional.get(key)
        if expected is None:
            allowed = sorted([*required, *optional])
            raise RuleError(f"{where}: unknown key {key!r} (expected one of {allowed})")
        typ = expected
        if not isinstance(value, typ) or (isinstance(value, bool) and bool not in _as_tuple(typ)):
            raise RuleError(
                f"{where}: key {key!r} has {type(value).__name__} {value!r}, "
                f"expected {_type_name(typ)}"
            )
    for key, allowed_values in (choices or {}).items():
        allowed_list = list(allowed_values)
        if key in entry and entry[key] not in allowed_list:
            raise RuleError(
                f"{where}: key {key!r} is {entry[key]!r}, expected one of {allowed_list}"
            )
    return entry


def load_rules(
    path: Path,
    *,
    required: Mapping[str, type | tuple[type, ...]],
    optional: Mapping[str, type | tuple[type, ...]] | None = None,
    choices: Mapping[str, Iterable[Any]] | None = None,
) -> list[dict[str, Any]]:
    """Read and validate every entry of a JSONL rule file."""
    return [
        check_entry(
            obj, where=f"{path}:{lineno}", required=required, optional=optional, choices=choices
        )
        for lineno, obj in read_jsonl(path)
    ]


def _as_tuple(typ: type | tuple[type, ...]) -> tuple[type, ...]:
    return typ if isinstance(typ, tuple) else (typ,)


def _type_name(typ: type | tuple[type, ...]) -> str:
    return " or ".join(t.__name__ for t in _as_tuple(typ))
