"""`biotab_abbreviations`: scispacy's detector with a linear bracket-pair matcher."""

from __future__ import annotations

from pathlib import Path

import pytest
from scispacy.abbreviation import AbbreviationDetector
from spacy.language import Language
from spacy.matcher import Matcher
from spacy.tokens import Doc

from pipeline.components.abbreviations import NEVER_MATCHES, SETTINGS_FILE, BracketPairs
from pipeline.nlp import add_abbreviation_detector, blank_nlp

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
TEXTS = [
    "Cutaneous lupus erythematosus (CLE) improved; CLE relapsed.",
    "Tumor necrosis factor (TNF) and interleukin-6 (IL-6) (both (a) cytokines) rose (p < 0.05) "
    "( ) ((x)) in rheumatoid arthritis (RA).",
    "( a ( b ) c ) d ( e ) ) ) ( ( f ) ) (",
    "(TNF) opened the text; methotrexate (MTX (oral)) and ( an unclosed bracket.",
    "Dupilumab (Dupixent; a monoclonal antibody to the IL-4 receptor alpha subunit) helped.",
]


@pytest.fixture(scope="module")
def nlp() -> Language:
    nlp = blank_nlp()
    add_abbreviation_detector(nlp)
    return nlp


def _abbreviations(doc: Doc) -> list[tuple[int, int, str, int, int]]:
    # scispacy keeps each long form's short forms in a set of Spans: compare them sorted
    return sorted((a.start, a.end, a.text, a._.long_form.start, a._.long_form.end)
                  for a in doc._.abbreviations)


def test_bracket_pairs_are_scispacys_matches_that_its_filter_keeps(nlp: Language) -> None:
    matcher = Matcher(nlp.vocab)
    matcher.add("parenthesis", [[{"ORTH": "("}, {"OP": "+"}, {"ORTH": ")"}]])
    pairs = BracketPairs(nlp.vocab.strings["parenthesis"])
    for text in TEXTS:
        doc = nlp.make_doc(text)
        kept = [m for m in matcher(doc) if m[2] - m[1] - 2 <= 8 and m[1] != 0]
        assert pairs(doc) == kept, text  # the same pairs in the same order


def test_same_abbreviations_as_scispacy(nlp: Language) -> None:
    texts = TEXTS + [p.read_text(encoding="utf-8") for p in sorted(SEEDS.iterdir())]
    scispacy = AbbreviationDetector(nlp)
    scispacy.global_matcher.add(NEVER_MATCHES, [[{"ORTH": NEVER_MATCHES}]])  # no W036 warning
    found = 0
    for text in texts:
        ours, theirs = nlp(text), scispacy(nlp.make_doc(text))
        assert _abbreviations(ours) == _abbreviations(theirs), text[:60]
        found += len(ours._.abbreviations)
    assert found > 10  # the comparison saw real abbreviations (CLE, TNF, IL-6 ...)


def test_nested_brackets_cost_linear_time(nlp: Language,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """scispacy's matcher yields n^2 pairs: 2,000 nested brackets took 14 s and 1.6 GB. The
    candidate pairs the detector's matcher yields (each one then filtered and looked at) are
    counted, not timed (wall clock on a shared machine measures its load), at n and 16n: at
    most 16 times as many (quadratic: ~256 times)."""
    detector = nlp.get_pipe("biotab_abbreviations")
    inner = detector.matcher
    assert isinstance(inner, BracketPairs)
    pairs: list[int] = []

    def counted(doc: Doc) -> list[tuple[int, int, int]]:
        found = inner(doc)
        pairs.append(len(found))
        return found

    def candidates(n: int) -> int:
        pairs.clear()
        detector(nlp.make_doc("(" * n + " aspirin (ASA) " + ")" * n))
        return sum(pairs)

    monkeypatch.setattr(detector, "matcher", counted)
    small, large = candidates(500), candidates(8_000)
    assert 0 < large <= 16 * 1.25 * small, (small, large)


def test_settings_round_trip_and_a_bad_file_is_refused(nlp: Language, tmp_path: Path) -> None:
    other = blank_nlp()
    detector = add_abbreviation_detector(other, config={"make_serializable": True})
    detector.to_disk(tmp_path / "a")
    again = add_abbreviation_detector(blank_nlp()).from_disk(tmp_path / "a")
    assert again.make_serializable is True
    (tmp_path / "a" / SETTINGS_FILE).write_text('{"make_serialisable": true}', encoding="utf-8")
    with pytest.raises(ValueError, match=r"abbreviations\.json: expected an object"):
        add_abbreviation_detector(blank_nlp()).from_disk(tmp_path / "a")
