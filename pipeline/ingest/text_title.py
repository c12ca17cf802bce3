"""A plain-text document's title line, and lines about an article rather than of it.

Reads `rules/text_metadata.jsonl` (once), the one file describing a metadata line: patterns of
the lines web and journal article dumps carry around an article, each of a kind. Writes nothing.
Its readers each read their own kinds: the title (below) and `biotab_sections` (headings and
back matter) the `TITLE_KINDS`: citation counts ("Web of Science: 51 citations"), identifiers
(DOI, PMID, ISSN), journal/volume lines ("Vol. 14, Issue 6", "2012;14(6):R265"), licence and
copyright lines, banners ("Original Article") and bare links; `biotab_mention_filter` the kinds
its rules name (`MetadataRules.union`: record labels, copyright, author, affiliation,
reference and journal lines).

The title of a text is its first non-empty line that holds a letter and that no pattern
matches (in its first `METADATA_LINE_CHARS` characters), among its first `TITLE_SEARCH_LINES`
non-empty lines; when each of those is metadata, the first non-empty line (what it was before
these patterns). `ingest/text.py` takes it, without a Markdown heading's "#" marks, as
`documents.title`; `biotab_sections` labels that line "Title" and gives the lines before it no
section.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from pipeline.paths import rule_file
from pipeline.rules import RuleError, check_entry, compile_regex, read_jsonl

DEFAULT_RULES = rule_file("text_metadata.jsonl")
#: The kinds the title and `biotab_sections` read, in the order their union tries them.
TITLE_KINDS = ("metric", "identifier", "citation", "licence", "banner", "link")
#: The kinds only other readers name (`biotab_mention_filter`, rules/mention_filter.jsonl).
OTHER_KINDS = ("record", "copyright", "author", "affiliation", "reference", "journal")
KINDS = TITLE_KINDS + OTHER_KINDS
# A line as `str.splitlines` cuts them.
_LINE = re.compile("[^\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]+")
#: A metadata line (`is_metadata_line`), not a sentence of the article: the metadata patterns
#: find something in it, and they cover at least MOSTLY_METADATA of it ("PMID: 23217273": 1.0)
#: or it has fewer than PROSE_LINE_WORDS lower-case words ("Received: 3 May 2015; Accepted: 10
#: June 2015": none; "Published in: Arthritis research & therapy": 3). A sentence that holds a
#: figure or a citation is none ("A depth of 30 reads per base was enough ...": 0.14, 10 words).
MOSTLY_METADATA = 0.5
PROSE_LINE_WORDS = 4
#: How many non-empty lines at a text's start may be metadata before its title.
TITLE_SEARCH_LINES = 10
#: A line longer than this is body text, never a title (the longest PubMed titles are about
#: 600 characters).
MAX_TITLE_CHARS = 2000
#: A line is metadata when its start, this many characters, is: a paragraph ending with
#: "©2016 AACR." is no metadata line (and a long line is not searched to its end).
METADATA_LINE_CHARS = 300


@dataclass(frozen=True)
class MetadataRules:
    """The rules of a `text_metadata.jsonl` file (`records`, as read, for a component to save)
    and the patterns of the title's kinds compiled: `any` matches a line of any `TITLE_KINDS`,
    `licence` a licence or copyright line."""

    source: str
    records: tuple[dict[str, Any], ...]
    any: re.Pattern[str] = field(compare=False)
    licence: re.Pattern[str] = field(compare=False)

    def union(self, kinds: Iterable[str], *, where: str) -> re.Pattern[str]:
        """One pattern matching what any pattern of `kinds` matches (file order); RuleError
        naming `where` for a name that is no kind."""
        kinds = list(kinds)
        for kind in kinds:
            if kind not in KINDS:
                raise RuleError(f"{where}: {kind!r} is no kind of {self.source} (expected some "
                                f"of {list(KINDS)})")
        return _union([r["pattern"] for r in self.records if r["kind"] in kinds])


def read_rules(path: Path) -> MetadataRules:
    """The rules of `path` (keys "kind", "pattern", "example", optional "note"); RuleError
    naming the file, line and key for an unknown key or kind, a value of another type, a
    pattern that does not compile, matches the empty string or does not match its example."""
    records: list[dict[str, Any]] = []
    for lineno, rule in read_jsonl(path):
        where = f"{path}:{lineno}"
        check_entry(
            rule, where=where, required={"kind": str, "pattern": str, "example": str},
            optional={"note": str}, choices={"kind": KINDS},
        )
        pattern = compile_regex(rule, "pattern", where=where, flags=re.IGNORECASE,
                                nonempty=True, joined=True)
        if not pattern.search(rule["example"]):
            raise RuleError(f"{where}: key 'pattern' does not match its 'example'")
        records.append(rule)
    # the title's union tries the kinds in TITLE_KINDS order (it decides what `finditer` finds)
    title = [r["pattern"] for kind in TITLE_KINDS for r in records if r["kind"] == kind]
    licence = [r["pattern"] for r in records if r["kind"] == "licence"]
    return MetadataRules(str(path), tuple(records), any=_union(title), licence=_union(licence))


def _union(patterns: list[str]) -> re.Pattern[str]:
    # (?!) matches nothing: a kind without patterns
    return re.compile("|".join(f"(?:{p})" for p in patterns) or "(?!)", re.IGNORECASE)


@lru_cache(maxsize=1)
def default_rules() -> MetadataRules:
    return read_rules(DEFAULT_RULES)


def configured_rules(path: str | None) -> tuple[MetadataRules, Path | None]:
    """The rules a component's `metadata_rules_path` config names (None: the shipped ones),
    and that path when no file is there: a saved pipeline is built from its config before its
    `from_disk` loads the rules saved with it, so a file since moved is no error yet; the shipped
    rules stand in, and the component refuses to run (`missing_rules_error`) until `from_disk`
    has replaced them."""
    if path is None:
        return default_rules(), None
    if not Path(path).exists():
        return default_rules(), Path(path)
    return read_rules(Path(path)), None


def missing_rules_error(component: str, path: Path) -> FileNotFoundError:
    return FileNotFoundError(
        f"{component}: metadata_rules_path {str(path)!r} does not exist (and no rules saved "
        "with the component were loaded)"
    )


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
    `MOSTLY_METADATA`): how `biotab_sections` tells trailing back matter from prose."""
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
    """Start and end offsets in `text` of its title line, stripped (module docstring): the
    first line when only metadata lines come before a line longer than MAX_TITLE_CHARS (body
    text); None for a text without a non-empty line or whose first one is such a line."""
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
        if len(stripped) > MAX_TITLE_CHARS:
            break  # body text, not a title (a 20 MB first line was the document's title)
        if first is None:
            first = span
        head = stripped[:METADATA_LINE_CHARS]
        if any(c.isalpha() for c in head) and not is_metadata(head, rules):
            return span
        seen += 1
        if seen >= TITLE_SEARCH_LINES:
            break
    return first


#: A Markdown (ATX) heading's marks: "# " before the words, and any closing "#"s after them
_HEADING_MARKS = re.compile(r"^#{1,6}[ \t]+(?P<words>.*?)(?:[ \t]+#+)?$")


def title_of(text: str, rules: MetadataRules | None = None) -> str | None:
    """The title line of `text` (`title_span`) without a Markdown heading's marks, or None;
    also None when that line is a section heading (`is_section_heading`: "From the
    Guidelines", "Abstract", "BACKGROUND:"): the text opens with its body, the heading labels
    its first section (`biotab_sections` reads it so), and the line under it is body text,
    not the article's title either."""
    span = title_span(text, rules)
    if span is None:
        return None
    line = text[span[0] : span[1]]
    heading = _HEADING_MARKS.match(line)
    words = heading.group("words") if heading and heading.group("words") else line
    return None if is_section_heading(words) else words


#: The section headings `biotab_sections` knows, each with its variants (read here as words
#: only: a line that is one of them is no title).
SECTION_HEADINGS = rule_file("section_headings.jsonl")


def read_section_headings(path: Path) -> list[dict[str, Any]]:
    """The entries of a section headings file (`SECTION_HEADINGS` or one `biotab_sections`
    is given or saved); RuleError naming the file and line for an entry without a "section"
    string and a non-empty "variants" list of non-empty strings."""
    rules = []
    for lineno, rule in read_jsonl(path):
        where = f"{path}:{lineno}"
        check_entry(rule, where=where, required={"section": str, "variants": list})
        if not rule["variants"] or not all(isinstance(v, str) and v for v in rule["variants"]):
            raise RuleError(f"{where}: key 'variants' must be a non-empty list of strings")
        rules.append(rule)
    return rules


@lru_cache(maxsize=1)
def _section_headings() -> frozenset[str]:
    """Every variant of `SECTION_HEADINGS`, case-folded (`read_section_headings`)."""
    return frozenset(v.casefold() for rule in read_section_headings(SECTION_HEADINGS)
                     for v in rule["variants"])


def is_section_heading(line: str) -> bool:
    """Whether `line` is a known section heading alone ("From the Guidelines", "ABSTRACT",
    "Background:"), as `biotab_sections` reads headings."""
    words = " ".join(line.strip().rstrip(":").split()).casefold()
    return bool(words) and words in _section_headings()
