"""`biotab report OUT`: one self-contained HTML page about a run, for a human to look at.

The page (`OUT/report.html`) is built only from the output folder: the Parquet tables and
`manifest.json`. It holds

- for a run that did not finish (interrupted, killed, failed, failed shards, still running:
  `pipeline.tables.unfinished_run`), a banner at the top saying so and how to finish it (and a
  logged warning from `write_report`);
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

import contextlib
import logging
from datetime import UTC, datetime
from os import PathLike
from pathlib import Path

from pipeline import tables
from pipeline.report.analysis import Mentions, co_mentions, outcomes_with_evidence, top_concepts
from pipeline.report.data import read_report_data
from pipeline.report.markup import CSP, STYLE, esc
from pipeline.report.sections import (
    ReportOptions,
    co_section,
    displacy_options,
    errors_section,
    outcomes_section,
    render_document,
    sample_section,
    summary_section,
    top_section,
    unfinished_banner,
)
from pipeline.tables import load_manifest, unfinished_run

__all__ = [
    "REPORT_NAME",
    "Mentions",
    "NoRunError",
    "ReportError",
    "ReportOptions",
    "build_report",
    "check_run_folder",
    "co_mentions",
    "displacy_options",
    "outcomes_with_evidence",
    "render_document",
    "top_concepts",
    "write_report",
]

REPORT_NAME = "report.html"

log = logging.getLogger(__name__)


def build_report(out: str | PathLike[str], options: ReportOptions | None = None) -> str:
    """The report page for output folder `out`, as an HTML string."""
    opts = options or ReportOptions()
    root = Path(out)
    data = read_report_data(root, outcomes=opts.outcomes, errors=opts.errors)
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
    try:
        body = "".join(
            [
                unfinished_banner(unfinished_run(root), data.counts["documents"]),
                summary_section(data, manifest, root),
                top_section(data.mentions, opts),
                co_section(data.mentions, opts),
                outcomes_section(data, opts),
                sample_section(data, opts),
                errors_section(data, opts),
            ]
        )
    finally:
        data.mentions.close()
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


class ReportError(ValueError):
    """`write_report` cannot write the report: no run, a run it cannot read, or a target path
    that is no file to write (nothing written; one line for the command)."""


class NoRunError(ReportError, tables.NoRunError):
    """The folder given to `write_report` holds no biotab run (the same error as
    `pipeline.load`'s, `pipeline.tables.NoRunError`, and a ReportError)."""


def check_run_folder(out: str | PathLike[str]) -> None:
    """Raise NoRunError unless `out` holds a run (`pipeline.tables.no_run_reason`)."""
    reason = tables.no_run_reason(out)
    if reason is not None:
        raise NoRunError(reason)


def write_report(
    out: str | PathLike[str],
    path: str | PathLike[str] | None = None,
    options: ReportOptions | None = None,
) -> Path:
    """Write the report for `out` to `path` (default `OUT/report.html`); returns the path.
    Logs a warning for a run that did not finish (the page opens with a banner). Raises
    NoRunError (writing nothing) when `out` holds no run, ReportError when `path` is a folder,
    in no folder or cannot be written, or a table file of the run cannot be read (a damaged
    part file)."""
    import pyarrow as pa

    check_run_folder(out)
    unfinished = unfinished_run(out)
    if unfinished is not None:  # (the page's banner says it too)
        log.warning("%s", unfinished.message)
    target = Path(path) if path is not None else Path(out) / REPORT_NAME
    if target.is_dir():
        raise ReportError(f"{target} is a folder; give the report's file name")
    if not target.parent.is_dir():
        raise ReportError(f"no folder {target.parent} for the report")
    try:
        page = build_report(out, options)
    except (pa.ArrowException, OSError) as exc:
        raise ReportError(f"the run in {out} could not be read ({type(exc).__name__}: {exc})"
                          ) from exc
    tmp = target.with_name(f".{target.name}.tmp")
    try:
        tmp.write_text(page, encoding="utf-8")
        tmp.replace(target)
    except OSError as exc:  # a read-only folder, a full disk, a name too long
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise ReportError(f"cannot write the report to {target}: {exc.strerror or exc}"
                          ) from exc
    return target


