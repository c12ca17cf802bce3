"""biotab_assertion on "X-free", "free of X", "free from X": a disease said to be absent is
negated (cue "-free", "free", "free of", "free from"); an outcome's name ("metastasis-free
survival", "headache-free days") and a drug before "-free" are not."""

from __future__ import annotations

import pytest
from helpers import annotate_mentions as annotate
from spacy.language import Language

from pipeline.components.assertion import ContextAssertion

D, R = "DISEASE", "DRUG"

CASES: list[tuple[str, list[tuple[str, str]], list[str | None]]] = [
    # (text, mentions, the cue of each mention's negation or None: not negated)
    ("After 12 weeks, 41 of 64 patients (64%) were ulcer-free.", [("ulcer", D)], ["-free"]),
    ("At one year, 20 of 31 children with epilepsy were seizure-free on valproate.",
     [("epilepsy", D), ("seizure", D), ("valproate", R)], [None, "-free", None]),
    ("Most patients remained free of ulcers after omeprazole therapy.",
     [("ulcers", D), ("omeprazole", R)], ["free of", None]),
    ("Patients were free from seizures for 6 months.", [("seizures", D)], ["free from"]),
    ("Eleven of 14 patients were pain free two hours after sumatriptan for migraine.",
     [("pain", D), ("sumatriptan", R), ("migraine", D)], ["free", None, None]),
    ("We enrolled 120 cancer-free, postmenopausal women.", [("cancer", D)], ["-free"]),
    ("Of the patients with peptic ulcer, most were peptic ulcer-free at 8 weeks.",
     [("peptic ulcer", D), ("peptic ulcer", D)], [None, "-free"]),
    # outcome names: a time or a share without the disease, measured; no statement of absence
    ("Metastasis-free survival was longer with docetaxel in prostate cancer.",
     [("Metastasis", D), ("docetaxel", R), ("prostate cancer", D)], [None, None, None]),
    ("Headache-free days rose with topiramate.", [("Headache", D), ("topiramate", R)],
     [None, None]),
    ("The seizure-free rate was 60% with levetiracetam.", [("seizure", D), ("levetiracetam", R)],
     [None, None]),
    ("Pain-free walking distance improved with cilostazol in claudication.",
     [("Pain", D), ("cilostazol", R), ("claudication", D)], [None, None, None]),
    ("Metastasis-free and overall survival were similar.", [("Metastasis", D)], [None]),
    ("Relapse-free or event-free survival did not differ in leukemia.",
     [("Relapse", D), ("leukemia", D)], [None, None]),
    # no mention before "-free": the disease named after it keeps its flags
    ("Disease-free survival was longer with tamoxifen in women with breast cancer.",
     [("tamoxifen", R), ("breast cancer", D)], [None, None]),
    ("Symptom-free days increased with budesonide in asthma.",
     [("budesonide", R), ("asthma", D)], [None, None]),
    # a drug before "-free": a time since it was given as often as a drug not given
    ("The cisplatin-free interval was 8 months in ovarian cancer.",
     [("cisplatin", R), ("ovarian cancer", D)], [None, None]),
    ("Steroid-free remission of colitis was reached with vedolizumab.",
     [("Steroid", R), ("colitis", D), ("vedolizumab", R)], [None, None, None]),
    # "free of" after a disease is the longer cue: what follows is absent, not the disease
    ("Children with asthma free of symptoms for a month were included.",
     [("asthma", D)], [None]),
]


@pytest.mark.parametrize(("text", "mentions", "cues"), CASES, ids=[c[0][:40] for c in CASES])
def test_free_negates_the_disease_said_absent(
        blank: Language, assertion: ContextAssertion, text: str,
        mentions: list[tuple[str, str]], cues: list[str | None]) -> None:
    doc = annotate(blank, text, mentions)
    assertion(doc)
    got = [e._.assertion_cue if e._.negated else None for e in doc.ents]
    assert got == cues


def test_a_free_word_after_no_mention_ends_no_scope(
        blank: Language, assertion: ContextAssertion) -> None:
    """"-free" after a word that is no disease mention is no cue: it does not end the scope of
    the hedge before it ("may" reaches the disease after "serum-free")."""
    doc = annotate(blank, "Cells may develop fibrosis in serum-free medium with fibrosis markers.",
                   [("fibrosis", D), ("fibrosis", D)])
    assertion(doc)
    assert [e._.uncertain for e in doc.ents] == [True, True]
    assert not any(e._.negated for e in doc.ents)
