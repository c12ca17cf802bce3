"""Numbers that are pieces of a decimal or of a thousands number, not figures of their own
(`decimal_pieces`, `thousands_pieces`).

Some abstracts (older MEDLINE records; NCBI-disease's text throughout) write a space after a
decimal point: "a frequency of 0. 12%", "(34. 5%)", "4. 5% +/-1", "P =. 006". The grammar reads
such a decimal as two numbers, and a sentence splitter may even cut it after the point ("...
were 0. 63 and 0." and "57, respectively."), so each piece became a row of its own, with a
wrong value: 0% and 12% for 0.12%, a count of 57. These pieces give no row:

- the part after the point: a number without a denominator, a percentage or a count that names
  no subjects, right after a number of at most three digits, a point and one space, read in
  the document's text (the split may be a sentence boundary). A sentence that opens with a
  count of subjects after one that ends with a number ("... was 12. 5 patients died") is rare
  and keeps its row;
- the part before the point: a bare number of at most three digits whose text is followed by a
  point, one space and digits that end in a percent sign ("4. 5%"), or that is "0" ("0. 63");
- digits written with a leading zero ("006" of "P =. 006", "05", "0066%"): a decimal's digits
  after its point, never a count or a share.

Text tokenized for a corpus and joined by spaces (IOB or CoNLL files a user converts) writes
a space on both sides of the point: "( 34 . 6 % versus 31 . 9 % )", "1 . 3 + / - 0 . 3". Within a
sentence `TOKEN_RE` reads such a decimal as one number; where the sentence splitter cut after
its point, these pieces give no row:

- the part after the point: a percentage, or any number after "0 . ", or (as above) a number
  without a denominator or subjects; a count of subjects after another integer keeps its row
  ("... in 12 . 5 patients died");
- the part before the point: a bare number of at most three digits followed by " . ", digits
  and no word but "per cent" (" . 6 %", " . 3 + / -"), or "0" followed by " . " and digits.

The same records write a space after a thousands separator ("included 3, 580 unrelated
individuals", "a group of 16, 219 controls", "110, 000 daltons compared with 140, 000
daltons"; tokenized text "41 , 904 women"), so that "3" and "219 controls" became rows with
wrong values (`thousands_pieces`):

- the part before the comma: a bare number of one to three digits followed by ", " and three
  digits that end the number ("3, 580", "140, 000");
- the part after it: a number of three digits right after such a number and ", ";
- neither where the three digits are a share ("Of these 45, 100% responded");

both only where neither number goes on a list or a range ("50, 100, 150 and 200 mg", "(0, 250,
500 or 625 mg/kg)", "On days 1-5, 120 patients": another number before the first's comma or
after the second, past a comma, "and", "or", "to" or a dash) and the first is no label ("In
study 1, 150 patients ...": a word of `labels` right before it), except for a group "000",
which no list holds ("110, 000").

Where a pair passes these tests before the grammar reads the sentence, it is one number
(`merge_thousands`: "41 , 904 women" is a count of 41,904 women, "16, 219 controls" of 16,219),
and `thousands_pieces` finds no piece of it; the first number must not start with "0" ("P = 0 ,
001" is no thousand).

Each test reads a few characters around the figure: constant work a figure; the regexes
run only where a point and a space stand right before or after it.
"""

from __future__ import annotations

import bisect
import re

from pipeline.components.outcome_lexicon_attach import alt_spaced as _alt
from pipeline.components.outcome_tokens import Figure, Tok

# the integer part and the point right before a figure: "0. ", "4 . " (no word, point or comma
# before the digits: not "ref. 3", "1,2. 3" nor "v1. 2")
_INTEGER_BEFORE = re.compile(r"(?<![\w.,])\d{1,3} ?\. \Z")
# the integer part and a point with a space on both sides, right before a figure: "34 . " (a
# decimal of text tokenized for a corpus and joined by spaces, "34 . 6 %", that the sentence
# splitter cut after its point; within a sentence `TOKEN_RE` reads it as one number)
_SPACED_INTEGER_BEFORE = re.compile(r"(?<![\w.,])(\d{1,3}) \. \Z")
# a point with a space on both sides and the digits after it, right after a figure: " . 6"
# (not a run of points, "1 . 2 . 3"), then no word but "per cent" (" . 6 %", " . 3 + / -", " .
# 62 ,"): digits a word follows may be a count that opens a sentence ("in 12 . 5 patients
# died"), unless the integer is 0 (`_SPACED_ZERO_AFTER`)
_SPACED_FRACTION_AFTER = re.compile(
    r" \. \d+(?!\d| \. \d)(?! ?(?!per ?cent\b)[^\W\d_])", re.IGNORECASE
)
_SPACED_ZERO_AFTER = re.compile(r" \. \d+(?!\d| \. \d)")
# the point, one space and the digits of a percentage right after a figure: ". 5%", ". 5 per cent"
_FRACTION_PERCENT_AFTER = re.compile(r"\. \d+ ?(?:%|per ?cent\b)", re.IGNORECASE)
_FRACTION_AFTER = re.compile(r"\. \d")
_BARE_INTEGER = re.compile(r"\d{1,3}")
# how many characters before a figure the integer part and its point may take
_BEFORE = 7


# a thousands group after a number, written with a space after the comma: ", 580" (three
# digits that end the number; no share: "Of these 45, 100% responded")
_GROUP_AFTER = re.compile(r" ?, (\d{3})(?![\d.,·]\d|\d|\s*%)")
_PERCENT_AFTER = re.compile(r"\s*%")
# a number of one to three digits, then ", " right before a figure: "21, " (its start is
# checked to be the number's)
_HEAD_BEFORE = re.compile(r"(?<![\d.,])(\d{1,3}) ?, \Z")
# (tokenized text joined by spaces writes the comma between two: "1 , 203 patients")
_COMMA_AFTER = (", ", " , ")
_LAST_WORD = re.compile(r"([^\W\d_]+)\W*\Z")


class ThousandsRules:
    """What `thousands_pieces` reads from the lexicon: the lower-case words after which a
    number is a label (`labels`: "study 1, 150 patients"), and the regexes of a list's or
    range's number after or before a pair, from the words that join numbers (a comma and a
    dash join them too)."""

    def __init__(self, labels: frozenset[str], joiners: frozenset[str]) -> None:
        self.labels = labels
        words = _alt(joiners)
        # a list's next number: ", 150", " and 200", ", or 625", " to 300", "-300"
        self.list_after = re.compile(
            rf"\s*(?:,\s*(?:(?:{words})\s+)?|(?:{words})\s+|[-–]\s*)\d", re.IGNORECASE
        )
        # a list's or range's number before: "50, ", "0 and ", "1-" or "18 to " right before
        # the first number ("On days 1-5, 120 patients": the range's end, then a count), read
        # in the `before_chars` characters before it
        self.list_before = re.compile(rf"\d\s*(?:,|{words}|[-–])\s*\Z", re.IGNORECASE)
        self.before_chars = max(map(len, joiners), default=0) + 6


def thousands_pieces(figures: list[Figure], toks: list[Tok], text: str,
                     rules: ThousandsRules) -> set[int]:  # fmt: skip
    """Indices of the figures that are a piece of a number written with a space after its
    thousands separator (see the module's docstring)."""
    out: set[int] = set()
    for k, f in enumerate(figures):
        tok = toks[f.ts]
        if tok.num is None or tok.word_num or tok.decimals or "," in tok.text:
            continue
        start, end = tok.start, tok.end
        # (a comma and a space after the number, or before it: a substring test first)
        if text.startswith(_COMMA_AFTER, end) and len(tok.text) <= 3:
            m = _GROUP_AFTER.match(text, end)
            if m and (m.group(1) == "000" or _lone_pair(text, start, m.end(), rules)):
                out.add(k)  # "<3>, 580 unrelated individuals"
        elif (text[max(0, start - 2) : start] == ", " and len(tok.text) == 3
              and not _PERCENT_AFTER.match(text, end)):  # fmt: skip
            m = _HEAD_BEFORE.search(text, max(0, start - 7), start)
            if m and (tok.text == "000" or _lone_pair(text, m.start(1), end, rules)):
                out.add(k)  # "16, <219 controls>"
    return out


# a number of one to three digits (no leading zero), a comma with a space after it (and one
# before it or none) and a group of three digits that ends the number (`_GROUP_AFTER`)
_THOUSANDS_PAIR = re.compile(r"(?<![\w.,])[1-9]\d{0,2} ?, \d{3}(?![\d.,·]\d|\d|\s*%)")
# what every such pair holds: searched first, as `re` finds a pattern that opens with a literal
# fast (the pair's pattern, which opens with a look-behind, is tried at every position: the
# search of it alone took 12 ms on the 4,663 sentences of 500 abstracts, this one 1 ms)
_GROUP_HINT = re.compile(r", \d\d\d")


def merge_thousands(text: str, toks: list[Tok], rules: ThousandsRules) -> list[Tok]:
    """The light tokens with each number written with a space after its thousands comma
    ("41 , 904", "3, 580") merged into one number token, where `thousands_pieces` would take
    its two numbers for pieces of one (see the module's docstring); `toks` itself when the
    text holds none."""
    if _GROUP_HINT.search(text) is None:
        return toks
    pairs = [
        m.span() for m in _THOUSANDS_PAIR.finditer(text)
        if text.endswith("000", 0, m.end()) or _lone_pair(text, m.start(), m.end(), rules)
    ]
    if not pairs:
        return toks
    starts = [t.start for t in toks]
    out = toks[:]
    # (from the last: the indices of the pairs before stay right)
    for start, end in reversed(pairs):
        i = bisect.bisect_left(starts, start)
        if i + 2 >= len(toks) or toks[i].start != start or toks[i + 2].end != end:
            continue  # (a token TOKEN_RE made otherwise: no pair of plain numbers)
        head, comma, group = toks[i : i + 3]
        if head.num is None or group.num is None or comma.text != "," or head.decimals:
            continue
        piece = text[start:end]
        out[i : i + 3] = [Tok(piece, piece, start, end, head.num * 1000 + group.num)]
    return out


def _lone_pair(text: str, start: int, end: int, rules: ThousandsRules) -> bool:
    """Whether the two numbers at text[start:end] ("3, 580") are on no list and the first is
    no label."""
    if rules.list_after.match(text, end) or rules.list_before.search(
        text, max(0, start - rules.before_chars), start
    ):
        return False
    word = _LAST_WORD.search(text, max(0, start - 30), start)
    return word is None or word.group(1).lower() not in rules.labels


def _leading_zero(tok: Tok) -> bool:
    """ "006", "05": digits with a leading zero (not "0", "0.5" nor "0·5")."""
    s = tok.text
    return (
        tok.num is not None and not tok.word_num and len(s) > 1 and s[0] == "0" and s[1].isdigit()
    )


def decimal_pieces(figures: list[Figure], toks: list[Tok], text: str, doc_text: str,
                   base: int) -> set[int]:  # fmt: skip
    """Indices of the figures that are a piece of a decimal written with a space after its
    point, or digits with a leading zero. `text`: the sentence's text, `base`: where it starts
    in `doc_text`."""
    out: set[int] = set()
    for k, f in enumerate(figures):
        tok = toks[f.ts]
        if tok.num is None or tok.word_num:
            continue
        if _leading_zero(tok):
            out.add(k)
            continue
        # (each regex needs a point and one space right before or after the figure: a
        # substring test first, as most figures have neither)
        at = base + f.start
        if doc_text[max(0, at - 3) : at] == " . " and _spaced_piece(f, doc_text, at):
            out.add(k)  # "34 . <6 %>", "29 . <6 % ( 8 / 27 )>", "0 . <50 dB between subjects>"
            continue
        if f.den is not None or (f.has_pop and f.pct is None):
            continue  # "5 patients died", "5 of 12": subjects of their own
        if doc_text[max(0, at - 2) : at] == ". " and _INTEGER_BEFORE.search(
            doc_text, max(0, at - _BEFORE), at
        ):
            out.add(k)  # "0. <12%>", "0. <57>, respectively"
            continue
        end = base + f.end
        if doc_text.startswith(" . ", end):
            after = _SPACED_ZERO_AFTER if text[f.start : f.end] == "0" else _SPACED_FRACTION_AFTER
            if _BARE_INTEGER.fullmatch(text, f.start, f.end) and after.match(doc_text, end):
                out.add(k)  # "<34> . 6 %", "<0> . 62 (", cut after the point
            continue
        if not doc_text.startswith(". ", end) or not _BARE_INTEGER.fullmatch(text, f.start, f.end):
            continue
        if _FRACTION_PERCENT_AFTER.match(doc_text, end) or (
            text[f.start : f.end] == "0" and _FRACTION_AFTER.match(doc_text, end)
        ):
            out.add(k)  # "<4>. 5%", "<0>. 63"
    return out


def _spaced_piece(f: Figure, doc_text: str, at: int) -> bool:
    """Whether the figure at doc_text[at:] is the part after the point of a decimal written
    with a space on both sides of it, cut there by the sentence splitter ("34 . | 6 %"): a
    percentage (a percentage that opens a sentence after one that ends with a number is
    rare), or any number after "0 . " (no sentence ends with a count of "0"); a count of
    subjects after another integer keeps its row ("... was 12 . 5 patients died")."""
    m = _SPACED_INTEGER_BEFORE.search(doc_text, max(0, at - 7), at)
    return m is not None and (f.pct is not None or m.group(1) == "0")
