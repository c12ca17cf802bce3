"""`biotab evaluate`: gold readers, the scorer, and the command on a small PubTator fixture."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import bioc
import pytest
from bioc import biocjson, biocxml
from spacy.language import Language
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.evaluate import (
    GoldDoc,
    Mention,
    curie,
    evaluate,
    evaluation_tables,
    predicted_mentions,
    read_gold,
    score,
)

GOLD = Path(__file__).parent / "data" / "evaluate" / "gold.pubtator"


def test_pubtator_gold_and_ids() -> None:
    docs = read_gold(GOLD)
    assert [d.doc_id for d in docs] == ["91000001", "91000002"]
    first = docs[0]
    assert all(first.text[m.start : m.end] == m.text for m in first.mentions)
    assert {m.label for m in first.mentions} == {"DRUG", "DISEASE"}
    assert first.mentions[0].concept_ids == frozenset({"MESH:D000077269"})
    assert curie("D001|D002") == frozenset({"MESH:D001", "MESH:D002"})
    assert curie("-1") == frozenset()
    assert curie("D007153+D040181") == frozenset({"MESH:D007153", "MESH:D040181"})  # NCBI


def bioc_collection(gold: list[GoldDoc]) -> bioc.BioCCollection:
    """PubTator gold as BC5CDR's BioC distribution lays it out: the title and the abstract
    as two passages (the abstract at the title's length + 1), each annotation in the passage
    it falls in, with its `type` and `MESH` infons and one location in document offsets."""
    collection = bioc.BioCCollection()
    for g in gold:
        doc = bioc.BioCDocument()
        doc.id = g.doc_id
        title, _, abstract = g.text.partition("\n")
        for n, (offset, text) in enumerate(((0, title), (len(title) + 1, abstract))):
            passage = bioc.BioCPassage()
            passage.offset, passage.text = offset, text
            passage.infons["type"] = ("title", "abstract")[n]
            for i, m in enumerate(g.mentions):
                if offset <= m.start < offset + len(text) + 1:
                    ann = bioc.BioCAnnotation()
                    ann.id, ann.text = f"{n}.{i}", m.text
                    ann.infons["type"] = "Chemical" if m.label == "DRUG" else "Disease"
                    ann.infons["MESH"] = "|".join(sorted(c.split(":")[1] for c in m.concept_ids))
                    ann.add_location(bioc.BioCLocation(m.start, m.end - m.start))
                    passage.add_annotation(ann)
            doc.add_passage(passage)
        collection.add_document(doc)
    return collection


def test_bioc_gold_xml_and_json_read_as_the_same_pubtator_gold(tmp_path: Path) -> None:
    """BioC, the format BC5CDR is distributed in, was no gold ("nothing was read as gold"):
    its annotations are now read as the PubTator lines are, in XML and in JSON."""
    gold = read_gold(GOLD)
    collection = bioc_collection(gold)
    xml = tmp_path / "gold.xml"
    xml.write_text(biocxml.dumps(collection), encoding="utf-8")
    js = tmp_path / "gold.json"
    js.write_text(biocjson.dumps(collection), encoding="utf-8")
    for path in (xml, js):
        problems: list[str] = []
        docs = read_gold(path, problems=problems)
        assert problems == []
        assert [(d.doc_id, d.text) for d in docs] == [(d.doc_id, d.text) for d in gold]
        assert [d.mentions for d in docs] == [d.mentions for d in gold], path.name
    result = CliRunner().invoke(app, ["evaluate", str(xml), "--no-model"])
    assert result.exit_code == 0, result.output
    assert "nothing of" not in result.output and "DISEASE" in result.output


def test_iob_gold_text_is_tokens_joined(tmp_path: Path) -> None:
    iob = tmp_path / "g.tsv"
    iob.write_text("Cisplatin\tB-Chemical\nnephrotoxicity\tB-Disease\n.\tO\n\n", encoding="utf-8")
    (doc,) = read_gold(iob)
    assert doc.text == "Cisplatin nephrotoxicity ."
    assert [(m.text, m.label) for m in doc.mentions] == [
        ("Cisplatin", "DRUG"), ("nephrotoxicity", "DISEASE")
    ]


def test_scorer_strict_lenient_and_concepts() -> None:
    docs = read_gold(GOLD)
    gold = docs[1].mentions  # hepatotoxicity, psoriasis, methotrexate, folic acid, fibrosis
    predicted = [
        Mention(gold[0].start, gold[0].end, "DISEASE", concept_ids=frozenset({"MESH:D056486"})),
        Mention(gold[1].start, gold[1].end, "DISEASE", concept_ids=frozenset({"MESH:D000001"})),
        Mention(gold[2].start, gold[2].end, "DRUG"),
        Mention(gold[3].start, gold[3].end - 5, "DRUG"),  # "folic": overlaps, not exact
        Mention(0, 12, "DRUG"),  # "Methotrexate" in the title: not in this gold
        Mention(gold[4].start, gold[4].end, "CYTOKINE"),  # a label the gold does not score
    ]
    ev = score([docs[1]], [predicted])
    assert (ev.strict["DRUG"].tp, ev.strict["DRUG"].fp, ev.strict["DRUG"].fn) == (1, 2, 1)
    assert (ev.strict["DISEASE"].tp, ev.strict["DISEASE"].fp, ev.strict["DISEASE"].fn) == (2, 0, 1)
    assert (ev.lenient["DRUG"].tp, ev.lenient["DRUG"].fp, ev.lenient["DRUG"].fn) == (2, 1, 0)
    assert (ev.concept_correct, ev.concept_total) == (1, 3)
    assert ev.concept_mentions == {"DISEASE": [1, 2], "DRUG": [0, 1]}
    assert {e["kind"] for e in ev.errors} == {"FP", "FN"}
    # document level: gold DISEASE ids {D056486, D011565, D008103}, predicted {D056486, D000001}
    diseases = ev.concepts["DISEASE"]
    assert (diseases.tp, diseases.fp, diseases.fn) == (1, 1, 2)
    assert (ev.concepts["DRUG"].tp, ev.concepts["DRUG"].fn) == (0, 2)


def test_document_concepts_are_sets_with_composite_ids() -> None:
    from pipeline.evaluate import GoldDoc

    gold = GoldDoc("1", "breast and ovarian cancer; breast cancer", [
        Mention(0, 25, "DISEASE", concept_ids=curie("D001943|D010051")),
        Mention(27, 40, "DISEASE", concept_ids=curie("D001943")),
        Mention(0, 6, "DISEASE", concept_ids=curie("-1")),
    ])
    predicted = [
        Mention(27, 40, "DISEASE", concept_ids=frozenset({"MESH:D001943"})),
        Mention(0, 25, "DISEASE", concept_ids=frozenset({"MESH:D001943"})),
    ]
    ev = score([gold], [predicted])
    # two gold concepts in the document, one found (twice: counted once)
    assert (ev.concepts["DISEASE"].tp, ev.concepts["DISEASE"].fp,
            ev.concepts["DISEASE"].fn) == (1, 0, 1)
    assert ev.micro("concepts").recall == 0.5
    mentions, concepts = evaluation_tables(ev, "t")
    cells = {col.header: list(col.cells) for col in mentions.columns}
    # DISEASE and ALL, strict and lenient: 2 of the 3 gold mentions ("breast" alone missed)
    assert cells["label"] == ["DISEASE", "ALL", "DISEASE", "ALL"]
    assert (cells["TP"], cells["FP"], cells["FN"]) == (["2"] * 4, ["0"] * 4, ["1"] * 4)
    cells = {col.header: list(col.cells) for col in concepts.columns}
    # both found mentions carry a gold id (2/2); one of the two gold concepts found
    assert cells["id accuracy on correct mentions"] == ["1.0000 (2/2)"] * 2
    assert (cells["TP"], cells["FP"], cells["FN"], cells["R"]) == (
        ["1"] * 2, ["0"] * 2, ["1"] * 2, ["0.5000"] * 2)


def test_real_pipeline_on_fixture(full_nlp: Language, tmp_path: Path) -> None:
    ev = evaluate(full_nlp, GOLD, errors_path=tmp_path / "errors.tsv")
    overall = ev.micro("strict")
    assert overall.f1 >= 0.8, (overall.precision, overall.recall)
    assert ev.concept_accuracy is not None and ev.concept_accuracy >= 0.8
    rows = list(csv.DictReader((tmp_path / "errors.tsv").open(encoding="utf-8"), delimiter="\t"))
    assert len(rows) == overall.fp + overall.fn


def test_cli_prints_scores(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app, ["evaluate", str(GOLD), "--no-model", "--errors", str(tmp_path / "e.tsv")]
    )
    assert result.exit_code == 0, result.output
    assert "strict" in result.output and "lenient" in result.output
    assert "concept-ID accuracy" in result.output
    assert (tmp_path / "e.tsv").read_text(encoding="utf-8").startswith("doc_id\tkind\tlabel")


def test_exclude_generic_leaves_class_mentions_out() -> None:
    docs = read_gold(GOLD)
    gold = docs[1].mentions  # hepatotoxicity, psoriasis, methotrexate, folic acid, fibrosis
    text = docs[1].text
    start = text.index("patients")
    predicted = [
        Mention(gold[2].start, gold[2].end, "DRUG", generic=False),
        # a class word the gold does not annotate: a false positive unless left out
        Mention(start, start + len("patients"), "DRUG", concept_ids=frozenset({"MESH:D1"}),
                generic=True),
        # a generic mention where the gold has one: neither found nor missed when left out
        Mention(gold[3].start, gold[3].end, "DRUG", concept_ids=frozenset({"MESH:D005492"}),
                generic=True),
    ]
    counted = score([docs[1]], [predicted])
    left_out = score([docs[1]], [predicted], exclude_generic=True)
    drug = counted.strict["DRUG"]
    assert (drug.tp, drug.fp, drug.fn) == (2, 1, 0)
    assert (counted.generic_left_out, counted.gold_left_out) == (0, 0)
    drug = left_out.strict["DRUG"]
    assert (drug.tp, drug.fp, drug.fn) == (1, 0, 0)
    assert (left_out.lenient["DRUG"].tp, left_out.lenient["DRUG"].fp) == (1, 0)
    assert (left_out.generic_left_out, left_out.gold_left_out) == (2, 1)
    # document level: the generic mentions' ids are not predicted, folic acid's gold id not asked
    assert (left_out.concepts["DRUG"].fp, left_out.concepts["DRUG"].fn) == (0, 1)
    assert (counted.concepts["DRUG"].fp, counted.concepts["DRUG"].fn) == (1, 1)
    assert all(e["text"] != "patients" for e in left_out.errors)
    # diseases are untouched
    assert left_out.strict["DISEASE"] == counted.strict["DISEASE"]


def test_exclude_generic_on_the_real_pipeline(full_nlp: Language, tmp_path: Path) -> None:
    """Class words the pipeline keeps as generic DRUG mentions, absent from this gold: false
    positives by default, left out with `exclude_generic`."""
    gold = tmp_path / "classes.pubtator"
    title = "Immunosuppressants and NSAIDs in lupus nephritis"
    abstract = ("Patients received methotrexate, NSAIDs and immunosuppressants. Lupus "
                "nephritis improved.")
    lupus = title.index("lupus nephritis")
    mtx = len(title) + 1 + abstract.index("methotrexate")
    gold.write_text(
        f"92000001|t|{title}\n92000001|a|{abstract}\n"
        f"92000001\t{lupus}\t{lupus + 15}\tlupus nephritis\tDisease\tD008181\n"
        f"92000001\t{mtx}\t{mtx + 12}\tmethotrexate\tChemical\tD008727\n\n",
        encoding="utf-8",
    )
    counted = evaluate(full_nlp, gold)
    left_out = evaluate(full_nlp, gold, exclude_generic=True)
    generic = [
        m for m in next(predicted_mentions(full_nlp, read_gold(gold))) if m.generic
    ]
    assert {m.label for m in generic} == {"DRUG"} and len(generic) >= 2
    assert counted.strict["DRUG"].fp >= len(generic)
    assert left_out.strict["DRUG"].fp == counted.strict["DRUG"].fp - len(generic)
    assert left_out.generic_left_out == len(generic) and left_out.gold_left_out == 0


def test_cli_exclude_generic(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["evaluate", str(GOLD), "--no-model", "--exclude-generic"])
    assert result.exit_code == 0, result.output
    assert "left out:" in result.output and "predicted generic mentions" in result.output
    help_text = CliRunner().invoke(app, ["evaluate", "--help"]).output
    assert "--exclude-generic" in help_text


def _damaged_gold(tmp_path: Path) -> Path:
    """The fixture with two Disease mention lines damaged: a start that is not a number (line
    4) and a mention cut to three fields (line 15)."""
    lines = GOLD.read_text(encoding="utf-8").split("\n")
    assert lines[3].startswith("91000001\t28\t57\t") and lines[14].startswith("91000002\t39\t")
    lines[3] = lines[3].replace("\t28\t", "\tx\t", 1)
    lines[14] = "91000002\t39\t48"
    gold = tmp_path / "damaged.pubtator"
    gold.write_text("\n".join(lines), encoding="utf-8")
    return gold


def test_damaged_gold_lines_are_problems_not_a_silently_smaller_gold(tmp_path: Path) -> None:
    """Before, a gold mention line with a start "x" or cut to three fields was read as a
    relation: the gold lost the mention without a word, and scores were against it."""
    gold = _damaged_gold(tmp_path)
    problems: list[str] = []
    docs = read_gold(gold, problems=problems)
    assert sum(len(d.mentions) for d in docs) == sum(len(d.mentions) for d in read_gold(GOLD)) - 2
    assert len(problems) == 2
    assert problems[0].startswith(f"{gold}, line 4: bad_offsets: mention offsets 'x'-'57'")
    assert problems[1].startswith(f"{gold}, line 15: bad_line: ")


def test_cli_counts_and_names_damaged_gold_lines(tmp_path: Path) -> None:
    gold = _damaged_gold(tmp_path)
    result = CliRunner().invoke(app, ["evaluate", str(gold), "--no-model"])
    assert result.exit_code == 0, result.output
    out = " ".join(result.output.split())  # rich wraps long lines
    assert "gold problems: 2 lines or records of damaged.pubtator" in out
    assert "line 4: bad_offsets" in out and "line 15: bad_line" in out
    clean = CliRunner().invoke(app, ["evaluate", str(GOLD), "--no-model"])
    assert clean.exit_code == 0 and "gold problems" not in clean.output


def test_cli_says_a_count_of_1_in_the_singular(tmp_path: Path) -> None:
    """The title said "1 documents, mentions" and the count under the tables "1 line(s) or
    record(s)": a count of 1 is in the singular now (the fixture's first document alone, one
    mention line of it damaged)."""
    first = GOLD.read_text(encoding="utf-8").split("\n\n")[0].split("\n")
    first[3] = first[3].replace("\t28\t", "\tx\t", 1)
    gold = tmp_path / "one.pubtator"
    gold.write_text("\n".join(first) + "\n\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["evaluate", str(gold), "--no-model", "--exclude-generic"])
    assert result.exit_code == 0, result.output
    out = " ".join(result.output.split())  # rich wraps long lines
    assert "one.pubtator: 1 document, mentions" in out, out
    assert "gold problems: 1 line or record of one.pubtator" in out, out
    left = re.search(r"left out: (\d+) predicted generic (mentions?), (\d+) gold (mentions?) ",
                     out)
    assert left is not None, out
    for n, word in ((left[1], left[2]), (left[3], left[4])):
        assert word == ("mention" if n == "1" else "mentions"), out


def test_gold_not_utf8_gzipped_or_empty_is_a_problem_not_a_traceback(tmp_path: Path) -> None:
    """Before, read_gold sniffed the first lines as UTF-8 text: a Latin-1 byte in a title, a
    gzipped gold file or an empty one made `biotab evaluate` die with UnicodeDecodeError."""
    import gzip

    good = GOLD.read_bytes()
    latin1 = tmp_path / "latin1.pubtator"
    latin1.write_bytes(good.replace(b"Lenalidomide", b"Lenalidom\xe9de", 1))
    problems: list[str] = []
    docs = read_gold(latin1, problems=problems)
    assert [d.doc_id for d in docs] == ["91000002"]  # the damaged record only is left out
    assert problems and ", line 1, byte" in problems[0] and "not_utf8" in problems[0]
    zipped = tmp_path / "gold.pubtator.gz"
    zipped.write_bytes(gzip.compress(good))
    assert [d.doc_id for d in read_gold(zipped)] == ["91000001", "91000002"]
    empty = tmp_path / "empty.pubtator"
    empty.write_bytes(b"")
    problems = []
    assert read_gold(empty, problems=problems) == []
    assert problems == [f"{empty}, whole file: empty_file: file is empty (no text after "
                        "whitespace)"]
    for gold, code in ((latin1, 0), (zipped, 0), (empty, 2)):  # 2: nothing read as gold
        result = CliRunner().invoke(app, ["evaluate", str(gold), "--no-model"])
        assert result.exit_code == code, result.output
    assert "gold problems: 1" in " ".join(result.output.split())


def test_iob_gold_bad_line_costs_its_sentence_only(tmp_path: Path) -> None:
    """Before, one IOB line without a tag (or with a tag that is not IOB2) ended `biotab
    evaluate` with a ValueError traceback; now its sentence is a gold problem."""
    iob = tmp_path / "g.tsv"
    iob.write_bytes(b"Aspirin\tB-Chemical\nworks\tO\n\n"
                    b"Cisplatin\tB-Chemical\ncaused\n\n"  # no tag
                    b"stroke\tX-Disease\n\n"  # not IOB2
                    b"caf\xe9\tO\n\n"  # not UTF-8
                    b"Ifosfamide\tB-Chemical\n")
    problems: list[str] = []
    docs = read_gold(iob, problems=problems)
    assert [d.text for d in docs] == ["Aspirin works", "Ifosfamide"]
    assert [p.split(": ", 2)[:2] for p in problems] == [
        [f"{iob}, line 5", "bad_line"], [f"{iob}, line 7", "bad_line"],
        [f"{iob}, line 9", "not_utf8"]]
    result = CliRunner().invoke(app, ["evaluate", str(iob), "--no-model"])
    assert result.exit_code == 0, result.output
    assert "gold problems: 3" in " ".join(result.output.split())


def test_gold_document_longer_than_max_length_is_annotated_in_chunks(
        full_nlp: Language, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Before, a gold text longer than spaCy's max_length (1,000,000 characters: a full-text
    record, an IOB file without blank lines) made `biotab evaluate` die with spaCy's E088;
    now it is annotated in chunks as `biotab run` does (here with a max_length of 3,000)."""
    monkeypatch.setattr(full_nlp, "max_length", 3000)
    sentence = "Cisplatin caused nephrotoxicity in five patients. "
    abstract = sentence * 200  # 10,000 characters
    title = "Cisplatin nephrotoxicity"
    lines = [f"9|t|{title}", f"9|a|{abstract}"]
    base = len(title) + 1
    starts = [base + i * len(sentence) for i in range(200)]
    lines += [f"9\t{s}\t{s + 9}\tCisplatin\tChemical\tD002945" for s in starts]
    gold = tmp_path / "long.pubtator"
    gold.write_text("\n".join(lines) + "\n", encoding="utf-8")
    (doc,) = read_gold(gold)
    (predicted,) = predicted_mentions(full_nlp, [doc])
    assert all(doc.text[m.start:m.end] == m.text for m in predicted)
    found = {m.start for m in predicted if m.label == "DRUG"}
    assert set(starts) <= found  # the last chunk's too (offsets into the whole text)
    ev = evaluate(full_nlp, gold)
    assert ev.strict["DRUG"].fn == 0 and ev.strict["DRUG"].tp == 200


def test_cli_errors_option_naming_a_folder_is_refused_before_tagging(tmp_path: Path) -> None:
    """`--errors FOLDER` ended in an IsADirectoryError traceback after the whole gold had been
    tagged (minutes on a real corpus)."""
    result = CliRunner().invoke(app, ["evaluate", str(GOLD), "--no-model", "--errors",
                                      str(tmp_path)])
    assert result.exit_code == 2, result.output
    assert "is a folder" in result.output and "strict" not in result.output


@pytest.mark.skipif(not Path("/sys").is_dir(), reason="needs Linux's /sys")
def test_cli_errors_option_that_cannot_be_written_is_refused_before_tagging() -> None:
    """`--errors` in a folder that cannot be written (a read-only mount; /sys, which not even
    root may write in) ended in a PermissionError traceback after the whole gold had been
    tagged."""
    result = CliRunner().invoke(app, ["evaluate", str(GOLD), "--no-model", "--errors",
                                      "/sys/biotab-errors.tsv"])
    assert result.exit_code == 2, result.output
    assert "cannot write --errors" in result.output and "strict" not in result.output


def test_cli_failed_evaluation_leaves_no_errors_file_and_keeps_an_existing_one(
        tmp_path: Path) -> None:
    """`--errors FILE` was created (empty) by the check that it can be written, before the
    evaluation; an evaluation that then failed (here: a --model folder that holds no spaCy
    pipeline, which also ended in a traceback) left the empty FILE behind. A FILE that was
    there already must keep its content: the command deletes nothing it did not write."""
    not_a_model = tmp_path / "not_a_model"
    not_a_model.mkdir()
    new = tmp_path / "new.tsv"
    kept = tmp_path / "kept.tsv"
    kept.write_text("doc_id\tkind\nmine\tFP\n", encoding="utf-8")
    for errors in (new, kept):
        result = CliRunner().invoke(app, ["evaluate", str(GOLD), "--model", str(not_a_model),
                                          "--errors", str(errors)])
        assert result.exit_code == 2, result.output
        assert isinstance(result.exception, SystemExit), result.exception  # no traceback
        lines = result.output.strip().splitlines()
        assert len(lines) == 1 and "--model" in lines[0] and str(not_a_model) in lines[0], lines
    assert not new.exists()
    assert kept.read_text(encoding="utf-8") == "doc_id\tkind\nmine\tFP\n"


def test_a_file_that_is_no_gold_says_what_gold_is_first(tmp_path: Path) -> None:
    """A prose file given as GOLD (the wrong file) was one warning per line (862 for
    README.md) before scores of 0 documents; then 21 warnings on stderr, which a terminal
    showed before the explanation on stdout, hiding it. Now the explanation is the first line
    (what a gold file is), then the count of lines not read with the first one, no warning
    (and no model loaded), exit 2."""
    prose = tmp_path / "notes.txt"
    prose.write_text("".join(f"Line {i} of my notes about aspirin.\n\n" for i in range(100)),
                     encoding="utf-8")
    result = CliRunner().invoke(app, ["evaluate", str(prose), "--no-model"])
    assert result.exit_code == 2, result.output  # was 0: a script took the zeros for scores
    assert "WARNING" not in result.output and not result.stderr.strip(), result.stderr
    first, second = result.stdout.splitlines()
    assert first.startswith("nothing of notes.txt was read as gold: expected ")
    assert "TOKEN<TAB>TAG" in first
    assert second.startswith(f"gold problems: 100 lines or records of notes.txt not read as "
                             f"gold; the first: {prose}, line 1: bad_line: ")


def test_a_gold_with_some_lines_not_read_warns_before_the_scores(tmp_path: Path) -> None:
    """Read before the model is built, a gold of which some lines are not read still has them
    named in warnings on stderr (at most GOLD_WARNINGS and one saying the rest are counted),
    and counted under the scores."""
    from pipeline.evaluate import GOLD_WARNINGS

    iob = tmp_path / "g.tsv"
    good = "Lithium\tB-Chemical\ncaused\tO\ntremor\tB-Disease\n.\tO\n\n"
    iob.write_text(good + "".join(f"word{i} NOTAG\n\n" for i in range(30)), encoding="utf-8")
    result = CliRunner().invoke(app, ["evaluate", str(iob), "--no-model"])
    assert result.exit_code == 0, result.output
    warnings = [line for line in result.stderr.splitlines() if " WARNING gold" in line]
    assert len(warnings) == GOLD_WARNINGS + 1 and "only the first" in warnings[-1]
    assert f"WARNING gold {iob}, line 6: " in warnings[0]
    assert "gold problems: 30 lines or records of g.tsv" in " ".join(result.stdout.split())


def test_a_gold_file_without_a_mention_says_so_and_exits_2(tmp_path: Path) -> None:
    """A PubTator file of titles and abstracts only (documents, not gold) was scored as gold
    without a mention, exit 0: every prediction a false positive, and nothing said why."""
    raw = tmp_path / "raw.pubtator"
    raw.write_text("1|t|Aspirin for pain.\n1|a|Aspirin was given to 40 patients with "
                   "migraine.\n\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["evaluate", str(raw), "--no-model"])
    assert result.exit_code == 2, result.output
    out = " ".join(result.stdout.split())
    assert "raw.pubtator holds 1 document but no gold DRUG, DISEASE or CYTOKINE mention" in out
    assert "TOKEN<TAB>TAG" in out
    annotated = tmp_path / "gold.pubtator"
    annotated.write_text(raw.read_text(encoding="utf-8").rstrip("\n")
                         + "\n1\t0\t7\tAspirin\tChemical\tD001241\n\n", encoding="utf-8")
    assert CliRunner().invoke(app, ["evaluate", str(annotated), "--no-model"]).exit_code == 0


def test_gold_readers_cap_their_warnings_without_a_problems_list(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """The benchmarks and training read gold without a `problems` list: the cap on warnings
    held only with one (887 warnings for README.md given as gold)."""
    import logging

    from pipeline.evaluate import GOLD_WARNINGS, read_gold

    prose = tmp_path / "notes.txt"
    prose.write_text("".join(f"Line {i} of my notes.\n\n" for i in range(100)), encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="pipeline.evaluate"):
        assert read_gold(prose) == []
    assert len(caplog.records) == GOLD_WARNINGS + 1
    assert "only the first" in caplog.records[-1].getMessage()


def test_gold_without_ids_has_no_concept_scores_and_the_wrong_file_no_tables(
        tmp_path: Path) -> None:
    """Before, an IOB gold (no concept ids) printed a concepts table of P/R/F1 0.0000 with every
    predicted concept a false positive, and a file that is no gold (a note) printed two tables
    of zeros before saying so; the notes were wrapped at 80 columns also into a file. Now: no
    concepts table and "n/a" without gold ids, the explanation alone for the wrong file, and
    each note on one line."""
    iob = tmp_path / "g.tsv"
    iob.write_text("Lithium\tB-Chemical\ncaused\tO\ntremor\tB-Disease\n.\tO\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["evaluate", str(iob), "--no-model"])
    assert result.exit_code == 0, result.output
    assert "concepts (document-level" not in result.output
    assert result.output.splitlines()[-1] == (
        "concept-ID accuracy on strictly correct mentions with gold ids: n/a (the gold has no "
        "concept ids)")
    note = tmp_path / "note.txt"
    note.write_text("From the Guidelines\nAldara treats actinic keratosis in adults.\n",
                    encoding="utf-8")
    result = CliRunner().invoke(app, ["evaluate", str(note), "--no-model"])
    assert result.exit_code == 2, result.output
    assert "┃" not in result.output and "0.0000" not in result.output
    # (the runner's output holds the warnings' log lines too)
    assert [line.split(":")[0] for line in result.output.splitlines()[-2:]] == [
        "nothing of note.txt was read as gold", "gold problems"]
    # PubTator gold with ids keeps its concepts table
    assert "concepts (document-level" in CliRunner().invoke(
        app, ["evaluate", str(GOLD), "--no-model"]).output
