"""JSON arrays of documents: a `.json` file holding one array of objects, each read as a JSON
Lines line is (id/text/title field names settable, the other fields kept in meta); or holding
such objects over several lines, one or more one after another (json.dump with an indent, `jq
'.[]'` without -c; detected by a first line that is "{" alone), read the same way (`json_elements`).

The file is read whole, within the per-record cap (`--max-record-mb`, 32 MiB by default: a
bigger array is one "record_too_large" row naming the conversion to JSON Lines, which is read
line by line at any size); its elements are parsed one after another by `json_elements`
(where damage costs the element it is in), each document located by the line its element
starts on and its element number ("line 1, element 3"); an element without an id gets
"<file stem>:<element number>" (pandas writes the whole array on one line, where the line
alone tells the elements apart neither in an id nor in a location).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from pipeline.documents import Document, ErrorRecord
from pipeline.ingest.common import (
    DEFAULT_MAX_BYTES,
    DEFAULT_MAX_RECORD_BYTES,
    CappedStream,
    Caps,
    InputTooLarge,
    decode_utf8,
    err,
    garbage_row,
    read_into,
    too_large,
)
from pipeline.ingest.head_checks import head_and_problem
from pipeline.ingest.json_elements import Damage, Lost, Skipped, elements
from pipeline.ingest.json_values import bad_json_kind, bad_json_message, over_container_cap
from pipeline.ingest.jsonl import record_document, record_stem

#: What converts a JSON array too big to read whole into JSON Lines.
_CONVERT = "jq -c '.[]' FILE.json > FILE.jsonl"


def _read_whole(path: Path, caps: Caps) -> tuple[bytes | None, bool, EOFError | None]:
    """The file's (decompressed) bytes, or None when they pass the per-record cap; whether
    garbage followed its gzip data; and the EOFError of a gzip stream that ends early, whose
    bytes before the cut are returned (their whole elements are read, as in a cut
    uncompressed file). Raises InputTooLarge or OSError."""
    chunks: list[bytes] = []
    with CappedStream(path, caps.max_bytes) as stream:
        try:
            if read_into(stream, caps.record, chunks):
                return None, False, None
        except EOFError as exc:
            return b"".join(chunks), False, exc
        return b"".join(chunks), stream.garbage, None


def read_json_array(
    path: Path,
    source: str,
    id_field: str = "id",
    text_field: str = "text",
    title_field: str = "title",
    *,
    max_bytes: int | None = DEFAULT_MAX_BYTES,
    max_record_bytes: int = DEFAULT_MAX_RECORD_BYTES,
    label: str | None = None,
) -> Iterator[Document | ErrorRecord]:
    """The documents of a JSON array file (see the module docstring); an element without an
    id gets "<file stem>:<element number>", prefixed with "<label>/" as in `jsonl.read_jsonl`."""
    _, bad = head_and_problem(path, source, per_record=True, limit=max_bytes)
    if bad is not None:
        yield bad
        return
    caps = Caps(max_bytes, max_record_bytes)
    try:
        data, garbage, cut = _read_whole(path, caps)
    except InputTooLarge as exc:
        yield too_large(source, exc.cap, "the file is one JSON array, so every document in it "
                        f"is lost; convert it to JSON Lines: {_CONVERT}", "line 1")
        return
    except OSError as exc:
        yield err(source, "unreadable", f"file could not be read to the end ({exc}); it is one "
                  "JSON array, so every document in it is lost", "line 1")
        return
    if data is None:
        yield err(source, "record_too_large", f"the file is one JSON array longer than the "
                  f"{caps.record:,}-byte record cap (--max-record-mb), so every document in it "
                  f"is lost; raise the cap, or convert it to JSON Lines: {_CONVERT}", "line 1")
        return
    decoded = decode_utf8(_whole_characters(data) if cut else data, source)
    if isinstance(decoded, ErrorRecord):
        yield decoded
        return
    text = decoded.lstrip("\ufeff")
    if (too_many := over_container_cap(text)) is not None:
        yield err(source, "record_too_large", f"{too_many}; every document in "
                  f"the file is lost; convert it to JSON Lines: {_CONVERT}", "line 1")
        return
    yield from _documents(text, source, record_stem(path, label), id_field, text_field,
                          title_field, cut)
    if garbage:
        yield garbage_row(source, None)


def _documents(text: str, source: str, stem: str, id_field: str, text_field: str,
               title_field: str, cut: EOFError | None = None
               ) -> Iterator[Document | ErrorRecord]:
    """The elements' documents and error rows; `cut`: the text is what a gzip stream that
    ended early gave, so its end is named as that, not as damaged JSON."""
    n = 0
    items = elements(text)
    while True:
        try:
            item = next(items, None)
        except (ValueError, RecursionError) as exc:  # JSONDecodeError and Damage too
            yield _damage_row(exc, source, n) if cut is None else _cut_row(cut, text, source, n)
            return
        if item is None:
            break
        line, obj = item
        if isinstance(obj, Lost):
            if cut is not None and obj.resume_line is None:  # the damage is the cut
                yield _cut_row(cut, text, source, n)
                return
            n += (1 + (obj.resumed.skipped if obj.resumed else 0)) if obj.inside else 0
            yield _lost_row(obj, source, line, n)
            continue
        n += 1
        if isinstance(obj, Skipped):
            yield err(source, "bad_json", f"{_whole_message(obj.error)}; element skipped",
                      f"line {line}, element {n}")
            continue
        yield from record_document(obj, line, stem, source, id_field, text_field, title_field,
                                   fmt="json", element=n)
    if cut is not None:  # the array's end was read, but not the gzip stream's
        yield _cut_row(cut, text, source, n)
    elif n == 0:
        yield err(source, "no_records", "the JSON array is empty: no document", "line 1")


def _whole_characters(data: bytes) -> bytes:
    """`data` without the start of a UTF-8 character that a cut left at its end."""
    for back in range(1, min(4, len(data)) + 1):
        byte = data[-back]
        if byte < 0x80:
            return data
        if byte >= 0xC0:  # a lead byte: keep it only with all its continuation bytes
            need = 2 if byte < 0xE0 else 3 if byte < 0xF0 else 4
            return data if back >= need else data[:-back]
    return data


def _elements_read(n_read: int) -> str:
    """"element 1 was read", "elements 1-N were read"."""
    return "element 1 was read" if n_read == 1 else f"elements 1-{n_read} were read"


def _cut_row(exc: EOFError, text: str, source: str, n_read: int) -> ErrorRecord:
    """The row for a gzip stream that ended early, after `n_read` elements were read."""
    done = _elements_read(n_read) if n_read else "no element was read"
    return err(source, "truncated_gzip", f"gzip stream ends early ({exc}); {done}, the rest "
               "is lost", f"line {1 + text.count(chr(10))}")


def _whole_message(exc: RecursionError | json.JSONDecodeError) -> str:
    """`bad_json_message`, a JSONDecodeError's with its line also on line 1 (the row's
    location is an element's line, or the damage's)."""
    if isinstance(exc, json.JSONDecodeError):
        return f"malformed JSON: {exc.msg}: line {exc.lineno} column {exc.colno}"
    return bad_json_message(exc)


def _lost_row(lost: Lost, source: str, line: int, n: int) -> ErrorRecord:
    """The row for damage that reading went on after (`Lost`): inside element `n`, which
    starts on `line`, or on `line` between two elements."""
    exc, resume = lost.error, lost.resume_line
    message = (_whole_message(exc) if isinstance(exc, (json.JSONDecodeError, RecursionError))
               else f"malformed JSON: {exc}")
    if lost.bounded:
        goes_on = ("reading goes on at the next element, at " + lost.resume_at
                   if lost.resume_at else lost.after_last)
        if lost.inside and lost.resumed is not None:  # (starts that did not parse: numbered)
            more = lost.resumed.skipped
            return err(source, "bad_json", f"{message}; the element is lost, with any element "
                       f"begun in {lost.span} (a string never closed, "
                       "or a quote left out, pairs the quotes after it across elements: its end "
                       f"is where the next element that parses alone starts); {goes_on}",
                       f"line {line}, element{'s' if more else ''} "
                       f"{n - more}{f'-{n}' if more else ''}")
        if lost.inside:
            return err(source, "bad_json", f"{message}; the element is lost ({lost.span}, "
                       f"its end found by its brackets and quotes); {goes_on}",
                       f"line {line}, element {n}")
        return err(source, "bad_json", f"{message}; no element is lost; {goes_on}",
                   f"line {line}")
    if resume is None:
        what = ("the element is lost; " if lost.inside else "") + (
            "no element starts a line of its own after it: what follows is not read")
        return err(source, "bad_json", f"{message}; {what}",
                   f"line {line}, element {n}" if lost.inside else f"line {line}")
    goes_on = f"reading goes on at the next element, on line {resume}"
    if lost.inside:
        shared = ", with any element after it there" if lost.shared else ""
        return err(source, "bad_json", f"{message}; the element is lost (lines {line}-"
                   f"{resume - 1}{shared}); {goes_on}", f"line {line}, element {n}")
    skipped = (f"lines {line}-{resume - 1}, " + ("and any element on them, are skipped"
                                                 if lost.shared else
                                                 "where no element starts, are skipped")
               if resume > line + 1 else
               f"line {line}, " + ("and any element on it, is skipped" if lost.shared else
                                   "where no element starts, is skipped") if resume > line else
               "no element is lost")
    return err(source, "bad_json", f"{message}; {skipped}; {goes_on}", f"line {line}")


def _damage_row(exc: ValueError | RecursionError, source: str, n_read: int) -> ErrorRecord:
    """The row for damaged JSON after `n_read` elements were read."""
    lost = (f"{_elements_read(n_read)}; the elements from {n_read + 1} on are lost (in "
            "damaged JSON no later element can be told apart)" if n_read else
            "no element was read; every document in the file is lost")
    if isinstance(exc, json.JSONDecodeError):
        return err(source, "bad_json", f"{_whole_message(exc)}; {lost}", f"line {exc.lineno}")
    if isinstance(exc, Damage) and exc.after_end:
        read = {0: "the array is empty", 1: "the one element of the array was read",
                2: "both elements of the array were read"}.get(
                    n_read, f"all {n_read} elements of the array were read")
        return err(source, "bad_json", f"malformed JSON: {exc}; {read}; what follows it from "
                   f"line {exc.line} on is not read", f"line {exc.line}")
    if isinstance(exc, Damage):
        return err(source, "bad_json", f"malformed JSON: {exc}; {lost}",
                   f"line {exc.line}")
    return err(source, bad_json_kind(exc), f"{bad_json_message(exc)}; {lost}", None)
