"""Documents in, table rows out: the split, tag and outcomes stages over one batch.

`process_documents` is the one function every engine (local process pool, Dask) calls; it holds
no I/O. A document that makes the pipeline fail yields an `errors` row, not a crash.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from typing import Any

import numpy
from spacy.attrs import IS_PUNCT, IS_SPACE
from spacy.language import Language
from spacy.tokens import Doc

from pipeline.documents import Document, ErrorRecord
from pipeline.ingest import document_row, error_row
from pipeline.outcomes import outcome_rows
from pipeline.split import sentence_rows
from pipeline.tag import mention_rows

log = logging.getLogger(__name__)

TABLES = ("documents", "sentences", "mentions", "outcomes", "errors")


@dataclass
class Rows:
    """Rows for every table, as plain dicts matching the table schemas."""

    tables: dict[str, list[dict[str, Any]]] = field(
        default_factory=lambda: {name: [] for name in TABLES}
    )
    n_words: int = 0

    def extend(self, other: Rows) -> None:
        for name, rows in other.tables.items():
            self.tables[name].extend(rows)
        self.n_words += other.n_words

    def counts(self) -> dict[str, int]:
        return {name: len(rows) for name, rows in self.tables.items()}


def doc_rows(document: Document, doc: Doc) -> Rows:
    """The rows one annotated document contributes to each table."""
    rows = Rows()
    text = doc.text  # rebuilt from the tokens on every access: once for all tables
    sentences = sentence_rows(doc, document.doc_id, text)
    rows.tables["documents"].append(document_row(document, len(sentences), doc._.language))
    rows.tables["sentences"] = sentences
    rows.tables["mentions"] = mention_rows(doc, document.doc_id, text)
    rows.tables["outcomes"] = outcome_rows(doc, document.doc_id)
    rows.n_words = count_words(doc)
    return rows


def count_words(doc: Doc) -> int:
    """Tokens that are neither whitespace nor punctuation (the words of words/s)."""
    if not len(doc):
        return 0
    # the lexeme flags Token.is_space / Token.is_punct read, without a Token per token
    flags = doc.to_array([IS_SPACE, IS_PUNCT])
    return int(numpy.count_nonzero((flags[:, 0] == 0) & (flags[:, 1] == 0)))


def _failed(document: Document, exc: Exception) -> Rows:
    rows = Rows()
    log.warning("document %s failed: %s", document.doc_id, exc)
    rows.tables["errors"].append(
        error_row(
            ErrorRecord(
                source=document.source,
                location=document.location,
                doc_id=document.doc_id,
                stage="tag",
                error=type(exc).__name__,
                message=str(exc)[:500],
            )
        )
    )
    return rows


def process_documents(
    nlp: Language,
    records: Iterable[Document | ErrorRecord],
    *,
    batch_size: int = 64,
) -> Iterator[Rows]:
    """Annotate documents in batches; yields one `Rows` per batch (errors pass through)."""
    iterator = iter(records)
    while True:
        batch = list(islice(iterator, batch_size))
        if not batch:
            return
        out = Rows()
        documents = [r for r in batch if isinstance(r, Document)]
        out.tables["errors"].extend(error_row(r) for r in batch if isinstance(r, ErrorRecord))
        try:
            docs = list(nlp.pipe(d.text for d in documents))
        except Exception:
            log.debug("batch failed; retrying its documents one by one", exc_info=True)
            for document in documents:
                try:
                    out.extend(doc_rows(document, nlp(document.text)))
                except Exception as exc:  # noqa: BLE001 - one bad document is an error row
                    out.extend(_failed(document, exc))
        else:
            for document, doc in zip(documents, docs, strict=True):
                try:
                    out.extend(doc_rows(document, doc))
                except Exception as exc:  # noqa: BLE001 - one bad document is an error row
                    out.extend(_failed(document, exc))
        yield out
