"""A plain-text document's title line, and lines about an article rather than of it.

Reads `rules/text_metadata.jsonl` (once), the one description of a metadata line: patterns of
the lines web and journal article dumps carry around an article: citation counts ("Web of
Science: 51 citations"), identifiers (DOI, PMID, ISSN), journal/volume lines ("Vol. 14, Issue
6", "2012;14(6):R265") and record labels ("Published in:", "Keywords:", "Funding:"), licence
and copyright lines, banners ("Original Article"), bare links, author and affiliation lines and
numbered references. Writes nothing. Its users: the title (below), `biotab_sections` (headings
and back matter) and `biotab_mention_filter` (no mentions on a metadata line).

The title of a text is its first non-empty line that holds a letter and that no pattern
matches (in its first `METADATA_LINE_CHARS` characters), among its first `TITLE_SEARCH_LINES`
non-empty lines; when each of those is metadata, the first non-empty line (what it was before
these patterns). `ingest/text.py` takes it as
`documents.title`; `biotab_sections` labels that line "Title" and gives the lines before it no
section.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from pipeline.paths import rule_file
from pipeline.rules import RuleError, check_entry, compile_regex, read_jsonl

DEFAULT_RULES = rule_file("text_metadata.jsonl")
KINDS = (
    "metric", "identifier", "citation", "licence", "banner", "link", "author", "affiliation",
    "reference",
)
# A line as `str.splitlines` cuts them.
_LINE = re.compile("[^\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]+")
#: A metadata line (`is_metadata_line`), not a sentence of the article: a pattern marked
#: `whole_line` finds something in it ("Keywords: ...", "Department of ..., Lyon, France."), or
#: the metadata patterns find something in it, and they cover at least MOSTLY_METADATA of it
#: ("PMID: 23217273": 1.0) or it has fewer than PROSE_LINE_WORDS lower-case words ("Cancer
#: Epidemiol Biomarkers Prev; 25(5); 799-806.": none; "Arthritis research & therapy, Vol. 14":
#: 2). A sentence that holds a figure or a citation is none ("A depth of 30 reads per base was
#: enough ...": 0.14, 10 words).
MOSTLY_METADATA = 0.5
PROSE_LINE_WORDS = 4
#: How many non-empty lines at a text's start may be metadata before its title.
TITLE_SEARCH_LINES = 10
#: A line is metadata when its start, this many characters, is: a paragraph ending with
#: "©2016 AACR." is no metadata line (and a long line is not searched to its end).
METADATA_LINE_CHARS = 300


@dataclass(frozen=True)
class MetadataRules:
    """The compiled patterns of `rules/text_metadata.jsonl`: `any` matches a line of any kind,
    `licence` a licence or copyright line, `line` a line that is metadata as a whole (the
    patterns marked `whole_line`)."""

    any: re.Pattern[str]
    licence: re.Pattern[str]
    line: re.Pattern[str]


def read_rules(path: Path) -> MetadataRules:
    """The rules of `path` (keys "kind", "pattern", "example", optional "whole_line" and
    "note"); RuleError naming the line and key for an unknown key or kind, a value of another
    type, a pattern that does not compile or one that does not match its example."""
    by_kind: dict[str, list[str]] = {kind: [] for kind in KINDS}
    whole: list[str] = []
    for lineno, rule in read_jsonl(path):
        where = f"{path}:{lineno}"
        check_entry(
            rule, where=where, required={"kind": str, "pattern": str, "example": str},
            optional={"whole_line": bool, "note": str}, choices={"kind": KINDS},
        )
        pattern = compile_regex(rule, "pattern", where=where, flags=re.IGNORECASE)
        if not pattern.search(rule["example"]):
            raise RuleError(f"{where}: key 'pattern' does not match its 'example'")
        by_kind[rule["kind"]].append(rule["pattern"])
        if rule.get("whole_line", False):
            whole.append(rule["pattern"])
    every = [p for patterns in by_kind.values() for p in patterns]
    return MetadataRules(
        any=_union(every), licence=_union(by_kind["licence"]), line=_union(whole)
    )


def _union(patterns: list[str]) -> re.Pattern[str]:
    # (?!) matches nothing: a kind without patterns
    return re.compile("|".join(f"(?:{p})" for p in patterns) or "(?!)", re.IGNORECASE)


@lru_cache(maxsize=1)
def default_rules() -> MetadataRules:
    return read_rules(DEFAULT_RULES)


def is_metadata(line: str, rules: MetadataRules | None = None) -> bool:
    """Whether `line` (one line or sentence) is about the article rather than of it."""
    return (rules or default_rules()).any.search(line) is not None


def metadata_share(line: str, rules: MetadataRules | None = None) -> float:
    """The share of `line`'s characters (stripped) that the metadata patterns match: 1 for
    "PMID: 23217273" or "Adapted from Medscape", 0.14 for "A depth of 30 reads per base was
    enough to call copy-number changes." (a sentence that holds a "metric")."""
    text = line.strip()
    if not text:
        return 0.0
    found = sum(m.end() - m.start() for m in (rules or default_rules()).any.finditer(text))
    return min(found / len(text), 1.0)


def is_metadata_line(line: str, rules: MetadataRules | None = None) -> bool:
    """Whether `line` is a line about the article rather than a sentence of it (see
    `MOSTLY_METADATA`): how `biotab_sections` tells trailing back matter from prose and
    `biotab_mention_filter` the lines that hold no mention."""
    rules = rules or default_rules()
    if rules.line.search(line):
        return True
    if not is_metadata(line, rules):
        return False
    if metadata_share(line, rules) >= MOSTLY_METADATA:
        return True
    prose = sum(1 for w in line.split() if (t := w.strip(".,;:!?()[]\"'")).isalpha()
                and t.islower())
    return prose < PROSE_LINE_WORDS


def is_licence(line: str, rules: MetadataRules | None = None) -> bool:
    """Whether `line` is a licence or copyright line."""
    return (rules or default_rules()).licence.search(line) is not None


def title_span(text: str, rules: MetadataRules | None = None) -> tuple[int, int] | None:
    """Start and end offsets in `text` of its title line, stripped (module docstring); None
    for a text without a non-empty line."""
    rules = rules or default_rules()
    first: tuple[int, int] | None = None
    seen = 0
    for match in _LINE.finditer(text):
        line = match.group()
        stripped = line.strip()
        if not stripped:
            continue
        start = match.start() + len(line) - len(line.lstrip())
        span = (start, start + len(stripped))
        if first is None:
            first = span
        head = stripped[:METADATA_LINE_CHARS]
        if any(c.isalpha() for c in head) and not is_metadata(head, rules):
            return span
        seen += 1
        if seen >= TITLE_SEARCH_LINES:
            break
    return first


def title_of(text: str, rules: MetadataRules | None = None) -> str | None:
    """The title line of `text` (`title_span`), or None."""
    span = title_span(text, rules)
    return None if span is None else text[span[0] : span[1]]
