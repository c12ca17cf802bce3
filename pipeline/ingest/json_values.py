"""JSON values of one input record: parsed within bounds (`load_json`: integer literals too long
for Python as `HugeNumber`, more than MAX_JSON_CONTAINERS objects and arrays refused before
parsing) and checked (`json_problem`: lone surrogates, NULs, nesting deeper than MAX_JSON_DEPTH,
`HugeNumber`s), with the errors row's kind and message (`bad_json_kind`, `bad_json_message`),
and a value's kind in JSON's words (`json_kind`).
Read by the JSONL and BioC JSON readers; split from `common` by its job. `collection_head` tells
a BioC JSON collection by the top-level keys of a file's first JSON object (`top_level_keys`)."""

from __future__ import annotations

import json
import math
import re
import sys
from collections.abc import Iterator
from typing import Any

from pipeline.ingest.common import shown_name, shown_text


class HugeNumber:
    """Stands for a JSON integer literal with more digits than Python converts
    (`sys.get_int_max_str_digits()`, 4,300 by default): `json.loads` raises a plain ValueError
    for it, which is not a syntax error. `load_json` puts this in its place so that only the
    record holding it is refused (by `json_problem`), not the whole JSON value around it."""

    __slots__ = ("digits",)

    def __init__(self, digits: int) -> None:
        self.digits = digits

    def __repr__(self) -> str:
        return f"<integer of {self.digits:,} digits>"


def json_kind(value: Any) -> str:
    """A parsed JSON value's kind in JSON's words ("a JSON array", not Python's "list")."""
    if isinstance(value, bool):
        return "a JSON boolean"
    if isinstance(value, (int, float, HugeNumber)):
        return "a JSON number"
    kinds = {str: "string", list: "array", dict: "object", type(None): "null"}
    return "a JSON " + kinds.get(type(value), type(value).__name__)


def parse_int(literal: str) -> int | HugeNumber:
    """A JSON integer literal as an int, or a `HugeNumber` when it has too many digits."""
    try:
        return int(literal)
    except ValueError:
        return HugeNumber(len(literal.lstrip("-")))


#: The decoder of the readers that parse JSON piece by piece (array elements, objects one
#: after another, a collection's documents): an integer too long is a `HugeNumber`.
DECODER = json.JSONDecoder(parse_int=parse_int)


#: Objects and arrays one JSON record may hold, counted as its "{" and "[" (an upper bound:
#: brackets in strings count too) before it is parsed: each becomes a Python dict or list of
#: about 60-100 bytes, so 32 MiB of `[],` (11 million) took about 1 GB; 2,000,000 keep it near
#: 200 MB. A 30 MB BioC collection of annotated abstracts has about 600,000.
MAX_JSON_CONTAINERS = 2_000_000


class JsonTooLarge(ValueError):
    """A JSON record of more than MAX_JSON_CONTAINERS objects and arrays (`load_json`)."""

    def __init__(self, containers: int) -> None:
        super().__init__(f"JSON with {containers:,} '{{' and '[' (objects and arrays, or "
                         f"brackets in its strings), more than {MAX_JSON_CONTAINERS:,}: its "
                         "Python objects would take GBs; not parsed")
        self.containers = containers


def over_container_cap(text: str) -> JsonTooLarge | None:
    """The JsonTooLarge of a JSON text of more than MAX_JSON_CONTAINERS "{" and "[", else
    None: checked before any parsing of a record (`load_json`, `json_parts.line_parts`, a
    JSON array file), so that no path parses one."""
    if len(text) <= MAX_JSON_CONTAINERS:  # (a shorter text cannot hold more)
        return None
    containers = text.count("{") + text.count("[")
    return JsonTooLarge(containers) if containers > MAX_JSON_CONTAINERS else None


def load_json(text: str) -> Any:
    """`json.loads(text)`; when that fails with a plain ValueError (an integer too long to
    convert), parsed again with every such integer a `HugeNumber` (only then: the hook costs
    a Python call per integer). Raises JsonTooLarge (before parsing) for a text of more than
    MAX_JSON_CONTAINERS "{" and "[", JSONDecodeError, RecursionError, or ValueError for any
    other failure."""
    if (too_large := over_container_cap(text)) is not None:
        raise too_large
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        raise
    except ValueError:
        return json.loads(text, parse_int=parse_int)


def bad_json_message(exc: ValueError | RecursionError) -> str:
    """The error-row message for JSON that `load_json` could not parse."""
    if isinstance(exc, json.JSONDecodeError):
        # json's whole message ("<msg>: line L column C"; some messages end with "at" and need
        # the place after them), without "line 1" of a one-line record (the row's location
        # names the file's line)
        where = f"line {exc.lineno} column" if exc.lineno > 1 else "column"
        if exc.msg.startswith("Invalid control character") and exc.doc[exc.pos:exc.pos + 1] in (
                "\n", "\r"):  # json names the line's end a control character in a string
            return f"malformed JSON: a string is not closed before its line ends: {where} " \
                   f"{exc.colno}"
        return f"malformed JSON: {exc.msg}: {where} {exc.colno}"
    if isinstance(exc, RecursionError):
        return "JSON nested too deep to parse (RecursionError)"
    if isinstance(exc, JsonTooLarge):
        return str(exc)
    return f"JSON could not be read ({type(exc).__name__}: {exc})"


_SPACE = re.compile(r"[ \t\n\r]*")  # JSON's whitespace


def id_before_damage(text: str, id_field: str, start: int = 0) -> str | None:
    """The id of a JSON object record at `start` of `text` that does not parse whole, when its
    `id_field` pair comes, whole, before the damage: the object's top-level pairs are read in
    order until one does not parse (a string never closed, a quote or comma left out, nesting
    too deep), each parsed as the whole record would be up to there. None when no such pair
    names the id, or its value is no id (a boolean, an array, an object, a number not finite
    or too long, a blank string); lone surrogates and NULs shown escaped (`shown_id`)."""
    pos = _SPACE.match(text, start).end()  # type: ignore[union-attr]  # always matches
    if text[pos : pos + 1] != "{":
        return None
    pos += 1
    try:
        while True:
            pos = _SPACE.match(text, pos).end()  # type: ignore[union-attr]
            if text[pos : pos + 1] != '"':
                return None
            key, pos = json.decoder.scanstring(text, pos + 1)  # type: ignore[attr-defined]
            pos = _SPACE.match(text, pos).end()  # type: ignore[union-attr]
            if text[pos : pos + 1] != ":":
                return None
            pos = _SPACE.match(text, pos + 1).end()  # type: ignore[union-attr]
            value, pos = DECODER.raw_decode(text, pos)
            if key == id_field:
                return _as_id(value)
            pos = _SPACE.match(text, pos).end()  # type: ignore[union-attr]
            if text[pos : pos + 1] != ",":
                return None
            pos += 1
    except (ValueError, RecursionError):  # the damage (JSONDecodeError), or deep nesting
        return None


def not_a_name(value: Any) -> str | None:
    """What a JSON value given as an id or a title is when no string can stand for it (a
    boolean, an array, an object, NaN or an infinite number), else None."""
    if isinstance(value, (bool, list, dict)):
        return "a JSON " + {bool: "boolean", list: "array", dict: "object"}[type(value)]
    if isinstance(value, float) and not math.isfinite(value):
        return f"the number {value!r} (not finite)"
    return None


def _as_id(value: Any) -> str | None:
    """A parsed id value as the doc_id record_document would make of it, or None for one
    that names no document (null, `not_a_name`'s values, a blank string)."""
    if value is None or not_a_name(value) is not None:
        return None
    doc_id = str(value)
    return shown_id(doc_id) if doc_id.strip() else None


def no_id_note(id_field: str, unit: str) -> str:
    """What a row refusing a record whose id could not be read (`id_before_damage`) adds to
    its message."""
    return f"; its id is not known (the {unit} has no {id_field!r} field before the damage)"


def bad_json_kind(exc: ValueError | RecursionError) -> str:
    """The error kind for JSON that `load_json` could not parse: "record_too_large" for one of
    too many objects and arrays, else "bad_json"."""
    return "record_too_large" if isinstance(exc, JsonTooLarge) else "bad_json"


MAX_JSON_DEPTH = 100


def json_problem(obj: Any) -> tuple[str, str] | None:
    """(error kind, message) when a parsed JSON value cannot be stored: a string (key or
    value) with a lone surrogate (`"\\ud800"` decodes to text that is not encodable as UTF-8,
    and the Parquet writer would fail later) or a NUL (`_string_problem`), or nesting deeper
    than MAX_JSON_DEPTH (meta is re-serialized later, deep in the stack), or an integer too
    long to convert (a `HugeNumber` from `load_json`). Walked depth first without recursion,
    holding one iterator per level entered and naming a value's place only for the message (a
    queue of every value with its place as text took 10 s and 1.1 GB more than the parse for a
    line of 7 million `{}`)."""
    path: list[str | int] = []  # the key or index of each container entered
    stack: list[Iterator[tuple[str | int, Any]]] = [iter([("", obj)])]
    while stack:
        item = next(stack[-1], None)
        if item is None:
            stack.pop()
            if stack:
                path.pop()
            continue
        key, value = item
        depth = len(stack) - 1
        if depth > MAX_JSON_DEPTH:
            return "bad_json", (f"JSON nested deeper than {MAX_JSON_DEPTH} levels at "
                                f"{_json_place([*path, key])}")
        if isinstance(value, HugeNumber):
            return "bad_json", (
                f"{_json_place([*path, key]) or 'value'} is an integer of {value.digits:,} "
                f"digits, more than the {sys.get_int_max_str_digits():,} Python converts")
        if isinstance(value, str):
            bad = _string_problem(value)
            if bad is not None:
                return bad[0], f"{_json_place([*path, key]) or 'value'} {bad[1]}"
        elif isinstance(value, dict):
            for k in value:
                bad = _string_problem(k) if isinstance(k, str) else None
                if bad is not None:
                    return bad[0], (f"a key in {_json_place([*path, key]) or 'the object'}"
                                    f": value {bad[1]}")
            stack.append(iter(value.items()))
            path.append(key)
        elif isinstance(value, list):
            stack.append(enumerate(value))
            path.append(key)
    return None


def _string_problem(text: str) -> tuple[str, str] | None:
    """(error kind, what is wrong) for a string no document may hold, or None: a lone
    surrogate (not encodable as UTF-8), or a NUL ("\\u0000"), which is no text: a NUL byte
    makes a txt file binary and a JSONL line malformed, so its escape costs the record too."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        return "bad_unicode", (f"holds a lone surrogate escape (\\u{ord(text[exc.start]):04x} "
                               f"at character {exc.start}); it is not encodable as UTF-8 text")
    nul = text.find("\x00")
    if nul >= 0:
        return "binary_file", (f"holds a NUL character (\\u0000 at character {nul}), which is "
                               "no text (a NUL byte makes a file binary)")
    return None


def shown_id(doc_id: str) -> str:
    """A record's id for the row refusing it (`json_problem`): lone surrogates and NULs shown
    as backslash escapes (valid UTF-8 text without a NUL)."""
    return doc_id.encode("utf-8", "backslashreplace").decode("utf-8").replace("\x00", "\\x00")


def _json_place(path: list[str | int]) -> str:
    """A value's place for a message: `field 'a'`, `field 'a'.b[3]`, `[2].c` (the root is
    the first, empty, entry of `path`); a long key is cut (a record
    may hold a key of megabytes: `shown_text`, `shown_name`)."""
    where = ""
    for key in path[1:]:
        if isinstance(key, int):
            where += f"[{key}]"
        elif where:
            where += "." + shown_name(key)
        else:
            where = f"field {shown_text(key)}"
    return where


# a JSON string (escapes included) or one structural character
_JSON_TOKEN = re.compile(rb'"(?:[^"\\]|\\.)*"|[{}\[\]:]')


def top_level_keys(head: bytes) -> list[str]:
    """The keys of the first JSON object in `head` (a file's first bytes, perhaps cut short) at
    its top level, in order, as far as `head` goes: `{"documents": [...], "source": "x"}` ->
    ["documents", "source"]; keys of nested objects are not counted. One pass over `head`."""
    depth = 0
    keys: list[str] = []
    last = b""
    for m in _JSON_TOKEN.finditer(head):
        token = m.group()
        if token in (b"{", b"["):
            depth += 1
        elif token in (b"}", b"]"):
            depth -= 1
            if depth <= 0:
                break
        elif token == b":" and depth == 1 and last.startswith(b'"'):
            keys.append(last[1:-1].decode("utf-8", "replace"))
        last = token
    return keys


def collection_head(head: bytes) -> bool:
    """Whether `head` (a .json file's first bytes) starts a BioC collection: its first object
    has a "documents" key at the top level and no "text" (a JSONL record has one). Format
    detection asks this when "documents" is in the head but "source" is not: read as JSONL,
    `{"documents": []}` gave a puzzling missing_text row."""
    keys = top_level_keys(head)
    return "documents" in keys and "text" not in keys


def meta_json(meta: dict[str, Any]) -> str:
    """`documents.meta` as strict JSON: NaN and Infinity (which Python's json reads in a JSONL
    line but JSON has not, and DuckDB's json functions refuse) written as null."""
    try:
        return json.dumps(meta, ensure_ascii=False, sort_keys=True, default=str, allow_nan=False)
    except ValueError:
        return json.dumps(_finite(meta), ensure_ascii=False, sort_keys=True, default=str)


def _finite(value: Any) -> Any:
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite(v) for v in value]
    return value
