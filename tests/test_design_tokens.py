"""biotab_design's cues lie on the document's tokens: a match that starts with a digit inside a
token (the "6" of "IL-6", the "4" of "3/4") counts nothing and the regex's next match is read;
any other match is widened to the tokens it touches ("X-chromosomal", "randomly"). The texts are
written here."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from spacy.language import Language
from spacy.tokens import Doc

from pipeline.components.design import StudyDesign


@pytest.fixture(scope="module")
def design_nlp() -> Language:
    """biotab's tokenizer, sentences, sections and the design component."""
    from pipeline.nlp import blank_nlp, register_components

    register_components()
    nlp = blank_nlp()
    for name in ("biotab_sentences", "biotab_sections", "biotab_design"):
        nlp.add_pipe(name)
    return nlp


def _on_tokens(doc: Doc, cue: str) -> bool:
    """Each part of the cue is found in the text on token boundaries."""
    text = doc.text.lower()
    for part in cue.split("; "):
        at = text.find(part)
        while at >= 0 and doc.char_span(at, at + len(part)) is None:
            at = text.find(part, at + 1)
        if at < 0:
            return False
    return True


@pytest.mark.parametrize(("text", "design", "cue"), [
    # a number inside a name is no count: the next match is ("12 patients" lay inside the
    # first, "6 signalling in 12 patients")
    ("Interleukin signalling and joint damage.\n"
     "We measured IL-6 signalling in 12 patients with rheumatoid arthritis.",
     "observational", "12 patients"),
    ("Remdesivir in COVID-19 cases of a regional hospital.\nThe records were not used.",
     None, None),
    ("Anaesthesia in the elderly.\nPropofol was compared with saline in 40 ASA 3/4 patients.",
     None, None),
    # widened to its token: a word after a hyphen, a stem the regex stops at
    ("Skewed X-chromosomal inactivation in carriers.\nThe WAS gene lies on the X chromosome.",
     "genetic", "x-chromosomal"),
    ("Ondansetron and gastric emptying.\nTwenty rats were randomly given ondansetron or saline.",
     "animal", "rats were randomly"),
    # a compound number is read whole: sixty-two patients are a series, not a case report
    ("Heparin-induced thrombocytopenia.\n"
     "Sixty-two patients with heparin-induced thrombocytopenia are reported.",
     "observational", "sixty-two patients"),
])
def test_cues_start_and_end_on_tokens(design_nlp: Language, text: str, design: str | None,
                                      cue: str | None) -> None:
    doc = design_nlp(text)
    assert (doc._.study_design, doc._.study_design_cue) == (design, cue)
    assert cue is None or _on_tokens(doc, cue)


def test_a_title_given_is_read_on_its_own_tokens(design_nlp: Language) -> None:
    """A JSONL record's title field, not in the text, is tokenized for the check: its "19
    cases" inside "COVID-19 cases" is no case series."""
    doc = design_nlp.make_doc("The records were not used.")
    doc._.title_given = "Remdesivir in COVID-19 cases of a regional hospital"
    doc = design_nlp(doc)
    assert (doc._.study_design, doc._.study_design_cue) == (None, None)
    doc = design_nlp.make_doc("The records were not used.")
    doc._.title_given = "Remdesivir in 19 cases of a regional hospital"
    assert design_nlp(doc)._.study_design == "case_report"


@pytest.mark.parametrize("unit", ["il-6 in 2 patients ", "3/4 ", "a-b-c "])
def test_cues_on_tokens_cost_linear_time(design_nlp: Language, unit: str) -> None:
    """Matches that count nothing, one after another: each search goes on from the next
    character, and the whole stays linear (16x the text under 64x the CPU time)."""
    from cpu_growth import assert_linear_cpu

    comp = design_nlp.get_pipe("biotab_design")
    assert isinstance(comp, StudyDesign)

    def prepare(chars: int) -> Callable[[], object]:
        doc = design_nlp((unit * (chars // len(unit) + 1))[:chars])
        return lambda: comp(doc)

    assert_linear_cpu(prepare, 1_250)


def test_words_widened_to_tokens_count_once(design_nlp: Language) -> None:
    """A rule of several distinct words counts the words matched, not the cues widened to
    their tokens: "heterozygous" and "compound-heterozygous" are one word of genetics (before,
    two, and two words of the genetics rule's three made it fire)."""
    text = ("The family was studied. The heterozygous carriers and the compound-heterozygous "
            "child were examined, and DNA was taken from each.")
    doc = design_nlp(text)
    assert doc._.study_design != "genetic", doc._.study_design_cue
    more = design_nlp(text.replace("DNA was taken", "DNA and a deletion were found"))
    assert more._.study_design == "genetic"
