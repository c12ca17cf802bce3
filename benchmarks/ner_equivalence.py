"""`biotab_ner`'s numpy decoding against spaCy's own greedy loop, document by document.

    python benchmarks/ner_equivalence.py [FILE ...] [--pico DIR] [--batch-size 64]

FILE: PubTator or IOB files (IOB: 10 sentences per document); default BC5CDR and NCBI-disease
train and devel, both forms, from the corpora folder. `--pico DIR`: also pico-dev's `.txt`
abstracts of the tuned part (the held-out quarter is never read; `outcomes_pico.is_heldout`);
`seeds/` always. The shipped pipeline (`build_nlp`) runs every component before `ner`; then per
batch `ner_decode` decides, then spaCy's `EntityRecognizer.predict` + `set_annotations` on the
same Docs. Prints per file the documents, entities, documents whose entities differ (the first
three differences shown) and both CPU times. Run it after upgrading spaCy or thinc: the decoder
reproduces their code.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "BLIS_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import TYPE_CHECKING  # noqa: E402

from pipeline.paths import DEFAULT_CORPORA  # noqa: E402 (imports no numpy)

if TYPE_CHECKING:
    from spacy.language import Language

REPO = Path(__file__).resolve().parent.parent
DEFAULT_FILES = [str(DEFAULT_CORPORA / corpus / f"{part}.{form}")
                 for corpus in ("bc5cdr", "ncbi-disease") for part in ("train", "devel")
                 for form in ("tsv", "pubtator")]


def pico_texts(folder: Path) -> list[str]:
    """pico-dev's tuned abstracts (never a held-out one)."""
    from outcomes_pico import is_heldout  # a sibling script: its folder is on sys.path

    return [p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.txt"))
            if not is_heldout(p.stem)]


def compare(nlp: Language, name: str, texts: list[str], batch_size: int) -> int:
    """Print one line for `texts`; return the number of documents whose entities differ."""
    from spacy.pipeline.ner import EntityRecognizer

    from pipeline.components.ner_decode import decoder_for

    ner = nlp.get_pipe("ner")
    decoder = decoder_for(ner)
    if decoder is None:
        raise SystemExit("ner_equivalence: the shipped ner is not one ner_decode reproduces")
    before = nlp.pipe_names[: nlp.pipe_names.index("ner")]
    strings = nlp.vocab.strings
    docs_n = entities_n = differ = 0
    spent_numpy = spent_spacy = 0.0
    for i in range(0, len(texts), batch_size):
        docs = [nlp.make_doc(text) for text in texts[i : i + batch_size]]
        for component in before:
            docs = [nlp.get_pipe(component)(doc) for doc in docs]
        t = time.process_time()
        decoded = decoder.entities(docs)
        spent_numpy += time.process_time() - t
        if decoded is None:
            raise SystemExit(f"ner_equivalence: {name}: entities set before ner")
        t = time.process_time()
        EntityRecognizer.set_annotations(ner, docs, EntityRecognizer.predict(ner, docs))
        spent_spacy += time.process_time() - t
        for doc, mine in zip(docs, decoded, strict=True):
            theirs = [(e.start, e.end, e.label) for e in doc.ents]
            docs_n += 1
            entities_n += len(theirs)
            if mine != theirs:
                differ += 1
                if differ <= 3:
                    shown = [(doc[s:e].text, strings[label]) for s, e, label in
                             sorted(set(mine) ^ set(theirs))]
                    print(f"  differs in {name}, document {i}: {shown}")
    print(f"{name:<40} {docs_n:>6,} {entities_n:>8,} {differ:>8} {spent_spacy:>9.2f} "
          f"{spent_numpy:>9.2f}", flush=True)
    return differ


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("files", nargs="*", default=DEFAULT_FILES)
    ap.add_argument("--pico", type=Path, default=DEFAULT_CORPORA / "pico-dev")
    ap.add_argument("--batch-size", type=int, default=64)
    args = ap.parse_args()
    missing = [f for f in args.files if not Path(f).is_file()]
    if missing:
        ap.exit(2, f"{ap.prog}: no corpus file at {missing[0]}\n")
    from tag_speed import load_texts  # a sibling script: PubTator or IOB (10 sentences a doc)

    sets = [(Path(f).parent.name + "/" + Path(f).name, load_texts([f])) for f in args.files]
    if args.pico.is_dir():
        sets.append(("pico-dev (tuned part)", pico_texts(args.pico)))
    sets.append(("seeds", [p.read_text(encoding="utf-8", errors="replace")
                           for p in sorted((REPO / "seeds").iterdir()) if p.is_file()]))
    print(f"{'texts':<40} {'docs':>6} {'entities':>8} {'differ':>8} {'spaCy s':>9} {'numpy s':>9}")
    from pipeline.nlp import build_nlp

    nlp = build_nlp()
    differ = sum(compare(nlp, name, texts, args.batch_size) for name, texts in sets)
    print(f"documents whose entities differ: {differ}")
    return 1 if differ else 0


if __name__ == "__main__":
    raise SystemExit(main())
