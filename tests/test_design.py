"""biotab_design: the kind of study a document reports, from PubMed's publication types or from
cues in its title and text; rules validated on load; `documents.study_design` end to end."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from spacy.language import Language
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.components.design import RULES_FILE, StudyDesign, load_design_rules
from pipeline.documents import Document
from pipeline.labels import STUDY_DESIGNS
from pipeline.paths import RULES_DIR
from pipeline.process import publication_types
from pipeline.rules import RuleError

DATA = Path(__file__).resolve().parent / "data"

# Titles and openings of real abstracts (BC5CDR, NCBI-disease, pico-dev), shortened.
ABSTRACTS = {
    "case_report": (
        "Recurrent acute interstitial nephritis induced by azithromycin.\n"
        "A 14-year-old girl is reported with recurrent, azithromycin-induced, acute interstitial "
        "nephritis. The second episode was more severe than the first."
    ),
    "case_report, described later": (
        "Valproate-induced encephalopathy.\n"
        "Valproate-induced encephalopathy is a rare syndrome that may manifest in otherwise "
        "normal epileptic individuals. It may even present in patients who have tolerated this "
        "medicine well in the past. It is usually but not necessarily associated with "
        "hyperammonemia. A case of valproate-induced encephalopathy is presented."
    ),
    "animal": (
        "Sodium status influences chronic amphotericin B nephrotoxicity in rats.\n"
        "The nephrotoxic potential of amphotericin B (5 mg/kg per day intraperitoneally for 3 "
        "weeks) has been investigated in salt-depleted, normal-salt and salt-loaded rats."
    ),
    "randomized_trial": (
        "Effect of letrozole after tamoxifen in early breast cancer.\n"
        "Postmenopausal women who had completed 5 years of tamoxifen were randomly assigned to "
        "letrozole or placebo. Of 5,187 women enrolled, 2,593 received letrozole."
    ),
    "genetic": (
        "Canavan disease: mutations among Jewish and non-Jewish patients.\n"
        "Canavan disease is an autosomal recessive leukodystrophy caused by the deficiency of "
        "aspartoacylase (ASPA). Sixty-four probands were analysed for mutations in the ASPA gene."
    ),
    "clinical_trial": (
        "Phase II trial of vinorelbine in metastatic squamous cell esophageal carcinoma.\n"
        "PURPOSE: To evaluate the response rate and toxic effects of vinorelbine administered as "
        "a single agent in metastatic squamous cell carcinoma of the esophagus."
    ),
    # targeted therapies: the title's mutation names the drug's target, the text the trial
    "randomized_trial, of a targeted therapy": (
        "Osimertinib in untreated EGFR-mutated advanced non-small-cell lung cancer.\n"
        "We randomly assigned 556 patients with previously untreated, EGFR mutation-positive "
        "advanced NSCLC in a 1:1 ratio to receive osimertinib or a standard EGFR-TKI."
    ),
    "randomized_trial, of a BRAF inhibitor": (
        "Dabrafenib plus trametinib in BRAF V600E-mutant metastatic melanoma.\n"
        "We randomly assigned 423 patients to dabrafenib plus trametinib or dabrafenib plus "
        "placebo. The overall response rate was 67% versus 51%."
    ),
    "clinical_trial, single-arm of a KRAS inhibitor": (
        "Sotorasib for lung cancers with KRAS p.G12C mutation.\n"
        "In this phase 2 single-arm trial, 126 patients received sotorasib. An objective "
        "response was observed in 37.1% of patients."
    ),
    "review": (
        "Pharmacotherapy of gout: a meta-analysis of randomized trials.\n"
        "We searched MEDLINE and EMBASE for randomized trials of urate-lowering drugs."
    ),
}


@pytest.fixture(scope="module")
def design_nlp() -> Language:
    """biotab's tokenizer, sentences, sections and the design component (no language
    component: the document's language is None, read as English)."""
    from pipeline.nlp import blank_nlp, register_components

    register_components()
    nlp = blank_nlp()
    for name in ("biotab_sentences", "biotab_sections", "biotab_design"):
        nlp.add_pipe(name)
    return nlp


@pytest.mark.parametrize("kind", list(ABSTRACTS))
def test_design_from_the_text(design_nlp: Language, kind: str) -> None:
    doc = design_nlp(ABSTRACTS[kind])
    assert doc._.study_design == kind.split(",")[0]
    cue = doc._.study_design_cue
    assert cue and all(part in doc.text.lower() for part in cue.lower().split("; "))


def test_the_seeds(design_nlp: Language, seeds_dir: Path) -> None:
    """The guideline summary and the two web articles for the public are reviews (no new data:
    "This article explores ...", "Below, we explore ..."), the dupilumab news item is a case
    report, the lenalidomide study a (phase II) clinical trial."""
    docs = {p.name[:3]: design_nlp(p.read_text(encoding="utf-8"))
            for p in sorted(seeds_dir.glob("*.txt"))}
    got = {k: d._.study_design for k, d in docs.items()}
    assert got == {"000": "review", "001": "review", "002": "review", "003": "case_report",
                   "004": "clinical_trial"}
    assert docs["002"]._.study_design_cue == "below, we explore"


def test_publication_types_decide_first(design_nlp: Language) -> None:
    """A PubMed record's types come before every cue, in the rules' order: a case report with a
    review of the literature is a case report; the text's own cue counts only without them."""
    doc = design_nlp.make_doc(ABSTRACTS["animal"])
    doc._.publication_types = ("Journal Article", "Review", "Case Reports")
    doc = design_nlp(doc)
    assert (doc._.study_design, doc._.study_design_cue) == (
        "case_report", "publication type: Case Reports")
    doc = design_nlp.make_doc(ABSTRACTS["animal"])
    doc._.publication_types = ("Journal Article",)
    assert design_nlp(doc)._.study_design == "animal"


@pytest.mark.parametrize(("meta", "expected"), [
    ({"publication_types": ["Journal Article", "Case Reports"]},
     ("Journal Article", "Case Reports")),
    ({"publication_types": "Review"}, ("Review",)),
    ({"publication_types": [1, "Review", None]}, ("Review",)),
    ({"publication_types": {"a": 1}}, ()),
    ({}, ()),
])
def test_publication_types_read_from_any_metadata(meta: dict[str, object],
                                                  expected: tuple[str, ...]) -> None:
    doc = Document(doc_id="d", text="Text.", source="notes.jsonl", format="jsonl", meta=meta)
    assert publication_types(doc) == expected


def test_min_matches_counts_distinct_words(design_nlp: Language, tmp_path: Path) -> None:
    """A rule of three different words: 'gene' thrice is one."""
    rule = {"kind": "cue", "design": "genetic", "zone": "text",
            "regex": r"\b(?:genes?|alleles?|mutations?)\b", "min_matches": 3}
    (tmp_path / RULES_FILE).write_text(json.dumps(rule) + "\n", encoding="utf-8")
    comp = StudyDesign(design_nlp, "d", rules_path=str(tmp_path / RULES_FILE))
    zones = {"title": "", "opening": "", "text": "The gene, the gene and the gene."}
    assert comp.decide(zones) == (None, None)
    zones["text"] = "A gene with two alleles and a mutation."
    assert comp.decide(zones) == ("genetic", "gene; alleles; mutation")


def test_unless_vetoes_a_cue(design_nlp: Language) -> None:
    """An animal word in a title that names people decides nothing ('in rats and patients')."""
    doc = design_nlp("Amphotericin B nephrotoxicity in rats and in patients.\nNo more is said.")
    assert doc._.study_design != "animal"


def test_zones_are_bounded(design_nlp: Language) -> None:
    """The text zone is the first TEXT_CHARS characters: a cue past them decides nothing (and a
    huge document costs no more than its opening part); an empty text has no design."""
    from pipeline.components.design import TEXT_CHARS

    filler = "The drug was given at night. " * (TEXT_CHARS // 29 + 10)
    late = design_nlp("A note.\n" + filler + "Rats were randomly assigned to the drug.")
    assert late._.study_design is None
    early = design_nlp("A note.\nRats were randomly assigned to the drug. " + filler)
    assert early._.study_design == "animal"
    assert design_nlp("")._.study_design is None


def test_rules_round_trip_to_disk(design_nlp: Language, tmp_path: Path) -> None:
    """Rules other than the shipped ones (one title cue) are saved and read back into a
    component built with the shipped rules: it decides by the saved rules alone."""
    custom = tmp_path / RULES_FILE
    custom.write_text('{"kind": "cue", "design": "animal", "zone": "title", "regex": "rats"}\n',
                      encoding="utf-8")
    comp = StudyDesign(design_nlp, "d", rules_path=str(custom))
    comp.to_disk(tmp_path / "design")
    shipped = design_nlp.get_pipe("biotab_design")
    assert isinstance(shipped, StudyDesign)
    other = StudyDesign(design_nlp, "d2").from_disk(tmp_path / "design")
    assert other.rules == comp.rules != shipped.rules
    got = {kind: other(design_nlp(text))._.study_design for kind, text in ABSTRACTS.items()}
    assert got == {kind: "animal" if kind == "animal" else None for kind in ABSTRACTS}
    assert design_nlp(ABSTRACTS["randomized_trial"])._.study_design == "randomized_trial"


def test_the_packaged_rules_name_known_designs() -> None:
    rules = load_design_rules()
    assert {r["design"] for r in rules} <= set(STUDY_DESIGNS)
    assert rules[0]["kind"] == "publication_type"


@pytest.mark.parametrize(("line", "message"), [
    ('{"kind": "cue", "design": "trial", "zone": "text", "regex": "x"}',
     "key 'design' is 'trial', expected one of"),
    ('{"kind": "cue", "design": "animal", "zone": "abstract", "regex": "x"}',
     "key 'zone' is 'abstract', expected one of ['title', 'opening', 'text']"),
    ('{"kind": "cue", "design": "animal", "zone": "text", "regex": "(rats"}',
     "key 'regex' is not a valid regex"),
    ('{"kind": "cue", "design": "animal", "zone": "text", "regex": "(rats)?"}',
     "key 'regex' can match an empty stretch"),
    ('{"kind": "cue", "design": "animal", "zone": "text", "regex": "rats", "min_matches": 0}',
     "key 'min_matches' is 0, expected >= 1"),
    ('{"kind": "cue", "design": "animal", "zone": "text", "regex": "rats", "unles": "men"}',
     "unknown key 'unles'"),
    ('{"kind": "cue", "design": "animal", "regex": "rats"}', "missing key 'zone'"),
    ('{"kind": "publication_type", "design": "review", "types": []}',
     "key 'types' must be a non-empty list"),
    ('{"kind": "mesh", "design": "animal"}', "key 'kind' is 'mesh', expected one of"),
    ('{"kind": "cue", "design": "review", "zone": "text", "regex": "\\\\bMEDLINE\\\\b"}',
     "key 'regex' holds the upper-case 'M'; expected lower case"),
])
def test_bad_rules_are_refused(tmp_path: Path, line: str, message: str) -> None:
    path = tmp_path / RULES_FILE
    path.write_text('// a comment\n{"kind": "cue", "design": "animal", "zone": "title", '
                    '"regex": "rats"}\n' + line + "\n", encoding="utf-8")
    with pytest.raises(RuleError, match=re.escape(f"{path}:3: ") + ".*" + re.escape(message)):
        load_design_rules(path)


def test_an_empty_rule_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / RULES_FILE
    path.write_text("// nothing\n", encoding="utf-8")
    with pytest.raises(RuleError, match="no rules"):
        load_design_rules(path)


def test_the_packaged_file_is_the_default() -> None:
    assert load_design_rules() == load_design_rules(RULES_DIR / RULES_FILE)


def test_the_pipeline_order_checks() -> None:
    from pipeline.nlp import build_nlp

    nlp = build_nlp(model=None)
    names = nlp.pipe_names
    assert names.index("biotab_sections") < names.index("biotab_design")
    problems = nlp.analyze_pipes()["problems"]
    assert problems["biotab_design"] == []


def test_documents_table_end_to_end(tmp_path: Path) -> None:
    """PubMed XML with publication types, JSONL with and without them: `study_design` read back
    with pandas and DuckDB."""
    inp = tmp_path / "in"
    inp.mkdir()
    xml = (DATA / "ingest" / "pubmed_sample.xml").read_text(encoding="utf-8")
    # the sample's first record said only "Journal Article"; PubMed marks case series so
    xml = xml.replace('<PublicationType UI="D016428">Journal Article</PublicationType>',
                      '<PublicationType UI="D016428">Journal Article</PublicationType>'
                      '<PublicationType UI="D002363">Case Reports</PublicationType>', 1)
    (inp / "records.xml").write_text(xml, encoding="utf-8")
    lines = [
        {"id": "rct", "text": ABSTRACTS["randomized_trial"]},
        {"id": "typed", "text": ABSTRACTS["animal"], "publication_types": ["Review"]},
        {"id": "plain", "text": "Imiquimod is a cream. It is applied at night."},
    ]
    (inp / "notes.jsonl").write_text("\n".join(json.dumps(r) for r in lines) + "\n",
                                     encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["run", str(inp), "--out", str(out), "--workers", "1",
                                      "--quiet"])
    assert result.exit_code == 0, result.output
    docs = pd.read_parquet(out / "documents").set_index("doc_id")
    assert docs.loc["90000001", "study_design"] == "case_report"
    assert docs.loc["90000001", "study_design_cue"] == "publication type: Case Reports"
    assert docs.loc["rct", "study_design"] == "randomized_trial"
    assert docs.loc["typed", "study_design"] == "review"
    assert pd.isna(docs.loc["plain", "study_design"])
    con = duckdb.connect()
    rows = con.execute(
        f"SELECT study_design, count(*) FROM read_parquet('{out}/documents/*.parquet') "
        "GROUP BY study_design ORDER BY study_design NULLS LAST").fetchall()
    assert sum(n for _, n in rows) == len(docs)
    assert ("randomized_trial", 1) in rows


@pytest.mark.parametrize(
    "unit", ["1,", "a-", "in a ", "patients ", "we report the ", "x" * 50 + " "])
def test_rules_cost_linear_time(design_nlp: Language, unit: str) -> None:
    """Every rule over zones of a repeated adversarial piece: 16 times the text costs about 16
    times the time ('1,1,1,...' made the counted-people rule quadratic: 1.3 s on 20,000
    characters, each digit after a comma a new start of its number). The regexes' steps cannot
    be counted: best CPU time of 5 runs at each size (`cpu_growth`; wall clock measured the
    shared machine's load), 16x the text under 64x the time (quadratic: ~256x)."""
    from cpu_growth import assert_linear_cpu

    comp = design_nlp.get_pipe("biotab_design")
    assert isinstance(comp, StudyDesign)

    def prepare(chars: int) -> Callable[[], object]:
        text = (unit * (chars // len(unit) + 1))[:chars]
        zones = {"title": text, "opening": text, "text": text}
        return lambda: comp.decide(zones)

    assert_linear_cpu(prepare, 1_250)


def test_a_long_documents_chunks_share_its_design() -> None:
    """A document annotated in chunks has its first chunk's design throughout: a later chunk
    that opens with genetics words ('Germline BRCA1 mutations and alleles') is no genetics
    paper, and its adverse events stay adverse events (they were `other`, drug dropped)."""
    from pipeline.nlp import add_abbreviation_detector, blank_nlp, register_components
    from pipeline.process import Deadline, chunk_bounds, chunked_doc_rows

    register_components()
    nlp = blank_nlp()
    add_abbreviation_detector(nlp)
    for name in ("biotab_sentences", "biotab_sections", "biotab_design", "biotab_outcomes"):
        nlp.add_pipe(name)
    event = "Hot flushes occurred in 47 (5%) of 940 women given letrozole.\n"
    text = ("Letrozole after tamoxifen in early breast cancer: a randomized trial.\n"
            "Postmenopausal women were randomly assigned to letrozole or placebo. " + event
            + "The trial continued as planned and the data were collected by the nurses.\n" * 40
            + "Germline BRCA1 mutations and alleles were typed in every woman at entry.\n"
            + "Hot flushes occurred in 47 (5%) of 940 women.\n")
    assert len(chunk_bounds(text, 3000)) == 2
    document = Document(doc_id="d", text=text, source="t.txt", format="txt")
    tables = chunked_doc_rows(nlp, document, Deadline(None), 3000).tables
    assert tables["documents"][0]["study_design"] == "randomized_trial"
    got = [(o["text"], o["measure"]) for o in tables["outcomes"]]
    assert got == [("47 (5%) of 940 women", "adverse_event")] * 2


@pytest.mark.parametrize("text", [
    "A total of 212 patients with hypertension were treated with lithium. Outcomes were noted.",
    "A total of 4,512 patients were included in this retrospective cohort.",
    "Two hundred patients were treated with statins. Myopathy occurred in 3%.",
    "We describe a cohort of 400 patients treated with lithium.",
    "We present a series of 45 patients with gout.",
])
def test_a_group_is_no_case_report(design_nlp: Language, text: str) -> None:
    """The openings of a case report count a few people one by one; a total, a cohort or a
    series of many is a group (helper R's review)."""
    assert design_nlp(text)._.study_design != "case_report"


@pytest.mark.parametrize(("text", "design"), [
    ("We describe three patients who developed gout after diuretics.", "case_report"),
    ("We describe a 5th case of gout after diuretics.", "case_report"),
    ("BACKGROUND: Gabapentin reduced pain in rats and mice. METHODS: Two hundred patients were "
     "randomized to gabapentin or placebo.", "randomized_trial"),
    ("Rats were randomly assigned to lithium or saline. Polyuria developed in 12.", "animal"),
    ("A chart review of 212 consecutive patients treated with lithium was done. Tremor was "
     "seen in 30.", "observational"),
])
def test_cues_in_their_sentence(design_nlp: Language, text: str, design: str) -> None:
    """Animal words make an animal study only in the sentence that randomizes them, or with no
    people; a paragraph's first sentence is no title ('A chart review ...' is no review)."""
    assert design_nlp(text)._.study_design == design


def test_a_title_given_apart_from_the_text(design_nlp: Language) -> None:
    """A JSONL record's title field is not in its text: `Doc._.title_given` is the title zone."""
    text = "BRCA1 gene mutations and alleles were typed. Hot flushes occurred in 47 of 940 women."
    assert design_nlp(text)._.study_design == "genetic"
    doc = design_nlp.make_doc(text)
    doc._.title_given = "A randomised trial of letrozole"
    assert design_nlp(doc)._.study_design == "randomized_trial"


def test_only_english_text_is_read_for_cues(design_nlp: Language) -> None:
    """The cues are English words: a French abstract's 'in vitro' and 'incidence' decide
    nothing (biotab_language calls it fr), its publication types still do."""
    from pipeline.nlp import blank_nlp

    nlp = blank_nlp()
    for name in ("biotab_sentences", "biotab_sections", "biotab_language", "biotab_design"):
        nlp.add_pipe(name)
    text = ("Toxicité hépatique du méthotrexate chez une patiente.\nNous rapportons le cas d'une "
            "patiente traitée par méthotrexate. Les tests in vitro étaient normaux et "
            "l'incidence de cette toxicité est faible dans la littérature.")
    doc = nlp(text)
    assert doc._.language == "fr"
    assert doc._.study_design is None
    doc = nlp.make_doc(text)
    doc._.publication_types = ("Case Reports",)
    assert nlp(doc)._.study_design == "case_report"


def test_word_lists_in_patterns(tmp_path: Path) -> None:
    """`<<animal_words>>` is the list's terms as an alternation; an unknown list is refused
    with the rule, key and file expected."""
    from pipeline.paths import rule_file
    from pipeline.rules import read_term_list

    rules = load_design_rules()
    animal = next(r for r in rules if r["design"] == "animal" and r.get("zone") == "title")
    assert "<<" not in animal["regex"]
    words = read_term_list(rule_file("animal_words.txt"), hyphens=True)
    title = re.compile(animal["regex"])
    assert all(title.search(f"effects in {w}.") for w in words)
    assert not title.search("effects in ratios of chickens")
    assert title.search("effects in chick embryos").group() == "chick embryos"  # longest first
    path = tmp_path / RULES_FILE
    path.write_text('{"kind": "cue", "design": "animal", "zone": "text", '
                    '"regex": "\\\\b<<zoo_words>>\\\\b"}\n', encoding="utf-8")
    with pytest.raises(RuleError, match=re.escape(f"{path}:1: key 'regex' names the word list "
                                                  "'<<zoo_words>>'; expected a file "
                                                  "zoo_words.txt")):
        load_design_rules(path)


@pytest.mark.parametrize(("regex", "ok"), [
    (r"(?P<species>rats)\b", True),
    (r"\Arats\b", True),
    (r"\\Mice", False),
])
def test_upper_case_check_reads_escapes_and_group_names(tmp_path: Path, regex: str,
                                                        ok: bool) -> None:
    path = tmp_path / RULES_FILE
    path.write_text(json.dumps({"kind": "cue", "design": "animal", "zone": "text",
                                "regex": regex}) + "\n", encoding="utf-8")
    if ok:
        assert load_design_rules(path)[0]["regex"] == regex
    else:
        with pytest.raises(RuleError, match="holds the upper-case 'M'"):
            load_design_rules(path)
