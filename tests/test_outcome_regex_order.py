"""The outcome lexicon's regexes are the same in every process: alternations list words of one
length in a fixed order (`outcome_lexicon_attach.longest_first`), not in the order a set of
strings iterates, which Python's hash seed changes from one process to the next. Two processes
with different seeds build the lexicon from the shipped word lists and compare every pattern."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys

from pipeline.components.outcome_lexicon_attach import alt, alt_spaced, longest_first

_DUMP = """
import re
from pipeline.components.outcome_lexicon import Lexicon
from pipeline.components.outcome_rules import LEXICON_FILE, load_lexicon, resolve

seen, patterns = set(), []

def walk(obj, path, depth=0):
    if id(obj) in seen or depth > 4:
        return
    seen.add(id(obj))
    for key, value in sorted(vars(obj).items()):
        if isinstance(value, re.Pattern):
            patterns.append(f"{path}.{key}\\t{value.pattern}")
        elif hasattr(value, "__dict__") and type(value).__module__.startswith("pipeline"):
            walk(value, f"{path}.{key}", depth + 1)

walk(Lexicon(load_lexicon(resolve(LEXICON_FILE))), "lexicon")
print(len(patterns))
print("\\n".join(patterns))
"""


def _patterns(seed: str) -> list[str]:
    env = {**os.environ, "PYTHONHASHSEED": seed}
    out = subprocess.run([sys.executable, "-c", _DUMP], env=env, capture_output=True,
                         text=True, check=True).stdout
    return out.splitlines()


def test_the_lexicon_regexes_do_not_depend_on_the_hash_seed() -> None:
    first, second = _patterns("1"), _patterns("2")
    assert int(first[0]) > 100  # the lexicon's regexes were found
    assert hashlib.sha256("\n".join(first).encode()).hexdigest() == hashlib.sha256(
        "\n".join(second).encode()).hexdigest(), [
        a for a, b in zip(first, second, strict=False) if a != b][:3]


def test_longest_first_orders_words_of_one_length_alphabetically() -> None:
    words = frozenset({"per cent", "OR", "HR", "percent", "RR", "hazard ratio"})
    assert longest_first(words) == ["hazard ratio", "per cent", "percent", "HR", "OR", "RR"]
    assert alt(["B", "A", "AB"]) == "AB|A|B"
    # (lower-case ASCII words: the tree of their shared beginnings, the longer first)
    assert alt(["b", "a", "ab"]) == "a(?:b)?|b"
    assert alt_spaced(["per cent", "pct"]) == r"per\s+cent|pct"
