"""Loading and validating rule data files (JSONL, and the lines of text/TSV lists), with errors
that name the line and key."""

from __future__ import annotations

import gzip
import json
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any


class RuleError(ValueError):
    """A rule/pattern file entry is malformed; the message names file, line, key, expectation."""


def read_lines(path: Path, header: str | None = None) -> Iterator[tuple[int, str]]:
    """(line number, line without its newline) of a text or TSV rule list: blank lines, lines
    starting with '#' and the `header` line left out."""
    with open(path, encoding="utf-8") as fh:
        for lineno, raw in enumerate(fh, 1):
            line = raw.rstrip("\n")
            if line.strip() and not line.startswith("#") and line != header:
                yield lineno, line


def read_word_list(path: Path, *, min_length: int = 1) -> tuple[str, ...]:
    """The words of a one-word-per-line list, in file order ('#' comments and blank lines left
    out); RuleError naming the file and line unless each is lower-case letters, at least
    `min_length` of them, and appears once."""
    seen: dict[str, int] = {}
    for lineno, line in read_lines(path):
        word = line.strip()
        if not (word.isalpha() and word.islower() and len(word) >= min_length):
            raise RuleError(
                f"{path}:{lineno}: got {line!r}; expected one lower-case word of at least "
                f"{min_length} letters"
            )
        if word in seen:
            raise RuleError(f"{path}:{lineno}: {word!r} is already on line {seen[word]}")
        seen[word] = lineno
    return tuple(seen)


def read_term_list(path: Path, *, hyphens: bool = False) -> tuple[str, ...]:
    """The terms of a one-term-per-line list, in file order ('#' comments and blank lines left
    out); RuleError naming the file and line unless each is lower-case words of letters with
    one space between them ("body weight"; `hyphens`: a word may join letters with inner
    hyphens, "x-linked") and appears once."""
    seen: dict[str, int] = {}
    for lineno, line in read_lines(path):
        term = line.strip()
        words = term.split(" ")
        parts = [p for w in words for p in (w.split("-") if hyphens else [w])]
        if not all(w.isalpha() and w.islower() for w in parts):
            raise RuleError(
                f"{path}:{lineno}: got {line!r}; expected lower-case words of letters"
                f"{' (inner hyphens allowed)' if hyphens else ''}, one space between them"
            )
        if term in seen:
            raise RuleError(f"{path}:{lineno}: {term!r} is already on line {seen[term]}")
        seen[term] = lineno
    return tuple(seen)


def write_word_list(path: Path, words: Iterable[str]) -> None:
    """`words` one per line into `path`, as `read_word_list` reads them (a component's
    `to_disk`)."""
    path.write_text("".join(f"{word}\n" for word in words), encoding="utf-8")


def read_tsv(
    path: Path,
    columns: tuple[str, ...],
    *,
    empty_ok: Iterable[str] = (),
    unique: tuple[str, ...] | None = None,
) -> Iterator[tuple[int, dict[str, str]]]:
    """(line number, {column: cell}) of each row of a TSV rule list whose header is `columns`
    (the header, blank lines and '#' comments left out). RuleError naming the file and line for
    a row with another number of cells, an empty cell (but in the `empty_ok` columns), a cell
    with spaces around it, or the cells of the `unique` columns (by default the first column
    alone) already on an earlier row."""
    header = "\t".join(columns)
    empty_ok = frozenset(empty_ok)
    key_at = [columns.index(column) for column in unique or columns[:1]]
    seen: dict[str, int] = {}
    for lineno, line in read_lines(path, header):
        cells = line.split("\t")
        where = f"{path}:{lineno}"
        if len(cells) != len(columns):
            raise RuleError(
                f"{where}: {len(cells)} tab-separated cells in {line!r}; expected "
                f"{len(columns)}: {' <TAB> '.join(columns)}"
            )
        for column, cell in zip(columns, cells, strict=True):
            if not cell and column not in empty_ok:
                raise RuleError(f"{where}: column {column!r} is empty; expected a value")
            if cell != cell.strip():
                raise RuleError(
                    f"{where}: column {column!r} is {cell!r}; expected no spaces around it"
                )
        key = "\t".join(cells[i] for i in key_at)
        if key in seen:
            raise RuleError(f"{where}: {key!r} is already on line {seen[key]}")
        seen[key] = lineno
        yield lineno, dict(zip(columns, cells, strict=True))


def write_tsv(path: Path, columns: Sequence[str], rows: Iterable[Sequence[str]]) -> None:
    """The header `columns` and then `rows`, tab-separated, into `path`, as `read_tsv` reads
    them (a component's `to_disk`). RuleError naming the row for one with another number of
    cells or a cell holding a tab or a line break, which no reader could split back."""
    lines = ["\t".join(columns) + "\n"]
    for number, row in enumerate(rows, 1):
        cells = list(row)
        if len(cells) != len(columns) or any(
            "\t" in cell or "\n" in cell or "\r" in cell for cell in cells
        ):
            raise RuleError(
                f"{path}: row {number} is {cells!r}; expected {len(columns)} cells "
                f"({', '.join(columns)}) without tabs or line breaks"
            )
        lines.append("\t".join(cells) + "\n")
    path.write_text("".join(lines), encoding="utf-8")


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


def read_kinded_rules(
    path: Path,
    kinds: Mapping[str, Mapping[str, Any]],
    *,
    choices: Mapping[str, Iterable[Any]] | None = None,
) -> Iterator[tuple[str, dict[str, Any]]]:
    """("file:line", rule) for each line of a JSONL rule file whose rules have a `kind`: the kind
    is one of `kinds`, each kind's spec a dict with `required` and (optional) `optional` key
    types, every rule may have `kind` and `note`; RuleError naming the file, line, key and what
    was expected otherwise (what else a kind's keys must hold is the caller's to check)."""
    for lineno, obj in read_jsonl(path):
        where = f"{path}:{lineno}"
        kind = obj.get("kind") if isinstance(obj, dict) else None
        if not isinstance(kind, str) or kind not in kinds:
            raise RuleError(f"{where}: key 'kind' is {kind!r}, expected one of {sorted(kinds)}")
        spec = kinds[kind]
        check_entry(obj, where=where, required=spec["required"],
                    optional={"kind": str, "note": str, **spec.get("optional", {})},
                    choices=choices)
        yield where, obj


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


#: A pattern that opens with global inline flags ("(?s)...", "(?i)...").
GLOBAL_FLAGS = re.compile(r"\(\?[aiLmsux]+\)")
#: Lines a pattern that must match something is tried on: one that matches an empty stretch of
#: any of them ("^\W*(sponsored)?", "(by)?\b") matches every line.
EMPTY_MATCH_PROBES = ("", "a", "Results of the trial", "1.")


def compile_regex(
    entry: Mapping[str, Any], key: str, *, where: str, flags: int = 0, nonempty: bool = False,
    joined: bool = False,
) -> re.Pattern[str]:
    """The regular expression of a rule's `key`; RuleError naming `where` and the key when it
    does not compile, (`joined`: the caller joins the patterns into one alternation) when it
    opens with global inline flags, or (`nonempty`) when it can match an empty stretch of a
    line: searched in a line, such a pattern ("^\\W*(sponsored)?") finds something in every
    line."""
    try:
        pattern = re.compile(entry[key], flags)
    except re.error as exc:
        raise RuleError(f"{where}: key {key!r} is not a valid regex ({exc})") from exc
    if joined and GLOBAL_FLAGS.match(entry[key]):  # an error inside an alternation
        raise RuleError(f"{where}: key {key!r} starts with global inline flags; expected "
                        "scoped ones, as in '(?i:...)'")
    if nonempty and any((m := pattern.search(probe)) is not None and not m.group()
                        for probe in EMPTY_MATCH_PROBES):
        raise RuleError(f"{where}: key {key!r} can match an empty stretch of a line, so it "
                        "would match every line; expected a pattern that needs at least one "
                        "character (make its optional parts required)")
    return pattern


def _as_tuple(typ: type | tuple[type, ...]) -> tuple[type, ...]:
    return typ if isinstance(typ, tuple) else (typ,)


def _type_name(typ: type | tuple[type, ...]) -> str:
    return " or ".join(t.__name__ for t in _as_tuple(typ))


# spaCy Matcher token-pattern keys the rule files may use (a subset of spaCy's).
TOKEN_ATTRS: tuple[str, ...] = (
    "ORTH",
    "TEXT",
    "LOWER",
    "NORM",
    "IS_ALPHA",
    "IS_DIGIT",
    "IS_PUNCT",
    "IS_UPPER",
    "IS_TITLE",
    "LIKE_NUM",
    "LENGTH",
)
TOKEN_PREDICATES: tuple[str, ...] = ("IN", "NOT_IN", "REGEX")
TOKEN_OPS: tuple[str, ...] = ("1", "?", "*", "+", "!")
_BOOL_ATTRS = frozenset({"IS_ALPHA", "IS_DIGIT", "IS_PUNCT", "IS_UPPER", "IS_TITLE", "LIKE_NUM"})


def check_token_pattern(pattern: Any, where: str) -> list[dict[str, Any]]:
    """Validate a spaCy Matcher token pattern (list of token dicts) before spaCy sees it.

    Errors name the token ("token 2 of 'pattern'"), the key and what was expected.
    """
    if not isinstance(pattern, list) or not pattern:
        raise RuleError(f"{where}: key 'pattern' must be a non-empty list of non-empty token dicts")
    for k, tok in enumerate(pattern, 1):
        if not isinstance(tok, dict) or not tok:
            raise RuleError(
                f"{where}: key 'pattern' must be a non-empty list of non-empty token dicts"
            )
        _check_token(tok, f"{where}: token {k} of 'pattern'")
    if all(tok.get("OP") in ("?", "*", "!") for tok in pattern):
        raise RuleError(f"{where}: key 'pattern' can match nothing; expected a required token")
    return pattern


def _check_token(tok: dict[str, Any], where: str) -> None:
    for key, val in tok.items():
        if key == "OP":
            if val not in TOKEN_OPS:
                raise RuleError(
                    f"{where}: key 'OP' has {val!r}; expected one of: {', '.join(TOKEN_OPS)}"
                )
            continue
        if key not in TOKEN_ATTRS:
            raise RuleError(
                f"{where}: unknown key {key!r}; expected one of: {', '.join(TOKEN_ATTRS)}, OP"
            )
        if key in _BOOL_ATTRS:
            if not isinstance(val, bool):
                raise RuleError(f"{where}: key {key!r} has {val!r}; expected true or false")
            continue
        scalar: type = int if key == "LENGTH" else str
        if isinstance(val, dict):
            for pred, arg in val.items():
                _check_predicate(key, pred, arg, scalar, where)
        elif not isinstance(val, scalar) or isinstance(val, bool):
            raise RuleError(
                f"{where}: key {key!r} has {val!r}; expected a {scalar.__name__} or a dict "
                f"with {', '.join(TOKEN_PREDICATES)}"
            )


def _check_predicate(key: str, pred: str, arg: Any, scalar: type, where: str) -> None:
    if pred not in TOKEN_PREDICATES:
        raise RuleError(
            f"{where}: key {key!r} has predicate {pred!r}; expected one of: "
            + ", ".join(TOKEN_PREDICATES)
        )
    if pred == "REGEX":
        if not isinstance(arg, str):
            raise RuleError(f"{where}: {key}.REGEX must be a string")
        try:
            re.compile(arg)
        except re.error as exc:
            raise RuleError(f"{where}: {key}.REGEX {arg!r} is not a valid regex ({exc})") from exc
    elif not isinstance(arg, list) or not all(isinstance(a, scalar) for a in arg):
        raise RuleError(f"{where}: {key}.{pred} must be a list of {scalar.__name__} values")


#: A word and a value of each type a word map may hold, for the example an error gives.
_MAP_EXAMPLES: dict[type, tuple[str, Any]] = {
    int: ("twelve", 12),
    float: ("half", 0.5),
    str: ("word", "value"),
}


def _map_example(typ: type) -> dict[str, Any]:
    """A one-entry JSON object mapping a word to a value of `typ` (an error's example)."""
    word, value = _MAP_EXAMPLES.get(typ, ("word", f"<{typ.__name__}>"))
    return {word: value}


def _map_misfit(val: Any, typ: type) -> str | None:
    """What in `val` is not a map of strings to `typ` values (its type, or its first wrong
    entry with the value's type), or None when it is one. A bool is no int."""
    if not isinstance(val, dict):
        return type(val).__name__
    for k, v in val.items():
        if not isinstance(k, str) or not isinstance(v, typ) or isinstance(v, bool):
            return f"{k!r} -> {v!r} ({type(v).__name__})"
    return None


def check_word_table(
    obj: Any,
    *,
    where: str,
    lists: Iterable[str],
    maps: Mapping[str, type] | None = None,
    optional: Iterable[str] = ("_comment",),
) -> dict[str, Any]:
    """Validate a JSON object of named word lists (`lists`: non-empty strings) and named maps
    (`maps`: word -> value of the given type); every named key is required, no other key but
    `optional` is allowed."""
    maps = maps or {}
    lists = tuple(lists)
    known = (*maps, *lists, *optional)
    if not isinstance(obj, dict):
        raise RuleError(f"{where}: got {type(obj).__name__}; expected a JSON object")
    for key in obj:
        if key not in known:
            raise RuleError(f"{where}: unknown key {key!r}; expected one of: {', '.join(known)}")
    for key in (*maps, *lists):
        if key not in obj:
            raise RuleError(f"{where}: missing key {key!r}")
    for key, typ in maps.items():
        val = obj[key]
        if typ is object:  # an object whose values the caller checks
            if not isinstance(val, dict):
                kind = type(val).__name__
                raise RuleError(f"{where}: key {key!r} is {kind}; expected a JSON object")
            continue
        found = _map_misfit(val, typ)
        if found is not None:
            raise RuleError(
                f"{where}: key {key!r} must map strings to {typ.__name__} values, e.g. "
                f"{json.dumps(_map_example(typ))}; got {found}"
            )
    for key in lists:
        val = obj[key]
        if not isinstance(val, list) or not all(isinstance(w, str) and w for w in val):
            raise RuleError(f"{where}: key {key!r} must be a list of non-empty strings")
    return obj
