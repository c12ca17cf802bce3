"""The split stage's table: one row per sentence, with its section and language.

Reads an annotated Doc (`doc.sents`, sentence `Span._.section`, `Span._.language`); the splitting
itself is done by the pipeline's tokenizer (scispacy), `pysbd_sentencizer` and `biotab_sections`.
"""

from __future__ import annotations

from typing import Any

import pyarrow as pa
from spacy.tokens import Doc

from pipeline.columns import column
from pipeline.extensions import doc_text, span_reader

SENTENCES_SCHEMA = pa.schema(
    [
        column("doc_id", pa.string(), "Document id (joins documents.doc_id).", "23217273",
               nullable=False),
        column("sent_idx", pa.int32(), "0-based sentence number within the document.", "3",
               nullable=False),
        column("section", pa.string(), "Section heading the sentence falls under.", "Results"),
        column("start_char", pa.int32(), "Start offset into documents.text (0-based).", "812",
               nullable=False),
        column("end_char", pa.int32(), "End offset into documents.text (exclusive).", "901",
               nullable=False),
        column("text", pa.string(), "The sentence text, documents.text[start_char:end_char].",
               "Twelve of those patients (86%) achieved complete response.", nullable=False),
        column("language", pa.string(), "ISO 639-1 language of the sentence.", "en"),
    ]
)


def sentence_rows(doc: Doc, doc_id: str, text: str | None = None) -> list[dict[str, Any]]:
    """One row per sentence; trailing whitespace is trimmed from each sentence's span.

    `text` is `doc.text` when the caller has it already (it is rebuilt from the tokens on every
    access); a span's text is the doc text between its character offsets.
    """
    if text is None:
        text = doc_text(doc)
    read = span_reader(("section", "language"))
    rows = []
    for i, sent in enumerate(doc.sents):
        start = sent.start_char
        stripped = text[start : sent.end_char].rstrip()
        lead = len(stripped) - len(stripped.lstrip())
        section, language = read(sent)
        rows.append(
            {
                "doc_id": doc_id,
                "sent_idx": i,
                "section": section,
                "start_char": start + lead,
                "end_char": start + len(stripped),
                "text": stripped[lead:],
                "language": language,
            }
        )
    return rows


def sentence_index(doc: Doc) -> list[int]:
    """For each token, the number of the sentence it is in."""
    index = [0] * len(doc)
    for i, sent in enumerate(doc.sents):
        index[sent.start : sent.end] = [i] * (sent.end - sent.start)
    return index
