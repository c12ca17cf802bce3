"""The documents of a whole-file BioC JSON collection read one at a time, for a collection that
Python's parser cannot read whole because a value in it is nested too deep (its RecursionError):
that cost every document of the file; now it costs the document holding it (`documents_by_one`).

The list of documents is found as `bioc_json` finds it in a parsed file (PubTator3's
{"PubTator3": [...]}, a collection's "documents", a list of documents), by parsing the
top-level object's keys and skipping its other values (a value nested too deep is skipped by
its brackets, `json_scan.value_end`); each document is then parsed alone, one nested too deep
skipped the same way, its row naming its record number. Any other damage ends the reading
with one row naming its line (the documents before it kept): the file is one JSON value."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pipeline.documents import ErrorRecord
from pipeline.ingest.common import err
from pipeline.ingest.json_scan import skip_space, value_end
from pipeline.ingest.json_values import DECODER, bad_json_message

#: The keys of a top-level object that hold the list of documents, the first found taken
#: (`bioc_json` reads a parsed file's by them too).
LIST_KEYS = ("PubTator3", "documents")


def document_or_row(value: Any, source: str, where: str) -> dict[str, Any] | ErrorRecord:
    """A collection's document `value` (record `where`), or the bad_bioc row of one that is no
    JSON object."""
    if isinstance(value, dict):
        return value
    return err(source, "bad_bioc", "document is not a JSON object", where)


class _Stop(ValueError):
    """Damage that ends the reading: `message`, on `line`."""

    def __init__(self, message: str, line: int) -> None:
        super().__init__(message)
        self.line = line


def documents_by_one(text: str, source: str
                     ) -> Iterator[tuple[str, dict[str, Any] | ErrorRecord]] | None:
    """(location, document or error row) for each document of the collection `text` (see
    the module docstring), or None when no list of documents is found in it."""
    try:
        start = _list_start(text)
    except _Stop:
        return None
    return None if start is None else _items(text, start, source)


def _value(text: str, pos: int) -> tuple[Any, int, RecursionError | None]:
    """The value at `pos` and where it ends; a value nested too deep: None, its end found by
    its brackets, and the RecursionError. Raises `_Stop` at other damage."""
    try:
        value, end = DECODER.raw_decode(text, pos)
        return value, end, None
    except RecursionError as exc:
        found = value_end(text, pos)
        if found is None:
            raise _Stop("a value nested too deep to parse never ends", _line(text, pos)) from exc
        return None, found, exc
    except ValueError as exc:  # JSONDecodeError, an integer too long to convert
        raise _Stop(bad_json_message(exc), _line(text, pos)) from exc


def _list_start(text: str) -> int | None:
    """Where the list of documents starts (its "["), or None."""
    pos = skip_space(text, 0)
    if text[pos : pos + 1] == "[":
        return pos
    if text[pos : pos + 1] != "{":
        return None
    found: dict[str, int] = {}
    pos = skip_space(text, pos + 1)
    while text[pos : pos + 1] == '"':
        key, pos, _ = _value(text, pos)
        pos = skip_space(text, pos)
        if text[pos : pos + 1] != ":":
            return None
        pos = skip_space(text, pos + 1)
        if key in LIST_KEYS and text[pos : pos + 1] == "[" and key not in found:
            found[key] = pos
        _, pos, _ = _value(text, pos)
        pos = skip_space(text, pos)
        if text[pos : pos + 1] != ",":
            break
        pos = skip_space(text, pos + 1)
    return next((found[k] for k in LIST_KEYS if k in found), None)


def _items(text: str, pos: int, source: str
           ) -> Iterator[tuple[str, dict[str, Any] | ErrorRecord]]:
    """The documents of the list whose "[" is at `pos`."""
    pos = skip_space(text, pos + 1)
    i = 0
    while text[pos : pos + 1] not in ("]", ""):
        i += 1
        where = f"record {i}"
        try:
            value, pos, deep = _value(text, pos)
        except _Stop as exc:
            yield where, err(source, "bad_json", f"{exc}; the file is one JSON value: "
                             f"documents 1-{i - 1} were read, the rest is lost" if i > 1 else
                             f"{exc}; the file is one JSON value: every document is lost",
                             f"line {exc.line}")
            return
        if deep is not None:
            yield where, err(source, "bad_json", f"{bad_json_message(deep)}; document "
                             "skipped (its end found by its brackets)", where)
        else:
            yield where, document_or_row(value, source, where)
        pos = skip_space(text, pos)
        if text[pos : pos + 1] == ",":
            pos = skip_space(text, pos + 1)


def _line(text: str, pos: int) -> int:
    return text.count("\n", 0, pos) + 1
