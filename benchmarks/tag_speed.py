"""Words per second of the NER model (and, when available, the whole tag pipeline) on one core.

    python benchmarks/tag_speed.py [IOB_FILE ...] [--model models/biotab_ner] [--full/--no-full]

Texts are BC5CDR devel sentences (tokens joined by single spaces), grouped 10 sentences per
document like abstracts; "words" are the whitespace-separated IOB tokens. Single process, thread
pools pinned to 1 (set before numpy is imported), torch-free spaCy. One warm-up pass over the first
documents is not timed.
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
import glob  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

DEFAULT_GLOB = "/work/shared/corpora/bc5cdr/devel*"


def load_texts(paths: list[str], per_doc: int = 10) -> list[str]:
    from pipeline import iob

    texts: list[str] = []
    for path in paths:
        for item in iob.group_sentences(iob.read_iob(path), per_doc):
            texts.append(item.text)
    return texts


def bench(nlp, texts: list[str], batch_size: int = 64, repeat: int = 1) -> tuple[float, int, float]:
    words = sum(len(t.split()) for t in texts)
    for _ in nlp.pipe(texts[:20], batch_size=batch_size):  # warm-up
        pass
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        for _doc in nlp.pipe(texts, batch_size=batch_size):
            pass
        best = min(best, time.perf_counter() - start)
    return words / best, words, best


def main(argv: list[str] | None = None) -> int:
    from pipeline.paths import ner_model_dir

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("files", nargs="*", help=f"IOB files (default {DEFAULT_GLOB})")
    ap.add_argument("--model", default=str(ner_model_dir()), help="NER pipeline folder")
    ap.add_argument(
        "--full",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="also time pipeline.nlp.build_nlp() (the whole tag pipeline) if it works",
    )
    ap.add_argument("--limit", type=int, default=0, help="use only the first N documents")
    ap.add_argument("--repeat", type=int, default=1, help="timed passes (best one reported)")
    ap.add_argument("--batch-size", type=int, default=64)
    args = ap.parse_args(argv)

    import spacy

    files = args.files or sorted(glob.glob(DEFAULT_GLOB))
    if not files:
        print(f"no input files (default {DEFAULT_GLOB})", file=sys.stderr)
        return 2
    texts = load_texts(files)
    if args.limit:
        texts = texts[: args.limit]
    try:
        import torch  # noqa: F401

        torch_note = "torch importable (not used by spaCy here)"
    except ImportError:
        torch_note = "torch not installed"
    print(
        f"input: {', '.join(files)}; {len(texts)} docs; spaCy {spacy.__version__}; {torch_note}; "
        f"OMP_NUM_THREADS={os.environ.get('OMP_NUM_THREADS')}"
    )

    nlp = spacy.load(args.model)
    wps, words, secs = bench(nlp, texts, args.batch_size, args.repeat)
    print(
        f"model {Path(args.model).name} ({'+'.join(nlp.pipe_names)}): "
        f"{words} words in {secs:.1f} s = {wps:,.0f} words/s"
    )

    if args.full:
        try:
            from pipeline.nlp import build_nlp
        except ImportError as exc:
            print(f"whole tag pipeline: skipped (pipeline.nlp.build_nlp not available: {exc})")
            return 0
        try:
            full = build_nlp()
        except Exception as exc:  # noqa: BLE001 - report it and keep the model figure
            print(f"whole tag pipeline: skipped (build_nlp() failed: {type(exc).__name__}: {exc})")
            return 0
        wps, words, secs = bench(full, texts, args.batch_size, args.repeat)
        print(
            f"whole tag pipeline ({'+'.join(full.pipe_names)}): "
            f"{words} words in {secs:.1f} s = {wps:,.0f} words/s"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
