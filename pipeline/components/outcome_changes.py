"""What a change word or an event verb says of a figure, for `outcome_measures.assign_measures`.

A weak cue that only says which way something moved ("decreased", "lower") or that something
happened ("occurred") gives its figure the measure of what moved or happened, named before it
in its clause (`what_changed`). Each looks at the figure's scored cues only.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pipeline.components.outcome_grammar import SentenceParser
from pipeline.components.outcome_lexicon import Lexicon
from pipeline.components.outcome_prevention import ENDPOINT
from pipeline.components.outcome_rules import NOT_OUTCOME
from pipeline.components.outcome_tokens import Cue

if TYPE_CHECKING:
    from pipeline.components.outcome_cue_distances import Distances


def says_how_it_changed(lex: Lexicon, c: Cue, parser: SentenceParser) -> bool:
    """A weak `other` cue that only says which way something moved ("decreased", "lower"), or
    a weak adverse-event cue that only says something happened, with the event as its subject
    ("occurred"; not "developed", whose subject is who had it), also one that now names a
    prevention trial's end point (`ENDPOINT`: "Recurrence of breast cancer occurred in 12
    women" is a relapse)."""
    if c.priority != 0:
        return False
    word = parser.toks[c.ts].lower
    if c.measure in ("adverse_event", ENDPOINT):
        return word in lex.intransitive_event_verbs
    return c.measure == "other" and word in lex.change_cue_words


def what_changed(
    lex: Lexicon, scored: list[tuple[float, Cue]], change: Cue, dist: Distances,
    parser: SentenceParser,
) -> tuple[float, Cue] | None:  # fmt: skip
    """ "nausea in the first 24 h was decreased from 42% to 27%", "The incidence of venous
    discomfort was lower in group L (76.6%)", "Clinical remission (CDAI <= 2.8) occurred in 22
    of 87 patients": the best-scoring cue (within max_score) of another outcome measure before
    the change word or event verb in its clause (no boundary between) names what changed or
    happened, and the figure is of that measure; not a DISEASE mention alone ("Tumour size
    decreased by 50%" stays `other`) nor a verb that only says an event happened (an
    `event_verb_cues` entry: "AZT-induced anemia ..., increased reticulocytes (to 4.9%)").
    `scored`: the figure's allowed cues and scores. A DISEASE mention or another cue of the
    word's measure between a cue and the word is the word's subject, unless it is the cue's
    object ("Among patients in remission, diarrhea occurred in 12%"; but "Relapse of psoriasis
    occurred in 10%")."""
    best: tuple[float, Cue] | None = None
    subjects = _subjects(lex, scored, change, parser)
    for score, c in scored:
        if (
            c.measure in ("other", "enrollment", NOT_OUTCOME)
            or c.named
            or parser.toks[c.ts].lower in lex.event_verb_cues
            or c.te > change.ts
            or score > lex.scores.max_score
            or dist.between(c.te, change.ts)[1]
            or any(s >= c.te and not _object_of(lex, parser, c.te, s) for s in subjects)
        ):
            continue
        if best is None or score < best[0]:
            best = (score, c)
    return best


def event_with_subject(
    lex: Lexicon, scored: list[tuple[float, Cue]], best: tuple[float, Cue], ts: int,
    parser: SentenceParser,
) -> tuple[float, Cue]:  # fmt: skip
    """ "Among responders, grade 3 neutropenia occurred in 12%", "Complete responses were
    durable, and hypothyroidism occurred in 9%": an intransitive event verb between the best
    cue and the figure (at token ts), with its own subject between them (`_subjects`), says
    what the figure counts; the cue before is another clause's. That verb's cue, or `best`."""
    cue = best[1]
    if cue.te > ts or cue.measure in ("adverse_event", ENDPOINT):
        return best
    for score, v in scored:
        if (
            cue.te <= v.ts
            and v.te <= ts
            and v.measure in ("adverse_event", ENDPOINT)
            and says_how_it_changed(lex, v, parser)
            and any(
                s >= cue.te and not _object_of(lex, parser, cue.te, s)
                for s in _subjects(lex, scored, v, parser)
            )
        ):
            return score, v
    return best


def _subjects(
    lex: Lexicon, scored: list[tuple[float, Cue]], verb: Cue, parser: SentenceParser
) -> list[int]:
    """Where the cues before a change word or event verb that may be its subject start: a
    DISEASE mention or a cue of the verb's measure, no verb of either kind."""
    verbs = lex.event_verb_cues | lex.change_cue_words
    return [
        s.ts for _, s in scored
        if (s.named or s.measure == verb.measure) and s.te <= verb.ts
        and parser.toks[s.ts].lower not in verbs
    ]  # fmt: skip


def _object_of(lex: Lexicon, parser: SentenceParser, end: int, start: int) -> bool:
    """Do only prepositions and determiners, one at least, join a cue ending at token `end` to
    a mention starting at `start` ("relapse of psoriasis")?"""
    words = lex.prepositions | lex.determiners
    return end < start and all(parser.toks[x].lower in words for x in range(end, start))
