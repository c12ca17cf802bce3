"""The sections of the report page, each an HTML string built from the tables."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipeline.labels import CYTOKINE, DISEASE, DRUG, LABELS
from pipeline.plural import noun, plural
from pipeline.report.analysis import (
    Mentions,
    co_mentions,
    label_counts,
    outcomes_with_evidence,
    sample_documents,
    top_concepts,
)
from pipeline.report.markup import (
    CHART_COLORS,
    ENT_TEMPLATE,
    LABEL_COLORS,
    NEGATED_COLORS,
    as_int,
    bar_chart_svg,
    bool_col,
    esc,
    fmt_num,
    html_table,
    kv_table,
    missing,
    str_col,
    truthy,
)

if TYPE_CHECKING:
    import pandas as pd

    from pipeline.report.data import ReportData
    from pipeline.tables import UnfinishedRun


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



def unfinished_banner(unfinished: UnfinishedRun | None, n_documents: int) -> str:
    """The banner at the top of the page for a run that did not finish (empty for one that
    did): what the manifest says happened, that every figure below is of part of the
    documents, and the command that finishes the run."""
    if unfinished is None:
        return ""
    if unfinished.resume is None:
        todo = "Write the report again once that run has ended."
    else:
        todo = (f"Finish it with <code>{esc(unfinished.resume)}</code>, then write the report "
                "again.")
    return (
        '<section id="unfinished" class="unfinished" role="alert">'
        "<h2>This run did not finish</h2>"
        f"<p>Manifest status <b>{esc(unfinished.status)}</b>: it {esc(unfinished.what)}. "
        f"Every count and table below is of the {esc(plural(n_documents, 'document'))} "
        f"written so far, not of all its inputs.</p><p>{todo}</p></section>"
    )


def summary_section(data: ReportData, manifest: dict[str, Any], out: Path) -> str:
    counts = data.counts
    per_label = label_counts(data.mentions)
    cards = [
        (counts["documents"], "document"),
        (counts["sentences"], "sentence"),
        (counts["mentions"], "mention"),
        *[(per_label.get(lab, [0])[0], f"{lab} mention") for lab in LABELS],
        (counts["outcomes"], "outcome row"),
        (counts["errors"], "error"),
    ]
    card_html = "".join(
        f'<div class="card"><div class="n">{n:,}</div><div class="what">{esc(noun(n, w))}</div>'
        "</div>"
        for n, w in cards
    )
    # mentions per label: mentions, negated, documents, distinct concepts, without concept id
    known = [*LABELS, *sorted(set(per_label) - set(LABELS))]
    rows = [[esc(lab), *(f"{n:,}" for n in per_label.get(lab, [0] * 5))] for lab in known]
    label_table = html_table(
        ["label", "mentions", "negated", "documents", "distinct concepts", "without concept id"],
        rows,
        numeric=[1, 2, 3, 4, 5],
    )
    design_html = ""
    if data.design_counts:
        design_html = "<h3>Documents by study design</h3>" + html_table(
            ["study design", "documents"],
            [[esc(d if d is not None else "(none decided)"), f"{n:,}"]
             for d, n in data.design_counts],
            numeric=[1],
        )
    # errors by kind
    err_html = ""
    if data.error_kinds:
        err_html = "<h3>Errors by kind</h3>" + html_table(
            ["stage", "error", "rows"],
            [[esc(s), esc(e), f"{n:,}"] for s, e, n in data.error_kinds],
            numeric=[2],
        )
    return (
        '<section id="summary"><h2>Run summary</h2>'
        f'<div class="cards">{card_html}</div>'
        f"<h3>Mentions per label</h3>{label_table}{design_html}{err_html}"
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
        + (kv_table(rows) if rows else "")
        + f"<details><summary>manifest.json</summary><pre>{esc(dump)}</pre></details>"
    )


def top_section(mentions: Mentions, opts: ReportOptions) -> str:
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
        table = html_table(
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


def co_section(mentions: Mentions, opts: ReportOptions) -> str:
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
    return head + html_table(
        ["drug", "drug concept", "disease", "disease concept", "documents", "e.g. doc_id"],
        rows,
        numeric=[4],
    ) + "</section>"


def _evidence_html(sentence: Any, sent_start: Any, start: Any, end: Any) -> str:
    """The sentence, escaped, with the figure [start, end) (document offsets) marked."""
    if missing(sentence):
        return '<span class="note">(sentence not found)</span>'
    s = str(sentence)
    s0, a, b = as_int(sent_start), as_int(start), as_int(end)
    if s0 is None or a is None or b is None:
        return esc(s)
    a, b = a - s0, b - s0
    if not (0 <= a < b <= len(s)):
        return esc(s)
    return f"{esc(s[:a])}<mark>{esc(s[a:b])}</mark>{esc(s[b:])}"


def outcomes_section(data: ReportData, opts: ReportOptions) -> str:
    """The first `opts.outcomes` outcome rows (`data.outcomes` holds no more), each with its
    evidence sentence."""
    outcomes, total = data.outcomes.head(opts.outcomes), data.counts["outcomes"]
    head = '<section id="outcomes"><h2>Outcomes</h2>'
    if outcomes.empty:
        return head + '<p class="note">No outcome rows.</p></section>'
    sentences = data.sentences_of(str_col(outcomes, "doc_id").dropna())
    shown = outcomes_with_evidence(outcomes, sentences)
    note = (
        f'<p class="note">{plural(total, "outcome row")}'
        + (f", the first {len(shown):,} shown" if len(shown) < total else "")
        + ". The figure is highlighted in its evidence sentence (outcomes joined to sentences on "
        "doc_id + sent_idx).</p>"
    )

    def g(r: Any, col: str) -> Any:
        return r[col] if col in r.index else None

    rows = []
    for _, r in shown.iterrows():
        value = fmt_num(g(r, "value"))
        unit = g(r, "unit")
        if value and unit == "percent":
            value += "%"
        elif value and unit == "percent_extent":  # a share of a body area, not of patients
            value += "% of area"
        elif value and not missing(unit) and unit != "count":
            value += f" {unit}"
        num, den = as_int(g(r, "numerator")), as_int(g(r, "denominator"))
        frac = f"{'' if num is None else num}/{'' if den is None else den}" if (
            num is not None or den is not None) else ""
        ci = ""
        if not missing(g(r, "ci_low")) or not missing(g(r, "ci_high")):
            level = g(r, "ci_level")
            lvl = ""
            if not missing(level):  # a fraction (0.95) or a percentage (95)
                lvl = f"{fmt_num(float(level) * 100 if float(level) <= 1 else level)}% "
            ci = f"{lvl}CI {fmt_num(g(r, 'ci_low'))}–{fmt_num(g(r, 'ci_high'))}"
        p = ""
        if not missing(g(r, "p_value")):
            rel = g(r, "p_relation")
            p = f"p {'=' if missing(rel) else rel} {fmt_num(g(r, 'p_value'))}"
        drug = g(r, "drug_text") if not missing(g(r, "drug_text")) else g(r, "drug_concept_id")
        disease = g(r, "disease_text") if not missing(g(r, "disease_text")) else g(
            r, "disease_concept_id")
        negated = truthy(g(r, "negated"))
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
                             if not missing(g(r, "drug_concept_id")) else ""),
                esc(disease) + (f'<br><span class="note">{esc(g(r, "disease_concept_id"))}</span>'
                                if not missing(g(r, "disease_concept_id")) else ""),
                f'<span class="evidence">{evidence}</span>',
            ]
        )
    return (
        head
        + note
        + html_table(
            ["doc_id", "measure", "value", "n/N", "CI, p", "timepoint", "drug", "disease",
             "evidence sentence"],
            rows,
        )
        + "</section>"
    )


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
    negs = bool_col(m, "negated")
    for (_, r), negated in zip(m.iterrows(), negs, strict=True):
        s, e = as_int(r["_s"]), as_int(r["_e"])
        if s is None or e is None or s < last_end or not (0 <= s < e <= len(text)):
            continue  # overlapping, past the cut, or bad offsets
        raw_label = "" if missing(r.get("label")) else str(r["label"])
        label = raw_label if raw_label in LABELS else (raw_label or "?")
        shown = f"{label} (negated)" if negated else label
        tip_parts = [
            x for x in (
                None if missing(r.get("concept_name")) else str(r["concept_name"]),
                None if missing(r.get("concept_id")) else str(r["concept_id"]),
                None if missing(r.get("source")) else f"source: {r['source']}",
                "negated" if negated else None,
                "hypothetical" if truthy(r.get("hypothetical")) else None,
                "uncertain" if truthy(r.get("uncertain")) else None,
                None if missing(r.get("assertion_cue")) else f"cue: {r['assertion_cue']}",
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
                        if not missing(r.get("concept_id")) else ""
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


def sample_section(data: ReportData, opts: ReportOptions) -> str:
    head = (
        '<section id="documents"><h2>Sample documents</h2>'
        '<p class="note">Documents drawn at random (seed '
        f"{opts.seed}) among those with mentions, rendered with spaCy's displaCy. Hover a mention "
        "for its concept, source and assertion flags.</p>" + _legend()
    )
    picked = sample_documents(data.mentions, data.doc_files, opts.sample, opts.seed)
    if not picked:
        return head + '<p class="note">No documents.</p></section>'
    docs = data.documents_of(picked)
    docs = docs.assign(_id=str_col(docs, "doc_id")).drop_duplicates("_id").set_index("_id")
    ments = data.mentions_of(picked)
    ments = ments.assign(_id=str_col(ments, "doc_id"))
    by_doc = {k: g for k, g in ments.groupby("_id")}
    parts = [head]
    for doc_id in picked:
        d = docs.loc[doc_id]
        text = "" if missing(d.get("text")) else str(d["text"])
        title = None if missing(d.get("title")) else str(d["title"])
        dm = by_doc.get(doc_id, ments.iloc[0:0])
        n_neg = int(bool_col(dm, "negated").sum())
        meta = " · ".join(
            x for x in (
                f"doc_id {doc_id}",
                None if missing(d.get("source")) else f"source {d['source']}",
                None if missing(d.get("format")) else f"format {d['format']}",
                None if missing(d.get("language")) else f"language {d['language']}",
                None if missing(d.get("study_design")) else f"study design {d['study_design']}",
                f"{plural(len(dm), 'mention')} ({n_neg:,} negated)",
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


def errors_section(data: ReportData, opts: ReportOptions) -> str:
    """The first `opts.errors` error rows (`data.errors` holds no more)."""
    head = '<section id="errors"><h2>Errors</h2>'
    shown, total = data.errors.head(opts.errors), data.counts["errors"]
    if shown.empty:
        return head + '<p class="note">No errors.</p></section>'
    cols = ["source", "location", "doc_id", "stage", "error", "message"]
    rows = [[esc(r[c]) if c in r.index else "" for c in cols] for _, r in shown.iterrows()]
    note = (
        f'<p class="note">The first {len(shown):,} of {total:,} rows.</p>'
        if len(shown) < total else ""
    )
    return head + note + html_table(cols, rows) + "</section>"


