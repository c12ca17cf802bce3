"""Figures that are not the trial's results (`components/outcome_scope.py`), and the results
beside them that stay: each sentence with the (measure, unit, value) rows it gives."""

from __future__ import annotations

import pytest
from spacy.language import Language
from test_outcomes import run

from pipeline.components.outcome_tokens import Figure
from pipeline.components.outcome_totals import mark_differences


@pytest.fixture(scope="module")
def nlp(outcomes_nlp: Language) -> Language:
    return outcomes_nlp


def rows(nlp: Language, text: str) -> list[tuple[str, str, float]]:
    return [(r["measure"], r["unit"], r["value"]) for r in run(nlp, text)._.outcomes]


AE, PCT, COUNT, REL = "adverse_event", "percent", "count", "relative_change"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # general statements (present tense only) give no row; the trial's result does
        ("Acute radiodermatitis occurs in 95% of the patients undergoing radiotherapy.", []),
        (
            "Acute radiodermatitis occurred in 95% of the patients in the control arm.",
            [(AE, PCT, 95.0)],
        ),
        ("Letrozole reduces the risk of relapse by 30%.", [("relapse", REL, 30.0)]),
        # (planned: the future tense)
        ("The trial will allow for a 10% dropout rate.", []),
        ("The trial allowed for a 10% dropout rate.", [("discontinuation", PCT, 10.0)]),
        # earlier work, cited anywhere in the sentence before the figure
        ("Previous studies found 22.4% telangiectasia at two years.", []),
        (
            "The group previously demonstrated the feasibility of a dose-dense biweekly schedule "
            "of 4 cycles doxorubicin 50 mg/m2 and docetaxel 75 mg/m2 (ddAT) with or without "
            "tamoxifen in the neoadjuvant setting to yield a pCR of 9.7%.",
            [],
        ),
        ("Grade 2 telangiectasia occurred in 22.4% at two years.", [(AE, PCT, 22.4)]),
        # definitions and thresholds
        ("Complete cell-cycle arrest was defined as Ki-67 less than or equal to 2.7%.", []),
        ("The noninferiority margin was fixed to 12.8%.", []),
        ("Outcomes of interest were G3-4 toxicities occurring in ≥ 5% of patients.", []),
        ("G3-4 toxicities occurred in 5% of patients.", [(AE, PCT, 5.0)]),
        (
            "Endpoint was pCR, defined as no invasive tumour; pCR was 28% with docetaxel "
            "versus 15% with placebo.",
            [("complete_response", PCT, 28.0), ("complete_response", PCT, 15.0)],
        ),
        # sample-size statements: rates are assumptions, subject counts the planned size
        (
            "Assuming a 10% dropout rate, 200 patients were required.",
            [("enrollment", COUNT, 200.0)],
        ),
        (
            "A sample size of 120 patients provided 90% power to detect an increase in the "
            "response rate from 30% to 55%.",
            [("enrollment", COUNT, 120.0)],
        ),
        (
            "The dropout rate was 10% in the placebo arm and 12% in the acupuncture arm.",
            [("discontinuation", PCT, 10.0), ("discontinuation", PCT, 12.0)],
        ),
        (
            "The response rate increased from 30% to 55% with acupuncture.",
            [("response", PCT, 30.0), ("response", PCT, 55.0)],
        ),
        # baseline figures ("at baseline", "at (study) entry") and the same figure later
        ("Grade 2 hot flashes occurred in 80% of women at study entry.", []),
        ("Grade 2 hot flashes occurred in 80% of women at baseline.", []),
        ("Grade 2 hot flashes occurred in 40% of women at 12 weeks.", [(AE, PCT, 40.0)]),
        # baseline trait shares, allocation shares
        ("Patients with triple negative (12.9%) and HER2+ (16.7%) tumours were included.", []),
        (
            "Triple-negative disease was more frequent in the docetaxel arm (31.9% vs 17.2%; "
            "P < .001).",
            [("other", PCT, 31.9), ("other", PCT, 17.2)],
        ),
        (
            "Participants were randomized to a dietary intervention group (40%; n = 19541) or a "
            "comparison group (60%; n = 29294).",
            [],
        ),
        (
            "The mortality rate among patients with liver failure was high (67.1%, n = 47).",
            [("mortality", PCT, 67.1)],
        ),
        # "all <subjects>": the cohort, or the population of another figure
        (
            "Fifteen patients were enrolled. All patients received six cycles of docetaxel.",
            [("enrollment", COUNT, 15.0)],
        ),
        (
            "Fifteen patients were enrolled. All patients responded to treatment.",
            [("enrollment", COUNT, 15.0), ("response", COUNT, 15.0)],
        ),
        (
            "Five-year overall survival of all randomized patients was 62% for the STD arm and "
            "63% for the HDC arm.",
            [("survival", PCT, 62.0), ("survival", PCT, 63.0)],
        ),
        # amounts of treatment, and rates listed or compared with one
        ("Patients received 95% vs 88% of the planned dose in the A and B arms.", []),
        (
            "In 118 patients allocated HDEC 90% of the planned dose was delivered, compared to "
            "96% in the 117 participants allocated SDEC.",
            [("enrollment", COUNT, 118.0)],
        ),
        # (a share "of the control group" is the arm's, not a reference value)
        (
            "Grade 1 dermatitis was found in 42, 90, and 90% of the control group and in 16, 30, "
            "and 71% of the intervention group.",
            [("other", PCT, v) for v in (42.0, 90.0, 90.0, 16.0, 30.0, 71.0)],
        ),
        ("Dermatitis was found in 90% of control values.", []),
        # exclusions, things counted
        ("Nine patients were excluded after randomization.", []),
        ("Nine patients relapsed after randomization.", [("relapse", COUNT, 9.0)]),
        ("Grade 2 tumors must have two of these factors.", []),
        # bare numbers that count no subjects: a list label, an amount, things named before
        ("Patients were randomized to two arms. 1) versus anastrozole (1 mg/d).", []),
        (
            "Patients were randomized to two arms. 1 died on docetaxel versus 3 on placebo.",
            # (the second figure of the pair is a death too: a list shares its measure)
            [("mortality", COUNT, 1.0), ("mortality", COUNT, 3.0)],
        ),
        ("The trial compared 6 cycles of FEC100 versus 4 FEC100 followed by 4 docetaxel.", []),
        (
            "Febrile neutropenia occurred in 6 patients with FEC100 versus 4 with docetaxel.",
            [(AE, COUNT, 6.0), (AE, COUNT, 4.0)],
        ),
        ("From the six selected clusters, three were randomly allocated to the control group.", []),
        (
            "From the 60 selected patients, 30 were randomly allocated to the control group.",
            [("enrollment", COUNT, 30.0)],
        ),
        # a pool of things that opens the clause, described at some length: its bare count,
        # and the parts in a bracket after it, count those things
        ("Of 312 studies identified, only 18 were included.", []),
        ("Of the 40 trials reviewed, only 12 reported on mortality (5/22 of drug trials, 7/18 "
         "of device trials).", []),
        ("Of the 64 cycles given, 10 were delayed because of neutropenia (4/32 in arm A, 6/32 "
         "in arm B).", []),
        # (a count of subjects in that bracket names who)
        (
            "Of 312 studies identified in the search, 18 were included (2,140 patients).",
            [("enrollment", COUNT, 2140.0)],
        ),
        (
            "Of 312 studies identified in the search, 18 were included (n = 2,140 patients).",
            [("enrollment", COUNT, 2140.0)],
        ),
        # (a pool of subjects that holds things keeps its counts)
        (
            "Of the 300 women from 12 sites who were randomized, 40 relapsed.",
            [("enrollment", COUNT, 300.0), ("relapse", COUNT, 40.0)],
        ),
    ],
)
def test_scope_of_figures(nlp: Language, text: str, expected: list[tuple[str, str, float]]) -> None:
    assert rows(nlp, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the total is the sum of the arms' counts: only the arms give rows, counting what the
        # total counted
        (
            "Radiotracer migration failure occurred in 8 cases (one in the INTRA group and 7 in "
            "the PERI group).",
            [(AE, COUNT, 1.0), (AE, COUNT, 7.0)],
        ),
        (
            "In patients who underwent BCS, 21% developed a local relapse (24 versus 18%, "
            "respectively).",
            [("relapse", PCT, 24.0), ("relapse", PCT, 18.0)],
        ),
        # the arms' parts after a colon, labelled by arm noun and label (pico-dev 21378358);
        # a part followed by the next ("14 (25.5%), group B = 18 ...") is no total of them
        (
            "Intraoperative examination showed SN involvement in 32 (28.6%) patients: group A = "
            "14 (25.5%), group B = 18 (31.6%).",
            [("other", PCT, 25.5), ("other", PCT, 31.6)],
        ),
        # not a sum of what follows: the total stays
        (
            "Twelve patients (3 in the A group and 5 in the B group) developed neutropenia.",
            [(AE, COUNT, 12.0), (AE, COUNT, 3.0), (AE, COUNT, 5.0)],
        ),
        # who was enrolled stays, with the arms' sizes
        (
            "Sixty-six patients (45 in the control group and 21 in the treatment group) were "
            "included.",
            [("enrollment", COUNT, 66.0), ("enrollment", COUNT, 45.0),
             ("enrollment", COUNT, 21.0)],
        ),
    ],
)
def test_pooled_totals(nlp: Language, text: str, expected: list[tuple[str, str, float]]) -> None:
    assert rows(nlp, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the total split by sex in a bracket: who completed is the total alone
        (
            "Of 150 patients randomized, 124 patients (70 men, 54 women) completed the trial.",
            [("enrollment", COUNT, 150.0), ("enrollment", COUNT, 124.0)],
        ),
        # the split in apposition
        (
            "Forty-two patients, 22 women and 20 men, were randomly assigned to drug A or B.",
            [("enrollment", COUNT, 42.0)],
        ),
        # a verb lists who the total is (BC5CDR train 236)
        (
            "Subjects (n = 139) were 72 women and 67 men, aged 40.8 +/- 12.1 years.",
            [("enrollment", COUNT, 139.0)],
        ),
    ],
)
def test_trait_breakdowns(nlp: Language, text: str, expected: list[tuple[str, str, float]]) -> None:
    assert rows(nlp, text) == expected


def test_parts_that_miss_the_total_are_no_breakdown(nlp: Language) -> None:
    # parts that do not add up to the total are no split of it: the rule leaves them
    text = "Forty-two patients, 12 women and 10 men, were randomly assigned to drug A or B."
    assert {12.0, 10.0} <= {value for _, _, value in rows(nlp, text)}


LYMPHEDEMA = [("lymphedema", "DISEASE", "MESH:D008209")]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the arms' rates in a bracket right after the count (pico-dev 31474490): the count is
        # pooled away
        (
            "Chronic lymphedema presented in 13 patients (9.3% group 1 and 12.7% group 2).",
            [(AE, PCT, 9.3), (AE, PCT, 12.7)],
        ),
        # a bracket of the count's own share, or of rates no label names: the count stays
        (
            "Chronic lymphedema presented in 13 patients (9.3%, 95% CI 5.1-15.2).",
            [(AE, PCT, 9.3)],
        ),
        (
            "Chronic lymphedema presented in 13 patients (9.3% vs 12.7%, P = 0.6).",
            [(AE, PCT, 9.3)],
        ),
    ],
)
def test_total_before_the_arms_rates(
    nlp: Language, text: str, expected: list[tuple[str, str, float]]
) -> None:
    got = [(r["measure"], r["unit"], r["value"]) for r in run(nlp, text, LYMPHEDEMA)._.outcomes]
    assert got == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a subgroup tested on its own, or opening the sentence by a trait: no enrollment row
        (
            "Ki-67 fell more with metformin: 22% versus 35% in HER2-positive DCIS (n = 22, "
            "P = .06).",
            [("other", PCT, 22.0), ("other", PCT, 35.0)],
        ),
        (
            "In patients with centrally confirmed hormone receptor positivity (n = 150), median "
            "PFS was 5.6 and 3.8 months in the two arms.",
            [("survival", "months", 5.6), ("survival", "months", 3.8)],
        ),
        (
            "PFS improved overall; in cohort 2 (n = 99), median PFS was 11.1 months with "
            "letrozole versus 18.1 months with palbociclib.",
            [("survival", "months", 11.1), ("survival", "months", 18.1)],
        ),
        # an arm's size stays, also with its own P value; so does who was enrolled
        (
            "In the control group (n = 49), median PFS was 11.1 months.",
            [("enrollment", COUNT, 49.0), ("survival", "months", 11.1)],
        ),
        (
            "The ORR was 62.3% in the GET arm (n = 114) and 51.2% in the FEC arm (n = 129; "
            "P = .093).",
            [
                ("response", PCT, 62.3),
                ("enrollment", COUNT, 114.0),
                ("response", PCT, 51.2),
                ("enrollment", COUNT, 129.0),
            ],
        ),
        (
            "In the LED treatment group (n = 18), no patients had grade 0 reactions.",
            [("enrollment", COUNT, 18.0)],
        ),
        (
            "Women with bone metastases (n = 228) were randomly assigned to zoledronic acid or "
            "placebo.",
            [("enrollment", COUNT, 228.0)],
        ),
    ],
)
def test_subgroup_sizes(nlp: Language, text: str, expected: list[tuple[str, str, float]]) -> None:
    assert rows(nlp, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the bracket holds the sentence's one rate after "with <trait>": the trait's share
        (
            "In a subset analysis of patients with known ER+ and/or PgR+ tumors (approximately "
            "78%), median TTP was 8.2 months.",
            [("months", 8.2)],
        ),
        # rates compared between traits are results
        (
            "Neutropenia occurred more often in patients with HER2-positive tumors (12%) than in "
            "those with HER2-negative tumors (5%).",
            [(PCT, 12.0), (PCT, 5.0)],
        ),
    ],
)
def test_trait_share_in_brackets(
    nlp: Language, text: str, expected: list[tuple[str, float]]
) -> None:
    """(with the DISEASE mentions that make "tumors" a weak adverse-event cue)"""
    mentions = [("tumors", "DISEASE", "MESH:D009369"), ("Neutropenia", "DISEASE", "MESH:D009503")]
    got = [(r["unit"], r["value"]) for r in run(nlp, text, mentions)._.outcomes]
    assert got == expected


def test_arm_size_tested_after_a_drug(nlp: Language) -> None:
    """ "bupivacaine (n = 62, P = 0.55)": the drug's arm, not a subgroup."""
    text = "Median NRS did not differ between bupivacaine (n = 62, P = 0.55) and placebo (n = 65)."
    got = [
        (r["measure"], r["value"])
        for r in run(nlp, text, [("bupivacaine", "DRUG", "D1")])._.outcomes
    ]
    assert got == [("enrollment", 62.0), ("enrollment", 65.0)]
    assert [r["value"] for r in run(nlp, text)._.outcomes] == [65.0]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a share of subjects is never negative: a CI below zero makes the figure a difference
        (
            "Lymphedema incidence did not differ between groups (0.3%; 95% CI, -1.7% to 2.3%).",
            [(AE, REL, 0.3)],
        ),
        (
            "Lymphedema occurred in 0.3% of patients (95% CI, 0.1% to 2.3%).",
            [(AE, PCT, 0.3)],
        ),
        (
            "At 12 and 24 months, lumbar spine BMD increased by 5.5% and 7.6%, respectively, in "
            "the denosumab group.",
            [("other", REL, 5.5), ("other", REL, 7.6)],
        ),
        (
            "The exercise program corresponds to an 11% (95% CI, 5% to 15%) decrease in "
            "predicted risk.",
            [("other", REL, 11.0)],
        ),
        (
            "The data are consistent with an increase in both disease-free and overall survival "
            "of about 5% for AD.",
            [("survival", REL, 5.0)],
        ),
        # (a rate after "improvement in X was achieved by" is no change)
        (
            "More than 75% improvement in EASI was achieved by 64% of patients at week 16.",
            [("improvement", PCT, 64.0)],
        ),
    ],
)
def test_relative_changes(nlp: Language, text: str, expected: list[tuple[str, str, float]]) -> None:
    assert rows(nlp, text) == expected


@pytest.mark.parametrize(
    ("text", "number", "relative"),
    [
        # a sign before the number: a difference ("1.4" read as a percentage from its CI's unit)
        (
            "attendance was lower in the intervention group (- 1.4, 95%CI: - 5.7% to - 0.03%)",
            "1.4",
            True,
        ),
        # a hyphen of a range is no sign; nor is a bracket, nor a dash between spaces
        ("attendance was 12-15% in the intervention group", "15", False),
        ("attendance: placebo – 12%, acupuncture – 20%", "20", False),
        ("attendance changed by -0.3% with acupuncture", "0.3", True),
        (
            "attendance was lower in the intervention group (71.4%, 95% CI 65.7% to 77.1%)",
            "71.4",
            False,
        ),
    ],
)
def test_sign_marks_a_difference(text: str, number: str, relative: bool) -> None:
    start = text.index(number)
    fig = Figure(0, 1, pct=float(number), start=start, end=start + len(number))
    mark_differences([fig], text)
    assert fig.relative is relative
