"""The outcomes lexicon for documents of plain ASCII text (`ascii_lexicon`): the same `Lexicon`,
its regexes compiled in ASCII mode. `biotab_outcomes` reads a document with it when
`ascii_safe(text)` holds (most abstracts), with the `Lexicon` itself otherwise.

On such a text every regex finds what its Unicode-mode compile finds: the two modes differ only
in what `\\w`, `\\d`, `\\s`, `\\b` and a case-insensitive match make of characters outside ASCII,
and in `\\s`, which in Unicode mode also takes the information separators U+001C-U+001F (a text
with one is not ASCII-safe). A case-insensitive regex whose pattern holds a character outside
ASCII keeps its Unicode compile: in Unicode mode such a character may match an ASCII letter ("ſ"
matches "s", the Kelvin sign "k", "İ" and "ı" "i"). So does one case-insensitive only in a
group ("(?i:...)", which the regex's flags do not show) and one that writes such a character as
an escape ("\\u017f", "\\N{KELVIN SIGN}": its pattern is ASCII text). ASCII mode is faster
(character classes and case are table look-ups, not Unicode database calls): about 3% of the
component's time on BC5CDR abstracts.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from pipeline.components.outcome_lexicon import Lexicon

# What `\s` matches in Unicode mode, not in ASCII mode, among the ASCII characters (looked for
# one by one, `ascii_safe`: four substring tests cost a fraction of a regex's character-class
# scan over a whole document).
_SEPARATORS = ("\x1c", "\x1d", "\x1e", "\x1f")
# An inline case-insensitive flag, for the whole pattern or a group: "(?i)", "(?i:", "(?ai-m:"
_INLINE_IGNORECASE = re.compile(r"\(\?[aLmsux]*i[aiLmsux]*(?:-[imsx]+)?[:)]")
# An escape that may write a character outside ASCII ("\u017f", "\U0001d400", "\N{...}"; a
# "\x" escape or an octal one stops at U+00FF, and no such character matches an ASCII one)
_WIDE_ESCAPE = re.compile(r"\\[uUN]")


def ascii_safe(text: str) -> bool:
    """Does every regex find in the text what its ASCII-mode compile finds (`ascii_twin`)?"""
    return text.isascii() and not any(c in text for c in _SEPARATORS)


def ascii_twin(rx: re.Pattern[str]) -> re.Pattern[str]:
    """The regex compiled in ASCII mode, where that finds the same in ASCII-safe text (see the
    module's docstring); else the regex itself."""
    pattern = rx.pattern
    caseless = rx.flags & re.IGNORECASE or _INLINE_IGNORECASE.search(pattern)
    if not rx.flags & re.UNICODE or (
        caseless and (not pattern.isascii() or _WIDE_ESCAPE.search(pattern))
    ):
        return rx
    try:
        return re.compile(rx.pattern, (rx.flags & ~re.UNICODE) | re.ASCII)
    except (re.error, ValueError):
        return rx  # (an inline "(?u)" flag, which ASCII mode refuses)


def ascii_lexicon(data: dict[str, Any], negation_words: Iterable[str]) -> Lexicon:
    """A `Lexicon` of `data` whose regexes are their ASCII twins (`ascii_twin`), for the
    documents `ascii_safe` holds for: the regexes of the lexicon and of its rule objects (a
    regex another object holds keeps its Unicode compile, which finds the same)."""
    lex = Lexicon(data, negation_words)
    for holder in regex_holders(lex):
        for name, value in list(vars(holder).items()):
            if isinstance(value, re.Pattern):
                setattr(holder, name, ascii_twin(value))
    return lex


def regex_holders(lex: Lexicon) -> list[object]:
    """The lexicon and each rule object it holds that holds a regex (`scope`, `conduct`,
    `breakdowns`, ...), found from its attributes rather than listed, so that a rule object a
    later rule adds is twinned too. Each is built with the lexicon, none shared with another
    (`tests/test_outcome_ascii.py` checks): twinning one changes no other lexicon."""
    return [lex] + [
        value for value in vars(lex).values()
        if not isinstance(value, re.Pattern) and hasattr(value, "__dict__")
        and any(isinstance(v, re.Pattern) for v in vars(value).values())
    ]  # fmt: skip
