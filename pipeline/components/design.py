"""`biotab_design`: what kind of study a document reports (randomized trial, case report, ...).

An outcomes table pooled over a corpus mixes figures of very different weight: a randomized
trial's arms, the two patients of a case report, a rat experiment, a family's mutation. This
component labels each document with one of `pipeline.labels.STUDY_DESIGNS`, so that analysts
can keep the rows they want (`documents.study_design`).

Reads: the text, sentence boundaries, `Span._.section` (the "Title" sentence, from
`biotab_sections`), `Doc._.language` (from `biotab_language`: the cues are English words, so a
document in another language is decided by its publication types alone), the rules, and what
`pipeline.process` sets before the pipeline runs: `Doc._.publication_types` (a PubMed
record's publication types, a JSONL record's `publication_types` field), `Doc._.title_given`
(a title the text does not hold: a JSONL or JSON record's title field) and
`Doc._.study_design_given` (a long document's later chunks: the first chunk's design and cue,
copied as they are, so that the whole document's outcomes are read with one design).
Writes: `Doc._.study_design` (a label, or None when no rule fires) and `Doc._.study_design_cue`
(what decided it: the matched words, or "publication type: Case Reports").

Rules (`pipeline/rules/study_design.jsonl`, one JSON object a line, validated on load; errors
name the file, line, key and what was expected) form a decision list: the first rule, in file
order, that holds decides. Two kinds:

- `publication_type`: `design` and `types`, the PubMed publication types that make it (exact
  names: "Randomized Controlled Trial", "Case Reports");
- `cue`: `design`, `zone` and `regex`, written in lower case and matched in the lower-cased
  zone: the rule holds when the regex matches in the zone at least `min_matches` times
  (default 1; distinct matched words count) and, when `unless` is given, that regex matches
  nowhere in the zone. Zones: `title` (the "Title" sentence among the first
  `TITLE_SENTENCES`, else the title given, else the first sentence when it stands on a line of
  its own, as PubMed's titles do, else nothing: a paragraph's first sentence is no title),
  `opening` (the first `OPENING_SENTENCES` sentences after the title), `text` (the document's
  first `TEXT_CHARS` characters: an abstract and more; the cues of a long article's design are
  in its opening part). A pattern may name a word list of `pipeline/rules` as `<<name>>`
  (`<<animal_words>>`, `<<genetics_words>>`: one fact, one file), replaced on load by its terms.

A cue starts and ends on the document's token boundaries (`ZoneTokens`): a match that starts
with a digit inside a token counts nothing ("6 signalling in 12 patients", from inside "IL-6",
is no count of people; the regex's next match is tried), any other is widened to the tokens it
touches ("x-chromosomal" for "chromosomal", "rats were randomly" for "rats were random": a regex
may stop at a word's stem or start after a hyphen). A title given (not in the text) is
tokenized for this on its own.

Time is linear in the text and bounded: each rule is one regex pass over its zone, at most
once (a match that counts nothing, off the tokens, goes on from its next character; the
patterns' repeats are bounded: tests/test_design_tokens.py times it). (Lower-cased text and
patterns: `re.IGNORECASE` made the same passes 2-4x slower.)
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import srsly
from spacy.language import Language
from spacy.tokens import Doc, Span

from pipeline.extensions import doc_text  # (the import registers the attributes)
from pipeline.labels import STUDY_DESIGNS
from pipeline.paths import rule_file
from pipeline.rules import RuleError, compile_regex, read_kinded_rules, read_term_list

RULES_FILE = "study_design.jsonl"
ZONES = ("title", "opening", "text")
#: the sentences after the title that make the `opening` zone
OPENING_SENTENCES = 3
#: the sentences the title is looked for in (metadata lines may come first)
TITLE_SENTENCES = 8
#: the characters of the `text` zone
TEXT_CHARS = 20_000
# what of a pattern is no literal text (escapes: "\\A", "\\W", "\\\\"; group names), and an
# upper-case letter in the rest, which never matches the lower-cased zones
_NOT_LITERAL = re.compile(r"\\.|\(\?P<\w+>|\(\?P=\w+\)")
_UPPER = re.compile(r"[A-Z]")
#: a word list named in a pattern, `<<genetics_words>>`: the terms of
#: `pipeline/rules/genetics_words.txt` as an alternation
_LIST_REF = re.compile(r"<<(\w+)>>")
#: the languages whose cues the rules are written in (publication types count in any language)
CUE_LANGUAGES = frozenset({"en"})
KINDS: dict[str, dict[str, Any]] = {
    "publication_type": {"required": {"design": str, "types": list}, "optional": {}},
    "cue": {"required": {"design": str, "zone": str, "regex": str},
            "optional": {"min_matches": int, "unless": str}},
}  # fmt: skip


def expand_lists(pattern: str, where: str, key: str) -> str:
    """`pattern` with each `<<name>>` replaced by the terms of `pipeline/rules/<name>.txt` as a
    non-capturing alternation (longest first; inner hyphens and spaces as written); RuleError
    naming the rule, key and list when the list is missing or damaged."""

    def terms(m: re.Match[str]) -> str:
        path = rule_file(f"{m.group(1)}.txt")
        if not path.is_file():
            raise RuleError(f"{where}: key {key!r} names the word list {m.group()!r}; expected "
                            f"a file {path.name} in {path.parent}")
        try:
            words = read_term_list(path, hyphens=True)
        except RuleError as exc:
            raise RuleError(f"{where}: key {key!r}, word list {m.group()!r}: {exc}") from exc
        # (letters, spaces and inner hyphens only, as read_term_list checks: nothing to escape)
        return "(?:" + "|".join(sorted(words, key=len, reverse=True)) + ")"

    return _LIST_REF.sub(terms, pattern)


def load_design_rules(path: Path | None = None) -> list[dict[str, Any]]:
    """Read and validate the rules (module docstring)."""
    path = path or rule_file(RULES_FILE)
    rules = []
    for where, obj in read_kinded_rules(path, KINDS,
                                        choices={"design": STUDY_DESIGNS, "zone": ZONES}):
        if obj["kind"] == "publication_type" and not (
                obj["types"] and all(isinstance(t, str) and t.strip() for t in obj["types"])):
            raise RuleError(f"{where}: key 'types' must be a non-empty list of publication "
                            "type names (strings)")
        for key in ("regex", "unless"):
            if key in obj:
                obj = {**obj, key: expand_lists(obj[key], where, key)}
                compile_regex(obj, key, where=where, nonempty=True)
                literal = _NOT_LITERAL.sub("", obj[key])
                if (upper := _UPPER.search(literal)) is not None:
                    raise RuleError(f"{where}: key {key!r} holds the upper-case {upper.group()!r}"
                                    "; expected lower case (it is matched in lower-cased text)")
        if obj.get("min_matches", 1) < 1:
            raise RuleError(f"{where}: key 'min_matches' is {obj['min_matches']}, expected >= 1")
        rules.append(obj)
    if not rules:
        raise RuleError(f"{path}: no rules")
    return rules


@dataclass(frozen=True)
class ZoneTokens:
    """The tokens a zone's text lies on: `doc`'s text from character `start` on is the zone's
    (before lower-casing, which must keep its length)."""

    doc: Doc
    start: int

    def cue(self, match: re.Match[str]) -> str | None:
        """The cue `match` (in the zone's text) makes, widened to the tokens it touches (its
        blanks at either end left out): "x-chromosomal" for "chromosomal", "rats were
        randomly" for "rats were random" (a regex may stop at a word's stem). None when it
        starts with a digit inside a token: a number in a name or a fraction ("6 signalling in
        12 patients" in "IL-6 signalling ...", "4 patients" in "3/4 patients") counts nothing."""
        text, zone = match.group(), match.string
        begin = match.start() + len(text) - len(text.lstrip())
        end = match.end() - len(text) + len(text.rstrip())
        if begin >= end:
            return text
        span = self.doc.char_span(self.start + begin, self.start + end, alignment_mode="expand")
        if span is None:  # (offsets off the Doc's tokens: the match as it is)
            return text
        first = span.start_char - self.start
        if first < begin and zone[begin].isdigit():
            return None
        last = min(span.end_char - self.start, len(zone))
        return zone[min(first, match.start()):max(last, match.end())]


def _cues(regex: re.Pattern[str], text: str, tokens: ZoneTokens | None
          ) -> Iterator[tuple[str, str]]:
    """(the words matched, the cue shown) of the matches of `regex` in `text`; the cue is on
    `tokens` (`ZoneTokens.cue`; every match as it is when None). After a match that counts
    nothing the search goes on from its second character, not its end: "12 patients" lies
    inside "6 signalling in 12 patients"."""
    if tokens is None:
        yield from ((m.group(), m.group()) for m in regex.finditer(text))
        return
    pos = 0
    while (m := regex.search(text, pos)) is not None:
        cue = tokens.cue(m)
        if cue is not None:
            yield m.group(), cue
            pos = max(m.end(), m.start() + 1)
        else:
            pos = m.start() + 1


@dataclass(frozen=True)
class _Rule:
    design: str
    types: frozenset[str] = frozenset()
    zone: str = ""
    regex: re.Pattern[str] | None = None
    min_matches: int = 1
    unless: re.Pattern[str] | None = None

    def cue(self, zones: dict[str, str], publication_types: tuple[str, ...],
            tokens: dict[str, ZoneTokens | None] | None = None) -> str | None:
        """What makes the rule hold in a document (None: it does not); `tokens`: each zone's
        tokens, which a cue must start and end on (`ZoneTokens.cue`; none given: any match
        counts as it is)."""
        if self.regex is None:
            types = [t for t in publication_types if t in self.types]
            return f"publication type: {types[0]}" if types else None
        text = zones[self.zone]
        cues = _cues(self.regex, text, (tokens or {}).get(self.zone))
        if self.min_matches == 1:
            cue = next((shown for _words, shown in cues), None)
        else:
            # distinct by the words matched, not by the cue widened to its tokens:
            # "heterozygous" and "compound-heterozygous" are one word of genetics
            seen: dict[str, str] = {}
            for words, shown in cues:
                seen.setdefault(words, shown)
                if len(seen) >= self.min_matches:
                    break
            cue = "; ".join(seen.values()) if len(seen) >= self.min_matches else None
        if cue is None or (self.unless is not None and self.unless.search(text)):
            return None
        return cue


_NO_ZONES = {"title": "", "opening": "", "text": ""}


def _own_line(text: str, sent: Span) -> bool:
    """Does the sentence stand on a line of its own (a line break, or the text's end, after
    it)?"""
    own = text[sent.start_char:sent.end_char]
    return ("\n" in own[len(own.rstrip()):]  # (a line break may end the sentence's tokens)
            or text[sent.end_char:].lstrip(" \t")[:1] in ("\n", ""))


def _zone_parts(doc: Doc) -> dict[str, tuple[str, int | None]]:
    """Each zone's text as written and where it starts in the Doc's text (None: a title given,
    not in the text)."""
    text = doc_text(doc)
    if not len(doc):
        return {zone: ("", 0) for zone in _NO_ZONES}
    sents = (list(itertools.islice(doc.sents, TITLE_SENTENCES + OPENING_SENTENCES))
             if doc.has_annotation("SENT_START") else [doc[:]])
    title = next((s for s in sents[:TITLE_SENTENCES] if s._.section == "Title"), None)
    if title is None and not doc._.title_given and _own_line(text, sents[0]):
        title = sents[0]  # a first line that ends in a full stop, as PubMed's titles do
    opening = [s for s in sents if title is None or s.start >= title.end][:OPENING_SENTENCES]
    return {
        "title": ((text[title.start_char:title.end_char], title.start_char) if title is not None
                  else (doc._.title_given or "", None)),
        "opening": ((text[opening[0].start_char:opening[-1].end_char], opening[0].start_char)
                    if opening else ("", 0)),
        "text": (text[:TEXT_CHARS], 0),
    }


class StudyDesign:
    """Labels the kind of study a document reports (module docstring)."""

    def __init__(self, nlp: Language, name: str, *, rules_path: str | None = None) -> None:
        self.name = name
        self.tokenizer = nlp.tokenizer  # (a title given, which the Doc does not hold)
        self._set_rules(load_design_rules(Path(rules_path) if rules_path else None))

    def _set_rules(self, rules: list[dict[str, Any]]) -> None:
        self.rules = rules
        self._compiled = [
            _Rule(r["design"], frozenset(r["types"])) if r["kind"] == "publication_type"
            else _Rule(r["design"], zone=r["zone"], regex=re.compile(r["regex"]),
                       min_matches=r.get("min_matches", 1),
                       unless=re.compile(r["unless"]) if "unless" in r else None)
            for r in rules
        ]

    def decide(self, zones: dict[str, str], publication_types: tuple[str, ...] = (),
               tokens: dict[str, ZoneTokens | None] | None = None,
               ) -> tuple[str | None, str | None]:
        """The design and its cue from the first rule that holds; (None, None) when none.
        `tokens`: each zone's tokens, which a cue must start and end on (`ZoneTokens`)."""
        for rule in self._compiled:
            cue = rule.cue(zones, publication_types, tokens)
            if cue is not None:
                return rule.design, cue
        return None, None

    def __call__(self, doc: Doc) -> Doc:
        given = doc._.study_design_given
        if given is not None:  # a later chunk of a long document: the first chunk's design
            doc._.study_design, doc._.study_design_cue = given
            return doc
        types = tuple(doc._.publication_types or ())
        # the cues are English words: other languages are decided by publication types alone
        english = doc._.language in CUE_LANGUAGES | {None}
        if not english:
            doc._.study_design, doc._.study_design_cue = self.decide(_NO_ZONES, types)
            return doc
        parts = _zone_parts(doc)
        zones = {zone: text.lower() for zone, (text, _) in parts.items()}
        tokens = {zone: self._zone_tokens(doc, text, start) for zone, (text, start)
                  in parts.items()}
        doc._.study_design, doc._.study_design_cue = self.decide(zones, types, tokens)
        return doc

    def _zone_tokens(self, doc: Doc, text: str, start: int | None) -> ZoneTokens | None:
        """The tokens of a zone (`text`, at `start` in the Doc's text, None: not in it); None
        when lower-casing changed the text's length (offsets would not point at the same
        characters: any match counts there, as before)."""
        if len(text.lower()) != len(text):
            return None
        if start is None:  # a title given: tokenized on its own
            return ZoneTokens(self.tokenizer(text), 0)
        return ZoneTokens(doc, start)

    def to_disk(self, path: str | Path, *, exclude: Any = ()) -> None:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        srsly.write_jsonl(path / RULES_FILE, self.rules)

    def from_disk(self, path: str | Path, *, exclude: Any = ()) -> StudyDesign:
        """The rules saved by `to_disk`."""
        self._set_rules(load_design_rules(Path(path) / RULES_FILE))
        return self


@Language.factory(
    "biotab_design",
    default_config={"rules_path": None},
    assigns=["doc._.study_design", "doc._.study_design_cue"],
    requires=["token.is_sent_start", "span._.section", "doc._.language"],
)
def make_design(nlp: Language, name: str, *, rules_path: str | None) -> StudyDesign:
    return StudyDesign(nlp, name, rules_path=rules_path)
