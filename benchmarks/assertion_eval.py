"""Assertion accuracy and cytokine P/R/F1 on tests/data/assertion_cytokine_gold.jsonl.

    python benchmarks/assertion_eval.py [--gold PATH ...] [--kb] [--errors]

`--errors` lists the errors of every set but the held-out one.

Two sets: the gold set (117 sentences, written while the rules were developed: a development
set; its 14 `rev-*` lines are a review's regressions, added with their fixes) and a held-out set
(36 sentences written afterwards and scored once, not tuned on). The development set's
assertion figure is self-fulfilling: the rules were written alongside it and its wrong lines
corrected together with the rules, so it measures that rules and set agree (consistency), not
accuracy. The held-out figure is the accuracy estimate. Each has
sentences adapted from abstract phrasing (BC5CDR/NCBI style) and the seeds, each
with its mentions (label, concept, negated/hypothetical/uncertain) and "distractors" (spans a
lexicon would hand over as CYTOKINE that must not stay cytokine mentions: receptors, products).

- Assertion: every gold mention is set as an ent by hand, `biotab_assertion` runs, and a mention is
  right when all three flags match. Per-flag precision/recall too.
- Cytokines, detection: ents = the gold DRUG/DISEASE context mentions + distractors; the cytokine
  mentions must be found by `biotab_cytokines` itself. Scored on exact span + label, and on
  exact span + label + concept.
- Cytokines, normalization: the gold cytokine mentions are handed over as CYTOKINE ents (as the
  lexicon would): label and concept accuracy, and how many distractors were removed.

Runs on the component alone (blank English + scispacy tokenizer + pysbd sentences); the KB is
used only with --kb.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from scispacy import custom_sentence_segmenter as _segmenter  # noqa: F401
from spacy.language import Language
from spacy.tokens import Doc, Span

from pipeline.components.assertion import ContextAssertion
from pipeline.components.cytokines import CytokineNormalizer
from pipeline.nlp import blank_nlp

DATA = Path(__file__).resolve().parent.parent / "tests" / "data"
GOLD = DATA / "assertion_cytokine_gold.jsonl"
HELDOUT = DATA / "assertion_cytokine_heldout.jsonl"
FLAGS = ("negated", "hypothetical", "uncertain")


def load_gold(path: Path = GOLD) -> list[dict[str, Any]]:
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    for r in records:
        for m in [*r["mentions"], *r["distractors"]]:
            if r["text"][m["start"] : m["end"]] != m["text"]:
                raise ValueError(
                    f"{r['id']}: offsets {m['start']}:{m['end']} are not {m['text']!r}"
                )
    return records


def make_nlp() -> Language:
    nlp = blank_nlp()
    nlp.add_pipe("pysbd_sentencizer")
    return nlp


def make_doc(
    nlp: Language, text: str, spans: list[dict[str, Any]]
) -> tuple[Doc, list[Span | None]]:
    """The doc with `spans` as ents (expanded to token boundaries); one Span (or None) per span."""
    doc = nlp(text)
    made: list[Span | None] = []
    for m in spans:
        made.append(doc.char_span(m["start"], m["end"], label=m["label"], alignment_mode="expand"))
    ents: list[Span] = []
    for span in sorted((s for s in made if s is not None), key=lambda s: (s.start, -len(s))):
        if not ents or span.start >= ents[-1].end:
            ents.append(span)
    doc.set_ents(ents, default="outside")
    return doc, made


def prf(tp: int, fp: int, fn: int) -> dict[str, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4),
            "tp": tp, "fp": fp, "fn": fn}  # fmt: skip


def eval_assertion(
    records: list[dict[str, Any]], nlp: Language, component: ContextAssertion
) -> tuple[dict[str, Any], list[str]]:
    right = total = 0
    counts = {f: [0, 0, 0] for f in FLAGS}  # tp, fp, fn
    errors: list[str] = []
    for r in records:
        doc, spans = make_doc(nlp, r["text"], r["mentions"])
        component(doc)
        for m, span in zip(r["mentions"], spans, strict=True):
            total += 1
            got = {f: bool(getattr(span._, f)) if span is not None else False for f in FLAGS}
            want = {f: m[f] for f in FLAGS}
            for f in FLAGS:
                if got[f] and want[f]:
                    counts[f][0] += 1
                elif got[f]:
                    counts[f][1] += 1
                elif want[f]:
                    counts[f][2] += 1
            if got == want:
                right += 1
            else:
                errors.append(f"{r['id']}: {m['text']!r} want {want} got {got}")
    result = {"accuracy": round(right / total, 4), "mentions": total,
              **{f: prf(*counts[f]) for f in FLAGS}}  # fmt: skip
    return result, errors


def _cytokine_gold(r: dict[str, Any]) -> set[tuple[int, int, str, str | None]]:
    return {(m["start"], m["end"], m["label"], m["concept_id"]) for m in r["mentions"]
            if m["role"] == "cytokine"}  # fmt: skip


def eval_detection(
    records: list[dict[str, Any]], nlp: Language, component: CytokineNormalizer
) -> tuple[dict[str, Any], list[str]]:
    span_counts = [0, 0, 0]
    full_counts = [0, 0, 0]
    errors: list[str] = []
    for r in records:
        context = [m for m in r["mentions"] if m["role"] == "context"]
        doc, spans = make_doc(nlp, r["text"], [*context, *r["distractors"]])
        context_drugs = {(s.start_char, s.end_char) for s in spans[: len(context)] if s is not None}
        component(doc)
        predicted = {
            (e.start_char, e.end_char, e.label_, e._.concept_id) for e in doc.ents
            if e.label_ == "CYTOKINE"
            or (e.label_ == "DRUG" and (e.start_char, e.end_char) not in context_drugs)
        }  # fmt: skip
        gold = _cytokine_gold(r)
        for counts, key in ((span_counts, lambda t: t[:3]), (full_counts, lambda t: t)):
            g, p = {key(t) for t in gold}, {key(t) for t in predicted}
            counts[0] += len(g & p)
            counts[1] += len(p - g)
            counts[2] += len(g - p)
        for t in sorted(predicted - gold):
            errors.append(f"{r['id']}: spurious/wrong {r['text'][t[0] : t[1]]!r} {t[2]} {t[3]}")
        for t in sorted(gold - predicted):
            errors.append(f"{r['id']}: missed {r['text'][t[0] : t[1]]!r} {t[2]} {t[3]}")
    return {"span+label": prf(*span_counts), "span+label+concept": prf(*full_counts)}, errors


def eval_normalization(
    records: list[dict[str, Any]], nlp: Language, component: CytokineNormalizer
) -> tuple[dict[str, Any], list[str]]:
    right = total = removed = distractors = 0
    errors: list[str] = []
    for r in records:
        given = [
            {**m, "label": "CYTOKINE"} if m["role"] == "cytokine" else m for m in r["mentions"]
        ]
        doc, _ = make_doc(nlp, r["text"], [*given, *r["distractors"]])
        component(doc)
        by_offsets = {(e.start_char, e.end_char): e for e in doc.ents}
        for m in r["mentions"]:
            if m["role"] != "cytokine":
                continue
            total += 1
            ent = by_offsets.get((m["start"], m["end"]))
            got = (ent.label_, ent._.concept_id) if ent is not None else None
            if got == (m["label"], m["concept_id"]):
                right += 1
            else:
                errors.append(
                    f"{r['id']}: {m['text']!r} want {(m['label'], m['concept_id'])} got {got}"
                )
        for d in r["distractors"]:
            if any(m["start"] == d["start"] and m["end"] == d["end"] for m in r["mentions"]):
                continue  # a product handed over as CYTOKINE: scored above as a mention
            distractors += 1
            ent = by_offsets.get((d["start"], d["end"]))
            if ent is None or ent.label_ != "CYTOKINE":
                removed += 1
            else:
                errors.append(f"{r['id']}: receptor/TF span kept {d['text']!r}")
    return {
        "label+concept accuracy": round(right / total, 4),
        "mentions": total,
        "distractors removed": f"{removed}/{distractors}",
    }, errors


def evaluate(gold: Path = GOLD, *, use_kb: bool = False) -> dict[str, Any]:
    """All figures (and error lists) on the gold set; "development" tells whether it is the set
    the rules were written with (its assertion figure is consistency, not accuracy)."""
    records = load_gold(gold)
    nlp = make_nlp()
    assertion = ContextAssertion(nlp, "biotab_assertion")
    cytokines = CytokineNormalizer(nlp, "biotab_cytokines", use_kb=use_kb)
    a, a_err = eval_assertion(records, nlp, assertion)
    d, d_err = eval_detection(records, nlp, cytokines)
    n, n_err = eval_normalization(records, nlp, cytokines)
    return {
        "sentences": len(records),
        "development": gold.resolve() == GOLD.resolve(),
        "assertion": a,
        "cytokine_detection": d,
        "cytokine_normalization": n,
        "errors": {"assertion": a_err, "detection": d_err, "normalization": n_err},
    }


def report(name: str, result: dict[str, Any]) -> None:
    a = result["assertion"]
    print(f"== {name}: {result['sentences']} sentences, {a['mentions']} mentions")
    if result["development"]:
        print("   (development set: the rules were written alongside it, so the assertion figure")
        print("    measures consistency between rules and set, not accuracy)")
        label = "assertion consistency"
    else:
        label = "assertion accuracy"
    print(f"{label} (all three flags right): {a['accuracy']:.3f}")
    for flag in FLAGS:
        s = a[flag]
        print(f"  {flag:13s} P {s['precision']:.3f}  R {s['recall']:.3f}  F1 {s['f1']:.3f}  "
              f"(tp {s['tp']}, fp {s['fp']}, fn {s['fn']})")  # fmt: skip
    for kind, s in result["cytokine_detection"].items():
        print(f"cytokine detection, {kind:19s} P {s['precision']:.3f}  R {s['recall']:.3f}  "
              f"F1 {s['f1']:.3f}  (tp {s['tp']}, fp {s['fp']}, fn {s['fn']})")  # fmt: skip
    n = result["cytokine_normalization"]
    print(f"cytokine normalization (lexicon spans given): label+concept accuracy "
          f"{n['label+concept accuracy']:.3f} over {n['mentions']}; receptor/TF spans removed "
          f"{n['distractors removed']}")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n", 1)[0])
    parser.add_argument("--gold", type=Path, nargs="+", default=[GOLD, HELDOUT])
    parser.add_argument("--kb", action="store_true", help="let biotab_cytokines consult the KB")
    parser.add_argument("--errors", action="store_true",
                        help="list the development set's errors (never the held-out set's: "
                             "reading them would tune the rules on it)")
    args = parser.parse_args()
    for path in args.gold:  # a path error is one line and exit 2, not a traceback
        if not path.is_file():
            parser.exit(2, f"{parser.prog}: no gold file at {path}\n")
    for path in args.gold:
        result = evaluate(path, use_kb=args.kb)
        errors = result.pop("errors")
        report(path.name, result)
        if args.errors and path.resolve() != HELDOUT.resolve():
            for kind, items in errors.items():
                for item in items:
                    print(f"  [{kind}] {item}")


if __name__ == "__main__":
    main()
