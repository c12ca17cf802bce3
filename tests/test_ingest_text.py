"""The title of a plain-text document: its first line that is not metadata about the article."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.documents import Document
from pipeline.ingest import ingest
from pipeline.ingest.text_title import is_metadata_line, read_rules, title_of
from pipeline.rules import RuleError

# A journal article's record page saved as text (the layout of repository and publisher pages).
RECORD_PAGE = """\
Open Access
Cited by: 14
Citations: 23 | Views: 1,204 | Downloads: 310
Am J Clin Dermatol. 2019;20(3):e1002. doi: 10.1007/s40257-019-00401-x
https://link.example.org/article/10.1007/s40257-019-00401-x

Dupilumab for alopecia areata in patients with atopic dermatitis
Smith, Anna (Department of Dermatology)

Abstract: Dupilumab was given to 12 patients.
"""


def titles(folder: Path) -> dict[str, str | None]:
    return {d.doc_id: d.title for d in ingest([folder]) if isinstance(d, Document)}


def test_title_skips_citation_counts_of_seed(seeds_dir: Path) -> None:
    got = titles(seeds_dir)
    # seed 004 opens with "Web of Science: 51 citations, ..." above the article's title
    assert got["004_f42307a9e4e55ef1"] == (
        "Efficacy and safety of lenalidomide for refractory cutaneous lupus erythematosus"
    )
    # seed 000 opens with its first section's heading, "From the Guidelines", and no title
    assert got["000_9662ce3457697b4f"] is None
    # the other seeds' titles are their first lines
    for path in sorted(seeds_dir.iterdir()):
        if not path.name.startswith(("000", "004")):
            first = next(x for x in path.read_text(encoding="utf-8").splitlines() if x.strip())
            assert got[path.stem] == first.strip()


@pytest.mark.parametrize("heading", ["From the Guidelines", "ABSTRACT", "Background:",
                                     "## Methods", "  Introduction  "])
def test_a_section_heading_first_is_no_title(heading: str) -> None:
    """A text that opens with a section heading (seed 000: "From the Guidelines" above its
    first paragraph; "Abstract" above an abstract) has no title line: the heading was its
    title, a section label in the documents table. A heading under the title keeps it, and
    a title that merely holds a heading's word is one."""
    body = "Aldara should be used with caution in patients with multiple sclerosis.\n"
    assert title_of(f"{heading}\n{body}") is None
    assert title_of(f"Open Access\n{heading}\n{body}") is None  # (after a banner too)
    assert title_of(f"Aldara in multiple sclerosis\n{heading}\n{body}") == (
        "Aldara in multiple sclerosis")
    assert title_of(f"Guidelines for aspirin use\n{body}") == "Guidelines for aspirin use"


def test_title_skips_banners_metrics_identifiers_and_links(tmp_path: Path) -> None:
    (tmp_path / "page.txt").write_text(RECORD_PAGE, encoding="utf-8")
    # a title that mentions a volume, a licence word or a number is still the title
    (tmp_path / "volume.txt").write_text(
        "Low tidal volume 6 mL/kg in 2 trials and copyright law\nBody text.\n", encoding="utf-8"
    )
    # every line metadata: the first line, as before
    (tmp_path / "meta.txt").write_text("DOI: 10.1186/ar4111\nPMID: 23217273\n", encoding="utf-8")
    got = titles(tmp_path)
    assert got["page"] == "Dupilumab for alopecia areata in patients with atopic dermatitis"
    assert got["volume"] == "Low tidal volume 6 mL/kg in 2 trials and copyright law"
    assert got["meta"] == "DOI: 10.1186/ar4111"
    assert title_of("\n\n  \n") is None


def test_title_skips_a_bare_citation_count_and_a_markdown_heading_mark() -> None:
    """"Cited by 12" (Google Scholar's and publishers' wording, with no colon) was a saved
    page's title, and a Markdown file's title kept its heading mark ("# Aspirin ...")."""
    assert title_of("Cited by 12\nAspirin for migraine\nBody.\n") == "Aspirin for migraine"
    assert title_of("Cited by 1,204 articles\nAspirin for migraine\n") == "Aspirin for migraine"
    assert title_of("# Aspirin for migraine\n\nBody.\n") == "Aspirin for migraine"
    assert title_of("## Aspirin for migraine ##\n") == "Aspirin for migraine"
    assert title_of("Cited by 12\n### Aspirin for migraine\n") == "Aspirin for migraine"
    # no heading mark: as written ("#1" is no Markdown heading, nor a line of "#" alone)
    assert title_of("#1 cause of headache\n") == "#1 cause of headache"
    assert title_of("Cited by patients as a cause\n") == "Cited by patients as a cause"


def test_title_search_is_bounded() -> None:
    # eleven metadata lines and then a title: past the search, the first line is kept
    text = "PMID: 1\n" * 11 + "A late title\nBody.\n"
    assert title_of(text) == "PMID: 1"
    assert title_of("PMID: 1\n" * 9 + "A late title\nBody.\n") == "A late title"


def test_a_line_of_body_text_is_no_title() -> None:
    # a 20 MB first line (unpunctuated text, a sequence) was the document's title
    long_line = "word " * 1_000
    assert title_of(long_line + "\nMore.\n") is None
    assert title_of("PMID: 1\n" + long_line + "\nA late title\n") == "PMID: 1"
    assert title_of("A real title\n" + long_line) == "A real title"


def test_bad_metadata_rules(tmp_path: Path) -> None:
    bad = tmp_path / "meta.jsonl"
    bad.write_text('{"kind": "metrics", "pattern": "x", "example": "x"}\n', encoding="utf-8")
    with pytest.raises(RuleError, match=r"meta.jsonl:1: key 'kind' is 'metrics', expected one"):
        read_rules(bad)
    bad.write_text('{"kind": "metric", "pattern": "(x", "example": "x"}\n', encoding="utf-8")
    with pytest.raises(RuleError, match=r"meta.jsonl:1: key 'pattern' is not a valid regex"):
        read_rules(bad)
    bad.write_text('{"kind": "metric", "pattern": "x", "example": "x", "note": 1}\n',
                   encoding="utf-8")
    with pytest.raises(RuleError, match=r"meta.jsonl:1: key 'note' has int 1, expected str"):
        read_rules(bad)
    bad.write_text('{"kind": "metric", "pattern": "citations", "example": "cites"}\n',
                   encoding="utf-8")
    with pytest.raises(RuleError, match="does not match its 'example'"):
        read_rules(bad)


def test_paragraph_ending_with_copyright_is_no_metadata_line(tmp_path: Path) -> None:
    # a one-paragraph abstract (the PICO corpus's layout) ending with the publisher's line
    abstract = ("Exemestane lowered Ki-67 in the breast tissue of postmenopausal women at "
                "increased risk of breast cancer, at each of the three doses studied. " * 4
                + "Cancer Prev Res; 9(5); 349-56. \u00a92016 AACR.")
    (tmp_path / "a.txt").write_text(f"{abstract}\nSecond paragraph.\n", encoding="utf-8")
    assert titles(tmp_path)["a"] == abstract


@pytest.mark.parametrize(("line", "metadata"), [
    # lines the title's patterns cover mostly, or with few lower-case words
    ("Br J Dermatol; 181(2); 345-352.", True),
    ("Journal of dermatology, Vol. 5, Issue 3", True),
    ("Received: 3 May 2015; Accepted: 10 June 2015", True),
    # prose: a pattern finds a piece of it only
    ("Methotrexate kept 30 views of the disease stable in the cohort we followed.", False),
    ("Remission lasted as in the earlier trial (Lancet 2019;393:1120-9) for most.", False),
    # the filter's kinds are not the title's: a record label or an author line is no title
    # metadata line ("Funding:" heads a section)
    ("Funding: this study was funded by a grant for research on rare skin diseases", False),
    ("Torres Ruiz, Elena (Hospital Clínic de Barcelona)", False),
])
def test_what_a_metadata_line_is(line: str, metadata: bool) -> None:
    assert is_metadata_line(line) is metadata
