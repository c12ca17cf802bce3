"""`biotab report OUT`: one self-contained HTML page about a run, for a human to look at.

The page (`OUT/report.html`) is built only from the output folder: the Parquet tables and
`manifest.json`. It holds

- the run summary: documents, sentences, mentions per label, outcome rows, errors, the manifest;
- the top drugs, diseases and cytokines by number of documents mentioning them (key: the
  concept_id, or the lower-cased text for mentions without one), as tables and bar charts;
- a drug x disease co-mention table (documents where both appear, negated mentions left out);
- the outcomes table with each figure's evidence sentence (outcomes joined to sentences on
  doc_id + sent_idx);
- a sample of documents rendered with spaCy's displaCy (entity style, manual mode), one colour per
  label, negated mentions struck through and labelled "(negated)".

Safety: the page fetches nothing (no scripts, fonts, stylesheets or images from elsewhere; charts
are inline SVG from matplotlib) and runs no script at all; its Content-Security-Policy forbids
both. Every string that comes from the data (titles, text, concept names, ids, error messages,
the manifest) is HTML-escaped where the page is built; displaCy escapes the document text itself
and every label, tooltip and id passed to it is escaped here.
"""

from __future__ import annotations

import html
import io
import json
import random
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from os import PathLike
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipeline.labels import CYTOKINE, DISEASE, DRUG, LABELS
from pipeline.tables import load, load_manifest

if TYPE_CHECKING:
    import pandas as pd

REPORT_NAME = "report.html"
LABEL_COLORS = {DRUG: "#7aecec", DISEASE: "#feca74", CYTOKINE: "#c887fb"}
NEGATED_COLORS = {DRUG: "#d3f2f2", DISEASE: "#f5e6cc", CYTOKINE: "#e9d5f5"}
OTHER_COLOR = "#dddddd"
CHART_COLORS = {DRUG: "#2a9d8f", DISEASE: "#e9a23b", CYTOKINE: "#9b5de5"}

CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
    "base-uri 'none'; form-action 'none'"
)

#: displaCy entity template (its TPL_ENT plus a class and a tooltip); every field is either
#: escaped by displaCy (text) or escaped here before rendering (label, cls, tip, kb_link).
ENT_TEMPLATE = (
    '<mark class="entity {cls}" title="{tip}" style="background: {bg}; padding: 0.3em 0.5em; '
    'margin: 0 0.2em; line-height: 1; border-radius: 0.35em;">{text}'
    '<span class="entity-label">{label}{kb_link}</span></mark>'
)

STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 0;
       color: #1d2433; background: #fafbfc; line-height: 1.45; }
header { background: #1d3557; color: #fff; padding: 1.2em 2em; }
header h1 { margin: 0 0 0.2em 0; font-size: 1.6em; }
header p { margin: 0; opacity: 0.85; }
nav { padding: 0.6em 2em; background: #e8edf3; font-size: 0.95em; }
nav a { margin-right: 1.2em; color: #1d3557; }
main { padding: 0 2em 3em 2em; max-width: 1400px; }
section { margin-top: 2em; }
h2 { border-bottom: 2px solid #1d3557; padding-bottom: 0.2em; }
h3 { margin-bottom: 0.4em; }
table { border-collapse: collapse; margin: 0.6em 0 1em 0; font-size: 0.92em; background: #fff; }
th, td { border: 1px solid #d5dbe3; padding: 0.3em 0.6em; text-align: left;
         vertical-align: top; }
th { background: #eef2f7; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
.cards { display: flex; flex-wrap: wrap; gap: 0.8em; margin: 1em 0; }
.card { background: #fff; border: 1px solid #d5dbe3; border-radius: 6px; padding: 0.6em 1em;
        min-width: 9em; }
.card .n { font-size: 1.6em; font-weight: 600; }
.card .what { color: #555; font-size: 0.9em; }
.grid { display: flex; flex-wrap: wrap; gap: 2em; align-items: flex-start; }
.chart svg { max-width: 100%; height: auto; }
.note { color: #555; font-size: 0.9em; }
.evidence mark { background: #ffe08a; padding: 0 0.15em; }
.doc { background: #fff; border: 1px solid #d5dbe3; border-radius: 6px; padding: 0.8em 1.2em;
       margin: 1em 0; }
.doc h3 { margin-top: 0.2em; }
.doc .meta { color: #555; font-size: 0.85em; }
.entities { line-height: 2.3; }
.entity-label { font-size: 0.75em; font-weight: bold; line-height: 1; border-radius: 0.35em;
                vertical-align: middle; margin-left: 0.4rem; }
.entity-label .kb { font-weight: normal; margin-left: 0.3em; }
mark.negated { text-decoration: line-through; text-decoration-thickness: 2px;
               outline: 1px dashed #777; }
mark.negated .entity-label { text-decoration: none; display: inline-block; }
.legend span { display: inline-block; padding: 0.15em 0.6em; margin-right: 0.6em;
               border-radius: 0.35em; }
pre { white-space: pre-wrap; word-break: break-word; background: #fff; border: 1px solid #d5dbe3;
      padding: 0.6em; font-size: 0.85em; }
.neg { color: #b00020; }
"""


@dataclass(frozen=True)
class ReportOptions:
    """What goes into the report and how much of it."""

    top: int = 15  # concepts per label in the top tables and charts
    pairs: int = 30  # rows of the drug x disease co-mention table
    outcomes: int = 300  # rows of the outcomes table
    sample: int = 8  # documents rendered with displaCy
    seed: int = 0  # sample selection
    max_doc_chars: int = 8000  # longer documents are cut in the displaCy sample
    errors: int = 50  # error rows listed


# --------------------------------------------------------------------------- helpers


def esc(value: Any) -> str:
    """HTML-escape anything (None and pandas NA become an empty string)."""
    if _missing(value):
        return ""
    return html.escape(str(value), quote=True)


def _missing(value: Any) -> bool:
    if value is None:
        return True
    try:
        import pandas as pd

        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _truthy(value: Any) -> bool:
    return False if _missing(value) else bool(value)


def _int(value: Any) -> int | None:
    return None if _missing(value) else int(value)


def _fmt_num(value: Any, digits: int = 3) -> str:
    if _missing(value):
        return ""
    f = float(value)
    if f.is_integer() and abs(f) < 1e15:
        return str(int(f))
    return f"{f:.{digits}g}"


def _table(headers: Sequence[str], rows: Iterable[Sequence[str]], numeric: Sequence[int] = (),
           cls: str = "") -> str:
    """An HTML table; `headers` are escaped here, cells must already be safe HTML."""
    num = set(numeric)
    head = "".join(
        f'<th class="num">{esc(h)}</th>' if i in num else f"<th>{esc(h)}</th>"
        for i, h in enumerate(headers)
    )
    body = []
    for row in rows:
        cells = "".join(
            f'<td class="num">{c}</td>' if i in num else f"<td>{c}</td>" for i, c in enumerate(row)
        )
        body.append(f"<tr>{cells}</tr>")
    cls_attr = f' class="{esc(cls)}"' if cls else ""
    return f"<table{cls_attr}><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def _kv_table(rows: Iterable[Sequence[str]]) -> str:
    """A two-column key/value table without a header; cells must already be safe HTML."""
    body = "".join(f"<tr><th>{k}</th><td>{v}</td></tr>" for k, v in rows)
    return f"<table><tbody>{body}</tbody></table>"


def _bool_col(df: pd.DataFrame, name: str) -> pd.Series:
    """A boolean column as plain bool (missing column or nulls -> False)."""
    import pandas as pd

    if name not in df.columns:
        return pd.Series(False, index=df.index, dtype=bool)
    return df[name].fillna(False).astype(bool)


def _str_col(df: pd.DataFrame, name: str) -> pd.Series:
    """A string column as object dtype with None for missing values."""
    import pandas as pd

    if name not in df.columns:
        return pd.Series([None] * len(df), index=df.index, dtype=object)
    col = df[name].astype(object)
    return col.where(col.notna(), None)


# --------------------------------------------------------------------------- analysis


def concept_keys(mentions: pd.DataFrame) -> pd.DataFrame:
    """Mentions with `key` (concept_id, else "text:" + lower-cased text) and `name` columns.
    Class words ("cytokines", "drugs": `is_generic`) are left out: they name no concept and
    would top every list."""
    m = mentions[~_bool_col(mentions, "is_generic")].copy()
    text = _str_col(m, "text").fillna("")
    cid = _str_col(m, "concept_id")
    m["key"] = [c if c else "text:" + t.lower() for c, t in zip(cid, text, strict=True)]
    cname = _str_col(m, "concept_name")
    m["name"] = [n if n else t.lower() for n, t in zip(cname, text, strict=True)]
    m["negated_b"] = _bool_col(m, "negated")
    return m


def top_concepts(mentions: pd.DataFrame, label: str, n: int) -> pd.DataFrame:
    """Top `n` concepts of one label by documents mentioning them.

    Columns: key, concept_id (None for text keys), name, documents, documents_asserted (without
    negated mentions), mentions, forms (most common surface forms).
    """
    import pandas as pd

    cols = ["key", "concept_id", "name", "documents", "documents_asserted", "mentions", "forms"]
    m = concept_keys(mentions)
    m = m[_str_col(m, "label") == label]
    if m.empty:
        return pd.DataFrame(columns=cols)
    m = m.assign(doc=_str_col(m, "doc_id"), form=_str_col(m, "text").fillna(""))
    rows = []
    for key, g in m.groupby("key", sort=False):
        names = g["name"].value_counts()
        forms = g["form"].value_counts()
        rows.append(
            {
                "key": key,
                "concept_id": None if str(key).startswith("text:") else key,
                "name": names.index[0],
                "documents": g["doc"].nunique(),
                "documents_asserted": g.loc[~g["negated_b"], "doc"].nunique(),
                "mentions": len(g),
                "forms": list(forms.index[:4]),
            }
        )
    out = pd.DataFrame(rows, columns=cols)
    out = out.sort_values(["documents", "mentions", "name"], ascending=[False, False, True])
    return out.head(n).reset_index(drop=True)


def co_mentions(mentions: pd.DataFrame, n: int) -> pd.DataFrame:
    """Drug x disease pairs by documents where both are mentioned (negated mentions left out).

    Columns: drug_key, drug, disease_key, disease, documents, examples (up to 3 doc_ids).
    """
    import pandas as pd

    cols = ["drug_key", "drug", "disease_key", "disease", "documents", "examples"]
    m = concept_keys(mentions)
    m = m[~m["negated_b"]].assign(doc=_str_col(m, "doc_id"), lab=_str_col(m, "label"))
    names = m.groupby("key")["name"].agg(lambda s: s.value_counts().index[0]).to_dict()
    drugs = m.loc[m["lab"] == DRUG, ["doc", "key"]].drop_duplicates()
    diseases = m.loc[m["lab"] == DISEASE, ["doc", "key"]].drop_duplicates()
    if drugs.empty or diseases.empty:
        return pd.DataFrame(columns=cols)
    pairs = drugs.merge(diseases, on="doc", suffixes=("_drug", "_disease"))
    grouped = pairs.groupby(["key_drug", "key_disease"])["doc"]
    agg = grouped.agg(documents="nunique", examples=lambda s: sorted(set(s))[:3]).reset_index()
    agg["drug"] = agg["key_drug"].map(names)
    agg["disease"] = agg["key_disease"].map(names)
    agg = agg.rename(columns={"key_drug": "drug_key", "key_disease": "disease_key"})
    agg = agg.sort_values(["documents", "drug", "disease"], ascending=[False, True, True])
    return agg[cols].head(n).reset_index(drop=True)


def outcomes_with_evidence(outcomes: pd.DataFrame, sentences: pd.DataFrame) -> pd.DataFrame:
    """Outcomes joined to their sentence (doc_id + sent_idx): adds sentence_text, sentence_start."""
    import pandas as pd

    sent = pd.DataFrame(
        {
            "doc_id": _str_col(sentences, "doc_id"),
            "sent_idx": sentences["sent_idx"].astype("Int64") if "sent_idx" in sentences
            else pd.Series(dtype="Int64"),
            "sentence_text": _str_col(sentences, "text"),
            "sentence_start": sentences["start_char"].astype("Int64")
            if "start_char" in sentences else pd.Series(dtype="Int64"),
        }
    )
    o = outcomes.copy()
    o["doc_id"] = _str_col(o, "doc_id")
    o["sent_idx"] = o["sent_idx"].astype("Int64")
    return o.merge(sent, on=["doc_id", "sent_idx"], how="left")


# --------------------------------------------------------------------------- charts


def _mpl_text(text: str, limit: int = 45) -> str:
    """A label matplotlib draws literally: no mathtext (`$`), cut to `limit` characters."""
    text = " ".join(str(text).split())
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return text.replace("\\", "\\\\").replace("$", r"\$")


_SVG_METADATA = re.compile(r"<metadata>.*?</metadata>\s*", re.S)


def bar_chart_svg(names: Sequence[str], values: Sequence[int], title: str, color: str) -> str:
    """A horizontal bar chart as an inline `<svg>` element (no XML prolog, no external refs).

    Uses matplotlib's object API (`Figure` + the SVG canvas): no pyplot, no global backend or
    rcParams change; text is kept as `<text>` (escaped by matplotlib's SVG writer).
    """
    import matplotlib
    from matplotlib.backends.backend_svg import FigureCanvasSVG
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    with matplotlib.rc_context(
        {"svg.fonttype": "none", "svg.hashsalt": "biotab", "font.family": "sans-serif"}
    ):
        height = 0.9 + 0.32 * max(len(names), 1)
        fig = Figure(figsize=(6.4, height), dpi=96)
        FigureCanvasSVG(fig)
        ax = fig.add_subplot()
        labels = [_mpl_text(n) for n in names][::-1]
        vals = list(values)[::-1]
        ax.barh(range(len(vals)), vals, color=color)
        ax.set_yticks(range(len(vals)), labels=labels, fontsize=9)
        ax.set_xlabel("documents", fontsize=9)
        ax.set_title(_mpl_text(title, 80), fontsize=11, loc="left")
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
        for i, v in enumerate(vals):
            ax.text(v, i, f" {v}", va="center", fontsize=8)
        fig.tight_layout()
        buf = io.StringIO()
        fig.savefig(buf, format="svg", metadata={"Date": None})
    svg = buf.getvalue()
    start = svg.find("<svg")
    svg = svg[start:] if start >= 0 else ""
    return _SVG_METADATA.sub("", svg)  # RDF block naming matplotlib's URL: not needed inline


# --------------------------------------------------------------------------- sections


def _summary_section(t: dict[str, pd.DataFrame], manifest: dict[str, Any], out: Path) -> str:
    docs, sents, ments = t["documents"], t["sentences"], t["mentions"]
    outs, errs = t["outcomes"], t["errors"]
    labels = _str_col(ments, "label")
    negated = _bool_col(ments, "negated")
    cards = [
        (len(docs), "documents"),
        (len(sents), "sentences"),
        (len(ments), "mentions"),
        *[(int((labels == lab).sum()), f"{lab} mentions") for lab in LABELS],
        (len(outs), "outcome rows"),
        (len(errs), "errors"),
    ]
    card_html = "".join(
        f'<div class="card"><div class="n">{n:,}</div><div class="what">{esc(w)}</div></div>'
        for n, w in cards
    )
    # mentions per label
    rows = []
    known = [*LABELS, *sorted(set(labels.dropna()) - set(LABELS))]
    for lab in known:
        sel = labels == lab
        rows.append(
            [
                esc(lab),
                f"{int(sel.sum()):,}",
                f"{int((sel & negated).sum()):,}",
                f"{int(_str_col(ments[sel], 'doc_id').nunique()):,}",
                f"{int(_str_col(ments[sel], 'concept_id').nunique()):,}",
                f"{int((sel & _str_col(ments, 'concept_id').isna()).sum()):,}",
            ]
        )
    label_table = _table(
        ["label", "mentions", "negated", "documents", "distinct concepts", "without concept id"],
        rows,
        numeric=[1, 2, 3, 4, 5],
    )
    # errors by kind
    err_html = ""
    if len(errs):
        kinds = (
            errs.assign(stage_=_str_col(errs, "stage"), error_=_str_col(errs, "error"))
            .groupby(["stage_", "error_"], dropna=False)
            .size()
            .sort_values(ascending=False)
        )
        err_html = "<h3>Errors by kind</h3>" + _table(
            ["stage", "error", "rows"],
            [[esc(s), esc(e), f"{int(c):,}"] for (s, e), c in kinds.items()],
            numeric=[2],
        )
    return (
        '<section id="summary"><h2>Run summary</h2>'
        f'<div class="cards">{card_html}</div>'
        f"<h3>Mentions per label</h3>{label_table}{err_html}"
        f"{_manifest_html(manifest, out)}</section>"
    )


_MANIFEST_KEYS = (
    ("run_id", "run id"),
    ("status", "status"),
    ("started", "started"),
    ("start_time", "started"),
    ("started_at", "started"),
    ("finished", "finished"),
    ("ended", "finished"),
    ("end_time", "finished"),
    ("finished_at", "finished"),
    ("ended_at", "finished"),
    ("elapsed_s", "elapsed (s)"),
    ("duration_s", "elapsed (s)"),
    ("biotab_version", "biotab version"),
    ("schema_version", "schema version"),
    ("engine", "engine"),
    ("command", "command line"),
    ("command_line", "command line"),
    ("argv", "command line"),
)


def _manifest_html(manifest: dict[str, Any], out: Path) -> str:
    if not manifest:
        return f'<h3>Manifest</h3><p class="note">No manifest.json in {esc(out)}.</p>'
    rows = []
    seen: set[str] = set()
    for key, what in _MANIFEST_KEYS:
        if key in manifest and what not in seen:
            value = manifest[key]
            if isinstance(value, list):
                value = " ".join(str(v) for v in value)
            elif isinstance(value, dict):
                value = json.dumps(value, ensure_ascii=False, default=str)
            rows.append([esc(what), esc(value)])
            seen.add(what)
    inputs = manifest.get("inputs") or manifest.get("input_files")
    if isinstance(inputs, list | dict):
        rows.append([esc("input files"), esc(f"{len(inputs):,}")])
    dump = json.dumps(manifest, indent=2, ensure_ascii=False, default=str)
    if len(dump) > 200_000:
        dump = dump[:200_000] + "\n… (cut)"
    return (
        "<h3>Manifest</h3>"
        + (_kv_table(rows) if rows else "")
        + f"<details><summary>manifest.json</summary><pre>{esc(dump)}</pre></details>"
    )


def _top_section(mentions: pd.DataFrame, opts: ReportOptions) -> str:
    parts = [
        '<section id="top"><h2>Top drugs, diseases and cytokines</h2>'
        '<p class="note">Ranked by the number of documents mentioning each concept (its '
        "concept_id; mentions without one are grouped by their lower-cased text). "
        '"not negated" counts documents with at least one mention that is not negated.</p>'
    ]
    for label in LABELS:
        top = top_concepts(mentions, label, opts.top)
        title = {DRUG: "Drugs", DISEASE: "Diseases", CYTOKINE: "Cytokines"}[label]
        parts.append(f'<h3 id="top-{label.lower()}">{esc(title)}</h3>')
        if top.empty:
            parts.append(f'<p class="note">No {esc(label)} mentions.</p>')
            continue
        rows = [
            [
                str(i + 1),
                esc(r["name"]),
                esc(r["concept_id"]) if r["concept_id"] else '<span class="note">(text)</span>',
                f"{int(r['documents']):,}",
                f"{int(r['documents_asserted']):,}",
                f"{int(r['mentions']):,}",
                esc(", ".join(r["forms"])),
            ]
            for i, r in top.iterrows()
        ]
        table = _table(
            ["#", "name", "concept id", "documents", "not negated", "mentions", "written as"],
            rows,
            numeric=[0, 3, 4, 5],
        )
        chart = bar_chart_svg(
            list(top["name"]), [int(v) for v in top["documents"]],
            f"{title}: documents mentioning", CHART_COLORS[label],
        )
        parts.append(f'<div class="grid"><div>{table}</div><div class="chart">{chart}</div></div>')
    parts.append("</section>")
    return "".join(parts)


def _co_section(mentions: pd.DataFrame, opts: ReportOptions) -> str:
    co = co_mentions(mentions, opts.pairs)
    head = (
        '<section id="comentions"><h2>Drug x disease co-mentions</h2>'
        '<p class="note">Documents in which both the drug and the disease are mentioned '
        "(negated mentions left out), top "
        f"{opts.pairs}.</p>"
    )
    if co.empty:
        return head + '<p class="note">No document mentions both a drug and a disease.</p>' + (
            "</section>"
        )
    rows = [
        [
            esc(r["drug"]),
            esc("" if str(r["drug_key"]).startswith("text:") else r["drug_key"]),
            esc(r["disease"]),
            esc("" if str(r["disease_key"]).startswith("text:") else r["disease_key"]),
            f"{int(r['documents']):,}",
            esc(", ".join(r["examples"])),
        ]
        for _, r in co.iterrows()
    ]
    return head + _table(
        ["drug", "drug concept", "disease", "disease concept", "documents", "e.g. doc_id"],
        rows,
        numeric=[4],
    ) + "</section>"


def _evidence_html(sentence: Any, sent_start: Any, start: Any, end: Any) -> str:
    """The sentence, escaped, with the figure [start, end) (document offsets) marked."""
    if _missing(sentence):
        return '<span class="note">(sentence not found)</span>'
    s = str(sentence)
    s0, a, b = _int(sent_start), _int(start), _int(end)
    if s0 is None or a is None or b is None:
        return esc(s)
    a, b = a - s0, b - s0
    if not (0 <= a < b <= len(s)):
        return esc(s)
    return f"{esc(s[:a])}<mark>{esc(s[a:b])}</mark>{esc(s[b:])}"


def _outcomes_section(t: dict[str, pd.DataFrame], opts: ReportOptions) -> str:
    outcomes = t["outcomes"]
    head = '<section id="outcomes"><h2>Outcomes</h2>'
    if outcomes.empty:
        return head + '<p class="note">No outcome rows.</p></section>'
    joined = outcomes_with_evidence(outcomes, t["sentences"])
    shown = joined.head(opts.outcomes)
    note = (
        f'<p class="note">{len(outcomes):,} outcome rows'
        + (f", the first {len(shown):,} shown" if len(shown) < len(outcomes) else "")
        + ". The figure is highlighted in its evidence sentence (outcomes joined to sentences on "
        "doc_id + sent_idx).</p>"
    )

    def g(r: Any, col: str) -> Any:
        return r[col] if col in r.index else None

    rows = []
    for _, r in shown.iterrows():
        value = _fmt_num(g(r, "value"))
        unit = g(r, "unit")
        if value and unit == "percent":
            value += "%"
        elif value and unit == "percent_extent":  # a share of a body area, not of patients
            value += "% of area"
        elif value and not _missing(unit) and unit != "count":
            value += f" {unit}"
        num, den = _int(g(r, "numerator")), _int(g(r, "denominator"))
        frac = f"{'' if num is None else num}/{'' if den is None else den}" if (
            num is not None or den is not None) else ""
        ci = ""
        if not _missing(g(r, "ci_low")) or not _missing(g(r, "ci_high")):
            level = g(r, "ci_level")
            lvl = ""
            if not _missing(level):  # a fraction (0.95) or a percentage (95)
                lvl = f"{_fmt_num(float(level) * 100 if float(level) <= 1 else level)}% "
            ci = f"{lvl}CI {_fmt_num(g(r, 'ci_low'))}–{_fmt_num(g(r, 'ci_high'))}"
        p = ""
        if not _missing(g(r, "p_value")):
            rel = g(r, "p_relation")
            p = f"p {'=' if _missing(rel) else rel} {_fmt_num(g(r, 'p_value'))}"
        drug = g(r, "drug_text") if not _missing(g(r, "drug_text")) else g(r, "drug_concept_id")
        disease = g(r, "disease_text") if not _missing(g(r, "disease_text")) else g(
            r, "disease_concept_id")
        negated = _truthy(g(r, "negated"))
        evidence = _evidence_html(
            g(r, "sentence_text"), g(r, "sentence_start"), g(r, "start_char"), g(r, "end_char")
        )
        rows.append(
            [
                esc(g(r, "doc_id")),
                esc(g(r, "measure")) + (' <span class="neg">(negated)</span>' if negated else ""),
                esc(value),
                esc(frac),
                esc(" ".join(x for x in (ci, p) if x)),
                esc(g(r, "timepoint")),
                esc(drug) + (f'<br><span class="note">{esc(g(r, "drug_concept_id"))}</span>'
                             if not _missing(g(r, "drug_concept_id")) else ""),
                esc(disease) + (f'<br><span class="note">{esc(g(r, "disease_concept_id"))}</span>'
                                if not _missing(g(r, "disease_concept_id")) else ""),
                f'<span class="evidence">{evidence}</span>',
            ]
        )
    return (
        head
        + note
        + _table(
            ["doc_id", "measure", "value", "n/N", "CI, p", "timepoint", "drug", "disease",
             "evidence sentence"],
            rows,
        )
        + "</section>"
    )


def _pick_sample(t: dict[str, pd.DataFrame], opts: ReportOptions) -> list[str]:
    """Up to `opts.sample` doc_ids, at random (seeded), preferring documents with mentions."""
    doc_ids = [d for d in _str_col(t["documents"], "doc_id") if d is not None]
    with_mentions = set(_str_col(t["mentions"], "doc_id").dropna())
    rng = random.Random(opts.seed)
    first = [d for d in doc_ids if d in with_mentions]
    rest = [d for d in doc_ids if d not in with_mentions]
    picked = rng.sample(first, min(opts.sample, len(first)))
    if len(picked) < opts.sample:
        picked += rng.sample(rest, min(opts.sample - len(picked), len(rest)))
    order = {d: i for i, d in enumerate(doc_ids)}
    return sorted(picked, key=order.__getitem__)


def displacy_options() -> dict[str, Any]:
    colors: dict[str, str] = {}
    for lab in LABELS:
        colors[lab] = LABEL_COLORS[lab]
        colors[f"{lab} (negated)"] = NEGATED_COLORS[lab]
    return {"colors": colors, "template": ENT_TEMPLATE}


def render_document(text: str, mentions: pd.DataFrame, max_chars: int) -> str:
    """One document's text with its mentions, as displaCy entity markup (escaped)."""
    from spacy import displacy

    cut = len(text) > max_chars
    if cut:
        text = text[:max_chars]
    ents = []
    last_end = -1
    m = mentions.assign(
        _s=mentions["start_char"].astype("Int64"), _e=mentions["end_char"].astype("Int64")
    ).sort_values(["_s", "_e"], ascending=[True, False])
    negs = _bool_col(m, "negated")
    for (_, r), negated in zip(m.iterrows(), negs, strict=True):
        s, e = _int(r["_s"]), _int(r["_e"])
        if s is None or e is None or s < last_end or not (0 <= s < e <= len(text)):
            continue  # overlapping, past the cut, or bad offsets
        raw_label = "" if _missing(r.get("label")) else str(r["label"])
        label = raw_label if raw_label in LABELS else (raw_label or "?")
        shown = f"{label} (negated)" if negated else label
        tip_parts = [
            x for x in (
                None if _missing(r.get("concept_name")) else str(r["concept_name"]),
                None if _missing(r.get("concept_id")) else str(r["concept_id"]),
                None if _missing(r.get("source")) else f"source: {r['source']}",
                "negated" if negated else None,
                "hypothetical" if _truthy(r.get("hypothetical")) else None,
                "uncertain" if _truthy(r.get("uncertain")) else None,
                None if _missing(r.get("assertion_cue")) else f"cue: {r['assertion_cue']}",
            ) if x
        ]
        ents.append(
            {
                "start": s,
                "end": e,
                "label": esc(shown),
                "params": {
                    "cls": "negated" if negated else "asserted",
                    "tip": esc(" | ".join(tip_parts)),
                    "kb_link": (
                        f' <span class="kb">{esc(r["concept_id"])}</span>'
                        if not _missing(r.get("concept_id")) else ""
                    ),
                },
            }
        )
        last_end = e
    markup = displacy.render(
        {"text": text, "ents": ents, "title": None},
        style="ent",
        manual=True,
        page=False,
        jupyter=False,
        options=displacy_options(),
    )
    if cut:
        markup += '<p class="note">(document cut for display)</p>'
    return str(markup)


def _legend() -> str:
    spans = []
    for lab in LABELS:
        spans.append(f'<span style="background: {LABEL_COLORS[lab]}">{esc(lab)}</span>')
        spans.append(
            f'<span style="background: {NEGATED_COLORS[lab]}; text-decoration: line-through">'
            f"{esc(lab)} (negated)</span>"
        )
    return f'<p class="legend">{"".join(spans)}</p>'


def _sample_section(t: dict[str, pd.DataFrame], opts: ReportOptions) -> str:
    head = (
        '<section id="documents"><h2>Sample documents</h2>'
        '<p class="note">Documents drawn at random (seed '
        f"{opts.seed}) among those with mentions, rendered with spaCy's displaCy. Hover a mention "
        "for its concept, source and assertion flags.</p>" + _legend()
    )
    picked = _pick_sample(t, opts)
    if not picked:
        return head + '<p class="note">No documents.</p></section>'
    docs = t["documents"].assign(_id=_str_col(t["documents"], "doc_id"))
    docs = docs[docs["_id"].isin(picked)].drop_duplicates("_id").set_index("_id")
    ments = t["mentions"].assign(_id=_str_col(t["mentions"], "doc_id"))
    ments = ments[ments["_id"].isin(picked)]
    by_doc = {k: g for k, g in ments.groupby("_id")}
    parts = [head]
    for doc_id in picked:
        d = docs.loc[doc_id]
        text = "" if _missing(d.get("text")) else str(d["text"])
        title = None if _missing(d.get("title")) else str(d["title"])
        dm = by_doc.get(doc_id, ments.iloc[0:0])
        n_neg = int(_bool_col(dm, "negated").sum())
        meta = " · ".join(
            x for x in (
                f"doc_id {doc_id}",
                None if _missing(d.get("source")) else f"source {d['source']}",
                None if _missing(d.get("format")) else f"format {d['format']}",
                None if _missing(d.get("language")) else f"language {d['language']}",
                f"{len(dm)} mentions ({n_neg} negated)",
            ) if x
        )
        parts.append(
            '<article class="doc">'
            f"<h3>{esc(title) if title else esc(doc_id)}</h3>"
            f'<div class="meta">{esc(meta)}</div>'
            f"{render_document(text, dm, opts.max_doc_chars)}</article>"
        )
    parts.append("</section>")
    return "".join(parts)


def _errors_section(errors: pd.DataFrame, opts: ReportOptions) -> str:
    head = '<section id="errors"><h2>Errors</h2>'
    if errors.empty:
        return head + '<p class="note">No errors.</p></section>'
    cols = ["source", "location", "doc_id", "stage", "error", "message"]
    shown = errors.head(opts.errors)
    rows = [[esc(r[c]) if c in r.index else "" for c in cols] for _, r in shown.iterrows()]
    note = (
        f'<p class="note">The first {len(shown):,} of {len(errors):,} rows.</p>'
        if len(shown) < len(errors) else ""
    )
    return head + note + _table(cols, rows) + "</section>"


# --------------------------------------------------------------------------- page


def build_report(out: str | PathLike[str], options: ReportOptions | None = None) -> str:
    """The report page for output folder `out`, as an HTML string."""
    opts = options or ReportOptions()
    root = Path(out)
    tables = load(root)
    manifest = load_manifest(root)
    generated = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    run_id = manifest.get("run_id")
    subtitle = f"Output folder {root}" + (f" · run {run_id}" if run_id else "")
    nav = "".join(
        f'<a href="#{i}">{esc(w)}</a>'
        for i, w in (
            ("summary", "Summary"),
            ("top", "Top concepts"),
            ("comentions", "Co-mentions"),
            ("outcomes", "Outcomes"),
            ("documents", "Documents"),
            ("errors", "Errors"),
        )
    )
    body = "".join(
        [
            _summary_section(tables, manifest, root),
            _top_section(tables["mentions"], opts),
            _co_section(tables["mentions"], opts),
            _outcomes_section(tables, opts),
            _sample_section(tables, opts),
            _errors_section(tables["errors"], opts),
        ]
    )
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>biotab report: {esc(root.name or str(root))}</title>"
        f"<style>{STYLE}</style></head><body>"
        f"<header><h1>biotab report</h1><p>{esc(subtitle)} · generated {esc(generated)}</p>"
        f"</header><nav>{nav}</nav><main>{body}</main></body></html>\n"
    )


class NoRunError(ValueError):
    """The folder given to `write_report` holds no biotab run."""


def check_run_folder(out: str | PathLike[str]) -> None:
    """Raise NoRunError unless `out` holds a run: a manifest.json written by biotab, or part
    files of the documents table."""
    from pipeline.write import MANIFEST, is_biotab_manifest

    root = Path(out)
    if not root.is_dir():
        raise NoRunError(f"no output folder at {root}")
    if is_biotab_manifest(root / MANIFEST) or any((root / "documents").glob("part-*.parquet")):
        return
    raise NoRunError(f"{root} holds no biotab run (no manifest.json, no documents/part-*.parquet)"
                     "; give the --out folder of a `biotab run`")


def write_report(
    out: str | PathLike[str],
    path: str | PathLike[str] | None = None,
    options: ReportOptions | None = None,
) -> Path:
    """Write the report for `out` to `path` (default `OUT/report.html`); returns the path.
    Raises NoRunError (writing nothing) when `out` holds no run."""
    check_run_folder(out)
    target = Path(path) if path is not None else Path(out) / REPORT_NAME
    page = build_report(out, options)
    tmp = target.with_name(f".{target.name}.tmp")
    tmp.write_text(page, encoding="utf-8")
    tmp.replace(target)
    return target

