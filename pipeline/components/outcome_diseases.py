"""The disease an outcome figure is about (`outcomes.disease_*`), by its measure.

- adverse events, deaths, stops (`EVENT_MEASURES`): the condition of who was studied, never
  the row's own event;
- enrollment: the condition of who was enrolled (none for healthy subjects);
- efficacy (`EFFICACY_MEASURES`): the condition treated;
- other figures: the nearest disease, else the document's main one.

Where only the document's main disease could be given, the figure's start is noted in
`DocContext.main_tied`, so that the disease is dropped once the document shows it to be an event
(`DocContext.drop_main_events`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from pipeline.components.outcome_mentions import SentenceMentions
from pipeline.components.outcome_rules import EFFICACY_MEASURES, EVENT_MEASURES
from pipeline.components.outcome_tokens import Figure, Mention
from pipeline.labels import DISEASE

if TYPE_CHECKING:  # (outcome_context imports this module)
    from pipeline.components.outcome_context import DocContext
    from pipeline.components.outcome_lexicon import Lexicon

# between a long form and its short form's bracket: "ventricular tachycardia (VT"
_OPEN_BRACKET = re.compile(r"\s*\(\s*")


def _same(disease: Mention, events: list[Mention]) -> bool:
    """Whether one of `events` names the same disease (concept, else text) as `disease`."""
    return any(event.key == disease.key for event in events)


def _main_disease(ctx: DocContext, start: int, rejects: Callable[[Mention], bool],
                  lex: Lexicon) -> Mention | None:  # fmt: skip
    """The document's main disease as a figure's last resort, unless there is none or
    `rejects` it (the caller's test: an event of the figure or of the document, a disease a
    treatment brought about); the figure's (document) `start` is noted in `ctx.main_tied`, so
    that the disease is dropped once the document shows it to be an event."""
    main = ctx.main(DISEASE, lex)
    if main is None or rejects(main):
        return None
    ctx.main_tied.add(start)
    return main


def disease_tie(f: Figure, ctx: DocContext, sm: SentenceMentions, base: int,
                events: list[Mention]) -> Mention | None:  # fmt: skip
    """The figure's disease. An event's (adverse event, death, stop) is the condition of who was
    studied: the sentence's population disease ("patients with X"), else the document's unless
    that is its event (`events`: the event, or the events of a list it counts: "a patient with
    cisplatin-induced nephrotoxicity ... nephrotoxicity was seen in 3 of 10"), else the
    document's main disease unless that is its event or one a treatment brought about. An
    enrollment's and an efficacy figure's: `_enrolled_disease`, `_treated_disease`. Another
    figure's is the nearest disease of the sentence, else the document's main one."""
    if f.measure in EVENT_MEASURES:
        if sm.population_disease is not None:
            return sm.population_disease
        population = ctx.population_disease(sm.lex)
        if population is not None:
            return None if _same(population, events) else population
        return _main_disease(
            ctx, base + f.start,
            lambda main: ctx.induced(main, sm.lex) or _same(main, events), sm.lex,
        )
    if f.measure == "enrollment":
        return _enrolled_disease(f, ctx, sm, base)
    if f.measure in EFFICACY_MEASURES:
        return _treated_disease(f, ctx, sm, base)
    disease = sm.nearest(DISEASE, base + f.start, base + f.end)
    return disease if disease is not None else ctx.main(DISEASE, sm.lex)


def _treated_disease(f: Figure, ctx: DocContext, sm: SentenceMentions,
                     base: int) -> Mention | None:  # fmt: skip
    """An efficacy figure's disease (response, remission, relapse, survival ...), the condition
    treated: the sentence's nearest disease ("remission of psoriasis in 12 patients", "response
    of hot flashes in women with breast cancer", also one a treatment brought about: "complete
    response of chemotherapy-induced emesis") unless it is an event of an earlier row
    ("complete remission ... erythema nodosum" after a row of that event), else the sentence's
    population disease, the document's main disease unless it is such an event ("complete
    response" in a trial of chemotherapy-induced emesis: the emesis), else the document's
    population disease."""
    lex = sm.lex
    near = sm.nearest(DISEASE, base + f.start, base + f.end)
    if near is not None and near.key not in ctx.event_keys:
        return near
    if sm.population_disease is not None:
        return sm.population_disease
    main = _main_disease(ctx, base + f.start, lambda main: main.key in ctx.event_keys, lex)
    return main if main is not None else ctx.population_disease(lex)


def _enrolled_disease(f: Figure, ctx: DocContext, sm: SentenceMentions,
                      base: int) -> Mention | None:  # fmt: skip
    """An enrollment figure's disease, the condition of who was studied: one in the figure's
    own words ("14 spontaneously hypertensive rats", "40 normal pressure hydrocephalus
    patients") or one its phrase names ("two patients with a long history of epilepsy", "120
    otherwise healthy children with acute otitis media"); else none for healthy subjects
    ("Twelve healthy volunteers", "healthy controls (n = 25)"); else one a subgroup's size
    follows ("cardiac arrest (n = 36)", "(MDS; n = 17)"); else the sentence's population
    disease ("Patients with X were randomized ... (n = 9)"), the document's, the sentence's
    nearest disease or the document's main one, none of the last three when the document says
    a drug brought it about ("ten dogs" in a study of induced hypotension)."""
    lex = sm.lex
    start, end = base + f.start, base + f.end
    before, inside, after = sm.around(DISEASE, start, end)
    if inside is not None:
        return inside
    if after is not None and lex.subject_phrase_re.fullmatch(sm.text, f.end, after.start - base):
        return after
    if _healthy(f, sm):
        return None
    if before is not None:
        gap = lex.subgroup_gap_re.fullmatch(sm.text, before.end - base, f.start)
        if gap is not None and (gap["sep"] == "(" or f.n_form):
            return _long_form(before, sm)
    if sm.population_disease is not None:
        return sm.population_disease
    for disease in (ctx.population_disease(lex), sm.nearest(DISEASE, start, end)):
        if disease is not None and not ctx.induced(disease, lex):
            return disease
    return _main_disease(ctx, start, lambda main: ctx.induced(main, lex), lex)


def _long_form(m: Mention, sm: SentenceMentions) -> Mention:
    """The disease a short form in brackets right after it abbreviates ("ventricular
    tachycardia" for "VT" of "ventricular tachycardia (VT)"), else `m`."""
    prev = sm.around(DISEASE, m.start, m.start)[0]
    if prev is not None and prev.key == m.key and _OPEN_BRACKET.fullmatch(
        sm.text, prev.end - sm.base, m.start - sm.base
    ):
        return prev
    return m


def _healthy(f: Figure, sm: SentenceMentions) -> bool:
    """Whether an enrollment figure counts healthy subjects: a healthy word in its words
    ("Twelve healthy volunteers") or, for a group's size, in the label right before it
    ("healthy controls (n = 25)"); not one within a disease's name ("normal pressure
    hydrocephalus")."""
    lex, text = sm.lex, sm.text
    found = list(lex.healthy_re.finditer(text, f.start, f.end))
    if f.n_form:
        label = lex.healthy_label_re.search(text, max(0, f.start - 40), f.start)
        if label is not None:
            found.append(label)
    return any(sm.around(DISEASE, sm.base + m.start(), sm.base + m.start() + 1)[1] is None
               for m in found)
