"""`biotab_fuzzy`: misspelled drug and disease names ("dumilumab" -> dupilumab).

Reads: tokens, sentence boundaries and `Span._.language` (English sentences only), `doc.ents`
(unless `skip_ents` is off: biotab's pipeline turns it off so that a misspelling the NER model
tagged still gets its concept) and the span groups in `skip_span_keys` (default
`doc.spans["lexicon"]`): tokens already inside such spans are not looked up. Names come from the
KB (`pipeline.kb.KnowledgeBase`, names and aliases of DRUG/DISEASE concepts, precomputed at build
time in `fuzzy_names.tsv.gz`) and/or from a names table given in the config (`names`) or stored
with the component (`fuzzy_names.tsv`). Writes: `doc.spans[spans_key]` (default "fuzzy"), one
span per match with `span.label_`, `span.id_` = concept id, and on the span `Span._.concept_id`,
`._.concept_name`, `._.source` = "fuzzy", `._.score` = similarity (0..1, 1 - edits / length of
the name). `biotab_fusion` turns them into mentions.

What is looked up (so that the component stays fast and precise):

- a single token, or two tokens ("dimethyl fumerate"), made of letters, at least `min_length`
  characters, with a drug-like or disease-like shape: it ends with a known suffix (-mab, -nib,
  -mide, -stat, -vir, -olol, -pril, -sartan, -azole, -cillin, -mycin, -itis, -osis, ...: the
  lists `pipeline/rules/fuzzy_drug_suffixes.txt` and `fuzzy_disease_suffixes.txt`, or the files
  given as `drug_suffixes_path` / `disease_suffixes_path`, checked on load), with a suffix minus
  its last letter ("lenalidomid"), or within one edit of a suffix of 4+ letters ("rituximb");
- not a known name (KB or table), not a common English word (`pipeline/rules/common_english_
  words.txt`, from wordfreq), not capitalized in mid-sentence (a proper noun) unless it ends in a
  real drug suffix.

With `exact_kb_aliases` (off by default) a token string that IS a KB alias of such a shape but
that the lexicon's precision subset left out ("methotrexat") is emitted too, with score 1.0.

It is compared (rapidfuzz OSA distance: Levenshtein with adjacent transpositions) with names of
the same label that have such a shape, start with the same letter and differ in length by at most
the allowed edits: `max_edits` (default 1; strings shorter than 12 characters never get more than
1, longer ones at most 2 when configured). The closest name wins; a tie between two concepts is
ambiguous and gives nothing. On a sample of BC5CDR sentences, 2 edits matched real, different
words ("hypoplasia" -> hyperplasia, "phenanthridinone" -> phenanthridone), hence the default.
"""

from __future__ import annotations

import functools
import gzip
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import srsly
from rapidfuzz import process
from rapidfuzz.distance import OSA, Levenshtein
from spacy.lang.en.stop_words import STOP_WORDS
from spacy.language import Language
from spacy.tokens import Doc, Span

from pipeline import extensions as _extensions  # noqa: F401
from pipeline.components.lexicon import SPANS_KEY as LEXICON_SPANS_KEY
from pipeline.kb.normalize import SALT_WORDS
from pipeline.labels import DISEASE, DRUG, LABELS, LINKED
from pipeline.paths import rule_file
from pipeline.rules import read_word_list, write_word_list

# The defaults of the factory's settings (the module docstring says what each does).
# the shortest word (or two-word name) looked up
DEFAULT_MIN_LENGTH = 7

# the edits a misspelling may be from a name
DEFAULT_MAX_EDITS = 1

# the span group it writes (read by biotab_fusion)
SPANS_KEY = "fuzzy"

log = logging.getLogger(__name__)

NAMES_FILE = "fuzzy_names.tsv"
# Written by `biotab kb build` next to the KB: the KB names of a drug-like or disease-like
# shape, so that a worker does not scan the whole KB (~10-25 s) before its first document.
KB_NAMES_FILE = "fuzzy_names.tsv.gz"
COMMON_WORDS_FILE = "common_english_words.txt"
#: Token strings whose answer is remembered (then forgotten all at once, and remembered anew).
_CACHE_MAX = 200_000
DRUG_SUFFIXES_FILE = "fuzzy_drug_suffixes.txt"
DISEASE_SUFFIXES_FILE = "fuzzy_disease_suffixes.txt"
#: Suffixes shorter than this would give most words a name's shape.
_MIN_SUFFIX = 3


class Suffixes:
    """The word endings that give a word a drug-like or disease-like shape, and the shape test
    they make (`word_shape`, its answers remembered)."""

    def __init__(self, drug: Iterable[str], disease: Iterable[str]) -> None:
        self.drug = tuple(drug)
        self.disease = tuple(disease)
        self.all = (*self.drug, *self.disease)
        self.truncated = tuple(x[:-1] for x in self.all if len(x) >= 4)
        by_last: dict[str, tuple[str, ...]] = {}
        for suffix in self.all:
            if len(suffix) >= 4:
                by_last[suffix[-1]] = (*by_last.get(suffix[-1], ()), suffix)
        self.by_last = by_last
        self.word_shape: Callable[[str], bool] = functools.lru_cache(maxsize=100_000)(
            self._word_shape
        )

    @classmethod
    def read(cls, drug_path: Path | None = None, disease_path: Path | None = None) -> Suffixes:
        """The suffix lists, one lower-case word of 3+ letters per line (default: the shipped
        `pipeline/rules/fuzzy_drug_suffixes.txt` and `fuzzy_disease_suffixes.txt`); RuleError
        naming the file and line of a bad one."""
        return cls(
            read_word_list(drug_path or rule_file(DRUG_SUFFIXES_FILE), min_length=_MIN_SUFFIX),
            read_word_list(
                disease_path or rule_file(DISEASE_SUFFIXES_FILE), min_length=_MIN_SUFFIX
            ),
        )

    def write(self, path: Path) -> None:
        """Both lists into directory `path`, under the shipped files' names."""
        for name, words in ((DRUG_SUFFIXES_FILE, self.drug), (DISEASE_SUFFIXES_FILE, self.disease)):
            write_word_list(path / name, words)

    def of(self, label: str) -> tuple[str, ...]:
        return self.drug if label == DRUG else self.disease

    def _word_shape(self, word: str) -> bool:
        if word.endswith(self.all) or word.endswith(self.truncated):
            return True
        # one edit inside a suffix of 4+ letters: "rituximb" (-ximab), "fumerate" (fumarate);
        # not for short ones ("granulosa" is no -oma)
        for suffix in self.by_last.get(word[-1:], ()):
            n = len(suffix)
            if len(word) >= n and any(
                Levenshtein.distance(word[-k:], suffix) <= 1 for k in (n - 1, n, n + 1)
            ):
                return True
        return False


@dataclass(frozen=True)
class NameEntry:
    name: str  # lower case
    concept_id: str
    label: str
    canonical: str


def _read_words(path: Path) -> frozenset[str]:
    """The words of a list (`rules.read_word_list`: one lower-case word per line, each once;
    RuleError naming the file and line otherwise)."""
    return frozenset(read_word_list(path))


def read_names(path: Path) -> list[NameEntry]:
    """A names table: TSV `name<TAB>concept_id<TAB>label[<TAB>canonical name]`, '#' comments."""
    entries = []
    if path.suffix == ".gz":
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            text = fh.read()
    else:
        text = path.read_text(encoding="utf-8")
    for lineno, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        entries.append(_name_entry(line.split("\t"), path, lineno))
    return entries


def write_names(path: Path, entries: Iterable[NameEntry]) -> None:
    """Write a names table (gzipped when `path` ends in .gz), sorted for reproducible builds."""
    lines = sorted(f"{e.name}\t{e.concept_id}\t{e.label}\t{e.canonical}\n" for e in entries)
    if path.suffix == ".gz":
        # mtime=0: the same names give the same bytes (the KB build is reproducible)
        with gzip.GzipFile(path, "wb", compresslevel=9, mtime=0) as fh:
            fh.write("".join(lines).encode("utf-8"))
    else:
        path.write_text("".join(lines), encoding="utf-8")


def _name_entry(row: Iterable[str], where: str | Path, lineno: int | None = None) -> NameEntry:
    """A names-table row; errors name `where` (and `lineno`: the place is formatted only for
    an error, not for each of the KB's 20,000 rows)."""
    cells = [c.strip() for c in row]
    if len(cells) not in (3, 4) or not all(cells[:3]):
        raise ValueError(
            f"{_place(where, lineno)}: {cells!r}: expected name, concept_id, label[, canonical "
            "name] (non-empty)"
        )
    label = cells[2]
    if label not in LABELS:
        raise ValueError(f"{_place(where, lineno)}: label is {label!r}: expected DRUG, DISEASE "
                         "or CYTOKINE")
    canonical = cells[3] if len(cells) == 4 and cells[3] else cells[0]
    return NameEntry(cells[0].lower(), cells[1], label, canonical)


def _place(where: str | Path, lineno: int | None) -> str:
    return f"{where}:{lineno}" if lineno is not None else str(where)


class FuzzyMatcher:
    """Finds misspelled DRUG/DISEASE names (see the module docstring)."""

    def __init__(
        self,
        nlp: Language,
        name: str,
        *,
        kb_path: str | None = None,
        use_kb: bool = True,
        names: list[list[str]] | None = None,
        labels: list[str] | None = None,
        min_length: int = DEFAULT_MIN_LENGTH,
        max_edits: int = DEFAULT_MAX_EDITS,
        spans_key: str = SPANS_KEY,
        skip_span_keys: list[str] | None = None,
        common_words_path: str | None = None,
        drug_suffixes_path: str | None = None,
        disease_suffixes_path: str | None = None,
        exact_kb_aliases: bool = False,
        skip_ents: bool = True,
    ) -> None:
        self.name = name
        self.skip_ents = skip_ents
        self.exact_kb_aliases = exact_kb_aliases
        self.kb_path = kb_path
        self.use_kb = use_kb
        self.labels = tuple(labels or LINKED)
        self.min_length = min_length
        self.max_edits = max_edits
        self.spans_key = spans_key
        self.skip_span_keys = (list(skip_span_keys) if skip_span_keys is not None
                               else [LEXICON_SPANS_KEY])
        self.common_words = _read_words(
            Path(common_words_path) if common_words_path else rule_file(COMMON_WORDS_FILE)
        )
        self.suffixes = Suffixes.read(
            Path(drug_suffixes_path) if drug_suffixes_path else None,
            Path(disease_suffixes_path) if disease_suffixes_path else None,
        )
        self.table: list[NameEntry] = [
            _name_entry(row, f"biotab_fuzzy config names[{i}]") for i, row in enumerate(names or [])
        ]
        self._kb: Any = None
        self._kb_failed = False
        self._index: dict[str, list[NameEntry]] | None = None
        self._buckets: dict[tuple[str, str, int], list[str]] | None = None
        self._cache: dict[str, tuple[NameEntry, float] | None] = {}

    # ---------------------------------------------------------------------------- the names
    def set_names(self, rows: Iterable[Iterable[str]]) -> None:
        """Replace the names table (rows: name, concept_id, label[, canonical])."""
        self.table = [_name_entry(row, f"names[{i}]") for i, row in enumerate(rows)]
        self._index = self._buckets = None
        self._cache.clear()

    def _knowledge_base(self) -> Any:
        if not self.use_kb:
            return None
        if self._kb is None and not self._kb_failed:
            try:
                from pipeline.kb import KnowledgeBase

                self._kb = KnowledgeBase.load(Path(self.kb_path) if self.kb_path else None)
            except (FileNotFoundError, ImportError, ValueError) as exc:
                log.warning("biotab_fuzzy: no KB (%s); using the names table alone", exc)
                self._kb_failed = True
        return self._kb

    def _kb_entries(self) -> list[NameEntry]:
        """KB names of a drug-like/disease-like shape: the KB's precomputed `fuzzy_names.tsv.gz`
        when it has one, else computed from the KB's normalized-alias index."""
        kb = self._knowledge_base()
        if kb is None:
            return []
        precomputed = kb.path / KB_NAMES_FILE if kb.path is not None else None
        if precomputed is not None and precomputed.exists():
            return [e for e in read_names(precomputed) if e.label in self.labels]
        return self.scan_kb_names(kb)

    def scan_kb_names(self, kb: Any) -> list[NameEntry]:
        """Every KB name of a drug-like/disease-like shape (slow: scans the whole KB)."""
        index_rows = getattr(kb, "index_rows", None)
        if index_rows is not None:
            keys: Iterable[tuple[str, tuple[str, ...]]] = index_rows()
        else:  # a KB-like object without the index: walk the concepts
            keys = (
                (term.lower(), (c.concept_id,))
                for c in kb.concepts.values() for term in (c.name, *c.aliases)
            )  # fmt: skip
        out = []
        for key, ids in keys:
            if key[:1] in "#~" or len(key) < self.min_length - 1:
                continue
            if not (self.name_shape(key, DRUG) or self.name_shape(key, DISEASE)):
                continue
            concept = kb.concepts.get(ids[0])
            if concept is not None and concept.label in self.labels:
                out.append(NameEntry(key, concept.concept_id, concept.label, concept.name))
        return out

    def _kb_exact(self, text: str) -> tuple[NameEntry, float] | None:
        """An exact KB alias of a wanted label that the lexicon's precision subset may lack
        ("methotrexat", an entry term): the concept with similarity 1.0."""
        kb = self._knowledge_base()
        if kb is None:
            return None
        for concept in kb.lookup(text):
            if concept.label in self.labels:
                return NameEntry(text, concept.concept_id, concept.label, concept.name), 1.0
            return None
        return None

    def _known(self, text: str) -> bool:
        """`text` is a name of the table or the KB (any label): not a misspelling."""
        assert self._index is not None
        if text in self._index:
            return True
        kb = self._knowledge_base()
        return kb is not None and bool(kb.lookup(text))

    def _build(self) -> None:
        index: dict[str, list[NameEntry]] = {}
        for entry in [*self.table, *self._kb_entries()]:
            if entry.label in self.labels:
                index.setdefault(entry.name, []).append(entry)
        buckets: dict[tuple[str, str, int], list[str]] = {}
        for name, entries in index.items():
            if len(name) >= self.min_length - 1 and self.name_shape(name, entries[0].label):
                buckets.setdefault((entries[0].label, name[0], len(name)), []).append(name)
        self._index, self._buckets = index, buckets

    def warm_up(self) -> None:
        """Load the KB and the names now, not on the first document."""
        kb = self._knowledge_base()
        if kb is not None:
            kb.warm_up()
        if self._index is None:
            self._build()

    # ---------------------------------------------------------------------------- the shapes
    def name_shape(self, name: str, label: str) -> bool:
        """A KB/table name with a drug-like (or disease-like) shape: it ends with a suffix."""
        words = name.split(" ")
        if len(words) > 2 or not all(map(str.isalpha, words)):
            return False
        suffixes = self.suffixes.of(label)
        return words[0].endswith(suffixes) or (
            len(words) == 2 and (words[1].endswith(suffixes) or words[1] in SALT_WORDS)
        )

    def query_shape(self, text: str) -> bool:
        """A token string that may be a misspelled drug or disease name."""
        return any(self.suffixes.word_shape(word) for word in text.split(" "))

    def _allowed_edits(self, text: str) -> int:
        return min(self.max_edits, 1 if len(text) < 12 else 2)

    # --------------------------------------------------------------------------------- lookup
    def match(self, text: str) -> tuple[NameEntry, float] | None:
        """The concept a misspelled `text` stands for, with its similarity, or None."""
        low = text.lower()
        if low in self._cache:
            return self._cache[low]
        result = self._match(low)
        if len(self._cache) >= _CACHE_MAX:  # memory stays flat over any number of documents
            self._cache.clear()
        self._cache[low] = result
        return result

    def _match(self, low: str) -> tuple[NameEntry, float] | None:
        if self._index is None or self._buckets is None:
            self._build()
        assert self._index is not None and self._buckets is not None
        if len(low.replace(" ", "")) < self.min_length:
            return None
        if any(w in self.common_words for w in low.split(" ")):
            return None
        if not self.query_shape(low):
            return None
        if low in self._index:
            return None  # a table name: the lexicon's job
        exact = self._kb_exact(low) if self.exact_kb_aliases else None
        if exact is not None:
            return exact
        if self._known(low):
            return None
        edits = self._allowed_edits(low)
        best: list[tuple[str, int]] = []
        for label in self.labels:
            choices: list[str] = []
            for length in range(len(low) - edits, len(low) + edits + 1):
                choices.extend(self._buckets.get((label, low[0], length), ()))
            if not choices:
                continue
            for name, distance, _ in process.extract(
                low, choices, scorer=OSA.distance, score_cutoff=edits, limit=5
            ):
                best.append((name, int(distance)))
        if not best:
            return None
        best.sort(key=lambda t: t[1])
        top = best[0][1]
        concepts = {e.concept_id for name, d in best if d == top for e in self._index[name]}
        if len(concepts) != 1:
            return None  # ambiguous: two concepts as close
        name = best[0][0]
        entry = self._index[name][0]
        similarity = round(1.0 - top / max(len(name), len(low)), 3)
        return entry, similarity

    # ------------------------------------------------------------------------------- the call
    def __call__(self, doc: Doc) -> Doc:
        covered = [False] * len(doc)
        skipped = [s for k in self.skip_span_keys for s in doc.spans.get(k, [])]
        if self.skip_ents:
            skipped.extend(doc.ents)
        for span in skipped:
            covered[span.start : span.end] = [True] * (span.end - span.start)
        lowers = [t.lower_ if t.is_alpha else "" for t in doc]
        spans: list[Span] = []
        sents = list(doc.sents) if doc.has_annotation("SENT_START") else [doc[:]]
        for sent in sents:
            if sent._.language not in (None, "en"):
                continue
            i = sent.start
            while i < sent.end:
                found = None
                if lowers[i] and not covered[i] and len(lowers[i]) >= 4:
                    found = self._at(doc, sent, i, lowers, covered)
                if found is None:
                    i += 1
                    continue
                spans.append(found)
                i = found.end
        doc.spans[self.spans_key] = spans
        return doc

    def _at(
        self, doc: Doc, sent: Span, i: int, lowers: list[str], covered: list[bool]
    ) -> Span | None:
        """A fuzzy match starting at token i: two tokens first, then one."""
        for n in (2, 1):
            j = i + n
            if j > sent.end or any(covered[i:j]) or not all(lowers[i:j]):
                continue
            if n == 2 and not self._bigram_candidate(lowers[i], lowers[i + 1]):
                continue
            if n == 1 and (len(lowers[i]) < self.min_length or not self.query_shape(lowers[i])):
                continue
            first = doc[i]
            proper_noun = i != sent.start and first.text[:1].isupper() and not first.is_upper
            if proper_noun and not lowers[i].endswith(self.suffixes.drug):
                continue  # a proper noun in mid-sentence, unless it ends in a real drug suffix
            found = self.match(" ".join(lowers[i:j]))
            if found is None:
                continue
            entry, similarity = found
            span = Span(doc, i, j, label=entry.label, span_id=entry.concept_id)
            span._.concept_id = entry.concept_id
            span._.concept_name = entry.canonical
            span._.source = "fuzzy"
            span._.score = similarity
            return span
        return None

    def _bigram_candidate(self, first: str, second: str) -> bool:
        """Two words worth looking up together: "dimethyl fumerate", "mycophenolate mofetyl"."""
        if min(len(first), len(second)) < 4 or first in STOP_WORDS or second in STOP_WORDS:
            return False
        if not (second in SALT_WORDS or self.query_shape(second) or self.query_shape(first)):
            return False
        if self._index is None:
            self._build()
        # a known second word is matched on its own (or by the lexicon): "oral prednisone"
        return not self._known(second)

    # ---------------------------------------------------------------------------- to/from disk
    def to_disk(self, path: str | Path, *, exclude: Any = ()) -> None:
        """Writes the names table, the suffix lists and the settings (the KB is not copied: it
        is read from `kb_path`)."""
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        lines = [f"{e.name}\t{e.concept_id}\t{e.label}\t{e.canonical}" for e in self.table]
        (path / NAMES_FILE).write_text(
            "# name\tconcept_id\tlabel\tcanonical name\n" + "".join(f"{x}\n" for x in lines),
            encoding="utf-8",
        )
        self.suffixes.write(path)
        srsly.write_json(
            path / "fuzzy.json",
            {"labels": list(self.labels), "min_length": self.min_length,
             "max_edits": self.max_edits, "spans_key": self.spans_key,
             "skip_span_keys": self.skip_span_keys, "exact_kb_aliases": self.exact_kb_aliases},
        )  # fmt: skip

    def from_disk(self, path: str | Path, *, exclude: Any = ()) -> FuzzyMatcher:
        path = Path(path)
        self.table = read_names(path / NAMES_FILE)
        if (path / DRUG_SUFFIXES_FILE).exists():  # saved before the lists were: keep the config's
            self.suffixes = Suffixes.read(path / DRUG_SUFFIXES_FILE, path / DISEASE_SUFFIXES_FILE)
        settings = path / "fuzzy.json"
        if settings.exists():
            cfg = srsly.read_json(settings)
            self.labels = tuple(cfg["labels"])
            self.min_length = int(cfg["min_length"])
            self.max_edits = int(cfg["max_edits"])
            self.spans_key = str(cfg["spans_key"])
            self.skip_span_keys = list(cfg["skip_span_keys"])
            self.exact_kb_aliases = bool(cfg.get("exact_kb_aliases", False))
        self._index = self._buckets = None
        self._cache.clear()
        return self


@Language.factory(
    "biotab_fuzzy",
    assigns=["doc.spans"],
    requires=["token.is_sent_start", "span._.language"],
    default_config={
        "kb_path": None,
        "use_kb": True,
        "names": None,
        "labels": list(LINKED),
        "min_length": DEFAULT_MIN_LENGTH,
        "max_edits": DEFAULT_MAX_EDITS,
        "spans_key": SPANS_KEY,
        "skip_span_keys": [LEXICON_SPANS_KEY],
        "common_words_path": None,
        "drug_suffixes_path": None,
        "disease_suffixes_path": None,
        "exact_kb_aliases": False,
        "skip_ents": True,
    },
)
def make_fuzzy(
    nlp: Language,
    name: str,
    *,
    kb_path: str | None,
    use_kb: bool,
    names: list[list[str]] | None,
    labels: list[str],
    min_length: int,
    max_edits: int,
    spans_key: str,
    skip_span_keys: list[str],
    common_words_path: str | None,
    drug_suffixes_path: str | None,
    disease_suffixes_path: str | None,
    exact_kb_aliases: bool,
    skip_ents: bool,
) -> FuzzyMatcher:
    return FuzzyMatcher(
        nlp,
        name,
        kb_path=kb_path,
        use_kb=use_kb,
        names=names,
        labels=labels,
        min_length=min_length,
        max_edits=max_edits,
        spans_key=spans_key,
        skip_span_keys=skip_span_keys,
        common_words_path=common_words_path,
        drug_suffixes_path=drug_suffixes_path,
        disease_suffixes_path=disease_suffixes_path,
        exact_kb_aliases=exact_kb_aliases,
        skip_ents=skip_ents,
    )
