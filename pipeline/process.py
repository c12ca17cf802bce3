"""Documents in, table rows out: the split, tag and outcomes stages over one batch.

`process_documents` is the one function every engine (local process pool, Dask) calls; it holds
no I/O. A document that makes the pipeline fail yields an `errors` row, not a crash.

Long documents: a text longer than `chunk_chars` (default `DEFAULT_CHUNK_CHARS`, and never more
than `nlp.max_length`, past which spaCy refuses a text), or of more than about
`MAX_CHUNK_TOKENS` tokens, is annotated in chunks of at most that many characters and tokens, cut
after a blank line, a sentence end, ";", "," or whitespace where one is in reach
(`pipeline.components.sentences.cut_point`); its rows are shifted to offsets into the whole text,
sentence and mention numbers run on across chunks, and `outcome_id` is rebuilt from the shifted
values. A chunk boundary is also a sentence boundary, and what components do across a whole
document stays within a chunk (mention propagation, one label per string, the arms and group
sizes biotab_outcomes reads from earlier sentences), except the study design (the first chunk's,
with its cue, given to the later ones: `study_design_given`), the language (the one of most
characters over the chunks) and abbreviation definitions: those of the chunks so far (the
first of each short form, at most `abbreviations.MAX_CARRIED_DEFINITIONS` of at most
`MAX_DEFINITION_CHARS`) that the next chunk can use are written after its text, past a blank
line, and annotated with it
(`Doc._.carried_from` says where they start), so that the chunk's short forms are resolved as if
the definition were in it (1,000,000 characters of concatenated BC5CDR abstracts, which define
hundreds of abbreviations: 1,500 to 5,500 characters after each later 200,000-character chunk,
and 11-15% more CPU time, most of it biotab_fusion's, which grows with definitions times
mentions; measured with chunks of 200,000 characters, the default then). Rows and words come from
the chunk's own text only; the chunk's language is its Doc's, carried lines included (short
lines, which take the document's language). The chunks bound the time of components whose
time grows faster than the document's length (scispacy's abbreviation detector and
biotab_fusion: see benchmarks/long_doc.py); 150,000 characters is three times a long full-text
article.

A long document's rows leave chunk by chunk (`chunked_doc_parts`): one `Rows` per chunk
(`Rows.partial`), then one with its documents row (the number of sentences and the language are
known at its end), or with an errors row when a later chunk fails. Its consumer holds the parts
until then: the runners' writer keeps them in a temporary file (`ShardWriter.add(partial=True)`,
`pipeline.shard_writer.HeldRows`) and stores them before the documents row, or drops them with
the document, so that no table holds rows of a document the documents table lacks.

Memory: a batch holds at most `batch_size` documents and, past its first document, at most
`batch_chars` characters of text (`DEFAULT_BATCH_CHARS`), so the Docs held at once stay small
whatever the documents' lengths; a long document is annotated alone, one chunk's Doc and rows
at a time. What still grows with one document's length is its text (the reader's copies, the
documents row that holds it, its SHA-256's encoding, the writing of that row).

Time limit: `doc_timeout_s` bounds the annotation of each document (of a long one, its chunks'
annotation added up; not the time its consumer takes over the parts). A batch is first annotated as
a whole under one limit; when that is hit, its documents are annotated one at a time, each under
its own limit, and a document that hits it gives an `errors` row (stage of the component that was
running, error "timeout") while the rest are kept. (The batch's limit is one document's, not the
sum: a batch of slow but valid documents that exceeds it is annotated twice, at worst doubling its
time; a sum would let one stuck document hold a worker for batch_size times the limit.)
In a process's main thread (the local pool's workers, inline runs) the limit is a SIGALRM
timer, which interrupts a component between two Python operations (a single long C call, such
as one regex over a huge string, finishes first).
Elsewhere (Dask worker threads, where signals cannot be used) the deadline is checked between
components: a component that is already running is not interrupted.
"""

from __future__ import annotations

import itertools
import logging
import re
import signal
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass, field
from types import FrameType
from typing import Any

import numpy
from spacy.attrs import IDX, IS_PUNCT, IS_SPACE
from spacy.language import Language
from spacy.tokens import Doc

from pipeline.components.abbreviations import CarriedDefinitions
from pipeline.components.sentences import cut_point
from pipeline.documents import Document, ErrorRecord
from pipeline.extensions import doc_text
from pipeline.ingest import document_row, error_row
from pipeline.limits import (
    DEFAULT_BATCH_CHARS,
    DEFAULT_BATCH_SIZE,
    DEFAULT_CHUNK_CHARS,
    DEFAULT_DOC_TIMEOUT_S,
    MAX_CHUNK_TOKENS,
)
from pipeline.outcomes import outcome_rows
from pipeline.output_folder import TABLES
from pipeline.split import sentence_rows
from pipeline.tag import mention_rows

log = logging.getLogger(__name__)

# what the tokenizer makes a token at least: a run of word characters, a punctuation mark, and
# a run of whitespace other than the one space that may follow a token (spaCy makes "\n",
# "\n\n" and "  " tokens: a word list of one word a line has twice the tokens of its words)
_TOKEN_GUESS = re.compile(r"\w+|[^\w\s]|\s{2,}|[^\S ]")
# a word or a number (with its decimals) that ends where a chunk would be cut, looked for in
# the last WORD_TAIL_CHARS before the cut (searched from further back, a long "1,2,3,..." run
# was read again from each of its positions)
_WORD_TAIL = re.compile(r"\w+(?:[.,·]\w+)*[.,·]?$")
WORD_TAIL_CHARS = 100

# The stage an errors row names for a timeout in each component; every other component is "tag".
_STAGE_OF = {
    "tokenizer": "split",
    "biotab_sentences": "split",
    "biotab_sections": "split",
    "biotab_language": "split",
    "biotab_outcomes": "outcomes",
}


@dataclass
class Rows:
    """Rows for every table, as plain dicts matching the table schemas."""

    tables: dict[str, list[dict[str, Any]]] = field(
        default_factory=lambda: {name: [] for name in TABLES}
    )
    n_words: int = 0
    #: the rows of one piece of a long document, whose documents row (or errors row, when it
    #: fails) comes in a later `Rows` (module docstring): the consumer holds them until then
    partial: bool = False

    def extend(self, other: Rows) -> None:
        for name, rows in other.tables.items():
            self.tables[name].extend(rows)
        self.n_words += other.n_words

    def counts(self) -> dict[str, int]:
        return {name: len(rows) for name, rows in self.tables.items()}


def doc_rows(document: Document, doc: Doc) -> Rows:
    """The rows one annotated document contributes to each table."""
    rows = _content_rows(document.doc_id, doc)
    n_sentences = len(rows.tables["sentences"])
    rows.tables["documents"].append(document_row(
        document, n_sentences, doc._.language, doc._.study_design, doc._.study_design_cue))
    return rows


def publication_types(document: Document) -> tuple[str, ...]:
    """The document's publication types from its metadata (a PubMed record's
    `publication_types`; the same field of a JSONL record, a name or a list of names);
    anything else gives none."""
    given = (document.meta or {}).get("publication_types")
    if isinstance(given, str):
        given = [given]
    if not isinstance(given, list):
        return ()
    return tuple(t for t in given if isinstance(t, str))


#: a title is in its document's text when it stands within this many characters of its start
_TITLE_REACH = 1000


def document_attrs(document: Document) -> dict[str, Any]:
    """What the pipeline reads of a document besides its text, as `Doc._` values set before it
    runs (`annotate`): its publication types, and its title where the text does not hold it (a
    JSONL or JSON record's title field: `title_given`); both read by `biotab_design`."""
    attrs: dict[str, Any] = {}
    types = publication_types(document)
    if types:
        attrs["publication_types"] = types
    title = (document.title or "").strip()
    if title and title not in document.text[: len(title) + _TITLE_REACH]:
        attrs["title_given"] = title
    return attrs


def _content_rows(doc_id: str, doc: Doc, end: int | None = None) -> Rows:
    """The sentences, mentions and outcomes rows of one annotated Doc (or chunk); with `end`,
    only those starting before that offset (a chunk's own text, not its carried definitions)."""
    rows = Rows()
    text = doc_text(doc)
    rows.tables["sentences"] = sentence_rows(doc, doc_id, text)
    rows.tables["mentions"] = mention_rows(doc, doc_id, text)
    rows.tables["outcomes"] = outcome_rows(doc, doc_id)
    if end is not None:
        # what is carried comes after the chunk, in sentences of its own: the rows kept are
        # the first ones, numbered as they were
        for name, table in rows.tables.items():
            rows.tables[name] = [row for row in table if row["start_char"] < end]
    rows.n_words = count_words(doc, end)
    return rows


def token_estimate(text: str, start: int = 0, end: int | None = None) -> int:
    """About how many tokens text[start:end] gives (`_TOKEN_GUESS`; the tokenizer's infixes
    make a few more)."""
    return sum(1 for _ in _TOKEN_GUESS.finditer(text, start, len(text) if end is None else end))


def _tokens_over(text: str, limit: int, start: int = 0, end: int | None = None) -> bool:
    """Does text[start:end] give more than `limit` tokens (`token_estimate`)? Counted no
    further than the one past the limit: no list of a long text's tokens, and a long text
    tested again costs no more than its first `limit` tokens."""
    found = _TOKEN_GUESS.finditer(text, start, len(text) if end is None else end)
    return next(itertools.islice(found, limit, None), None) is not None


def _between_tokens(text: str, start: int, end: int) -> int:
    """`end`, or the start of the word or number it would cut ("12.|5%"): text dense in tokens
    may have no whitespace where `cut_point` looks."""
    if end >= len(text) or not text[end].isalnum():
        return end
    tail = _WORD_TAIL.search(text, max(start, end - WORD_TAIL_CHARS), end)
    return tail.start() if tail is not None and tail.start() > start else end


def needs_chunks(text: str, max_chars: int, max_tokens: int = MAX_CHUNK_TOKENS) -> bool:
    """Is `text` annotated in chunks: longer than `max_chars`, or of more than `max_tokens`
    tokens (only a text of more characters than that can be)?"""
    return len(text) > max_chars or (
        len(text) > max_tokens and _tokens_over(text, max_tokens)
    )


def chunk_bounds(
    text: str, max_chars: int, max_tokens: int = MAX_CHUNK_TOKENS
) -> list[tuple[int, int]]:
    """Consecutive (start, end) pieces covering `text`, each at most `max_chars` long and of at
    most about `max_tokens` tokens (a piece of more is cut again, at half its length)."""
    bounds = []
    start = 0
    while start < len(text):
        end = cut_point(text, start, start + max_chars)
        while end - start > 1 and _tokens_over(text, max_tokens, start, end):
            end = _between_tokens(text, start, cut_point(text, start, start + (end - start) // 2))
        bounds.append((start, end))
        start = end
    return bounds


def _shift(rows: Rows, offset: int, n_sentences: int, n_mentions: int) -> None:
    """Make a chunk's rows the whole document's: character offsets, sentence and mention numbers
    (and the outcome ids made of them) moved on by what came before the chunk."""
    for row in rows.tables["sentences"]:
        row["sent_idx"] += n_sentences
        row["start_char"] += offset
        row["end_char"] += offset
    for row in rows.tables["mentions"]:
        row["mention_id"] += n_mentions
        row["sent_idx"] += n_sentences
        row["start_char"] += offset
        row["end_char"] += offset
    for row in rows.tables["outcomes"]:
        row["sent_idx"] += n_sentences
        row["start_char"] += offset
        row["end_char"] += offset
        row["outcome_id"] = f"{row['sent_idx']}:{row['start_char']}"


def chunked_doc_parts(
    nlp: Language, document: Document, chunk_chars: int,
    running: Callable[[], AbstractContextManager[Deadline]],
) -> Iterator[Rows]:
    """The rows of a document longer than `chunk_chars` (or of too many tokens,
    `MAX_CHUNK_TOKENS`), annotated chunk by chunk: one `Rows` per chunk (`partial`, its
    sentences, mentions and outcomes), then one with its documents row. Each chunk is annotated
    and its rows made inside `running()` (its deadline); not while the caller holds a part."""
    n_sentences = n_mentions = 0
    languages: Counter[str] = Counter()
    carried = CarriedDefinitions()
    design: tuple[str | None, str | None] | None = None  # the first chunk's: title, opening
    attrs = document_attrs(document)
    for start, end in chunk_bounds(document.text, chunk_chars):
        with running() as deadline:
            chunk = document.text[start:end]
            # the definitions of the chunks before that this one can use, as many as spaCy's
            # length limit leaves room for
            definitions = carried.text(chunk, nlp.max_length - len(chunk))
            carried_from = len(chunk) if definitions else None
            chunk_attrs = {**attrs, "carried_from": carried_from, "study_design_given": design}
            (doc,) = annotate(nlp, [chunk + definitions], deadline, attrs=[chunk_attrs])
            carried.add(doc)
            if design is None:
                design = (doc._.study_design, doc._.study_design_cue)
            part = _content_rows(document.doc_id, doc, carried_from)
            languages[doc._.language] += end - start
            del doc  # not held while the part is written
        _shift(part, start, n_sentences, n_mentions)
        n_sentences += len(part.tables["sentences"])
        n_mentions += len(part.tables["mentions"])
        part.partial = True
        yield part
    language = languages.most_common(1)[0][0] if languages else None
    rows = Rows()
    rows.tables["documents"].append(document_row(document, n_sentences, language,
                                                 *(design or (None, None))))
    yield rows


def chunked_doc_rows(
    nlp: Language, document: Document, deadline: Deadline, chunk_chars: int
) -> Rows:
    """All the rows of a document longer than `chunk_chars` (`chunked_doc_parts`) in one
    `Rows`, annotated under `deadline` (checked between components, no timer)."""
    rows = Rows()
    for part in chunked_doc_parts(nlp, document, chunk_chars, lambda: nullcontext(deadline)):
        rows.extend(part)
    return rows


def count_words(doc: Doc, end: int | None = None) -> int:
    """Tokens that are neither whitespace nor punctuation (the words of words/s); with `end`,
    only those starting before that offset."""
    if not len(doc):
        return 0
    # the lexeme flags Token.is_space / Token.is_punct read, without a Token per token
    flags = doc.to_array([IS_SPACE, IS_PUNCT])
    words = (flags[:, 0] == 0) & (flags[:, 1] == 0)
    if end is not None:
        words &= doc.to_array(IDX) < end
    return int(numpy.count_nonzero(words))


class DocTimeout(BaseException):
    """The time limit was hit while `component` ran (a BaseException: components that catch
    Exception must not swallow it)."""

    def __init__(self, component: str) -> None:
        super().__init__(component)
        self.component = component


class Deadline:
    """When the current document (or batch) must be done, and which component is running."""

    def __init__(self, seconds: float | None) -> None:
        self.seconds = seconds
        self.end = None if seconds is None else time.monotonic() + seconds
        self.component = "tokenizer"

    def check(self, component: str) -> None:
        """Record that `component` starts; raise DocTimeout when the time is already up."""
        if self.end is not None and time.monotonic() > self.end:
            raise DocTimeout(self.component)
        self.component = component


@contextmanager
def time_limit(seconds: float | None) -> Iterator[Deadline]:
    """A deadline `seconds` from now, enforced by a SIGALRM timer in a main thread and by
    `Deadline.check` everywhere (module docstring)."""
    deadline = Deadline(seconds)
    if (
        seconds is None
        or threading.current_thread() is not threading.main_thread()
        or not hasattr(signal, "setitimer")
    ):
        yield deadline
        return

    def on_alarm(signum: int, frame: FrameType | None) -> None:
        raise DocTimeout(deadline.component)

    previous = signal.signal(signal.SIGALRM, on_alarm)
    try:  # the handler goes back even when the timer cannot be set
        signal.setitimer(signal.ITIMER_REAL, seconds)
        yield deadline
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def annotate(
    nlp: Language, texts: list[str], deadline: Deadline, *,
    attrs: Sequence[Mapping[str, Any]] | None = None,
) -> list[Doc]:
    """`list(nlp.pipe(texts))`, component by component, checking `deadline` between them.

    `attrs`: for each text, `Doc._` values to set before the pipeline runs (a value of None is
    left unset): `document_attrs`'s, and for a long document's chunks `carried_from` (where the
    abbreviation definitions carried from its earlier chunks start in the chunk's text; module
    docstring) and `study_design_given` (after the first chunk: the first chunk's design and cue,
    which `biotab_design` copies, so that the whole document is read with one design).
    """
    docs = []
    for i, text in enumerate(texts):
        deadline.check("tokenizer")
        doc = nlp.make_doc(text)
        for name, value in (attrs[i] if attrs else {}).items():
            if value is not None:
                setattr(doc._, name, value)
        docs.append(doc)
    for name, proc in nlp.pipeline:
        deadline.check(name)
        pipe = getattr(proc, "pipe", None)
        docs = list(pipe(docs)) if pipe is not None else [proc(doc) for doc in docs]
    return docs


def _error_rows(document: Document, stage: str, error: str, message: str) -> Rows:
    """The one errors row a document that could not be annotated contributes."""
    rows = Rows()
    rows.tables["errors"].append(error_row(ErrorRecord(
        source=document.source, location=document.location, doc_id=document.doc_id,
        stage=stage, error=error, message=message,
    )))
    return rows


def _timed_out(document: Document, exc: DocTimeout, seconds: float | None) -> Rows:
    log.warning("document %s: no result after %s s (in %s)", document.doc_id, seconds,
                exc.component)
    return _error_rows(document, _STAGE_OF.get(exc.component, "tag"), "timeout",
                       f"no result after {seconds} s (the time limit), in {exc.component}")


class DocClock:
    """The time one document may still take, spent only while it is annotated: each
    `running()` is a `time_limit` of what is left (not the time the caller takes over a long
    document's part, writing it)."""

    def __init__(self, seconds: float | None) -> None:
        self.left = seconds
        self.component = "tokenizer"  # the one that ran when the time was used up

    @contextmanager
    def running(self) -> Iterator[Deadline]:
        if self.left is not None and self.left <= 0:
            raise DocTimeout(self.component)
        start = time.monotonic()
        deadline: Deadline | None = None
        try:
            with time_limit(self.left) as deadline:
                yield deadline
        finally:
            if deadline is not None:
                self.component = deadline.component
            if self.left is not None:
                self.left -= time.monotonic() - start


def _one_document(
    nlp: Language, document: Document, seconds: float | None, chunk_chars: int
) -> Iterator[Rows]:
    """The rows of one document annotated alone, under its own time limit: one `Rows`, or for
    a long document its parts (`chunked_doc_parts`) and then its documents row, or an errors
    row when a later part fails."""
    clock = DocClock(seconds)
    try:
        if needs_chunks(document.text, chunk_chars):
            yield from chunked_doc_parts(nlp, document, chunk_chars, clock.running)
            return
        with clock.running() as deadline:
            (doc,) = annotate(nlp, [document.text], deadline, attrs=[document_attrs(document)])
            rows = doc_rows(document, doc)
    except DocTimeout as exc:
        rows = _timed_out(document, exc, seconds)
    except Exception as exc:  # noqa: BLE001 - one bad document is an error row
        rows = _failed(document, exc)
    yield rows


def _failed(document: Document, exc: Exception) -> Rows:
    log.warning("document %s failed: %s", document.doc_id, exc)
    return _error_rows(document, "tag", type(exc).__name__, str(exc)[:500])


def batches(records: Iterable[Document | ErrorRecord], batch_size: int,
            batch_chars: int) -> Iterator[list[Document | ErrorRecord]]:
    """`records` in order, in lists of at most `batch_size` records whose documents' texts add
    up to at most `batch_chars` characters (a longer document makes a batch of its own; error
    records count no characters)."""
    batch: list[Document | ErrorRecord] = []
    chars = 0
    for record in records:
        size = len(record.text) if isinstance(record, Document) else 0
        if batch and (len(batch) >= batch_size or chars + size > batch_chars):
            yield batch
            batch, chars = [], 0
        batch.append(record)
        chars += size
    if batch:
        yield batch


def process_documents(
    nlp: Language,
    records: Iterable[Document | ErrorRecord],
    *,
    batch_size: int = DEFAULT_BATCH_SIZE,
    doc_timeout_s: float | None = DEFAULT_DOC_TIMEOUT_S,
    chunk_chars: int = DEFAULT_CHUNK_CHARS,
    batch_chars: int = DEFAULT_BATCH_CHARS,
) -> Iterator[Rows]:
    """Annotate documents in batches; yields one `Rows` per batch (errors pass through), and a
    long document's parts apart (`Rows.partial`, then its documents row: module docstring).

    `doc_timeout_s`: the time limit of one document (and of a whole batch before it is retried
    document by document), None for none. `chunk_chars`: a longer document is annotated in
    chunks (at most `nlp.max_length` whatever is asked). `batch_chars`: the most characters of
    text in one batch (see `batches`). See the module docstring.
    """
    chunk_chars = min(chunk_chars, nlp.max_length)
    for batch in batches(records, batch_size, batch_chars):
        out = Rows()
        out.tables["errors"].extend(error_row(r) for r in batch if isinstance(r, ErrorRecord))
        documents = [r for r in batch if isinstance(r, Document)]
        # longer documents are annotated alone, in chunks
        alone = {id(d) for d in documents if needs_chunks(d.text, chunk_chars)}
        together = [d for d in documents if id(d) not in alone]
        docs: dict[int, Doc] = {}
        try:
            with time_limit(doc_timeout_s) as deadline:
                annotated = annotate(nlp, [d.text for d in together], deadline,
                                     attrs=[document_attrs(d) for d in together])
            docs = {id(d): doc for d, doc in zip(together, annotated, strict=True)}
        except DocTimeout:
            log.info("batch hit the time limit; annotating its documents one by one")
        except Exception:
            log.debug("batch failed; retrying its documents one by one", exc_info=True)
        for document in documents:
            doc = docs.get(id(document))
            if doc is None:
                parts = _one_document(nlp, document, doc_timeout_s, chunk_chars)
                if id(document) in alone:
                    # a long document's rows go out piece by piece, after those before it
                    if any(out.tables.values()):
                        yield out
                    yield from parts
                    out = Rows()
                else:
                    for rows in parts:
                        out.extend(rows)
                continue
            try:
                out.extend(doc_rows(document, doc))
            except Exception as exc:  # noqa: BLE001 - one bad document is an error row
                out.extend(_failed(document, exc))
        yield out
