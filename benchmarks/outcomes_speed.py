"""How much of a run the outcomes stage takes, on BC5CDR devel text (not a test).

    python benchmarks/outcomes_speed.py [--corpus DIR] [--docs N] [--sentences-per-doc 10]

BC5CDR devel sentences (tokens joined by spaces, as the corpus gives them) are grouped into
pseudo-abstracts. Each pipeline component is timed on every document (CPU time of this process,
so other load on the machine matters less); the report gives the outcomes component's share of
the whole run, for the full `build_nlp()` pipeline when it can be
built and for a minimal one (tokenizer, sentencizer, outcomes) that is the worst case for the
share. It also says how many sentences pass the cheap pre-check (a digit, a number word or a
"no/all <patients>" phrase) that gates all the matching.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from spacy.language import Language  # noqa: E402

from pipeline.paths import DEFAULT_CORPORA  # noqa: E402


def read_sentences(path: Path) -> list[str]:
    sents: list[str] = []
    cur: list[str] = []
    with path.open(encoding="utf8") as fh:
        for line in fh:
            line = line.rstrip("\n")
            if not line.strip():
                if cur:
                    sents.append(" ".join(cur))
                    cur = []
                continue
            cur.append(line.split("\t", 1)[0])
    if cur:
        sents.append(" ".join(cur))
    return sents


def timed_run(nlp: Language, texts: list[str]) -> tuple[dict[str, float], int]:
    times: dict[str, float] = defaultdict(float)
    rows = 0
    for text in texts:
        t0 = time.process_time()
        doc = nlp.make_doc(text)
        times["tokenizer"] += time.process_time() - t0
        for name, proc in nlp.pipeline:
            t0 = time.process_time()
            doc = proc(doc)
            times[name] += time.process_time() - t0
        rows += len(doc._.outcomes or [])
    return times, rows


def report(label: str, times: dict[str, float], rows: int, n_sents: int) -> None:
    total = sum(times.values())
    out = times.get("biotab_outcomes", 0.0)
    print(f"\n{label}: {total:.2f} s total, {rows} outcome rows")
    for name, t in sorted(times.items(), key=lambda kv: -kv[1]):
        print(f"  {name:<24}{t:8.3f} s {100 * t / total:6.1f}%")
    print(
        f"  -> outcomes share of the run: {100 * out / total:.1f}% "
        f"({1e6 * out / n_sents:.0f} µs per sentence)"
    )


LONG_CLAUSE = (
    "relapse occurred in 7 of 25 responders (28%) at 12 weeks, complete response was seen "
    "in 12 of 14 patients (86%; 95% CI 60-96, P = 0.01) and 31 patients discontinued, "
)


def long_sentence_times(nlp: Language) -> None:
    """Time of the outcomes component on one sentence of 10k, 40k and 80k characters (a
    table flattened into text has no full stop): the work should grow linearly."""
    comp = nlp.get_pipe("biotab_outcomes")
    for size in (10_000, 40_000, 80_000):
        text = (LONG_CLAUSE * (size // len(LONG_CLAUSE) + 1))[:size]
        doc = nlp.make_doc(text)
        for i, tok in enumerate(doc):
            tok.is_sent_start = i == 0
        t0 = time.process_time()
        comp(doc)
        spent = time.process_time() - t0
        print(f"  one sentence of {size:,} chars: {spent:.2f} s, {len(doc._.outcomes)} rows")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPORA / "bc5cdr")
    ap.add_argument("--docs", type=int, default=0, help="limit the number of documents (0: all)")
    ap.add_argument("--sentences-per-doc", type=int, default=10)
    ap.add_argument("--minimal-only", action="store_true", help="skip the full pipeline")
    args = ap.parse_args()
    if not (args.corpus / "devel.tsv").is_file():  # one line and exit 2, not a traceback
        ap.exit(2, f"{ap.prog}: no devel.tsv in --corpus {args.corpus}\n")

    sents = read_sentences(args.corpus / "devel.tsv")
    k = args.sentences_per_doc
    texts = [" ".join(sents[i : i + k]) for i in range(0, len(sents), k)]
    if args.docs:
        texts = texts[: args.docs]
    n_sents = sum(min(k, len(sents) - i) for i in range(0, len(sents), k))
    if args.docs:
        n_sents = min(n_sents, args.docs * k)
    print(f"BC5CDR devel: {len(texts)} documents, ~{n_sents} sentences")

    import scispacy.custom_sentence_segmenter  # noqa: F401  (pysbd_sentencizer)

    from pipeline.components.outcome_lexicon import Lexicon
    from pipeline.components.outcome_rules import load_lexicon
    from pipeline.nlp import blank_nlp
    from pipeline.paths import rule_file

    minimal = blank_nlp()
    minimal.add_pipe("pysbd_sentencizer")
    minimal.add_pipe("biotab_outcomes")
    lex = Lexicon(load_lexicon(rule_file("outcomes_lexicon.json")))
    passing = sum(1 for s in sents if lex.passes(s))
    share = 100 * passing / len(sents)
    print(f"sentences passing the pre-check: {passing}/{len(sents)} ({share:.0f}%)")

    times, rows = timed_run(minimal, texts)
    report("minimal pipeline (tokenizer + pysbd + outcomes)", times, rows, n_sents)

    # what a sentence costs the stage when it fails the pre-check, and when it passes it
    comp = minimal.get_pipe("biotab_outcomes")
    for label, keep in (("failing", False), ("passing", True)):
        group = [s for s in sents if bool(lex.passes(s)) is keep]
        docs = [minimal(" ".join(group[i : i + k])) for i in range(0, len(group), k)]
        t0 = time.process_time()
        for doc in docs:
            comp(doc)
        spent = time.process_time() - t0
        print(f"  sentences {label} the pre-check: {1e6 * spent / len(group):.0f} µs each")

    long_sentence_times(minimal)

    if not args.minimal_only:
        try:
            from pipeline.nlp import build_nlp

            full = build_nlp()
        except Exception as exc:  # noqa: BLE001  (the rest of the pipeline is not timed then)
            print(f"\nfull pipeline: skipped (build_nlp() failed: {type(exc).__name__}: {exc})")
            return 0
        times, rows = timed_run(full, texts)
        report(f"full pipeline ({', '.join(full.pipe_names)})", times, rows, n_sents)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
