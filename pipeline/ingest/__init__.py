"""Ingest: files and folders in, a stream of `Document`s and `ErrorRecord`s out.

Formats (picked by extension and content, `ingest/detect.py`; `fmt` forces one):
  txt      .txt .md            one document per file; doc_id = path relative to the input folder
                               without extension (a single file: its stem); title = first line
                               that is not metadata (`ingest/text_title.py`)
  jsonl    .jsonl .ndjson      one document per line; id/text/title field names settable, other
                               fields kept in meta; a missing id becomes "<file stem>:<line no>"
  json     .json, content `[{` one JSON array of such objects, read whole within the record cap
                               (`ingest/json_array.py`; or such objects over several lines,
                               first line "{"); located by its first line and its number,
                               which a missing id becomes: "<file stem>:<element no>"
  pubtator .pubtator, or content `^\\d+|[ta]|`   text = title + "\\n" + abstract (offsets valid)
  bioc     BioC XML (<collection>), BioC JSON (PubTator3 export; also one document per line)
  pubmed   PubMed/MEDLINE XML: PubmedArticleSet (PubmedArticle, PubmedBookArticle,
           DeleteCitation -> a `Notice`, not a document) and the older MedlineCitationSet
           (MedlineCitation), gzipped or not, DOCTYPE with the NLM DTD URL never fetched
Any file may be gzipped (detected by its magic bytes). XML is read one record at a time with
lxml in safe mode (resolve_entities=False, no_network, no DTD loading, huge_tree=False; see
`xmlrecords`); a file whose prolog declares entities (billion laughs, external entities) is
refused with an error row. Bad input never raises: it becomes an ErrorRecord (stage "ingest")
naming the file and the line or record, and every other record is still produced.

Resources: `max_bytes` (default `common.DEFAULT_MAX_BYTES`, 1 GiB) caps the decompressed bytes
read per file, `max_record_bytes` (default `common.DEFAULT_MAX_RECORD_BYTES`, 32 MiB) the bytes
of one record held in memory (a whole txt file, a JSON/PubTator line, an XML record); past
either, an error row ("too_large" / "record_too_large") and the records before are kept.
A JSONL file split into blocks for a runner (`list_shards`, `ingest/blocks.py`) has at most
MAX_BLOCKS_PER_FILE of them (a compressed one at most MAX_COMPRESSED_BLOCKS); a block of an
uncompressed file is read from its byte offset, found when the file was listed, and a block of
a gzip file skips the lines before it without splitting them out: the blocks of a file read it
about once in all (gzip: decompress it at most ~8.5 times), however many lines it has.

File system: folders are walked with symlinks followed, to files and folders, also when they
lead outside the input folder (doc_ids use the path under the input folder, not the target);
a dangling link ("dangling_link"), a link loop ("link_loop", a folder that contains itself), a
folder that cannot be listed ("unreadable"), a folder holding names whose paths are longer than
the system opens ("unreadable", once for the folder: PATH_MAX) and a missing input
("missing_path", "not found on host H": on a cluster, the worker H that could not see it) each
give an error row and the walk goes on. A file name that is not valid UTF-8 is read, with its
bad bytes shown as backslash escapes in `source` (and txt doc_ids), plus one
"file_name_not_utf8" error row saying so.
Hidden names are skipped inside a folder, without an error row: a file or folder whose name
starts with "." (.DS_Store, an editor's .swp file, .git/ and all under it) is neither read nor
reported, at any depth; a hidden file or folder given as an input itself is read like any other.

doc_ids from paths (txt; and a JSONL line without an id: "<file stem>:<line>"): the path relative
to the input folder, without extension. When more than one input *folder* is given, each such
doc_id is prefixed with the folder's name
("a/case" and "b/case" for a/case.txt and b/case.txt; folders with the same name get as many
parent folders as make them distinct: "x/data/case", "y/data/case"). A single input folder (with
or without extra input files) keeps the plain relative ids; an input file's id is its stem, or,
when other input files have the same stem, its folder's name and its stem ("a/case", "b/case"
for `a/case.txt b/case.txt`; as many folders as tell it apart: "x/data/case").

Duplicate doc_ids: within one `ingest()` call the first document with an id wins (the last with
`keep_duplicates="last"` or `pubmed_updates=True`, which also applies PubMed's
`<DeleteCitation>` lists); another is dropped with an error row "duplicate_id" (or
"deleted_citation"; `dedupe=False` turns this off, e.g. for corpora too big
to keep every id in memory; `read_shard` never dedupes, a runner must do it across shards: the
checks and the rows' wording are `dedupe.FirstCopies`, `dedupe.LastCopies` for a run that keeps
the last copy, and `dedupe.duplicate_row`).
"""

from __future__ import annotations

import errno
import hashlib
import os
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline.documents import Document, ErrorRecord, Notice
from pipeline.ingest.blocks import jsonl_blocks
from pipeline.ingest.common import (
    DEFAULT_MAX_BYTES,
    DEFAULT_MAX_RECORD_BYTES,
    display_path,
    err,
    hostname,
    name_is_utf8,
    shown_text,
)
from pipeline.ingest.dedupe import DEFAULT_KEEP, copies_check, keep_choice
from pipeline.ingest.detect import FORMATS, detect_format
from pipeline.ingest.head_checks import head_and_problem, unknown_format
from pipeline.ingest.json_array import read_json_array
from pipeline.ingest.jsonl import LineStart, read_jsonl
from pipeline.ingest.labels import doc_id_labels
from pipeline.ingest.pubtator import read_pubtator
from pipeline.ingest.schema import DOCUMENTS_SCHEMA, ERRORS_SCHEMA, document_row, error_row
from pipeline.ingest.text import read_text
from pipeline.ingest.text_title import MetadataRules
from pipeline.ingest.walk import PATH_MAX, walk_inputs
from pipeline.limits import DEFAULT_BLOCK_SIZE, MAX_BLOCKS_PER_FILE, MAX_COMPRESSED_BLOCKS

__all__ = [
    "DEFAULT_MAX_BYTES",
    "DEFAULT_MAX_RECORD_BYTES",
    "DOCUMENTS_SCHEMA",
    "ERRORS_SCHEMA",
    "FORMATS",
    "MAX_BLOCKS_PER_FILE",
    "MAX_COMPRESSED_BLOCKS",
    "LineStart",
    "Notice",
    "Shard",
    "detect_format",
    "document_row",
    "error_row",
    "ingest",
    "list_shards",
    "read_shard",
]


# --------------------------------------------------------------------------- shards


@dataclass(frozen=True)
class Shard:
    """A unit of ingest work: one file, or a block of records of one file.

    `fmt` is a format name, or one of PROBLEMS ("missing", "unknown", "unreadable",
    "unreadable_dir", "dangling_link", "link_loop", "link_repeat", "empty_folder",
    "path_too_long") for a path
    that can only produce an error row. `root` is the input folder the file was found in (txt
    doc_ids are relative to it); `label` the prefix of path-derived doc_ids when several input
    folders are given. `start_record` is 0-based; `n_records` None means "to the end". `path` is
    the path as the OS gives it (a non-UTF-8 name keeps Python's surrogate escapes, so it can be
    opened); `source` is the same path as valid UTF-8 text, for tables, logs and manifests.
    `start_at`: where a block of an uncompressed JSONL file is, in bytes, as listed (its
    reader reads those bytes only; `jsonl.open_at`); not part of `shard_id`, which names
    the records only."""

    path: str
    fmt: str
    start_record: int = 0
    n_records: int | None = None
    root: str | None = None
    label: str | None = None
    start_at: LineStart | None = None

    @property
    def source(self) -> str:
        return display_path(self.path)

    @property
    def shard_id(self) -> str:
        key = (os.fsencode(os.path.abspath(self.path))
               + f"|{self.fmt}|{self.start_record}|{self.n_records}".encode())
        digest = hashlib.sha1(key).hexdigest()[:12]
        name = re.sub(r"[^A-Za-z0-9._-]+", "_", Path(self.path).name)[:60]
        return f"{name}.{self.start_record:09d}.{digest}"


PROBLEMS = ("missing", "unknown", "unreadable", "unreadable_dir", "dangling_link", "link_loop",
            "link_repeat", "empty_folder", "path_too_long")
#: The problems of a path itself, whose content is never read ("unknown" is a readable file whose
#: error row depends on its content).
PATH_PROBLEMS = tuple(p for p in PROBLEMS if p != "unknown")


def _iter_shards(inputs: Sequence[Path | str | bytes], fmt: str | None,
                 block_size: int | None, max_bytes: int | None,
                 max_blocks: int = MAX_BLOCKS_PER_FILE) -> Iterator[Shard]:
    if fmt is not None and fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")
    labels = doc_id_labels(inputs)
    for path, root, problem in walk_inputs(inputs):
        root_s = str(root) if root is not None else None
        label = labels.get(os.path.abspath(root if root is not None else path))
        if problem is not None:
            yield Shard(str(path), problem, root=root_s)
            continue
        kind = fmt or detect_format(path)
        if kind is None:
            yield Shard(str(path), "unknown", root=root_s)
            continue
        # a file refused whole (empty, binary) is one shard: each block would read it to see that
        if kind == "jsonl" and block_size and head_and_problem(
                path, "", per_record=True, limit=max_bytes)[1] is None:
            for start, n, at in jsonl_blocks(path, block_size, max_bytes, max_blocks):
                yield Shard(str(path), kind, start, n, root_s, label, at)
            continue
        yield Shard(str(path), kind, 0, None, root_s, label)


def list_shards(inputs: Sequence[Path | str], fmt: str | None = None,
                block_size: int | None = DEFAULT_BLOCK_SIZE, *,
                max_bytes: int | None = DEFAULT_MAX_BYTES,
                max_blocks: int = MAX_BLOCKS_PER_FILE) -> list[Shard]:
    """Work units for a (distributed) runner: one per file; JSONL files longer than
    `block_size` lines are split into blocks of lines (lines counted up to `max_bytes`), at
    most `max_blocks` of them (then of more than `block_size` lines each; a compressed file at
    most MAX_COMPRESSED_BLOCKS), an uncompressed file's blocks with their byte offsets
    (`blocks.jsonl_blocks`).
    Deterministic order and `shard_id`s. Every record of every input is covered by exactly one
    shard. Problem paths (missing, dangling links, link loops, unreadable folders) are shards
    whose `fmt` is in PROBLEMS: reading them gives their error row."""
    return list(_iter_shards(inputs, fmt, block_size, max_bytes, max_blocks))


def _txt_doc_id(path: Path, root: Path | None, label: str | None = None) -> str:
    rel = path.relative_to(root) if root is not None else Path(path.name)
    name = rel.name
    if name.lower().endswith(".gz"):
        name = name[:-3]
    stem = os.path.splitext(name)[0] or name
    doc_id = display_path((rel.parent / stem).as_posix() if root is not None else stem)
    return f"{label}/{doc_id}" if label else doc_id


def read_shard(shard: Shard, id_field: str = "id", text_field: str = "text",
               title_field: str = "title", *, max_bytes: int | None = DEFAULT_MAX_BYTES,
               max_record_bytes: int = DEFAULT_MAX_RECORD_BYTES,
               metadata_rules: MetadataRules | None = None,
               ) -> Iterator[Document | ErrorRecord]:
    """Documents and error rows (and `Notice`s, an ErrorRecord subclass) of one shard; a text
    file's title is searched past the lines `metadata_rules` describe (`text_title.title_of`;
    None: `rules/text_metadata.jsonl`; `sections.title_rules(nlp)`: the pipeline's). Never
    raises for bad input. Every `source` is `shard.source` (valid UTF-8). A reader that fails
    anyway (a bug: an exception its record parser did not turn into an error row) ends the
    shard with one "reader_failed" row naming the last record it produced and saying that the
    rest of the shard was lost."""
    path = Path(shard.path)
    source = shard.source
    caps = {"max_bytes": max_bytes, "max_record_bytes": max_record_bytes}
    last: Document | ErrorRecord | None = None
    try:
        for last in _read_shard(shard, path, source, id_field, text_field, title_field, caps,
                                metadata_rules):
            yield last
    except FileNotFoundError:
        yield _missing(source, f"record {shard.start_record + 1}" if shard.start_record
                       else None)
    except Exception as exc:  # noqa: BLE001 - a reader bug or I/O failure: an error row
        yield _reader_failed(shard, exc, last)


def _reader_failed(shard: Shard, exc: Exception, last: Document | ErrorRecord | None
                   ) -> ErrorRecord:
    """The row for a reader that raised: where it stopped and what was lost."""
    first = f"record {shard.start_record + 1}" if shard.start_record else None
    if last is None:
        where, location = "before producing any record", first
    else:
        what = f"{last.location or 'an unlocated row'}"
        if last.doc_id:
            what += f", doc_id {shown_text(last.doc_id)}"
        where, location = f"after its last record ({what})", (
            f"after {last.location}" if last.location else first)
    return err(shard.source, "reader_failed",
               f"the reader failed {where}: {type(exc).__name__}: {exc}; the rest of the "
               "shard was not read (lost)", location)


#: The `error` of an input path that does not exist (the run summary notes them).
MISSING_PATH = "missing_path"


def _missing(source: str, location: str | None = None) -> ErrorRecord:
    return err(source, MISSING_PATH, f"input path not found on host {hostname()}", location)


def _missing_or_too_long(source: str, path: str) -> ErrorRecord:
    """The row for a path `os.path.lexists` denies: not found, or (a file deep in folders of
    long names, listed by a walk that went there one folder at a time) a path longer than the
    system opens, which exists (it was "not found on host")."""
    try:
        os.lstat(path)
    except OSError as exc:
        if exc.errno == errno.ENAMETOOLONG:
            return err(source, "unreadable", f"path is longer than the system allows "
                       f"({len(os.fsencode(path)):,} bytes); the file cannot be opened")
    return _missing(source)


_PROBLEM_ROWS = {
    "unreadable": ("unreadable", "input path is neither a readable file nor a folder"),
    "unreadable_dir": ("unreadable", "permission denied: the folder cannot be listed; its "
                       "files were not read"),
    "dangling_link": ("dangling_link", "symbolic link to a path that does not exist"),
    "link_loop": ("link_loop", "symbolic link loop: the link leads back to a folder that "
                  "contains it (or to itself); not followed"),
    "link_repeat": ("link_repeat", "folder reached through a symbolic link that another path "
                    "in this input leads to as well: its files were read once, under the path "
                    "through fewest links (then of fewest folders, then first in name order), "
                    "not again under this one"),
    "empty_folder": ("empty_folder", "input folder holds no file to read: it is empty, or "
                     "holds only names starting with a dot (skipped) or entries that are "
                     "neither files nor folders (such as pipes), at any depth"),
    "path_too_long": ("unreadable", f"the folder holds names whose paths are longer than the "
                      f"system opens ({PATH_MAX:,} bytes); those files and folders were not "
                      "read"),
}


def _read_shard(shard: Shard, path: Path, source: str, id_field: str, text_field: str,
                title_field: str, caps: dict[str, Any], metadata_rules: MetadataRules | None
                ) -> Iterator[Document | ErrorRecord]:
    if shard.fmt == "missing" or not os.path.lexists(path):
        if shard.start_record == 0:
            yield _missing_or_too_long(source, shard.path)
        return
    if shard.fmt in _PROBLEM_ROWS:
        kind, message = _PROBLEM_ROWS[shard.fmt]
        yield err(source, kind, message)
        return
    if not os.access(path, os.R_OK):
        if shard.start_record == 0:
            yield err(source, "unreadable", "permission denied: file is not readable")
        return
    if shard.start_record == 0 and not name_is_utf8(shard.path):
        yield err(source, "file_name_not_utf8", "file name is not valid UTF-8; the file was "
                  "read and is reported under this name with its bad bytes as \\x escapes")
    if shard.fmt == "unknown":
        head, bad = head_and_problem(path, source, limit=caps["max_bytes"])
        yield bad or unknown_format(source, display_path(path.name), head, FORMATS)
        return
    root = Path(shard.root) if shard.root is not None else None
    start, n = shard.start_record, shard.n_records
    if shard.fmt == "txt":
        if start == 0:
            yield from read_text(path, source, _txt_doc_id(path, root, shard.label),
                                 metadata_rules=metadata_rules, **caps)
    elif shard.fmt == "jsonl":
        yield from read_jsonl(path, source, id_field, text_field, title_field, start, n,
                              label=shard.label, start_at=shard.start_at, **caps)
    elif shard.fmt == "json":
        if start == 0:
            yield from read_json_array(path, source, id_field, text_field, title_field,
                                       label=shard.label, **caps)
    elif shard.fmt == "pubtator":
        yield from read_pubtator(path, source, start, n, **caps)
    elif shard.fmt == "bioc":
        from pipeline.ingest.bioc import read_bioc

        yield from read_bioc(path, source, start, n, **caps)
    elif shard.fmt == "pubmed":
        from pipeline.ingest.pubmed import read_pubmed

        yield from read_pubmed(path, source, start, n, **caps)
    else:
        yield err(source, "unknown_format", f"unknown format {shard.fmt!r}")


def ingest(
    inputs: Sequence[Path | str] | Path | str,
    fmt: str | None = None,
    id_field: str = "id",
    text_field: str = "text",
    title_field: str = "title",
    dedupe: bool = True,
    *,
    max_bytes: int | None = DEFAULT_MAX_BYTES,
    max_record_bytes: int = DEFAULT_MAX_RECORD_BYTES,
    metadata_rules: MetadataRules | None = None,
    keep_duplicates: str | None = None,
    pubmed_updates: bool = False,
) -> Iterator[Document | ErrorRecord]:
    """Stream Documents and ErrorRecords (and `Notice`s) from files/folders (folders recursed,
    sorted, hidden files skipped). `fmt` forces a format for every file; `metadata_rules` as
    `read_shard`'s. `keep_duplicates` "last" and `pubmed_updates` as `biotab run`'s options
    (`dedupe.LastCopies`: the inputs are read twice). Never raises for bad input; raises
    ValueError only for an unknown `fmt` name or keep choice (a caller mistake)."""
    if isinstance(inputs, (str, Path)):
        inputs = [inputs]
    if fmt is not None and fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")
    keep = keep_choice(keep_duplicates, pubmed_updates)
    shards = _iter_shards(list(inputs), fmt, None, max_bytes)

    def read(shard: Shard) -> Iterator[Document | ErrorRecord]:
        return read_shard(shard, id_field, text_field, title_field, max_bytes=max_bytes,
                          max_record_bytes=max_record_bytes, metadata_rules=metadata_rules)

    if not dedupe:
        for shard in shards:
            yield from read(shard)
        return
    # (the last copies read the inputs twice: listed once)
    listed: Iterable[Shard] = shards if keep == DEFAULT_KEEP else list(shards)
    seen = copies_check(keep, pubmed_updates, lambda: ((read(s), s.shard_id) for s in listed))
    for shard in listed:  # (each shard an input, as a run's: the rows say so)
        yield from seen.keep(read(shard), shard.shard_id)
