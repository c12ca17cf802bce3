"""Word lists as regex alternations: the helpers the outcomes lexicon's regex modules build
their patterns with (`alt`: escaped, longest first; `alt_spaced`: a space matches any white
space), and the list-joining words of the `list_connectors` list."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any


def longest_first(words: Iterable[str]) -> list[str]:
    """`words` without repeats, the longest first (so that in an alternation a longer phrase
    wins over its prefix), words of one length in alphabetical order: the same regex in every
    process, whatever the hash seed ordered a set by."""
    return sorted(set(words), key=lambda w: (-len(w), w))


def alt(words: Iterable[str]) -> str:
    """A regex alternation of `words`, escaped, `longest_first`; the regex modules of the
    lexicon build theirs with it."""
    return "|".join(re.escape(w) for w in longest_first(words))


def alt_spaced(words: Iterable[str]) -> str:
    """Like `alt`, but a space in a phrase matches any run of white space ("per cent")."""
    return "|".join(
        re.escape(w).replace("\\ ", r"\s+") for w in longest_first(words)
    )


def receptor_status(words: Iterable[str], statuses: Iterable[str]) -> str:
    """The regex (to search in any case) of a receptor and its status ("ER positive", "estrogen
    receptor-negative", "HER2+"), from the `receptor_words` and `receptor_status_words` lists:
    a bare receptor abbreviation needs its status ("had a PR" is a partial response)."""
    return rf"(?:{alt_spaced(words)})[\s-]*(?:{alt_spaced(statuses)})"


def joiner_words(data: dict[str, Any]) -> frozenset[str]:
    """The `list_connectors` words that join names or figures into a list or a comparison
    ("and", "or", "vs", "versus"): not punctuation, nor a respectively word."""
    return (frozenset(w.lower() for w in data["list_connectors"])
            - frozenset(w.lower() for w in data["respectively_words"]) - {",", "."})  # fmt: skip


def list_words(data: dict[str, Any]) -> frozenset[str]:
    """The `joiner_words` that compare nothing ("and", "or"): a list's, not a comparison's."""
    return joiner_words(data) - frozenset(w.lower() for w in data["comparison_connectors"])
