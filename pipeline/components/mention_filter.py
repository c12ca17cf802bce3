"""`biotab_mention_filter`: no junk among the mentions, curated mentions added.

Reads: `doc.ents` (after fusion and the cytokine rules; before the linker) with
`Span._.concept_id` where fusion set one, the sentences (`not_in_context`), the document text,
its rules and the patterns of the
metadata kinds they name in `pipeline/rules/text_metadata.jsonl` (`ingest/text_title.py`).
Writes: `doc.ents` without the dropped mentions and with the curated ones. Class mentions
("cytokines", "NSAIDs") are kept; `biotab_linker` marks them (`Span._.is_generic`, declared
here, where the tables read it from).

Rules (`pipeline/rules/mention_filter.jsonl`, one JSON object a line, validated on load):

- `never_text`: a mention whose whole text matches the regex is dropped (numbers, page ranges);
- `never_term`: a mention whose lower-cased text is listed is dropped (bibliographic databases);
- `not_drug`: a DRUG mention whose lower-cased text or concept is listed is dropped (proteins
  measured as lab values: CRP, ALT, creatine kinase);
- `setting` (required, exactly one line): `max_metadata_line` and `metadata_kinds`: every
  mention on a text line of at most `max_metadata_line` characters that a pattern of one of the
  `metadata_kinds` of `text_metadata.jsonl` matches is dropped: bibliographic record lines
  ("Published in: ...", "Funding: ..."), copyright lines, author lines ("Surname, Given
  (Hospital ...)"), affiliations (an institution word, then an address ending in a city,
  country or postcode, or an e-mail), reference lines ("2012;14(6):R265") and journal lines
  ("Vol 14 Issue 6"); a longer line (an abstract) is never one. These kinds are the filter's
  own: the title's (`text_title.TITLE_KINDS`: licence, metric, citation...) find metadata in
  prose lines that hold mentions ("TNF-α: 1,200 reads");
- `not_in_context`: a mention whose text is exactly one of `terms` is dropped in a sentence
  with a token that is exactly one of `context` ("PD" and "SD" beside "CR" and "PR" are
  progressive and stable disease, response categories, not Parkinson's disease);
- `mention`: a token pattern (spaCy Matcher format) that is a mention of its label, with an
  optional concept id; it replaces the mentions it overlaps ("telogen effluvium" is a DISEASE,
  not "effluvium" a DRUG).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import srsly
from spacy.language import Language
from spacy.matcher import Matcher
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from pipeline.extensions import doc_text  # (the import registers the attributes)
from pipeline.ingest.text_title import DEFAULT_RULES as METADATA_RULES
from pipeline.ingest.text_title import KINDS as METADATA_KINDS
from pipeline.ingest.text_title import (
    MetadataRules,
    configured_rules,
    missing_rules_error,
    read_rules,
)
from pipeline.labels import DRUG
from pipeline.paths import rule_file
from pipeline.rules import RuleError, compile_regex, read_kinded_rules

RULES_FILE = "mention_filter.jsonl"
METADATA_FILE = METADATA_RULES.name
KINDS: dict[str, dict[str, Any]] = {
    "never_text": {"required": {"regex": str}},
    "never_term": {"required": {"terms": list}},
    "not_drug": {"required": {"terms": list}, "optional": {"ids": list}},
    "not_in_context": {"required": {"terms": list, "context": list}},
    "mention": {"required": {"label": str, "pattern": list}, "optional": {"id": (str, type(None))}},
    "setting": {"required": {"max_metadata_line": int, "metadata_kinds": list}},
}

if not Span.has_extension("is_generic"):
    # a mention attribute (stored by character offsets like the others), set by biotab_linker;
    # declared here, where `pipeline.tag` and `pipeline.evaluate` import it from
    Span.set_extension("is_generic", default=False)


def load_filter_rules(path: Path | None = None) -> list[dict[str, Any]]:
    """Read and validate the rules; errors name the file, line, key and what was expected."""
    path = path or rule_file(RULES_FILE)
    rules = []
    for where, obj in read_kinded_rules(path, KINDS):
        if "regex" in obj:
            compile_regex(obj, "regex", where=where)
        for key in ("terms", "context"):
            if key in obj and not (obj[key] and all(isinstance(t, str) and t for t in obj[key])):
                raise RuleError(f"{where}: key {key!r} must be a non-empty list of non-empty "
                                "strings")
        bad = [k for k in obj.get("metadata_kinds", []) if k not in METADATA_KINDS]
        if bad:
            raise RuleError(f"{where}: key 'metadata_kinds' holds {bad[0]!r}, expected kinds "
                            f"of text_metadata.jsonl: some of {list(METADATA_KINDS)}")
        rules.append(obj)
    settings = [r for r in rules if r["kind"] == "setting"]
    if len(settings) != 1:
        raise RuleError(f"{path}: expected one 'setting' line with keys 'max_metadata_line' "
                        f"(the longest line checked for metadata) and 'metadata_kinds', found "
                        f"{len(settings)}")
    return rules


class MentionFilter:
    """Drops junk mentions, adds curated mentions (module docstring)."""

    def __init__(
        self,
        nlp: Language,
        name: str,
        *,
        rules_path: str | None = None,
        metadata_rules_path: str | None = None,
    ) -> None:
        self.name = name
        self.rules_path = rules_path
        self.vocab = nlp.vocab
        metadata, self._missing_metadata = configured_rules(metadata_rules_path)
        self._set_rules(load_filter_rules(Path(rules_path) if rules_path else None), metadata)

    def _set_rules(self, rules: list[dict[str, Any]], metadata: MetadataRules) -> None:
        self.rules = rules
        self.metadata = metadata

        def of(kind: str) -> list[dict[str, Any]]:
            return [r for r in rules if r["kind"] == kind]

        self.never_text = [re.compile(r["regex"]) for r in of("never_text")]
        self.never_terms = {t.lower() for r in of("never_term") for t in r["terms"]}
        self.not_drug_terms = {t.lower() for r in of("not_drug") for t in r["terms"]}
        self.not_drug_ids = {i for r in of("not_drug") for i in r.get("ids", [])}
        # term -> the tokens one of which in its sentence drops it (exact case)
        self.not_in_context: dict[str, frozenset[str]] = {}
        for r in of("not_in_context"):
            for t in r["terms"]:
                self.not_in_context[t] = self.not_in_context.get(t, frozenset()) | frozenset(
                    r["context"]
                )
        setting = of("setting")[0]  # one: load_filter_rules checks
        self.max_line = setting["max_metadata_line"]
        # only the filter's kinds, one pattern compiled once: a line is searched once
        self.metadata_line = metadata.union(
            setting["metadata_kinds"], where=f"{RULES_FILE}: key 'metadata_kinds'"
        )
        self.matcher = Matcher(self.vocab)
        self.curated: dict[str, tuple[str, str | None]] = {}
        # the Matcher walks every token in Python: run it only on a text holding a pattern's
        # first word (None: a pattern not starting with LOWER, always run)
        self.triggers: set[str] | None = set()
        for i, rule in enumerate(of("mention")):
            key = f"curated_{i}"
            self.matcher.add(key, [rule["pattern"]])
            self.curated[key] = (rule["label"], rule.get("id"))
            first = rule["pattern"][0] if rule["pattern"] else {}
            if self.triggers is not None and isinstance(first.get("LOWER"), str):
                self.triggers.add(first["LOWER"].lower())
            else:
                self.triggers = None

    def _metadata_lines(self, text: str) -> list[tuple[int, int]]:
        """Character ranges of the lines that are bibliographic metadata."""
        ranges = []
        start = 0
        for line in text.split("\n"):
            end = start + len(line)
            if len(line) <= self.max_line and self.metadata_line.search(line):
                ranges.append((start, end))
            start = end + 1
        return ranges

    def is_junk(self, ent: Span, metadata: list[tuple[int, int]]) -> bool:
        text = ent.text
        low = text.lower()
        if low in self.never_terms or any(rx.match(text) for rx in self.never_text):
            return True
        if ent.label_ == DRUG and (
            low in self.not_drug_terms or ent._.concept_id in self.not_drug_ids
        ):
            return True
        if any(s <= ent.start_char and ent.end_char <= e for s, e in metadata):
            return True
        context = self.not_in_context.get(text)
        return context is not None and any(t.text in context for t in ent.sent)

    def _curated(self, doc: Doc, metadata: list[tuple[int, int]]) -> list[tuple[Span, str | None]]:
        if not self.curated:
            return []
        if self.triggers is not None:
            lowered = doc_text(doc).lower()
            if not any(word in lowered for word in self.triggers):
                return []
        added = []
        for match_id, start, end in self.matcher(doc):
            label, concept_id = self.curated[self.vocab.strings[match_id]]
            span = Span(doc, start, end, label=label)
            if not any(s <= span.start_char and span.end_char <= e for s, e in metadata):
                added.append((span, concept_id))
        return added

    def __call__(self, doc: Doc) -> Doc:
        if self._missing_metadata is not None:
            raise missing_rules_error(self.name, self._missing_metadata)
        metadata = self._metadata_lines(doc_text(doc))
        ents = list(doc.ents)
        kept = [e for e in ents if not self.is_junk(e, metadata)]
        added = self._curated(doc, metadata)
        if added:
            new = filter_spans([s for s, _ in added])
            taken = {i for s in new for i in range(s.start, s.end)}
            kept = [e for e in kept if taken.isdisjoint(range(e.start, e.end))] + new
            for span, concept_id in added:
                if span in new:
                    span._.source = "rule"
                    span._.concept_id = concept_id
            kept.sort(key=lambda s: s.start)
        if len(kept) != len(ents) or added:
            doc.ents = kept
        return doc

    def to_disk(self, path: str | Path, *, exclude: Any = ()) -> None:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        srsly.write_jsonl(path / RULES_FILE, self.rules)
        srsly.write_jsonl(path / METADATA_FILE, self.metadata.records)

    def from_disk(self, path: str | Path, *, exclude: Any = ()) -> MentionFilter:
        """The rules saved by `to_disk`. A folder without the metadata rules was saved by a
        biotab before 2026-12-05, whose rule kinds (`metadata_line`, `generic`) this one no
        longer reads: RuleError saying so (no shipped model holds this component)."""
        metadata = Path(path) / METADATA_FILE
        if not metadata.exists():
            raise RuleError(
                f"{path}: no {METADATA_FILE}: this mention filter was saved by an older biotab "
                "whose rule format this one no longer reads; build the pipeline again "
                "(pipeline.nlp.build_nlp) and save it")
        self._missing_metadata = None
        self._set_rules(load_filter_rules(Path(path) / RULES_FILE), read_rules(metadata))
        return self


@Language.factory(
    "biotab_mention_filter",
    default_config={"rules_path": None, "metadata_rules_path": None},
    assigns=["doc.ents"],
    requires=["doc.ents"],
)
def make_mention_filter(
    nlp: Language, name: str, *, rules_path: str | None, metadata_rules_path: str | None
) -> MentionFilter:
    return MentionFilter(
        nlp, name, rules_path=rules_path, metadata_rules_path=metadata_rules_path
    )
