"""The compiled knowledge base (MeSH + HGNC + brand names) and its loader.

`biotab kb build` (see `pipeline/kb/build.py`) compiles `models/kb/`; this module reads it:

    from pipeline.kb import KnowledgeBase, normalize_term, load_patterns
    kb = KnowledgeBase.load()              # cached per process
    kb.concepts["MESH:D000077271"]          # -> Concept
    kb.lookup("Aldara")                     # -> [Concept(Imiquimod)]

`normalize_term` is the one normalizer shared by the build, the loader, the linker and the fuzzy
matcher, so that an alias normalized at build time and a mention normalized at run time meet.
"""

from __future__ import annotations

import gzip
import json
import re
import threading
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline.labels import DRUG, LABELS
from pipeline.paths import kb_dir

__all__ = [
    "LABELS",
    "Concept",
    "KnowledgeBase",
    "index_entries",
    "load_patterns",
    "normalize_term",
    "strip_salts",
]


CONCEPTS_FILE = "concepts.jsonl.gz"
PATTERNS_FILE = "patterns.jsonl.gz"
INDEX_FILE = "index.tsv.gz"
MANIFEST_FILE = "manifest.json"

# Greek letters (both cases, plus the micro sign and final sigma) -> their names.
_GREEK = {
    "α": "alpha", "β": "beta", "γ": "gamma", "δ": "delta", "ε": "epsilon", "ζ": "zeta",
    "η": "eta", "θ": "theta", "ι": "iota", "κ": "kappa", "λ": "lambda", "μ": "mu", "µ": "mu",
    "ν": "nu", "ξ": "xi", "ο": "omicron", "π": "pi", "ρ": "rho", "σ": "sigma", "ς": "sigma",
    "τ": "tau", "υ": "upsilon", "φ": "phi", "χ": "chi", "ψ": "psi", "ω": "omega",
}  # fmt: skip

# British -> American spellings (substring replacements after casefolding).
_SPELLING = (
    ("tumour", "tumor"), ("haem", "hem"), ("aemia", "emia"), ("oedema", "edema"),
    ("oesophag", "esophag"), ("oestr", "estr"), ("diarrhoea", "diarrhea"), ("paediatr", "pediatr"),
    ("anaesthe", "anesthe"), ("caesarean", "cesarean"), ("foetal", "fetal"), ("coeliac", "celiac"),
    ("dyspnoea", "dyspnea"), ("ischaem", "ischem"), ("orthopaed", "orthoped"),
    ("leucocyt", "leukocyt"), ("sulph", "sulf"),
)  # fmt: skip

# Salt / ester / hydrate words that a drug name may carry ("fingolimod hydrochloride").
SALT_WORDS = frozenset(
    [
        "hydrochloride",
        "dihydrochloride",
        "hcl",
        "hydrobromide",
        "sodium",
        "disodium",
        "potassium",
        "dipotassium",
        "calcium",
        "magnesium",
        "acetate",
        "diacetate",
        "succinate",
        "hemisuccinate",
        "maleate",
        "fumarate",
        "hemifumarate",
        "tartrate",
        "bitartrate",
        "citrate",
        "mesylate",
        "mesilate",
        "dimesylate",
        "besylate",
        "besilate",
        "tosylate",
        "sulfate",
        "sulphate",
        "bisulfate",
        "phosphate",
        "diphosphate",
        "monohydrate",
        "dihydrate",
        "trihydrate",
        "hydrate",
        "sesquihydrate",
        "hemihydrate",
        "anhydrous",
        "bromide",
        "chloride",
        "iodide",
        "nitrate",
        "lactate",
        "gluconate",
        "stearate",
        "palmitate",
        "propionate",
        "dipropionate",
        "valerate",
        "butyrate",
        "benzoate",
        "salicylate",
        "pamoate",
        "embonate",
        "hyclate",
        "trometamol",
        "tromethamine",
        "meglumine",
        "free",
        "base",
        "salt",
        "mofetil",
        "axetil",
        "medoxomil",
        "pivoxil",
        "proxetil",
        "cilexetil",
    ]
)

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
    if any(ch in _GREEK for ch in s):
        s = "".join(f" {_GREEK[ch]} " if ch in _GREEK else ch for ch in s)
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


@dataclass(frozen=True, slots=True)
class Concept:
    concept_id: str
    name: str
    label: str
    aliases: tuple[str, ...] = ()
    tree_numbers: tuple[str, ...] = ()
    hgnc_id: str | None = None
    hgnc_symbol: str | None = None

    @property
    def canonical_name(self) -> str:
        return self.name

    @classmethod
    def from_json(cls, obj: dict[str, Any]) -> Concept:
        return cls(
            concept_id=obj["concept_id"],
            name=obj["canonical_name"],
            label=obj["label"],
            aliases=tuple(obj.get("aliases") or ()),
            tree_numbers=tuple(obj.get("tree_numbers") or ()),
            hgnc_id=obj.get("hgnc_id"),
            hgnc_symbol=obj.get("hgnc_symbol"),
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "concept_id": self.concept_id,
            "canonical_name": self.name,
            "label": self.label,
            "aliases": list(self.aliases),
            "tree_numbers": list(self.tree_numbers),
            "hgnc_id": self.hgnc_id,
            "hgnc_symbol": self.hgnc_symbol,
        }


def concept_priority(concept: Concept) -> tuple[int, str]:
    """Sort key for lookup results: HGNC cytokine genes, then MeSH descriptors, then supplements."""
    cid = concept.concept_id
    if cid.startswith("HGNC:"):
        rank = 0
    elif cid.startswith("MESH:D"):
        rank = 1
    else:
        rank = 2
    return (rank, cid)


class _LazyConcepts(Mapping[str, Concept]):
    """concept id -> Concept, parsed from its JSON line on first access (fast KB loading)."""

    def __init__(self, raw: dict[str, str]) -> None:
        self._raw = raw
        self._parsed: dict[str, Concept] = {}

    def __getitem__(self, concept_id: str) -> Concept:
        concept = self._parsed.get(concept_id)
        if concept is None:
            concept = Concept.from_json(json.loads(self._raw[concept_id]))
            self._parsed[concept_id] = concept
        return concept

    def __iter__(self) -> Iterator[str]:
        return iter(self._raw)

    def __len__(self) -> int:
        return len(self._raw)

    def __contains__(self, concept_id: object) -> bool:
        return concept_id in self._raw

    def labels(self) -> dict[str, str]:
        """concept id -> label, without parsing the records."""
        out: dict[str, str] = {}
        for cid, line in self._raw.items():
            # A JSON string cannot hold an unescaped quote: this key cannot match inside a name.
            found = _LABEL_FIELD.search(line)
            out[cid] = found.group(1) if found else self[cid].label
        return out


_LABEL_FIELD = re.compile(r'"label":\s*"([A-Z_]+)"')


def index_entries(concepts: Iterable[Concept]) -> dict[str, list[str]]:
    """The lookup index: normalized alias -> concept ids (priority order).

    Keys: "<key>" the normalized alias; "~<key>" its salt-stripped form when different, for
    drugs only ("fingolimod hydrochloride" -> "~fingolimod"); "#<key>" its space-free form for
    short terms ("il 2" -> "#il2"). Written by the build to index.tsv.gz so loading needs no
    normalizing.
    """
    index: dict[str, list[str]] = {}

    def put(key: str, cid: str) -> None:
        ids = index.setdefault(key, [])
        if cid not in ids:
            ids.append(cid)

    for concept in concepts:
        for term in (concept.name, *concept.aliases):
            key = normalize_term(term)
            if not key:
                continue
            put(key, concept.concept_id)
            stripped = strip_salts(key)
            # Salts are a drug matter: "phosphate diabetes" must not answer for "diabetes".
            if stripped != key and concept.label == DRUG:
                put("~" + stripped, concept.concept_id)
            if " " in key and len(key) <= COMPACT_MAX_CHARS:
                put("#" + compact_key(key), concept.concept_id)
    return {k: sorted(v, key=_id_priority) for k, v in index.items()}


COMPACT_MAX_CHARS = 24


def _id_priority(cid: str) -> tuple[int, str]:
    return (0 if cid.startswith("HGNC:") else 1 if cid.startswith("MESH:D") else 2, cid)


class KnowledgeBase:
    """Concepts by id plus an exact-match index on normalized aliases."""

    def __init__(
        self,
        concepts: Mapping[str, Concept],
        path: Path | None = None,
        manifest: dict[str, Any] | None = None,
    ) -> None:
        self.concepts = concepts
        self.path = path
        self.manifest = manifest or {}
        self._index: dict[str, str] | None = None
        self._labels: dict[str, str] | None = None

    def __repr__(self) -> str:
        return f"KnowledgeBase({len(self.concepts)} concepts from {self.path})"

    # ----------------------------------------------------------------------------------- load
    @classmethod
    def load(cls, path: str | Path | None = None) -> KnowledgeBase:
        """Load (once per process and path) the KB from `path` (default `models/kb/`)."""
        folder = Path(path) if path is not None else kb_dir()
        key = folder.resolve()
        with _LOCK:
            cached = _LOADED.get(key)
            if cached is None:
                cached = cls._read(folder)
                _LOADED[key] = cached
            return cached

    @classmethod
    def _read(cls, folder: Path) -> KnowledgeBase:
        file = folder / CONCEPTS_FILE
        if not file.exists():
            raise FileNotFoundError(
                f"knowledge base not found: {file} (run `biotab kb build` to compile it)"
            )
        raw: dict[str, str] = {}
        prefix = '{"concept_id":"'
        with gzip.open(file, "rt", encoding="utf-8") as fh:
            for lineno, line in enumerate(fh.read().splitlines(), 1):
                if not line:
                    continue
                if line.startswith(prefix):
                    cid = line[len(prefix) : line.index('"', len(prefix))]
                else:  # not written by our build: parse it properly
                    try:
                        cid = json.loads(line)["concept_id"]
                    except (ValueError, KeyError, TypeError) as exc:
                        raise ValueError(f"{file}:{lineno}: bad concept record: {exc}") from exc
                raw[cid] = line
        manifest: dict[str, Any] = {}
        if (folder / MANIFEST_FILE).exists():
            manifest = json.loads((folder / MANIFEST_FILE).read_text(encoding="utf-8"))
        return cls(_LazyConcepts(raw), path=folder, manifest=manifest)

    @classmethod
    def from_concepts(cls, concepts: Iterable[Concept]) -> KnowledgeBase:
        """An in-memory KB (tests, the build)."""
        return cls({c.concept_id: c for c in concepts})

    # ---------------------------------------------------------------------------------- index
    def _load_index(self) -> dict[str, str]:
        # Values stay space-separated strings, split on look-up: building 670k tuples at load
        # time costs every worker about a second of start-up for the few thousand keys a
        # corpus ever looks up.
        with _LOCK:
            if self._index is None:
                file = self.path / INDEX_FILE if self.path is not None else None
                if file is not None and file.exists():
                    with gzip.open(file, "rt", encoding="utf-8") as fh:
                        lines = fh.read().splitlines()
                    index = dict(line.split("\t", 1) for line in lines if "\t" in line)
                    index.pop("", None)
                else:
                    entries = index_entries(self.concepts.values())
                    index = {k: " ".join(v) for k, v in entries.items()}
                self._index = index
            return self._index

    def _ids_for(self, text: str) -> tuple[str, ...]:
        index = self._index if self._index is not None else self._load_index()
        key = normalize_term(text)
        if not key:
            return ()
        ids = index.get(key)
        if not ids:
            stripped = strip_salts(key)
            if stripped != key:
                ids = index.get(stripped) or index.get("~" + stripped)
            if not ids:
                ids = index.get("~" + key) or index.get("#" + compact_key(key))
        return tuple(ids.split(" ")) if ids else ()

    # ------------------------------------------------------------------------------- queries
    def lookup(self, text: str, label: str | None = None) -> list[Concept]:
        """Concepts whose name or alias equals `text` after `normalize_term`.

        Tries the full form first, then the salt-stripped form ("fingolimod hydrochloride" ->
        fingolimod; "glatiramer" -> Glatiramer Acetate), then spacing-insensitive ("IL2" = "IL-2").
        HGNC genes sort first, then MeSH descriptors, then supplementary concepts. `label`
        restricts the result.
        """
        found = [self.concepts[i] for i in self._ids_for(text) if i in self.concepts]
        if label is not None:
            found = [c for c in found if c.label == label]
        return sorted(found, key=concept_priority)

    def get(self, concept_id: str) -> Concept | None:
        return self.concepts.get(concept_id)

    def __len__(self) -> int:
        return len(self.concepts)

    def __contains__(self, concept_id: object) -> bool:
        return concept_id in self.concepts

    def by_label(self, label: str) -> Iterator[Concept]:
        return (c for c in self.concepts.values() if c.label == label)

    def concept_labels(self) -> dict[str, str]:
        """concept id -> label for every concept (computed once; no record is parsed)."""
        if self._labels is None:
            if isinstance(self.concepts, _LazyConcepts):
                self._labels = self.concepts.labels()
            else:
                self._labels = {cid: c.label for cid, c in self.concepts.items()}
        return self._labels

    def normalized_aliases(
        self, labels: Iterable[str], *, min_length: int = 1
    ) -> dict[str, dict[str, str]]:
        """For each of `labels`: every normalized name and alias of its concepts (of at least
        `min_length` characters) -> concept id.

        Read off the look-up index, so nothing is normalized (the linker's fuzzy candidates are
        built from this in every worker, and normalizing 600k aliases took 12 s). Several
        concepts sharing a normalized alias: the higher-priority one (HGNC, then descriptor, then
        supplement) wins, as in `lookup`.
        """
        wanted = list(labels)
        for label in wanted:
            if label not in LABELS:
                raise ValueError(f"unknown label {label!r}: expected one of {', '.join(LABELS)}")
        index = self._index if self._index is not None else self._load_index()
        label_of = self.concept_labels()
        out: dict[str, dict[str, str]] = {label: {} for label in wanted}
        for key, ids in index.items():
            if len(key) < min_length or key[:1] in "~#":  # "~", "#": variants, not aliases
                continue
            if " " not in ids:  # one concept (most keys)
                by_label = out.get(label_of.get(ids, ""))
                if by_label is not None:
                    by_label[key] = ids
                continue
            for cid in ids.split(" "):
                by_label = out.get(label_of.get(cid, ""))
                if by_label is not None and key not in by_label:
                    by_label[key] = cid  # ids are in priority order: the first one wins
        return out

    def aliases_for_label(self, label: str) -> dict[str, str]:
        """Every name and alias of `label` concepts, as {surface form: concept id}.

        On a clash the higher-priority concept (HGNC, then descriptor, then supplement) wins.
        Useful for fuzzy matching against a label's vocabulary. (Parses every concept: slow-ish.)
        """
        if label not in LABELS:
            raise ValueError(f"unknown label {label!r}: expected one of {', '.join(LABELS)}")
        out: dict[str, str] = {}
        for concept in sorted(self.by_label(label), key=concept_priority, reverse=True):
            for term in (concept.name, *concept.aliases):
                out[term] = concept.concept_id
        return out


_LOCK = threading.RLock()
_LOADED: dict[Path, KnowledgeBase] = {}


# ------------------------------------------------------------------------------------ patterns
_TOKEN_KEYS = {
    "ORTH", "TEXT", "LOWER", "NORM", "LEMMA", "POS", "TAG", "DEP", "SHAPE", "ENT_TYPE",
    "IS_ALPHA", "IS_DIGIT", "IS_PUNCT", "IS_SPACE", "IS_STOP", "IS_TITLE", "IS_UPPER",
    "IS_LOWER", "LIKE_NUM", "LENGTH", "OP", "REGEX", "IN", "NOT_IN", "FUZZY", "_", "SENT_START",
    "MORPH", "SPACY",
}  # fmt: skip


_CURIE = re.compile(r"(MESH|HGNC):[A-Za-z0-9]+")


def pattern_problem(obj: object) -> str | None:
    """What is wrong with one SpanRuler pattern (the key and the expectation), or None."""
    if not isinstance(obj, dict):
        return f"expected a JSON object, got {type(obj).__name__}"
    for key in ("label", "pattern", "id"):
        if key not in obj:
            return f"missing key {key!r} (expected label, pattern, id)"
    extra = set(obj) - {"label", "pattern", "id"}
    if extra:
        return f"unexpected key {sorted(extra)[0]!r} (expected only label, pattern, id)"
    label = obj["label"]
    if label not in LABELS:
        return f"key 'label' is {label!r}: expected one of {', '.join(LABELS)}"
    pattern = obj["pattern"]
    if isinstance(pattern, str):
        if not pattern.strip():
            return "key 'pattern' is empty: expected a non-empty string"
    elif isinstance(pattern, list):
        if not pattern:
            return "key 'pattern' is an empty list: expected token dicts"
        for i, tok in enumerate(pattern):
            if not isinstance(tok, dict) or not tok:
                return f"key 'pattern' token {i} is {tok!r}: expected a non-empty dict"
            if tok.keys() <= _TOKEN_KEYS:  # the common case, without a loop in Python
                continue
            bad = [k for k in tok if k.upper() not in _TOKEN_KEYS]
            if bad:
                return (
                    f"key 'pattern' token {i} has unknown attribute {bad[0]!r}: "
                    "expected spaCy Matcher token attributes (LOWER, ORTH, OP, ...)"
                )
    else:
        return (
            f"key 'pattern' is {type(pattern).__name__}: "
            "expected a non-empty string or a list of token dicts"
        )
    cid = obj["id"]
    if not isinstance(cid, str) or not _CURIE.fullmatch(cid):
        return f"key 'id' is {cid!r}: expected a CURIE like 'MESH:D000077271' or 'HGNC:6001'"
    return None


def load_patterns(path: str | Path | None = None) -> list[dict[str, Any]]:
    """Read and validate SpanRuler patterns (JSONL, optionally gzipped).

    Default: `models/kb/patterns.jsonl.gz`. Raises ValueError with the file, line number, the bad
    key and what was expected.
    """
    file = Path(path) if path is not None else kb_dir() / PATTERNS_FILE
    opener = gzip.open if file.suffix == ".gz" else open
    with opener(file, "rt", encoding="utf-8") as fh:
        numbered = [(n, line) for n, line in enumerate(fh.read().splitlines(), 1) if line.strip()]
    try:
        # one decoder call for the whole file: a worker reads ~100k patterns at start-up
        objects = json.loads("[" + ",".join(line for _, line in numbered) + "]")
    except json.JSONDecodeError:
        objects = None
    if objects is None or len(objects) != len(numbered):  # find the bad line
        objects = []
        for lineno, line in numbered:
            try:
                objects.append(json.loads(line))
            except json.JSONDecodeError as exc:
                raise ValueError(
                    f"{file}:{lineno}: not valid JSON ({exc.msg}): expected one object"
                ) from exc
    for (lineno, _), obj in zip(numbered, objects, strict=True):
        problem = pattern_problem(obj)
        if problem is not None:  # the location is formatted only for the bad line
            raise ValueError(f"{file}:{lineno}: {problem}")
    return objects
