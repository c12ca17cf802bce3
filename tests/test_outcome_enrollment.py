"""What an enrollment row is: the size of who was studied, not any count of subjects.

Sentences written for the tests (after the kinds of false rows seen in pico-dev's tuned part);
the outcomes component runs alone on a blank English pipeline (see conftest's `outcomes_nlp`).
"""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from spacy.language import Language

from pipeline.components.outcome_lexicon import Lexicon
from pipeline.components.outcome_rules import RuleFileError, validate_lexicon
from pipeline.paths import rule_file


def rows(nlp: Language, text: str) -> list[tuple[str, float]]:
    doc = nlp(text)
    return [(r["measure"], r["value"]) for r in doc._.outcomes]


def measures(nlp: Language, text: str) -> list[str]:
    return [m for m, _ in rows(nlp, text)]


# -- a few subjects are an event or a subgroup, not who was studied ------------------------


@pytest.mark.parametrize(
    "text",
    [
        # no cue at all: the count of subjects alone
        "Two participants reported swelling of the arm at the last visit.",
        "Nodes were taken out from three individuals during surgery.",
        # only an enrollment cue word ("screened") makes it enrollment
        "When the trial closed, 5 were being screened for eligibility.",
    ],
)
def test_a_few_subjects_are_no_enrollment(outcomes_nlp: Language, text: str) -> None:
    assert rows(outcomes_nlp, text) == []  # and no other row: no outcome cue either


@pytest.mark.parametrize(
    ("text", "value"),
    [
        # said outright, a small trial is still enrolled
        ("Eight patients were enrolled.", 8.0),
        ("Nine women with lupus were randomly assigned to two doses.", 9.0),
        # a group's size in brackets after it
        ("Patients were randomly allocated to drug A (8 patients) or placebo.", 8.0),
        # the limit only holds below it
        ("Twelve participants reported swelling of the arm at the last visit.", 12.0),
        # a case series named as its sentence's subject, with a treatment verb
        ("Eight patients with alopecia areata received tofacitinib daily.", 8.0),
    ],
)
def test_small_trials_said_outright_stay_enrollment(
    outcomes_nlp: Language, text: str, value: float
) -> None:
    assert ("enrollment", value) in rows(outcomes_nlp, text)


def test_limits_are_validated_by_name() -> None:
    data = json.loads(rule_file("outcomes_lexicon.json").read_text(encoding="utf8"))
    data["limits"] = {**data["limits"], "min_enrollment": "ten"}
    with pytest.raises(RuleFileError, match=r"key 'limits'.*'min_enrollment'"):
        validate_lexicon(data, "lexicon.json")


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("limits", {"min_enrollment": -5, "min_confidence_level": 80, "max_hedged_denominator": 10},
         r"'min_enrollment' is -5; expected a whole number"),
        ("limits", {"min_enrollment": True, "min_confidence_level": 80,
                    "max_hedged_denominator": 10},
         r"'min_enrollment' has bool True, expected int"),
        ("limits", {"min_enrollment": 10}, r"'limits': missing key 'min_confidence_level'"),
        ("limits", True, r"key 'limits' is bool; expected a JSON object"),
        ("rate_nouns", [], r"key 'rate_nouns' is an empty list"),
        ("occurrence_nouns", [], r"key 'occurrence_nouns' is an empty list"),
        ("following_drug_links", [], r"key 'following_drug_links' is an empty list"),
        ("disease_cue_openers", ["with", 4], r"key 'disease_cue_openers' must be a list of"),
    ],
)
def test_bad_lexicon_values_are_refused(key: str, value: object, message: str) -> None:
    data = json.loads(rule_file("outcomes_lexicon.json").read_text(encoding="utf8"))
    data[key] = value
    with pytest.raises(RuleFileError, match=message):
        validate_lexicon(data, "lexicon.json")


# -- a fraction is a share, not the size of a group ----------------------------------------


def test_n_equals_a_fraction_is_a_share(outcomes_nlp: Language) -> None:
    doc = outcomes_nlp("Nausea was more frequent with drug A (n = 12/40 (30%) versus n = 5/41).")
    got = [(r["measure"], r["numerator"], r["denominator"]) for r in doc._.outcomes]
    assert ("adverse_event", 12, 40) in got
    assert all(m != "enrollment" for m, _, _ in got)


def test_a_bare_fraction_is_no_enrollment(outcomes_nlp: Language) -> None:
    text = "Of 90 sites, 41 randomized at least one woman (20/45 in arm A, 21/45 in arm B)."
    assert rows(outcomes_nlp, text) == [("other", 20.0), ("other", 21.0)]


# -- how the trial was run is no outcome -----------------------------------------------------


def test_recruitment_and_retention_rates_are_no_outcome(outcomes_nlp: Language) -> None:
    text = "The pilot had an 84% recruitment rate and 91% retention at six months."
    assert rows(outcomes_nlp, text) == []


def test_fluid_retention_stays_a_side_effect(outcomes_nlp: Language) -> None:
    text = "Fluid retention occurred in 14% of patients given drug A and 6% given placebo."
    assert [m for m, _ in rows(outcomes_nlp, text)] == ["adverse_event", "adverse_event"]


# -- subjects named by how they were studied are who was analysed -----------------------------


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Toxicity analyses based on 212 evaluable patients showed mild nausea.", 212.0),
        ("The 3-year survival of 64 eligible women in arm A was 71%.", 64.0),
    ],
)
def test_evaluable_subjects_are_who_was_analysed(
    outcomes_nlp: Language, text: str, value: float
) -> None:
    assert ("enrollment", value) in rows(outcomes_nlp, text)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("We compared the incidence of falls in 2,310 women given drug A or placebo.", 2310.0),
        ("The trial assessed the response rate among 96 patients with liver metastases.", 96.0),
    ],
)
def test_the_subjects_a_rate_was_measured_in_are_who_was_studied(
    outcomes_nlp: Language, text: str, value: float
) -> None:
    assert rows(outcomes_nlp, text) == [("enrollment", value)]


def test_a_small_series_keeps_its_denominator(outcomes_nlp: Language) -> None:
    doc = outcomes_nlp(
        "Eight patients with alopecia areata received tofacitinib; six (75%) had regrowth."
    )
    (rate,) = [r for r in doc._.outcomes if r["value"] == 75.0]
    assert (rate["numerator"], rate["denominator"]) == (6, 8)


@pytest.mark.parametrize(
    ("text", "measure", "value"),
    [
        # a comma closes the rate's phrase: the count after it is the event's
        ("The incidence of hypotension was higher with drug A, occurring in 32 patients.",
         "adverse_event", 32.0),
        ("The risk of relapse was lower with drug A, and relapse occurred in 18 patients.",
         "relapse", 18.0),
        ("Response rates were similar in both arms, but complete remission was achieved in "
         "21 patients.", "remission", 21.0),
        # a part of a stated population is counted for its outcome
        ("Among 60 patients, a complete response was observed in 12 evaluable patients.",
         "complete_response", 12.0),
    ],
)  # fmt: skip
def test_outcome_counts_after_a_rate_or_a_population_stay_outcomes(
    outcomes_nlp: Language, text: str, measure: str, value: float
) -> None:
    assert (measure, value) in rows(outcomes_nlp, text)
    assert ("enrollment", value) not in rows(outcomes_nlp, text)


def test_progressive_training_is_no_progression(outcomes_nlp: Language) -> None:
    text = "A trial compared progressive resistance training with stretching in 120 women."
    assert rows(outcomes_nlp, text) == [("enrollment", 120.0)]
    assert measures(outcomes_nlp, "Progressive disease was seen in 12 patients.") == [
        "progression"
    ]


def test_cases_of_a_condition_are_occurrences(outcomes_nlp: Language) -> None:
    # occurrences of what follows, not who was studied (no DISEASE mentions here: no cue)
    text = "At one year, 31 cases of mild dermatitis and 12 of eczema were recorded."
    assert rows(outcomes_nlp, text) == []
    # not even after "in total", which otherwise makes a subject count the enrollment
    assert rows(outcomes_nlp, "In total, 25 cases of grade 1 onycholysis were reported.") == []
    assert rows(outcomes_nlp, "A total of 25 cases of onycholysis occurred.") == [
        ("adverse_event", 25.0)]
    # cases as the subjects themselves
    assert rows(outcomes_nlp, "A total of 320 cases of early breast cancer were enrolled.") == [
        ("enrollment", 320.0)]


# -- an enrollment row's disease is the condition of who was studied ------------------------


def diseases(nlp: Language, text: str, mentions: list[tuple[str, str, str]]) -> list[tuple]:
    """(measure, value, disease_text) of each row, the DISEASE/DRUG mentions given."""
    from test_outcomes import run

    return [(r["measure"], r["value"], r["disease_text"]) for r in run(nlp, text, mentions)
            ._.outcomes]


SAH = [
    ("aneurysmal subarachnoid hemorrhage", "DISEASE", "MESH:D013345"),
    ("SAH", "DISEASE", "MESH:D013345"),
    ("aneurysmal", "DISEASE", "MESH:D017542"),
    ("ketoprofen", "DRUG", "MESH:D007660"),
]


def test_enrolled_disease_is_the_population_not_the_nearest(outcomes_nlp: Language) -> None:
    # the nearest disease of "(n = 9)" is a fragment of another phrase ("aneurysmal SAH");
    # the sentence names who was randomized
    text = (
        "Patients with aneurysmal subarachnoid hemorrhage (SAH) were randomized to ketoprofen "
        "(ketoprofen group, n = 9) after the diagnosis of aneurysmal SAH."
    )
    assert diseases(outcomes_nlp, text, SAH) == [
        ("enrollment", 9.0, "aneurysmal subarachnoid hemorrhage")
    ]


def test_healthy_subjects_have_no_disease(outcomes_nlp: Language) -> None:
    mentions = [("platelet aggregation", "DISEASE", "MESH:D001791")]
    text = "Twelve healthy volunteers were enrolled to study platelet aggregation."
    assert diseases(outcomes_nlp, text, mentions) == [("enrollment", 12.0, None)]
    # without the word, the disease of the sentence stays
    text = "Twelve volunteers were enrolled to study platelet aggregation."
    assert diseases(outcomes_nlp, text, mentions) == [
        ("enrollment", 12.0, "platelet aggregation")
    ]


def test_a_subgroup_size_takes_the_disease_before_it(outcomes_nlp: Language) -> None:
    mentions = [
        ("ventricular tachycardia", "DISEASE", "MESH:D017180"),
        ("VT", "DISEASE", "MESH:D017180"),
        ("cardiac arrest", "DISEASE", "MESH:D006323"),
    ]
    # (before the sentence's population disease, which names all of them)
    mentions.append(("coronary artery disease", "DISEASE", "MESH:D003324"))
    text = (
        "A total of 154 patients with coronary artery disease who had sustained ventricular "
        "tachycardia (VT) (n = 118) or a cardiac arrest (n = 36) were enrolled."
    )
    assert [d for _, v, d in diseases(outcomes_nlp, text, mentions) if v in (118.0, 36.0)] == [
        "ventricular tachycardia", "cardiac arrest"
    ]


def test_a_subgroup_label_takes_its_disease(outcomes_nlp: Language) -> None:
    mentions = [
        ("acute myeloid leukemia", "DISEASE", "MESH:D015470"),
        ("AML", "DISEASE", "MESH:D015470"),
        ("myelodysplastic syndrome", "DISEASE", "MESH:D009190"),
        ("MDS", "DISEASE", "MESH:D009190"),
    ]
    # a comma in the label's bracket as a semicolon; the short form's long form
    text = (
        "Patients with acute myeloid leukemia (AML, n = 45) or myelodysplastic syndrome "
        "(MDS, n = 17) were enrolled."
    )
    assert diseases(outcomes_nlp, text, mentions) == [
        ("enrollment", 45.0, "acute myeloid leukemia"),
        ("enrollment", 17.0, "myelodysplastic syndrome"),
    ]
    # but a disease a semicolon ends is no label of a count that is no "(n = N)"
    mentions = [("asthma", "DISEASE", "MESH:D001249"), ("pneumonia", "DISEASE", "MESH:D011014")]
    text = "Patients with asthma were eligible unless they had pneumonia; 60 were enrolled."
    assert diseases(outcomes_nlp, text, mentions) == [("enrollment", 60.0, "asthma")]


def test_the_subjects_phrase_names_their_disease(outcomes_nlp: Language) -> None:
    mentions = [
        ("dyskinesia", "DISEASE", "MESH:D004409"),
        ("Parkinson's disease", "DISEASE", "MESH:D010300"),
        ("visual hallucinations", "DISEASE", "MESH:D006212"),
        ("epilepsy", "DISEASE", "MESH:D004827"),
    ]
    # "with disabling dyskinesia" would be the sentence's population disease
    text = (
        "Ten patients who had Parkinson's disease with disabling dyskinesia were included in "
        "this study."
    )
    assert diseases(outcomes_nlp, text, mentions) == [
        ("enrollment", 10.0, "Parkinson's disease")
    ]
    # an event after a verb is no part of who they are: the document's population names them
    text = (
        "Zonisamide is used in patients with epilepsy. We describe three patients who "
        "experienced visual hallucinations after zonisamide."
    )
    assert diseases(outcomes_nlp, text, mentions) == [("enrollment", 3.0, "epilepsy")]


def test_an_induced_disease_is_no_enrolled_disease(outcomes_nlp: Language) -> None:
    mentions = [
        ("hypotension", "DISEASE", "MESH:D007022"),
        ("Nitroprusside", "DRUG", "MESH:D009599"),
    ]
    text = (
        "Nitroprusside-induced hypotension was studied. Renal blood flow was measured in ten "
        "dogs under halothane anesthesia."
    )
    assert diseases(outcomes_nlp, text, mentions) == [("enrollment", 10.0, None)]


# -- a bracket that says who the subjects are is no share of an outcome ----------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # was `other` 45% with 71 as its numerator (review s17-rev2 F8)
        (
            "Haloperidol 2 mg/day and 0.5 mg/day were compared in 71 outpatients (45% women).",
            [("enrollment", 71.0)],
        ),
        # gave no row at all
        (
            "We enrolled 120 patients (62% male; median age 58 years) with breast cancer.",
            [("enrollment", 120.0)],
        ),
        ("A total of 300 women (45% postmenopausal) were randomized.", [("enrollment", 300.0)]),
        # a trait of more than one token (read on the text, as where the percentage is dropped)
        ("We enrolled 120 patients (45% non-smokers) with asthma.", [("enrollment", 120.0)]),
        # an outcome's count keeps its own share
        ("Grade 3 rash occurred in 12 patients (8%).", [("adverse_event", 8.0)]),
    ],
)
def test_a_bracket_trait_describes_who_was_counted(
    outcomes_nlp: Language, text: str, expected: list[tuple[str, float]]
) -> None:
    assert rows(outcomes_nlp, text) == expected


def test_a_healthy_word_beside_a_named_disease(outcomes_nlp: Language) -> None:
    # "otherwise healthy" subjects with a disease their phrase names
    mentions = [("acute otitis media", "DISEASE", "MESH:D010033")]
    text = "We enrolled 120 otherwise healthy children with acute otitis media."
    assert diseases(outcomes_nlp, text, mentions) == [("enrollment", 120.0, "acute otitis media")]
    # a healthy word within the disease's name
    mentions = [("normal pressure hydrocephalus", "DISEASE", "MESH:D006850")]
    text = "Forty normal pressure hydrocephalus patients were enrolled."
    assert diseases(outcomes_nlp, text, mentions) == [
        ("enrollment", 40.0, "normal pressure hydrocephalus")
    ]
    # the disease of other subjects stays theirs
    mentions = [("asthma", "DISEASE", "MESH:D001249")]
    text = "Twelve healthy volunteers and patients with asthma were enrolled."
    assert diseases(outcomes_nlp, text, mentions) == [("enrollment", 12.0, None)]
    text = "Twelve healthy volunteers served as controls for patients with asthma."
    assert diseases(outcomes_nlp, text, mentions) == [("enrollment", 12.0, None)]
    text = "Twelve healthy volunteers and 12 patients with asthma were enrolled."
    assert diseases(outcomes_nlp, text, mentions) == [
        ("enrollment", 12.0, None), ("enrollment", 12.0, "asthma")
    ]


def test_a_healthy_group_size_has_no_disease(outcomes_nlp: Language) -> None:
    mentions = [("schizophrenia", "DISEASE", "MESH:D012559")]
    text = "Patients with schizophrenia (n = 30) and healthy controls (n = 25) were enrolled."
    assert diseases(outcomes_nlp, text, mentions) == [
        ("enrollment", 30.0, "schizophrenia"), ("enrollment", 25.0, None)
    ]


def test_the_subjects_phrase_starts_with_their_own_noun(outcomes_nlp: Language) -> None:
    # the figure is "two adult": "patients" right after it are its subjects, not another group
    mentions = [
        ("liver disease", "DISEASE", "MESH:D008107"),
        ("epilepsy", "DISEASE", "MESH:D004827"),
    ]
    text = (
        "Phenobarbital is used in patients with liver disease. Here we report two adult patients "
        "with a long history of epilepsy."
    )
    assert diseases(outcomes_nlp, text, mentions)[-1] == ("enrollment", 2.0, "epilepsy")


def test_a_subgroup_gap_is_read_in_linear_time() -> None:
    # r"\s*\)?\s*" tried every split of a run of white space: minutes for 100,000 spaces.
    # A regex's steps cannot be counted: best CPU time of 5 runs at each size (`cpu_growth`;
    # wall clock measured the shared machine's load), 16x the spaces under 64x the time
    # (quadratic would be ~256x)
    from cpu_growth import assert_linear_cpu

    from pipeline.components.outcome_lexicon import Lexicon
    from pipeline.components.outcome_rules import load_lexicon

    lex = Lexicon(load_lexicon(rule_file("outcomes_lexicon.json")))

    def reading(read: Callable[[str], object]) -> Callable[[int], Callable[[], object]]:
        def prepare(n: int) -> Callable[[], object]:
            spaces = " " * n
            return lambda: read(spaces)

        return prepare

    assert lex.subgroup_gap_re.fullmatch(" " * 100) is None
    assert lex.arm_list_re.match(" " * 100) is None
    assert_linear_cpu(reading(lex.subgroup_gap_re.fullmatch), 1_000, floor=1e-4)
    # the arm after a list of figures, read over ARM_WINDOW (300) characters: was cubic, 0.2 s
    # a call for 300 spaces (2,000 at most here: a regression fails in a minute, not hours)
    assert_linear_cpu(reading(lex.arm_list_re.match), 125, floor=1e-4)


def test_a_measured_bracket_is_read_without_backtracking() -> None:
    # what a measurement's bracket holds besides its marks: "±" is both a sign and a non-word
    # character, so a run of them before a label was split every way (2^n tries: 11 s for 22
    # signs); read once, a run of 100,000 takes milliseconds. (22 signs, not more: a regression
    # fails in seconds rather than hanging.) CPU time, not wall clock (`cpu_growth`: the
    # machine is shared): a bound in seconds, as milliseconds and 2^22 tries are 1,000x apart
    from cpu_growth import cpu_seconds

    from pipeline.components.outcome_enrollment_scope import EnrollmentScope
    from pipeline.components.outcome_rules import load_lexicon

    scope = EnrollmentScope(load_lexicon(rule_file("outcomes_lexicon.json")))
    for rest in ("±" * 22 + " placebo", "+-" * 22 + " placebo", " ng/ml" * 22 + " placebo"):
        found: list[object] = []
        seconds = cpu_seconds(lambda: found.append(scope._unlabelled_re.fullmatch(rest)))  # noqa: B023
        assert found == [None]  # (a label: an arm's size)
        assert seconds < 1.0, rest
    # what it reads stays: signs, numbers and units, with no label
    for rest in (" 0.8 ± 0.2 ng/ml, ", "mean +/- SD, ", ", 1.34 +/- 0.89", " µg/ml", "mmol/l, "):
        assert scope._unlabelled_re.fullmatch(rest) is not None, rest


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ({"to": "allocation", "of": "designs"},
         r"key 'allocation_links' maps 'of' to 'designs'; expected one of: allocation, design"),
        ({"to": "allocation", "into": "allocation"},
         r"key 'allocation_links' has no 'design' word"),
        ({"to": 1, "of": "design"}, r"key 'allocation_links' must map strings to str"),
    ],
)
def test_bad_allocation_links_are_refused(value: object, message: str) -> None:
    data = json.loads(rule_file("outcomes_lexicon.json").read_text(encoding="utf8"))
    data["allocation_links"] = value
    with pytest.raises(RuleFileError, match=message):
        validate_lexicon(data, "lexicon.json")


def test_the_allocation_links_come_from_the_lexicon() -> None:
    """The words after which a document names its arms ("randomized to", "a trial of") are the
    lexicon's: one more there, one more stretch read."""
    data = json.loads(rule_file("outcomes_lexicon.json").read_text(encoding="utf8"))
    text = "Women were randomized between yoga and usual care."
    assert Lexicon(data).allocation_stretch_re.search(text) is None
    data["allocation_links"] = {**data["allocation_links"], "between": "allocation"}
    m = Lexicon(validate_lexicon(data, "lexicon.json")).allocation_stretch_re.search(text)
    assert m is not None and m["list"] == "yoga and usual care"


def test_a_study_population_name_without_its_arm_noun_is_refused() -> None:
    data = json.loads(rule_file("outcomes_lexicon.json").read_text(encoding="utf8"))
    data["study_population_names"] = ["study cohort", "study"]
    with pytest.raises(RuleFileError, match=r"key 'study_population_names' holds 'study'"):
        validate_lexicon(data, "lexicon.json")


# -- counts of subjects that are not who was enrolled (enrollment_scope) ---------------------


def test_an_accrual_state_is_enrollment(outcomes_nlp: Language) -> None:
    """An "(n = X/Y)" in a clause about the trial's accrual counts who had been enrolled of
    the number planned, whatever outcome word is near; not where the accrual word names a
    time."""
    doc = outcomes_nlp("Accrual was closed early (n = 212/350) after the interim analysis of "
                       "response.")
    got = [(r["measure"], r["numerator"], r["denominator"]) for r in doc._.outcomes]
    assert got == [("enrollment", 212, 350)]
    text = ("Following the advice of the monitoring board, enrolment into the trial was stopped "
            "in May 2010 (n = 412/600) because relapse rates differed between the arms.")
    assert rows(outcomes_nlp, text) == [("enrollment", 412.0)]
    # "After randomization, ...": a time, and the figures are the responses
    text = "After randomization, a response was seen with drug A (n = 12/40) or B (n = 5/41)."
    assert measures(outcomes_nlp, text) == ["response", "response"]


def test_who_declined_is_no_enrollment(outcomes_nlp: Language) -> None:
    """An "(n = N)" right after a refusal counts who did not take part: no row. Who joined is
    enrolled."""
    assert rows(outcomes_nlp, "Women refusing (n = 22) were older than those who took part.") == []
    text = "Women joining (n = 12) or refusing (n = 14) the study were interviewed by phone."
    assert rows(outcomes_nlp, text) == [("enrollment", 12.0)]
    text = "Patients joining (n = 40) received drug A."
    assert rows(outcomes_nlp, text) == [("enrollment", 40.0)]


def test_a_subgroup_in_a_reported_clause_is_no_enrollment(outcomes_nlp: Language) -> None:
    """ "... found that in <a group> (n = N), ...": a subgroup's size as when the group opens
    the sentence, also with more in its bracket; not an arm ("that in the control group")."""
    text = ("Our exploratory analysis showed that in highly anxious women (N = 48 before "
            "treatment; 35%), the program lowered fatigue more than in the control group.")
    assert "enrollment" not in measures(outcomes_nlp, text)
    text = ("We found that in the control group (n = 48), fatigue was lower than in the "
            "yoga group.")
    assert ("enrollment", 48.0) in rows(outcomes_nlp, text)


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        # (None: the key left out)
        ("accrual_nouns", None, r"key 'enrollment_scope': missing key 'accrual_nouns'"),
        ("tissue_nouns", [], r"key 'enrollment_scope': key 'tissue_nouns' is an empty list"),
        ("decline_words", ["refusing", 3],
         r"key 'enrollment_scope': key 'decline_words' must be a list of non-empty strings"),
        ("refusal_words", ["refusing"], r"key 'enrollment_scope': unknown key 'refusal_words'"),
    ],
)
def test_bad_enrollment_scope_lists_are_refused(key: str, value: object, message: str) -> None:
    data = json.loads(rule_file("outcomes_lexicon.json").read_text(encoding="utf8"))
    scope = {k: v for k, v in data["enrollment_scope"].items() if k != key}
    data["enrollment_scope"] = scope if value is None else {**scope, key: value}
    with pytest.raises(RuleFileError, match=message):
        validate_lexicon(data, "lexicon.json")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # who was assessed for an outcome, not in whom it occurred
        ("Response was evaluable in 88 patients.", [("enrollment", 88.0)]),
        ("Toxicity was evaluable in 120 patients.", [("enrollment", 120.0)]),
        ("DFS and overall survival were analyzed in 92 patients.", [("enrollment", 92.0)]),
        ("Toxicity data were available for 174 patients.", [("enrollment", 174.0)]),
        # ... also written after the count, before "for" and the outcome
        ("Sixty-one women were assessed for response.", [("enrollment", 61.0)]),
        ("Eighteen patients were prospectively evaluated for cardiotoxicity.",
         [("enrollment", 18.0)]),
        # ("all <subjects>" so assessed is the cohort: no row of its own)
        ("Forty-nine patients were enrolled. All patients were evaluable for toxicity and "
         "response.", [("enrollment", 49.0)]),
        # a share of them stays the outcome's
        ("Response was seen in 12 of 88 patients.", [("response", 12.0)]),
        ("Sixty-one women were assessed and 20 of them responded.",
         [("enrollment", 61.0), ("response", 20.0)]),
    ],
)  # fmt: skip
def test_who_was_assessed_is_enrollment(
    outcomes_nlp: Language, text: str, expected: list[tuple[str, float]]
) -> None:
    assert rows(outcomes_nlp, text) == expected


# -- an "(n = N)" beside a measured value counts who it was measured in ----------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a bracket of dispersion or statistic labels, or of a concentration's unit (its
        # opening cut off by a sentence split)
        ("Trough levels were 3.2 +/- 0.9 and 4.1 +/- 1.2 ng/ml on days 1 and 8 (mean +/- SD, "
         "n = 14).", []),
        ("Cortisol rose from 310 +/- 45 nmol/l (n = 9) to 520 +/- 60 nmol/l (n = 9).", []),
        ("Levels were 0.8 +/- 0.2 ng/ml [n = 6] and 1.2 +/- 0.3 ng/ml [n = 8] in the treated "
         "group (P = 0.02).", []),
        ("mL-1 , n = 22) than after the oral dose.", []),
        ("Markers were higher in patients who relapsed (n = 31, 2.6 ± 0.7) than in others.", []),
        # a group's size stays: a group named before its bracket, a trait, a threshold, a label
        ("Ovariectomized controls (215 +/- 12 mm Hg, n = 10) were compared.",
         [("enrollment", 10.0)]),
        ("Women were randomized to yoga (n = 44; mean age 51 ± 7 years) or waiting list.",
         [("enrollment", 44.0)]),
        ("Subjects with ferritin > 300 ng/ml (n = 52) were treated with phlebotomy.",
         [("enrollment", 52.0)]),
        ("Mean pain scores were 2.1 ± 1.0 (gabapentin, n = 60) and 3.4 ± 1.2 (placebo, n = 58).",
         [("enrollment", 60.0), ("enrollment", 58.0)]),
    ],
)  # fmt: skip
def test_who_a_value_was_measured_in_is_no_enrollment(
    outcomes_nlp: Language, text: str, expected: list[tuple[str, float]]
) -> None:
    assert rows(outcomes_nlp, text) == expected


# -- the diseases listed in a population's frame name who was studied -----------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a second disease joined to the one after "with" (past its short form) is who was
        # studied too, no adverse event
        ("Forty-two patients with ulcerative colitis or Crohn disease received infliximab.",
         [("enrollment", 42.0)]),
        ("Thirty women with endometriosis (EM) and/or adenomyosis were given dienogest.",
         [("enrollment", 30.0)]),
        # (a word or two of the next name may stand outside its mention)
        ("Twelve patients with ulcerative colitis and refractory Crohn disease had surgery.",
         [("enrollment", 12.0)]),
        # (a comma alone ends the frame: the event after it stays one)
        ("In 25 patients with ulcerative colitis, Crohn disease developed during follow-up.",
         [("adverse_event", 25.0)]),
    ],
)  # fmt: skip
def test_diseases_listed_in_a_population_frame(
    outcomes_nlp: Language, text: str, expected: list[tuple[str, float]]
) -> None:
    from test_outcomes import run

    mentions = [(d, "DISEASE", f"D{k}") for k, d in enumerate(
        ("ulcerative colitis", "Crohn disease", "endometriosis", "EM", "adenomyosis"))]
    assert [(r["measure"], r["value"]) for r in run(outcomes_nlp, text, mentions)._.outcomes] == (
        expected
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # "recurrent" after "with", "for", "of" or "in" names the disease of who was studied
        ("Thirty patients with recurrent glioblastoma received bevacizumab.",
         [("enrollment", 30.0)]),
        # ... what subjects had is still a relapse
        ("In the placebo group, nine women had recurrent vaginal candidiasis.",
         [("relapse", 9.0)]),
        # a genetic change found again in several families is no relapse
        ("Haplotypes were built for families carrying one of five recurrent MLH1 mutations.", []),
    ],
)  # fmt: skip
def test_a_recurrent_disease_of_who_was_studied(
    outcomes_nlp: Language, text: str, expected: list[tuple[str, float]]
) -> None:
    assert rows(outcomes_nlp, text) == expected
