"""IOB2 corpora: reading, text reconstruction and conversion to spaCy `Doc`s / `DocBin`s.

Shared by training (`pipeline.train`) and evaluation. An IOB file has one `TOKEN<TAB>TAG` per line
and a blank line between sentences; tags are IOB2 (`B-Chemical`, `I-Disease`, `O`, ...).

The text of a sentence is its tokens joined by single spaces; entities become character offsets
into that text. Conversion to `Doc`s re-tokenizes the text with the *runtime* tokenizer (scispacy's
`combined_rule_tokenizer`) so that training sees the same tokens as inference; entity character
spans are mapped to tokens with `alignment_mode="expand"` and every span whose boundaries do not
fall on token boundaries is counted (and logged) as a misalignment.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipeline.labels import DISEASE, DRUG
from pipeline.plural import plural

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc, Span

logger = logging.getLogger(__name__)

#: Corpus label -> biotab label.
LABEL_MAP: dict[str, str] = {"Chemical": DRUG, "Disease": DISEASE}


@dataclass
class IOBSentence:
    """One sentence of an IOB file."""

    tokens: list[str]
    tags: list[str]

    @property
    def text(self) -> str:
        return " ".join(self.tokens)


@dataclass
class IOBDocument:
    """Text with character-offset entities `(start, end, label)` (end-exclusive).

    `partial_labels` names labels annotated in this document; when it is set, text outside the
    annotated entities is *not* known to be outside every other label (see `to_doc`).
    `outside_spans` are character spans known to be outside any entity even when `partial_labels`
    is set.
    """

    text: str
    entities: list[tuple[int, int, str]]
    doc_id: str = ""
    partial_labels: frozenset[str] | None = None
    outside_spans: list[tuple[int, int]] = field(default_factory=list)


@dataclass
class ConversionStats:
    docs: int = 0
    sentences: int = 0
    entities: int = 0
    misaligned: int = 0
    dropped: int = 0
    examples: list[str] = field(default_factory=list)

    def log(self, name: str) -> None:
        logger.info(
            "%s: %s, %s, %s, %d misaligned (expanded), %d dropped",
            name,
            plural(self.docs, "doc"),
            plural(self.sentences, "sentence"),
            plural(self.entities, "entity", "entities"),
            self.misaligned,
            self.dropped,
        )
        for ex in self.examples[:5]:
            logger.debug("  misaligned: %s", ex)


#: An IOB2 tag: `O`, or B-/I- (E-/S- of IOBES too) and a type (`B-Chemical`, `I-Disease`).
IOB_TAG = re.compile(r"O|[BIES]-.+")


class IOBFormatError(ValueError):
    """A line of an IOB file that is not `TOKEN<TAB>TAG` with an IOB2 tag, or not UTF-8."""


def read_iob(path: str | Path, problems: list[str] | None = None) -> list[IOBSentence]:
    """Read an IOB2 file (gzip-aware) into sentences. A line that is not `TOKEN<TAB>TAG` with an
    IOB2 tag, or not UTF-8, raises IOBFormatError naming the file and line; given `problems`, it
    leaves its sentence out instead and "FILE, line N: kind: message" is appended there (the
    sentences around it are read: a damaged gold line costs its sentence, not the file)."""
    from pipeline.ingest.common import open_binary

    sentences: list[IOBSentence] = []
    tokens: list[str] = []
    tags: list[str] = []
    bad = False  # the current sentence has a line that could not be read

    def end_sentence() -> None:
        nonlocal tokens, tags, bad
        if tokens and not bad:
            sentences.append(IOBSentence(tokens, tags))
        tokens, tags, bad = [], [], False

    with open_binary(Path(path)) as fh:
        for lineno, raw in enumerate(fh, 1):
            try:
                read = token_and_tag(raw.decode("utf-8"))
                if read is None:
                    end_sentence()
                    continue
                token, tag = read
            except ValueError as exc:  # UnicodeDecodeError too
                kind = "not_utf8" if isinstance(exc, UnicodeDecodeError) else "bad_line"
                message = f"{path}, line {lineno}: {kind}: {exc}"
                if problems is None:
                    raise IOBFormatError(f"{path}:{lineno}: {exc}") from None
                problems.append(f"{message}; its sentence is left out")
                bad = True
                continue
            tokens.append(token)
            tags.append(tag)
    end_sentence()
    return sentences


def token_and_tag(raw: str) -> tuple[str, str] | None:
    """An IOB line's token and tag (`raw` with or without its line ending: "\n", "\r\n");
    None for a blank line (between sentences); ValueError when it is not `TOKEN<TAB>TAG`
    (or token, spaces, tag; or more tab-separated columns, the tag the last) with an
    `IOB_TAG`. What an IOB line is, for `read_iob` and for telling a file of IOB tokens
    (`ingest.head_checks`)."""
    line = raw.rstrip("\n").rstrip("\r")
    if not line.strip():
        return None
    parts = line.split("\t")
    if len(parts) < 2:
        parts = line.rsplit(None, 1)
    if len(parts) < 2:
        raise ValueError(f"expected 'TOKEN<TAB>TAG', got {line[:200]!r}")
    token, tag = parts[0], parts[-1].strip()
    if not IOB_TAG.fullmatch(tag):
        raise ValueError(f"bad IOB tag {tag[:200]!r} (expected O, B-X or I-X)")
    return token.strip() or "_", tag


def is_token_line(raw: str) -> bool:
    """Whether `raw` is a line of IOB tokens (`token_and_tag` reads a token and tag in it)."""
    try:
        return token_and_tag(raw) is not None
    except ValueError:
        return False


def sentence_entities(
    sent: IOBSentence, label_map: Mapping[str, str] | None = LABEL_MAP
) -> list[tuple[int, int, str]]:
    """Character-offset entities of a sentence in its space-joined text.

    An `I-X` that does not continue an `X` entity starts a new one (IOB1-tolerant). Labels
    not in `label_map` are kept as they are when `label_map` is None, dropped otherwise.
    """
    ents: list[tuple[int, int, str]] = []
    offset = 0
    cur: list[Any] | None = None  # [start, end, label]
    for tok, tag in zip(sent.tokens, sent.tags, strict=True):
        start, end = offset, offset + len(tok)
        offset = end + 1
        if tag == "O":
            if cur:
                ents.append((cur[0], cur[1], cur[2]))
            cur = None
            continue
        prefix, label = tag[0], tag[2:]
        if prefix in "BS" or cur is None or cur[2] != label:
            if cur:
                ents.append((cur[0], cur[1], cur[2]))
            cur = [start, end, label]
        else:
            cur[1] = end
        if prefix in "ES":
            ents.append((cur[0], cur[1], cur[2]))
            cur = None
    if cur:
        ents.append((cur[0], cur[1], cur[2]))
    if label_map is None:
        return ents
    return [(s, e, label_map[lab]) for s, e, lab in ents if lab in label_map]


def group_sentences(
    sentences: Sequence[IOBSentence],
    per_doc: int = 1,
    label_map: Mapping[str, str] | None = LABEL_MAP,
    doc_prefix: str = "doc",
) -> Iterator[IOBDocument]:
    """Join `per_doc` consecutive sentences (single spaces) into documents with char offsets."""
    per_doc = max(1, per_doc)
    for i in range(0, len(sentences), per_doc):
        chunk = sentences[i : i + per_doc]
        parts: list[str] = []
        ents: list[tuple[int, int, str]] = []
        offset = 0
        for sent in chunk:
            text = sent.text
            ents.extend(
                (s + offset, e + offset, lab) for s, e, lab in sentence_entities(sent, label_map)
            )
            parts.append(text)
            offset += len(text) + 1
        yield IOBDocument(" ".join(parts), ents, doc_id=f"{doc_prefix}{i // per_doc}")


def read_iob_documents(
    path: str | Path, per_doc: int = 1, label_map: Mapping[str, str] | None = LABEL_MAP,
    problems: list[str] | None = None,
) -> list[IOBDocument]:
    """Read an IOB file into documents of `per_doc` sentences (text = tokens joined by spaces);
    `problems`: as `read_iob`'s."""
    return list(
        group_sentences(read_iob(path, problems), per_doc, label_map,
                        doc_prefix=Path(path).stem + ":")
    )


def runtime_tokenizer_nlp() -> Language:
    """A blank English pipeline with the runtime tokenizer (`pipeline.tokenizer`)."""
    from pipeline.nlp import blank_nlp

    return blank_nlp()


def to_doc(nlp: Language, item: IOBDocument, stats: ConversionStats | None = None) -> Doc:
    """Tokenize `item.text` with `nlp.tokenizer` and set gold entities (expand-aligned).

    Overlapping entities after expansion keep the first (longest-first) one; the other is dropped
    and counted. With `item.partial_labels`, tokens outside the gold entities are set to *missing*
    (unknown) instead of O, except tokens inside `item.outside_spans`.
    """
    doc = nlp.make_doc(item.text)
    spans = []
    taken: set[int] = set()
    for start, end, label in sorted(item.entities, key=lambda e: (e[0], -(e[1] - e[0]))):
        span = doc.char_span(start, end, label=label, alignment_mode="expand")
        if stats is not None:
            stats.entities += 1
        if span is None:
            if stats is not None:
                stats.dropped += 1
            continue
        if stats is not None and (span.start_char != start or span.end_char != end):
            stats.misaligned += 1
            if len(stats.examples) < 50:
                stats.examples.append(f"{item.text[start:end]!r} -> {span.text!r}")
        idx = set(range(span.start, span.end))
        if idx & taken:
            if stats is not None:
                stats.dropped += 1
            continue
        taken |= idx
        spans.append(span)
    if item.partial_labels is None:
        doc.set_ents(spans, default="outside")
    else:
        outside: list[Span] = []
        for s, e in item.outside_spans:
            sp = doc.char_span(s, e, alignment_mode="contract")
            if sp is not None:
                outside.extend(doc[i : i + 1] for i in range(sp.start, sp.end) if i not in taken)
        doc.set_ents(spans, outside=outside, default="missing")
    if stats is not None:
        stats.docs += 1
    return doc


def to_docs(
    nlp: Language, items: Iterable[IOBDocument], stats: ConversionStats | None = None
) -> Iterator[Doc]:
    for item in items:
        yield to_doc(nlp, item, stats)


def save_docbin(docs: Iterable[Doc], path: str | Path) -> int:
    """Write docs (with ents) to a DocBin at `path`; returns the number of docs."""
    from spacy.tokens import DocBin

    db = DocBin(attrs=["ORTH", "ENT_IOB", "ENT_TYPE"], store_user_data=False)
    n = 0
    for doc in docs:
        db.add(doc)
        n += 1
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    db.to_disk(path)
    return n


def convert_iob_file(
    src: str | Path,
    dest: str | Path,
    nlp: Language | None = None,
    per_doc: int = 1,
    label_map: Mapping[str, str] | None = LABEL_MAP,
) -> ConversionStats:
    """Convert one IOB file to a DocBin re-tokenized with the runtime tokenizer."""
    nlp = nlp or runtime_tokenizer_nlp()
    sentences = read_iob(src)
    stats = ConversionStats(sentences=len(sentences))
    items = group_sentences(sentences, per_doc, label_map, doc_prefix=Path(src).stem + ":")
    save_docbin(to_docs(nlp, items, stats), dest)
    stats.log(str(src))
    return stats
