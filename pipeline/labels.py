"""The entity labels biotab writes, in one place: every module imports them from here.

Reads and writes nothing; imports nothing heavy (the pool's driver imports it without spaCy).
A new entity type is a constant here, its place in the subsets below, and its data (KB rows,
rules, the mentions schema's documentation).
"""

from __future__ import annotations

DRUG = "DRUG"
DISEASE = "DISEASE"
CYTOKINE = "CYTOKINE"

LABELS: tuple[str, ...] = (DRUG, DISEASE, CYTOKINE)
"""Every label a mention may carry, in report order."""

LINKED: tuple[str, ...] = (DRUG, DISEASE)
"""Labels linked to MeSH by name (the linker, the fuzzy matcher, mined synonyms)."""

MODEL: tuple[str, ...] = (DRUG, DISEASE)
"""Labels the statistical NER model is trained on (CYTOKINE comes from the lexicon)."""

STUDY_DESIGNS: tuple[str, ...] = (
    "randomized_trial",
    "clinical_trial",
    "observational",
    "case_report",
    "animal",
    "in_vitro",
    "genetic",
    "review",
    "other",
)
"""The kinds of study a document may be (`documents.study_design`, `biotab_design`): a trial
with randomized arms; another trial that gave an intervention by protocol; human data without
an assigned intervention (cohorts, case-control, surveys, records); one or a few patients
described one by one; living animals; cells, tissues or chemistry only; human genes, mutations
and families; no new data (reviews, meta-analyses, guidelines, articles for the public);
something else."""
