"""biotab_sentences against scispacy's pysbd_sentencizer: same boundaries, and CPU (not a test)

    python benchmarks/sentences_speed.py [--corpora DIR] [--per-doc N]

Reads the IOB files (`*/train.tsv`, `*/devel.tsv`: tokens joined by spaces, N sentences per
document) and the PubTator files (`*/*.pubtator`: raw title + abstract) under DIR, tokenizes each
text once, then runs both sentence components over the same Docs and prints, per file, the
documents whose sentence starts differ (must be 0) and the CPU time (`time.process_time`) of
each component. Prints the first differing document, if any.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc

from pipeline.documents import Document
from pipeline.ingest.pubtator import read_pubtator
from pipeline.iob import read_iob_documents
from pipeline.nlp import blank_nlp
from pipeline.paths import DEFAULT_CORPORA


def texts_of(path: Path, per_doc: int) -> list[str]:
    if path.suffix == ".tsv":
        return [d.text for d in read_iob_documents(path, per_doc=per_doc)]
    return [r.text for r in read_pubtator(path, path.name) if isinstance(r, Document)]


def starts(nlp: Language, name: str, docs: list[Doc]) -> tuple[list[list[int]], float]:
    """Sentence-start token indices of each Doc after component `name`, and its CPU seconds."""
    proc = nlp.get_pipe(name)
    copies = [Doc(d.vocab, words=[t.text for t in d], spaces=[bool(t.whitespace_) for t in d])
              for d in docs]
    t = time.process_time()
    for doc in copies:
        proc(doc)
    spent = time.process_time() - t
    return [[t.i for t in doc if t.is_sent_start] for doc in copies], spent


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpora", type=Path, default=DEFAULT_CORPORA)
    ap.add_argument("--per-doc", type=int, default=10)
    args = ap.parse_args()
    if not args.corpora.is_dir():  # a path error is one line and exit 2, not a traceback
        ap.exit(2, f"{ap.prog}: no corpora folder at {args.corpora}\n")
    nlp = blank_nlp()
    nlp.add_pipe("pysbd_sentencizer")
    nlp.add_pipe("biotab_sentences")
    paths = sorted(
        [*args.corpora.glob("*/train.tsv"), *args.corpora.glob("*/devel.tsv"),
         *args.corpora.glob("*/*.pubtator")]
    )
    total_diff = total_docs = 0
    total = {"pysbd_sentencizer": 0.0, "biotab_sentences": 0.0}
    print(f"{'file':40s} {'docs':>6s} {'differ':>6s} {'scispacy s':>10s} {'biotab s':>9s}")
    for path in paths:
        docs = [nlp.make_doc(t) for t in texts_of(path, args.per_doc)]
        theirs, t_theirs = starts(nlp, "pysbd_sentencizer", docs)
        ours, t_ours = starts(nlp, "biotab_sentences", docs)
        differ = [i for i, (a, b) in enumerate(zip(theirs, ours, strict=True)) if a != b]
        name = f"{path.parent.name}/{path.name}"
        print(f"{name:40s} {len(docs):6d} {len(differ):6d} {t_theirs:10.2f} {t_ours:9.2f}")
        if differ:
            i = differ[0]
            print("  first difference:", docs[i].text[:200], theirs[i], ours[i])
        total_diff += len(differ)
        total_docs += len(docs)
        total["pysbd_sentencizer"] += t_theirs
        total["biotab_sentences"] += t_ours
    print(f"{'all':40s} {total_docs:6d} {total_diff:6d} {total['pysbd_sentencizer']:10.2f} "
          f"{total['biotab_sentences']:9.2f}")


if __name__ == "__main__":
    main()
