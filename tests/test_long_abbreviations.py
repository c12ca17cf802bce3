"""Abbreviations across the chunks of a long document: a definition in an earlier chunk resolves
the short forms of the later ones (`CarriedDefinitions`, `Doc._.carried_from`)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from spacy.language import Language

from pipeline.components.abbreviations import (
    MAX_DEFINITION_CHARS,
    SEPARATOR,
    BracketPairs,
    CarriedDefinitions,
    definitions,
)
from pipeline.documents import Document
from pipeline.nlp import add_abbreviation_detector, blank_nlp
from pipeline.process import Rows, chunk_bounds, process_documents

CLE_SEED = "004_f42307a9e4e55ef1.txt"
DEFINITION = "Cutaneous lupus erythematosus (CLE)"
CHUNK_CHARS = 2000


@pytest.fixture(scope="module")
def detector_nlp() -> Language:
    nlp = blank_nlp()
    add_abbreviation_detector(nlp)
    return nlp


def _rows(nlp: Language, text: str, **kwargs: Any) -> dict[str, list[dict[str, Any]]]:
    out = Rows()
    document = Document(doc_id="d", text=text, source="t.txt", format="txt", location="1")
    for rows in process_documents(nlp, [document], **kwargs):
        out.extend(rows)
    assert not out.tables["errors"]
    return out.tables


def _mention(m: dict[str, Any]) -> tuple[Any, ...]:
    return (m["start_char"], m["end_char"], m["label"], m["concept_id"], m["source"],
            m["is_abbreviation"], m["long_form"])


def _cle_text(seeds_dir: Path) -> str:
    """The CLE seed, then three copies of it in which CLE is used but not defined."""
    seed = (seeds_dir / CLE_SEED).read_text(encoding="utf-8")
    assert seed.count(DEFINITION) == 1
    undefined = seed.replace(DEFINITION, "CLE")
    return "\n\n".join([seed] + [undefined] * 3)


@pytest.mark.slow
def test_a_later_chunk_resolves_the_first_chunks_definition(
    full_nlp: Language, seeds_dir: Path
) -> None:
    text = _cle_text(seeds_dir)
    bounds = chunk_bounds(text, CHUNK_CHARS)
    defined_at = text.index(DEFINITION)
    assert len(bounds) > 4 and defined_at + len(DEFINITION) <= bounds[0][1]
    chunked = _rows(full_nlp, text, chunk_chars=CHUNK_CHARS)
    mentions = chunked["mentions"]
    cle = [m for m in mentions if m["text"] == "CLE"]
    first = [m for m in cle if m["start_char"] < bounds[0][1]]
    later = [m for m in cle if m["start_char"] >= bounds[1][0]]
    assert first and first[0]["is_abbreviation"] and first[0]["concept_id"]
    # every "CLE" of the text is a mention, and the later chunks' ones are the first chunk's
    assert len(cle) == len(re.findall(r"\bCLE\b", text))
    assert len({_mention(m)[2:] for m in cle}) == 1
    assert {b[0] for b in bounds[1:]} & {m["start_char"] for m in later} == set()
    assert len({next(i for i, b in enumerate(bounds) if b[0] <= m["start_char"] < b[1])
                for m in later}) > 2
    # the same CLE mentions as the document annotated as one Doc
    whole = _rows(full_nlp, text)["mentions"]
    assert [_mention(m) for m in cle] == [_mention(m) for m in whole if m["text"] == "CLE"]
    # what was annotated after each chunk gives no rows: rows are the text's, numbered in order
    assert [m["mention_id"] for m in mentions] == list(range(len(mentions)))
    assert all(m["text"] == text[m["start_char"] : m["end_char"]] for m in mentions)
    sentences = chunked["sentences"]
    assert [s["sent_idx"] for s in sentences] == list(range(len(sentences)))
    assert all(s["text"] == text[s["start_char"] : s["end_char"]] for s in sentences)
    assert chunked["documents"][0]["n_sentences"] == len(sentences)


@pytest.mark.slow
def test_each_kind_of_definition_is_carried(full_nlp: Language, seeds_dir: Path) -> None:
    """scispacy's definitions, written from the mention the long form ends with ("22 -
    oxacalcitriol ( OCT )"), and those only biotab_fusion reads ("testosterone (T)",
    "acetylsalicylic acid [ASA]"): their short forms in later chunks are the first chunk's."""
    defined = ("In addition, 22 - oxacalcitriol ( OCT ) lowered PTH. Serum testosterone (T) fell. "
               "Patients took acetylsalicylic acid [ASA] daily.")
    used = "Later, OCT and ASA were given, and T rose."
    filler = re.sub(r"\s*\([^()]*\)", "", (seeds_dir / "000_9662ce3457697b4f.txt").read_text(
        encoding="utf-8"))
    text = "\n\n".join([defined, filler, used, filler, used])
    bounds = chunk_bounds(text, CHUNK_CHARS)
    assert len(bounds) > 2 and len(defined) < bounds[0][1] < text.index(used)
    shorts = {"OCT", "T", "ASA"}
    mentions = [m for m in _rows(full_nlp, text, chunk_chars=CHUNK_CHARS)["mentions"]
                if m["text"] in shorts]
    first = {m["text"]: _mention(m)[2:] for m in mentions if m["start_char"] < bounds[0][1]}
    later = [m for m in mentions if m["start_char"] >= bounds[1][0]]
    assert set(first) == shorts and all(v[0] and v[3] for v in first.values())
    assert {m["text"] for m in later} == shorts and len(later) == 6
    assert all(_mention(m)[2:] == first[m["text"]] for m in later)
    whole = [m for m in _rows(full_nlp, text)["mentions"] if m["text"] in shorts]
    assert [_mention(m) for m in mentions] == [_mention(m) for m in whole]


@pytest.mark.slow
def test_without_a_definition_the_chunks_are_annotated_as_before(
    full_nlp: Language, seeds_dir: Path
) -> None:
    """No brackets, so no definition: each chunk's rows are the rows of the chunk alone."""
    text = re.sub(r"\s*\([^()]*\)", "", _cle_text(seeds_dir))
    bounds = chunk_bounds(text, CHUNK_CHARS)
    assert "(" not in text and len(bounds) > 4
    chunked = _rows(full_nlp, text, chunk_chars=CHUNK_CHARS)
    alone_mentions, alone_sentences = [], []
    for start, end in bounds:
        alone = _rows(full_nlp, text[start:end])
        alone_mentions += [(m["start_char"] + start, m["end_char"] + start, *_mention(m)[2:])
                           for m in alone["mentions"]]
        alone_sentences += [s["start_char"] + start for s in alone["sentences"]]
    assert len(alone_mentions) > 20
    assert [(m["start_char"], *_mention(m)[1:]) for m in chunked["mentions"]] == alone_mentions
    assert [s["start_char"] for s in chunked["sentences"]] == alone_sentences


def test_an_earlier_definition_wins_and_closes_no_bracket_of_the_chunk(
    detector_nlp: Language,
) -> None:
    chunk = ("Chronic lung emphysema (CLE) was frequent; CLE and chronic lung emphysema "
             "worsened (see")
    carried = SEPARATOR + DEFINITION
    doc = detector_nlp.make_doc(chunk + carried)
    alone = detector_nlp(detector_nlp.make_doc(chunk + carried))
    doc._.carried_from = len(chunk)
    detector_nlp.get_pipe("biotab_abbreviations")(doc)
    # as one Doc: the first definition of CLE (the carried one) holds for every CLE
    in_chunk = [a for a in doc._.abbreviations if a.end_char <= len(chunk)]
    assert len(in_chunk) == 2
    assert {a._.long_form.text for a in doc._.abbreviations} == {"Cutaneous lupus erythematosus"}
    # read in text order instead, the chunk's own definition is the first
    assert {a._.long_form.text for a in alone._.abbreviations} == {"Chronic lung emphysema"}
    pairs = BracketPairs(0)(doc)
    boundary = next(t.i for t in doc if t.idx >= len(chunk))
    assert pairs[0][1] >= boundary  # the carried pairs first
    assert not [p for p in pairs if p[1] < boundary < p[2]]


def _texts(seeds_dir: Path) -> list[str]:
    return [p.read_text(encoding="utf-8") for p in sorted(seeds_dir.iterdir())] + [
        "CLE (chronic cutaneous lupus erythematosus) relapsed; CLE was treated with thalidomide.",
        "Tumor necrosis factor (TNF) and interleukin-6 (IL-6) rose in rheumatoid arthritis (RA).",
    ]


def test_a_written_definition_defines_the_same_long_form(
    detector_nlp: Language, seeds_dir: Path
) -> None:
    """Both of scispacy's forms ("long (short)", "short (... long)"), written out and read
    alone, give the short form the long form it had in the document."""
    checked = set()
    for text in _texts(seeds_dir):
        doc = detector_nlp(text)
        long_forms = {a.text: a._.long_form.text for a in doc._.abbreviations}
        for short, long, written in definitions(doc):
            assert written in text and long == long_forms[short]
            again = {a.text: a._.long_form.text for a in detector_nlp(written)._.abbreviations}
            assert again == {short: long}, written
            checked.add(written.startswith(short))
    assert checked == {True, False}


def test_carried_definitions_are_the_first_ones_bounded(
    detector_nlp: Language, seeds_dir: Path
) -> None:
    docs = [detector_nlp(text) for text in _texts(seeds_dir)]
    found = [d for doc in docs for d in definitions(doc)]
    everything = CarriedDefinitions(max_definitions=10**6)
    for doc in docs:
        everything.add(doc)
    firsts = {d.short: d for d in reversed(found)}  # the first definition of each short form
    assert everything.kept == {s: firsts[s] for s in everything.kept}
    assert len(everything.kept) == len(firsts) > 5
    capped = CarriedDefinitions(max_definitions=3)
    for doc in docs:
        capped.add(doc)
    assert list(capped.kept.items()) == list(everything.kept.items())[:3]
    # a long form holding a bracket, or too long, is not carried
    long_form = " ".join(letter * (MAX_DEFINITION_CHARS // 4) for letter in "vlwx")
    odd = detector_nlp(f"The tumor (alpha) necrosis factor (TNF) and VLWX ({long_form}) rose.")
    assert {d.short for d in definitions(odd)} == {"TNF", "VLWX"}
    skipped = CarriedDefinitions()
    skipped.add(odd)
    assert skipped.kept == {}
    # those a chunk can use (its short or its long form is in it), as many as fit
    kept = list(capped.kept.values())
    chunk = f"{kept[0].short} and {kept[2].long} were studied."
    text = capped.text(chunk, 10**6)
    assert text == SEPARATOR + kept[0].written + SEPARATOR + kept[2].written
    assert capped.text(chunk, len(text) - 1) == SEPARATOR + kept[0].written
    assert capped.text(chunk, 1) == ""
    assert capped.text("Nothing defined here.", 10**6) == ""


def test_definitions_from_scispacys_serializable_abbreviations(seeds_dir: Path) -> None:
    plain, serializable = blank_nlp(), blank_nlp()
    add_abbreviation_detector(plain)
    add_abbreviation_detector(serializable, config={"make_serializable": True})
    for text in _texts(seeds_dir):
        doc = serializable(text)
        assert all(isinstance(a, dict) for a in doc._.abbreviations)
        assert list(definitions(doc)) == list(definitions(plain(text)))
