"""The `biotab` command line. Commands are thin wrappers over stage functions."""

from __future__ import annotations

import logging
from pathlib import Path

import typer
from rich.logging import RichHandler

app = typer.Typer(
    help="biotab: biomedical documents in, analysis-ready Parquet tables out.",
    no_args_is_help=True,
    add_completion=False,
)
kb_app = typer.Typer(help="Knowledge base (MeSH, HGNC, brand names) commands.", no_args_is_help=True)
app.add_typer(kb_app, name="kb")


def setup_logging(verbose: bool = False, quiet: bool = False) -> None:
    level = logging.DEBUG if verbose else logging.WARNING if quiet else logging.INFO
    logging.basicConfig(
        level=level,
        format="%(message)s",
        handlers=[RichHandler(show_path=False, rich_tracebacks=True)],
        force=True,
    )


@app.command("train")
def train_cmd(
    corpora: str = typer.Option(None, "--corpora", help="Corpora folder (bc5cdr/, ncbi-disease/ with IOB train/devel files), or a folder of IOB files. Default: ../shared/corpora."),
    config: str = typer.Option(None, "--config", help="spaCy config (default models/configs/biotab_ner.cfg)."),
    output: str = typer.Option(None, "--output", help="Pipeline folder to write (default models/biotab_ner)."),
    max_steps: int = typer.Option(None, "--max-steps", help="Override training.max_steps (e.g. 20 for a smoke test)."),
    include_devel: bool = typer.Option(False, "--include-devel", help="Also train on BC5CDR/NCBI devel (devel scores are then not held out)."),
    no_ncbi: bool = typer.Option(False, "--no-ncbi", help="Do not add NCBI-disease as extra DISEASE data."),
    work_dir: str = typer.Option(None, "--work-dir", help="Keep DocBins and spaCy's model-best/model-last here (default: a temporary folder)."),
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
        include_ncbi=not no_ncbi,
        work_dir=work_dir,
    )
    typer.echo(f"model written to {out}")


@app.command("evaluate")
def evaluate_command(
    gold: Path = typer.Argument(..., help="Annotated corpus: PubTator with mention lines, or IOB2."),
    model: Path | None = typer.Option(None, help="spaCy NER pipeline (default: models/biotab_ner)."),
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


if __name__ == "__main__":
    app()
