"""Ingest: files and folders in, a stream of `Document`s and `ErrorRecord`s out.

Formats (picked by extension and content; `fmt` forces one):
  txt      .txt .md            one document per file; doc_id = path relative to the input folder
                               without extension (a single file: its stem); title = first line
  jsonl    .jsonl .ndjson      one document per line; id/text/title field names settable, other
                               fields kept in meta; a missing id becomes "<file stem>:<line no>"
  pubtator .pubtator, or content `^\\d+|[ta]|`   text = title + "\\n" + abstract (offsets valid)
  bioc     BioC XML (<collection>), BioC JSON (PubTator3 export; also one document per line)
  pubmed   PubmedArticleSet XML (MEDLINE/PubMed baseline), gzipped or not
Any file may be gzipped (detected by its magic bytes). XML is streamed with lxml in safe mode
(resolve_entities=False, no_network, no DTD loading, huge_tree=False); a file whose prolog
declares entities (billion laughs, external entities) is refused with an error row.
Bad input never raises: it becomes an ErrorRecord (stage "ingest") and every other document is
still produced.

Duplicate doc_ids: within one `ingest()` call the first document with an id wins; a later one is
dropped with an error row "duplicate_id" (`dedupe=False` turns this off, e.g. for corpora too big
to keep every id in memory; `read_shard` never dedupes, a runner must do it across shards).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa

from pipeline.documents import Document, ErrorRecord
from pipeline.ingest.common import check_head, err, open_binary, read_head
from pipeline.ingest.jsonl import read_jsonl
from pipeline.ingest.pubtator import read_pubtator, sniff_pubtator
from pipeline.ingest.text import read_text

FORMATS = ("txt", "jsonl", "pubtator", "bioc", "pubmed")
TEXT_EXTS = {".txt", ".md", ".markdown", ".text"}
JSONL_EXTS = {".jsonl", ".ndjson"}

__all__ = [
    "DOCUMENTS_SCHEMA",
    "ERRORS_SCHEMA",
    "FORMATS",
    "Shard",
    "detect_format",
    "document_row",
    "error_row",
    "ingest",
    "list_shards",
    "read_shard",
]


def _f(name: str, type_: pa.DataType, nullable: bool, description: str, example: str) -> pa.Field:
    return pa.field(name, type_, nullable=nullable,
                    metadata={"description": description, "example": example})


DOCUMENTS_SCHEMA = pa.schema([
    _f("doc_id", pa.string(), False,
       "Document identifier, unique in a run: file path relative to the input folder without "
       "extension (txt), the id field (jsonl), the PMID (pubtator, pubmed), the BioC document id.",
       "000_9662ce3457697b4f"),
    _f("source", pa.string(), True, "Input file the document was read from.",
       "seeds/000_9662ce3457697b4f.txt"),
    _f("format", pa.string(), True, "Input format: txt, jsonl, pubtator, bioc or pubmed.", "txt"),
    _f("title", pa.string(), True,
       "Title: first non-empty line (txt), title field (jsonl), title line/passage/ArticleTitle.",
       "Immunosuppressants for Treating Dermatomyositis"),
    _f("text", pa.large_string(), False,
       "Full document text, NFC-normalized, BOM dropped. Every character offset in every table "
       "is 0-based, end-exclusive into this string (Python str indexing, code points).",
       "Dermatomyositis is a rare inflammatory disease ..."),
    _f("n_chars", pa.int32(), False, "Length of text in Unicode code points.", "2481"),
    _f("n_sentences", pa.int32(), True, "Number of sentences the split stage found.", "17"),
    _f("sha256", pa.string(), False, "SHA-256 hex digest of text encoded as UTF-8.",
       "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"),
    _f("meta", pa.string(), True,
       "Other input fields as a JSON object (jsonl extra fields; pubtator/bioc annotations as "
       "[{start, end, text, type, id}]; pubmed journal, year, doi, mesh).",
       '{"journal": "J Invest Dermatol", "year": 2019}'),
    _f("language", pa.string(), True,
       "Main language of the document, ISO 639-1 (filled by the language component).", "en"),
])

ERRORS_SCHEMA = pa.schema([
    _f("source", pa.string(), True, "Input file (or path) the problem is in.", "corpus/bad.jsonl"),
    _f("location", pa.string(), True,
       "Where in the source: line, byte, record number (1-based), or null for the whole file.",
       "line 3"),
    _f("doc_id", pa.string(), True, "Document concerned, when known.", "12345678"),
    _f("stage", pa.string(), False, "Pipeline stage that reported it: ingest, split, tag, ...",
       "ingest"),
    _f("error", pa.string(), False,
       "Short machine-readable kind: missing_path, empty_file, not_utf8, binary_file, bad_json, "
       "missing_text, no_abstract, duplicate_id, unknown_format, truncated_xml, unsafe_xml, ...",
       "bad_json"),
    _f("message", pa.string(), False, "Human-readable reason.",
       "malformed JSON at column 12: Expecting ',' delimiter"),
])


def document_row(doc: Document, n_sentences: int | None = None,
                 language: str | None = None) -> dict[str, Any]:
    """A dict matching DOCUMENTS_SCHEMA."""
    return {
        "doc_id": doc.doc_id,
        "source": doc.source,
        "format": doc.format,
        "title": doc.title,
        "text": doc.text,
        "n_chars": len(doc.text),
        "n_sentences": n_sentences,
        "sha256": hashlib.sha256(doc.text.encode("utf-8")).hexdigest(),
        "meta": json.dumps(doc.meta, ensure_ascii=False, sort_keys=True, default=str)
        if doc.meta else None,
        "language": language,
    }


def error_row(err_: ErrorRecord) -> dict[str, Any]:
    """A dict matching ERRORS_SCHEMA."""
    return {
        "source": err_.source,
        "location": err_.location,
        "doc_id": err_.doc_id,
        "stage": err_.stage,
        "error": err_.error,
        "message": err_.message,
    }


# --------------------------------------------------------------------------- detection

_XML_ROOT = re.compile(rb"<(?![?!])([A-Za-z_][\w.:-]*)")


def _base_name(path: Path) -> str:
    name = path.name.lower()
    return name[:-3] if name.endswith(".gz") else name


def _ext(path: Path) -> str:
    return os.path.splitext(_base_name(path))[1]


def _xml_kind(head: bytes) -> str | None:
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if not stripped.startswith(b"<"):
        return None
    m = _XML_ROOT.search(stripped)
    if m is None:
        # maybe only a DOCTYPE so far: use its name
        d = re.search(rb"<!DOCTYPE\s+([\w.:-]+)", stripped)
        root = d.group(1) if d else b""
    else:
        root = m.group(1)
    root = root.rsplit(b":", 1)[-1]
    if root == b"collection":
        return "bioc"
    if root in (b"PubmedArticleSet", b"PubmedArticle", b"MedlineCitationSet"):
        return "pubmed"
    return None


def _json_kind(head: bytes) -> str | None:
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if stripped[:1] not in (b"{", b"["):
        return None
    if b'"passages"' in head or b'"PubTator3"' in head or (
        b'"documents"' in head and b'"source"' in head):
        return "bioc"
    if stripped[:1] == b"{":
        return "jsonl"
    return None


def detect_format(path: Path, head: bytes | None = None) -> str | None:
    """Format name for a file from its extension and first bytes, or None if unknown."""
    if head is None:
        head = read_head(path)
    ext = _ext(path)
    if ext == ".pubtator":
        return "pubtator"
    if ext in TEXT_EXTS:
        return "pubtator" if sniff_pubtator(head) else "txt"
    if ext in JSONL_EXTS:
        first = head.lstrip(b"\xef\xbb\xbf").split(b"\n", 1)[0]
        return "bioc" if b'"passages"' in first else "jsonl"
    if ext == ".xml" or ext == ".bioc":
        return _xml_kind(head)
    if ext == ".json":
        return _json_kind(head)
    if sniff_pubtator(head):
        return "pubtator"
    return _xml_kind(head) or _json_kind(head)


# --------------------------------------------------------------------------- shards


@dataclass(frozen=True)
class Shard:
    """A unit of ingest work: one file, or a block of records of one file.

    `fmt` is a format name, or "missing" / "unknown" / "unreadable" for a path that can only
    produce an error row. `root` is the input folder the file was found in (txt doc_ids are
    relative to it). `start_record` is 0-based; `n_records` None means "to the end"."""

    path: str
    fmt: str
    start_record: int = 0
    n_records: int | None = None
    root: str | None = None

    @property
    def shard_id(self) -> str:
        key = f"{os.path.abspath(self.path)}|{self.fmt}|{self.start_record}|{self.n_records}"
        digest = hashlib.sha1(key.encode("utf-8")).hexdigest()[:12]
        name = re.sub(r"[^A-Za-z0-9._-]+", "_", Path(self.path).name)[:60]
        return f"{name}.{self.start_record:09d}.{digest}"


def _is_hidden(rel: Path) -> bool:
    return any(part.startswith(".") for part in rel.parts)


def _walk(inputs: Sequence[Path | str]) -> Iterator[tuple[Path, Path | None, str | None]]:
    """(file, root folder or None, problem) for every input file, folders recursed and sorted."""
    for item in inputs:
        p = Path(item)
        if not os.path.lexists(p):
            yield p, None, "missing"
        elif p.is_dir():
            try:
                files = [f for f in p.rglob("*")
                         if not _is_hidden(f.relative_to(p)) and f.is_file()]
            except OSError:
                yield p, None, "unreadable"
                continue
            for f in sorted(files, key=lambda f: f.relative_to(p).as_posix()):
                yield f, p, None
        elif p.is_file():
            yield p, None, None
        else:
            yield p, None, "unreadable"


def _count_lines(path: Path) -> int:
    n = 0
    last = b"\n"
    with open_binary(path) as fh:
        while chunk := fh.read(1 << 20):
            n += chunk.count(b"\n")
            last = chunk[-1:]
    return n + (0 if last == b"\n" else 1)


def _iter_shards(inputs: Sequence[Path | str], fmt: str | None,
                 block_size: int | None) -> Iterator[Shard]:
    if fmt is not None and fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")
    for path, root, problem in _walk(inputs):
        root_s = str(root) if root is not None else None
        if problem is not None:
            yield Shard(str(path), problem, root=root_s)
            continue
        kind = fmt or detect_format(path)
        if kind is None:
            yield Shard(str(path), "unknown", root=root_s)
            continue
        if kind == "jsonl" and block_size:
            try:
                n = _count_lines(path)
            except (OSError, EOFError):
                n = 0
            if n > block_size:
                for start in range(0, n, block_size):
                    last = start + block_size >= n
                    yield Shard(str(path), kind, start, None if last else block_size, root_s)
                continue
        yield Shard(str(path), kind, 0, None, root_s)


def list_shards(inputs: Sequence[Path | str], fmt: str | None = None,
                block_size: int | None = 1000) -> list[Shard]:
    """Work units for a (distributed) runner: one per file; JSONL files longer than
    `block_size` lines are split into blocks of lines. Deterministic order and `shard_id`s.
    Every record of every input is covered by exactly one shard."""
    return list(_iter_shards(inputs, fmt, block_size))


def _txt_doc_id(path: Path, root: Path | None) -> str:
    rel = path.relative_to(root) if root is not None else Path(path.name)
    name = rel.name
    if name.lower().endswith(".gz"):
        name = name[:-3]
    stem = os.path.splitext(name)[0] or name
    return (rel.parent / stem).as_posix() if root is not None else stem


def read_shard(shard: Shard, id_field: str = "id", text_field: str = "text",
               title_field: str = "title") -> Iterator[Document | ErrorRecord]:
    """Documents and error rows of one shard. Never raises for bad input."""
    path = Path(shard.path)
    source = shard.path
    try:
        yield from _read_shard(shard, path, source, id_field, text_field, title_field)
    except Exception as exc:  # noqa: BLE001 - a reader bug or I/O failure: an error row
        yield err(source, "reader_failed", f"{type(exc).__name__}: {exc}",
                  f"record {shard.start_record + 1}" if shard.start_record else None)


def _read_shard(shard: Shard, path: Path, source: str, id_field: str, text_field: str,
                title_field: str) -> Iterator[Document | ErrorRecord]:
    if shard.fmt == "missing":
        yield err(source, "missing_path", "input path does not exist")
        return
    if shard.fmt == "unreadable":
        yield err(source, "unreadable", "input path is neither a readable file nor a folder")
        return
    if not os.access(path, os.R_OK):
        if shard.start_record == 0:
            yield err(source, "unreadable", "permission denied: file is not readable")
        return
    if shard.fmt == "unknown":
        head = read_head(path)
        bad = check_head(head, source, whole_file=True)
        if bad is not None:
            yield bad
        else:
            yield err(source, "unknown_format",
                      f"cannot tell the format of {path.name!r} from its extension or content; "
                      f"use --format ({', '.join(FORMATS)})")
        return
    root = Path(shard.root) if shard.root is not None else None
    start, n = shard.start_record, shard.n_records
    if shard.fmt == "txt":
        if start == 0:
            yield from read_text(path, source, _txt_doc_id(path, root))
    elif shard.fmt == "jsonl":
        yield from read_jsonl(path, source, id_field, text_field, title_field, start, n)
    elif shard.fmt == "pubtator":
        yield from read_pubtator(path, source, start, n)
    elif shard.fmt == "bioc":
        from pipeline.ingest.bioc import read_bioc

        yield from read_bioc(path, source, start, n)
    elif shard.fmt == "pubmed":
        from pipeline.ingest.pubmed import read_pubmed

        yield from read_pubmed(path, source, start, n)
    else:
        yield err(source, "unknown_format", f"unknown format {shard.fmt!r}")


def ingest(
    inputs: Sequence[Path | str] | Path | str,
    fmt: str | None = None,
    id_field: str = "id",
    text_field: str = "text",
    title_field: str = "title",
    dedupe: bool = True,
) -> Iterator[Document | ErrorRecord]:
    """Stream Documents and ErrorRecords from files/folders (folders recursed, sorted, hidden
    files skipped). `fmt` forces a format for every file. Never raises for bad input; raises
    ValueError only for an unknown `fmt` name (a caller mistake)."""
    if isinstance(inputs, (str, Path)):
        inputs = [inputs]
    if fmt is not None and fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")
    records: Iterable[Document | ErrorRecord] = (
        rec for shard in _iter_shards(inputs, fmt, None)
        for rec in read_shard(shard, id_field, text_field, title_field)
    )
    if not dedupe:
        yield from records
        return
    seen: set[str] = set()
    for rec in records:
        if isinstance(rec, Document):
            if rec.doc_id in seen:
                yield err(rec.source, "duplicate_id",
                          f"doc_id {rec.doc_id!r} was already produced earlier in this run; "
                          "this later document was dropped", rec.location, rec.doc_id)
                continue
            seen.add(rec.doc_id)
        yield rec
