"""biotab's tokenizer: scispacy's rules, then hyphen and slash compounds split where a name ends.

scispacy's `combined_rule_tokenizer` keeps "isoproterenol-induced", "aspirin/clopidogrel" and
"(+)-propranolol" as one token, so no token-exact mention "isoproterenol" is possible there.
`BiotabTokenizer` runs scispacy's tokenizer and splits such a token (the separator becomes a token
of its own, the pieces are tokenized again) where

0. it ends with a hyphen ("diazepam- and cocaine-induced");
1. it starts with a stereo descriptor ("(+)-", "(-)-", "(R)-" ...);
2. the right-hand word is a modifier ("-induced", "-treated", "-free", or a word with a modifier
   ending such as "-abusing", "-suppressible");
3. the left-hand word is a prefix ("non-", "re-", ...);
4. one side is a known chemical or disease name (a one-word KB DRUG/DISEASE term, or a one-word
   mention of the training corpus, `pipeline/rules/kb_corpus_synonyms.tsv`) and the other side
   is a word of at least `min_term_length` characters or a stereo letter ("L-", "D-");
5. at a slash, both sides are abbreviations ("BZDs/RDs");
6. a bracket the token opens or closes alone at a name's edge ("(Na" and "K)-ATPase" of
   "(Na,K)-ATPase", where scispacy cut at the comma inside the brackets): the bracket is split
   off, so that "Na" and "K" are tokens, and no mention starts with a bracket.

A token that is itself a known name stays whole ("L-dopa", "5-FU", "co-trimoxazole"), and so does
a scispacy token longer than `max_split_length` characters (a 4 KB "aspirin-aspirin-..." chain or a
hyphenated peptide is no name to find inside; splitting it costs time quadratic in its length).
Word lists and thresholds are in `pipeline/rules/tokenizer_compounds.tsv`. The same tokenizer is
used to convert the training corpora and at run time; the trained model folder stores its rules
and names (`tokenizer/`), so a model is read with the splits it was trained with.
"""

from __future__ import annotations

import gzip
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import srsly
from spacy.attrs import ORTH, SPACY
from spacy.language import Language
from spacy.tokens import Doc
from spacy.util import registry

from pipeline.labels import LINKED
from pipeline.paths import kb_dir, rule_file

RULES_FILE = "tokenizer_compounds.tsv"
TERMS_FILE = "terms.txt.gz"
_RULE_KINDS = (
    "modifier", "modifier_ending", "prefix", "stereo", "stereo_letter", "min_term_length",
    "max_split_length", "max_chunk_length",
)
_NUMBER_KINDS = ("min_term_length", "max_split_length", "max_chunk_length")
_SEPARATORS = "-/\u2010\u2011\u2013"
_HAS_SEPARATOR = re.compile(f"[{_SEPARATORS}]")
# an abbreviation: letters/digits with at least two capitals ("BZDs", "5-FU", "LV")
_ABBREVIATION = re.compile(r"^(?=(?:.*[A-Z]){2})[A-Za-z0-9+-]+$")
# a bracket a token opens or closes alone at a name's edge (rule 6): "(Na" and "K)-ATPase" of
# "(Na,K)-ATPase", where scispacy cut at the comma inside the brackets
_OPEN_EDGE = re.compile(r"^[(\[][A-Za-z][A-Za-z0-9]*$")
_CLOSE_EDGE = re.compile(r"^[A-Za-z][A-Za-z0-9]*[)\]](?=$|-)")
#: where a text may hold such a token (a token starting with a bracket, or closing one after
#: a letter or digit): texts without one are not looked at token by token
_BRACKETS = frozenset("()[]")
_MAY_HAVE_EDGE = re.compile(r"(?:^|\s)[(\[][A-Za-z]|[A-Za-z0-9][)\]]")


@lru_cache(maxsize=4)
def _long_runs(limit: int) -> re.Pattern[str]:
    """Runs of more than `limit` characters without whitespace. The look-behind starts a match
    only where a run starts, so a text is scanned once whatever its runs' lengths."""
    return re.compile(rf"(?<!\S)\S{{{limit + 1},}}")


def _pieces(text: str, runs: Iterable[re.Match[str]], limit: int) -> Iterator[tuple[int, int]]:
    """(start, end) pieces covering `text` in order: the text between the long `runs` whole,
    each run cut every `limit` characters. A run's last piece takes the one space after it, as
    its last token's trailing whitespace (a piece starting with it would make it a token)."""
    at = 0
    for run in runs:
        if run.start() > at:
            yield at, run.start()
        starts = range(run.start(), run.end(), limit)
        for start in starts[:-1]:
            yield start, start + limit
        at = run.end() + (text[run.end():run.end() + 1] == " ")
        yield starts[-1], at
    if at < len(text):
        yield at, len(text)


@dataclass(frozen=True)
class CompoundRules:
    """The word lists of `tokenizer_compounds.tsv` (see that file for what each kind means)."""

    modifiers: frozenset[str]
    modifier_endings: tuple[str, ...]
    prefixes: frozenset[str]
    stereo: tuple[str, ...]  # longest first
    stereo_letters: frozenset[str]
    min_term_length: int
    max_split_length: int
    max_chunk_length: int

    def to_rows(self) -> list[tuple[str, str]]:
        rows = [("modifier", w) for w in sorted(self.modifiers)]
        rows += [("modifier_ending", w) for w in self.modifier_endings]
        rows += [("prefix", w) for w in sorted(self.prefixes)]
        rows += [("stereo", w) for w in self.stereo]
        rows += [("stereo_letter", w) for w in sorted(self.stereo_letters)]
        rows.append(("min_term_length", str(self.min_term_length)))
        rows.append(("max_split_length", str(self.max_split_length)))
        return [*rows, ("max_chunk_length", str(self.max_chunk_length))]


def parse_rules(
    lines: Iterable[str], where: str, *, fallback: CompoundRules | None = None
) -> CompoundRules:
    """Validate `kind<TAB>value` rows; errors name the line, the column and what was expected.

    `fallback` stands in for missing `max_split_length` / `max_chunk_length` rows: the rules a
    model was saved with before those rows existed (its limits are the shipped file's then).
    """
    found: dict[str, list[str]] = {kind: [] for kind in _RULE_KINDS}
    seen: set[tuple[str, str]] = set()
    for lineno, raw in enumerate(lines, 1):
        line = raw.rstrip("\n")
        if not line.strip() or line.startswith("#") or line == "kind\tvalue":
            continue
        cells = line.split("\t")
        if len(cells) != 2 or not cells[1].strip():
            raise ValueError(f"{where}:{lineno}: expected 'kind<TAB>value', got {line!r}")
        kind, value = cells
        if kind not in found:
            raise ValueError(f"{where}:{lineno}: column 'kind' is {kind!r}, expected one of "
                             f"{list(_RULE_KINDS)}")
        if (kind, value) in seen:
            raise ValueError(f"{where}:{lineno}: {kind} {value!r} is listed twice")
        seen.add((kind, value))
        found[kind].append(value)
    if fallback is not None:
        for kind in ("max_split_length", "max_chunk_length"):
            if not found[kind]:
                found[kind] = [str(getattr(fallback, kind))]
    for kind in _NUMBER_KINDS:
        values = found[kind]
        if len(values) != 1 or not values[0].isdigit() or int(values[0]) < 1:
            raise ValueError(f"{where}: expected one {kind!r} row with a whole number >= 1, "
                             f"got {values}")
    return CompoundRules(
        modifiers=frozenset(w.lower() for w in found["modifier"]),
        modifier_endings=tuple(w.lower() for w in found["modifier_ending"]),
        prefixes=frozenset(w.lower() for w in found["prefix"]),
        stereo=tuple(sorted(found["stereo"], key=len, reverse=True)),
        stereo_letters=frozenset(found["stereo_letter"]),
        min_term_length=int(found["min_term_length"][0]),
        max_split_length=int(found["max_split_length"][0]),
        max_chunk_length=int(found["max_chunk_length"][0]),
    )


def load_rules(path: Path | None = None, *,
               fallback: CompoundRules | None = None) -> CompoundRules:
    """Read and validate a `tokenizer_compounds.tsv` (by default the shipped one)."""
    path = path or rule_file(RULES_FILE)
    with open(path, encoding="utf-8") as fh:
        return parse_rules(fh, str(path), fallback=fallback)


@lru_cache(maxsize=4)
def known_terms(
    patterns_path: Path | None = None, synonyms_path: Path | None = None
) -> frozenset[str]:
    """Lower-cased one-word DRUG/DISEASE names: the KB's patterns and the corpus synonyms."""
    from pipeline.kb import load_patterns
    from pipeline.kb.synonyms import load_corpus_synonyms

    terms: set[str] = set()
    path = patterns_path or kb_dir() / "patterns.jsonl.gz"
    if path.exists():
        for pattern in load_patterns(path):
            value = pattern["pattern"]
            one_word = not isinstance(value, str) and len(value) == 1
            if one_word and pattern["label"] in LINKED:
                terms.add(str(value[0]["LOWER"]).lower())
    for syn in load_corpus_synonyms(synonyms_path):
        if " " not in syn.term:
            terms.add(syn.term.lower())
    return frozenset(terms)


class CompoundSplitter:
    """Where a scispacy token is split (module docstring); `split(text)` returns the pieces."""

    def __init__(
        self, rules: CompoundRules, terms: frozenset[str], base: Callable[[str], Doc]
    ) -> None:
        self.rules = rules
        self.terms = terms
        self.base = base

    def _is_modifier(self, word: str) -> bool:
        low = word.lower()
        if low in self.rules.modifiers:
            return True
        return (
            word.isalpha() and word.islower() and len(word) >= 5
            and low.endswith(self.rules.modifier_endings)
        )

    def _known(self, side: str) -> bool:
        return len(side) >= self.rules.min_term_length and side.lower() in self.terms

    def _cut(self, text: str) -> int | None:
        """Index of the separator to split at, or None."""
        for prefix in self.rules.stereo:
            if text.startswith(prefix) and len(text) > len(prefix) + 1 and text[len(prefix)] == "-":
                return len(prefix)
        cuts = [i for i in range(1, len(text) - 1) if text[i] in _SEPARATORS]
        for i in reversed(cuts):  # rule 2: the last modifier
            if text[i] != "/" and self._is_modifier(text[i + 1 :]) and any(
                c.isalnum() for c in text[:i]
            ):
                return i
        for i in cuts:  # rule 3: the first prefix
            if text[i] != "/" and text[:i].lower() in self.rules.prefixes:
                return i
        best: tuple[int, int] | None = None  # rule 4: the longest known side
        minimum = self.rules.min_term_length
        for i in cuts:
            left, right = text[:i], text[i + 1 :]
            stereo_left = left in self.rules.stereo_letters
            for side, other_ok in ((left, len(right) >= minimum),
                                   (right, len(left) >= minimum or stereo_left)):
                if other_ok and self._known(side) and (best is None or len(side) > best[0]):
                    best = (len(side), i)
        if best is not None:
            return best[1]
        for i in cuts:  # rule 5
            left, right = text[:i], text[i + 1 :]
            if text[i] == "/" and _ABBREVIATION.match(left) and _ABBREVIATION.match(right):
                return i
        return None

    def split(self, text: str) -> list[str]:
        """The pieces of one scispacy token, in order.

        A work list, not recursion: each cut leaves pieces to tokenize by scispacy again
        ("(PAN)" -> "(", "PAN", ")") and to split in turn; the stack holds them last piece first.
        """
        if len(text) > self.rules.max_split_length:
            return [text]
        pieces: list[str] = []
        stack: list[tuple[bool, str]] = [(False, text)]  # (again through scispacy?, text)
        while stack:
            again, piece = stack.pop()
            if again:
                stack.extend((False, tok.text) for tok in reversed(self.base(piece)))
                continue
            step = self._step(piece)
            if step is None:
                pieces.append(piece)
                continue
            left, separator, right = step
            if right:
                stack.append((True, right))
            stack.append((False, separator))
            stack.append((True, left))
        return pieces

    def _step(self, text: str) -> tuple[str, str, str] | None:
        """(left, separator, right) where `text` is cut ("" right of a dangling hyphen)."""
        if _OPEN_EDGE.match(text):  # rule 6
            return "", text[0], text[1:]
        close = _CLOSE_EDGE.match(text)
        if close:
            return text[: close.end() - 1], text[close.end() - 1], text[close.end() :]
        if len(text) < 3 or not _HAS_SEPARATOR.search(text, 1):
            return None
        if text.lower() in self.terms:
            return None
        if text[-1] == "-" and text[-2].isalnum():  # "diazepam- and cocaine-induced"
            return text[:-1], "-", ""
        cut = self._cut(text)
        if cut is None:
            return None
        return text[:cut], text[cut], text[cut + 1 :]


class BiotabTokenizer:
    """scispacy's tokenizer followed by `CompoundSplitter` (module docstring)."""

    def __init__(
        self,
        nlp: Language,
        *,
        rules: CompoundRules | None = None,
        terms: frozenset[str] | None = None,
    ) -> None:
        from pipeline.nlp import scispacy_tokenizer

        self.base: Callable[[str], Doc]
        made = getattr(nlp, "tokenizer", None)  # none yet while a config builds `nlp`
        if isinstance(made, BiotabTokenizer):  # made from a config: reuse its rules
            self.base = made.base
        else:
            scispacy_tokenizer(nlp)
            self.base = nlp.tokenizer
        self.vocab = nlp.vocab
        self.rules = rules or load_rules()
        self._terms = terms  # read on first use: from_disk usually replaces them first

    @property
    def terms(self) -> frozenset[str]:
        if self._terms is None:
            self._terms = known_terms()
        return self._terms

    @property
    def splitter(self) -> CompoundSplitter:
        return CompoundSplitter(self.rules, self.terms, self.base)

    def __call__(self, text: str) -> Doc:
        limit = self.rules.max_chunk_length
        long_runs = list(_long_runs(limit).finditer(text)) if len(text) > limit else []
        if long_runs:
            return Doc.from_docs([self._tokenize(text[a:b]) for a, b in
                                  _pieces(text, long_runs, limit)],
                                 ensure_whitespace=False)
        return self._tokenize(text)

    def _tokenize(self, text: str) -> Doc:
        doc = self.base(text)
        # separators are not whitespace, so each lies in a token: a text without one has no
        # token to split
        if not _HAS_SEPARATOR.search(text) and not _MAY_HAVE_EDGE.search(text):
            return doc
        # token texts and trailing spaces from the Doc's arrays, without a Token per token
        strings = self.vocab.strings
        arrays = doc.to_array([ORTH, SPACY]).tolist()
        splitter = self.splitter
        words: list[str] = []
        spaces: list[bool] = []
        changed = False
        for orth, space in arrays:
            word = strings[orth]
            edge = not _BRACKETS.isdisjoint(word) and (
                _OPEN_EDGE.match(word) or _CLOSE_EDGE.match(word))
            pieces = splitter.split(word) if edge or _HAS_SEPARATOR.search(word) else [word]
            if len(pieces) > 1:
                changed = True
                words.extend(pieces)
                spaces.extend([False] * (len(pieces) - 1))
            else:
                words.append(word)
            spaces.append(bool(space))
        return Doc(self.vocab, words=words, spaces=spaces) if changed else doc

    def pipe(self, texts: Iterable[str], batch_size: int = 1000) -> Iterator[Doc]:
        for text in texts:
            yield self(text)

    def to_bytes(self, *, exclude: Any = ()) -> bytes:
        data = {"rules": self.rules.to_rows(), "terms": sorted(self.terms)}
        return srsly.msgpack_dumps(data)

    def from_bytes(self, data: bytes, *, exclude: Any = ()) -> BiotabTokenizer:
        msg = srsly.msgpack_loads(data)
        self.rules = parse_rules(
            ("\t".join(row) for row in msg["rules"]), "tokenizer bytes",
            fallback=load_rules(),
        )
        self._terms = frozenset(msg["terms"])
        return self

    def to_disk(self, path: str | Path, *, exclude: Any = ()) -> None:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        with open(path / RULES_FILE, "w", encoding="utf-8") as fh:
            fh.write("kind\tvalue\n")
            fh.writelines(f"{kind}\t{value}\n" for kind, value in self.rules.to_rows())
        with gzip.open(path / TERMS_FILE, "wt", encoding="utf-8") as fh:
            fh.writelines(f"{term}\n" for term in sorted(self.terms))

    def from_disk(self, path: str | Path, *, exclude: Any = ()) -> BiotabTokenizer:
        path = Path(path)
        # a model saved before the length limits existed: the shipped file's limits
        self.rules = load_rules(path / RULES_FILE, fallback=load_rules())
        with gzip.open(path / TERMS_FILE, "rt", encoding="utf-8") as fh:
            self._terms = frozenset(line.rstrip("\n") for line in fh if line.strip())
        return self


def install_tokenizer(nlp: Language, saved: Path | None = None) -> BiotabTokenizer:
    """Put biotab's tokenizer on `nlp`; with `saved`, the rules and names stored in that folder."""
    tokenizer = BiotabTokenizer(nlp)
    if saved is not None and (saved / TERMS_FILE).exists():
        tokenizer.from_disk(saved)
    nlp.tokenizer = tokenizer
    return tokenizer


@registry.tokenizers("biotab.tokenizer.v1")
def create_tokenizer() -> Callable[[Language], BiotabTokenizer]:
    """Config-file access to biotab's tokenizer (training and the exported model)."""

    def make(nlp: Language) -> BiotabTokenizer:
        return BiotabTokenizer(nlp)

    return make
