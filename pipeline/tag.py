"""The tag stage's table: one row per DRUG, DISEASE or CYTOKINE mention.

Reads an annotated Doc: `doc.ents` with the attributes set by biotab_fusion, biotab_cytokines,
biotab_linker (also `Span._.is_generic`, declared by biotab_mention_filter) and
biotab_assertion (see pipeline/extensions.py).
"""

from __future__ import annotations

from typing import Any

import pyarrow as pa
from spacy.tokens import Doc

from pipeline.columns import column
from pipeline.components import mention_filter as _mention_filter  # noqa: F401  (is_generic)
from pipeline.extensions import doc_text, span_reader
from pipeline.labels import DRUG
from pipeline.split import sentence_index

MENTIONS_SCHEMA = pa.schema(
    [
        column("doc_id", pa.string(), "Document id (joins documents.doc_id).", "23217273",
               nullable=False),
        column("mention_id", pa.int32(),
               "0-based mention number within the document, in text order.", "4",
               nullable=False),
        column("sent_idx", pa.int32(), "Sentence of the mention (joins sentences).", "7",
               nullable=False),
        column("start_char", pa.int32(), "Start offset into documents.text (0-based).", "1204",
               nullable=False),
        column("end_char", pa.int32(), "End offset into documents.text (exclusive).", "1216",
               nullable=False),
        column("text", pa.string(), "The mention as written.", "lenalidomide", nullable=False),
        column("label", pa.string(), "DRUG, DISEASE or CYTOKINE.", DRUG, nullable=False),
        column("concept_id", pa.string(),
               "Normalized concept, a CURIE: MESH:D… for drugs and diseases, HGNC:… for "
               "cytokine genes (MESH:… for cytokine families); null when nothing fits.",
               "MESH:D000077269"),
        column("concept_name", pa.string(), "Preferred name (MeSH heading or HGNC symbol).",
               "Lenalidomide"),
        column("source", pa.string(),
               "What found it: model, lexicon, model+lexicon, fuzzy, abbreviation, "
               "propagated, rule.", "model+lexicon", nullable=False),
        column("score", pa.float32(),
               "Confidence: the measured precision of the source (scaled by similarity for "
               "fuzzy matches).", "0.97"),
        column("is_abbreviation", pa.bool_(), "The mention is a short form such as CLE.",
               "false", nullable=False),
        column("long_form", pa.string(), "For abbreviations, the long form it stands for.",
               "Cutaneous lupus erythematosus"),
        column("negated", pa.bool_(), "Stated as absent: a finding not found (\"Neither "
               "polyneuropathy nor ...\"), a drug not given or whose use no evidence or mention "
               "supports (\"no evidence that imiquimod ...\").", "false", nullable=False),
        column("hypothetical", pa.bool_(), "Stated as possible, not actual: a condition or "
               "event under an \"if\" or a \"risk of\" (\"could trigger ...\").", "false",
               nullable=False),
        column("uncertain", pa.bool_(), "Presence hedged (\"suspected lupus\"); for a drug, "
               "its effect or usefulness hedged (\"may be useful\"). The patients' own disease "
               "(\"patients with X\") is not flagged by a hedge about something else.", "false",
               nullable=False),
        column("assertion_cue", pa.string(), "The cue that set negated/hypothetical/uncertain.",
               "neither"),
        column("is_generic", pa.bool_(),
               "A class (\"cytokines\", \"NSAIDs\"), not one named drug, disease or "
               "cytokine: top lists and analyses of named entities can leave it out (set by "
               "biotab_linker: pipeline/rules/class_words.txt, kb_class_concepts.txt). Null "
               "in tables written before schema 2.",
               "false"),
    ]
)


# the Span attributes a row holds, in the order `mention_rows` unpacks them
_MENTION_ATTRS = (
    "concept_id", "concept_name", "source", "score", "is_abbreviation", "long_form_text",
    "negated", "hypothetical", "uncertain", "assertion_cue", "is_generic",
)


def mention_rows(doc: Doc, doc_id: str, text: str | None = None) -> list[dict[str, Any]]:
    """One row per mention in `doc.ents`, in text order.

    `text` is `doc.text` when the caller has it already; a mention's text is the doc text
    between its character offsets.
    """
    if text is None:
        text = doc_text(doc)
    sent_of = sentence_index(doc)
    read = span_reader(_MENTION_ATTRS)
    rows = []
    for i, ent in enumerate(doc.ents):
        start, end = ent.start_char, ent.end_char
        (concept_id, concept_name, source, score, is_abbreviation, long_form, negated,
         hypothetical, uncertain, assertion_cue, is_generic) = read(ent)
        rows.append(
            {
                "doc_id": doc_id,
                "mention_id": i,
                "sent_idx": sent_of[ent.start],
                "start_char": start,
                "end_char": end,
                "text": text[start:end],
                "label": ent.label_,
                "concept_id": concept_id,
                "concept_name": concept_name,
                "source": source or "model",
                "score": score,
                "is_abbreviation": bool(is_abbreviation),
                "long_form": long_form,
                "negated": bool(negated),
                "hypothetical": bool(hypothetical),
                "uncertain": bool(uncertain),
                "assertion_cue": assertion_cue,
                "is_generic": bool(is_generic),
            }
        )
    return rows
