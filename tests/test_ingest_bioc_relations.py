"""BioC JSON relations that cannot be read cost that relation only (a `bad_relation` row);
passages and sentences that are no object still cost their document, its row saying why."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import ingest_all, read_tables, write_bioc_json

from pipeline.run import run

_TEXT = "Aspirin helped fever."
_ANNS = [{"id": "1", "infons": {"type": "Chemical"}, "text": "Aspirin",
          "locations": [{"offset": 0, "length": 7}]},
         {"id": "2", "infons": {"type": "Disease"}, "text": "fever",
          "locations": [{"offset": 15, "length": 5}]}]
_REL = {"id": "R1", "infons": {"type": "treats"},
        "nodes": [{"refid": "1", "role": "Chemical"}, {"refid": "2", "role": "Disease"}]}


def _doc(ident: str, relations: object = (), passage_relations: object = ()
         ) -> dict[str, object]:
    return {"id": ident, "relations": list(relations) if isinstance(relations, tuple)
            else relations,
            "passages": [{"offset": 0, "text": _TEXT, "annotations": _ANNS,
                          "relations": list(passage_relations)
                          if isinstance(passage_relations, tuple) else passage_relations}]}


@pytest.mark.parametrize(("bad", "said"), [
    (7, "is a JSON number, not an object"),
    ("R2", "is a JSON string, not an object"),
    (None, "is a JSON null, not an object"),
    ([1, 2], "is a JSON array, not an object"),
    ({"id": "R2", "nodes": {"refid": "1"}}, "has nodes that are a JSON object, not a list"),
    ({"id": "R2", "nodes": [{"refid": "1"}, 3]}, "has node 2 that is a JSON number, not an "
     "object"),
    ({"id": "R2", "nodes": [{"role": "Chemical"}]}, "has node 1 with no refid"),
    ({"id": "R2", "infons": ["type"]}, "has infons that are a JSON array, not an object")])
@pytest.mark.parametrize("layout", ["lines", "collection"])
def test_a_relation_that_cannot_be_read_costs_that_relation(
        tmp_path: Path, bad: object, said: str, layout: str) -> None:
    """Before: `_fill` or `bioc.biocjson` failed (AttributeError, TypeError, KeyError) and the
    whole document was lost (bad_bioc). Relations carry no text: now one bad_relation row
    naming the relation and where it is, the document, its annotations and its other
    relations kept."""
    docs_in = [_doc("a", [_REL]), _doc("b", [_REL, bad]), _doc("c", (), [bad, _REL])]
    path = write_bioc_json(tmp_path / "docs.json", docs_in, layout)
    docs, errs = ingest_all(path)
    assert [d.doc_id for d in docs] == ["a", "b", "c"]
    assert all([a["text"] for a in d.meta["annotations"]] == ["Aspirin", "fever"]
               for d in docs)
    assert all([r["id"] for r in d.meta["relations"]] == ["R1"] for d in docs)
    assert docs[0].meta["relations"][0]["nodes"] == _REL["nodes"]
    where = ["line 2", "line 3"] if layout == "lines" else ["record 2", "record 3"]
    assert [(e.error, e.location, e.doc_id, e.message) for e in errs] == [
        ("bad_relation", where[0], "b", f"relation 2 of the document {said}; relation dropped"),
        ("bad_relation", where[1], "c", f"relation 1 of passage 1 {said}; relation dropped")]


def test_a_sentence_relation_and_a_missing_role_are_read(tmp_path: Path) -> None:
    """A sentence's relations are checked as well, and kept after the document's (they were
    left out of meta, silently); a node without a role, or with a null one, has BioC's
    default role "" (before: KeyError, the document lost)."""
    doc = {"id": "s", "passages": [{"offset": 0, "sentences": [
        {"offset": 0, "text": _TEXT, "annotations": _ANNS, "relations": [True, _REL]}]}],
        "relations": [{"id": "R5", "nodes": [{"refid": "1"}, {"refid": "2", "role": None}]}]}
    path = write_bioc_json(tmp_path / "s.json", [doc], "lines")
    docs, errs = ingest_all(path)
    assert [d.doc_id for d in docs] == ["s"]
    assert docs[0].meta["relations"] == [
        {"id": "R5", "infons": {}, "nodes": [{"refid": "1", "role": ""},
                                             {"refid": "2", "role": ""}]}, _REL]
    assert [(e.error, e.message) for e in errs] == [
        ("bad_relation", "relation 1 of sentence 1 of passage 1 is a JSON boolean, not an "
         "object; relation dropped")]


@pytest.mark.parametrize(("passages", "said"), [
    ([{"offset": 0, "text": _TEXT}, 7], "passage 2 of the document is a JSON number, not an "
     "object: its text cannot be read"),
    ("Aspirin", "the passages of the document are a JSON string, not a list: their text "
     "cannot be read"),
    ([{"offset": 0, "sentences": [{"offset": 0, "text": _TEXT}, "x"]}],
     "sentence 2 of passage 1 is a JSON string, not an object: its text cannot be read")])
def test_a_passage_or_sentence_that_is_no_object_costs_its_document_and_says_why(
        tmp_path: Path, passages: object, said: str) -> None:
    """Its text would be lost, so the document is; the row said "AttributeError(\"'int'
    object has no attribute 'get'\")", now which passage or sentence and why."""
    docs_in = [_doc("a"), {"id": "b", "passages": passages}, _doc("c")]
    path = write_bioc_json(tmp_path / "docs.json", docs_in, "collection")
    docs, errs = ingest_all(path)
    assert [d.doc_id for d in docs] == ["a", "c"]
    assert [(e.error, e.location, e.doc_id, e.message) for e in errs] == [
        ("bad_bioc", "record 2", "b", f"malformed BioC document: {said}; document skipped")]


def test_a_run_keeps_the_document_of_a_bad_relation(tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    write_bioc_json(src / "export.json", [_doc("a", [_REL, 3]), _doc("b", [_REL])], "lines")
    summary = run([src], tmp_path / "out", workers=1, quiet=True)
    assert summary.status == "complete"
    tables = read_tables(tmp_path / "out")
    assert [d["doc_id"] for d in tables["documents"]] == ["a", "b"]
    assert [(e["error"], e["location"], e["doc_id"]) for e in tables["errors"]] == [
        ("bad_relation", "line 1", "a")]


def test_a_bioc_xml_sentence_relation_is_kept(tmp_path: Path) -> None:
    path = tmp_path / "s.xml"
    path.write_text(
        '<?xml version="1.0" encoding="UTF-8"?><collection><source>t</source><date/><key/>'
        "<document><id>x1</id><passage><offset>0</offset><sentence><offset>0</offset>"
        f"<text>{_TEXT}</text>"
        '<annotation id="1"><infon key="type">Chemical</infon>'
        '<location offset="0" length="7"/><text>Aspirin</text></annotation>'
        '<relation id="R9"><infon key="type">treats</infon><node refid="1" role="Chemical"/>'
        "</relation></sentence></passage></document></collection>", "utf-8")
    docs, errs = ingest_all(path)
    assert errs == [] and [d.doc_id for d in docs] == ["x1"]
    assert docs[0].meta["relations"] == [
        {"id": "R9", "infons": {"type": "treats"}, "nodes": [{"refid": "1", "role": "Chemical"}]}]
