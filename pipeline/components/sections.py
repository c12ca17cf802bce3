"""`biotab_sections`: which section of the document each sentence belongs to.

Reads: sentence boundaries (`doc.sents`), the text, `rules/section_headings.jsonl`,
`rules/section_caption_words.txt` and (through `ingest.text_title.read_rules`)
`rules/text_metadata.jsonl`, the one description of a metadata line (or `metadata_rules_path`;
its `text_title.TITLE_KINDS`, the title's).
Writes: `Span._.section` on every sentence (`None` outside the article's sections: before the
first heading, and in trailing back matter). A heading is a known heading word at the start of a
sentence ("Abstract:", "Methods:", "Results:", "Conclusion:", "From the Research"), an all-caps
label followed by a colon ("OBJECTIVES:"), or a short title-like line standing on its own that is
no image caption or alt text (it holds none of the caption words: "My default image") and no line
about the article (`text_title.is_metadata`: page furniture such as "Add a comment", an
attribution such as "Adapted from Medscape").
Chained headings ("Abstract: Results: One patient ...") take the innermost one.

The document's title line (`text_title.title_span`: its first line that is not metadata such as
"Web of Science: 51 citations", a DOI or a journal line), when it stands alone, is the "Title";
the metadata lines before it are in no section. Back matter: from a licence or copyright
sentence ("Rights: ... Creative Commons", "© 2012 Elsevier") after the title on (and the
metadata sentences right before it: "Cancer Prev Res; 9(5); 349-56. ©2016 AACR."), when
everything after it is metadata, short lines (at most `back_matter_line_words` words:
"Language: Anglès", "Favorit i Compartir") or the rest of a line the licence sentence opens,
the sentences are in no section rather than in the article's last one. So are the lines that
end the document when each stands on its own and is a metadata line rather than prose
("Adapted from Medscape", "Add a comment", "PMID: 23217273": `text_title.is_metadata_line`),
licence or not.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import srsly
from spacy.language import Language
from spacy.tokens import Doc, Span

from pipeline.components.regex_words import caseless_get
from pipeline.extensions import doc_text  # (the import registers Span._.section)
from pipeline.ingest.text_title import DEFAULT_RULES as METADATA_RULES
from pipeline.ingest.text_title import SECTION_HEADINGS as DEFAULT_RULES
from pipeline.ingest.text_title import (
    MetadataRules,
    configured_rules,
    is_licence,
    is_metadata,
    is_metadata_line,
    missing_rules_error,
    read_rules,
    read_section_headings,
    title_span,
)
from pipeline.paths import rule_file
from pipeline.rules import read_word_list, write_word_list

DEFAULT_CAPTION_WORDS = rule_file("section_caption_words.txt")
#: Lines of at most this many words may follow a licence line in back matter (module docstring).
DEFAULT_BACK_MATTER_LINE_WORDS = 12

_CAPS_HEADING = re.compile(r"^\s*([A-Z][A-Z0-9 ,&/\-']{2,60}?)\s*:\s*")
_TERMINAL = re.compile(r"[.!?;:,]\s*$")
# Title-like heading lines are words, not metadata: no digits, colons, commas or symbols.
_NOT_HEADING_CHARS = re.compile(r"[0-9:,;>|/@=+*_]")
_MAX_TITLE_LINE_WORDS = 14
_SAVED_CAPTION_WORDS = "section_caption_words.txt"
_SAVED_METADATA = METADATA_RULES.name


class SectionTagger:
    """Assigns a section name to every sentence from heading lines."""

    def __init__(
        self,
        nlp: Language,
        name: str,
        *,
        rules_path: str | None = None,
        caption_words_path: str | None = None,
        back_matter_line_words: int = DEFAULT_BACK_MATTER_LINE_WORDS,
        metadata_rules_path: str | None = None,
    ) -> None:
        if back_matter_line_words < 0:
            raise ValueError(
                f"back_matter_line_words: expected an int >= 0, got {back_matter_line_words}"
            )
        self.name = name
        self.back_matter_line_words = back_matter_line_words
        path = Path(rules_path) if rules_path else DEFAULT_RULES
        self._set_rules(read_section_headings(path))
        words = Path(caption_words_path) if caption_words_path else DEFAULT_CAPTION_WORDS
        self._set_caption_words(read_word_list(words))
        self.metadata: MetadataRules
        self.metadata, self._missing_metadata = configured_rules(metadata_rules_path)

    def _set_caption_words(self, words: tuple[str, ...]) -> None:
        self.caption_words = words
        alternatives = "|".join(re.escape(w) for w in words)
        # a whole word, not part of a compound ("Video-assisted thoracoscopic surgery")
        self._caption = re.compile(
            rf"(?<![\w-])(?:{alternatives})(?![\w-])" if words else "(?!)", re.IGNORECASE
        )

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
                section = caseless_get(self._canonical, match.group(1))  # ("Reſults")
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
            and (is_first or not self._caption.search(line))
            and (is_first or not is_metadata(line, self.metadata))
        ):
            line = line.lstrip("#").strip()
            return "Title" if is_first else line
        return None

    def __call__(self, doc: Doc) -> Doc:
        if self._missing_metadata is not None:
            raise missing_rules_error(self.name, self._missing_metadata)
        text = doc_text(doc)
        sents = list(doc.sents)
        title = title_span(text, self.metadata)
        # the sentence holding the title line's start; the metadata lines before it and the
        # back matter are in no section
        first = 0 if title is None else next(
            (i for i, s in enumerate(sents) if s.end_char > title[0]), len(sents)
        )
        back = self._back_matter_start(text, sents, first)
        current: str | None = None
        for i, sent in enumerate(sents):
            if i < first or i >= back:
                sent._.section = None
                continue
            heading = self._heading_at(text, sent.start_char, sent.end_char, is_first=i == first)
            if heading == "Title":
                # The title labels only itself; the body after it has no section yet.
                sent._.section = heading
                continue
            if heading is not None:
                current = heading
            sent._.section = current
        return doc

    def _back_matter_start(self, text: str, sents: list[Span], first: int) -> int:
        """Index of the sentence that opens trailing back matter (module docstring), after the
        title sentence `first`; len(sents) when there is none.

        Looked for from the end back to the first line back matter cannot hold. Back matter is
        a licence sentence, the metadata sentences right before it, and what follows it: on
        later lines only metadata sentences and short lines; on its own line, anything when it
        opens the line ("Rights: ... Creative Commons. Es permet la reproducció ..."), else only
        metadata ("... safe. Copyright © 2012 Elsevier Ltd. All rights reserved."). Without a
        licence, the lines that end the document and are metadata lines, each judged whole
        however many sentences it holds ("Adapted from Medscape", "Received: 3 May 2015";
        `text_title.is_metadata_line`), are back matter too.
        """
        start = len(sents)
        licensed = False  # the back matter holds a licence sentence
        prose_after = False  # a sentence after the one looked at, on its line, is neither
        line_after = len(sents)  # the first sentence of the line after sentence j's line
        for j in range(len(sents) - 1, first, -1):
            sent = text[sents[j].start_char : sents[j].end_char]
            begin = sents[j].start_char + len(sent) - len(sent.lstrip())
            previous = text[sents[j - 1].start_char : sents[j - 1].end_char]
            opens_line = "\n" in text[sents[j - 1].start_char + len(previous.rstrip()) : begin]
            if prose_after and not opens_line:
                continue  # only a licence sentence opening this line could still start it
            if is_licence(sent, self.metadata) and (opens_line or not prose_after):
                start, prose_after, licensed = j, False, True
            elif opens_line and start == line_after and is_metadata_line(
                text[sents[j].start_char : sents[line_after - 1].end_char], self.metadata
            ):
                start = j  # every line after it is back matter: a trailing metadata line
            elif not (is_metadata(sent, self.metadata) or self._short_line(text, begin)):
                prose_after = True
            if opens_line:
                if prose_after:
                    break
                line_after = j
        # metadata right before the back matter belongs with it ("Cancer Prev Res; 9(5);
        # 349-56. ©2016 AACR."); without a licence, only metadata lines, not prose
        belongs = is_metadata if licensed else is_metadata_line
        while start < len(sents) and start - 1 > first and belongs(
            text[sents[start - 1].start_char : sents[start - 1].end_char], self.metadata
        ):
            start -= 1
        return start

    def _short_line(self, text: str, pos: int) -> bool:
        """Whether the line holding offset `pos` has at most `back_matter_line_words` words."""
        begin = text.rfind("\n", 0, pos) + 1
        end = text.find("\n", pos)
        line = text[begin : len(text) if end == -1 else end]
        return len(line.split()) <= self.back_matter_line_words

    def to_disk(self, path: str | Path, *, exclude: Any = ()) -> None:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        srsly.write_jsonl(path / "section_headings.jsonl", self.rules)
        write_word_list(path / _SAVED_CAPTION_WORDS, self.caption_words)
        srsly.write_jsonl(path / _SAVED_METADATA, self.metadata.records)

    def from_disk(self, path: str | Path, *, exclude: Any = ()) -> SectionTagger:
        file = Path(path) / "section_headings.jsonl"
        self._set_rules(read_section_headings(file))
        words = Path(path) / _SAVED_CAPTION_WORDS
        if words.exists():  # one saved before the list keeps the list its config names
            self._set_caption_words(read_word_list(words))
        metadata = Path(path) / _SAVED_METADATA
        if metadata.exists():  # as the caption words
            self.metadata, self._missing_metadata = read_rules(metadata), None
        return self


def title_rules(nlp: Language) -> MetadataRules | None:
    """The metadata rules `nlp`'s `biotab_sections` reads (its `metadata_rules_path`, or those
    it was saved with): the ones to search a text's title with when ingesting for `nlp`
    (`ingest.read_shard(metadata_rules=...)`), so `documents.title` is the line it labels
    "Title"; None without the component."""
    for _, pipe in nlp.pipeline:
        if isinstance(pipe, SectionTagger):
            return pipe.metadata
    return None


@Language.factory(
    "biotab_sections",
    assigns=["span._.section"],
    requires=["token.is_sent_start"],
    default_config={
        "rules_path": None,
        "caption_words_path": None,
        "back_matter_line_words": DEFAULT_BACK_MATTER_LINE_WORDS,
        "metadata_rules_path": None,
    },
)
def make_sections(
    nlp: Language,
    name: str,
    *,
    rules_path: str | None,
    caption_words_path: str | None,
    back_matter_line_words: int,
    metadata_rules_path: str | None,
) -> SectionTagger:
    return SectionTagger(
        nlp,
        name,
        rules_path=rules_path,
        caption_words_path=caption_words_path,
        back_matter_line_words=back_matter_line_words,
        metadata_rules_path=metadata_rules_path,
    )
