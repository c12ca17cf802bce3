"""`biotab_assertion`: is a mention stated as absent, hypothetical or uncertain? (ConText)

Reads: `doc.ents` (mentions), sentence boundaries and sentence `Span._.language` (sentences that
are not English are skipped; their mentions keep the defaults). Writes on every mention:
`Span._.negated`, `._.hypothetical`, `._.uncertain` (bool) and `._.assertion_cue` (the text of the
cue behind the strongest flag, NEGATED > HYPOTHETICAL > UNCERTAIN, or None).

What the flags mean to a user: `negated`, the text says the thing is absent (a finding not found;
a drug not given, or whose use no evidence or mention supports); `hypothetical`, it is a condition
or a possible future event ("if", "risk of", "would"); `uncertain`, its presence is hedged, or for
a drug its effect or usefulness is ("may be useful", "appears to be efficacious", "whether it
can"). A disease the sentence takes as given keeps no flag from a hedge about something else: the
patients' own disease ("patients with X", "X patients") and what is treated or worsens ("treat X",
"worsening of X").

The rules are data, `pipeline/rules/context_rules.jsonl`, one per line, validated on load:

- `literal` (a phrase, matched on lower-cased tokens) or `pattern` (a spaCy Matcher pattern);
- `category`: NEGATED, HYPOTHETICAL, UNCERTAIN, PRESUPPOSED (the mentions in its scope are taken
  as given: they get none of the flags in its `applies_to`, default all three, from any cue),
  PSEUDO (looks like a cue but is not: "no increase in", "not only") or TERMINATE ("but",
  "however", "which", ";");
- `direction`: forward, backward or bidirectional (for the modifier and PRESUPPOSED categories);
- `max_scope`: how many tokens the cue reaches (default: the component's `max_scope`);
- for TERMINATE rules only: `applies_to` (the categories whose scopes it ends; default all) and
  `after_mention` (true: it ends a forward scope only after a mention, e.g. "was", "were");
- `after` (a Matcher pattern) and `after_within` (tokens, default `max_scope`): the rule matches
  only when `after` matches that close before it in its sentence ("but no" is PSEUDO after
  "improvement in": "some improvement in the skin condition, but no alopecia");
- `after_clause` (true): `after` must match inside the rule's own clause, after the last comma,
  semicolon or colon before the rule (the comma that closes a sentence's opening clause is its
  first: "Although the patient had no symptoms, salbutamol was prescribed");
- `after_list` (lower-case words, with `after_clause`): a list that ends right before the rule
  (its last item holds one of the words: "and", "or") does not end the rule's clause at its
  commas ("Since she had no fever, cough or rash, amoxicillin was stopped");
- `followed_by` (a Matcher pattern) and `followed_within` (tokens, default `max_scope`): the rule
  matches only when `followed_by` starts that close after it in its sentence, with no
  after_mention verb before it ("no evidence that X can be used", not "... that X caused Y");
- `followed_before` (lower-case words): `followed_by` must match before the first of these
  words after the rule (with [",", "and", "or"]: "..., salbutamol was prescribed", not "no
  fever, cough or rash was seen");
- `elliptical` (true): the rule matches only when no after_mention verb follows it before the next
  comma, semicolon, colon or the sentence end ("but no alopecia, and thus ...", not "but no rash
  occurred");
- `labels` (not PSEUDO, TERMINATE): the mention labels the rule flags or, PRESUPPOSED, shields
  (default all; "may be effective" flags the DRUG, not the disease it is for);
- `negatable` (PRESUPPOSED only, true): a negation of the cue's own phrase reaches its mentions
  (see below);
- `comment`: free text.

Within each sentence the cues are matched, overlapping matches resolved (the longest wins, so "no
increase" beats "no"; rules matching the same tokens all count), and cues inside a mention dropped.
A cue's scope runs from the cue in its direction up to `max_scope` tokens, the sentence edge, a
TERMINATE cue, or a cue of another category (PSEUDO included, PRESUPPOSED not), whichever comes
first. A mention overlapping a cue's scope gets the cue's flag unless a PRESUPPOSED scope shields
it; a NEGATED cue whose forward scope holds a `negatable` PRESUPPOSED cue itself, no TERMINATE cue
between, is not shielded against ("No patients with asthma were enrolled" negates asthma; "No
worsening of MS" does not negate MS). Hence "Neither polyneuropathy nor thrombosis was observed"
negates both, "no other adverse reactions including conjunctivitis, blepharitis, oral herpes,
keratitis" negates all four but not "minimal xerophthalmia" before "no", "There is no direct
evidence ... that suggests Aldara can be used in patients with multiple sclerosis" negates Aldara
but not the multiple sclerosis, and "this drug may be useful in patients with extensive active
eczema" flags no eczema.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import srsly
from spacy.attrs import IDX, LENGTH, ORTH
from spacy.errors import MatchPatternError
from spacy.language import Language
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc, Span

from pipeline.components.assertion_match import AfterPatterns, DocArrays, fixed_phrases
from pipeline.components.assertion_rules import (
    DEFAULT_RULES,
    MODIFIERS,
    PRESUPPOSED,
    RULES_FILE,
    ContextRule,
    load_context_rules,
    parse_rule,
    pattern_error,
)
from pipeline.components.cue_gate import CueGate, CuePatternError, MatcherPattern
from pipeline.extensions import doc_text, span_writer  # (the import registers the attributes)

__all__ = [
    "DEFAULT_MAX_SCOPE", "DEFAULT_RULES", "ContextAssertion", "ContextRule", "Cue",
    "load_context_rules", "make_assertion", "parse_rule",
]  # fmt: skip  (the rule schema lives in assertion_rules; its names are read from here too)

# how many tokens a cue reaches when its rule sets no max_scope of its own
DEFAULT_MAX_SCOPE = 10

_FLAG = {"NEGATED": "negated", "HYPOTHETICAL": "hypothetical", "UNCERTAIN": "uncertain"}
_CLAUSE_ENDS = (",", ";", ":")  # punctuation that ends a clause (`elliptical`, `after_clause`)
_LIST_ITEM = 8  # the most tokens of a list's item, between its commas (`after_list`)


@dataclass(frozen=True)
class Cue:
    start: int
    end: int
    rule: ContextRule
    text: str


class ContextAssertion:
    """Sets negated / hypothetical / uncertain / assertion_cue on mentions (module docstring)."""

    def __init__(
        self,
        nlp: Language,
        name: str,
        *,
        rules_path: str | None = None,
        max_scope: int = DEFAULT_MAX_SCOPE,
        labels: list[str] | None = None,
        skip_non_english: bool = True,
    ) -> None:
        self.nlp = nlp
        self.name = name
        if max_scope < 1:
            raise ValueError(f"biotab_assertion: max_scope is {max_scope}: expected an int >= 1")
        self.max_scope = max_scope
        self.target_labels = set(labels) if labels else None
        self.skip_non_english = skip_non_english
        path = Path(rules_path) if rules_path else DEFAULT_RULES
        self.set_rules(load_context_rules(path), where=str(path))

    def set_rules(self, rules: list[ContextRule], where: str = "rules") -> None:
        """Install rules and rebuild the matchers (bad patterns raise a ValueError)."""
        self.rules = list(rules)
        self._phrases = PhraseMatcher(self.nlp.vocab, attr="LOWER")
        self._before = Matcher(self.nlp.vocab, validate=True)  # the rules' `after` contexts
        self._next = Matcher(self.nlp.vocab, validate=True)  # their `followed_by` contexts
        # `pattern` rules of fixed words are phrases (`fixed_phrases`), the others go to the gate
        self._fixed = PhraseMatcher(self.nlp.vocab, attr="LOWER")
        patterned = []
        for i, r in enumerate(self.rules):
            words = None if r.pattern is None else fixed_phrases(r.pattern)
            if words is not None:
                phrases = [Doc(self.nlp.vocab, words=list(w)) for w in words]
                self._fixed.add(f"context_rule_{i}", phrases)
            elif r.pattern is not None:
                patterned.append((i, r.pattern))
        # the `pattern` rules go to the gate (gate rule index -> match key)
        self._gate_keys = [self.nlp.vocab.strings.add(f"context_rule_{i}") for i, _ in patterned]
        try:
            self._gate = CueGate(self.nlp, [MatcherPattern(p) for _, p in patterned], validate=True)
        except CuePatternError as exc:
            i = patterned[exc.index][0]
            where_i = f"{where}: rule {i + 1}"
            raise pattern_error(where_i, self.rules[i], "pattern", exc.cause) from exc.cause
        for i, rule in enumerate(self.rules):
            key, at = f"context_rule_{i}", f"{where}: rule {i + 1}"
            if rule.literal is not None:
                self._phrases.add(key, [self.nlp.make_doc(rule.literal)])
            if rule.after is not None:
                self._add(self._before, key, rule.after, at, rule, "after")
            if rule.followed_by is not None:
                self._add(self._next, key, rule.followed_by, at, rule, "followed_by")
        self._rule_of = {
            self.nlp.vocab.strings.add(f"context_rule_{i}"): r for i, r in enumerate(self.rules)
        }
        # the one-token forward PRESUPPOSED rules with labels (`cues` may leave them out)
        self._idle_keys = {
            k for k, r in self._rule_of.items() if r.category == PRESUPPOSED
            and r.labels is not None and r.direction == "forward" and r.pattern is not None
            and len(r.pattern) == 1
        }  # fmt: skip
        add = self.nlp.vocab.strings.add
        self._clause_ends = frozenset(add(p) for p in _CLAUSE_ENDS)
        self._before_words = {
            k: frozenset(add(w) for w in r.followed_before)
            for k, r in self._rule_of.items() if r.followed_before is not None
        }  # fmt: skip
        self._list_words = {
            k: frozenset(add(w) for w in r.after_list)
            for k, r in self._rule_of.items() if r.after_list is not None
        }  # fmt: skip
        self._after = AfterPatterns(self.nlp, self._before, {
            k: r.after for k, r in self._rule_of.items() if r.after is not None
        })  # fmt: skip
        self._followed = AfterPatterns(self.nlp, self._next, {
            k: r.followed_by for k, r in self._rule_of.items() if r.followed_by is not None
        })  # fmt: skip

    @staticmethod
    def _add(
        matcher: Matcher,
        key: str,
        pattern: tuple[Any, ...] | None,
        where: str,
        rule: ContextRule,
        name: str,
    ) -> None:
        """Add the rule's pattern (`name` is its key) to `matcher`; RuleError if it is bad."""
        try:
            matcher.add(key, [list(pattern or ())])
        except (MatchPatternError, ValueError) as exc:
            raise pattern_error(where, rule, name, exc) from exc

    def _after_holds(
        self, start: int, key: int, rule: ContextRule, arrays: DocArrays, verbs: list[int]
    ) -> bool:
        """The rule's `after` pattern matches within `after_within` tokens before `start`, in
        the same sentence (and, `after_clause`, after its last clause punctuation, a list's
        commas passed over with `after_list`: `_after_clause_start`)."""
        lo = max(0, start - (rule.after_within or self.max_scope), arrays.sentence_start(start))
        if rule.after_clause:
            lo = self._after_clause_start(key, lo, start, arrays, verbs)
        return lo < start and self._after.holds(arrays, key, lo, start)

    def _after_clause_start(
        self, key: int, lo: int, start: int, arrays: DocArrays, verbs: list[int]
    ) -> int:
        """Where the clause of a rule at `start` begins, not before `lo`: after the last comma,
        semicolon or colon before it. With the rule's `after_list` words, a list that ends
        right before the rule is passed over: when the tokens after that last mark hold one of
        the words ("cough or rash"), the commas before it that part items of at most
        `_LIST_ITEM` tokens with no after_mention verb (`verbs`, sorted) end no clause ("Since
        she had no fever, cough or rash, amoxicillin was stopped": the clause opens at "Since")."""
        mark = arrays.last_mark(self._clause_ends, lo, start)
        if mark is None:
            return lo
        words = self._list_words.get(key)
        if words is None or arrays.first_mark(words, mark + 1, start) is None:
            return mark + 1
        end = start
        while mark is not None and arrays.doc[mark].text == "," and end - mark - 1 <= _LIST_ITEM:
            k = bisect.bisect_right(verbs, mark)
            if k < len(verbs) and verbs[k] < end:
                break  # (a verb between the commas: a clause, not an item)
            end = mark
            mark = arrays.last_mark(self._clause_ends, lo, end)
        return lo if mark is None else mark + 1

    def _holds(
        self, doc: Doc, start: int, end: int, key: int, rule: ContextRule, verbs: list[int],
        arrays: DocArrays,
    ) -> bool:
        """The rule's conditions on its context hold for a match at [start, end): `after`,
        `followed_by` (matching within `followed_within` tokens after it, no verb before the
        match; before the first `followed_before` word) and `elliptical` (no
        verb from the cue to the clause's end). `verbs` are the starts of the after_mention
        TERMINATE matches ("was", "occurred" ...), sorted."""
        if rule.after is not None and not self._after_holds(start, key, rule, arrays, verbs):
            return False
        if rule.followed_by is None and not rule.elliptical:
            return True
        stop = arrays.next_sentence_start(end)
        if rule.elliptical:
            clause_end = next((i for i in range(end, stop) if doc[i].text in _CLAUSE_ENDS), stop)
            if any(end <= v < clause_end for v in verbs):
                return False
        if rule.followed_by is not None:
            within = rule.followed_within or self.max_scope
            first_verb = next((v for v in verbs if v >= end), len(doc))
            before = self._before_words.get(key)
            if before is not None:
                mark = arrays.first_mark(before, end, stop)
                stop = stop if mark is None else mark
            hi = min(end + within, first_verb + 1)
            return self._followed.starts(arrays, key, end, hi, stop)
        return True

    def _pattern_matches(self, doc: Doc) -> list[tuple[int, int, int]]:
        """(match key, start, end) of the `pattern` rules' matches over the doc: the fixed
        phrases' first, then the gate's (`CueGate`)."""
        if not len(doc):
            return []
        orth: list[int] = doc.to_array(ORTH).tolist()
        keys = self._gate_keys
        return [
            *((k, s, e) for k, s, e in self._fixed(doc)),
            *((keys[k], s, e) for k, s, e in self._gate.matches(doc, orth, 0, len(doc))),
        ]

    # ------------------------------------------------------------------------------ matching
    def cues(self, doc: Doc, ents: Sequence[Span] | None = None) -> list[Cue]:
        """All cue matches in the doc, overlaps resolved (longest, then leftmost; ties all kept).
        Given the doc's mentions, the one-token PRESUPPOSED cues with `labels` no such mention
        follows within their reach are left out: they would shield nothing, and a one-token
        cue takes no match from another ("with", "to" and "of" are frequent)."""
        raw = [*self._phrases(doc), *self._pattern_matches(doc)]
        rule_of = self._rule_of
        verbs = sorted(s for m, s, _ in raw if rule_of[m].after_mention)
        if ents is not None:
            starts = {label: [e.start for e in ents if e.label_ == label] for label in
                      {e.label_ for e in ents}}  # fmt: skip
            idle = self._idle_keys
            raw = [(m, s, e) for m, s, e in raw
                   if m not in idle or not self._idle(rule_of[m], s, e, starts)]  # fmt: skip
        arrays = DocArrays(doc)
        found = sorted(
            (
                (s, e, rule) for m, s, e in raw
                if self._holds(doc, s, e, m, rule := rule_of[m], verbs, arrays)
            ),
            key=lambda t: (-(t[1] - t[0]), t[0]),
        )  # fmt: skip
        taken = [False] * len(doc)
        cues: list[Cue] = []
        if found:
            # a token range's text is the doc text between its ends (what doc[a:b].text joins)
            text = doc_text(doc)
            offsets = doc.to_array([IDX, LENGTH])
            idx: list[int] = offsets[:, 0].tolist()
            ends: list[int] = (offsets[:, 0] + offsets[:, 1]).tolist()
        kept: set[tuple[int, int]] = set()  # ("with" is two PRESUPPOSED rules' one-token cue)
        for start, end, rule in found:
            if (start, end) in kept or not any(taken[start:end]):
                taken[start:end] = [True] * (end - start)
                kept.add((start, end))
                cue_text = text[idx[start] : ends[end - 1]] if end > start else ""
                cues.append(Cue(start, end, rule, cue_text))
        return sorted(cues, key=lambda c: c.start)

    def _idle(self, rule: ContextRule, start: int, end: int, starts: dict[str, list[int]]) -> bool:
        """A one-token forward PRESUPPOSED rule (`_idle_keys`) with no mention of its `labels`
        starting within its reach after it (`starts`: the mentions' starts by label, sorted)."""
        if rule.labels is None or end - start != 1:
            return False
        hi = end + (rule.max_scope or self.max_scope)
        for label in rule.labels:
            at = starts.get(label, [])
            k = bisect.bisect_left(at, end)
            if k < len(at) and at[k] < hi:
                return False
        return True

    def scope(
        self, cue: Cue, sent: Span, cues: list[Cue], ents: list[Span] | None = None
    ) -> list[tuple[int, int]]:
        """Token ranges [start, end) the cue reaches within its sentence.

        A scope ends at `max_scope` tokens, the sentence edge, a TERMINATE cue that applies to
        the cue's category, or a cue of another category. An `after_mention` terminator ("was",
        "were" ...) ends a forward scope only once a mention has been passed: "no thrombosis was
        recorded in patients receiving lenalidomide" negates thrombosis alone, while "no patient
        had neutropenia" still negates neutropenia.
        """
        category = cue.rule.category
        reach = cue.rule.max_scope or self.max_scope
        ents = ents or []
        # a PRESUPPOSED cue marks the mentions after it, it does not end another cue's scope
        stoppers = [
            c for c in cues if c is not cue and (
                c.rule.stops(category) if c.rule.category == "TERMINATE"
                else c.rule.category not in (category, PRESUPPOSED)
            )
        ]  # fmt: skip
        ranges = []
        if cue.rule.direction in ("forward", "bidirectional"):
            end = min(sent.end, cue.end + reach)
            for c in stoppers:
                if not cue.end <= c.start < end:
                    continue
                if c.rule.after_mention and not any(
                    cue.end <= e.start and e.end <= c.start for e in ents
                ):
                    continue
                end = c.start
            ranges.append((cue.end, end))
        if cue.rule.direction in ("backward", "bidirectional"):
            start = max(sent.start, cue.start - reach)
            for c in stoppers:
                if start < c.end <= cue.start and not c.rule.after_mention:
                    start = c.end
            start = self._clause_start(sent, start, cue.start, stoppers)
            ranges.append((start, cue.start))
        return ranges

    @staticmethod
    def _clause_start(sent: Span, start: int, end: int, stoppers: list[Cue]) -> int:
        """A backward scope stops at a comma that closes a clause: "Although rash was frequent,
        hepatotoxicity and nephrotoxicity were not observed" (a verb before the comma), while a
        list ("Hepatotoxicity, nephrotoxicity and ototoxicity were not observed") runs on."""
        verbs = [c.start for c in stoppers if c.rule.after_mention and start <= c.start < end]
        if not verbs:
            return start
        doc = sent.doc
        for i in range(end - 1, start - 1, -1):
            if doc[i].text in (",", ":") and any(v < i for v in verbs):
                return i + 1
        return start

    def __call__(self, doc: Doc) -> Doc:
        all_ents = doc.ents  # builds every Span: read once
        ents = [e for e in all_ents if self.target_labels is None or e.label_ in self.target_labels]
        reset = span_writer(("negated", "hypothetical", "uncertain", "assertion_cue"))
        for ent in ents:
            reset(ent, (False, False, False, None))
        if not ents:
            return doc
        in_mention = bytearray(len(doc))
        for e in all_ents:
            in_mention[e.start : e.end] = b"\x01" * (e.end - e.start)
        # cues inside a mention are no cues
        all_cues = [c for c in self.cues(doc, all_ents) if not any(in_mention[c.start : c.end])]
        sents = list(doc.sents) if doc.has_annotation("SENT_START") else [doc[:]]
        # (mentions and cues by start, both sorted: a sentence's are found by bisect, so a
        # document of thousands of one-line sentences costs linear time)
        ent_starts = [e.start for e in ents]
        cue_starts = [c.start for c in all_cues]
        for sent in sents:
            s_start, s_end = sent.start, sent.end
            lo, hi = bisect.bisect_left(ent_starts, s_start), bisect.bisect_left(ent_starts, s_end)
            if lo == hi:
                continue
            if self.skip_non_english and sent._.language not in (None, "en"):
                continue
            cues = all_cues[bisect.bisect_left(cue_starts, s_start) :
                            bisect.bisect_left(cue_starts, s_end)]  # fmt: skip
            self._assert(sent, ents[lo:hi], [c for c in cues if c.end <= s_end])
        return doc

    @staticmethod
    def _negates_phrase(
        cue: Cue, shield: Cue, scope_end: int, cues: list[Cue], ents: list[Span]
    ) -> bool:
        """The negation `cue` governs the `negatable` PRESUPPOSED `shield` cue's own phrase ("No
        patients with asthma were enrolled", "no MS patients"): the shield lies in its forward
        scope, or right where that scope ends, with no TERMINATE cue (a preposition, a verb)
        between them, and no mention follows the clause's verb, so the shield does not block it.
        "No adverse events were reported in patients with asthma" and "No patients with lupus
        developed nephritis" (the negation is of the nephritis: the lupus is there) keep the
        shield. A scope that ends right at the shield is about the shield's phrase alone ("non-"
        reaches one token: "non-diabetic patients were given metformin" negates "diabetic")."""
        if not (
            shield.rule.negatable
            and cue.rule.category == "NEGATED"
            and cue.end <= shield.start <= scope_end
        ):
            return False
        if any(c.rule.category == "TERMINATE" and cue.end <= c.start < shield.start for c in cues):
            return False
        if shield.start == scope_end:
            return True
        verb = next((c for c in cues if c.rule.after_mention and c.start > shield.start), None)
        return verb is None or not any(e.start >= verb.end for e in ents)

    def _assert(self, sent: Span, ents: list[Span], cues: list[Cue]) -> None:
        shielded: dict[int, list[Cue]] = {}  # mention index -> the PRESUPPOSED cues over it
        for cue in cues:
            if cue.rule.category == PRESUPPOSED:
                for lo, hi in self.scope(cue, sent, cues, ents):
                    for k, ent in enumerate(ents):
                        if ent.start < hi and lo < ent.end and cue.rule.flags(ent.label_):
                            shielded.setdefault(k, []).append(cue)
        # (a mention the subjects' own phrase holds is no mention passed for an after_mention
        # verb: "No patients with lupus developed nephritis", "No patient receiving tamoxifen
        # developed endometrial cancer" negate what was developed)
        passed = [e for k, e in enumerate(ents) if k not in shielded]
        hits: dict[int, list[tuple[int, int, Cue]]] = {}
        for cue in cues:
            if cue.rule.category not in MODIFIERS:
                continue
            for lo, hi in self.scope(cue, sent, cues, passed):
                for k, ent in enumerate(ents):
                    if not cue.rule.flags(ent.label_) or any(
                        cue.rule.category in s.rule.shields()
                        and not self._negates_phrase(cue, s, hi, cues, ents)
                        for s in shielded.get(k, ())
                    ):
                        continue
                    if ent.start < hi and lo < ent.end:
                        distance = (
                            ent.start - cue.end if ent.start >= cue.end else cue.start - ent.end
                        )
                        priority = MODIFIERS.index(cue.rule.category)
                        hits.setdefault(k, []).append((priority, distance, cue))
        for k, found in hits.items():
            ent = ents[k]
            for _, _, cue in found:
                setattr(ent._, _FLAG[cue.rule.category], True)
            ent._.assertion_cue = min(found, key=lambda h: (h[0], h[1]))[2].text

    # ---------------------------------------------------------------------------- to/from disk
    def to_disk(self, path: str | Path, *, exclude: Any = ()) -> None:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        srsly.write_jsonl(path / RULES_FILE, [r.to_json() for r in self.rules])
        labels = sorted(self.target_labels) if self.target_labels else None
        settings = {
            "max_scope": self.max_scope,
            "labels": labels,
            "skip_non_english": self.skip_non_english,
        }
        srsly.write_json(path / "assertion.json", settings)

    def from_disk(self, path: str | Path, *, exclude: Any = ()) -> ContextAssertion:
        path = Path(path)
        self.set_rules(load_context_rules(path / RULES_FILE), where=str(path / RULES_FILE))
        settings = path / "assertion.json"
        if settings.exists():
            cfg = srsly.read_json(settings)
            self.max_scope = int(cfg["max_scope"])
            self.target_labels = set(cfg["labels"]) if cfg["labels"] else None
            self.skip_non_english = bool(cfg["skip_non_english"])
        return self


@Language.factory(
    "biotab_assertion",
    assigns=["span._.negated", "span._.hypothetical", "span._.uncertain",
             "span._.assertion_cue"],
    requires=["doc.ents", "token.is_sent_start", "span._.language"],
    default_config={
        "rules_path": None,
        "max_scope": DEFAULT_MAX_SCOPE,
        "labels": None,
        "skip_non_english": True,
    },
)
def make_assertion(
    nlp: Language,
    name: str,
    *,
    rules_path: str | None,
    max_scope: int,
    labels: list[str] | None,
    skip_non_english: bool,
) -> ContextAssertion:
    return ContextAssertion(
        nlp,
        name,
        rules_path=rules_path,
        max_scope=max_scope,
        labels=labels,
        skip_non_english=skip_non_english,
    )
