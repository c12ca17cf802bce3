"""A BioC document (`bioc.BioCDocument`, from BioC XML or JSON) as a `Document`: its passages
laid out into one text, its annotations placed in that text, an error row for each problem.

Text layout: passages are placed at their BioC offsets, so every passage and annotation offset
indexes the stored text unchanged. The gap before a passage is filled with spaces ending in one
"\\n" (PubTator3's title at 0 and abstract at len(title)+1 gives "title\\nabstract"). A passage
whose offset overlaps text already placed (offsets missing/zero) is appended after a "\\n" and its
annotations are shifted; an error row "passage_offsets" says so. So is a passage whose offset
would take the text past the per-record cap (`max_record_bytes`, counted in characters): a
398-byte file with a passage at offset 200,000,000 would otherwise be a 200-million-character
document; so is one whose gap would pad the document with more spaces than MIN_PADDING or
PADDING_PER_CHAR per character of its own text allow (a tiny document at offset 30,000,000 was
30 million spaces to annotate, from a few hundred bytes of input). Its text and annotations are
kept (appended after a "\\n", annotations shifted) rather than the document refused, with one
"passage_offsets" row naming the offsets. Sentences placed by their offsets (a passage without
text) get the same bounds: a gap past them is one space, and annotations that then do not match
the text are "bad_offsets" rows. Title = text of the
passage with infon type "title"/"front" (or section_type "TITLE").
meta: infons, annotations [{start, end, text, type, id, infons[, locations]}], relations,
passages [{start, end, type, section_type}], and the extra fields the reader passes (PubTator3's
pmid/pmcid/journal/year/authors).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bioc import BioCAnnotation, BioCDocument, BioCPassage

from pipeline.documents import Document, ErrorRecord, normalize_text
from pipeline.ingest.common import err, shown_name, shown_text
from pipeline.ingest.nfc import NfcOffsets
from pipeline.plural import noun, plural

TITLE_TYPES = {"title", "front"}

#: Spaces a document's text may get to keep its passages (and sentences) at their BioC offsets:
#: PADDING_PER_CHAR per character of its own text, at least MIN_PADDING. Real layouts pad a
#: character or two between passages (a filtered full text: what was taken out); bounded by the
#: record cap alone, one passage 30,000,000 characters on made a 335-byte file 30 million spaces
#: to annotate (24 s with the lexicons alone), and a file of 3,000 such documents would be 90
#: billion characters from 1 MB of input.
MIN_PADDING = 10_000
PADDING_PER_CHAR = 10


#: The characters of a bad offset an errors row shows (the record may hold megabytes of it).
SHOWN_VALUE_CHARS = 40


def whole_number(value: str, what: str) -> int:
    """An offset or length as written; ValueError naming `what` and the value (its first
    SHOWN_VALUE_CHARS characters) when it is no whole number, or one of more digits than Python
    converts."""
    try:
        return int(value)
    except ValueError:
        written = value.strip()
        shown = repr(written[:SHOWN_VALUE_CHARS]) + ("..." if len(written) > SHOWN_VALUE_CHARS
                                                     else "")
        if written.lstrip("+-").isdigit():
            raise ValueError(f"{what} {shown} has {len(written):,} digits, more than the "
                             f"{sys.get_int_max_str_digits():,} Python converts") from None
        raise ValueError(f"{what} {shown} is not a whole number") from None


@dataclass(frozen=True)
class Absent:
    """An annotation location's offset or length the input does not give (a BioC XML
    attribute or JSON key left out, a JSON location that is no object): `why` completes "location
    offset ..." in the annotation's bad_offsets row."""

    why: str = "is missing"


def offset_number(value: Any, what: str) -> int:
    """An annotation location's offset or length, or a BioC JSON passage's or sentence's
    offset: a number (a JSON float is cut to its whole part, as int() cuts it) or a string of
    one (BioC XML's attributes, `whole_number`);
    ValueError naming `what` and the value for anything else (JSON's null, NaN, Infinity, an
    array; `Absent`: no value)."""
    if isinstance(value, Absent):
        raise ValueError(f"{what} {value.why}")
    if isinstance(value, str):
        return whole_number(value, what)
    try:
        return int(value)
    except (TypeError, ValueError, OverflowError):
        written = json.dumps(value, default=str)  # JSON's words: null, Infinity
        shown = written[:SHOWN_VALUE_CHARS] + ("..." if len(written) > SHOWN_VALUE_CHARS
                                               else "")
        raise ValueError(f"{what} {shown} is not a whole number") from None


def to_documents(bdoc: BioCDocument, source: str, index: int, path: Path,
                 extra: dict[str, Any], loc: str, max_chars: int,
                 dropped: Sequence[tuple[str, str]] = ()) -> Iterator[Document | ErrorRecord]:
    """`_convert` for one document (record `index` of `path`, at `loc`), its failures (a
    passage or sentence offset that is not a number, or is JSON's Infinity: OverflowError; a
    value of the wrong type, nesting too deep) an error row for that document only (an
    annotation location's offset or length that is not a number costs that annotation only:
    `_place`). `dropped`: the kind and message of a row for each annotation or relation the
    reader left out ("bad_offsets", "annotation 2 of passage 1 is a JSON number, not an object;
    annotation dropped")."""
    try:
        out = list(_convert(bdoc, source, index, path, extra, loc, max_chars, dropped))
    except (ValueError, TypeError, KeyError, AttributeError, RecursionError,
            ArithmeticError) as exc:
        ident = str(bdoc.id) if bdoc.id not in (None, "") else None
        yield err(source, "bad_bioc", f"malformed BioC document: {type(exc).__name__}: {exc}",
                  loc, ident)
        return
    yield from out


def _passage_text(p: BioCPassage, max_chars: int) -> str | None:
    """The passage's text, else its sentences placed at their offsets (a gap that would take
    the passage past `max_chars`, what the document's record cap leaves, is one space: see the
    module docstring). `bioc` gives a passage
    without text "" (not None): a passage of sentences alone is read from its sentences."""
    if p.text or not p.sentences:
        return None if p.text is None else str(p.text)
    out = ""
    for s in sorted(p.sentences, key=lambda s: s.offset):
        rel = s.offset - p.offset
        if len(out) < rel <= max_chars:
            out += " " * (rel - len(out))
        elif rel != len(out) and out:
            out += " "
        out += s.text or ""
    return out


@dataclass
class _Pending:
    """An annotation waiting for its offsets: where its passage starts in BioC (`bioc_offset`)
    and in our text (`placed`), and the passage's offset map when NFC normalization changed
    its text (None when it did not; one map per passage, shared by its annotations)."""

    annotation: BioCAnnotation
    bioc_offset: int
    placed: int
    remap: NfcOffsets | None


@dataclass
class _Layout:
    """A document's passages placed at their BioC offsets (see the module docstring)."""

    text: str
    title: str | None
    passages: list[dict[str, Any]]
    pending: list[_Pending]
    rebased: int  # passages appended after a newline: their offsets overlap earlier text
    far: list[int]  # offsets of passages appended after a newline: placing them would pad
    # the text past the record cap


def _doc_id(bdoc: BioCDocument, path: Path, index: int) -> str:
    """The document's id, else `<file name>:<record number>`."""
    doc_id = str(bdoc.id).strip() if bdoc.id not in (None, "") else ""
    return doc_id or f"{path.name.split('.')[0]}:{index + 1}"


def _is_title(ptype: Any, section_type: Any) -> bool:
    return str(ptype).lower() in TITLE_TYPES or str(section_type).upper() == "TITLE"


def _lay_out(bdoc: BioCDocument, max_chars: int) -> _Layout:
    """The text of the passages placed at their offsets, the title, the passages' places and
    the annotations to place (the passages' and sentences', then the document's own). No
    padding takes the text past `max_chars` (the record cap)."""
    pieces: list[str] = []
    cur = 0
    title: str | None = None
    passages: list[dict[str, Any]] = []
    pending: list[_Pending] = []
    rebased = 0
    far: list[int] = []
    own = [_own_chars(p) for p in bdoc.passages]
    padding = max(MIN_PADDING, PADDING_PER_CHAR * sum(own))  # what may still be padded
    for p, own_chars in zip(bdoc.passages, own, strict=True):
        # the room left for the passage: the record cap, and its own text with the padding left
        raw = _passage_text(p, max(0, min(max_chars - cur, own_chars + padding)))
        if raw is None:
            continue
        padding -= max(0, len(raw) - own_chars)  # its sentences' gaps
        ptext = normalize_text(raw)
        off = int(p.offset)
        if cur <= off and off + len(ptext) <= max_chars and off - cur <= padding:
            gap = off - cur
            padding -= gap
            pad = (" " * (gap - 1) + "\n") if gap and pieces else " " * gap
        else:
            pad = "\n" if pieces else ""
            if off < cur:
                rebased += 1
            else:
                far.append(off)
        pieces.append(pad)
        placed = cur + len(pad)
        pieces.append(ptext)
        cur = placed + len(ptext)
        ptype = p.infons.get("type")
        section_type = p.infons.get("section_type")
        passages.append({"start": placed, "end": cur, "type": ptype,
                         "section_type": section_type})
        if title is None and _is_title(ptype, section_type):
            title = " ".join(ptext.split()) or None
        anns = list(p.annotations) + [a for s in p.sentences for a in s.annotations]
        remap = NfcOffsets(raw) if anns and ptext != raw else None
        pending.extend(_Pending(a, off, placed, remap) for a in anns)
    pending.extend(_Pending(a, 0, 0, None) for a in bdoc.annotations)
    return _Layout("".join(pieces), title, passages, pending, rebased, far)


def _own_chars(p: BioCPassage) -> int:
    """The characters of a passage's own text: its text, else its sentences' and the spaces
    between them."""
    if p.text or not p.sentences:
        return len(str(p.text or ""))
    return sum(len(s.text or "") + 1 for s in p.sentences)


def _place(item: _Pending, text: str) -> tuple[dict[str, Any] | None, str | None]:
    """(annotation row, None), or (None, why it was dropped), or (None, None) for an
    annotation without locations."""
    a = item.annotation
    if not a.locations:
        return None, None
    atext = normalize_text(a.text) if a.text is not None else None
    spans = []
    for bl in a.locations:
        try:
            s0 = offset_number(bl.offset, "location offset") - item.bioc_offset
            e0 = s0 + offset_number(bl.length, "location length")
        except ValueError as exc:
            return None, f"annotation {shown_text(atext)}: {exc}; annotation dropped"
        if item.remap is not None:
            s0, e0 = item.remap(s0), item.remap(e0)
        spans.append((item.placed + s0, item.placed + e0))
    start = min(s for s, _ in spans)
    end = max(e for _, e in spans)
    infons = dict(a.infons)
    ok = 0 <= start <= end <= len(text)
    if ok and len(spans) == 1 and atext is not None and text[start:end] != atext:
        ok = False
    if not ok:
        found = text[start:end] if 0 <= start <= end <= len(text) else "<out of range>"
        return None, (f"annotation {shown_text(atext)} at {start}-{end} does not match the "
                      f"text there ({shown_text(found)}); annotation dropped")
    ident = (infons.get("identifier") or infons.get("Identifier")
             or infons.get("MESH") or infons.get("NCBI Gene") or None)
    ann: dict[str, Any] = {"start": start, "end": end, "text": atext,
                           "type": infons.get("type"), "id": ident, "infons": infons}
    if len(spans) > 1:
        ann["locations"] = [[s, e] for s, e in spans]
    return ann, None


def _relations(bdoc: BioCDocument) -> list[dict[str, Any]]:
    """The document's relations, then each passage's and its sentences' (as their
    annotations are kept: a sentence's relations were left out, silently)."""
    return [{"id": r.id, "infons": dict(r.infons),
             "nodes": [{"refid": n.refid, "role": n.role} for n in r.nodes]}
            for r in list(bdoc.relations)
            + [r for p in bdoc.passages
               for r in [*p.relations, *(r for s in p.sentences for r in s.relations)]]]


def _appended(n: int) -> str:
    """What became of `n` passages not placed at their offsets, for a passage_offsets row."""
    return (f"{noun(n, 'it was', 'they were')} appended after a newline and "
            f"{noun(n, 'its', 'their')} annotations shifted")


def _convert(bdoc: BioCDocument, source: str, index: int, path: Path,
             extra: dict[str, Any], loc: str, max_chars: int,
             dropped: Sequence[tuple[str, str]] = ()) -> Iterator[Document | ErrorRecord]:
    """One BioC document as a Document, after an error row for each problem it has (no text,
    passages rebased, annotations whose offsets do not match the text)."""
    doc_id = _doc_id(bdoc, path, index)
    named = shown_name(doc_id)  # the id in a message
    layout = _lay_out(bdoc, max_chars)
    text = layout.text
    if not text.strip():
        yield err(source, "empty_document", f"BioC document {named} has no passage text", loc,
                  doc_id)
        return
    if layout.rebased:
        yield err(source, "passage_offsets",
                  f"{plural(layout.rebased, 'passage')} of BioC document {named} "
                  f"{noun(layout.rebased, 'overlaps', 'overlap')} earlier text (offsets "
                  f"missing or inconsistent); {_appended(layout.rebased)}", loc, doc_id)
    if layout.far:
        n = len(layout.far)
        shown = ", ".join(f"{o:,}" for o in layout.far[:5]) + (" ..." if n > 5 else "")
        yield err(source, "passage_offsets",
                  f"{plural(n, 'passage')} of BioC document {named} could not be placed at "
                  f"{noun(n, 'its offset', 'their offsets')} ({shown}) within the "
                  f"{max_chars:,}-character record cap and the spaces a document may be "
                  f"padded with ({PADDING_PER_CHAR} per character of its text, at least "
                  f"{MIN_PADDING:,}); {_appended(n)}", loc, doc_id)
    for kind, why in dropped:
        yield err(source, kind, why, loc, doc_id)
    annotations: list[dict[str, Any]] = []
    for item in layout.pending:
        ann, problem = _place(item, text)
        if problem is not None:
            yield err(source, "bad_offsets", problem, loc, doc_id)
        elif ann is not None:
            annotations.append(ann)
    annotations.sort(key=lambda a: (a["start"], a["end"]))
    relations = _relations(bdoc)
    meta: dict[str, Any] = dict(extra)
    if bdoc.infons:
        meta["infons"] = dict(bdoc.infons)
    meta["annotations"] = annotations
    if relations:
        meta["relations"] = relations
    meta["passages"] = layout.passages
    yield Document(doc_id=doc_id, text=text, source=source, format="bioc", title=layout.title,
                   meta=meta, location=loc)
