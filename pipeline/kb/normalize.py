"""Normalization of terms for the KB's exact look-up (`normalize_term`, `strip_salts`,
`compact_key`), shared by the KB build, the KB's look-up and the components that search it.

Word lists are data: `pipeline/rules/salt_words.txt` (salt, ester and hydrate words),
`pipeline/rules/british_spellings.tsv` (British -> American spellings) and
`pipeline/rules/greek_letters.tsv` (Greek letters and their names, `GREEK_LETTERS`, which the
cytokine key and grammar use too), checked on import with
errors naming the file, the line and what was expected. The KB's index keys are made with these
functions: changing the lists changes the keys, so rebuild the KB (`biotab kb build`) after.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType

from pipeline.paths import rule_file
from pipeline.rules import RuleError, read_tsv, read_word_list

SALT_WORDS_FILE = "salt_words.txt"
SPELLINGS_FILE = "british_spellings.tsv"
GREEK_LETTERS_FILE = "greek_letters.tsv"
_GREEK_COLUMNS = ("letter", "name")
_SPELLING_COLUMNS = ("british", "american")


def load_salt_words(path: Path | None = None) -> frozenset[str]:
    """The salt words, one lower-case word per line (RuleError naming a bad line)."""
    return frozenset(read_word_list(path or rule_file(SALT_WORDS_FILE)))


def load_spellings(path: Path | None = None) -> tuple[tuple[str, str], ...]:
    """(british, american) substring pairs in file order (RuleError naming a bad line)."""
    path = path or rule_file(SPELLINGS_FILE)
    pairs = []
    for lineno, row in read_tsv(path, _SPELLING_COLUMNS):
        british, american = row["british"], row["american"]
        if not all(c.isalpha() and c.islower() for c in (british, american)):
            raise RuleError(
                f"{path}:{lineno}: got {british!r} -> {american!r}; expected lower-case "
                "letters on both sides"
            )
        pairs.append((british, american))
    return tuple(pairs)


def load_greek_letters(path: Path | None = None) -> Mapping[str, str]:
    """Small Greek letter -> its name ("β" -> "beta"), from `greek_letters.tsv` by default;
    RuleError naming the file and line of a row that is not one small Greek letter and a
    lower-case ASCII name, or of a letter already on an earlier line."""
    path = path or rule_file(GREEK_LETTERS_FILE)
    letters: dict[str, str] = {}
    for lineno, row in read_tsv(path, _GREEK_COLUMNS):
        letter, name = row["letter"], row["name"]
        small = len(letter) == 1 and unicodedata.name(letter, "").startswith("GREEK SMALL")
        if not (small and name.isascii() and name.isalpha() and name.islower()):
            raise RuleError(
                f"{path}:{lineno}: got {letter!r} -> {name!r}; expected one small Greek letter "
                "and its name in lower-case ASCII letters"
            )
        letters[letter] = name
    if not letters:
        raise RuleError(f"{path}: no letter<TAB>name row; expected the Greek letters")
    return MappingProxyType(letters)


# Small Greek letters -> their names (capitals need none: normalize_term casefolds first).
GREEK_LETTERS = load_greek_letters()

_SPELLING = load_spellings()

# Salt / ester / hydrate words that a drug name may carry ("fingolimod hydrochloride").
SALT_WORDS = load_salt_words()

_DASHES = re.compile(r"[\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u00ad_/\\-]+")
_NON_WORD = re.compile(r"[^\w\s+.%]")
_DOT = re.compile(r"(?<!\d)\.|\.(?!\d)")
_SPACES = re.compile(r"\s+")
_TOKEN = re.compile(r"\S+")


def _strip_plural(token: str) -> str:
    if len(token) <= 3 or not token.isalpha():
        return token
    if token.endswith("ies") and len(token) > 4:
        return token[:-3] + "y"
    if token.endswith("s") and not token.endswith(("ss", "us", "is", "os", "ys", "as")):
        return token[:-1]
    return token


def normalize_term(text: str) -> str:
    """Normalize a term for exact-match lookup.

    NFKC, casefold, Greek letters to names ("IL-1β" -> "il 1 beta"), British spellings to
    American ("tumour" -> "tumor"), hyphens/dashes/slashes/underscores to spaces, punctuation other
    than +, %, and . inside numbers dropped, whitespace collapsed, and simple plurals stripped per
    word ("interleukins" -> "interleukin", "therapies" -> "therapy"). A letter/digit boundary is
    kept as written ("IL2" stays "il2", "IL-2" is "il 2"): use `compact_key` to ignore it too.
    Salt words are NOT removed here (see `strip_salts`).
    """
    s = unicodedata.normalize("NFKC", text).casefold()
    if any(ch in GREEK_LETTERS for ch in s):
        s = "".join(f" {GREEK_LETTERS[ch]} " if ch in GREEK_LETTERS else ch for ch in s)
    for old, new in _SPELLING:
        if old in s:
            s = s.replace(old, new)
    s = _DASHES.sub(" ", s)
    # Brackets, commas, quotes...: "interleukin (IL)-10" -> "interleukin il 10".
    s = _NON_WORD.sub(" ", s)
    s = _DOT.sub(" ", s)
    tokens = [_strip_plural(t) for t in _TOKEN.findall(s)]
    return _SPACES.sub(" ", " ".join(tokens)).strip()


def strip_salts(normalized: str) -> str:
    """Drop salt/hydrate words from an already-normalized term ("fingolimod hydrochloride")."""
    tokens = [t for t in normalized.split(" ") if t not in SALT_WORDS]
    return " ".join(tokens) if tokens else normalized


def compact_key(normalized: str) -> str:
    """A normalized term with spaces removed: "il 2", "il2" and "il-2" meet."""
    return normalized.replace(" ", "")


