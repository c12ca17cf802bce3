"""Which format a file is in: its extension, then its first bytes (`detect_format`)."""

from __future__ import annotations

import os
import re
from pathlib import Path

from pipeline.formats import FORMATS
from pipeline.ingest.common import content_start, read_head
from pipeline.ingest.json_values import collection_head
from pipeline.ingest.pubtator import sniff_pubtator

__all__ = ["FORMATS", "JSONL_EXTS", "TEXT_EXTS", "detect_format"]

TEXT_EXTS = {".txt", ".md", ".markdown", ".text"}
JSONL_EXTS = {".jsonl", ".ndjson"}

_XML_ROOT = re.compile(rb"<(?![?!])([A-Za-z_][\w.:-]*)")


def _base_name(path: Path) -> str:
    name = path.name.lower()
    return name[:-3] if name.endswith(".gz") else name


def _ext(path: Path) -> str:
    return os.path.splitext(_base_name(path))[1]


def _xml_kind(head: bytes) -> str | None:
    stripped = content_start(head)
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
    if root in (b"PubmedArticleSet", b"PubmedArticle", b"PubmedBookArticle",
                b"PubmedBookArticleSet", b"MedlineCitationSet", b"MedlineCitation"):
        return "pubmed"
    return None


#: How an array of documents (or an empty one) opens: what a file of another extension than
#: .json must start with to be read as one (a log line "[12:00] ..." or an INI "[section]" not)
_ARRAY_OF_OBJECTS = re.compile(rb"\[[ \t\r\n]*(?:[{\]]|$)")
#: How a JSON object opens: what a file of another extension than .json that starts with "{"
#: must go on with to be read as JSON (an RTF document's "{\rtf1" not)
_OBJECT = re.compile(rb"\{[ \t\r\n]*(?:[\"}]|$)")


def _json_kind(head: bytes, named: bool = True) -> str | None:
    """The JSON format of a file by its head; `named`: its name says JSON (.json), else an
    array must open as one of objects."""
    stripped = content_start(head)
    if stripped[:1] not in (b"{", b"["):
        return None
    if not named and stripped[:1] == b"[" and not _ARRAY_OF_OBJECTS.match(stripped):
        return None
    if not named and stripped[:1] == b"{" and not _OBJECT.match(stripped):
        return None
    if b'"passages"' in head or b'"PubTator3"' in head or (b'"documents"' in head and (
            b'"source"' in head or collection_head(stripped))):
        return "bioc"
    if stripped[:1] == b"{":
        # a first line that is "{" alone starts an object over several lines (json.dump with
        # an indent, jq without -c), which no JSON Lines line can be
        first = stripped.split(b"\n", 1)[0]
        return "json" if first.rstrip() == b"{" and b"\n" in stripped else "jsonl"
    return "json"  # an array of documents (`ingest/json_array.py`)


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
        first = head.lstrip(b"\xef\xbb\xbf \t\r\n\f\v").split(b"\n", 1)[0]  # past blank lines
        return "bioc" if b'"passages"' in first else "jsonl"
    if ext == ".xml" or ext == ".bioc":
        return _xml_kind(head)
    if ext == ".json":
        return _json_kind(head)
    if sniff_pubtator(head):
        return "pubtator"
    return _xml_kind(head) or _json_kind(head, named=False)
