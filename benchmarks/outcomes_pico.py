"""Score the outcomes table on the PICO corpus's annotated numbers (pico-dev, BRAT .txt + .ann).

    python benchmarks/outcomes_pico.py [--corpus DIR] [--split tuned|heldout|both]
                                       [--errors FILE] [--refresh] [--limit N]

Held-out rule, fixed before any abstract was read: a PMID belongs to the held-out quarter when
`int(sha256(pmid).hexdigest(), 16) % 4 == 0` (121 of the 504 abstracts). Rules are tuned on the
other 383 ("tuned") only: while iterating run `--split tuned`, which scores (and prints) the
tuned part alone; run `--split both` (the default) once rules are frozen. `--errors` writes the
tuned part's misses, false rows and arm errors only: held-out abstracts are never listed.

The whole tagging pipeline (`build_nlp(outcomes=False)`) runs once per abstract and its Docs are
cached (`--cache`, rebuilt with `--refresh`), then `biotab_outcomes` runs on the cached Docs and
`outcome_rows()` turns them into table rows, so a rule change costs seconds.

Scores (a gold number is a BRAT span whose text holds one number; "found" when an outcomes row
overlapping its span carries that number as value, numerator, denominator or group_size):
- per-kind recall: bin-percent (iv/cv-bin-percent), bin-abs (iv/cv-bin-abs), figure (both),
  cont (iv/cv-cont-*: informative, the table does not aim at means), group sizes;
- enrollment recall: total-participants found by a row of measure `enrollment`;
- precision: share of rows that overlap some annotated number (rows overlapping none are false),
  overall and per measure, over rows whose unit is percent or count (the corpus does not mark
  ratio statistics or relative changes; those rows are counted apart);
- arm score, for the per-arm numbers (iv/cv-bin-percent and -bin-abs; group sizes, i.e.
  intervention-/control-participants, on lines of their own) that a row finds: "arm right", the
  share whose row's arm names the number's side (the headline: an arm that names no side, maybe
  no arm at all, earns nothing); "arm given", the share whose row has an arm; "arm right (of
  mapped)", of those whose arm maps to a side of the abstract
  (its gold `intervention` / `control` span texts, by word overlap: `pico_arms.side_of`), the
  share mapped to the number's gold side; and how many arms map to no side. The row judged is
  the first row (in table order) that finds the number and has an arm, else the first that
  finds it. `--errors` lists the tuned part's found numbers whose arm is missing, wrong or
  unmapped (types arm_missing, arm_wrong, arm_unmapped), with the gold side and span texts;
- a 95% interval for figure recall, enrollment recall, precision, and the arm figures of
  figures and of group sizes: 2,000 bootstrap resamples of each part's abstracts (fixed
  seed), for how far a part's figure may sit from the population's by chance alone (121
  held-out abstracts are a small sample).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

from pico_arms import CONTROL, INTERVENTION, ArmNames, side_of  # noqa: E402
from spacy.language import Language  # noqa: E402
from spacy.tokens import Doc, DocBin  # noqa: E402

from pipeline.paths import DEFAULT_CORPORA  # noqa: E402

NUMBER_KINDS = {
    "iv-bin-percent": "bin-percent",
    "cv-bin-percent": "bin-percent",
    "iv-bin-abs": "bin-abs",
    "cv-bin-abs": "bin-abs",
    "total-participants": "enrollment",
    "intervention-participants": "group-size",
    "control-participants": "group-size",
}
CONT_PREFIXES = ("iv-cont-", "cv-cont-")
SPLITS = ("tuned", "heldout")
#: the number kinds whose arm is scored, and the label prefixes of the intervention side
ARM_KINDS = {"bin-percent": "figure", "bin-abs": "figure", "group-size": "group-size"}
INTERVENTION_LABELS = ("iv-", "intervention-")
ARM_LABELS = (INTERVENTION, CONTROL)
# The corpus marks per-arm percentages and counts, not ratio statistics or relative changes:
# precision is over rows of these units; the others are counted apart.
SCORED_UNITS = ("percent", "count")


def is_heldout(pmid: str) -> bool:
    """The fixed held-out quarter (chosen by PMID hash before any abstract was read)."""
    return int(hashlib.sha256(pmid.encode()).hexdigest(), 16) % 4 == 0


@dataclass
class GoldNumber:
    kind: str  # bin-percent, bin-abs, enrollment, group-size, cont
    label: str
    start: int
    end: int
    text: str
    value: float | None


def _number_words() -> dict[str, int]:
    from pipeline.paths import rule_file

    data = json.loads(rule_file("outcomes_lexicon.json").read_text(encoding="utf8"))
    return {str(k): int(v) for k, v in data["number_words"].items()}


def parse_value(text: str, words: dict[str, int]) -> float | None:
    """The number a gold span states: '28%', '1,203', '76.7 %', 'Twenty', 'twenty-one'."""
    m = re.search(r"\d+(?:[,\u2009\u202f\u00a0]\d{3})*(?:[.·]\d+)?", text)
    if m:
        return float(re.sub(r"[,\u2009\u202f\u00a0]", "", m.group()).replace("·", "."))
    total = current = 0
    found = False
    for w in re.findall(r"[a-z]+", text.lower()):
        if w == "hundred":
            current = max(current, 1) * 100
        elif w == "thousand":
            total, current = total + max(current, 1) * 1000, 0
        elif w in words:
            current += words[w]
        else:
            continue
        found = True
    return float(total + current) if found else None


def whole_words(doc_text: str, start: int, end: int) -> str:
    """The gold span widened to whole words: a few spans stop inside a word ("Forty-seve" of
    "Forty-seven", "sixtee" of "sixteen"), which would read as another number."""
    while start > 0 and doc_text[start - 1].isalnum() and doc_text[start].isalnum():
        start -= 1
    while end < len(doc_text) and doc_text[end].isalnum() and doc_text[end - 1].isalnum():
        end += 1
    return doc_text[start:end]


def read_ann(path: Path, doc_text: str, words: dict[str, int]) -> list[GoldNumber]:
    out: list[GoldNumber] = []
    for line in path.read_text(encoding="utf8").splitlines():
        if not line.startswith("T"):
            continue
        _, info, text = line.split("\t", 2)
        label, spans = info.split(" ", 1)
        kind = NUMBER_KINDS.get(label) or ("cont" if label.startswith(CONT_PREFIXES) else None)
        if kind is None:
            continue
        bounds = [tuple(int(x) for x in s.split()) for s in spans.split(";")]
        out.append(
            GoldNumber(
                kind,
                label,
                min(b[0] for b in bounds),
                max(b[1] for b in bounds),
                text,
                parse_value(
                    whole_words(doc_text, min(b[0] for b in bounds), max(b[1] for b in bounds)),
                    words,
                ),
            )
        )
    return out


def read_arm_names(path: Path, doc_text: str) -> ArmNames:
    """The abstract's `intervention` and `control` spans (the arms' names)."""
    spans = []
    for line in path.read_text(encoding="utf8").splitlines():
        if not line.startswith("T"):
            continue
        label, bounds = line.split("\t", 2)[1].split(" ", 1)
        if label in ARM_LABELS:
            pieces = [tuple(int(x) for x in b.split()) for b in bounds.split(";")]
            spans.append((label, min(p[0] for p in pieces), max(p[1] for p in pieces)))
    return ArmNames.from_spans(spans, doc_text)


@dataclass
class Abstract:
    pmid: str
    text: str
    gold: list[GoldNumber]
    arms: ArmNames


def load_corpus(corpus: Path, limit: int | None) -> list[Abstract]:
    words = _number_words()
    docs = []
    for txt in sorted(corpus.glob("*.txt")):
        ann = txt.with_suffix(".ann")
        if not ann.exists():
            continue
        text = txt.read_text(encoding="utf8")
        docs.append(Abstract(txt.stem, text, read_ann(ann, text, words), read_arm_names(ann, text)))
    return docs[:limit] if limit else docs


def tagged_docs(nlp: Language, texts: list[str], cache: Path, refresh: bool) -> list[Doc]:
    """Docs after every component but `biotab_outcomes`, cached as a DocBin keyed by the texts."""
    key = hashlib.sha256("\x00".join(texts).encode()).hexdigest()[:16]
    path = cache / f"pico_{key}.spacy"
    if path.exists() and not refresh:
        return list(DocBin().from_disk(path).get_docs(nlp.vocab))
    docs = list(nlp.pipe(texts))
    for doc in docs:
        # Span-valued user data (scispacy's abbreviation pairs) does not serialize; the outcomes
        # component reads entities, their attributes and sentence attributes only.
        for k in [k for k, v in doc.user_data.items() if not _plain(v)]:
            del doc.user_data[k]
    cache.mkdir(parents=True, exist_ok=True)
    DocBin(store_user_data=True, docs=docs).to_disk(path)
    return docs


def _plain(v: Any) -> bool:
    if isinstance(v, (list, tuple)):
        return all(_plain(x) for x in v)
    if isinstance(v, dict):
        return all(_plain(x) for x in v.values())
    return v is None or isinstance(v, (str, int, float, bool))


#: the figures the targets are set on, with a bootstrap interval each: name, then how to read
#: (numerator, denominator) off one abstract's Score
INTERVAL_FIGURES: tuple[tuple[str, Callable[[Score], tuple[int, int]]], ...] = (
    ("figure recall", lambda s: (s.found["figure"], s.total["figure"])),
    ("enrollment recall", lambda s: (s.found["enrollment"], s.total["enrollment"])),
    ("precision", lambda s: (sum(s.rows_ok.values()), sum(s.rows.values()))),
    ("figure arm right/found", lambda s: (s.arm_right["figure"], s.found["figure"])),
    ("figure arm given", lambda s: (s.arm_given["figure"], s.found["figure"])),
    ("figure arm right", lambda s: (s.arm_right["figure"], s.arm_mapped["figure"])),
    ("group-size arm right/found",
     lambda s: (s.arm_right["group-size"], s.found["group-size"])),
    ("group-size arm given", lambda s: (s.arm_given["group-size"], s.found["group-size"])),
    ("group-size arm right", lambda s: (s.arm_right["group-size"], s.arm_mapped["group-size"])),
)
BOOTSTRAP_RESAMPLES = 2000


@dataclass
class Score:
    found: Counter[str] = field(default_factory=Counter)
    total: Counter[str] = field(default_factory=Counter)
    rows: Counter[str] = field(default_factory=Counter)
    rows_ok: Counter[str] = field(default_factory=Counter)
    unscored: Counter[str] = field(default_factory=Counter)
    # found per-arm numbers (by ARM_KINDS value) whose row has an arm / whose arm maps to a
    # side / to the gold side
    arm_given: Counter[str] = field(default_factory=Counter)
    arm_mapped: Counter[str] = field(default_factory=Counter)
    arm_right: Counter[str] = field(default_factory=Counter)

    def recall(self, kind: str) -> float | None:
        return self.found[kind] / self.total[kind] if self.total[kind] else None

    def precision(self, measure: str | None = None) -> float | None:
        n = self.rows[measure] if measure else sum(self.rows.values())
        ok = self.rows_ok[measure] if measure else sum(self.rows_ok.values())
        return ok / n if n else None

    def add(self, other: Score) -> None:
        for mine, theirs in ((self.found, other.found), (self.total, other.total),
                             (self.rows, other.rows), (self.rows_ok, other.rows_ok),
                             (self.unscored, other.unscored), (self.arm_given, other.arm_given),
                             (self.arm_mapped, other.arm_mapped),
                             (self.arm_right, other.arm_right)):
            mine.update(theirs)


def bootstrap_intervals(per_doc: list[Score], resamples: int = BOOTSTRAP_RESAMPLES,
                        seed: int = 0) -> dict[str, tuple[float, float]]:
    """95% percentile intervals of the target figures, resampling whole abstracts (rows and
    gold numbers of one abstract are not independent), with a fixed seed."""
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, len(per_doc), size=(resamples, len(per_doc)))
    out: dict[str, tuple[float, float]] = {}
    for name, read in INTERVAL_FIGURES:
        pairs = np.array([read(s) for s in per_doc], dtype=float)
        num, den = pairs[idx, 0].sum(axis=1), pairs[idx, 1].sum(axis=1)
        ratio = num[den > 0] / den[den > 0]
        if ratio.size:
            lo, hi = np.percentile(ratio, [2.5, 97.5])
            out[name] = (float(lo), float(hi))
    return out


def _carries(row: dict[str, Any], value: float) -> bool:
    for key in ("value", "numerator", "denominator", "group_size"):
        got = row.get(key)
        if got is not None and abs(float(got) - value) <= 0.051:
            return True
    return False


def _overlaps(row: dict[str, Any], g: GoldNumber) -> bool:
    return int(row["start_char"]) < g.end and g.start < int(row["end_char"])


def score_doc(
    pmid: str,
    text: str,
    gold: list[GoldNumber],
    rows: list[dict[str, Any]],
    score: Score,
    arms: ArmNames | None = None,
) -> Iterator[dict[str, Any]]:
    """Add one abstract to `score`; yield an error record per miss, per false row and per found
    per-arm number whose row's arm is missing, wrong or maps to no side of `arms` (the
    abstract's gold arm names; none given: every arm is unmapped)."""
    arms = arms or ArmNames()
    for g in gold:
        if g.value is None:
            continue
        kinds = [g.kind] + (["figure"] if g.kind in ("bin-percent", "bin-abs") else [])
        near = [r for r in rows if _overlaps(r, g)]
        if g.kind == "enrollment":
            hits = [r for r in near if r["measure"] == "enrollment" and _carries(r, g.value)]
        else:
            hits = [r for r in near if _carries(r, g.value)]
        hit = bool(hits)
        for k in kinds:
            score.total[k] += 1
            score.found[k] += hit
        if hits and g.kind in ARM_KINDS:
            error = _score_arm(g, hits, arms, ARM_KINDS[g.kind], score)
            if error is not None:
                yield {"type": error, "pmid": pmid, **_arm_record(text, g, hits, arms)}
        if not hit and g.kind != "cont":
            lo, hi = max(0, g.start - 120), min(len(text), g.end + 120)
            yield {
                "type": "miss",
                "pmid": pmid,
                "kind": g.label,
                "gold": g.text,
                "value": g.value,
                "context": text[lo : g.start]
                + "[["
                + text[g.start : g.end]
                + "]]"
                + text[g.end : hi],
                "rows_here": [
                    {k: r.get(k) for k in ("text", "measure", "value", "numerator")} for r in near
                ],
            }
    for r in rows:
        if r["unit"] not in SCORED_UNITS:
            score.unscored[r["unit"]] += 1
            continue
        ok = any(_overlaps(r, g) for g in gold)
        score.rows[r["measure"]] += 1
        score.rows_ok[r["measure"]] += ok
        if not ok:
            yield {
                "type": "false_row",
                "pmid": pmid,
                "measure": r["measure"],
                "value": r["value"],
                "text": r["text"],
                "sentence": _sentence(text, int(r["start_char"]), int(r["end_char"])),
            }


def _score_arm(
    g: GoldNumber, hits: list[dict[str, Any]], arms: ArmNames, kind: str, score: Score
) -> str | None:
    """Score the arm of the row that finds `g` (the first with an arm, else the first); the
    error type, or None when the arm is right."""
    row = next((r for r in hits if r.get("arm")), hits[0])
    if not row.get("arm"):
        return "arm_missing"
    score.arm_given[kind] += 1
    side = side_of(row["arm"], arms)
    if side is None:
        return "arm_unmapped"
    score.arm_mapped[kind] += 1
    if side == _gold_side(g):
        score.arm_right[kind] += 1
        return None
    return "arm_wrong"


def _gold_side(g: GoldNumber) -> str:
    return INTERVENTION if g.label.startswith(INTERVENTION_LABELS) else CONTROL


def _arm_record(
    text: str, g: GoldNumber, hits: list[dict[str, Any]], arms: ArmNames
) -> dict[str, Any]:
    row = next((r for r in hits if r.get("arm")), hits[0])
    return {
        "kind": g.label,
        "gold": g.text,
        "gold_side": _gold_side(g),
        "row_arm": row.get("arm"),
        "row_drug": row.get("drug_text"),
        "row_side": side_of(row["arm"], arms) if row.get("arm") else None,
        "row_text": row.get("text"),
        "measure": row.get("measure"),
        "gold_intervention": list(arms.intervention),
        "gold_control": list(arms.control),
        "sentence": _sentence(text, g.start, g.end),
    }


def _sentence(text: str, start: int, end: int) -> str:
    lo = max(text.rfind(". ", 0, start) + 2, start - 200, 0)
    hi = text.find(". ", end)
    hi = min(hi + 1 if hi >= 0 else len(text), end + 200)
    return text[lo:start] + "[[" + text[start:end] + "]]" + text[end:hi]


def _share(num: int, den: int) -> float | None:
    return num / den if den else None


def _fmt(x: float | None) -> str:
    return f"{x:.3f}" if x is not None else "-"


def _cell(num: int, den: int) -> str:
    """One part's column of a share: the share and its denominator."""
    return f"{_fmt(_share(num, den)):>8} /{den:>4}"


def report(scores: dict[str, Score], per_doc: dict[str, list[Score]]) -> None:
    """Print one column per part in `scores` (tuned, held-out or both), then the bootstrap
    intervals of the target figures from `per_doc` (each part's abstracts one by one)."""
    splits = [s for s in SPLITS if s in scores]
    print(f"{'':<28}" + "".join(f"{s:>14}" for s in splits))
    for kind, name in (
        ("figure", "figure recall (bin %+abs)"),
        ("bin-percent", "  bin-percent recall"),
        ("bin-abs", "  bin-abs recall"),
        ("enrollment", "enrollment recall"),
        ("group-size", "group-size recall"),
        ("cont", "cont (info) recall"),
    ):
        cells = "".join(
            f"{_fmt(scores[s].recall(kind)):>8} /{scores[s].total[kind]:>4}" for s in splits
        )
        print(f"{name:<28}{cells}")
    cells = "".join(
        f"{_fmt(scores[s].precision()):>8} /{sum(scores[s].rows.values()):>4}" for s in splits
    )
    print(f"{'precision (% and n rows)':<28}{cells}")
    units = sorted({u for s in splits for u in scores[s].unscored})
    for u in units:
        cells = "".join(f"{'':>8} /{scores[s].unscored[u]:>4}" for s in splits)
        print(f"{'rows (not scored) ' + u:<28}{cells}")
    measures = sorted({m for s in splits for m in scores[s].rows})
    for m in measures:
        cells = "".join(
            f"{_fmt(scores[s].precision(m)):>8} /{scores[s].rows[m]:>4}" for s in splits
        )
        print(f"  {m:<26}{cells}")
    parts = [scores[s] for s in splits]
    for kind, name in (("figure", "figures"), ("group-size", "group sizes")):
        # right of all found: an arm that names no side (perhaps no arm at all) earns nothing
        print(f"{'arm right (' + name + ')':<28}"
              + "".join(_cell(p.arm_right[kind], p.found[kind]) for p in parts))
        print(f"{'  arm given':<28}"
              + "".join(_cell(p.arm_given[kind], p.found[kind]) for p in parts))
        print(f"{'  arm right (of mapped)':<28}"
              + "".join(_cell(p.arm_right[kind], p.arm_mapped[kind]) for p in parts))
        print(f"{'  arm unmapped (n)':<28}"
              + "".join(f"{'':>8} /{p.arm_given[kind] - p.arm_mapped[kind]:>4}" for p in parts))
    intervals = {s: bootstrap_intervals(per_doc[s]) for s in splits if per_doc[s]}
    print(f"95% intervals, {BOOTSTRAP_RESAMPLES} bootstrap resamples of the abstracts:")
    for name, _ in INTERVAL_FIGURES:
        cells = "".join(
            f"{'':>2}{intervals[s][name][0]:.3f}-{intervals[s][name][1]:.3f}"
            if name in intervals.get(s, {}) else f"{'-':>14}"
            for s in splits
        )
        print(f"  {name:<26}{cells}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPORA / "pico-dev")
    ap.add_argument("--cache", type=Path, default=REPO / "outputs" / "pico_cache")
    ap.add_argument("--refresh", action="store_true", help="re-run the tagging pipeline")
    ap.add_argument(
        "--split",
        choices=(*SPLITS, "both"),
        default="both",
        help="part(s) scored and printed; iterate with 'tuned' only",
    )
    ap.add_argument(
        "--errors", type=Path,
        help="write the tuned part's misses, false rows and arm errors (JSONL)",
    )
    ap.add_argument("--limit", type=int, help="first N abstracts only")
    args = ap.parse_args()

    from pipeline.nlp import build_nlp
    from pipeline.outcomes import outcome_rows

    corpus = load_corpus(args.corpus, args.limit)
    if not corpus:  # nothing to score, and nothing to cache
        print(f"outcomes_pico: no annotated abstracts (.txt + .ann) in {args.corpus}",
              file=sys.stderr)
        return 2
    nlp = build_nlp(outcomes=False)
    docs = tagged_docs(nlp, [a.text for a in corpus], args.cache, args.refresh)
    full = build_nlp(outcomes=True)
    outcomes = full.get_pipe("biotab_outcomes")
    scores = {s: Score() for s in SPLITS if args.split in (s, "both")}
    per_doc: dict[str, list[Score]] = {s: [] for s in scores}
    errors: list[dict[str, Any]] = []
    for a, doc in zip(corpus, docs, strict=True):
        split = "heldout" if is_heldout(a.pmid) else "tuned"
        if split not in scores:
            continue
        rows = outcome_rows(outcomes(doc), f"pmid:{a.pmid}")
        one = Score()
        errs = list(score_doc(a.pmid, a.text, a.gold, rows, one, a.arms))
        scores[split].add(one)
        per_doc[split].append(one)
        if split == "tuned":
            errors.extend(errs)
    print(
        f"pico-dev: {len(corpus)} abstracts "
        f"({sum(is_heldout(a.pmid) for a in corpus)} held out: sha256(pmid) % 4 == 0)"
    )
    report(scores, per_doc)
    if args.errors:
        with args.errors.open("w", encoding="utf8") as fh:
            for e in errors:
                fh.write(json.dumps(e, ensure_ascii=False) + "\n")
        print(f"{len(errors)} errors (tuned) -> {args.errors}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
