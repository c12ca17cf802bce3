"""The two tables ingest fills: the schemas of `documents` and `errors` (each column with its
description and an example: the data dictionary is made from them) and a row of each, from a
`Document` (`document_row`) and an `ErrorRecord` (`error_row`). Re-exported by
`pipeline.ingest`, where the tables' list (`output_folder.TABLE_SOURCES`) finds them."""

from __future__ import annotations

import hashlib
from typing import Any

import pyarrow as pa

from pipeline.documents import Document, ErrorRecord
from pipeline.formats import formats_text
from pipeline.ingest.json_values import meta_json
from pipeline.labels import STUDY_DESIGNS


def _f(name: str, type_: pa.DataType, nullable: bool, description: str, example: str) -> pa.Field:
    return pa.field(name, type_, nullable=nullable,
                    metadata={"description": description, "example": example})


DOCUMENTS_SCHEMA = pa.schema([
    _f("doc_id", pa.string(), False,
       "Document identifier, unique in a run: file path relative to the input folder without "
       "extension (txt), the id field (jsonl, json; without one, or with a blank one, \"<file "
       "stem>:<line>\", \"<file stem>:<line>.<part>\" for a part of a line of records joined "
       "by carriage returns alone, json \"<file stem>:<element number>\"), the PMID (pubtator, "
       "pubmed), the BioC document id.",
       "000_9662ce3457697b4f"),
    _f("source", pa.string(), True, "Input file the document was read from (absolute path).",
       "/data/seeds/000_9662ce3457697b4f.txt"),
    _f("format", pa.string(), True,
       f"Input format: {formats_text()}.", "txt"),
    _f("location", pa.string(), True,
       "Where in the source the document was read: its line (jsonl; \"line N, part K\" for "
       "the K-th of records joined by carriage returns alone on line N), its first line "
       "(pubtator), "
       "its line and record number (pubmed, bioc), the line its element starts on and the "
       "element number (json); null for a whole file (txt).",
       "line 3"),
    _f("title", pa.string(), True,
       "Title: first non-empty line that is not metadata (txt; `ingest/text_title.py`; null "
       "when it is a section heading such as 'Abstract'), title field (jsonl, json), title "
       "line/passage/ArticleTitle.",
       "Immunosuppressants for Treating Dermatomyositis"),
    _f("text", pa.large_string(), False,
       "Full document text, NFC-normalized, BOM dropped, a lone CR line end read as LF. Every "
       "offset in every table is 0-based, end-exclusive into it (Python str, code points).",
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
    _f("study_design", pa.string(), True,
       f"Kind of study the document reports (biotab_design): {', '.join(STUDY_DESIGNS)}; "
       "null when no rule decides. From a PubMed record's publication types when they say, "
       "else from cues in the title and text (accuracy: README, benchmarks/design_eval.py).",
       "case_report"),
    _f("study_design_cue", pa.string(), True,
       "What decided study_design: the words matched (lower-cased), or \"publication type: "
       "<name>\".", "we describe three patients"),
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
       "Short machine-readable kind: missing_path, empty_folder, empty_file, not_utf8, "
       "binary_file, bad_json, "
       "missing_text, no_abstract, duplicate_id, deleted_citation, unknown_format, truncated_xml, "
       "unsafe_xml, ...",
       "bad_json"),
    _f("message", pa.string(), False, "Human-readable reason.",
       "malformed JSON: Expecting ',' delimiter: column 12"),
])


def document_row(doc: Document, n_sentences: int | None = None,
                 language: str | None = None, study_design: str | None = None,
                 study_design_cue: str | None = None) -> dict[str, Any]:
    """A dict matching DOCUMENTS_SCHEMA."""
    return {
        "doc_id": doc.doc_id,
        "source": doc.source,
        "format": doc.format,
        "location": doc.location,
        "title": doc.title,
        "text": doc.text,
        "n_chars": len(doc.text),
        "n_sentences": n_sentences,
        "sha256": hashlib.sha256(doc.text.encode("utf-8")).hexdigest(),
        "meta": meta_json(doc.meta) if doc.meta else None,
        "language": language,
        "study_design": study_design,
        "study_design_cue": study_design_cue,
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
