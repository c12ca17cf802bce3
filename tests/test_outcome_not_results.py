"""Figures of abstract sentences that are not the trial's results give no row, and the trial's
results written beside the same words keep theirs. Sentences written for the tests; the
outcomes component runs alone (conftest's `outcomes_nlp`).

`test_results_stay` holds ordinary trial sentences (some of them real results that earlier,
wider versions of these rules dropped): each must keep every value listed, whatever rule is
added to the grammar."""

from __future__ import annotations

import pytest
from spacy.language import Language

from pipeline.components.outcome_grammar import SentenceParser
from pipeline.components.outcome_lexicon import Lexicon
from pipeline.components.outcome_rules import LEXICON_FILE, load_lexicon, resolve


def values(nlp: Language, text: str) -> list[float]:
    return [r["value"] for r in nlp(text)._.outcomes]


def assert_kept(nlp: Language, text: str, kept: list[float]) -> None:
    """Every value of `kept` has a row (other rows may come too)."""
    got = values(nlp, text)
    assert all(v in got for v in kept), got


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        # a modal without a past tense near it: "could be achieved" reports what was achieved
        ("Complete response could be achieved in 18 of 25 patients (72%).", [72.0]),
        ("Objective responses could be seen in 12 of 40 women (30%).", [30.0]),
        # a sentence opening on a condition: only its condition is hypothetical
        (
            "If left untreated, 30% of patients relapse; in our trial, 5 of 50 (10%) relapsed.",
            [10.0],
        ),
        (
            "If toxicity occurred, the dose was reduced; grade 3 neutropenia occurred in 14 of "
            "60 patients (23%).",
            [23.0],
        ),
        # counts of adverse events in brackets: no samples, whatever tissue they are in
        (
            "Adverse events included soft tissue swelling (n = 5) and fatigue (n = 3).",
            [5.0, 3.0],
        ),
        (
            "Complications after core biopsy included bleeding (n = 4) and infection (n = 2).",
            [4.0, 2.0],
        ),
        # results compared between the arms
        ("Adverse events were balanced between arms (45% vs 47%).", [45.0, 47.0]),
        ("Adverse events were well balanced between arms (45% vs 47%).", [45.0, 47.0]),
        ("Response did not differ by patient characteristics (45% vs 47%).", [45.0, 47.0]),
        (
            "Response was higher in women older than 50 years (45% vs 30%).",
            [45.0, 30.0],
        ),
        ("As hypothesized, the response rate was higher in arm A (45% vs 30%).", [45.0, 30.0]),
        ("Response was lower than we expected (30% vs 45%).", [30.0, 45.0]),
        (
            "Compared with historical controls, the response rate was 45% in arm A.",
            [45.0],
        ),
        # the trial's interventions and their results
        (
            "The education intervention improved adherence (65% vs 52%).",
            [65.0, 52.0],
        ),
        (
            "Menopausal symptoms improved in 45% of women in the acupuncture arm and 30% in the "
            "control arm.",
            [45.0, 30.0],
        ),
        ("Responses were seen for a median of 8 months.", [8.0]),
    ],
)
def test_results_stay(outcomes_nlp: Language, text: str, kept: list[float]) -> None:
    assert_kept(outcomes_nlp, text, kept)


# -- who was studied and earlier work (cues of rules/outcome_cues.jsonl, background_cues of
# rules/outcomes_lexicon.json) ---------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        # reproductive and social traits, treatment before the trial, performance status
        "Women in the exercise arm were more likely to be childless (79.4 vs 31.2%) than women "
        "in the control arm.",
        # treatment received before the trial
        "Overall, 68% of the patients had received prior chemotherapy and 25% prior endocrine "
        "therapy.",
        "Fifty-nine per cent of patients had had previous therapy with IL-2 and 52% were "
        "performance status 2 or 3.",
        "Seven patients had been treated with anthracycline.",
        "Twelve patients (30%) had been exposed to tamoxifen before the study.",
        # an age threshold the subjects meet
        "In all, 45% of patients in the exercise arm and 40% in the usual care arm were older "
        "than 65 years.",
        # earlier work (the wider cues "earlier reports", "have been reported" of this branch
        # took this trial's results too: test_results_of_the_second_review_stay)
        "Previous studies found response rates of 30% with this regimen.",
        # a bare "as" before the cue cites it
        "Such toxicity is rare, as previous studies found grade 3 neutropenia in 2% of patients.",
        "In the literature, response rates of 30% are common.",
        # a trial's phase inside the cue, and the present perfect of earlier work
        "Previous phase II trials of paclitaxel reported response rates of 21% and 24%.",
        "Several studies have reported a response rate of 25% with docetaxel.",
        "Randomized trials have shown that aspirin reduces the risk of stroke by 22%.",
    ],
)
def test_who_was_studied_and_earlier_work_give_no_row(outcomes_nlp: Language, text: str) -> None:
    assert values(outcomes_nlp, text) == []


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("Patient characteristics did not predict response (45% vs 47%).", [45.0, 47.0]),
        ("Response was lower after prior chemotherapy (30% vs 45%).", [30.0, 45.0]),
        # traits of a subgroup, or the variable of a subgroup analysis
        ("Response was better in childless women (45% vs 30%).", [45.0, 30.0]),
        ("Response did not differ by menopausal status (45% vs 47%).", [45.0, 47.0]),
        ("Amenorrhea occurred in 45% of women, depending on menopausal status.", [45.0]),
        ("Response by baseline characteristics was similar (45% vs 47%).", [45.0, 47.0]),
        (
            "Relapse was more frequent in women who had received prior chemotherapy (25% vs "
            "12%).",
            [25.0, 12.0],
        ),
        ("Of 40 patients who had been treated with docetaxel, 12 (30%) responded.", [30.0]),
        # what they were treated for during the trial, and a contrast with earlier work
        ("At 2 years, 15 patients (25%) had been treated for recurrence.", [25.0]),
        ("Although observational studies have suggested a benefit, in our trial mortality was "
         "12% with aspirin and 14% with placebo.", [12.0, 14.0]),
        ("Of those who had received prior radiotherapy, 20% developed fibrosis.", [20.0]),
        ("Toxicity was higher in patients who were older than 70 (35% vs 20%).", [35.0, 20.0]),
        ("In all, 45% of patients in the exercise arm and 40% in the usual care arm improved.",
         [45.0, 40.0]),
        ("In this trial, response rates of 30% were seen with this regimen.", [30.0]),
        # earlier work is cited up to a ";"
        ("Earlier trials reported 30%; in our trial, relapse occurred in 12% of women.", [12.0]),
        ("Previous trials reported 30%; in our trial, relapse occurred in 12% of women.", [12.0]),
        # a sample-size statement's word, a questionnaire's return in the same sentence
        ("The trial was designed to detect a difference; relapse occurred in 12% vs 20%.",
         [12.0, 20.0]),
        ("Survey response rate was 80%, and 45% of responders reported hot flashes.", [45.0]),
        ("In 2015, 25% of women in the exercise arm had relapsed.", [25.0]),
    ],
)
def test_results_beside_trait_and_design_words_stay(
    outcomes_nlp: Language, text: str, kept: list[float]
) -> None:
    assert_kept(outcomes_nlp, text, kept)


# -- a year or a label's number shares no percent sign (outcome_reader.shared_pct_at) ---------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("In 2015, 25% of women in the exercise arm had relapsed.", [25.0]),
        ("Neutropenia occurred in cycle 1, and 12% had fever.", [12.0]),
        # numbers listed before the percent sign they share keep it
        ("Neutropenia occurred in 15, 12 and 10% of patients, respectively.", [15.0, 12.0, 10.0]),
        ("Neutropenia occurred in 15 vs 12% of patients.", [15.0, 12.0]),
    ],
)
def test_a_year_or_label_shares_no_percent_sign(
    outcomes_nlp: Language, text: str, expected: list[float]
) -> None:
    assert values(outcomes_nlp, text) == expected


# -- effect sizes are ratio statistics (ratio_words); one event to prevent is no count -------


@pytest.mark.parametrize(
    "text",
    [
        "Fatigue improved more in the exercise arm (ES = 0.35, p = 0.01).",
        "Quality of life improved with exercise (Hedges' g = 0.42).",
        "The number needed to treat to prevent one relapse was 12.",
    ],
)
def test_effect_sizes_and_purposes_give_no_row(outcomes_nlp: Language, text: str) -> None:
    assert values(outcomes_nlp, text) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Survival at 5 years was 0.86 in the exercise arm (p = 0.01).", [86.0]),
        ("Anastrozole failed to prevent 12 relapses.", [12.0]),
        ("The drug was judged to cause one death.", [1.0]),
        ("The drug failed to prevent one death in arm A.", [1.0]),
    ],
)
def test_proportions_and_counts_beside_them_stay(
    outcomes_nlp: Language, text: str, expected: list[float]
) -> None:
    assert values(outcomes_nlp, text) == expected


# -- "a 25% dose reduction": an amount of treatment (dose_nouns, dose_articles) ---------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("A 25% dose reduction was allowed.", []),
        (
            "Patients in arm A required a 25% dose reduction more often than in arm B (30% vs "
            "12%).",
            [30.0, 12.0],
        ),
        # the percentage of who needed a dose reduction is a result
        ("In arm A, 45% required dose reductions.", [45.0]),
        ("In arm A, 45% dose reductions were needed.", [45.0]),
    ],
)
def test_a_dose_amount_gives_no_row(
    outcomes_nlp: Language, text: str, expected: list[float]
) -> None:
    assert values(outcomes_nlp, text) == expected


# -- samples counted by "(n = N)" (sample_nouns); the follow-up's length (duration_verbs) -----


@pytest.mark.parametrize(
    "text",
    [
        "Tumour samples were collected before treatment (n = 110), after one cycle (n = 89) and "
        "at surgery (n = 59).",
        # the samples' auxiliaries: a chain of them, or a second verb of the same subject
        "Tumour samples had been collected before treatment (n = 110).",
        "Biopsy samples were obtained and were analysed centrally (n = 89).",
        "Women were followed for a median of 8 years.",
        "Patients were followed up for a median of 26 months.",
    ],
)
def test_samples_and_follow_up_give_no_row(outcomes_nlp: Language, text: str) -> None:
    assert values(outcomes_nlp, text) == []


@pytest.mark.parametrize(
    "text",
    [
        # tissue and biopsies with a verb of collection: their "(n = N)" count no subjects
        "Core biopsies were obtained at baseline (n = 40) and at week 2 (n = 33).",
        "Breast tissue was collected before treatment (n = 96) and at surgery (n = 50).",
        # each "(n = N)" listed after the first counts the same samples, however far
        "Blood samples were drawn before the first infusion (n = 96), after the third of six "
        "infusions of drug A given together with drug B every three weeks (n = 71) and at the "
        "last visit (n = 50).",
    ],
)
def test_collected_tissue_gives_no_row(outcomes_nlp: Language, text: str) -> None:
    assert values(outcomes_nlp, text) == []


def test_tissue_available_is_who_was_analysed(outcomes_nlp: Language) -> None:
    """Tissue collected counts no subjects; tissue available tells who was analysed, and
    subjects named after the samples' list are counted."""
    assert values(outcomes_nlp, "Tumour tissue was collected (n = 80) for the assay.") == []
    assert values(outcomes_nlp, "Tumour tissue was available (n = 80) for the assay.") == [80.0]
    text = "Core biopsies were obtained at baseline (n = 40), and 38 women were randomized."
    assert values(outcomes_nlp, text) == [38.0]


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        # subjects named after the samples are counted
        ("Samples were collected from women in the letrozole arm (n = 110).", [110.0]),
        # samples as no subject of the clause
        ("Infections at the sample site occurred in two arms (n = 5 and n = 3).", [5.0, 3.0]),
        ("Responses lasted for a median of 8 months.", [8.0]),
        # the follow-up's median and then the outcome's
        (
            "Progression-free survival was followed for a median of 24 months and was 12 "
            "months in arm A.",
            [12.0],
        ),
    ],
)
def test_counts_and_medians_beside_samples_stay(
    outcomes_nlp: Language, text: str, kept: list[float]
) -> None:
    assert_kept(outcomes_nlp, text, kept)


# -- what would happen (condition_openers, hypothetical_modals, hypothetical_verbs) -----------


@pytest.mark.parametrize(
    "text",
    [
        "Treating 100 women for 5 years would prevent 5 recurrences.",
        "Screening 1000 women would avoid 3 deaths.",
        "Up to 30% of recurrences would be prevented by screening.",
        "If the true relapse rate were 20%, the trial would detect a 10% difference.",
        "If the response rate were 20% in the control arm, 150 patients per arm would be "
        "needed.",
    ],
)
def test_what_would_happen_gives_no_row(outcomes_nlp: Language, text: str) -> None:
    assert values(outcomes_nlp, text) == []


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("Treating 100 women for 5 years prevented 5 recurrences in arm A.", [5.0]),
        ("Up to 30% of recurrences were prevented by screening.", [30.0]),
        # a condition without a modal, and the trial's stretch after a ";"
        ("If toxicity occurred in 20% of patients, the dose was reduced.", [20.0]),
        (
            "If treated early, 30% would relapse; in our trial, 5 of 50 (10%) relapsed.",
            [10.0],
        ),
        # a condition that is no counterfactual: a reanalysis of the trial's data
        ("If you exclude ineligible patients, response would be 45% vs 30%.", [45.0, 30.0]),
        # a modal of another verb, in the figure's clause or not
        ("Nausea occurred in 12 of 40 patients (30%), which would suggest a lower dose.", [30.0]),
        # a modal of an effect that is another clause's
        (
            "Relapse occurred in 12 patients in arm A and further surgery would be needed in the "
            "others.",
            [12.0],
        ),
    ],
)
def test_results_beside_a_modal_stay(
    outcomes_nlp: Language, text: str, kept: list[float]
) -> None:
    assert_kept(outcomes_nlp, text, kept)


# -- a characteristic after a list of bare percentages is the whole list's (trait_list_*) ------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("45% vs 47% were postmenopausal.", []),
        ("In the two arms, 61% and 58% had stage II disease.", []),
        # a comma ends the list; a list after its cue is a result
        ("Response was 45% vs 47%, and 61% had stage II disease.", [45.0, 47.0]),
        ("Relapse occurred in 45% vs 30% and 61% were postmenopausal.", [45.0, 30.0]),
        ("The response rate was 45% vs 30% in women who were postmenopausal.", [45.0, 30.0]),
    ],
)
def test_a_trait_after_a_list(outcomes_nlp: Language, text: str, expected: list[float]) -> None:
    assert values(outcomes_nlp, text) == expected


# -- an "(n = N)" that repeats the count of the share of a pool before it ----------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Grade 3 neutropenia occurred in 25% of the 120 women in arm A (n = 30).", [25.0]),
        # N is no count of the share: an arm's size
        (
            "Grade 3 neutropenia occurred in 25% of the 120 women in arm A (n = 60).",
            [25.0, 60.0],
        ),
        ("Grade 3 neutropenia occurred in 40% of women (n = 48).", [40.0, 48.0]),
        # half the pool is also each arm's size in a 1:1 trial
        ("Neutropenia occurred in 50% of the 200 patients (n = 100).", [50.0, 100.0]),
        ("Neutropenia occurred in 50% of the 200 patients (n = 100 in each arm).", [50.0, 100.0]),
    ],
)
def test_an_n_repeating_a_shares_count(
    outcomes_nlp: Language, text: str, expected: list[float]
) -> None:
    assert values(outcomes_nlp, text) == expected


# -- the subjects named after a clause's rates are their base (outcome_measures) -------------


def test_subjects_after_the_rates_are_their_base(outcomes_nlp: Language) -> None:
    text = (
        "Response rates were 45% in arm A and 38% in arm B among the 120 patients with "
        "measurable disease."
    )
    got = [(r["measure"], r["value"]) for r in outcomes_nlp(text)._.outcomes]
    assert got == [("response", 45.0), ("response", 38.0), ("enrollment", 120.0)]


@pytest.mark.parametrize(
    "text",
    [
        # a clause boundary between the rate and the subjects
        "Response occurred in 45% of patients; relapse was seen among the 12 patients who "
        "responded.",
        # no rate before the subjects
        "Relapse was seen among the 12 patients who responded.",
    ],
)
def test_counts_after_no_rate_of_their_clause_stay(outcomes_nlp: Language, text: str) -> None:
    got = [(r["measure"], r["value"]) for r in outcomes_nlp(text)._.outcomes]
    assert ("relapse", 12.0) in got, got


# -- a second review of ordinary sentences (session 15): each kept its rows on main ----------


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        # employment and coverage are outcomes, not traits of who was studied
        ("At 12 months, 20% vs 35% of patients were unemployed.", [20.0, 35.0]),
        ("The proportion of uninsured children fell from 30% to 10% in the intervention arm.",
         [30.0, 10.0]),
        # reports of this trial beside words of earlier work
        ("Adverse events have been reported in 30% of patients in arm A and 12% in arm B.",
         [30.0, 12.0]),
        ("To date, no deaths have been reported and 45% of patients have responded.", [45.0]),
        ("As has been described for other regimens, grade 3 neutropenia occurred in 45% of "
         "patients.", [45.0]),
        ("Unlike earlier reports, we found a response rate of 45% in arm A.", [45.0]),
        ("Compared with earlier trials, response was higher in arm A (45% vs 30%).",
         [45.0, 30.0]),
        # the label "A" of an arm is no article of "dose"
        ("In arm A 30% dose reductions were needed versus 10% in arm B.", [30.0, 10.0]),
        # a clause that reports, after a condition, keeps its figures
        ("If only evaluable patients were considered, the response rate was 55% (22 of 40), "
         "which would favour arm A.", [55.0]),
        # totals split by labels that are no arms keep the total
        ("Relapse occurred in 30 patients (site A: 12 patients, site B: 18 patients).", [30.0]),
        ("Adverse events occurred in 40 patients (stage 2: 25 patients, stage 3: 15 patients).",
         [40.0]),
        # (split by arms, labelled by an arm noun: the arms' parts stay, the total is pooled
        # away since session 20)
        ("Recurrence occurred in 32 (28.6%) patients: group A = 14 (25.5%), group B = 18 "
         "(31.6%).", [25.5, 31.6]),
        # samples in another clause than the "(n = N)"
        ("Blood samples were drawn weekly, and grade 3 neutropenia was recorded (n = 14).",
         [14.0]),
        ("Samples were analysed centrally and responses were confirmed (n = 30).", [30.0]),
        ("Samples had been stored, and neutropenia was recorded (n = 14).", [14.0]),
        # a trait word that is an outcome after "were" (the cue of traits said of the subjects)
        ("At 12 months, 15% vs 30% of children were uninsured.", [15.0, 30.0]),
        # a clause that reports after the modal's clause of a condition keeps its figures
        ("If the dropouts were excluded, the rates would change little, and relapse occurred "
         "in 12% (6 of 50) in arm A.", [12.0]),
        # earlier work the trial is compared with cites none of the trial's figures
        ("Unlike previous studies, we found a response rate of 45% in arm A.", [45.0]),
        ("Compared with previous trials, response was higher in arm A (45% vs 30%).",
         [45.0, 30.0]),
        ("Response was higher than previously reported (45% vs 30%).", [45.0, 30.0]),
        ("Compared with our previous study, the response rate increased to 45%.", [45.0]),
        ("As in previous studies, 30% of patients had a response.", [30.0]),
    ],
)
def test_results_of_the_second_review_stay(
    outcomes_nlp: Language, text: str, kept: list[float]
) -> None:
    assert_kept(outcomes_nlp, text, kept)


def test_earlier_works_figure_right_after_its_cue_is_dropped(outcomes_nlp: Language) -> None:
    # a comparison opens the cue, but the figure right after it is the earlier work's
    text = "The response rate was 40%, similar to previous reports of 25%."
    assert values(outcomes_nlp, text) == [40.0]
    text = "Response was higher than previously reported (45% vs 30%)."
    assert values(outcomes_nlp, text) == [45.0, 30.0]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the condition and the clause with the modal are what would happen
        ("If the true relapse rate were 20%, the trial would detect a 10% difference.", []),
        ("A 25% dose reduction was allowed.", []),
    ],
)
def test_what_the_narrowed_rules_still_drop(
    outcomes_nlp: Language, text: str, expected: list[float]
) -> None:
    assert values(outcomes_nlp, text) == expected


def test_the_sample_size_statement_is_searched_once_a_sentence(
    outcomes_nlp: Language, monkeypatch: pytest.MonkeyPatch
) -> None:
    # it reads the whole sentence: once per bare percentage made time grow with the square of
    # an unpunctuated sentence's length (40,000 words: 71 s of CPU)
    from pipeline.components.outcome_scope import ScopeRules

    calls: list[str] = []
    real = ScopeRules.sample_size_statement

    def counted(self: ScopeRules, text: str) -> bool:
        calls.append(text)
        return real(self, text)

    monkeypatch.setattr(ScopeRules, "sample_size_statement", counted)
    text = " ".join(["the tumour samples showed 20% and 30% of"] * 50)
    assert len(values(outcomes_nlp, text)) == 100
    assert len(calls) <= 2, len(calls)  # the sentence's figures, and `planned_sizes`


# -- a genotype is who was studied (enrollment_scope: genotype_nouns, genotype_states) --------


def test_a_genotype_is_no_outcome(outcomes_nlp: Language) -> None:
    """A figure whose predicate is a genotype is a baseline trait, whatever cue is near; not
    one with a predicate of its own before ("and") or subjects described by "who"."""
    text = "Among women with late toxicity, 92 women (51%) had at least one copy of the T allele."
    assert values(outcomes_nlp, text) == []
    text = "Of the 60 patients who relapsed, 40 patients (67%) had two copies of the variant."
    assert values(outcomes_nlp, text) == []
    text = "Late toxicity occurred in 12 women (7%), and 30 had two copies of the T allele."
    assert values(outcomes_nlp, text) == [7.0]
    text = "Among women with late toxicity, 92 (51%) who had a copy of the T allele needed surgery."
    assert values(outcomes_nlp, text) == [51.0]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the threshold that makes a subject a responder, beside the share that reached it
        ("The difference in the percentage of patients with a 50% reduction in their nausea "
         "was 12.6%.", [12.6]),
        ("The proportion of patients achieving at least a 50% reduction in pain was 45% with "
         "duloxetine and 30% with placebo.", [45.0, 30.0]),
        ("Forty percent of patients had a 50% reduction in hot flashes.", [40.0]),
        # alone, or a study's finding: the change itself
        ("Women on tamoxifen had a 49% reduction in the risk of breast cancer.", [49.0]),
        ("Patients had a 30% reduction in the risk of death (HR 0.70; 95% CI 0.55-0.89).",
         [30.0, 0.7]),
        ("In the lithium group, patients had a 35% reduction in pain scores compared with 10% "
         "in the placebo group.", [35.0, 10.0]),
        ("A trial in 4,560 postmenopausal women showed a 65% reduction in invasive breast "
         "cancer.", [4560.0, 65.0]),
    ],
)  # fmt: skip
def test_a_responder_threshold_gives_no_row(
    outcomes_nlp: Language, text: str, expected: list[float]
) -> None:
    assert values(outcomes_nlp, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a list's marker with no bracket opened before it is a label, not a count
        ("We found that 1) the deletion is common, 2) it is inherited and 3) type II C2 "
         "deficiency is caused by another defect.", []),
        ("Three died; 2) two patients relapsed.", ["Three", "two patients"]),
        # a count closing its bracket is still one
        ("Deaths occurred in 21 patients (letrozole 9, placebo 12).", ["21 patients", "9", "12"]),
    ],
)  # fmt: skip
def test_a_lists_marker_is_no_count(text: str, expected: list[str]) -> None:
    parser = SentenceParser(text, Lexicon(load_lexicon(resolve(LEXICON_FILE))))
    parser.find_stats()
    parser.find_timepoints()
    parser.parse()
    assert [text[f.start : f.end] for f in parser.figures] == expected


def test_a_chromosomes_number_is_no_count(full_nlp: Language) -> None:
    text = "The CSS for Chromosomes 10 and 18 progressed to the most severe stages."
    assert full_nlp(text)._.outcomes == []
