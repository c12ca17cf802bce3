"""`biotab_sections`: which section of the document each sentence belongs to.

Reads: sentence boundaries (`doc.sents`) and the text. Writes: `Span._.section` on every
sentence (`None` before the first heading). A heading is a known heading word at the start of a
sentence ("Abstract:", "Methods:", "Results:", "Conclusion:", "From the Research"), an all-caps
label followed by a colon ("OBJECTIVES:"), or a short title-like line standing on its own.
Chained headings ("Abstract: Results: One patient ...") take the innermost one. The document's
first line, when it stands alone, is the "Title".
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import srsly
from spacy.language import Language
from spacy.tokens import Doc, Span

from pipeline.extensions import doc_text  # (the import registers Span._.section)
from pipeline.paths import rule_file
from pipeline.rules import RuleError, check_entry, load_rules

DEFAULT_RULES = rule_file("section_headings.jsonl")
_RULE_KEYS: dict[str, Any] = {"section": str, "variants": list}

_CAPS_HEADING = re.compile(r"^\s*([A-Z][A-Z0-9 ,&/\-']{2,60}?)\s*:\s*")
_TERMINAL = re.compile(r"[.!?;:,]\s*$")
# Title-like heading lines are words, not metadata: no digits, colons, commas or symbols.
_NOT_HEADING_CHARS = re.compile(r"[0-9:,;>|/@=+*_]")
_MAX_TITLE_LINE_WORDS = 14


def _validate(rules: list[dict[str, Any]], where: str) -> list[dict[str, Any]]:
    for i, rule in enumerate(rules, start=1):
        check_entry(rule, where=f"{where}:{i}", required=_RULE_KEYS)
        if not rule["variants"] or not all(isinstance(v, str) and v for v in rule["variants"]):
            raise RuleError(f"{where}:{i}: key 'variants' must be a non-empty list of strings")
    return rules


class SectionTagger:
    """Assigns a section name to every sentence from heading lines."""

    def __init__(self, nlp: Language, name: str, *, rules_path: str | None = None) -> None:
        self.name = name
        path = Path(rules_path) if rules_path else DEFAULT_RULES
        self._set_rules(_validate(load_rules(path, required=_RULE_KEYS), str(path)))

    def _set_rules(self, rules: list[dict[str, Any]]) -> None:
        self.rules = rules
        self._canonical: dict[str, str] = {}
        for rule in rules:
            for variant in rule["variants"]:
                self._canonical[variant.lower()] = rule["section"]
        alternatives = "|".join(
            re.escape(v) for v in sorted(self._canonical, key=len, reverse=True)
        )
        # A known heading followed by a colon, or standing alone on its line.
        self._known = re.compile(
            rf"^\s*(?:#+\s*)?({alternatives})\s*(?::\s*|\n|$)", re.IGNORECASE
        )

    def _leading_headings(self, text: str) -> tuple[str | None, int]:
        """Innermost heading at the start of `text` and how many chars the headings take."""
        section: str | None = None
        pos = 0
        while True:
            rest = text[pos:]
            match = self._known.match(rest)
            if match:
                section = self._canonical[match.group(1).lower()]
            else:
                match = _CAPS_HEADING.match(rest)
                if match and self._is_caps_heading(rest, match):
                    section = match.group(1).strip().title()
                else:
                    return section, pos
            pos += match.end()

    @staticmethod
    def _is_caps_heading(rest: str, match: re.Match[str]) -> bool:
        """"OBJECTIVES: To assess ..." is a heading; "PMID: 23217273" is a metadata label."""
        label = match.group(1).strip()
        if sum(c.isalpha() for c in label) < 4:
            return False
        following = rest[match.end() :].split("\n", 1)[0].split()
        return len(following) == 0 or len(following) >= 3

    def heading_of(self, sent: Span, is_first: bool) -> str | None:
        """The section this sentence opens, or None if it is not a heading."""
        return self._heading_at(doc_text(sent.doc), sent.start_char, sent.end_char, is_first)

    def _heading_at(
        self, whole: str, start_char: int, end_char: int, is_first: bool
    ) -> str | None:
        """`heading_of` the sentence at these offsets of the doc's text (`whole`)."""
        text = whole[start_char:end_char]
        section, _ = self._leading_headings(text)
        if section is not None:
            return section
        line = text.strip()
        after = whole[end_char : end_char + 1]
        ends_line = "\n" in text[len(text.rstrip()) :] or after in ("", "\n")
        if (
            line
            and "\n" not in line
            and ends_line
            and not _TERMINAL.search(line)
            and (is_first or not _NOT_HEADING_CHARS.search(line))
            and len(line.split()) <= _MAX_TITLE_LINE_WORDS
            and line[0].isupper()
        ):
            line = line.lstrip("#").strip()
            return "Title" if is_first else line
        return None

    def __call__(self, doc: Doc) -> Doc:
        text = doc_text(doc)
        current: str | None = None
        for i, sent in enumerate(doc.sents):
            heading = self._heading_at(text, sent.start_char, sent.end_char, is_first=i == 0)
            if heading == "Title":
                # The title labels only itself; the body after it has no section yet.
                sent._.section = heading
                continue
            if heading is not None:
                current = heading
            sent._.section = current
        return doc

    def to_disk(self, path: str | Path, *, exclude: Any = ()) -> None:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        srsly.write_jsonl(path / "section_headings.jsonl", self.rules)

    def from_disk(self, path: str | Path, *, exclude: Any = ()) -> SectionTagger:
        file = Path(path) / "section_headings.jsonl"
        self._set_rules(_validate(load_rules(file, required=_RULE_KEYS), str(file)))
        return self


@Language.factory("biotab_sections", default_config={"rules_path": None})
def make_sections(nlp: Language, name: str, *, rules_path: str | None) -> SectionTagger:
    return SectionTagger(nlp, name, rules_path=rules_path)
