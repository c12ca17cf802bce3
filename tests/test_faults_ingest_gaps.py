"""Faults in input, session 38: the gaps session 37's review left (NFC offsets inside long
runs of marks, BioC JSON locations without an offset, gzip files cut in their trailer, output
folders sharing a table folder, JSON arrays of several elements a line). Every case writes
small real-format files or strings."""

from __future__ import annotations

import gzip
import json
import random
import unicodedata
from pathlib import Path
from typing import Any

import pytest
from helpers import ingest_all, write_bioc_json

from pipeline.documents import normalize_text
from pipeline.ingest.nfc import MAX_DECOMPOSITION, NfcOffsets

# marks of many classes and marks that decompose (U+0344, U+0340, U+0343, the class-0 Tibetan
# vowel signs U+0F73, U+0F75 that decompose to two marks), starters that compose with them or
# with each other (Hangul jamo, the vowel signs U+0CC2, U+0CD5, U+0DCF, U+09BE, U+102E),
# singletons (U+212B, U+2126, U+0340), composition exclusions (U+0958), a BOM
MARKS = ["\u0301", "\u0316", "\u0327", "\u0345", "\u05b0", "\u0f71", "\u0f72", "\u0344",
         "\u0343", "\u0340", "\u0308", "\u0300", "\u0313", "\u0323", "\u031b", "\u093c",
         "\u3099", "\u0f73", "\u0f75", "\U0001d165", "\U0001d16e"]
STARTERS = ["a", "e", "o", "\u03b1", "\u1f00", "\u1100", "\u1161", "\u11a8", "\uac00",
            "\u0cc6", "\u0cc2", "\u0cd5", "\u0cca", "\u0dd9", "\u0dcf", "\u0dca", "\u09c7",
            "\u09be", "\u1025", "\u102e", "\u212b", "\u2126", "\u0958", "\u304b", "\U0001d158",
            " ", "x"]


def _run_text(rng: random.Random) -> str:
    """Starters, each followed by a run of 0 to 300 characters from a small pool of marks
    and starters that cut nowhere (Hangul vowels, vowel signs), often a BOM first."""
    parts = ["\ufeff"] if rng.random() < 0.2 else []
    for _ in range(rng.randint(1, 4)):
        parts.append(rng.choice(STARTERS))
        pool = rng.sample(MARKS + STARTERS[5:14], rng.randint(1, 5))
        parts.append("".join(rng.choice(pool) for _ in range(rng.choice([0, 3, 40, 300]))))
    return "".join(parts)


def test_nfc_offsets_inside_long_pieces_equal_the_definition() -> None:
    """Offsets inside a piece with no safe cut (a long run of marks, Hangul vowels, vowel
    signs) are read from one pass over the piece, not by normalizing up to each offset: the
    same lengths as the definition len(normalize_text(raw[:k])), for pieces of any length
    (long_piece=0: every piece takes that path), with cuts every 1 to 64 characters."""
    rng = random.Random(3801)
    for _ in range(700):
        raw = _run_text(rng)
        offsets = NfcOffsets(raw, step=rng.choice([1, 2, 7, 64]),
                             long_piece=rng.choice([0, 0, 3, 256]))
        ks = list(range(-2, len(raw) + 2)) if len(raw) < 60 else rng.sample(
            range(len(raw) + 1), 60)
        assert [offsets(k) for k in ks] == [len(normalize_text(raw[:k])) for k in ks], \
            ascii(raw)


def test_a_starter_takes_part_in_at_most_max_decomposition_minus_one_compositions() -> None:
    """The bound `_LongPiece` drops marks by: no canonical decomposition is longer."""
    assert max(len(unicodedata.normalize("NFD", chr(cp)))
               for cp in range(0x110000)) == MAX_DECOMPOSITION


@pytest.mark.parametrize("run", ["\u0301\u0316", "\u0301", "\u0f73", "\u1161", "\u0344\u0300"])
def test_offsets_into_one_long_run_normalize_a_bounded_amount(run: str,
                                                              monkeypatch: object) -> None:
    """1,000 mention offsets into one run of 50,000 marks (or Hangul vowels): each normalized
    the run up to it (25 million characters, 0.9 s); now the characters normalized are a
    small multiple of the text's, and each offset is the definition's."""
    raw = "Aspirin a" + run * (50_000 // len(run)) + " reduced fever."
    rng = random.Random(38)
    ks = [rng.randrange(len(raw) + 1) for _ in range(1000)]
    total = [0]
    real = unicodedata.normalize

    def counting(form: str, text: str) -> str:
        total[0] += len(text)
        return real(form, text)  # type: ignore[arg-type]

    monkeypatch.setattr(unicodedata, "normalize", counting)  # type: ignore[attr-defined]
    offsets = NfcOffsets(raw)
    got = [offsets(k) for k in ks]
    assert total[0] < 5 * len(raw) + 100 * len(ks), total[0]  # before: ~25,000,000
    monkeypatch.undo()  # type: ignore[attr-defined]
    assert got[:40] == [len(normalize_text(raw[:k])) for k in ks[:40]]


# ------------------------------------------------------------------------ BioC locations


def _bioc_json_doc(ident: str, location: object) -> dict[str, object]:
    return {"id": ident, "passages": [{"offset": 0, "text": "Aspirin helped fever.",
                                       "annotations": [
        {"id": "1", "text": "Aspirin", "locations": [location]},
        {"id": "2", "text": "fever", "locations": [{"offset": 15, "length": 5}]}]}]}


@pytest.mark.parametrize(("location", "said"), [
    ({"length": 7}, "location offset is missing"),
    ({"offset": 0}, "location length is missing"),
    ({}, "location offset is missing"),
    ([0, 7], "location offset is missing: the location is a JSON array, not an object"),
    ("0-7", "location offset is missing: the location is a JSON string, not an object")])
@pytest.mark.parametrize("layout", ["lines", "collection"])
def test_a_bioc_json_location_without_offset_costs_that_annotation(
        tmp_path: Path, location: object, said: str, layout: str) -> None:
    """A location without its "offset" (or "length") key, or that is no object, failed in the
    `bioc` package's parser (KeyError, TypeError) and cost the whole document (bad_bioc); now
    the annotation only, as an offset that is no whole number does (bad_offsets)."""
    docs_in = [_bioc_json_doc("a", {"offset": 0, "length": 7}), _bioc_json_doc("b", location),
               _bioc_json_doc("c", {"offset": 0, "length": 7})]
    path = write_bioc_json(tmp_path / "docs.json", docs_in, layout)
    docs, errs = ingest_all(path)
    assert [d.doc_id for d in docs] == ["a", "b", "c"]
    assert docs[1].meta is not None and docs[0].meta is not None
    assert [a["text"] for a in docs[1].meta["annotations"]] == ["fever"]
    assert [a["text"] for a in docs[0].meta["annotations"]] == ["Aspirin", "fever"]
    where = "line 2" if layout == "lines" else "record 2"
    assert [(e.error, e.location, e.doc_id) for e in errs] == [("bad_offsets", where, "b")]
    assert errs[0].message == f"annotation 'Aspirin': {said}; annotation dropped"


@pytest.mark.parametrize(("attributes", "said"), [
    ('length="7"', "location offset is missing"), ('offset="0"', "location length is missing")])
def test_a_bioc_xml_location_without_offset_costs_that_annotation_with_a_row_saying_so(
        tmp_path: Path, attributes: str, said: str) -> None:
    """A <location> without its offset (or length) attribute was read as 0: the annotation
    placed at the text's start (taken if its text was there, else a row saying the text at 0
    does not match). Now the row says the offset is missing, as for BioC JSON."""
    def document(ident: str, attrs: str) -> str:
        return (f"<document><id>{ident}</id><passage><offset>0</offset><text>Aspirin helped "
                f'fever.</text><annotation id="1"><location {attrs}/><text>Aspirin</text>'
                '</annotation><annotation id="2"><location offset="15" length="5"/>'
                "<text>fever</text></annotation></passage></document>\n")
    path = tmp_path / "c.xml"
    path.write_text("<?xml version='1.0' encoding='utf-8'?>\n<collection><source>x</source>\n"
                    + document("a", 'offset="0" length="7"') + document("b", attributes)
                    + "</collection>\n", "utf-8")
    docs, errs = ingest_all(path)
    assert [d.doc_id for d in docs] == ["a", "b"]
    assert docs[1].meta is not None
    assert [a["text"] for a in docs[1].meta["annotations"]] == ["fever"]
    assert [(e.error, e.doc_id) for e in errs] == [("bad_offsets", "b")]
    assert errs[0].message == f"annotation 'Aspirin': {said}; annotation dropped"


# ------------------------------------------------------------------------ gzip trailer


TEXT = "Aspirin and fever\nAspirin reduced fever in 20 of 40 patients (50%).\n"


@pytest.mark.parametrize("cut", [4, 9, 12])
def test_a_cut_txt_gz_is_refused(tmp_path: Path, cut: int) -> None:
    """A .txt.gz cut short (in its trailer, or in the deflate data, where text may be lost
    and cannot be told) is one record cut: refused with a truncated_gzip row. So is a second
    member cut in its header, after a whole first one."""
    path = tmp_path / "trial.txt.gz"
    path.write_bytes(gzip.compress(TEXT.encode(), mtime=0)[:-cut])
    two = tmp_path / "two.txt.gz"
    two.write_bytes(gzip.compress(TEXT.encode(), mtime=0) + gzip.compress(b"More.\n")[:5])
    for p in (path, two):
        docs, errs = ingest_all(p)
        assert not docs
        assert [e.error for e in errs] == ["truncated_gzip"]
        assert "the file is one document, cut short: not read" in errs[0].message


# ------------------------------------------------------------------------ shared table folders


def _light() -> Any:
    import spacy

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    return nlp


def _two_runs_sharing_documents(tmp_path: Path, link_both: bool) -> tuple[Path, Path, Path]:
    """Output folders a and b, each with a finished run, whose `documents` table folder is
    one folder: `shared` (both link to it: `link_both`), or a's own (b links to it). The run
    of b was made in a folder of its own, then its part moved there and the link made (as a
    user gathering tables on one disk would). Returns (a, b, b's part)."""
    from pipeline.run import run

    for name, text in (("in_a", "Aspirin reduced fever.\n"), ("in_b", "Imiquimod was applied.\n")):
        (tmp_path / name).mkdir()
        (tmp_path / name / f"{name}.txt").write_text(text, "utf-8")
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir()
    b.mkdir()
    shared = tmp_path / "shared" / "documents"
    shared.mkdir(parents=True)
    if link_both:
        (a / "documents").symlink_to(shared, target_is_directory=True)
    else:
        shared = a / "documents"
    own_b = tmp_path / "own_b"
    own_b.mkdir()
    (b / "documents").symlink_to(own_b, target_is_directory=True)
    run([tmp_path / "in_a"], a, workers=1, quiet=True, nlp_factory=_light)
    run([tmp_path / "in_b"], b, workers=1, quiet=True, nlp_factory=_light)
    (theirs,) = own_b.glob("part-g*.parquet")
    moved = shared / theirs.name
    theirs.rename(moved)
    (b / "documents").unlink()
    (b / "documents").symlink_to(shared, target_is_directory=True)
    return a, b, moved


@pytest.mark.parametrize("link_both", [True, False])
@pytest.mark.parametrize("flag", ["resume", "overwrite"])
def test_a_run_never_deletes_the_parts_of_another_folder_sharing_its_table_folder(
        tmp_path: Path, link_both: bool, flag: str) -> None:
    """Two output folders whose `documents` folders are one folder, both holding a run: a
    resume or overwrite of one deleted the other's part there as its own leftover (its name
    is a group's, not in this folder's markers). Each part now records the run id of the
    folder whose run wrote it; a part of another run id is refused, nothing deleted."""
    from pipeline.output_folder import OutputExistsError
    from pipeline.run import run
    from pipeline.write import part_run_id

    a, b, theirs = _two_runs_sharing_documents(tmp_path, link_both)
    before = theirs.read_bytes()
    ids = {json.loads((f / "manifest.json").read_text())["run_id"] for f in (a, b)}
    assert len(ids) == 2 and part_run_id(theirs) in ids
    with pytest.raises(OutputExistsError, match="was written by the run of another output"):
        run([tmp_path / "in_a"], a, workers=1, quiet=True, nlp_factory=_light,
            resume=flag == "resume", overwrite=flag == "overwrite")
    assert theirs.read_bytes() == before
    mine = [f for f in (a / "documents").glob("part-*.parquet") if f.name != theirs.name]
    assert len(mine) == 1 and part_run_id(mine[0]) != part_run_id(theirs)


def test_a_resume_still_deletes_its_own_leftovers_by_run_id(tmp_path: Path) -> None:
    """A part of this folder's run that no marker holds (a unit killed before its marker,
    here a group part copied under another group's name) is still deleted as a leftover on
    --resume, through a linked table folder too; every part file of the run records its run
    id (groups', an empty table's)."""
    from pipeline.run import run
    from pipeline.write import part_run_id

    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text("Aspirin reduced fever.\n", "utf-8")
    out = tmp_path / "out"
    out.mkdir()
    elsewhere = tmp_path / "disk" / "documents"
    elsewhere.mkdir(parents=True)
    (out / "documents").symlink_to(elsewhere, target_is_directory=True)
    run([tmp_path / "in"], out, workers=1, quiet=True, nlp_factory=_light)
    run_id = json.loads((out / "manifest.json").read_text())["run_id"]
    (part,) = elsewhere.glob("part-g*.parquet")
    assert part_run_id(part) == run_id
    every = [p.name for p in out.glob("*/part-*.parquet")]
    assert "part-_empty-00000.parquet" in every  # (the errors table's: no error row)
    assert {part_run_id(p) for p in out.glob("*/part-*.parquet")} == {run_id}
    leftover = elsewhere / "part-u0000009.0123456789-00000.parquet"
    leftover.write_bytes(part.read_bytes())
    run([tmp_path / "in"], out, workers=1, quiet=True, nlp_factory=_light, resume=True)
    assert not leftover.exists() and part.exists()
