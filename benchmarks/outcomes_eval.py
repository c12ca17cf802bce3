"""Recall and precision of `biotab_outcomes` per measure on tests/data/outcomes_gold.jsonl.

    python benchmarks/outcomes_eval.py [--gold PATH] [--verbose]

Entities come from the gold file (hand-set DRUG/DISEASE mentions), so this measures the outcome
stage alone. A predicted row counts when measure, unit and value match and every other column the
gold row states (numerator, denominator, timepoint, drug_text, CI, p ...) matches too.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


import scispacy.custom_sentence_segmenter  # noqa: E402, F401  (registers pysbd_sentencizer)
import spacy  # noqa: E402

import pipeline.components.outcomes  # noqa: E402, F401  (registers biotab_outcomes)
from pipeline.nlp import blank_nlp  # noqa: E402
from pipeline.outcomes import gold_doc, load_gold, score_gold  # noqa: E402


def build() -> spacy.language.Language:
    nlp = blank_nlp()
    nlp.add_pipe("pysbd_sentencizer")
    nlp.add_pipe("biotab_outcomes")
    return nlp


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--gold", type=Path, default=REPO / "tests" / "data" / "outcomes_gold.jsonl")
    ap.add_argument("--verbose", "-v", action="store_true", help="list misses and extra rows")
    ap.add_argument(
        "--split",
        choices=("all", "dev", "heldout"),
        default="all",
        help="records to score: 'dev' (written while tuning), 'heldout' (written after), or all",
    )
    args = ap.parse_args()
    if not args.gold.is_file():  # a path error is one line and exit 2, not a traceback
        ap.exit(2, f"{ap.prog}: no gold file at {args.gold}\n")
    nlp = build()
    records = [
        r for r in load_gold(args.gold) if args.split == "all" or r.get("split") == args.split
    ]

    def run(rec: dict[str, Any]) -> list[dict[str, Any]]:
        doc = gold_doc(nlp.make_doc, rec)
        for _, proc in nlp.pipeline:
            doc = proc(doc)
        return list(doc._.outcomes)

    score = score_gold(records, run)
    n_exp = sum(score.expected.values())
    n_pred = sum(score.predicted.values())
    print(f"gold: {args.gold.name} ({args.split}): {len(records)} records, {n_exp} expected rows")
    print(f"{'measure':<18}{'gold':>6}{'pred':>6}{'recall':>9}{'precision':>11}")
    for m, e, p, rec, prec in score.per_measure():
        r = f"{rec:.2f}" if rec is not None else "-"
        q = f"{prec:.2f}" if prec is not None else "-"
        print(f"{m:<18}{e:>6}{p:>6}{r:>9}{q:>11}")
    print(f"{'overall':<18}{n_exp:>6}{n_pred:>6}{score.recall:>9.3f}{score.precision:>11.3f}")
    print(
        f"loose (measure+value+unit only): recall {score.loose_tp / n_exp:.3f}; "
        f"rows right but a stated column wrong: {len(score.field_errors)}"
    )
    if args.split == "all":
        for split in ("dev", "heldout"):
            sub = score_gold([r for r in records if r.get("split") == split], run)
            print(f"  {split:<9} recall {sub.recall:.3f}  precision {sub.precision:.3f}")
    if args.verbose:
        keep = ("measure", "value", "unit", "numerator", "denominator", "text")
        for text, want in score.misses:
            print(f"MISS  {want}\n      {text}")
        for text, got in score.extras:
            print(f"EXTRA { {k: got[k] for k in keep} }\n      {text}")
        for text, want, got in score.field_errors:
            diff = {k: (v, got.get(k)) for k, v in want.items() if got.get(k) != v}
            print(f"FIELD {diff}\n      {text}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
