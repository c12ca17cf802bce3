"""Accuracy of the whole tag pipeline on annotated raw text, with concepts and error classes.

    python benchmarks/tag_accuracy.py ../shared/corpora/bc5cdr/devel.pubtator [--model DIR]
        [--no-model] [--errors errors.tsv] [--concept-errors concept_errors.tsv]
        [--doc-scores doc_scores.tsv]

Prints what `biotab evaluate` measures (strict and lenient P/R/F1 per label) plus concept-id
accuracy per label on strictly correct mentions and document-level concept P/R/F1 per label
(`pipeline.evaluate.evaluation_tables`), and the most frequent concept errors on correct
mentions: (label, mention text, gold id, predicted id or "none"). `--doc-scores` writes strict
TP/FP/FN per document and label (for paired comparisons of two models on the same documents,
e.g. a bootstrap over documents).
"""

from __future__ import annotations

import argparse
import csv
from collections import Counter
from pathlib import Path

from rich.console import Console


def write_doc_scores(gold: list, predictions: list, labels: list[str], path: Path) -> None:
    """Strict TP/FP/FN per document and scored label (the gold file's labels, as `score` counts
    them: exact offsets and label); one row per document and label, zeros included."""
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, delimiter="\t")
        writer.writerow(["doc_id", "label", "tp", "fp", "fn"])
        for doc, pred in zip(gold, predictions, strict=True):
            want = {(m.start, m.end, m.label) for m in doc.mentions}
            got = {(m.start, m.end, m.label) for m in pred}
            for label in labels:
                w = {k for k in want if k[2] == label}
                g = {k for k in got if k[2] == label}
                writer.writerow([doc.doc_id, label, len(w & g), len(g - w), len(w - g)])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("gold", type=Path)
    parser.add_argument("--model", type=Path, default=None)
    parser.add_argument("--no-model", action="store_true")
    parser.add_argument("--errors", type=Path, default=None)
    parser.add_argument("--concept-errors", type=Path, default=None)
    parser.add_argument("--doc-scores", type=Path, default=None)
    parser.add_argument("--top", type=int, default=25)
    args = parser.parse_args()
    # a path error is one line and exit 2, not a traceback
    if not args.gold.is_file():
        parser.exit(2, f"{parser.prog}: no gold file at {args.gold}\n")
    if args.model is not None and not args.no_model and not args.model.is_dir():
        parser.exit(2, f"{parser.prog}: no spaCy pipeline folder at {args.model}\n")

    from pipeline.evaluate import evaluation_tables, predicted_mentions, read_gold, score
    from pipeline.nlp import build_nlp

    model = None if args.no_model else (args.model or "auto")
    nlp = build_nlp(model=model, outcomes=False, assertion=False)
    gold = read_gold(args.gold)
    predictions = list(predicted_mentions(nlp, gold))
    ev = score(gold, predictions)
    console = Console()
    for table in evaluation_tables(ev, args.gold.name):
        console.print(table)
    wrong: Counter[tuple[str, str, str, str]] = Counter()
    for doc, pred in zip(gold, predictions, strict=True):
        by_span = {(m.start, m.end, m.label): m for m in pred}
        for g in doc.mentions:
            p = by_span.get((g.start, g.end, g.label))
            if p is None or not g.concept_ids or p.concept_ids & g.concept_ids:
                continue
            got = "|".join(sorted(p.concept_ids)) or "none"
            wrong[(g.label, g.text.lower(), "|".join(sorted(g.concept_ids)), got)] += 1
    console.print(f"concept errors on correct mentions: {sum(wrong.values())}")
    for (label, text, want, got), n in wrong.most_common(args.top):
        console.print(f"  {n:3d} {label:8s} {text!r}: gold {want}, predicted {got}")
    if args.concept_errors:
        with open(args.concept_errors, "w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh, delimiter="\t")
            writer.writerow(["count", "label", "text", "gold", "predicted"])
            for (label, text, want, got), n in wrong.most_common():
                writer.writerow([n, label, text, want, got])
    if args.doc_scores:
        write_doc_scores(gold, predictions, list(ev.strict), args.doc_scores)
    if args.errors:
        from pipeline.evaluate import write_errors

        write_errors(ev, args.errors)


if __name__ == "__main__":
    main()
