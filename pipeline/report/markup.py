"""HTML building blocks of the report: colours, the page style, escaped tables, SVG charts."""

from __future__ import annotations

import html
import io
import re
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from pipeline.labels import CYTOKINE, DISEASE, DRUG

if TYPE_CHECKING:
    import pandas as pd

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
.unfinished { background: #fff3cd; border: 2px solid #c0392b; border-radius: 6px;
              padding: 0.8em 1.2em; margin-top: 1.5em; }
.unfinished h2 { border: 0; color: #c0392b; margin: 0 0 0.3em 0; }
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



def esc(value: Any) -> str:
    """HTML-escape anything (None and pandas NA become an empty string)."""
    if missing(value):
        return ""
    return html.escape(str(value), quote=True)


def missing(value: Any) -> bool:
    if value is None:
        return True
    try:
        import pandas as pd

        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def truthy(value: Any) -> bool:
    return False if missing(value) else bool(value)


def as_int(value: Any) -> int | None:
    return None if missing(value) else int(value)


def fmt_num(value: Any, digits: int = 3) -> str:
    if missing(value):
        return ""
    f = float(value)
    if f.is_integer() and abs(f) < 1e15:
        return str(int(f))
    return f"{f:.{digits}g}"


def html_table(headers: Sequence[str], rows: Iterable[Sequence[str]], numeric: Sequence[int] = (),
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


def kv_table(rows: Iterable[Sequence[str]]) -> str:
    """A two-column key/value table without a header; cells must already be safe HTML."""
    body = "".join(f"<tr><th>{k}</th><td>{v}</td></tr>" for k, v in rows)
    return f"<table><tbody>{body}</tbody></table>"


def bool_col(df: pd.DataFrame, name: str) -> pd.Series:
    """A boolean column as plain bool (missing column or nulls -> False)."""
    import pandas as pd

    if name not in df.columns:
        return pd.Series(False, index=df.index, dtype=bool)
    return df[name].fillna(False).astype(bool)


def str_col(df: pd.DataFrame, name: str) -> pd.Series:
    """A string column as object dtype with None for missing values."""
    import pandas as pd

    if name not in df.columns:
        return pd.Series([None] * len(df), index=df.index, dtype=object)
    col = df[name].astype(object)
    return col.where(col.notna(), None)



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


