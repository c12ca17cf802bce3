"""biotab_assertion: ConText rules on hand-built Docs, the seed sentences, the gold sets (its rules
and their files: test_assertion_rules.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import annotate_mentions as annotate
from helpers import assertion_letters as flags_list
from helpers import check_assertion, load_benchmark, mention_spans
from spacy.language import Language
from spacy.tokens import Doc, Span

from pipeline.components.assertion import (
    ContextAssertion,
)


def flags(doc: Doc) -> dict[str, str]:
    """mention text -> "N", "H", "U" letters ("" when affirmed)."""
    return dict(zip((e.text for e in doc.ents), flags_list(doc), strict=True))


def test_neither_nor_negates_both(blank: Language, assertion: ContextAssertion) -> None:
    doc = annotate(
        blank,
        "Neither polyneuropathy nor thrombosis was observed.",
        [("polyneuropathy", "DISEASE"), ("thrombosis", "DISEASE")],
    )
    assertion(doc)
    assert flags(doc) == {"polyneuropathy": "N", "thrombosis": "N"}
    assert [e._.assertion_cue for e in doc.ents] == ["Neither", "nor"]


def test_a_list_of_one_line_sentences(blank: Language, assertion: ContextAssertion) -> None:
    """Thousands of one-line sentences, each a mention (a drug list): each sentence reads its
    own mentions and cues only (found by bisect: linear time, `benchmarks/long_doc.py --kinds
    lines`)."""
    lines = ["aspirin"] * 3000
    lines[2500] = "No aspirin"
    lines[2501] = "heparin"
    doc = blank("\n".join(lines) + "\n")
    spans = [Span(doc, t.i, t.i + 1, label="DRUG") for t in doc if t.text in ("aspirin", "heparin")]
    doc.set_ents(spans)
    assertion(doc)
    negated = [(e.text, e.start) for e in doc.ents if e._.negated]
    assert negated == [("aspirin", doc.ents[2500].start)]
    assert [e._.assertion_cue for e in doc.ents[2499:2502]] == [None, "No", None]


def test_component_negates_a_hand_built_list(blank: Language, assertion: ContextAssertion) -> None:
    """A component test on a hand-built Doc, not seed coverage: the pipeline finds no "oral
    herpes" mention in seed 003 (tests/test_seeds.py covers what it does find there)."""
    text = (
        "Patient reported minimal xerophthalmia, no other adverse reactions including "
        "conjunctivitis, blepharitis, oral herpes, keratitis were noted."
    )
    names = ["xerophthalmia", "conjunctivitis", "blepharitis", "oral herpes", "keratitis"]
    doc = annotate(blank, text, [(n, "DISEASE") for n in names])
    assertion(doc)
    assert flags(doc) == {
        "xerophthalmia": "",
        "conjunctivitis": "N",
        "blepharitis": "N",
        "oral herpes": "N",
        "keratitis": "N",
    }


def test_no_direct_evidence_negates_the_drug(blank: Language, assertion: ContextAssertion) -> None:
    """Absence of evidence about a drug's use negates the drug, as "no mention of" does; the
    patients' disease stays asserted."""
    text = (
        "There is no direct evidence from the provided studies that suggests Aldara (imiquimod) "
        "can be used in patients with multiple sclerosis 2, 3, 4, 5, 6."
    )
    doc = annotate(
        blank,
        text,
        [("Aldara", "DRUG"), ("imiquimod", "DRUG"), ("multiple sclerosis", "DISEASE")],
    )
    assertion(doc)
    assert flags(doc) == {"Aldara": "N", "imiquimod": "N", "multiple sclerosis": ""}


def test_could_theoretically_is_hypothetical(blank: Language, assertion: ContextAssertion) -> None:
    text = (
        "The mechanism of action of imiquimod, which involves the activation of toll-like "
        "receptor 7 and the subsequent increase in cytokine production, including "
        "interferon-alpha, could theoretically trigger or worsen inflammatory processes in MS "
        "patients 1."
    )
    doc = annotate(
        blank,
        text,
        [("imiquimod", "DRUG"), ("interferon-alpha", "CYTOKINE"), ("MS", "DISEASE")],
    )
    assertion(doc)
    # the worsening is hypothetical, the patients' MS is not
    assert flags(doc) == {"imiquimod": "", "interferon-alpha": "", "MS": ""}
    doc = annotate(
        blank,
        "Imiquimod could theoretically trigger psoriasis.",
        [("Imiquimod", "DRUG"), ("psoriasis", "DISEASE")],
    )
    assertion(doc)
    assert flags(doc) == {"Imiquimod": "", "psoriasis": "H"}
    assert doc.ents[1]._.assertion_cue == "could theoretically"


def test_caution_is_not_negation(blank: Language, assertion: ContextAssertion) -> None:
    text = (
        "Aldara (imiquimod) should be used with extreme caution in patients with multiple "
        "sclerosis (MS) due to its potential to exacerbate autoimmune conditions by stimulating "
        "the immune system."
    )
    doc = annotate(
        blank,
        text,
        [
            ("Aldara", "DRUG"),
            ("imiquimod", "DRUG"),
            ("multiple sclerosis", "DISEASE"),
            ("MS", "DISEASE"),
        ],
    )
    assertion(doc)
    assert flags(doc) == {"Aldara": "", "imiquimod": "", "multiple sclerosis": "", "MS": ""}


def test_but_no_alopecia_after_improvement_is_elliptical(
    blank: Language, assertion: ContextAssertion
) -> None:
    """'some improvement in the skin condition, but no [improvement in the] alopecia': the girl
    has alopecia totalis, it did not improve; it is not absent."""
    text = (
        "A trial treatment of both conditions with prednisone and methotrexate resulted in some "
        "improvement in the skin condition, but no alopecia, and thus was discontinued, and "
        "topical steroid treatment of the dermatitis did not provide an adequate response."
    )
    doc = annotate(
        blank,
        text,
        [
            ("prednisone", "DRUG"),
            ("methotrexate", "DRUG"),
            ("alopecia", "DISEASE"),
            ("dermatitis", "DISEASE"),
        ],
    )
    assertion(doc)
    assert flags(doc) == {"prednisone": "", "methotrexate": "", "alopecia": "", "dermatitis": ""}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The eczema improved, but not the alopecia.", {"eczema": "", "alopecia": ""}),
        ("There was a response in eczema but no alopecia.", {"eczema": "", "alopecia": ""}),
        # no change word before the contrast: a plain negation
        ("The eczema was severe, but no alopecia.", {"eczema": "", "alopecia": "N"}),
        # the change word in the sentence before does not count
        ("The eczema improved. But no alopecia was seen.", {"eczema": "", "alopecia": "N"}),
    ],
)
def test_contrast_after_a_change_is_no_negation(
    blank: Language, assertion: ContextAssertion, text: str, expected: dict[str, str]
) -> None:
    doc = annotate(blank, text, [("eczema", "DISEASE"), ("alopecia", "DISEASE")])
    assertion(doc)
    assert flags(doc) == expected


def test_seed_documents_sentences(
    blank: Language, assertion: ContextAssertion, seeds_dir: Path
) -> None:
    """The real seed texts: the cue sentences inside whole documents, mentions set by hand."""
    text = (seeds_dir / "004_f42307a9e4e55ef1.txt").read_text(encoding="utf-8")
    doc = blank(text)
    wanted = ["polyneuropathy", "thrombosis", "Thalidomide", "lenalidomide"]
    spans = []
    for word in wanted:
        start = text.index(word)
        span = doc.char_span(start, start + len(word), label="DISEASE")
        assert span is not None
        spans.append(span)
    doc.set_ents(sorted(spans, key=lambda s: s.start))
    assertion(doc)
    got = {e.text: e._.negated for e in doc.ents}
    assert got == {
        "polyneuropathy": True,
        "thrombosis": True,
        "Thalidomide": False,
        "lenalidomide": False,
    }


@pytest.fixture(scope="module")
def seed_cache() -> dict[str, Doc]:
    """Seed documents split into sentences, filled as the tests ask (pysbd is slow)."""
    return {}


def seed_flags(
    blank: Language,
    assertion: ContextAssertion,
    seeds_dir: Path,
    cache: dict[str, Doc],
    seed: str,
    marker: str,
    mentions: list[tuple[str, str]],
) -> dict[str, str]:
    """Flags of `mentions` (text, label; in order) set by hand in the sentence of the real seed
    document `seed` (a file name prefix) that holds `marker`, the whole document run."""
    if seed not in cache:
        path = next(seeds_dir.glob(f"{seed}_*.txt"))
        cache[seed] = blank(path.read_text(encoding="utf-8"))
    doc = cache[seed].copy()
    sent = next(s for s in doc.sents if marker in s.text)
    doc.set_ents(mention_spans(doc, mentions, sent.start_char, sent.end_char))
    assertion(doc)
    return {f"{e.text}@{e.start_char - sent.start_char}": letters for e, letters in
            zip(doc.ents, flags_list(doc), strict=True)}  # fmt: skip


@pytest.mark.parametrize(
    ("seed", "marker", "mentions", "expected"),
    [
        # 003 s13: the alopecia did not improve (elliptical contrast); it is not absent
        (
            "003", "but no alopecia",
            [("prednisone", "DRUG"), ("methotrexate", "DRUG"), ("alopecia", "DISEASE")],
            ["", "", ""],
        ),
        # 000: the patients' own MS is neither hypothetical nor uncertain ...
        ("000", "risk of worsening MS", [("MS", "D"), ("MS", "D")], ["", ""]),
        ("000", "worsen inflammatory processes", [("imiquimod", "DRUG"), ("MS", "D")], ["", ""]),
        ("000", "any worsening of MS", [("MS", "D")], [""]),
        ("000", "to exacerbate MS symptoms", [("MS", "D")], [""]),
        # ... while the hedged use of the drug keeps its flag
        ("000", "If Aldara must be used", [("Aldara", "DRUG")], ["H"]),
        ("000", "who may require treatment", [("MS", "D"), ("Aldara", "DRUG")], ["", "U"]),
        # 003 s20: the hedge is about the drug's usefulness, not the patients' disease
        (
            "003", "may be useful in patients",
            [("dupilumab", "DRUG"), ("alopecia", "D"), ("eczema", "D"), ("alopecia", "D")],
            ["U", "", "", ""],
        ),
        ("003", "too early to tell", [("dupilumab", "DRUG"), ("alopecia", "D")], ["U", ""]),
        # 000: absence of evidence or mention of a drug's use negates the drug (s15, s18, s26)
        (
            "000", "no direct evidence",
            [("Aldara", "DRUG"), ("imiquimod", "DRUG"), ("multiple sclerosis", "D")],
            ["N", "N", ""],
        ),
        ("000", "no mention of", [("imiquimod", "DRUG"), ("multiple sclerosis", "D")], ["N", ""]),
        (
            "000", "no evidence to suggest",
            [("imiquimod", "DRUG"), ("multiple sclerosis", "D")],
            ["N", ""],
        ),
        # hedged efficacy of a given drug: 003 s28, 004 s23
        ("003", "may be highly justified", [("alopecia", "D"), ("dupilumab", "DRUG")], ["", "U"]),
        (
            "004", "appears to be efficacious",
            [("Lenalidomide", "DRUG"), ("CLE", "D")],
            ["U", ""],
        ),
        # 003 s18 with the mentions the pipeline finds there (no "oral herpes")
        (
            "003", "no other adverse reactions",
            [("xerophthalmia", "D"), ("conjunctivitis", "D"), ("blepharitis", "D"),
             ("keratitis", "D")],
            ["", "N", "N", "N"],
        ),
        # the requirement on seed 004
        ("004", "Neither polyneuropathy", [("polyneuropathy", "D"), ("thrombosis", "D")],
         ["N", "N"]),
    ],
)  # fmt: skip
def test_seed_sentences(
    blank: Language,
    assertion: ContextAssertion,
    seeds_dir: Path,
    seed_cache: dict[str, Doc],
    seed: str,
    marker: str,
    mentions: list[tuple[str, str]],
    expected: list[str],
) -> None:
    got = seed_flags(blank, assertion, seeds_dir, seed_cache, seed, marker, mentions)
    assert list(got.values()) == expected, got


@pytest.mark.parametrize(
    ("text", "mentions", "expected"),
    [
        (
            "Tacrolimus might be a useful alternative for patients with refractory myasthenia "
            "gravis and asthma.",
            [("Tacrolimus", "DRUG"), ("myasthenia gravis", "D"), ("asthma", "D")],
            ["U", "", ""],
        ),
        # a cue inside the phrase ends the PRESUPPOSED scope: the suspicion stands
        ("Ketamine may be given to patients with suspected lupus.", [("lupus", "D")], ["U"]),
        # the scope covers the noun phrase, not the clause after it
        (
            "If patients with MS develop pneumonia, stop imiquimod.",
            [("MS", "D"), ("pneumonia", "D"), ("imiquimod", "DRUG")],
            ["", "H", ""],
        ),
        ("The risk of pneumonia in patients is high.", [("pneumonia", "D")], ["H"]),
        ("Ketamine may exacerbate psychosis.", [("Ketamine", "DRUG"), ("psychosis", "D")],
         ["", ""]),
        # "treated with" is no presupposition: a conditional drug stays hypothetical
        ("If patients are treated with lenalidomide, monitor them.", [("lenalidomide", "DRUG")],
         ["H"]),
        ("No worsening of MS was seen.", [("MS", "D")], [""]),
        ("No recurrence of VT was seen.", [("VT", "D")], ["N"]),
        # the scope ends before "treated with": the drug is part of the condition
        (
            "If patients with SAH treated with nimodipine develop hepatitis, stop it.",
            [("SAH", "D"), ("nimodipine", "DRUG"), ("hepatitis", "D")],
            ["", "H", "H"],
        ),
        ("Ketoprofen but not acetaminophen impaired platelets in patients with SAH.",
         [("Ketoprofen", "DRUG"), ("acetaminophen", "DRUG"), ("SAH", "D")], ["", "N", ""]),
        (
            "Patients with no evidence of renal disease developed seizures.",
            [("renal disease", "D"), ("seizures", "D")],
            ["N", ""],
        ),
    ],
)  # fmt: skip
def test_presupposed_mentions(
    blank: Language,
    assertion: ContextAssertion,
    text: str,
    mentions: list[tuple[str, str]],
    expected: list[str],
) -> None:
    check_assertion(blank, assertion, text, mentions, expected)


# --------------------------------------------------------------------------- behaviour
def test_pseudo_negation_no_increase(blank: Language, assertion: ContextAssertion) -> None:
    doc = annotate(
        blank,
        "No increase in serum IL-6 was found after ketamine infusion.",
        [("IL-6", "CYTOKINE"), ("ketamine", "DRUG")],
    )
    assertion(doc)
    assert flags(doc) == {"IL-6": "", "ketamine": ""}


def test_a_bound_not_reached_negates_nothing(blank: Language, assertion: ContextAssertion) -> None:
    # a median or an interval's bound "not reached" is a statistic, no negation of the drug
    doc = annotate(
        blank,
        "Median progression-free survival was 10.3 months (95% CI, 6.7 to not reached) in the "
        "pembrolizumab group versus 6.0 months with docetaxel.",
        [("pembrolizumab", "DRUG"), ("docetaxel", "DRUG")],
    )
    assertion(doc)
    assert flags(doc) == {"pembrolizumab": "", "docetaxel": ""}


@pytest.mark.parametrize(
    ("text", "mentions", "expected"),
    [
        (
            "Serum IL-6 was not elevated in patients with rheumatoid arthritis.",
            [("IL-6", "CYTOKINE"), ("rheumatoid arthritis", "DISEASE")],
            {"IL-6": "N", "rheumatoid arthritis": ""},
        ),
        (
            "There is no mention of imiquimod being used in multiple sclerosis.",
            [("imiquimod", "DRUG"), ("multiple sclerosis", "DISEASE")],
            {"imiquimod": "N", "multiple sclerosis": ""},
        ),
    ],
)
def test_negation_of_a_relation_falls_on_its_subject(
    blank: Language,
    assertion: ContextAssertion,
    text: str,
    mentions: list[tuple[str, str]],
    expected: dict[str, str],
) -> None:
    doc = annotate(blank, text, mentions)
    assertion(doc)
    assert flags(doc) == expected


def test_backward_cue_and_terminator(blank: Language, assertion: ContextAssertion) -> None:
    doc = annotate(
        blank,
        "Although rash was frequent, hepatotoxicity and nephrotoxicity were not observed.",
        [("rash", "DISEASE"), ("hepatotoxicity", "DISEASE"), ("nephrotoxicity", "DISEASE")],
    )
    assertion(doc)
    assert flags(doc) == {"rash": "", "hepatotoxicity": "N", "nephrotoxicity": "N"}


def test_scope_ends_after_mention_and_verb(blank: Language, assertion: ContextAssertion) -> None:
    doc = annotate(
        blank,
        "Clinical relapse was frequent, but no thrombosis was recorded in patients receiving "
        "lenalidomide.",
        [("thrombosis", "DISEASE"), ("lenalidomide", "DRUG")],
    )
    assertion(doc)
    assert flags(doc) == {"thrombosis": "N", "lenalidomide": ""}


def test_uncertain_and_hypothetical_cues(blank: Language, assertion: ContextAssertion) -> None:
    doc = annotate(
        blank,
        "If hepatitis develops, isoniazid must be stopped. Lymphoma cannot be excluded. "
        "Ketamine may induce psychosis.",
        [
            ("hepatitis", "DISEASE"),
            ("isoniazid", "DRUG"),
            ("Lymphoma", "DISEASE"),
            ("Ketamine", "DRUG"),
            ("psychosis", "DISEASE"),
        ],
    )
    assertion(doc)
    assert flags(doc) == {
        "hepatitis": "H",
        "isoniazid": "",
        "Lymphoma": "U",
        "Ketamine": "",
        "psychosis": "U",
    }


def test_non_english_sentence_is_skipped(blank: Language, assertion: ContextAssertion) -> None:
    doc = annotate(
        blank,
        "No hepatitis was seen. No hepatitis was seen.",
        [("hepatitis", "DISEASE"), ("hepatitis", "DISEASE")],
    )
    sents = list(doc.sents)
    sents[1]._.language = "ru"
    assertion(doc)
    assert [e._.negated for e in doc.ents] == [True, False]


def test_doc_without_sentences(assertion: ContextAssertion) -> None:
    from pipeline.nlp import blank_nlp

    nlp = blank_nlp()
    doc = nlp("The patient denied fever.")
    doc.set_ents([Span(doc, 3, 4, label="DISEASE")])
    assertion(doc)
    assert doc.ents[0]._.negated and doc.ents[0]._.assertion_cue == "denied"


def test_flags_reset_between_runs(blank: Language, assertion: ContextAssertion) -> None:
    doc = annotate(blank, "Fever was reported.", [("Fever", "DISEASE")])
    doc.ents[0]._.negated = True
    assertion(doc)
    assert flags(doc) == {"Fever": ""} and doc.ents[0]._.assertion_cue is None


# ------------------------------------------------------------------------------ gold sets
def test_development_set_consistency() -> None:
    """Self-fulfilling: the rules were written alongside this set (and its wrong lines corrected
    with them), so this measures that the rules and the set agree, not accuracy. The held-out
    test below is the accuracy figure."""
    bench = load_benchmark("assertion_eval")
    records = bench.load_gold(bench.GOLD)
    assert len(records) >= 60
    kinds = {m["role"] for r in records for m in r["mentions"]}
    assert kinds == {"context", "cytokine"}
    result = bench.evaluate(bench.GOLD)
    # measured 1.000: consistency with the set the rules were written with
    assert result["assertion"]["accuracy"] >= 0.97
    for flag in ("negated", "hypothetical", "uncertain"):
        assert result["assertion"][flag]["f1"] >= 0.9


def test_heldout_set_assertion_accuracy() -> None:
    bench = load_benchmark("assertion_eval")
    result = bench.evaluate(bench.HELDOUT)
    # 0.924 when first scored, 0.949 at its last clean scoring; 0.975 after session 24's rules,
    # finished after its errors were seen (README, "How accurate it is"): a floor, not the figure
    assert result["assertion"]["accuracy"] >= 0.88
    assert result["assertion"]["negated"]["f1"] >= 0.85


@pytest.mark.parametrize(
    ("text", "mentions", "expected"),
    [
        # the subjects' treatment is there; the negation is of what they developed
        (
            "No patient receiving tamoxifen developed endometrial cancer.",
            [("tamoxifen", "DRUG"), ("endometrial cancer", "DISEASE")],
            {"tamoxifen": "", "endometrial cancer": "N"},
        ),
        (
            "None of 30 patients receiving bupivacaine had TNSs.",
            [("bupivacaine", "DRUG"), ("TNSs", "DISEASE")],
            {"bupivacaine": "", "TNSs": "N"},
        ),
        (
            "No patient treated with zoledronic acid had a grade 3 creatinine increase.",
            [("zoledronic acid", "DRUG")],
            {"zoledronic acid": ""},
        ),
        # the subjects' own disease, as before
        (
            "No patients with lupus developed nephritis.",
            [("lupus", "DISEASE"), ("nephritis", "DISEASE")],
            {"lupus": "", "nephritis": "N"},
        ),
        (
            "Ginger conferred no additional benefit in breast cancer patients receiving AC.",
            [("breast cancer", "DISEASE"), ("AC", "DRUG")],
            {"breast cancer": "", "AC": ""},
        ),
        # a hedge about an event does not reach the drug the subjects took
        (
            "Tremor may have contributed to the falls in patients receiving lithium.",
            [("lithium", "DRUG")],
            {"lithium": ""},
        ),
        # what a drug is (not) approved for is there
        (
            "Dupilumab is not approved for alopecia areata.",
            [("Dupilumab", "DRUG"), ("alopecia areata", "DISEASE")],
            {"Dupilumab": "", "alopecia areata": ""},
        ),
        # the comparison is between groups, the disease is there
        (
            "Urinary PGI2 was not different between controls and patients with OAB.",
            [("OAB", "DISEASE")],
            {"OAB": ""},
        ),
    ],
)
def test_what_the_subjects_received_or_have_is_there(
    blank: Language,
    assertion: ContextAssertion,
    text: str,
    mentions: list[tuple[str, str]],
    expected: dict[str, str],
) -> None:
    doc = annotate(blank, text, mentions)
    assertion(doc)
    assert flags(doc) == expected
