"""SpanRuler patterns of the KB (`patterns.jsonl.gz`): validation and loading.

`load_patterns` reads a JSONL file (optionally gzipped) of `{"label", "pattern", "id"}` rows and
checks every row (`pattern_problem`), naming the file, the line, the bad key and what was
expected. Re-exported by `pipeline.kb`.
"""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path
from typing import Any

from pipeline.labels import LABELS
from pipeline.paths import kb_dir

PATTERNS_FILE = "patterns.jsonl.gz"

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
