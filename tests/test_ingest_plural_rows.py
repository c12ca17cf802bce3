"""Counts in the ingest readers' error rows are in the singular for 1 (`pipeline.plural`):
"1 record read", not "1 record(s) read"."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

from helpers import ingest_all

_TEXT = "Aspirin helped fever."


def test_a_cut_bioc_json_stream_after_one_document_says_one_record(tmp_path: Path) -> None:
    path = tmp_path / "cut.jsonl.gz"
    line = json.dumps({"id": "a", "passages": [{"offset": 0, "text": _TEXT}]}) + "\n"
    path.write_bytes(gzip.compress(line.encode())[:-8])  # no gzip trailer: EOFError
    docs, errs = ingest_all(path)
    assert [d.doc_id for d in docs] == ["a"]
    assert [(e.error, e.location) for e in errs] == [("truncated_gzip", "line 2")]
    assert errs[0].message.endswith("; 1 record read, the rest is lost")


def test_one_rebased_bioc_passage_is_one_passage(tmp_path: Path) -> None:
    path = tmp_path / "d.json"
    path.write_text(json.dumps({"id": "b", "passages": [
        {"offset": 0, "text": "A title."}, {"offset": 0, "text": _TEXT}]}) + "\n", "utf-8")
    docs, errs = ingest_all(path)
    assert [d.text for d in docs] == [f"A title.\n{_TEXT}"]
    assert [(e.error, e.message) for e in errs] == [(
        "passage_offsets", "1 passage of BioC document b overlaps earlier text (offsets "
        "missing or inconsistent); it was appended after a newline and its annotations "
        "shifted")]


def _article(pmid: int) -> str:
    return (f'<PubmedArticle><MedlineCitation><PMID Version="1">{pmid}</PMID><Article>'
            f"<ArticleTitle>Trial {pmid}</ArticleTitle><Abstract><AbstractText>{_TEXT}"
            "</AbstractText></Abstract></Article></MedlineCitation></PubmedArticle>\n")


def test_a_run_of_two_unpaired_tags_names_one_record_after_the_first(tmp_path: Path) -> None:
    path = tmp_path / "tags.xml"
    path.write_text('<?xml version="1.0"?>\n<PubmedArticleSet>\n' + _article(1)
                    + "<PubmedArticle>\n" * 2 + _article(2) + "</PubmedArticleSet>\n", "utf-8")
    _, errs = ingest_all(path)
    assert any("so is the 1 record after it, to record" in e.message for e in errs), \
        [e.message for e in errs]
