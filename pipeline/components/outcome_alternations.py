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
    lexicon build theirs with it. Words of lower-case ASCII are written as a tree of their
    shared beginnings (`_prefix_tree`): the same matches, in the same order of preference."""
    ordered = longest_first(words)
    if len(ordered) > 1 and all(w and w.isascii() and w == w.lower() for w in ordered):
        return _prefix_tree(ordered)
    return "|".join(re.escape(w) for w in ordered)


# The key of a `_prefix_tree` node under which a word ends there (no character is empty).
_END = ""


def _prefix_tree(words: list[str]) -> str:
    """ "seventeen|seventy|seven|six" as "s(?:even(?:t(?:een|y))?|ix)": the alternation with each
    shared beginning written once, so that the regex engine tries one branch a next character,
    not one a word (an alternation of a hundred words, tried at every position of a sentence,
    cost about 30% more instructions over the lexicon's regexes). It finds what the flat
    alternation finds, in its order: two words match at one position only where one begins
    the other (two different lower-case ASCII characters match no common character, in any
    case mode), and the tree tries the longer first, as `longest_first` orders them (where a
    word ends, the rest of its branch is optional and greedy)."""
    root: dict[str, Any] = {}
    for w in words:
        node = root
        for c in w:
            node = node.setdefault(c, {})
        node[_END] = {}
    return _branches(root)


def _branches(node: dict[str, Any]) -> str:
    """The alternation of the branches below a `_prefix_tree` node, one a next character."""
    out = []
    for c in sorted(k for k in node if k != _END):
        child = node[c]
        rest = _branches(child)
        if rest and _END in child:
            rest = f"(?:{rest})?"  # (a word ends here: its longer words first)
        elif rest and sum(1 for k in child if k != _END) > 1:
            rest = f"(?:{rest})"
        out.append(re.escape(c) + rest)
    return "|".join(out)


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
