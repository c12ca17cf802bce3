"""`biotab_outcomes`: outcome figures (response, relapse, adverse-event rates ...) as table rows.

The component runs last. For every English sentence that can hold a figure (a digit, a number
word, or a "no / all <patients>" phrase) it

1. reads figures, statistics and timepoints with the grammar of `outcome_grammar.py`;
2. sets aside what is not a figure (`outcome_candidates.py`): drug strengths ("5% imiquimod
   cream"), percentages of a reference ("80% of control"), thresholds ("more than 50%"),
   body-area percentages (kept only as `improvement` when the sentence reports a result), and
   what is not the trial's result
   (`outcome_scope.py`: general statements, earlier work, definitions, baseline traits,
   allocation shares, exclusions, "all <subjects>" as the cohort; after measures are assigned,
   pooled totals split by arm);
3. finds measure cues (patterns of `rules/outcome_cues.jsonl`: spaCy's `Matcher`, gated by
   `cue_gate.py`) and gives each figure the measure of its nearest cue
   (`outcome_measures.py`), with CI, p-value, timepoint and arm (a total's parts by arm take its
   measure; a count of cases of a disease no cue claimed is still a result);
4. resolves numerator/denominator through the document's cohort (a figure of one arm through
   its arm's stated size; the cohort only in a study of one arm) and ties the figure to its drug
   and disease (`outcome_resolve.py`, over `outcome_context.py`'s document context; the main
   drug of a figure whose sentence names none: `outcome_main.py`);
5. reads the figures with the document's study design, when `biotab_design` ran before it
   (`Doc._.study_design`; `outcome_design.py`: in a genetics paper an event count with no
   exposure named is a finding, `other`, and no figure names a drug).

Writes `Doc._.outcomes` (one dict per figure: the outcomes table's columns except doc_id, see
`pipeline.outcomes.OutcomeFigure`) and `doc.spans["outcomes"]` (one span per figure, labelled
with its measure, for displaCy's span view).
"""

from __future__ import annotations

import bisect
import json
from collections.abc import Iterable, Sequence
from itertools import pairwise
from pathlib import Path
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc

import pipeline.extensions  # (also registers Doc._.outcomes and the Span attributes)
from pipeline.components.cue_gate import CueGate
from pipeline.components.outcome_ascii import ascii_lexicon, ascii_safe
from pipeline.components.outcome_attach import (
    attach_arms,
    attach_stats,
    attach_timepoints,
    mark_change_pairs,
    mark_compared,
    share_arm_heads,
    split_by_arm,
)
from pipeline.components.outcome_candidates import candidates
from pipeline.components.outcome_context import DocContext, SentenceMentions, note_arms
from pipeline.components.outcome_cue_filters import (
    compared_traits,
    disease_cues,
    lists_diseases,
    stop_reasons,
)
from pipeline.components.outcome_design import read_with_design, without_earlier_reports
from pipeline.components.outcome_grammar import SentenceParser
from pipeline.components.outcome_lexicon import Lexicon
from pipeline.components.outcome_list_measures import share_list_measures
from pipeline.components.outcome_measures import assign_measures, group, measures_respectively
from pipeline.components.outcome_offsets import Offsets, SentenceLanguage, doc_offsets
from pipeline.components.outcome_prevention import ENDPOINT, Prevented
from pipeline.components.outcome_resolve import resolve_figure
from pipeline.components.outcome_respectively import respectively_arms, unmarked_list_arms
from pipeline.components.outcome_rules import (
    CUES_FILE,
    LEXICON_FILE,
    MEASURES,
    NOT_OUTCOME,
    CueRule,
    RuleFileError,
    load_cues,
    load_lexicon,
    resolve,
)
from pipeline.components.outcome_tokens import Cue, Figure, Mention
from pipeline.components.outcome_totals import (
    antecedent_denominators,
    enrolled_parts,
    mark_differences,
    planned_sizes,
    pooled_totals,
    sex_pairs,
    subgroup_sizes,
    trait_breakdowns,
)
from pipeline.components.outcome_treated_parts import treated_parts
from pipeline.components.outcome_unclaimed import compared_figures, occurrence_counts
from pipeline.labels import DISEASE
from pipeline.outcomes import OutcomeFigure

SPANS_KEY = "outcomes"

__all__ = [
    "CUES_FILE",
    "LEXICON_FILE",
    "MEASURES",
    "SPANS_KEY",
    "CueRule",
    "Lexicon",
    "OutcomeExtractor",
    "RuleFileError",
    "load_cues",
    "load_lexicon",
]


def _lists_share_relative(lex: Lexicon, figures: list[Figure], parser: SentenceParser) -> None:
    """The figures of a list share a relative figure's kind, forward over the list and back over
    "and"/"or" alone. Reads `Figure.group` and `relative`; writes `relative`."""
    for f, g in pairwise(figures):
        if g.group == f.group and f.relative:
            g.relative = True  # "increased by 5.5% and 7.6%": a list shares its kind
    for f, g in pairwise(reversed(figures)):
        # "18% and 30% lower than control", also back over "and"/"or" alone: not over "vs"
        # or a comma ("10% vs 15%, 33% lower": the rates compared, then their change)
        if (g.group == f.group and f.relative
                and lex.list_word_re.fullmatch(parser.text, g.end, f.start)):  # fmt: skip
            g.relative = True


@Language.factory(
    "biotab_outcomes",
    assigns=["doc._.outcomes", "doc.spans"],
    requires=["token.is_sent_start"],
    default_config={
        "cues_file": CUES_FILE,
        "lexicon_file": LEXICON_FILE,
        "languages": ["en"],
    },
)
def make_outcomes(
    nlp: Language, name: str, *, cues_file: str, lexicon_file: str, languages: list[str]
) -> OutcomeExtractor:
    return OutcomeExtractor(
        nlp, name, cues_file=cues_file, lexicon_file=lexicon_file, languages=languages
    )


class OutcomeExtractor:
    def __init__(
        self,
        nlp: Language,
        name: str = "biotab_outcomes",
        *,
        cues_file: str = CUES_FILE,
        lexicon_file: str = LEXICON_FILE,
        languages: Sequence[str] = ("en",),
    ) -> None:
        self.nlp = nlp
        self.name = name
        self.languages = frozenset(languages)
        self._language = SentenceLanguage()
        self.set_rules(load_cues(resolve(cues_file)), load_lexicon(resolve(lexicon_file)))

    def set_rules(self, cues: list[CueRule], lexicon: dict[str, Any]) -> None:
        self.cues = cues
        # Over the same tokens the more specific cue wins: one that reads the exact case ("Cr",
        # creatinine, over the "cr" abbreviation of complete response), then a not_outcome cue
        # (it exists to overrule a cue there), then the earlier line.
        self._tie_rank = [(not c.exact_case, c.measure != NOT_OUTCOME) for c in cues]
        self.lexicon = Lexicon(lexicon)
        # (the same, its regexes in ASCII mode: for the documents of ASCII text, faster)
        self._ascii_lexicon = ascii_lexicon(lexicon, self.lexicon.negation_words)
        self._gate: CueGate | None = None

    def _cue_matches(self, doc: Doc, start: int, end: int,
                     orth: list[int]) -> list[tuple[int, int, int]]:  # fmt: skip
        """(rule index, start, end) of the cue matches in doc[start:end], sentence-relative."""
        if self._gate is None:
            self._gate = CueGate(self.nlp, self.cues)
        return self._gate.matches(doc, orth, start, end)

    # -- running ----------------------------------------------------------------------------
    def __call__(self, doc: Doc) -> Doc:
        figures: list[OutcomeFigure] = []
        ctx: DocContext | None = None
        doc_text = pipeline.extensions.doc_text(doc)
        # (the sentence parsers carry it: every step below reads `parser.lex`)
        lex = self._ascii_lexicon if ascii_safe(doc_text) else self.lexicon
        offsets = doc_offsets(doc, len(doc_text))
        for sent_idx, (start, end, char_start, char_end) in enumerate(offsets.sentences):
            # the cheap test first, on the raw text; no Span object for any sentence
            if not lex.passes(doc_text, char_start, char_end):
                continue
            first, last = offsets.idx[start], offsets.ends[end - 1]  # (the Span's characters)
            lang = self._language(doc, start, end, first, last)
            if lang is not None and lang not in self.languages:
                continue
            parser = SentenceParser(doc_text[first:last], lex)
            parser.find_stats()
            parser.find_timepoints()
            parser.parse()
            if not parser.figures:
                continue
            if ctx is None:
                ctx = DocContext(doc, doc_text, offsets.idx, offsets.ends, offsets.ents,
                                 offsets.sentences)  # fmt: skip
            figures.extend(
                self._sentence_figures(doc, start, end, sent_idx, parser, ctx, offsets, doc_text)
            )
            ctx.note_counted(parser.figures)
        if ctx is not None:
            # once the document is read: one name an arm, and the main disease no event's
            figures = ctx.drop_main_events(ctx.named_arms(figures), lex)
            def bounds(i: int) -> tuple[int, int]:
                return offsets.sentences[i][2], offsets.sentences[i][3]

            figures = read_with_design(
                figures, doc._.study_design, lambda i: doc_text[slice(*bounds(i))], lex)
            # ("Fifteen cases of this complication have been reported": earlier reports')
            figures = without_earlier_reports(figures, doc_text, bounds, lex)
        doc._.outcomes = [f.as_dict() for f in figures]
        spans = []
        for f in figures:
            span = doc.char_span(f.start_char, f.end_char, label=f.measure, alignment_mode="expand")
            if span is not None:
                spans.append(span)
        doc.spans[SPANS_KEY] = spans
        return doc

    def pipe(self, stream: Iterable[Doc], batch_size: int = 128) -> Iterable[Doc]:
        for doc in stream:
            yield self(doc)

    def _cues(self, doc: Doc, start: int, end: int, offsets: Offsets, parser: SentenceParser,
              mentions: list[Mention], prevented: Prevented) -> list[Cue]:  # fmt: skip
        """Measure cues in the sentence doc[start:end] (longest first, no overlaps), plus DISEASE
        mentions outside a population frame as weak adverse-event cues; those that name what
        the document's trial prevents (`prevented`) are its end point's `other` cues."""
        lex = parser.lex
        base = offsets.idx[start]
        best_end: dict[tuple[int, int], int] = {}
        for rule, ti, tj in self._cue_matches(doc, start, end, offsets.orth):
            not_after = self.cues[rule].not_after
            if not_after and ti and doc[start + ti - 1].lower_ in not_after:
                continue  # "in women who were older than 70": a subgroup, no trait of all
            key = (ti, rule)
            best_end[key] = max(best_end.get(key, 0), tj)
        rank = self._tie_rank
        found = sorted(  # longest, then earliest, then the more specific (set_rules)
            ((ti, tj, r) for (ti, r), tj in best_end.items()),
            key=lambda m: (-(m[1] - m[0]), m[0], rank[m[2]], m[2]),
        )
        taken: list[tuple[int, int, int]] = []
        taken_starts: list[int] = []
        for hit in found:
            k = bisect.bisect_left(taken_starts, hit[0])
            if (k > 0 and taken[k - 1][1] > hit[0]) or (k < len(taken) and taken[k][0] < hit[1]):
                continue
            taken.insert(k, hit)
            taken_starts.insert(k, hit[0])
        if any(self.cues[r].with_measures for _, _, r in taken):
            present = {self.cues[r].measure for _, _, r in taken}
            taken = [
                h for h in taken
                if not self.cues[h[2]].with_measures or self.cues[h[2]].with_measures & present
            ]  # fmt: skip
        names = [(m.start - base, m.end - base) for m in mentions]
        name_starts = [a for a, _ in names]
        cues: list[Cue] = []
        for ti, tj, r in taken:
            s = offsets.idx[start + ti] - base
            e = offsets.ends[start + tj - 1] - base
            k = bisect.bisect_right(name_starts, s) - 1
            if k >= 0 and names[k][1] >= e and names[k][1] - names[k][0] > e - s:
                continue  # "progressive" in "progressive multifocal leukoencephalopathy"
            measure = self.cues[r].measure
            if (
                measure == "enrollment"
                and parser.text[s:e].lower() in lex.listing_words
                and lists_diseases(parser.text, e, mentions, name_starts)
            ):
                continue  # "Reactions included thrombophlebitis (20 of 54 patients), rash ..."
            ts = parser.tok_index(s)
            te = max(ts + 1, parser.tok_index(e))
            cues.append(Cue(s, e, ts, te, measure, self.cues[r].priority))
        cues = compared_traits(lex, parser, cues)  # ("prevalence ... 19% vs 40%")
        extra = disease_cues(lex, parser, mentions, cues, base)
        cues = stop_reasons(lex, parser.text, sorted(cues + extra, key=lambda c: c.start))
        if prevented:  # ("Clinical hepatitis developed in 1.4% of HBIG recipients")
            cues = lex.prevention.endpoint_cues(parser, mentions, cues, base, prevented)
        return cues


    def _sentence_figures(self, doc: Doc, start: int, end: int, sent_idx: int,
                          parser: SentenceParser, ctx: DocContext, offsets: Offsets,
                          doc_text: str) -> list[OutcomeFigure]:  # fmt: skip
        """The outcome figures of the sentence doc[start:end] (tokens), read from its text and
        offsets: no Span is made for it."""
        lex = parser.lex
        base = offsets.idx[start]  # (the Span's start_char and end_char)
        sm = SentenceMentions(ctx.in_range(base, offsets.ends[end - 1]), parser.text, base, lex,
                              ctx.known_arms)
        figures, den_context = candidates(parser, sm, doc_text, base)
        if not figures:
            return []
        cues = self._cues(doc, start, end, offsets, parser, sm.all, ctx.prevented(lex))
        boundary = parser.boundaries()
        group(lex, figures, parser)
        _lists_share_relative(lex, figures, parser)
        assign_measures(lex, figures, cues, parser, boundary)
        measures_respectively(lex, figures, cues, parser, boundary)
        share_list_measures(lex, figures, parser, cues)  # ("... and 10 of 38 (26%; 95% CI 13-43)")
        planned_sizes(figures, parser.text, lex.scope, "enrollment")
        lex.enrollment_scope.accrual_states(figures, parser.text, "enrollment")
        # ("82 patients were included (34 STIM and 48 control)": the arms' sizes)
        enrolled_parts(figures, parser.text, "enrollment", lex.arm_label_words,
                       [m.start - base for m in sm.drugs])  # fmt: skip
        # ("Toxicities included sepsis (n = 6) and pneumonitis (n = 3)": the event's counts)
        lex.breakdowns.event_breakdowns(figures, cues, parser.text,
                                        [m.end - base for m in sm.drugs])
        attach_stats(lex, figures, parser)
        attach_timepoints(figures, parser, boundary)
        mark_change_pairs(lex, figures, parser)
        attach_arms(lex, figures, parser)
        drugs = [(m.start - base, m.end - base) for m in sm.drugs]
        diseases = [(m.start - base, m.end - base) for m in sm.all if m.label == DISEASE]
        claimed = [(c.start, c.end) for c in cues] + diseases
        split = split_by_arm(lex, figures, parser, drugs, claimed)
        share_arm_heads(figures, parser.text)
        compared_figures(lex, figures, parser, boundary, [a for a, _ in drugs])
        treated_parts(figures, sm, ctx, den_context)  # ("203 received A and 203 received B")
        occurrence_counts(lex, figures, parser, diseases, cues, drugs, den_context is not None)
        if all(f.measure is None for f in figures):
            return []  # (no result: nothing after this gives a measure; most such sentences)
        mark_differences(figures, parser.text)
        dropped = (
            split
            | pooled_totals(figures, parser.text, lex.scope, "enrollment")
            | subgroup_sizes(figures, parser.text, lex.scope, [e for _, e in drugs], "enrollment",
                             lex.enrollment_scope)
            | lex.enrollment_scope.non_participants(figures, parser.text)
            | trait_breakdowns(figures, parser.text, lex.subgroup_words, lex.listing_verb_re)
            | sex_pairs(figures, parser.text, lex.sex_nouns, lex.prepositions)
        )
        figures = [f for k, f in enumerate(figures) if f.measure is not None and k not in dropped]
        if not figures:
            return []  # (what follows reads and ties only these figures)
        compared = mark_compared(lex, figures, parser, boundary)
        respectively_arms(lex, figures, parser, compared, sm)
        unmarked_list_arms(lex, figures, parser, sm, compared)  # ("6 and 3 in the A and B arms")
        note_arms(figures, parser, ctx, sm, compared)
        # (once the arms are known: treatment delivered to subjects of no named arm)
        delivered = lex.conduct.delivered(figures, parser.text, parser.low)
        antecedent_denominators(figures, parser.toks, lex.antecedent_words)  # ("of whom")
        out: list[OutcomeFigure] = []
        for k, f in enumerate(figures):
            if k in delivered:
                continue
            if f.measure == ENDPOINT:
                f.measure = "other"  # (a prevention trial's end point: no event, `other`)
            # ("In four patients ... at baseline. Two of these normalized": 2 of 4)
            last = ctx.last_counted
            pool = den_context
            if pool is None and f.those and last is not None and (f.count or 0) <= last:
                pool = last
            fig = resolve_figure(base, sent_idx, f, parser, ctx, sm, pool)
            if fig is not None:
                out.append(fig)
        return out

    # -- serialization ----------------------------------------------------------------------
    def to_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> None:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        with (path / CUES_FILE).open("w", encoding="utf8") as fh:
            for rule in self.cues:
                obj: dict[str, Any] = {"measure": rule.measure, "pattern": rule.pattern}
                if rule.priority != 1:
                    obj["priority"] = rule.priority
                if rule.id is not None:
                    obj["id"] = rule.id
                if rule.comment is not None:
                    obj["comment"] = rule.comment
                if rule.not_after:
                    obj["not_after"] = sorted(rule.not_after)
                if rule.with_measures:
                    obj["with_measures"] = sorted(rule.with_measures)
                fh.write(json.dumps(obj, ensure_ascii=False) + "\n")
        (path / LEXICON_FILE).write_text(
            json.dumps(self.lexicon.data, ensure_ascii=False, indent=1) + "\n", encoding="utf8"
        )

    def from_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> OutcomeExtractor:
        path = Path(path)
        self.set_rules(load_cues(path / CUES_FILE), load_lexicon(path / LEXICON_FILE))
        return self
