"""`biotab_abbreviations`: scispacy's abbreviation detector, in time linear in the brackets.

Reads the Doc's tokens; writes `doc._.abbreviations` (short-form Spans whose `._.long_form` is
the long form), exactly as scispacy's `abbreviation_detector` (Schwartz & Hearst, 2003) does.

scispacy finds its candidates with a Matcher pattern `( <any>+ )`, which yields every pair of
an opening and a later closing bracket in the document: n pairs of brackets give n^2 matches
before its filter keeps those with at most `MAX_INSIDE` tokens inside. 2,000 nested brackets
took 14 s and 1.6 GB; a 40,000-character "((((... aspirin ...))))" took all of a 24 GB machine;
a long article with many bracketed citations paid the same. `BracketPairs` yields only the
pairs that filter keeps, in the Matcher's order (by closing bracket, then the nearest opening
bracket first), so everything after the matcher (scispacy's filter, its short/long form search
and its global matcher) is scispacy's own code and gives the same abbreviations.
"""

from __future__ import annotations

from bisect import bisect_left
from pathlib import Path
from typing import Any

import srsly
from scispacy.abbreviation import AbbreviationDetector
from spacy.language import Language
from spacy.tokens import Doc

#: scispacy's `filter_matches` keeps a bracket pair with at most this many tokens inside.
MAX_INSIDE = 8
#: A global-matcher pattern no token can match (tokens hold no inner spaces).
NEVER_MATCHES = "biotab never matches"
SETTINGS_FILE = "abbreviations.json"


class BracketPairs:
    """Stands in for scispacy's `( <any>+ )` Matcher: (match id, start, end) of the bracket
    pairs with 1 to `MAX_INSIDE` tokens inside, not opening the document, in the Matcher's
    order."""

    def __init__(self, match_id: int) -> None:
        self.match_id = match_id

    def __call__(self, doc: Doc) -> list[tuple[int, int, int]]:
        opens: list[int] = []
        matches: list[tuple[int, int, int]] = []
        for i, token in enumerate(doc):
            text = token.text
            if text == "(":
                opens.append(i)
            elif text == ")" and opens:
                # scispacy drops a pair opening the document (its inside would start at 1)
                lowest = max(i - MAX_INSIDE - 1, 1)
                first = bisect_left(opens, lowest)
                matches.extend((self.match_id, start, i + 1)
                               for start in reversed(opens[first:]) if start < i - 1)
        return matches


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


@Language.factory(
    "biotab_abbreviations",
    assigns=["doc._.abbreviations"],
    default_config={"make_serializable": False},
)
def make_abbreviations(nlp: Language, name: str, *,
                       make_serializable: bool) -> BoundedAbbreviationDetector:
    return BoundedAbbreviationDetector(nlp, name, make_serializable=make_serializable)
