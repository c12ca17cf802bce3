"""The `biotab` command line. Commands are thin wrappers over stage functions."""

from __future__ import annotations

import logging

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


if __name__ == "__main__":
    app()
