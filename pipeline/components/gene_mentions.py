"""`biotab_gene_mentions`: gene symbols and genetic notation are no drugs.

On genetics abstracts the tagger labels gene symbols ("RB1", "DMPK"), repeat triplets ("CTG"),
genetic markers ("D9S5", "DXS16"), mutations ("N314D", "Ala43Thr") and "germline" as DRUG;
an outcomes table then reads them as the drug. This component, after `biotab_linker`, drops them.

Reads: `doc.ents` with `Span._.concept_id` (after linking), the document's tokens, its rules and
the HGNC symbols of the KB folder (`models/kb/gene_symbols.tsv.gz`, `pipeline.kb.gene_symbols`).
Writes: `doc.ents` without the dropped DRUG mentions.

Rules (`pipeline/rules/gene_mentions.jsonl`, one JSON object a line, validated on load; errors
name the file, line, key and what was expected):

- `context` (exactly one line): `words`, lower-cased tokens one of which makes a document one
  about genes ("gene", "mutation", "allele", "repeat"), or `list`, a word list file of
  `pipeline/rules` holding them (`genetics_words.txt`, which `biotab_design` reads too);
- `symbols` (at most one line): a DRUG mention the linker left without a concept whose text is
  exactly an HGNC symbol of `symbol_kinds` (`approved`, `previous`) of at least `min_length`
  characters ("RB1", "DM"); a drug abbreviation that is a symbol too ("AVP" arginine
  vasopressin, "EPO") keeps the concept its long form or the KB gives it, and is kept. Optional
  `mouse_forms` (true: a symbol written as a mouse gene's, a capital then lower-case letters
  and digits: "Rb1", "Dmpk") and `suffixes` (lower-cased endings taken off first: "-gene" of
  "NF1-gene");
- `term`: a DRUG mention whose lower-cased text is one of `terms` ("germline");
- `shape`: a DRUG mention whose whole text matches `regex` ("D9S5", "Ala43Thr").

`symbols`, `term` and `shape` lines take `in_context` (default true): the mention is dropped only
in a document with a `context` word ("TAC" is a chemotherapy regimen in a trial, a codon in a
paper on repeats).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import srsly
from spacy.language import Language
from spacy.tokens import Doc, Span

from pipeline import extensions as _extensions  # noqa: F401  (registers the attributes)
from pipeline.kb.gene_symbols import GENE_SYMBOLS_FILE, SYMBOL_KINDS, load_gene_symbols
from pipeline.labels import DRUG
from pipeline.paths import kb_dir, rule_file
from pipeline.rules import RuleError, compile_regex, read_kinded_rules, read_term_list

RULES_FILE = "gene_mentions.jsonl"
KINDS: dict[str, dict[str, Any]] = {
    "context": {"required": {}, "optional": {"words": list, "list": str}},
    "symbols": {"required": {"symbol_kinds": list, "min_length": int},
                "optional": {"in_context": bool, "mouse_forms": bool, "suffixes": list}},
    "term": {"required": {"terms": list}, "optional": {"in_context": bool}},
    "shape": {"required": {"regex": str}, "optional": {"in_context": bool}},
}  # fmt: skip


def _check_words(obj: dict[str, Any], key: str, where: str) -> None:
    words = obj[key]
    if not (words and all(isinstance(w, str) and w and w == w.lower() for w in words)):
        raise RuleError(f"{where}: key {key!r} must be a non-empty list of non-empty lower-case "
                        "strings")


def _context_words(obj: dict[str, Any], where: str) -> dict[str, Any]:
    """The `context` line with its words: inline (`words`) or from a word list in the package's
    rules folder (`list`, read with `read_term_list(hyphens=True)`), exactly one of them; the
    list's words are written inline, so that `to_disk` saves them."""
    if ("words" in obj) == ("list" in obj):
        raise RuleError(f"{where}: a 'context' line takes exactly one of the keys 'words' (a "
                        "list of words) and 'list' (a word list file in pipeline/rules)")
    if "list" not in obj:
        return obj
    path = rule_file(obj["list"])
    if not path.is_file():
        raise RuleError(f"{where}: key 'list' names {obj['list']!r}, which is no file in "
                        f"{path.parent}")
    words = list(read_term_list(path, hyphens=True))
    return {**{k: v for k, v in obj.items() if k != "list"}, "words": words}


def load_gene_rules(path: Path | None = None) -> list[dict[str, Any]]:
    """Read and validate the rules (module docstring)."""
    path = path or rule_file(RULES_FILE)
    rules = []
    for where, obj in read_kinded_rules(path, KINDS):
        if obj["kind"] == "context":
            obj = _context_words(obj, where)
        for key in ("words", "terms", "suffixes"):
            if key in obj:
                _check_words(obj, key, where)
        if "regex" in obj:
            compile_regex(obj, "regex", where=where)
        bad = [k for k in obj.get("symbol_kinds", []) if k not in SYMBOL_KINDS]
        if bad or obj.get("symbol_kinds") == []:
            raise RuleError(f"{where}: key 'symbol_kinds' holds {bad[0] if bad else 'nothing'!r}"
                            f", expected some of {list(SYMBOL_KINDS)}")
        if obj.get("min_length", 1) < 1:
            raise RuleError(f"{where}: key 'min_length' is {obj['min_length']}, expected >= 1")
        rules.append(obj)
    for kind, most in (("context", 1), ("symbols", 1)):
        found = sum(r["kind"] == kind for r in rules)
        if found > most or (kind == "context" and found != 1):
            raise RuleError(f"{path}: expected {'one' if kind == 'context' else 'at most one'} "
                            f"{kind!r} line, found {found}")
    return rules


@dataclass
class _Check:
    """One way a DRUG mention is genetic notation, and whether it needs a genetics document."""

    in_context: bool
    terms: frozenset[str] = frozenset()
    regex: re.Pattern[str] | None = None
    symbols: frozenset[str] = field(default_factory=frozenset)
    mouse_forms: bool = False
    suffixes: tuple[str, ...] = ()

    def matches(self, ent: Span, text: str) -> bool:
        """Does the DRUG mention `ent`, whose text is `text`, match this check?"""
        if self.symbols:
            return ent._.concept_id is None and self.is_symbol(text)
        if self.regex is not None:
            return self.regex.fullmatch(text) is not None
        return text.lower() in self.terms

    def is_symbol(self, text: str) -> bool:
        low = text.lower()
        for suffix in self.suffixes:
            if low.endswith(suffix) and len(text) > len(suffix):
                text = text[: -len(suffix)]
                break
        if text in self.symbols:
            return True
        # a mouse gene's symbol: "Rb1" of RB1 (one capital, then no capital)
        return (self.mouse_forms and len(text) > 1 and text[0].isupper()
                and text[1:] == text[1:].lower() and text.upper() in self.symbols)


class GeneMentions:
    """Drops DRUG mentions that are genetic notation (module docstring)."""

    def __init__(self, nlp: Language, name: str, *, kb_path: str | None = None,
                 rules_path: str | None = None) -> None:
        self.name = name
        folder = Path(kb_path) if kb_path else kb_dir()
        self.symbols_path = folder / GENE_SYMBOLS_FILE
        self._set_rules(load_gene_rules(Path(rules_path) if rules_path else None))

    def _set_rules(self, rules: list[dict[str, Any]]) -> None:
        self.rules = rules
        self.context = frozenset(next(r for r in rules if r["kind"] == "context")["words"])
        self.checks = []
        for r in rules:
            in_context = r.get("in_context", True)
            if r["kind"] == "term":
                self.checks.append(_Check(in_context, terms=frozenset(r["terms"])))
            elif r["kind"] == "shape":
                self.checks.append(_Check(in_context, regex=re.compile(r["regex"])))
            elif r["kind"] == "symbols":
                symbols = load_gene_symbols(self.symbols_path, r["symbol_kinds"])
                longest = frozenset(s for s in symbols if len(s) >= r["min_length"])
                self.checks.append(_Check(
                    in_context, symbols=longest, mouse_forms=r.get("mouse_forms", False),
                    suffixes=tuple(r.get("suffixes", ()))))

    def _about_genes(self, doc: Doc) -> bool:
        return any(t.lower_ in self.context for t in doc)

    def __call__(self, doc: Doc) -> Doc:
        ents = list(doc.ents)
        kept = []
        about_genes: bool | None = None  # looked up once, at the first mention that needs it
        for ent in ents:
            if ent.label_ != DRUG:
                kept.append(ent)
                continue
            text = ent.text  # (read once, not once a check)
            checks = [c for c in self.checks if c.matches(ent, text)]
            if checks and not all(c.in_context for c in checks):
                continue
            if checks:
                if about_genes is None:
                    about_genes = self._about_genes(doc)
                if about_genes:
                    continue
            kept.append(ent)
        if len(kept) != len(ents):
            doc.ents = kept
        return doc

    def to_disk(self, path: str | Path, *, exclude: Any = ()) -> None:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        srsly.write_jsonl(path / RULES_FILE, self.rules)

    def from_disk(self, path: str | Path, *, exclude: Any = ()) -> GeneMentions:
        """The rules saved by `to_disk` (the symbols are the KB folder's)."""
        self._set_rules(load_gene_rules(Path(path) / RULES_FILE))
        return self


@Language.factory(
    "biotab_gene_mentions",
    default_config={"kb_path": None, "rules_path": None},
    assigns=["doc.ents"],
    requires=["doc.ents"],
)
def make_gene_mentions(
    nlp: Language, name: str, *, kb_path: str | None, rules_path: str | None
) -> GeneMentions:
    return GeneMentions(nlp, name, kb_path=kb_path, rules_path=rules_path)
