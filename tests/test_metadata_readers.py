"""The one metadata file, two readers: the title and biotab_sections read the title's kinds,
biotab_mention_filter its own (`metadata_kinds`); a pattern of one reader changes nothing for
the other. Lines written for these tests (a reference list, prose and data lines, titles)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import spacy
from spacy.language import Language

from pipeline.components.mention_filter import MentionFilter, load_filter_rules
from pipeline.components.sections import SectionTagger, title_rules
from pipeline.ingest.text_title import DEFAULT_RULES, is_metadata_line, read_rules, title_of
from pipeline.nlp import blank_nlp
from pipeline.paths import RULES_DIR
from pipeline.rules import RuleError

BODY = ("Background: Psoriasis is common and methotrexate is used in many of the patients.\n\n"
        "Conclusion: Methotrexate works in most of the patients we treated.\n\n")


def kept_words(nlp: Language, line: str, words: list[str],
               component: MentionFilter | None = None) -> list[str]:
    """The mentions the filter keeps when each of `words` on `line` (after a title) is one."""
    text = f"Methotrexate in psoriasis\n\n{line}\n"
    doc = nlp(text)
    spans = []
    for word in words:
        start = text.index(word, len("Methotrexate in psoriasis"))
        span = doc.char_span(start, start + len(word), label="DISEASE")
        assert span is not None, word
        spans.append(span)
    doc.ents = spans
    return [e.text for e in (component or MentionFilter(nlp, "f"))(doc).ents]


@pytest.mark.parametrize(("line", "words"), [
    # a reference without a number: "year;volume(issue):pages" in its start
    ("Hart L, Osei B, Brun C, et al. Ciclosporin and kidney function in children with eczema. "
     "Pediatr Dermatol. 2016;33(4):402-8.", ["Ciclosporin", "eczema"]),
    ("Hart L, et al. Ciclosporin in eczema. Br J Dermatol 2011;164:51-8.", ["Br J", "eczema"]),
    # a journal line with "Vol" without a dot
    ("Clinical Rheumatology Vol 30 Issue 2", ["Rheumatology"]),
    ("[3] Osei B, Hart L. Ciclosporin in eczema. Pediatr Dermatol 2016;33:402", ["eczema"]),
])
def test_mentions_on_reference_and_journal_lines_are_dropped(
    blank: Language, line: str, words: list[str]
) -> None:
    assert kept_words(blank, line, words) == []


@pytest.mark.parametrize(("line", "words"), [
    # short prose and data lines that a title pattern finds a piece of: no metadata lines
    ("Ciclosporin dose 3 (IQR): 2–5 mg/kg", ["Ciclosporin"]),
    ("Arm 2 (CSA): 6–12 weeks", ["CSA"]),
    ("IL-17: 3,400 reads", ["IL-17"]),
    ("Ciclosporin: 2 cc by mouth", ["Ciclosporin"]),
    ("Adapted from BAD guidance for ciclosporin use", ["ciclosporin"]),
    ("Lupus flares: 12 views of the same rash were taken", ["Lupus"]),
])
def test_mentions_on_short_prose_lines_are_kept(
    blank: Language, line: str, words: list[str]
) -> None:
    assert kept_words(blank, line, words) == words


@pytest.mark.parametrize("title", [
    # a title an author or affiliation pattern of the filter would take for metadata
    "Eczema, diagnosis and care in children (Clinical guideline NG57)",
    "School-based measles vaccination coverage, 2009–2017, New Zealand",
    "Hospital admissions for eczema, 2001–2016, Wales",
])
def test_titles_of_an_author_or_affiliation_shape(
    blank: Language, title: str
) -> None:
    text = f"{title}\n\n{BODY}"
    assert title_of(text) == title
    doc = SectionTagger(blank, "s")(blank(text))
    assert next(iter(doc.sents))._.section == "Title"


@pytest.mark.parametrize(("tail", "section"), [
    # a record label that heads a section (section_headings.jsonl) keeps it at the end
    ("Funding: this work was funded by a grant for research on childhood eczema in Wales.",
     "Funding"),
    # the last reference of a list at the end is in the list's section
    ("References\n1. Hart L, Osei B, et al. Ciclosporin in eczema. Lancet.\n"
     "2. Osei B, Brun C. Ciclosporin versus methotrexate for severe eczema in children: a "
     "randomised trial. Br J Dermatol. 2016;33(4):R402.", "References"),
])
def test_trailing_lines_keep_their_section(blank: Language, tail: str, section: str) -> None:
    doc = SectionTagger(blank, "s")(blank(f"Ciclosporin in eczema\n\n{BODY}{tail}\n"))
    last = list(doc.sents)[-1]
    assert last.text.strip().endswith(tail[-12:])
    assert last._.section == section


@pytest.mark.parametrize(("line", "title_metadata", "filter_metadata"), [
    ("Keywords: eczema, ciclosporin, children", False, True),
    ("Torres Ruiz, Elena (Hospital Clínic de Barcelona)", False, True),
    ("Department of Dermatology, University of Leeds, Leeds, UK.", False, True),
    ("Br J Dermatol; 181(2); 345-352.", True, False),
    ("Add a comment", True, False),
    ("PMID: 23217273", True, True),
    ("Ciclosporin was given to 40 children with severe eczema.", False, False),
])
def test_each_reader_reads_its_kinds(
    blank: Language, line: str, title_metadata: bool, filter_metadata: bool
) -> None:
    assert is_metadata_line(line) is title_metadata
    assert bool(MentionFilter(blank, "f")._metadata_lines(line)) is filter_metadata


@pytest.mark.parametrize("pattern", [
    "^\\W*(sponsored)?",  # matches the empty string
    "^\\W*(sponsored\\s+by)?\\b",  # matches an empty stretch of every line with a letter
])
def test_a_pattern_matching_an_empty_stretch_is_refused(tmp_path: Path, pattern: str) -> None:
    bad = tmp_path / "meta.jsonl"
    bad.write_text(json.dumps({"kind": "banner", "pattern": pattern,
                               "example": "Sponsored"}) + "\n", encoding="utf-8")
    with pytest.raises(RuleError, match=r"meta.jsonl:1: key 'pattern' can match an empty "):
        read_rules(bad)


def test_a_pattern_with_global_flags_is_refused(tmp_path: Path) -> None:
    # the patterns of a reader are joined into one alternation, where "(?s)" is an error
    bad = tmp_path / "meta.jsonl"
    bad.write_text(DEFAULT_RULES.read_text(encoding="utf-8") + json.dumps(
        {"kind": "banner", "pattern": "(?s)^original article", "example": "Original article"})
        + "\n", encoding="utf-8")
    n = len(DEFAULT_RULES.read_text(encoding="utf-8").splitlines()) + 1
    with pytest.raises(RuleError, match=rf"meta.jsonl:{n}: key 'pattern' starts with global"):
        read_rules(bad)


def test_a_filter_saved_by_an_older_biotab_is_refused_clearly(blank: Language,
                                                              tmp_path: Path) -> None:
    """A saved filter without its metadata rules (biotab before 2026-12-05, whose rule kinds
    this one no longer reads) is refused with a message that says what to do."""
    component = MentionFilter(blank, "f")
    component.to_disk(tmp_path / "saved")
    (tmp_path / "saved" / "text_metadata.jsonl").unlink()
    with pytest.raises(RuleError, match=r"saved by an older biotab .* build the pipeline again"):
        MentionFilter(blank, "f").from_disk(tmp_path / "saved")


def test_a_kind_the_filter_names_must_be_a_metadata_kind(blank: Language, tmp_path: Path) -> None:
    shipped = (RULES_DIR / "mention_filter.jsonl").read_text(encoding="utf-8")
    bad = tmp_path / "rules.jsonl"
    bad.write_text(shipped.replace('"reference"', '"references"'), encoding="utf-8")
    line = next(i for i, text in enumerate(shipped.splitlines(), 1)
                if text.startswith('{"kind": "setting"'))
    with pytest.raises(RuleError, match=rf"rules.jsonl:{line}: key 'metadata_kinds' holds "
                                        r"'references', expected kinds of text_metadata"):
        load_filter_rules(bad)
    with pytest.raises(RuleError, match="metadata_kinds"):
        MentionFilter(blank, "f", rules_path=str(bad))


def test_saved_components_keep_their_metadata_rules(blank: Language, tmp_path: Path) -> None:
    """A pipeline saved with a metadata file of its own loads after the file moved."""
    moved = tmp_path / "mine" / "text_metadata.jsonl"
    moved.parent.mkdir()
    shutil.copy(DEFAULT_RULES, moved)
    with moved.open("a", encoding="utf-8") as f:  # one more pattern of each reader
        f.write(json.dumps({"kind": "banner", "pattern": "^zebra notes$",
                            "example": "Zebra notes"}) + "\n")
        f.write(json.dumps({"kind": "record", "pattern": "^\\s*zebra\\s*:",
                            "example": "Zebra: ciclosporin"}) + "\n")
    nlp = blank_nlp()
    nlp.add_pipe("pysbd_sentencizer")
    for name in ("biotab_sections", "biotab_mention_filter"):
        nlp.add_pipe(name, config={"metadata_rules_path": str(moved)})
    nlp.to_disk(tmp_path / "saved")
    shutil.rmtree(moved.parent)
    loaded = spacy.load(tmp_path / "saved")
    mf = loaded.get_pipe("biotab_mention_filter")
    assert isinstance(mf, MentionFilter)
    assert kept_words(blank, "Zebra: ciclosporin", ["ciclosporin"], mf) == []
    assert kept_words(blank, "Zebra: ciclosporin", ["ciclosporin"]) == ["ciclosporin"]
    text = "Zebra notes\nCiclosporin in eczema\n\n" + BODY
    assert [s._.section for s in loaded(text).sents][:2] == [None, "Title"]
    assert next(iter(SectionTagger(blank, "s")(blank(text)).sents))._.section == "Title"
    assert title_rules(loaded) is loaded.get_pipe("biotab_sections").metadata  # type: ignore
    # built from a config whose file is gone, without saved rules: refused when run
    for name in ("biotab_sections", "biotab_mention_filter"):
        component = spacy.blank("en").add_pipe(name, config={"metadata_rules_path": str(moved)})
        with pytest.raises(FileNotFoundError, match=r"metadata_rules_path .* does not exist"):
            component(blank(text))


def zebra_banner(tmp_path: Path) -> Path:
    """The shipped metadata rules plus a banner "Zebra notes", written to a file, and an input
    folder `in` with a text file that opens on that banner line: its title is the next line
    under these rules, the banner under the shipped ones."""
    rules = tmp_path / "meta.jsonl"
    rules.write_text(DEFAULT_RULES.read_text(encoding="utf-8") + json.dumps(
        {"kind": "banner", "pattern": "^zebra notes$", "example": "Zebra notes"}) + "\n",
        encoding="utf-8")
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text("Zebra notes\nCiclosporin in eczema\n\n" + BODY,
                                           encoding="utf-8")
    return rules


def test_the_ingested_title_is_searched_with_the_pipelines_rules(tmp_path: Path) -> None:
    from pipeline.documents import Document
    from pipeline.ingest import ingest

    rules = zebra_banner(tmp_path)
    docs = [d for d in ingest([tmp_path / "in"], metadata_rules=read_rules(rules))
            if isinstance(d, Document)]
    assert [d.title for d in docs] == ["Ciclosporin in eczema"]
    assert [d.title for d in ingest([tmp_path / "in"]) if isinstance(d, Document)] == [
        "Zebra notes"]


def sections_nlp(rules_path: str) -> Language:
    """A pipeline of sentences and sections whose sections read the metadata rules at
    `rules_path` (module level: `run` may hand it to worker processes)."""
    nlp = blank_nlp()
    nlp.add_pipe("biotab_sentences")
    nlp.add_pipe("biotab_sections", config={"metadata_rules_path": rules_path})
    return nlp


def test_a_run_searches_titles_with_its_pipelines_rules(tmp_path: Path) -> None:
    """`biotab run` ingests a text file's title with the metadata rules of the pipeline it runs:
    documents.title is the line the sections component labels Title."""
    from functools import partial

    import pandas as pd

    from pipeline.run import run

    rules = zebra_banner(tmp_path)
    run([tmp_path / "in"], tmp_path / "out", workers=1, quiet=True,
        nlp_factory=partial(sections_nlp, str(rules)))
    documents = pd.read_parquet(tmp_path / "out" / "documents")
    assert documents["title"].tolist() == ["Ciclosporin in eczema"]
    sentences = pd.read_parquet(tmp_path / "out" / "sentences")
    assert sentences.loc[sentences["section"] == "Title", "text"].tolist() == [
        "Ciclosporin in eczema"]
