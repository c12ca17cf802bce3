"""biotab_gene_mentions: gene symbols and genetic notation tagged DRUG are dropped, drugs kept."""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path

import pytest
from spacy.language import Language
from spacy.tokens import Doc

from pipeline.components.gene_mentions import RULES_FILE, GeneMentions, load_gene_rules
from pipeline.kb.gene_symbols import GENE_SYMBOLS_FILE, load_gene_symbols
from pipeline.kb.table import KBFileError
from pipeline.paths import RULES_DIR
from pipeline.rules import RuleError

GENETICS = (
    "Germline mutations of the RB1 gene were found in 12 of 40 patients with retinoblastoma. "
    "The CTG repeat of the DMPK gene was expanded in all DM families, and the N314D and "
    "Ala43Thr mutations were linked to the marker D9S5 on 17q; two affected sibs carried a Gly to "
    "Val change in the EWS gene, and cisplatin was given to none."
)
TRIAL = (
    "Patients received arginine vasopressin (AVP) or placebo. Plasma PAH clearance fell after "
    "cisplatin, and TAC was stopped in 14 patients."
)
SYMBOLS = "AVP\tapproved\nDMPK\tapproved\nDM\tprevious\nPAH\tapproved\nRB1\tapproved\n"


@pytest.fixture
def kb_folder(tmp_path: Path) -> Path:
    with gzip.open(tmp_path / GENE_SYMBOLS_FILE, "wt", encoding="utf-8") as fh:
        fh.write(SYMBOLS)
    return tmp_path


def tagged(nlp: Language, text: str, drugs: dict[str, str | None]) -> Doc:
    """`text` with each listed word a DRUG mention (its first occurrence as a word) and its
    concept."""
    doc = nlp(text)
    ents = []
    for word in drugs:
        found = re.search(rf"\b{re.escape(word)}\b", text)
        assert found is not None, word
        start = found.start()
        span = doc.char_span(start, start + len(word), label="DRUG")
        assert span is not None, word
        ents.append(span)
    doc.ents = sorted(ents, key=lambda s: s.start)
    for span in doc.ents:
        span._.concept_id = drugs[span.text]
    return doc


def test_genetic_notation_dropped_drugs_kept(blank: Language, kb_folder: Path) -> None:
    gene = GeneMentions(blank, "g", kb_path=str(kb_folder))
    doc = gene(tagged(blank, GENETICS, {
        "Germline": "MESH:C100083", "RB1": None, "CTG": None, "DMPK": None, "DM": None,
        "N314D": None, "Ala43Thr": None, "D9S5": None, "17q": None, "sibs": None,
        "Val": "MESH:D000068756", "EWS": None, "cisplatin": "MESH:D002945",
    }))  # fmt: skip
    assert [e.text for e in doc.ents] == ["cisplatin"]


def test_a_drug_trial_keeps_its_abbreviations(blank: Language, kb_folder: Path) -> None:
    """No word about genes: 'PAH' (para-aminohippurate, a Chemical in BC5CDR) and the regimen
    'TAC' (a codon's shape) stay; 'AVP' keeps the concept of its long form."""
    gene = GeneMentions(blank, "g", kb_path=str(kb_folder))
    drugs: dict[str, str | None] = {
        "arginine vasopressin": "MESH:D001127", "AVP": "MESH:D001127", "PAH": None,
        "cisplatin": "MESH:D002945", "TAC": None,
    }  # fmt: skip
    doc = gene(tagged(blank, TRIAL, drugs))
    assert [e.text for e in doc.ents] == list(drugs)


def test_a_gene_symbol_with_a_concept_is_kept(blank: Language, kb_folder: Path) -> None:
    gene = GeneMentions(blank, "g", kb_path=str(kb_folder))
    text = "AVP gene mutations cause diabetes insipidus; AVP was given."
    doc = gene(tagged(blank, text, {"AVP": "MESH:D001127"}))
    assert [e.text for e in doc.ents] == ["AVP"]


def test_mouse_symbols_and_gene_suffix(blank: Language, kb_folder: Path) -> None:
    """A mouse gene's symbol ("Rb1" of RB1) and a symbol with "-gene" go; a capitalized word
    that is no symbol ("Cisplatin") stays."""
    gene = GeneMentions(blank, "g", kb_path=str(kb_folder))
    text = "Rb1 mutant mice and the Dmpk-gene knockout were given Cisplatin."
    doc = gene(tagged(blank, text, {"Rb1": None, "Dmpk-gene": None, "Cisplatin": None}))
    assert [e.text for e in doc.ents] == ["Cisplatin"]


def test_full_pipeline_drops_gene_words_and_keeps_drugs(full_nlp: Language) -> None:
    """The committed model tags 'Germline', 'RB1', 'CTG' and 'D9S5' as DRUG here."""
    doc = full_nlp(GENETICS)
    drugs = [e.text for e in doc.ents if e.label_ == "DRUG"]
    assert not {"Germline", "RB1", "CTG", "D9S5"} & set(drugs)
    assert "retinoblastoma" in [e.text for e in doc.ents if e.label_ == "DISEASE"]
    trial = full_nlp("Plasma PAH clearance fell after cisplatin in 14 rats. Patients received "
                     "arginine vasopressin (AVP) or placebo.")
    assert {"PAH", "cisplatin", "AVP"} <= {e.text for e in trial.ents if e.label_ == "DRUG"}


def test_shipped_rules_load() -> None:
    rules = load_gene_rules(RULES_DIR / RULES_FILE)
    assert {r["kind"] for r in rules} == {"context", "symbols", "term", "shape"}


def _write(tmp_path: Path, lines: list[dict[str, object]]) -> Path:
    path = tmp_path / RULES_FILE
    path.write_text("".join(json.dumps(x) + "\n" for x in lines), encoding="utf-8")
    return path


CONTEXT = {"kind": "context", "words": ["gene"]}


@pytest.mark.parametrize(("line", "message"), [
    ({"kind": "symbols", "symbol_kinds": ["alias"], "min_length": 2},
     "key 'symbol_kinds' holds 'alias', expected some of ['approved', 'previous']"),
    ({"kind": "symbols", "symbol_kinds": ["approved"], "min_len": 2}, "missing key 'min_length'"),
    ({"kind": "shape", "regex": "D[0-9+S"}, "key 'regex'"),
    ({"kind": "symbols", "symbol_kinds": ["approved"], "min_length": 2, "suffixes": ["-Gene"]},
     "key 'suffixes' must be a non-empty list of non-empty lower-case strings"),
    ({"kind": "term", "terms": ["Germline"]}, "key 'terms' must be a non-empty list of "
     "non-empty lower-case strings"),
    ({"kind": "term", "terms": ["germline"], "in_context": "yes"},
     "key 'in_context' has str 'yes', expected bool"),
    ({"kind": "gene", "terms": ["germline"]}, "key 'kind' is 'gene', expected one of"),
])  # fmt: skip
def test_bad_rules_rejected(tmp_path: Path, line: dict[str, object], message: str) -> None:
    with pytest.raises(RuleError, match=message.replace("(", r"\(").replace("[", r"\[")):
        load_gene_rules(_write(tmp_path, [CONTEXT, line]))


def test_one_context_line_needed(tmp_path: Path) -> None:
    with pytest.raises(RuleError, match="expected one 'context' line, found 0"):
        load_gene_rules(_write(tmp_path, [{"kind": "term", "terms": ["germline"]}]))


def test_symbols_file_checked(tmp_path: Path) -> None:
    path = tmp_path / GENE_SYMBOLS_FILE
    with pytest.raises(KBFileError, match="missing; write it with"):
        load_gene_symbols(path)
    with gzip.open(path, "wt", encoding="utf-8") as fh:
        fh.write("RB1\tapproved\nDM\tformer\n")
    with pytest.raises(KBFileError, match=r":2: got 'DM\\tformer'; expected a symbol, a tab"):
        load_gene_symbols(path)


def test_saved_pipeline_keeps_the_rules(blank: Language, kb_folder: Path, tmp_path: Path) -> None:
    """Rules other than the shipped ones (a "germline" term only, no symbols or shapes) are
    saved and read back: a component built with the shipped rules drops what they drop."""
    custom = _write(tmp_path, [CONTEXT, {"kind": "term", "terms": ["germline"]}])
    gene = GeneMentions(blank, "g", kb_path=str(kb_folder), rules_path=str(custom))
    gene.to_disk(tmp_path / "saved")
    shipped = GeneMentions(blank, "g", kb_path=str(kb_folder))
    again = GeneMentions(blank, "g", kb_path=str(kb_folder)).from_disk(tmp_path / "saved")
    assert again.rules == gene.rules != shipped.rules
    drugs: dict[str, str | None] = {"Germline": None, "RB1": None, "D9S5": None,
                                    "cisplatin": "MESH:D002945"}
    assert [e.text for e in again(tagged(blank, GENETICS, drugs)).ents] == [
        "RB1", "D9S5", "cisplatin"]  # the saved rules drop the term only
    assert [e.text for e in shipped(tagged(blank, GENETICS, drugs)).ents] == ["cisplatin"]


def test_context_words_come_from_the_shared_list() -> None:
    """The packaged context line names `genetics_words.txt` (which biotab_design reads too);
    its words are read into the rule, so that `to_disk` saves them."""
    from pipeline.paths import rule_file
    from pipeline.rules import read_term_list

    context = next(r for r in load_gene_rules() if r["kind"] == "context")
    assert context["words"] == list(read_term_list(rule_file("genetics_words.txt"),
                                                   hyphens=True))
    assert "list" not in context and "x-linked" in context["words"]


@pytest.mark.parametrize(("line", "message"), [
    ('{"kind": "context", "words": ["gene"], "list": "genetics_words.txt"}',
     "takes exactly one of the keys 'words'"),
    ('{"kind": "context"}', "takes exactly one of the keys 'words'"),
    ('{"kind": "context", "list": "no_such_words.txt"}',
     "key 'list' names 'no_such_words.txt', which is no file"),
])
def test_bad_context_lines_are_refused(tmp_path: Path, line: str, message: str) -> None:
    path = tmp_path / RULES_FILE
    path.write_text(line + "\n", encoding="utf-8")
    with pytest.raises(RuleError, match=re.escape(f"{path}:1: ") + ".*" + re.escape(message)):
        load_gene_rules(path)
