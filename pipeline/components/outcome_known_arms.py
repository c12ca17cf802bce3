"""The names a document has given its arms so far, found again in a later sentence of
`biotab_outcomes`.

A reader who has been told "randomly allocated to either trolamine (128 patients) or calendula
(126 patients)", or "either ABI-007 260 mg/m(2) (n = 229) or standard paclitaxel (n = 225)",
knows from then on that "calendula" and "ABI-007" name arms, wherever they come back: "lower
(41% v 63%) with the use of calendula than with trolamine", "ABI-007 demonstrated higher
response rates compared with standard paclitaxel (33% v 19%, respectively)". Such names are
often no drug mention (a herbal cream, a code, a regimen's abbreviation: "CTZ", "DEE", "TC6"),
so the sentence's own arm names (`outcome_arm_names.arm_names`) miss them. `KnownArms` keeps
each arm's name as a figure's arm first wrote it (`note`, from `outcome_arms.note_arms`: after
the sentence's figures took their arms), without determiners and arm nouns ("the RMG group":
"RMG"), and finds those names in later sentences (`spans`), which `arm_names` reads as arms
named by their own words.

Not kept: a name of one character ("group A": its label is read with its noun), one with no
letter, a single word that names an arm only with its noun or names who was studied (a
determiner, preposition, population noun, number word, arm noun, `arm_role_words`,
`subgroup_words` or `non_arm_group_words` entry: "study", "standard", "multifocal"), or a
control arm (`control_arms`: found by its own words already). A name with a capital or a digit
("CT", "ABI-007") is matched as written; one in lower case also with its first letter a capital
(at a sentence's start). A name is matched as whole words: not "CT" in "CT-Z" nor "EC-D" in
"EC-DCb". Reads only the arm names noted; linear in the sentence.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pipeline.components.outcome_lexicon import Lexicon

Span = tuple[int, int]

#: Most words a known name may have (longer arm texts are descriptions, not names).
MAX_NAME_WORDS = 4


class KnownArms:
    """The arm names a document has written so far (one per Doc, in `DocContext`)."""

    def __init__(self) -> None:
        self._names: dict[str, None] = {}
        self._re: re.Pattern[str] | None = None

    def __bool__(self) -> bool:
        return bool(self._names)

    def note(self, lex: Lexicon, arm: str) -> None:
        """Keep the arm's name (`outcome_arms.arm_text`), without determiners and arm nouns at
        either end, unless it is no name a reader would know the arm by (the module
        docstring)."""
        words = arm.split()
        while words and (words[0].lower() in lex.determiners or words[0].lower() in lex.arm_nouns):
            words.pop(0)
        while words and words[-1].lower() in lex.arm_nouns:
            words.pop()
        if not words or len(words) > MAX_NAME_WORDS:
            return
        name = " ".join(words)
        low = name.lower()
        if len(name) < 2 or not any(c.isalpha() for c in name) or low in lex.control_arms:
            return
        if len(words) == 1 and (
            low in lex.determiners or low in lex.prepositions or low in lex.pop
            or low in lex.number_words or low in lex.arm_role_words
            or low.strip("+-") in lex.subgroup_words or low in lex.non_arm_group_words
        ):  # fmt: skip
            return
        if name not in self._names:
            self._names[name] = None
            self._re = None

    def spans(self, text: str) -> list[Span]:
        """Where the known names stand in the sentence `text`, as whole words, in order (the
        longest name at a place)."""
        if not self._names:
            return []
        if self._re is None:
            forms: set[str] = set()
            for name in self._names:
                forms.add(name)
                if name == name.lower():
                    forms.add(name[0].upper() + name[1:])
            alt = "|".join(re.escape(f) for f in sorted(forms, key=len, reverse=True))
            self._re = re.compile(rf"(?<![\w-])(?:{alt})(?![\w+]|-\w)")
        return [m.span() for m in self._re.finditer(text)]
