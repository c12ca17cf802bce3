"""BioC JSON infons that are no object: an annotation's cost that annotation (a `bad_offsets`
row, as a bad location does: its type and identifier are in them); a passage's or the
document's are read as none (a `bad_infons` row), the document and its text kept."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import ingest_all, read_tables, write_bioc_json

from pipeline.run import run

_TEXT = "Aspirin helped fever."


def _ann(ident: str, text: str, offset: int, infons: object) -> dict[str, object]:
    return {"id": ident, "infons": infons, "text": text,
            "locations": [{"offset": offset, "length": len(text)}]}


def _doc(ident: str, ann_infons: object = None, passage_infons: object = None,
         doc_infons: object = None) -> dict[str, object]:
    anns = [_ann("1", "Aspirin", 0, {"type": "Chemical"} if ann_infons is None else ann_infons),
            _ann("2", "fever", 15, {"type": "Disease"})]
    return {"id": ident, "infons": {"journal": "J"} if doc_infons is None else doc_infons,
            "passages": [{"offset": 0, "text": _TEXT, "annotations": anns,
                          "infons": {"type": "title"} if passage_infons is None
                          else passage_infons}]}


_BAD = [(["type", "Chemical"], "a JSON array"), ([["type", "Chemical"]], "a JSON array"),
        ("Chemical", "a JSON string"), (7, "a JSON number"), (True, "a JSON boolean")]


@pytest.mark.parametrize(("bad", "kind"), _BAD)
@pytest.mark.parametrize("layout", ["lines", "collection"])
def test_annotation_infons_that_are_no_object_cost_that_annotation(
        tmp_path: Path, bad: object, kind: str, layout: str) -> None:
    """Before: `dict(infons)` in `bioc_document._place` failed (ValueError, TypeError) and the
    whole document was one bad_bioc row (a list of pairs was silently made a dict)."""
    path = write_bioc_json(tmp_path / "d.json", [_doc("a"), _doc("b", ann_infons=bad)], layout)
    docs, errs = ingest_all(path)
    assert [d.doc_id for d in docs] == ["a", "b"]
    assert [[a["text"] for a in d.meta["annotations"]] for d in docs] == [
        ["Aspirin", "fever"], ["fever"]]
    where = "line 2" if layout == "lines" else "record 2"
    assert [(e.error, e.location, e.doc_id, e.message) for e in errs] == [
        ("bad_offsets", where, "b", f"annotation 1 of passage 1 has infons that are {kind}, "
         "not an object; annotation dropped")]


@pytest.mark.parametrize(("bad", "kind"), _BAD)
def test_passage_or_document_infons_that_are_no_object_are_read_as_none(
        tmp_path: Path, bad: object, kind: str) -> None:
    """Before: a passage's (`.get` on a list) or the document's (`dict()`) cost the document;
    its text and annotations are all there: now kept, without those infons, and a row."""
    path = write_bioc_json(tmp_path / "d.jsonl", [
        _doc("p", passage_infons=bad), _doc("d", doc_infons=bad)], "lines")
    docs, errs = ingest_all(path)
    assert [d.doc_id for d in docs] == ["p", "d"]
    assert all([a["text"] for a in d.meta["annotations"]] == ["Aspirin", "fever"]
               for d in docs)
    assert [d.text for d in docs] == [_TEXT, _TEXT]
    assert docs[0].title is None and docs[0].meta["passages"][0]["type"] is None
    assert docs[0].meta["infons"] == {"journal": "J"}
    assert docs[1].title == _TEXT and "infons" not in docs[1].meta
    assert [(e.error, e.location, e.doc_id, e.message) for e in errs] == [
        ("bad_infons", "line 1", "p", f"passage 1 has infons that are {kind}, not an object; "
         "read without them"),
        ("bad_infons", "line 2", "d", f"the document has infons that are {kind}, not an "
         "object; read without them")]


def test_empty_infons_are_none_as_before(tmp_path: Path) -> None:
    path = write_bioc_json(tmp_path / "d.json", [
        _doc("a", ann_infons=[], passage_infons="", doc_infons={})], "lines")
    docs, errs = ingest_all(path)
    assert errs == [] and [d.doc_id for d in docs] == ["a"]
    assert [a["infons"] for a in docs[0].meta["annotations"]] == [{}, {"type": "Disease"}]


def test_a_run_keeps_the_documents_of_bad_infons(tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    write_bioc_json(src / "export.json", [_doc("a", ann_infons="Chemical"),
                                          _doc("b", passage_infons=[1]),
                                          _doc("c", doc_infons=3)], "lines")
    summary = run([src], tmp_path / "out", workers=1, quiet=True)
    assert summary.status == "complete"
    tables = read_tables(tmp_path / "out")
    assert [d["doc_id"] for d in tables["documents"]] == ["a", "b", "c"]
    assert [(e["error"], e["location"], e["doc_id"], e["source"].endswith("export.json"))
            for e in tables["errors"]] == [
        ("bad_offsets", "line 1", "a", True), ("bad_infons", "line 2", "b", True),
        ("bad_infons", "line 3", "c", True)]
