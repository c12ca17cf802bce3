"""Faults at a user's edges, session 39: ingest (BioC JSON annotations that are no object,
JSON arrays damaged inside a line), the output folder (linked table folders) and the CLI
(summary and progress widths, SIGTERM wording). Every case writes small real-format files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers import ingest_all

# ------------------------------------------------------------ BioC JSON annotations


def _doc(ident: str, annotations: object) -> dict[str, object]:
    return {"id": ident, "passages": [{"offset": 0, "text": "Aspirin helped fever.",
                                       "annotations": annotations}]}


_GOOD = {"id": "1", "text": "Aspirin", "locations": [{"offset": 0, "length": 7}]}
_FEVER = {"id": "2", "text": "fever", "locations": [{"offset": 15, "length": 5}]}


@pytest.mark.parametrize(("bad", "said"), [
    (7, "annotation 2 of passage 1 is a JSON number, not an object"),
    ("Aspirin", "annotation 2 of passage 1 is a JSON string, not an object"),
    ([1, 2], "annotation 2 of passage 1 is a JSON array, not an object"),
    (None, "annotation 2 of passage 1 is a JSON null, not an object")])
@pytest.mark.parametrize("layout", ["lines", "collection"])
def test_a_bioc_json_annotation_that_is_no_object_costs_that_annotation(
        tmp_path: Path, bad: object, said: str, layout: str) -> None:
    """An annotation that is no JSON object failed in `_fill` (AttributeError) and cost the
    whole document (bad_bioc); now the annotation only: a bad_offsets row naming the file,
    the record and which annotation, as for a location that is no object."""
    docs_in = [_doc("a", [_GOOD, _FEVER]), _doc("b", [_GOOD, bad, _FEVER]),
               _doc("c", [_GOOD])]
    path = tmp_path / "docs.json"
    if layout == "lines":
        path.write_text("".join(json.dumps(d) + "\n" for d in docs_in), "utf-8")
    else:
        path.write_text(json.dumps({"source": "t", "documents": docs_in}, indent=1), "utf-8")
    docs, errs = ingest_all(path)
    assert [d.doc_id for d in docs] == ["a", "b", "c"]
    assert [a["text"] for a in docs[1].meta["annotations"]] == ["Aspirin", "fever"]
    where = "line 2" if layout == "lines" else "record 2"
    assert [(e.error, e.source, e.location, e.doc_id) for e in errs] == [
        ("bad_offsets", str(path), where, "b")]
    assert errs[0].message == f"{said}; annotation dropped"


def test_bioc_json_annotations_of_sentences_and_the_document_are_named(tmp_path: Path
                                                                        ) -> None:
    """A sentence's and the document's own annotation lists name where the bad one is; a
    single value not in a list is one annotation, as a single location is."""
    doc = {"id": "d", "annotations": "x", "passages": [{"offset": 0, "sentences": [
        {"offset": 0, "text": "Aspirin helped fever.", "annotations": [_FEVER, 3.5]}]}]}
    path = tmp_path / "one.json"
    path.write_text(json.dumps(doc) + "\n", "utf-8")
    docs, errs = ingest_all(path)
    assert [d.doc_id for d in docs] == ["d"]
    assert [a["text"] for a in docs[0].meta["annotations"]] == ["fever"]
    assert [e.message for e in errs] == [
        "annotation 2 of sentence 1 of passage 1 is a JSON number, not an object; "
        "annotation dropped",
        "annotation 1 of the document is a JSON string, not an object; annotation dropped"]
