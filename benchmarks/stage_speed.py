"""Words per second of each stage of the biotab pipeline on one core (not a test).

    python benchmarks/stage_speed.py [IOB_FILE | PUBTATOR_FILE] [--docs N] [--batch N]

Runs `build_nlp()` component by component over BC5CDR devel text (IOB tokens joined by single
spaces, 10 sentences per document; or, for a `.pubtator` file, its untokenized titles and
abstracts as users give them) and adds up the CPU time (`time.process_time`) of each
component, grouped by stage: split (tokenizer, sentences, sections, language), tag (model,
lexicon, abbreviations, fuzzy, fusion, cytokines, linker, assertion) and outcomes, and of
`rows` (`pipeline.process.doc_rows`: the table rows of each annotated document). Thread pools
are pinned to one thread. Components run one document at a time (`nlp.pipe` batches the model):
each document goes through every component before the next starts. With `--batch N` they run as
`biotab run` runs them (`process.annotate`, on batches of `process.batches`): each component over
a batch of up to N documents (64 in a run) before the next component, through its `pipe` when it
has one. A component then reads document after document with its own code and data still in the
CPU's caches; one document at a time, it starts each one after all the others ran.
As in a run's workers, the pipeline's objects are frozen out of the cyclic GC's reach after the
warm-up (`runner.shard.freeze_once`): otherwise each full collection walks the KB's caches and
is charged to whichever component happens to allocate then.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "BLIS_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from collections import defaultdict  # noqa: E402
from pathlib import Path  # noqa: E402

STAGES = {
    "split": ("tokenizer", "biotab_sentences", "biotab_sections", "biotab_language"),
    "outcomes": ("biotab_outcomes",),
    "rows": ("rows",),
}


def stage_of(component: str) -> str:
    return next((s for s, names in STAGES.items() if component in names), "tag")


def main() -> None:
    from pipeline.documents import Document
    from pipeline.ingest.pubtator import read_pubtator
    from pipeline.iob import read_iob_documents
    from pipeline.nlp import build_nlp
    from pipeline.paths import DEFAULT_CORPORA
    from pipeline.process import DEFAULT_BATCH_CHARS, batches, doc_rows
    from pipeline.runner.shard import freeze_once

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("iob", nargs="?", default=str(DEFAULT_CORPORA / "bc5cdr" / "devel.tsv"))
    ap.add_argument("--docs", type=int, default=0, help="first N documents only (0 = all)")
    ap.add_argument("--model", default="auto", help="NER pipeline folder (default: shipped)")
    ap.add_argument("--batch", type=int, default=0,
                    help="run as `biotab run` does: batches of up to N documents (and "
                         "DEFAULT_BATCH_CHARS characters), each component over a whole batch "
                         "(`process.annotate`); 0 (default): each document through every "
                         "component in turn")
    args = ap.parse_args()
    # a path error is one line and exit 2, not a traceback
    if not Path(args.iob).is_file():
        ap.exit(2, f"{ap.prog}: no corpus file at {args.iob}\n")
    if args.batch < 0:
        ap.exit(2, f"{ap.prog}: --batch must be 0 (one document at a time) or more\n")
    if args.model not in ("auto", "none") and not Path(args.model).is_dir():
        ap.exit(2, f"{ap.prog}: no spaCy pipeline folder at {args.model}\n")
    if args.iob.endswith(".pubtator"):
        texts = [d.text for d in read_pubtator(Path(args.iob), args.iob)
                 if isinstance(d, Document)]
    else:
        texts = [d.text for d in read_iob_documents(args.iob, per_doc=10)]
    texts = texts[: args.docs] if args.docs else texts
    if not texts:
        print(f"stage_speed: no documents in {args.iob}", file=sys.stderr)
        raise SystemExit(2)
    words = sum(len(t.split()) for t in texts)
    nlp = build_nlp(model=args.model)
    nlp(texts[0])  # loads what components load lazily (KB, names index)
    freeze_once()  # as a run's worker does: the pipeline's objects out of the cyclic GC's reach
    spent: defaultdict[str, float] = defaultdict(float)  # CPU seconds per component
    clock = time.process_time
    documents = [Document(doc_id=str(i), text=text, source="bench", format="txt")
                 for i, text in enumerate(texts)]  # fmt: skip
    # (one document a batch: each document through every component in turn)
    groups = (batches(documents, args.batch, DEFAULT_BATCH_CHARS) if args.batch
              else ([d] for d in documents))  # fmt: skip
    start = clock()
    for group in groups:
        t = clock()
        docs = [nlp.make_doc(d.text) for d in group if isinstance(d, Document)]
        spent["tokenizer"] += clock() - t
        for name, proc in nlp.pipeline:
            t = clock()
            # (as `process.annotate`: a component's `pipe` over the batch, when it has one)
            pipe = getattr(proc, "pipe", None) if args.batch else None
            docs = list(pipe(docs)) if pipe is not None else [proc(doc) for doc in docs]
            spent[name] += clock() - t
        t = clock()
        for document, doc in zip(group, docs, strict=True):
            assert isinstance(document, Document)
            doc_rows(document, doc)
        spent["rows"] += clock() - t
    total = clock() - start
    print(f"{len(texts)} documents, {words:,} words, {total:.2f} s CPU: "
          f"{words / total:,.0f} words/s")
    by_stage: defaultdict[str, float] = defaultdict(float)
    for name, seconds in spent.items():
        by_stage[stage_of(name)] += seconds
    print(f"{'stage':10s} {'seconds':>8s} {'share':>6s} {'words/s':>9s}")
    for stage in ("split", "tag", "outcomes", "rows"):
        s = by_stage[stage]
        print(f"{stage:10s} {s:8.2f} {100 * s / total:5.1f}% {words / s:9,.0f}")
    print()
    print(f"{'component':24s} {'seconds':>8s} {'share':>6s} {'words/s':>9s}")
    for name, s in sorted(spent.items(), key=lambda kv: -kv[1]):
        print(f"{name:24s} {s:8.3f} {100 * s / total:5.1f}% {words / s:9,.0f}")


if __name__ == "__main__":
    main()
