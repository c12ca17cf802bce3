"""`biotab_language`: the language of the document and of each sentence (ISO 639-1).

Reads: the text and sentence boundaries (`doc.sents`; without them the whole document is one
sentence). Writes: `Doc._.language` and `Span._.language` on every sentence. Later English-only
components (lexicon, fusion, cytokines, assertion) skip sentences whose language is not "en".

How a sentence gets its language:

1. Script first: a sentence written mostly in a non-Latin script gets that script's language
   (Cyrillic -> "ru", Greek -> "el", Han -> "zh", kana -> "ja", Hangul -> "ko", Arabic -> "ar",
   ...), refined by the detector among the script's languages when the sentence is long enough
   ("uk" vs "ru"). This holds for short lines too: seed 003's Russian title is "ru".
2. Latin script: the offline detector `py3langid` (97 languages, naive Bayes on byte n-grams)
   proposes a language. A sentence departs from the document's language only on strong evidence:
   at least `min_words` words and `min_chars` characters, detector confidence >= `min_confidence`,
   and at least `min_stopwords` function words of the proposed language (spaCy's stop-word lists),
   more than of the document's language. Drug-heavy English titles ("Remifentanil pretreatment
   reduces myoclonus after etomidate", which py3langid calls Danish) therefore stay English, while
   a Catalan licence paragraph becomes "ca".
3. Everything else (short lines, numbers, names) takes the document's language.

The document's language is the script language for non-Latin text, else the detector's answer on
the whole text (`default_language` for texts shorter than `min_chars`).
"""

from __future__ import annotations

import functools
import itertools
import re
import unicodedata
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np
import srsly
from spacy.language import Language
from spacy.tokens import Doc, Span

from pipeline.extensions import doc_text  # (the import registers the attributes)

# The defaults of the factory's settings (the module docstring says what each does).
# the document's language when its text is shorter than min_chars
DEFAULT_LANGUAGE = "en"

# a Latin-script sentence departs from the document's language only with at least this many
# characters, this many words, this detector confidence and this many of the proposed
# language's stop words
DEFAULT_MIN_CHARS = 25
DEFAULT_MIN_WORDS = 4
DEFAULT_MIN_CONFIDENCE = 0.9
DEFAULT_MIN_STOPWORDS = 2

# Unicode script (first word of a letter's character name) -> default language, and the
# languages the detector may choose among for that script.
SCRIPT_LANGUAGES: dict[str, tuple[str, tuple[str, ...]]] = {
    "CYRILLIC": ("ru", ("ru", "uk", "bg", "sr", "mk", "be", "kk", "ky", "mn")),
    "GREEK": ("el", ("el",)),
    "ARABIC": ("ar", ("ar", "fa", "ur", "ps")),
    "HEBREW": ("he", ("he",)),
    "CJK": ("zh", ("zh", "ja")),
    "HIRAGANA": ("ja", ("ja",)),
    "KATAKANA": ("ja", ("ja",)),
    "HANGUL": ("ko", ("ko",)),
    "DEVANAGARI": ("hi", ("hi", "mr", "ne")),
    "THAI": ("th", ("th",)),
    "ARMENIAN": ("hy", ("hy",)),
    "GEORGIAN": ("ka", ("ka",)),
    "BENGALI": ("bn", ("bn", "as")),
    "TAMIL": ("ta", ("ta",)),
}
_WORD = re.compile(r"[^\W\d_]+")


@functools.cache
def _identifier() -> Any:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_pickled_model(MODEL_FILE, norm_probs=True)


@functools.cache
def _scanner() -> tuple[np.ndarray, int, np.ndarray, np.ndarray, np.ndarray]:
    """py3langid's byte n-gram scanner as arrays: the transitions, the depth, and the features
    each state outputs (per state, the start and length of its run in the last array).

    The scanner is an Aho-Corasick automaton over the model's byte n-grams (langid builds it so):
    the state after any text is that of its longest suffix that is a prefix of an n-gram, so it
    depends on the last `depth` bytes only (the deepest state's distance from the start).
    """
    ident = _identifier()
    nextmove = np.asarray(ident.tk_nextmove, dtype=np.int64)
    table = nextmove.reshape(-1, 256)
    seen = np.zeros(len(table), dtype=bool)
    seen[0] = True
    frontier, depth = np.array([0]), 0
    while True:
        reached = np.zeros(len(table), dtype=bool)
        reached[table[frontier].ravel()] = True
        frontier = np.flatnonzero(reached & ~seen)
        if not len(frontier):
            break
        seen[frontier] = True
        depth += 1
    outputs = ident.tk_output
    ordered = sorted(outputs)
    lengths = np.zeros(len(table), dtype=np.int64)
    lengths[ordered] = np.fromiter((len(outputs[state]) for state in ordered), dtype=np.int64)
    starts = np.cumsum(lengths) - lengths
    features = np.fromiter(
        itertools.chain.from_iterable(outputs[state] for state in ordered), dtype=np.int64
    )
    return nextmove, depth, starts, lengths, features


def _features(text: str) -> np.ndarray:
    """`instance2fv(text)` of py3langid: how often each byte n-gram feature occurs in the text.

    py3langid walks its scanner byte by byte in Python; here every byte's state is found at once,
    by reading from the start state the `depth` bytes that end at it (see `_scanner`).
    """
    ident = _identifier()
    nextmove, depth, starts, lengths, features = _scanner()
    data = np.frombuffer(text.encode("utf8", errors="surrogatepass"), dtype=np.uint8)
    n = len(data)
    codes = data.astype(np.int64)
    states = np.zeros(n, dtype=np.int64)
    for back in range(min(depth, n) - 1, -1, -1):
        # the byte `back` places before each position, for the positions that have one
        states[back:] = nextmove[(states[back:] << 8) + codes[: n - back]]
    # the features every position's state outputs, one after the other
    per_position = lengths[states]
    ends = np.cumsum(per_position)
    total = int(ends[-1]) if n else 0
    at = np.repeat(starts[states] - ends + per_position, per_position) + np.arange(total)
    counts = np.bincount(features[at], minlength=ident.nb_numfeats)
    if total and counts.max() > np.iinfo(np.uint16).max:
        return np.asarray(ident.instance2fv(text))  # py3langid's own overflow behaviour
    return counts.astype(np.uint16)


@functools.cache
def stop_words(lang: str) -> frozenset[str]:
    """spaCy's stop-word list of a language (empty when spaCy has none).

    The list is read from `spacy/lang/<lang>/stop_words.py` without importing the language
    package, whose tokenizer exceptions take seconds to load (15 s for French).
    """
    import spacy.lang

    file = Path(next(iter(spacy.lang.__path__))) / lang / "stop_words.py"
    if not re.fullmatch(r"[a-z]{2,3}", lang) or not file.exists():
        return frozenset()
    namespace: dict[str, Any] = {}
    exec(compile(file.read_text(encoding="utf-8"), str(file), "exec"), namespace)
    return frozenset(w.lower() for w in namespace.get("STOP_WORDS", ()))


@functools.cache
def _stop_word_index(languages: tuple[str, ...]) -> dict[str, tuple[str, ...]]:
    """Word -> the languages among `languages` whose stop words (`stop_words`) include it."""
    index: dict[str, list[str]] = {}
    for lang in languages:
        for word in stop_words(lang):
            index.setdefault(word, []).append(lang)
    return {word: tuple(langs) for word, langs in index.items()}


def dominant_script(text: str) -> str | None:
    """The script of most letters in `text` ("LATIN", "CYRILLIC", ...), None without letters.

    Kana beats Han (Japanese text mixes both).
    """
    if text.isascii():  # most of the input: no need to name every character
        return "LATIN" if any(ch.isalpha() for ch in text) else None
    counts: Counter[str] = Counter()
    for ch in text:
        if ch.isalpha():
            name = unicodedata.name(ch, "")
            counts[name.split(" ", 1)[0] if name else "UNKNOWN"] += 1
    if not counts:
        return None
    if counts["HIRAGANA"] + counts["KATAKANA"] > 0 and counts["CJK"] > 0:
        counts["HIRAGANA"] += counts.pop("CJK")
    script, n = counts.most_common(1)[0]
    return script if n * 2 >= sum(counts.values()) else "LATIN" if counts["LATIN"] else script


def _words(text: str) -> list[str]:
    return list(map(str.lower, _WORD.findall(text)))


def _count_in(words: list[str], vocabulary: frozenset[str]) -> int:
    """How many of the words (with repeats) are in the vocabulary."""
    return sum(map(vocabulary.__contains__, words))


class LanguageDetector:
    """Sets `Doc._.language` and sentence `Span._.language` (see the module docstring)."""

    def __init__(
        self,
        nlp: Language,
        name: str,
        *,
        default_language: str = DEFAULT_LANGUAGE,
        min_chars: int = DEFAULT_MIN_CHARS,
        min_words: int = DEFAULT_MIN_WORDS,
        min_confidence: float = DEFAULT_MIN_CONFIDENCE,
        min_stopwords: int = DEFAULT_MIN_STOPWORDS,
        languages: list[str] | None = None,
    ) -> None:
        self.name = name
        self.default_language = default_language
        self.min_chars = min_chars
        self.min_words = min_words
        self.min_confidence = min_confidence
        self.min_stopwords = min_stopwords
        self.languages = list(languages) if languages else None

    # ------------------------------------------------------------------------------ detection
    def classify(self, text: str, candidates: tuple[str, ...] | None = None) -> tuple[str, float]:
        """(language, confidence) from py3langid, optionally among `candidates` only."""
        ident = _identifier()
        logp = np.asarray(ident.nb_classprobs(_features(text)), dtype=np.float64)
        classes: list[str] = list(ident.nb_classes)
        proposable = self._proposable(candidates)
        if len(proposable) < len(classes):
            index = [i for i, c in enumerate(classes) if c in proposable]
            logp = logp[index]
            classes = [classes[i] for i in index]
        probs = np.exp(logp - logp.max())
        probs /= probs.sum()
        best = int(np.argmax(probs))
        return classes[best], float(probs[best])

    def _proposable(self, candidates: tuple[str, ...] | None = None) -> tuple[str, ...]:
        """The languages `classify(text, candidates)` can answer."""
        classes = tuple(_identifier().nb_classes)
        allowed = candidates or (tuple(self.languages) if self.languages else None)
        if allowed:
            return tuple(c for c in classes if c in allowed) or classes
        return classes

    def _may_prefer(self, words: list[str], ours: int, default: str) -> bool:
        """Whether `_prefer` would take some language `classify` can answer over `default`
        (`ours` of the words are `default` stop words). When none has the stop words for it,
        `default` wins whatever the detector says, and the detector need not run: on English
        text it would cost more than the rest of the component."""
        index = _stop_word_index(self._proposable())
        theirs = Counter(itertools.chain.from_iterable(filter(None, map(index.get, words))))
        return any(
            n >= self.min_stopwords and n > ours for lang, n in theirs.items() if lang != default
        )

    def document_language(self, text: str) -> str:
        script = dominant_script(text)
        if script is None:
            return self.default_language
        if script != "LATIN" and script in SCRIPT_LANGUAGES:
            return self._script_language(text, script)
        if len(text.strip()) < self.min_chars:
            return self.default_language
        words = _words(text)
        ours = _count_in(words, stop_words(self.default_language))
        if not self._may_prefer(words, ours, self.default_language):
            return self.default_language
        lang, prob = self.classify(text)
        if lang == self.default_language or prob < self.min_confidence:
            return self.default_language
        return self._prefer(lang, self.default_language, words)

    def _script_language(self, text: str, script: str) -> str:
        default, candidates = SCRIPT_LANGUAGES[script]
        if len(candidates) > 1 and len(text.strip()) >= self.min_chars:
            lang, prob = self.classify(text, candidates)
            if lang != default and prob >= self.min_confidence:
                return self._prefer(lang, default, _words(text))
        return default

    def _prefer(self, lang: str, default: str, words: list[str]) -> str:
        """`lang` over `default` only with more (and at least `min_stopwords`) of its function
        words: the detector alone mistakes drug-heavy English for Danish or German."""
        theirs = _count_in(words, stop_words(lang))
        ours = _count_in(words, stop_words(default))
        return lang if theirs >= self.min_stopwords and theirs > ours else default

    def sentence_language(self, text: str, doc_language: str) -> str:
        script = dominant_script(text)
        if script is None:
            return doc_language
        if script != "LATIN":
            return (
                self._script_language(text, script) if script in SCRIPT_LANGUAGES else doc_language
            )
        words = _words(text)
        if len(words) < self.min_words or len(text.strip()) < self.min_chars:
            return doc_language
        ours = _count_in(words, stop_words(doc_language))
        if ours * 5 >= len(words) and ours >= 2:
            return doc_language  # fast path: plainly the document's language
        if not self._may_prefer(words, ours, doc_language):
            return doc_language
        lang, prob = self.classify(text)
        if lang == doc_language or prob < self.min_confidence:
            return doc_language
        return self._prefer(lang, doc_language, words)

    def __call__(self, doc: Doc) -> Doc:
        text = doc_text(doc)
        doc_language = self.document_language(text)
        doc._.language = doc_language
        sents: list[Span] = list(doc.sents) if doc.has_annotation("SENT_START") else [doc[:]]
        for sent in sents:
            sent._.language = self.sentence_language(
                text[sent.start_char : sent.end_char], doc_language
            )
        return doc

    # ---------------------------------------------------------------------------- to/from disk
    def settings(self) -> dict[str, Any]:
        return {
            "default_language": self.default_language,
            "min_chars": self.min_chars,
            "min_words": self.min_words,
            "min_confidence": self.min_confidence,
            "min_stopwords": self.min_stopwords,
            "languages": self.languages,
        }

    def to_disk(self, path: str | Path, *, exclude: Any = ()) -> None:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        srsly.write_json(path / "language.json", self.settings())

    def from_disk(self, path: str | Path, *, exclude: Any = ()) -> LanguageDetector:
        file = Path(path) / "language.json"
        cfg = srsly.read_json(file)
        expected = set(self.settings())
        if not isinstance(cfg, dict) or set(cfg) != expected:
            raise ValueError(f"{file}: expected an object with keys {sorted(expected)}")
        self.default_language = str(cfg["default_language"])
        self.min_chars = int(cfg["min_chars"])
        self.min_words = int(cfg["min_words"])
        self.min_confidence = float(cfg["min_confidence"])
        self.min_stopwords = int(cfg["min_stopwords"])
        self.languages = list(cfg["languages"]) if cfg["languages"] else None
        return self


@Language.factory(
    "biotab_language",
    assigns=["doc._.language", "span._.language"],
    requires=["token.is_sent_start"],
    default_config={
        "default_language": DEFAULT_LANGUAGE,
        "min_chars": DEFAULT_MIN_CHARS,
        "min_words": DEFAULT_MIN_WORDS,
        "min_confidence": DEFAULT_MIN_CONFIDENCE,
        "min_stopwords": DEFAULT_MIN_STOPWORDS,
        "languages": None,
    },
)
def make_language(
    nlp: Language,
    name: str,
    *,
    default_language: str,
    min_chars: int,
    min_words: int,
    min_confidence: float,
    min_stopwords: int,
    languages: list[str] | None,
) -> LanguageDetector:
    return LanguageDetector(
        nlp,
        name,
        default_language=default_language,
        min_chars=min_chars,
        min_words=min_words,
        min_confidence=min_confidence,
        min_stopwords=min_stopwords,
        languages=languages,
    )
