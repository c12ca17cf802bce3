"""CPU time per word of NER models' `tok2vec` and `ner`, several models back to back (one core).

    python benchmarks/tag_speed.py [FILE ...] [--model DIR ...] [--rounds 3] [--full/--no-full]

FILE: PubTator (title + abstract per document, e.g. BC5CDR `devel.pubtator`) or IOB (10
sentences per document, tokens joined by single spaces); default BC5CDR `devel.pubtator`.
"Words" are the whitespace-separated pieces of the text. Each model is loaded as
`pipeline.nlp.build_nlp` loads it (numpy matmul, `use_numpy_matmul`); the texts are tokenized and
tagged by the model's `biotab_lexicon` once, untimed. Then every round runs each model's `tok2vec`
and `ner` over the same documents (batches of `--batch-size`) in turn, timing each component
with `time.process_time()` (CPU time of this process: less sensitive than wall time to other
jobs on a shared machine, though still not immune to cache and frequency effects); the best
round is reported. Thread pools are pinned to one thread before numpy is imported.
With `--full`, also the wall-clock words/s of the whole tag pipeline (`build_nlp`) per model.
"""

from __future__ import annotations

import os

for _var in (
    "OMP_NUM_THREADS",
    "OPENBLAS_NUM_THREADS",
    "MKL_NUM_THREADS",
    "BLIS_NUM_THREADS",
    "VECLIB_MAXIMUM_THREADS",
    "NUMEXPR_NUM_THREADS",
):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import TYPE_CHECKING  # noqa: E402

from pipeline.limits import DEFAULT_BATCH_SIZE  # noqa: E402 (imports nothing)
from pipeline.paths import DEFAULT_CORPORA  # noqa: E402 (imports no numpy)

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

DEFAULT_FILE = str(DEFAULT_CORPORA / "bc5cdr" / "devel.pubtator")
TIMED = ("tok2vec", "ner")


def load_texts(paths: list[str], per_doc: int = 10) -> list[str]:
    """Document texts of PubTator files (by content) or IOB files (`per_doc` sentences each)."""
    from pipeline import iob
    from pipeline.evaluate import read_gold

    texts: list[str] = []
    for path in paths:
        with open(path, encoding="utf-8") as fh:
            head = "".join(fh.readline() for _ in range(5))
        if "|t|" in head or "|a|" in head:
            texts.extend(doc.text for doc in read_gold(Path(path)))
        else:
            texts.extend(item.text for item in iob.group_sentences(iob.read_iob(path), per_doc))
    return texts


def load_model(path: str) -> Language:
    """The NER pipeline folder as `build_nlp` runs it (numpy matmul)."""
    import spacy

    from pipeline.nlp import register_components, use_numpy_matmul

    register_components()
    nlp = spacy.load(path)
    use_numpy_matmul(nlp)
    return nlp


def prepare(nlp: Language, texts: list[str]) -> list[Doc]:
    """Tokenized documents with every component before `tok2vec` applied (untimed)."""
    before = [name for name in nlp.pipe_names[: nlp.pipe_names.index("tok2vec")]]
    with nlp.select_pipes(enable=before):
        return list(nlp.pipe(texts, batch_size=DEFAULT_BATCH_SIZE))


def time_components(nlp: Language, docs: list[Doc], batch_size: int) -> dict[str, float]:
    """CPU seconds of each timed component over `docs` (fresh copies, so runs are alike)."""
    work = [d.copy() for d in docs]
    spent: dict[str, float] = {}
    for name in TIMED:
        proc = nlp.get_pipe(name)
        start = time.process_time()
        work = list(proc.pipe(work, batch_size=batch_size))  # type: ignore[attr-defined]
        spent[name] = time.process_time() - start
    return spent


def bench_full(path: str, texts: list[str], batch_size: int) -> float:
    """Wall-clock words/s of the whole tag pipeline with the model at `path`."""
    from pipeline.nlp import build_nlp

    full = build_nlp(model=path, outcomes=False, assertion=False)
    for _ in full.pipe(texts[:20], batch_size=batch_size):  # warm-up (lazy loads)
        pass
    start = time.perf_counter()
    for _doc in full.pipe(texts, batch_size=batch_size):
        pass
    return sum(len(t.split()) for t in texts) / (time.perf_counter() - start)


def main(argv: list[str] | None = None) -> int:
    from pipeline.paths import ner_model_dir

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("files", nargs="*", help=f"PubTator or IOB files (default {DEFAULT_FILE})")
    ap.add_argument(
        "--model", action="append", help="NER pipeline folder (repeatable; default shipped)"
    )
    ap.add_argument("--rounds", type=int, default=3, help="timed rounds (best one reported)")
    ap.add_argument("--limit", type=int, default=0, help="use only the first N documents")
    ap.add_argument("--batch-size", type=int, default=DEFAULT_BATCH_SIZE)
    ap.add_argument(
        "--full",
        action=argparse.BooleanOptionalAction,
        default=False,
        help="also the wall-clock words/s of the whole tag pipeline per model",
    )
    args = ap.parse_args(argv)
    files = args.files or [DEFAULT_FILE]
    # a path error is one line and exit 2, not a traceback
    for path in files:
        if not Path(path).is_file():
            ap.exit(2, f"{ap.prog}: no corpus file at {path}\n")
    for model in args.model or []:
        if not Path(model).is_dir():
            ap.exit(2, f"{ap.prog}: no spaCy pipeline folder at {model}\n")

    import spacy

    texts = load_texts(files)
    if args.limit:
        texts = texts[: args.limit]
    words = sum(len(t.split()) for t in texts)
    models = args.model or [str(ner_model_dir())]
    print(
        f"input: {', '.join(files)}; {len(texts)} docs, {words:,} words; spaCy {spacy.__version__};"
        f" OMP_NUM_THREADS={os.environ.get('OMP_NUM_THREADS')}"
    )
    loaded = {m: load_model(m) for m in models}
    docs = {m: prepare(nlp, texts) for m, nlp in loaded.items()}
    for m, nlp in loaded.items():  # warm-up
        time_components(nlp, docs[m][:20], args.batch_size)
    best: dict[str, dict[str, float]] = {m: {} for m in models}
    for _ in range(args.rounds):
        for m, nlp in loaded.items():
            spent = time_components(nlp, docs[m], args.batch_size)
            spent["tok2vec+ner"] = sum(spent.values())
            for name, secs in spent.items():
                best[m][name] = min(best[m].get(name, float("inf")), secs)
    print(f"{'model':40s} {'component':12s} {'CPU s':>7s} {'us/word':>8s} {'words/s':>9s}")
    for m in models:
        for name, secs in best[m].items():
            print(
                f"{m[-40:]:40s} {name:12s} {secs:7.2f} {1e6 * secs / words:8.2f}"
                f" {words / secs:9,.0f}"
            )
    if args.full:
        for m in models:
            print(
                f"{m[-40:]:40s} whole tag pipeline {bench_full(m, texts, args.batch_size):,.0f}"
                " words/s (wall clock)"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
