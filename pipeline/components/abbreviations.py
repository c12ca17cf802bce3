"""`biotab_abbreviations`: scispacy's abbreviation detector, in time linear in the brackets.

Reads the Doc's tokens and `Doc._.carried_from`; writes `doc._.abbreviations` (short-form Spans
whose `._.long_form` is the long form), exactly as scispacy's `abbreviation_detector` (Schwartz &
Hearst, 2003) does.

scispacy finds its candidates with a Matcher pattern `( <any>+ )`, which yields every pair of
an opening and a later closing bracket in the document: n pairs of brackets give n^2 matches
before its filter keeps those with at most `MAX_INSIDE` tokens inside. 2,000 nested brackets
took 14 s and 1.6 GB; a 40,000-character "((((... aspirin ...))))" took all of a 24 GB machine;
a long article with many bracketed citations paid the same. `BracketPairs` yields only the
pairs that filter keeps, in the Matcher's order (by closing bracket, then the nearest opening
bracket first), so everything after the matcher (scispacy's filter, its short/long form search
and its global matcher) is scispacy's own code and gives the same abbreviations.

Long documents are annotated in chunks (`pipeline.process`), and a definition ("cutaneous lupus
erythematosus (CLE)") holds for the whole document. `CarriedDefinitions` keeps the definitions
of a document's chunks so far (the first definition of a short form, as scispacy keeps; at most
`MAX_CARRIED_DEFINITIONS`), and writes them out as text to annotate after the next chunk's
text, each after a blank line (so each is a sentence of its own) as it was written: the
chunk's short forms then take their long form's mention, label and concept (biotab_fusion) as
if the definition were in the chunk. `Doc._.carried_from` is the offset where that text starts
(None: nothing carried): `BracketPairs` yields the pairs from there on first (a definition of
an earlier chunk wins over the chunk's own, as in one Doc) and pairs no bracket of the chunk
with one of the carried text.
"""

from __future__ import annotations

import itertools
from bisect import bisect_left
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NamedTuple

import srsly
from scispacy.abbreviation import AbbreviationDetector
from spacy.language import Language
from spacy.tokens import Doc, Span

from pipeline.extensions import doc_text, span_reader  # (registers Doc._.carried_from)

#: scispacy's `filter_matches` keeps a bracket pair with at most this many tokens inside.
MAX_INSIDE = 8
#: A global-matcher pattern no token can match (tokens hold no inner spaces).
NEVER_MATCHES = "biotab never matches"
SETTINGS_FILE = "abbreviations.json"
#: Most definitions carried from a document's earlier chunks to its later ones (the first ones).
MAX_CARRIED_DEFINITIONS = 1000
#: Longest definition carried, in characters ("Cutaneous lupus erythematosus (CLE)" is 35).
MAX_DEFINITION_CHARS = 200
#: What comes before each carried definition: a blank line always ends a sentence.
SEPARATOR = "\n\n"
# a carried definition holds no bracket but its own pair, so no pair of brackets crosses two
_BRACKETS = frozenset("()[]")
# the brackets biotab_fusion reads a definition in
_CLOSING = {"(": ")", "[": "]"}


class BracketPairs:
    """Stands in for scispacy's `( <any>+ )` Matcher: (match id, start, end) of the bracket
    pairs with 1 to `MAX_INSIDE` tokens inside, not opening the document, in the Matcher's
    order; those in the text from `Doc._.carried_from` on come first (module docstring)."""

    def __init__(self, match_id: int) -> None:
        self.match_id = match_id

    def __call__(self, doc: Doc) -> list[tuple[int, int, int]]:
        opens: list[int] = []
        matches: list[tuple[int, int, int]] = []
        carried: list[tuple[int, int, int]] = []
        out = matches
        carried_from = doc._.carried_from
        for i, token in enumerate(doc):
            if carried_from is not None and token.idx >= carried_from:
                # the carried definitions' pairs come first, and close no bracket before them
                opens, out, carried_from = [], carried, None
            text = token.text
            if text == "(":
                opens.append(i)
            elif text == ")" and opens:
                # scispacy drops a pair opening the document (its inside would start at 1)
                lowest = max(i - MAX_INSIDE - 1, 1)
                first = bisect_left(opens, lowest)
                out.extend((self.match_id, start, i + 1)
                           for start in reversed(opens[first:]) if start < i - 1)
        return carried + matches


class BoundedAbbreviationDetector(AbbreviationDetector):
    """scispacy's detector with `BracketPairs` as its candidate matcher (module docstring)."""

    def __init__(self, nlp: Language, name: str, *, make_serializable: bool = False) -> None:
        super().__init__(nlp, name=name, make_serializable=make_serializable)
        self.name = name
        self.matcher = BracketPairs(nlp.vocab.strings.add("parenthesis"))
        # scispacy runs its global matcher on every doc, also without abbreviations, and spaCy
        # then warns (W036) that it has no patterns, in every worker: a pattern no token can
        # match keeps it quiet without a warnings filter
        self.global_matcher.add(NEVER_MATCHES, [[{"ORTH": NEVER_MATCHES}]])

    def to_disk(self, path: str | Path, *, exclude: Any = ()) -> None:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        srsly.write_json(path / SETTINGS_FILE, {"make_serializable": self.make_serializable})

    def from_disk(self, path: str | Path, *,
                  exclude: Any = ()) -> BoundedAbbreviationDetector:
        file = Path(path) / SETTINGS_FILE
        cfg = srsly.read_json(file)
        if not isinstance(cfg, dict) or set(cfg) != {"make_serializable"} or not isinstance(
                cfg["make_serializable"], bool):
            raise ValueError(f"{file}: expected an object {{\"make_serializable\": true|false}}")
        self.make_serializable = cfg["make_serializable"]
        return self


def _scispacy_definitions(doc: Doc) -> Iterator[tuple[str, int, int, int, int]]:
    """(short form, long form's start and end, definition's first token, closing bracket) of
    each long form in `doc._.abbreviations`, in its order (token offsets): "long ( short )",
    and "short ( ... long )" from the short form on."""
    groups: dict[tuple[int, int], tuple[str, dict[int, int]]] = {}
    # (none in a pipeline without scispacy's detector, which registers the attribute: a long
    # document's chunks failed in one)
    for short in doc._.abbreviations if Doc.has_extension("abbreviations") else ():
        if isinstance(short, Span):
            long_form = short._.long_form
            key, text, bounds = (long_form.start, long_form.end), short.text, (short.start,
                                                                              short.end)
        else:  # make_serializable: scispacy's dict of texts and token offsets
            key, text = (short["long_start"], short["long_end"]), short["short_text"]
            bounds = (short["short_start"], short["short_end"])
        groups.setdefault(key, (text, {}))[1].setdefault(*bounds)
    for (long_start, long_end), (text, shorts) in groups.items():
        inside_end = shorts.get(long_end + 1)
        if inside_end is not None and doc[long_end].text == "(" and inside_end < len(doc):
            if doc[inside_end].text == ")":
                yield text, long_start, long_end, long_start, inside_end
            continue
        # the short form is the token before the bracket the long form is in
        opened = [k + 1 for k in shorts if k + 2 <= long_start and doc[k + 1].text == "("]
        if opened and long_end < len(doc) and doc[long_end].text == ")":
            yield text, long_start, long_end, max(opened) - 1, long_end


def _fusion_definitions(
    doc: Doc, abbreviations: list[Span], owners: dict[int, int]
) -> Iterator[tuple[str, int, int, int, int]]:
    """The same for the definitions only biotab_fusion found: a mention, a bracket, a short
    form mention whose `._.long_form_text` is that mention, the closing bracket."""
    read = span_reader(("long_form_text",))
    for short in abbreviations:
        s, e = short.start, short.end
        if s < 2 or e >= len(doc) or _CLOSING.get(doc[s - 1].text) != doc[e].text:
            continue
        owner = owners.get(s - 1)
        if owner is not None and doc[owner : s - 1].text == read(short)[0]:
            yield short.text, owner, s - 1, owner, e


class Definition(NamedTuple):
    """An abbreviation's definition: its short and long form, and the text that defines it."""

    short: str
    long: str
    written: str


def definitions(doc: Doc) -> Iterator[Definition]:
    """Each definition an annotated Doc holds:
    scispacy's (`doc._.abbreviations`), then the ones only biotab_fusion found (mentions with
    `Span._.is_abbreviation` whose short form scispacy has not). A definition is the Doc's text
    from its first form to its closing bracket, and from the start of the mention its long
    form ends with where that starts earlier ("22 - oxacalcitriol ( OCT )" for scispacy's
    "oxacalcitriol"): the words that made that mention (the model reads context)."""
    text = doc_text(doc)
    read = span_reader(("is_abbreviation",))
    abbreviations, owners = [], {}
    for ent in doc.ents:
        if read(ent)[0]:
            abbreviations.append(ent)
        else:
            owners[ent.end] = ent.start
    seen: set[str] = set()
    found = itertools.chain(_scispacy_definitions(doc),
                            _fusion_definitions(doc, abbreviations, owners))
    for short, long_start, long_end, first, close in found:
        if short in seen:
            continue
        seen.add(short)
        first = min(first, owners.get(long_end, first))
        yield Definition(short, doc[long_start:long_end].text,
                         text[doc[first].idx : doc[close].idx + len(doc[close])])


class CarriedDefinitions:
    """The abbreviation definitions of a long document's chunks so far, for its later chunks
    (module docstring).

    `add` reads an annotated chunk's definitions (`definitions`): the first definition of each
    short form is kept, up to `max_definitions`, each at most `MAX_DEFINITION_CHARS` long and
    with no bracket but its own pair. `text` writes out those a chunk can use, each after
    `SEPARATOR`, to be annotated after that chunk's text with `Doc._.carried_from` set to where
    it starts.
    """

    def __init__(self, max_definitions: int = MAX_CARRIED_DEFINITIONS) -> None:
        self.max_definitions = max_definitions
        self.kept: dict[str, Definition] = {}  # by short form

    def add(self, doc: Doc) -> None:
        for definition in definitions(doc):
            if len(self.kept) >= self.max_definitions:
                return
            written = definition.written
            if definition.short in self.kept or len(written) > MAX_DEFINITION_CHARS:
                continue
            if sum(ch in _BRACKETS for ch in written) == 2:
                self.kept[definition.short] = definition

    def text(self, chunk: str, max_chars: int) -> str:
        """The definitions whose short or long form is in `chunk`'s text, each after
        `SEPARATOR`, as many of the first as fit in `max_chars` characters.

        The others change nothing in the chunk but its time (scispacy's matcher and
        biotab_fusion take time for each definition): a short form takes its definition where
        it occurs, and a long form already defined defines no other short form.
        """
        out: list[str] = []
        size = 0
        for short, long, written in self.kept.values():
            if short not in chunk and long not in chunk:
                continue
            size += len(SEPARATOR) + len(written)
            if size > max_chars:
                break
            out.append(SEPARATOR + written)
        return "".join(out)


@Language.factory(
    "biotab_abbreviations",
    assigns=["doc._.abbreviations"],
    default_config={"make_serializable": False},
)
def make_abbreviations(nlp: Language, name: str, *,
                       make_serializable: bool) -> BoundedAbbreviationDetector:
    return BoundedAbbreviationDetector(nlp, name, make_serializable=make_serializable)
