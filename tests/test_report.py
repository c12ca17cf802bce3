"""`biotab report`: contents, escaping of everything from the data, and a real headless browser."""

from __future__ import annotations

import html
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from headless import find_chromium, load_page
from tables_fixture import EVIL_TEXT, EVIL_TITLE, IMG, SCRIPT, make_output, run_seeds
from typer.testing import CliRunner

import pipeline
from pipeline.cli import app
from pipeline.report import ReportOptions, build_report, render_document, write_report

REPO = Path(__file__).resolve().parent.parent

#: Every element the report itself produces (HTML and matplotlib's inline SVG).
ALLOWED_TAGS = {
    "html", "head", "meta", "title", "style", "body", "header", "h1", "h2", "h3", "p", "nav", "a",
    "main", "section", "div", "table", "thead", "tbody", "tr", "th", "td", "span", "details",
    "summary", "pre", "mark", "article", "br",
    # matplotlib SVG
    "svg", "g", "path", "defs", "clippath", "rect", "text", "use", "metadata", "desc",
    "rdf:rdf", "cc:work", "dc:type", "dc:date", "dc:format", "dc:title", "dc:creator",
    "cc:agent", "polyline", "line", "tspan",
}


class TagCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parse(page: str) -> TagCollector:
    parser = TagCollector()
    parser.feed(page)
    parser.close()
    return parser


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_output(tmp_path_factory.mktemp("out"))


@pytest.fixture(scope="module")
def report(out: Path) -> Path:
    return write_report(out)


@pytest.fixture(scope="module")
def page(report: Path) -> str:
    return report.read_text(encoding="utf-8")


# --------------------------------------------------------------------------- contents


def test_report_written_to_out(out: Path, report: Path) -> None:
    assert report == out / "report.html"
    assert report.stat().st_size > 10_000


def test_sections_present(page: str) -> None:
    for anchor in ("summary", "top", "comentions", "outcomes", "documents", "errors"):
        assert f'<section id="{anchor}">' in page
    for heading in ("Run summary", "Top drugs, diseases and cytokines", "Drug x disease",
                    "Outcomes", "Sample documents", "Errors"):
        assert heading in page


def test_summary_counts(page: str) -> None:
    text = " ".join(parse(page).text)
    assert "fixture-run" in text  # manifest run id
    # documents 3, mentions 15 (5 DRUG, 7 DISEASE, 3 CYTOKINE), outcomes 2, errors 1
    for n, what in ((3, "documents"), (15, "mentions"), (5, "DRUG mentions"),
                    (7, "DISEASE mentions"), (3, "CYTOKINE mentions"), (2, "outcome rows"),
                    (1, "error")):
        assert f'<div class="n">{n}</div><div class="what">{what}</div>' in page


def test_top_concepts_and_charts(page: str) -> None:
    assert page.count("<svg") == 3  # one chart per label
    assert "<?xml" not in page and "<!DOCTYPE svg" not in page
    top = page[page.index('id="top"'):page.index('id="comentions"')]
    # grouped by concept id: CLE and the long form are one concept; IL-13 in 2 documents first
    assert top.count("MESH:D008178") == 1
    cyto = top[top.index('id="top-cytokine"'):]
    assert cyto.index("IL13") < cyto.index("IL4")
    # fallback key for a mention without concept id: its lower-cased text (escaped)
    assert html.escape(SCRIPT.lower()) in top


def test_co_mentions_leave_out_negated(page: str) -> None:
    co = page[page.index('id="comentions"'):page.index('id="outcomes"')]
    assert "Lenalidomide" in co and "Lupus Erythematosus, Cutaneous" in co
    assert "Polyneuropathies" not in co and "Thrombosis" not in co


def test_outcomes_with_evidence_sentence(page: str) -> None:
    section = page[page.index('id="outcomes"'):page.index('id="documents"')]
    assert "complete_response" in section and "12/14" in section and "86%" in section
    assert ('<span class="evidence"><mark>Twelve of those patients (86%)</mark> achieved '
            "complete response.</span>") in section


def test_displacy_sample_labels_and_negation(page: str) -> None:
    docs = page[page.index('id="documents"'):page.index('id="errors"')]
    for label in ("DRUG", "DISEASE", "CYTOKINE"):
        assert f'<span class="entity-label">{label}' in docs
    # negated mentions: own label, own colour, struck through
    neg = docs[docs.index(">polyneuropathy<") - 300:docs.index(">polyneuropathy<") + 200]
    assert 'class="entity negated"' in neg and "DISEASE (negated)" in neg
    assert "#f5e6cc" in neg
    assert 'class="entity asserted"' in docs and "#feca74" in docs  # DISEASE colour
    assert "#7aecec" in docs and "#c887fb" in docs  # DRUG, CYTOKINE colours


# --------------------------------------------------------------------------- safety


def test_no_markup_from_the_data_is_live(page: str) -> None:
    parsed = parse(page)
    tags = {tag for tag, _ in parsed.tags}
    assert tags <= ALLOWED_TAGS, tags - ALLOWED_TAGS
    assert "script" not in tags and "img" not in tags and "i" not in tags and "sup" not in tags
    for tag, attrs in parsed.tags:
        for name, value in attrs:
            assert not name.startswith("on"), (tag, name, value)
            if name in ("href", "src", "xlink:href"):
                assert value is not None and value.startswith("#"), (tag, name, value)
    # the data is there, as text: escaped in the source, intact after parsing
    assert html.escape(SCRIPT) in page and html.escape(IMG) in page
    assert "&lt;i&gt;vitro&lt;/i&gt;" in page and "&lt;sup&gt;2&lt;/sup&gt;" in page
    text = "".join(parsed.text)
    assert EVIL_TITLE in text
    assert "onerror=alert(1)" in text
    assert "<script" not in page.lower().replace("&lt;script", "")
    assert "<img" not in page.lower()


def test_self_contained(page: str) -> None:
    low = page.lower()
    # the only URLs are the SVG namespace declarations (never fetched)
    for m in re.finditer(r"https?://", low):
        assert re.search(r'xmlns(:\w+)?="$', low[max(0, m.start() - 20):m.start()]), (
            page[m.start() - 40:m.start() + 80])
    for needle in ("<link", "@import", "<iframe", "<object", "<embed", "<script", "<img",
                   "<audio", "<video", "<source", "<base"):
        assert needle not in low, needle
    # CSS/SVG references are all local (#id)
    assert re.findall(r"url\((?!#)", low) == []
    assert "content-security-policy" in low and "default-src 'none'" in low


CONCEPT_ID = '"><img src=x onerror=alert(2)>'


def test_displacy_escapes_text_and_we_escape_the_rest() -> None:
    import pandas as pd

    text = f"Before {SCRIPT} and {IMG} after"
    start = text.index(SCRIPT)
    mentions = pd.DataFrame([{
        "start_char": start, "end_char": start + len(SCRIPT), "label": f"<b>{IMG}</b>",
        "concept_id": CONCEPT_ID, "concept_name": SCRIPT,
        "source": "lexicon", "negated": False, "hypothetical": False, "uncertain": False,
        "assertion_cue": None,
    }])
    markup = render_document(text, mentions, max_chars=10_000)
    tags = {tag for tag, _ in parse(markup).tags}
    assert tags <= {"div", "mark", "span", "br"}, tags
    assert "<script" not in markup and "<img" not in markup and "<b>" not in markup
    # shown, escaped: the text, the label and the concept (not dropped)
    for shown in (SCRIPT, IMG, f"<b>{IMG}</b>", CONCEPT_ID):
        assert html.escape(shown) in markup, shown


def test_missing_tables_still_give_a_report(tmp_path: Path) -> None:
    out = make_output(tmp_path / "out", skip=("mentions", "outcomes", "errors", "sentences"))
    page = build_report(out, ReportOptions(sample=2))
    assert "No DRUG mentions." in page
    assert "No outcome rows." in page
    assert "No errors." in page
    assert "<svg" not in page


def test_no_pyplot_and_no_global_backend_change(out: Path) -> None:
    # (reading rcParams["backend"] would itself import pyplot: read the raw value)
    code = (
        "import sys, matplotlib\n"
        "def rc():\n"
        "    p = matplotlib.rcParams\n"
        "    return {k: dict.__getitem__(p, k) for k in p}\n"
        "before = rc()\n"
        "from pipeline.report import build_report\n"
        f"build_report({str(out)!r})\n"
        "assert 'matplotlib.pyplot' not in sys.modules\n"
        "assert rc() == before\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=REPO)


def test_cli_report(out: Path, tmp_path: Path) -> None:
    target = tmp_path / "r.html"
    result = CliRunner().invoke(app, ["report", str(out), "--output", str(target),
                                      "--sample", "1"])
    assert result.exit_code == 0, result.output
    assert target.exists() and "report written to" in result.output
    missing = CliRunner().invoke(app, ["report", str(tmp_path / "nope")])
    assert missing.exit_code == 2


def test_cli_report_bad_targets_and_a_damaged_run_are_one_line(out: Path, tmp_path: Path
                                                               ) -> None:
    """Each ended in a traceback: --output in a folder that does not exist (FileNotFoundError),
    --output a folder (IsADirectoryError, after writing a stray .NAME.tmp beside the folder), a
    negative --sample (ValueError), a part file cut short (ArrowInvalid), --output where it
    cannot be written (PermissionError; also a run's own folder on a read-only mount)."""
    folder = tmp_path / "folder"
    folder.mkdir()
    damaged = tmp_path / "damaged"
    shutil.copytree(out, damaged)
    (damaged / "report.html").unlink(missing_ok=True)  # (another test's)
    part = next((damaged / "mentions").glob("part-*.parquet"))
    part.write_bytes(part.read_bytes()[:100])
    for args, says in (
        (["--output", str(tmp_path / "nope" / "r.html")], "no folder"),
        (["--output", str(folder)], "is a folder"),
        (["--sample", "-1"], "--sample"),
        (["--top", "-1"], "--top"),
        *([(["--output", "/sys/biotab-report.html"], "cannot write the report")]
          if Path("/sys").is_dir() else []),  # a folder nobody may write in, root included
    ):
        result = CliRunner().invoke(app, ["report", str(out), *args])
        assert result.exit_code == 2, (args, result.output)
        assert says in result.output and "Traceback" not in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["damaged", "folder"]
    result = CliRunner().invoke(app, ["report", str(damaged)])
    assert result.exit_code == 2, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and f"the run in {damaged} could not be read" in lines[0]
    assert not (damaged / "report.html").exists()


# --------------------------------------------------------------------------- browser

CHROMIUM = find_chromium()
needs_browser = pytest.mark.skipif(
    CHROMIUM is None,
    reason="no Chromium binary (install Debian's `chromium`, or set BIOTAB_CHROMIUM); "
           "the report was not checked in a real browser",
)

DOM_PROBE = """JSON.stringify({
  sections: [...document.querySelectorAll('section')].map(s => s.id),
  title: document.title,
  scripts: document.scripts.length,
  images: document.images.length,
  svgs: document.querySelectorAll('section#top svg').length,
  entities: document.querySelectorAll('mark.entity').length,
  negated: [...document.querySelectorAll('mark.entity.negated')].map(m => m.firstChild.textContent),
  headings: [...document.querySelectorAll('article.doc h3')].map(h => h.textContent),
  evidence: [...document.querySelectorAll('.evidence mark')].map(m => m.textContent),
  bodyText: document.body.innerText.length,
})"""


@pytest.mark.browser
@needs_browser
def test_report_in_headless_chromium(report: Path) -> None:
    import json

    assert CHROMIUM is not None
    result = load_page(CHROMIUM, report, DOM_PROBE)
    assert result.problems() == []
    assert result.requests == [report.resolve().as_uri()]  # the page itself, nothing else
    dom = json.loads(result.value)
    assert dom["sections"] == ["summary", "top", "comentions", "outcomes", "documents", "errors"]
    assert dom["scripts"] == 0 and dom["images"] == 0
    assert dom["svgs"] == 3
    assert dom["entities"] == 15
    assert sorted(dom["negated"]) == sorted(["polyneuropathy", "thrombosis", IMG])
    assert EVIL_TITLE in dom["headings"]  # shown as text, not markup
    assert sorted(dom["evidence"]) == ["Fifteen patients", "Twelve of those patients (86%)"]
    assert dom["bodyText"] > 1000
    assert EVIL_TEXT.split("\n")[0] == EVIL_TITLE


@pytest.mark.browser
@needs_browser
def test_headless_harness_sees_errors(tmp_path: Path) -> None:
    """The browser check is not vacuous: a page with errors and fetches is reported."""
    bad = tmp_path / "bad.html"
    bad.write_text(
        "<!DOCTYPE html><html><head><meta http-equiv='Content-Security-Policy' "
        "content=\"default-src 'none'; script-src 'unsafe-inline'\"></head><body>"
        "<script>console.error('boom'); undefinedFunction();</script>"
        "<img src='https://example.invalid/x.png'></body></html>",
        encoding="utf-8",
    )
    assert CHROMIUM is not None
    result = load_page(CHROMIUM, bad, "document.title")
    problems = " | ".join(result.problems())
    assert "console.error: boom" in problems
    assert "undefinedFunction" in problems
    assert "img-src" in problems or "example.invalid" in problems
    assert any("example.invalid" in url for url in result.requests)


# --------------------------------------------------------------------------- real run


@pytest.fixture(scope="session")
def seeds_output(tmp_path_factory: pytest.TempPathFactory, seeds_dir: Path) -> Path:
    return run_seeds(tmp_path_factory, seeds_dir)


@pytest.mark.slow
def test_report_on_seeds(seeds_output: Path) -> None:
    path = write_report(seeds_output)
    page = path.read_text(encoding="utf-8")
    parsed = parse(page)
    assert {tag for tag, _ in parsed.tags} <= ALLOWED_TAGS
    tables = pipeline.load(seeds_output)
    text = " ".join(parsed.text)
    for title in tables["documents"]["title"].dropna():  # the sample holds all 5 seeds
        assert " ".join(title.split()) in " ".join(text.split())
    designs = tables["documents"]["study_design"].value_counts(dropna=False)
    for design, n in designs.items():
        label = design if isinstance(design, str) else "(none decided)"
        assert f"<td>{label}</td><td class=\"num\">{n:,}</td>" in page
    for design in tables["documents"]["study_design"].dropna():
        assert f"study design {design}" in text
    if CHROMIUM is not None:
        result = load_page(CHROMIUM, path, "document.querySelectorAll('mark.entity').length")
        assert result.problems() == []
        assert result.requests == [path.resolve().as_uri()]
        assert result.value == len(tables["mentions"])  # every mention rendered


def test_class_words_stay_out_of_top_lists() -> None:
    import pandas as pd

    from pipeline.report import co_mentions, top_concepts

    rows = [
        # (doc, label, text, concept_id, is_generic)
        ("d1", "CYTOKINE", "cytokines", None, True),
        ("d2", "CYTOKINE", "cytokines", None, True),
        ("d3", "CYTOKINE", "cytokines", None, True),
        ("d1", "CYTOKINE", "IL-6", "HGNC:6018", False),
        ("d1", "DRUG", "drugs", None, True),
        ("d2", "DRUG", "drugs", None, True),
        ("d1", "DRUG", "imiquimod", "MESH:D000077271", None),  # older tables: null = not generic
        ("d1", "DISEASE", "lupus", "MESH:D008180", False),
    ]
    mentions = pd.DataFrame(
        [{"doc_id": d, "label": lab, "text": t, "concept_id": c, "concept_name": None,
          "negated": False, "is_generic": g} for d, lab, t, c, g in rows]
    )
    assert list(top_concepts(mentions, "CYTOKINE", 5)["concept_id"]) == ["HGNC:6018"]
    assert list(top_concepts(mentions, "DRUG", 5)["concept_id"]) == ["MESH:D000077271"]
    pairs = co_mentions(mentions, 5)
    assert list(zip(pairs["drug_key"], pairs["disease_key"], strict=True)) == [
        ("MESH:D000077271", "MESH:D008180")]
    # without the column (tables written before schema 2) every mention counts
    legacy = mentions.drop(columns="is_generic")
    assert "text:cytokines" in set(top_concepts(legacy, "CYTOKINE", 5)["key"])


def test_report_reads_text_only_of_the_sample_and_the_listed_outcomes(
        out: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Whole document and sentence rows (their text) are read only for the sampled documents and
    for the sentences behind the listed outcome rows; the rest of the run is counted from the
    footers, in DuckDB, or read in a few columns or rows."""
    import pipeline.report.data as data

    reads: list[tuple[str, tuple[str, ...] | None, frozenset[str] | None, int | None]] = []
    real = data._frame

    def spy(out_: Path, table: str, columns: Any = None, doc_ids: Any = None,
            head: int | None = None) -> Any:
        ids = None if doc_ids is None else frozenset(doc_ids)
        reads.append((table, None if columns is None else tuple(columns), ids, head))
        return real(out_, table, columns, ids, head)

    monkeypatch.setattr(data, "_frame", spy)
    page = build_report(out, ReportOptions(sample=1, outcomes=1, errors=1))
    assert "<h2>Outcomes</h2>" in page
    text_reads = [r for r in reads if r[0] in ("documents", "sentences") and r[1] is None]
    assert {r[0] for r in text_reads} == {"documents", "sentences"}
    for table, _columns, ids, _head in text_reads:
        # one sampled document; the one listed outcome row's document
        assert ids is not None and len(ids) == 1, (table, ids)
    # the rest is counted in DuckDB or read in a few columns or rows
    assert all(r[1] is not None or r[2] is not None or r[3] is not None for r in reads)
    # the errors only in their first rows (their kinds are counted in DuckDB, not read whole)
    assert [r[3] for r in reads if r[0] == "errors"] == [1]


def test_errors_by_kind_are_counted_over_every_part(tmp_path: Path) -> None:
    """The errors-by-kind table counts every errors part (DuckDB over the files), most rows
    first, ties by stage then error."""
    from tables_fixture import _write

    run = make_output(tmp_path / "out", skip=("errors",))

    def err(stage: str, error: str, line: int) -> dict[str, Any]:
        return {"source": "in/bad.jsonl", "location": f"line {line}", "doc_id": None,
                "stage": stage, "error": error, "message": "x"}

    rows = ([err("ingest", "bad_json", i) for i in range(5)]
            + [err("tag", "timeout", 9), err("ingest", "bad_id", 10), err("ingest", "bad_id", 11),
               err("ingest", "a_kind", 12)])
    _write(run, "errors", rows)  # two part files
    assert len(list((run / "errors").glob("*.parquet"))) == 2
    page = build_report(run, ReportOptions())
    kinds = page.split("<h3>Errors by kind</h3>", 1)[1].split("</table>", 1)[0]
    cells = [c for c in parse(kinds).text if c.strip()]
    assert cells[:3] == ["stage", "error", "rows"]
    assert cells[3:] == ["ingest", "bad_json", "5", "ingest", "bad_id", "2", "ingest", "a_kind",
                         "1", "tag", "timeout", "1"]


def test_documents_by_study_design(tmp_path: Path) -> None:
    """The summary counts the documents per study design over every documents part (DuckDB,
    the one column), most first, undecided last; a run written before the column existed
    (schema 4: no part has it) gets no such table and no error."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    run = make_output(tmp_path / "new")
    docs = pq.read_table(next((run / "documents").glob("*.parquet")))
    designs = ["case_report", None, "case_report"][: docs.num_rows]
    docs = docs.set_column(docs.schema.get_field_index("study_design"), "study_design",
                           pa.array(designs, pa.string()))
    for f in (run / "documents").glob("*.parquet"):
        f.unlink()
    pq.write_table(docs.slice(0, 1), run / "documents" / "part-00000.parquet")
    pq.write_table(docs.slice(1), run / "documents" / "part-00001.parquet")
    page = build_report(run, ReportOptions())
    table = page.split("<h3>Documents by study design</h3>", 1)[1].split("</table>", 1)[0]
    cells = [c for c in parse(table).text if c.strip()]
    assert cells == ["study design", "documents", "case_report", "2", "(none decided)", "1"]

    old = make_output(tmp_path / "old")
    part = next((old / "documents").glob("*.parquet"))
    table_ = pq.read_table(part)
    pq.write_table(table_.drop_columns(["study_design", "study_design_cue"]), part)
    page = build_report(old, ReportOptions())
    assert "Documents by study design" not in page and "Run summary" in page
