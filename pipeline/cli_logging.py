"""Where the `biotab` commands log: stderr (stdout holds a command's own output), rich on a
terminal, plain timestamped lines otherwise (`run_logging`); spaCy's lines once each
(`spacy_logs_once`). Set up by the CLI's commands only: importing `pipeline` changes no logger."""

from __future__ import annotations

import logging
import sys
from typing import Any

from rich.logging import RichHandler


class _StderrHandler(logging.StreamHandler):
    """Writes to whatever `sys.stderr` is at the time (a test runner may swap it)."""

    @property
    def stream(self) -> Any:
        return sys.stderr

    @stream.setter
    def stream(self, value: Any) -> None:
        pass


def spacy_logs_once() -> None:
    """Takes spaCy's own stream handler off the "spacy" logger in the CLI's process, so each
    spaCy line (`biotab train`'s "Set up nlp object from config", ...) is written once, by the
    root handler `run_logging` installs, instead of once by each. A library user who imports
    pipeline keeps spaCy's handler: only the CLI commands call this."""
    # spaCy adds the handler when spacy.util is first imported: imported here, so a later
    # import cannot add it back after it was removed (hence `train` sets up its logging inside
    # `plain_library_output`: spaCy's printers read its switches when imported)
    import spacy.util

    logging.getLogger("spacy").removeHandler(spacy.util.logger_stream_handler)


def run_logging(quiet: bool, verbose: bool) -> None:
    """The root logger of every `biotab` command (`run` directly, the others through
    `cli.setup_logging`): one handler on stderr (stdout holds the command's own output: the
    run's summary, the scores), rich on a terminal, plain timestamped lines otherwise; level
    DEBUG with `verbose`, WARNING with `quiet`, else INFO (progress lines). Python warnings
    are logged too (`py.warnings`: errors only when `quiet`); Dask's chatty loggers
    (distributed, tornado, bokeh) at WARNING unless `verbose`."""
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
