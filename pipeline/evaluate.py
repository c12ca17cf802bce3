"""`biotab evaluate GOLD`: the whole tagging pipeline scored against an annotated corpus.

Gold formats: PubTator with mention lines (`PMID<TAB>start<TAB>end<TAB>text<TAB>type<TAB>id`),
BioC XML or JSON with annotations (the `type` infon, the id in `identifier` or `MESH`: BC5CDR's
own distribution) and IOB2 (`TOKEN<TAB>TAG`, text = tokens joined by single spaces). Scores
per label: strict (exact offsets and label) and lenient (overlapping span, same label),
precision/recall/F1, plus concept-ID accuracy on strictly correct mentions whose gold has an id
(per label), and
document-level concept P/R/F1 per label: the set of (document, concept id) pairs of the gold
against that of the predictions, as BioCreative V's disease-normalization measure counts it (a
composite gold id "D001|D002" contributes both concepts, "-1" none). Only labels the gold
annotates are scored (a CYTOKINE prediction is not a false positive against BC5CDR).
Generic class mentions (`Span._.is_generic`: "cytokines", "NSAIDs", "immunosuppressants") are
scored like any other by default, as the `mentions` table holds them; with `exclude_generic`
each predicted generic mention is left out of every count, and with it the gold mention at
exactly its offsets and label, if any (found, so no false negative either).
A gold line or record the reader could not take as it is written (a mention line with offsets
that are not whole numbers, a mention off its text, a record without text: the ingest error
rows) is never dropped silently: each is listed in `Evaluation.gold_problems` (the first
GOLD_WARNINGS are also warnings naming the file and line), which the command counts under its
tables, since the scores are then against a smaller gold than the file holds.
`evaluation_tables` renders all of it for the command line.
"""

from __future__ import annotations

import csv
import logging
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from spacy.language import Language

from pipeline.components import mention_filter as _mention_filter  # noqa: F401  (is_generic)
from pipeline.documents import Document
from pipeline.labels import CYTOKINE, DISEASE, DRUG, MODEL
from pipeline.limits import DEFAULT_BATCH_SIZE
from pipeline.plural import plural
from pipeline.process import DEFAULT_CHUNK_CHARS, Deadline, chunked_doc_rows, needs_chunks

log = logging.getLogger(__name__)
#: Gold problems named one by one in warnings (all are in `Evaluation.gold_problems`).
GOLD_WARNINGS = 20
#: What a gold file is, for a file of which nothing was read as gold.
GOLD_FORMATS = ("PubTator with mention lines (PMID|t|title, PMID|a|abstract, "
                "PMID<TAB>start<TAB>end<TAB>text<TAB>type<TAB>id), BioC XML or JSON with "
                "annotations (a 'type' infon), or IOB2 (TOKEN<TAB>TAG lines, a blank line "
                "between sentences)")

if TYPE_CHECKING:
    from rich.console import Console
    from rich.table import Table

# Gold type names -> biotab labels.
GOLD_LABELS = {
    "chemical": DRUG,
    "drug": DRUG,
    "disease": DISEASE,
    "diseaseclass": DISEASE,
    "specificdisease": DISEASE,
    "modifier": DISEASE,
    "compositemention": DISEASE,
    "cytokine": CYTOKINE,
}


@dataclass(frozen=True)
class Mention:
    start: int
    end: int
    label: str
    text: str = ""
    concept_ids: frozenset[str] = frozenset()
    #: a class word ("NSAIDs", "cytokines"): `Span._.is_generic`
    generic: bool = False


@dataclass
class GoldDoc:
    doc_id: str
    text: str
    mentions: list[Mention]


@dataclass
class LabelScore:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class Evaluation:
    strict: dict[str, LabelScore] = field(default_factory=dict)
    lenient: dict[str, LabelScore] = field(default_factory=dict)
    concept_total: int = 0
    concept_correct: int = 0
    #: per label: [correct, total] concept ids on strictly correct mentions with a gold id
    concept_mentions: dict[str, list[int]] = field(default_factory=dict)
    #: per label: document-level (document, concept id) pairs
    concepts: dict[str, LabelScore] = field(default_factory=dict)
    errors: list[dict[str, str | int]] = field(default_factory=list)
    n_docs: int = 0
    #: with `exclude_generic`: predicted generic mentions, and gold mentions at their offsets,
    #: left out of every count
    generic_left_out: int = 0
    gold_left_out: int = 0
    #: the gold file's lines or records not read as written ("FILE, line N: kind: message")
    gold_problems: list[str] = field(default_factory=list)

    def micro(self, mode: str) -> LabelScore:
        """Summed over labels; `mode` is "strict", "lenient" or "concepts"."""
        table = {"strict": self.strict, "lenient": self.lenient, "concepts": self.concepts}[mode]
        total = LabelScore()
        for score in table.values():
            total.tp += score.tp
            total.fp += score.fp
            total.fn += score.fn
        return total

    @property
    def has_gold_ids(self) -> bool:
        """Whether the gold gives any concept id (IOB gold and PubTator without ids do not: the
        concept scores are then not defined, rather than 0)."""
        pairs = self.micro("concepts")
        return bool(pairs.tp + pairs.fn)

    @property
    def concept_accuracy(self) -> float | None:
        return self.concept_correct / self.concept_total if self.concept_total else None

    def label_concept_accuracy(self, label: str) -> float | None:
        correct, total = self.concept_mentions.get(label, [0, 0])
        return correct / total if total else None


def curie(raw: str) -> frozenset[str]:
    """Gold ids ("D008750", "D001|D002", "D001+D002", "MESH:D001", "-1") as biotab CURIEs."""
    ids = set()
    for part in raw.replace(",", "|").replace("+", "|").split("|"):
        part = part.strip()
        if not part or part == "-1":
            continue
        if ":" not in part:
            part = f"MESH:{part}" if part[0] in "DC" and part[1:].isdigit() else part
        ids.add(part)
    return frozenset(ids)


def read_pubtator_gold(path: Path, problems: list[str] | None = None, *, warn: bool = True
                       ) -> Iterator[GoldDoc]:
    """The gold documents of a PubTator file (`read_annotated_gold`)."""
    return read_annotated_gold(path, problems, fmt="pubtator", warn=warn)


def read_annotated_gold(path: Path, problems: list[str] | None = None, *, fmt: str,
                        warn: bool = True) -> Iterator[GoldDoc]:
    """The gold documents of a file whose reader (`fmt`: "pubtator" or "bioc") keeps its
    annotations in `meta["annotations"]` ({start, end, text, type, id}); each ingest error row
    (a mention line, annotation or record not read as written) is appended to `problems` when
    given, and logged as a warning (`warn`: else the caller says them, `warn_gold_problems`)."""
    from pipeline.ingest import ingest

    problems = [] if problems is None else problems  # (a list of our own: the warnings' cap)
    for record in ingest([path], fmt=fmt):
        if not isinstance(record, Document):  # not scored, but said: no silent loss
            _gold_problem(f"{record.source}, {record.location or 'whole file'}: "
                          f"{record.error}: {record.message}", problems, warn)
            continue
        mentions = []
        for ann in (record.meta or {}).get("annotations", []):
            label = GOLD_LABELS.get(str(ann.get("type", "")).lower())
            if label is None:
                continue
            mentions.append(
                Mention(int(ann["start"]), int(ann["end"]), label, str(ann.get("text", "")),
                        curie(str(ann.get("id") or "")))
            )
        yield GoldDoc(record.doc_id, record.text, mentions)


def read_iob_gold(path: Path, sentences_per_doc: int = 1, problems: list[str] | None = None,
                  *, warn: bool = True) -> Iterator[GoldDoc]:
    """The gold documents of an IOB file; a line that is not `TOKEN<TAB>TAG` (or not UTF-8)
    leaves its sentence out, with a warning (`warn`), listed in `problems` when given."""
    from pipeline.iob import read_iob_documents

    problems = [] if problems is None else problems  # (a list of our own: the warnings' cap)
    found: list[str] = []
    items = read_iob_documents(path, per_doc=sentences_per_doc, problems=found)
    for problem in found:
        _gold_problem(problem, problems, warn)
    for item in items:
        mentions = [Mention(s, e, lab, item.text[s:e]) for s, e, lab in item.entities]
        yield GoldDoc(item.doc_id, item.text, mentions)


def read_gold(path: Path, sentences_per_doc: int = 1, problems: list[str] | None = None,
              *, warn: bool = True) -> list[GoldDoc]:
    """PubTator, BioC or IOB, by content: PubTator lines start with `PMID|t|` (told from the
    first five lines' bytes, gzip-aware: a gold file that is not UTF-8, or gzipped, is read by
    the reader that reports its bad lines); BioC as `biotab run` tells it (a <collection> root,
    or JSON documents with passages). A file with no gold to read at all (empty, binary,
    UTF-16) gives no document and one problem. `problems`, `warn`: as `read_pubtator_gold`'s
    (`biotab evaluate` reads without warnings, then says the problems after the explanation
    of a file of which nothing was read, or as warnings before the scores)."""
    from pipeline.ingest.detect import detect_format
    from pipeline.ingest.head_checks import head_and_problem

    problems = [] if problems is None else problems  # (a list of our own: the warnings' cap)
    head, bad = head_and_problem(path, str(path), per_record=True)
    if bad is not None:
        _gold_problem(f"{bad.source}, {bad.location or 'whole file'}: {bad.error}: "
                      f"{bad.message}", problems, warn)
        return []
    first = b"\n".join(head.split(b"\n", 5)[:5])
    if b"|t|" in first or b"|a|" in first:
        return list(read_pubtator_gold(path, problems, warn=warn))
    if detect_format(path, head) == "bioc":
        return list(read_annotated_gold(path, problems, fmt="bioc", warn=warn))
    return list(read_iob_gold(path, sentences_per_doc, problems, warn=warn))


def _gold_problem(problem: str, problems: list[str], warn: bool = True) -> None:
    """A gold line or file not read as written: listed in `problems` (the caller's, or the
    reader's own when the caller gave none), and, with `warn`, a warning while `problems` holds
    fewer than GOLD_WARNINGS (then one warning saying the rest are counted only: a file that
    is no gold at all, the wrong file given, has a problem on every line)."""
    if warn:
        _warn_gold_problem(problem, len(problems))
    problems.append(problem)


def _warn_gold_problem(problem: str, shown: int) -> None:
    """The warning for the gold problem after `shown` others (`_gold_problem`)."""
    if shown < GOLD_WARNINGS:
        log.warning("gold %s", problem)
    elif shown == GOLD_WARNINGS:
        log.warning("gold: more lines not read as written; only the first %d are named here, "
                    "all are counted under the scores", GOLD_WARNINGS)


def warn_gold_problems(problems: Sequence[str]) -> None:
    """The warnings of gold problems read without them (`read_gold(warn=False)`)."""
    for shown, problem in enumerate(problems[: GOLD_WARNINGS + 1]):
        _warn_gold_problem(problem, shown)


def nothing_read(n_docs: int, problems: Sequence[str]) -> bool:
    """Whether nothing of a gold file was read as gold (the wrong file given): no document,
    and problems (an empty or binary file, or every line not `TOKEN<TAB>TAG`)."""
    return bool(problems) and not n_docs


def predicted_mentions(nlp: Language, docs: Sequence[GoldDoc]) -> Iterator[list[Mention]]:
    """Each document's predicted mentions, in order. A text longer than a chunk (or than
    spaCy's `nlp.max_length`, which refuses it: a full-text record, an IOB file without blank
    lines) is annotated in chunks as `biotab run` annotates it (`process.chunked_doc_rows`),
    its mentions those of the `mentions` table."""
    chunk_chars = min(DEFAULT_CHUNK_CHARS, nlp.max_length)
    long = [needs_chunks(d.text, chunk_chars) for d in docs]
    piped = nlp.pipe((d.text for d, is_long in zip(docs, long, strict=True) if not is_long),
                     batch_size=DEFAULT_BATCH_SIZE)
    for gold_doc, is_long in zip(docs, long, strict=True):
        if is_long:
            yield _chunked_mentions(nlp, gold_doc, chunk_chars)
            continue
        yield [
            Mention(e.start_char, e.end_char, e.label_, e.text,
                    frozenset([e._.concept_id]) if e._.concept_id else frozenset(),
                    generic=bool(e._.is_generic))
            for e in next(piped).ents
        ]


def _chunked_mentions(nlp: Language, gold_doc: GoldDoc, chunk_chars: int) -> list[Mention]:
    """The mentions rows of a long document annotated in chunks, as Mentions."""
    document = Document(doc_id=gold_doc.doc_id, text=gold_doc.text, source="", format="gold")
    rows = chunked_doc_rows(nlp, document, Deadline(None), chunk_chars)
    return [
        Mention(r["start_char"], r["end_char"], r["label"], r["text"],
                frozenset([r["concept_id"]]) if r["concept_id"] else frozenset(),
                generic=bool(r["is_generic"]))
        for r in rows.tables["mentions"]
    ]


def score(
    gold_docs: list[GoldDoc], predictions: Iterable[list[Mention]], *,
    exclude_generic: bool = False,
) -> Evaluation:
    """Strict and lenient P/R/F1 per gold label, concept accuracy, and the error list.

    `exclude_generic`: predicted generic mentions and the gold mentions at their offsets are
    left out (module docstring)."""
    labels = sorted({m.label for d in gold_docs for m in d.mentions}) or list(MODEL)
    ev = Evaluation(
        strict={lab: LabelScore() for lab in labels},
        lenient={lab: LabelScore() for lab in labels},
        concept_mentions={lab: [0, 0] for lab in labels},
        concepts={lab: LabelScore() for lab in labels},
        n_docs=len(gold_docs),
    )
    for gold_doc, predicted in zip(gold_docs, predictions, strict=True):
        pred = [m for m in predicted if m.label in ev.strict]
        gold = gold_doc.mentions
        if exclude_generic:
            pred, gold = _without_generic(ev, pred, gold)
        gold_keys = {(m.start, m.end, m.label): m for m in gold}
        pred_keys = {(m.start, m.end, m.label): m for m in pred}
        for key, g in gold_keys.items():
            if key in pred_keys:
                ev.strict[g.label].tp += 1
                if g.concept_ids:
                    right = bool(pred_keys[key].concept_ids & g.concept_ids)
                    ev.concept_total += 1
                    ev.concept_correct += right
                    ev.concept_mentions[g.label][0] += right
                    ev.concept_mentions[g.label][1] += 1
            else:
                ev.strict[g.label].fn += 1
                ev.errors.append(_error(gold_doc, g, "FN"))
        for key, p in pred_keys.items():
            if key not in gold_keys:
                ev.strict[p.label].fp += 1
                ev.errors.append(_error(gold_doc, p, "FP"))
        _lenient(ev, gold, pred)
        _document_concepts(ev, gold, pred)
    return ev


def _without_generic(
    ev: Evaluation, pred: list[Mention], gold: list[Mention]
) -> tuple[list[Mention], list[Mention]]:
    """`pred` less its generic mentions, `gold` less the mentions at their offsets and label;
    counted in `ev`."""
    generic = {(m.start, m.end, m.label) for m in pred if m.generic}
    if not generic:
        return pred, gold
    kept_pred = [m for m in pred if not m.generic]
    kept_gold = [m for m in gold if (m.start, m.end, m.label) not in generic]
    ev.generic_left_out += len(pred) - len(kept_pred)
    ev.gold_left_out += len(gold) - len(kept_gold)
    return kept_pred, kept_gold


def _document_concepts(ev: Evaluation, gold: list[Mention], pred: list[Mention]) -> None:
    """One document's (concept id) sets per label, compared as sets."""
    for label, table in ev.concepts.items():
        gold_ids = {cid for m in gold if m.label == label for cid in m.concept_ids}
        pred_ids = {cid for m in pred if m.label == label for cid in m.concept_ids}
        table.tp += len(gold_ids & pred_ids)
        table.fp += len(pred_ids - gold_ids)
        table.fn += len(gold_ids - pred_ids)


def _lenient(ev: Evaluation, gold: list[Mention], pred: list[Mention]) -> None:
    used: set[int] = set()
    for g in gold:
        hit = next(
            (i for i, p in enumerate(pred)
             if i not in used and p.label == g.label and p.start < g.end and g.start < p.end),
            None,
        )
        if hit is None:
            ev.lenient[g.label].fn += 1
        else:
            used.add(hit)
            ev.lenient[g.label].tp += 1
    for i, p in enumerate(pred):
        if i not in used:
            ev.lenient[p.label].fp += 1


def _error(doc: GoldDoc, m: Mention, kind: str) -> dict[str, str | int]:
    left = doc.text[max(0, m.start - 40) : m.start]
    right = doc.text[m.end : m.end + 40]
    return {
        "doc_id": doc.doc_id, "kind": kind, "label": m.label, "start": m.start, "end": m.end,
        "text": doc.text[m.start : m.end], "context": f"{left}[[{doc.text[m.start:m.end]}]]{right}",
    }


def evaluate(
    nlp: Language, gold_path: Path, *, sentences_per_doc: int = 1,
    errors_path: Path | None = None, exclude_generic: bool = False,
) -> Evaluation:
    """Read the gold at `gold_path`, tag its texts with `nlp` and score; the false positives
    and negatives are written to `errors_path` (TSV) when given."""
    problems: list[str] = []
    gold_docs = read_gold(gold_path, sentences_per_doc, problems)
    return score_gold(nlp, gold_docs, problems, errors_path=errors_path,
                      exclude_generic=exclude_generic)


def score_gold(nlp: Language, gold_docs: list[GoldDoc], problems: list[str], *,
               errors_path: Path | None = None, exclude_generic: bool = False) -> Evaluation:
    """`evaluate` of gold read already (`read_gold`: its documents and problems)."""
    ev = score(gold_docs, predicted_mentions(nlp, gold_docs), exclude_generic=exclude_generic)
    ev.gold_problems = problems
    if errors_path is not None:
        write_errors(ev, errors_path)
    return ev


def write_errors(ev: Evaluation, path: Path) -> None:
    fields = ["doc_id", "kind", "label", "start", "end", "text", "context"]
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=fields, delimiter="\t")
        writer.writeheader()
        writer.writerows(ev.errors)


def evaluation_tables(ev: Evaluation, title: str) -> list[Table]:
    """Rich tables: mentions (strict, lenient) and, when the gold gives concept ids, concepts
    (mention accuracy, document F1)."""
    from rich.table import Table

    mentions = Table(title=f"{title}: {plural(ev.n_docs, 'document')}, mentions")
    for col in ("label", "mode", "P", "R", "F1", "TP", "FP", "FN"):
        mentions.add_column(col)
    for mode, scores in (("strict", ev.strict), ("lenient", ev.lenient)):
        for label, sc in [*scores.items(), ("ALL", ev.micro(mode))]:
            mentions.add_row(label, mode, *_prf_cells(sc))
    if not ev.has_gold_ids:
        return [mentions]
    concepts = Table(title=f"{title}: concepts (document-level (document, id) pairs)")
    for col in ("label", "id accuracy on correct mentions", "P", "R", "F1", "TP", "FP", "FN"):
        concepts.add_column(col)
    rows = [(lab, ev.label_concept_accuracy(lab), ev.concept_mentions.get(lab, [0, 0]), sc)
            for lab, sc in ev.concepts.items()]
    rows.append(("ALL", ev.concept_accuracy, [ev.concept_correct, ev.concept_total],
                 ev.micro("concepts")))
    for label, acc, (correct, total), sc in rows:
        shown = f"{acc:.4f} ({correct}/{total})" if acc is not None else "n/a"
        concepts.add_row(label, shown, *_prf_cells(sc))
    return [mentions, concepts]


def print_evaluation(ev: Evaluation, name: str, console: Console, *,
                     exclude_generic: bool = False) -> int:
    """`biotab evaluate`'s output for gold file `name`: the tables, then one line per note,
    unwrapped also in a file (a table keeps its width). Returns the exit code: 2 when the file
    is no gold (nothing read, or documents without one gold mention), whose zeros must not
    pass for scores, else 0."""

    def say(line: str) -> None:
        console.print(line, soft_wrap=True)

    if nothing_read(ev.n_docs, ev.gold_problems):
        # the wrong file given: the explanation first, no tables of zeros, no warnings
        lines = plural(len(ev.gold_problems), "line or record", "lines or records")
        say(f"nothing of {name} was read as gold: expected {GOLD_FORMATS}")
        say(f"gold problems: {lines} of {name} not read as gold; the first: "
            f"{ev.gold_problems[0]}")
        return 2
    for table in evaluation_tables(ev, name):
        console.print(table)
    if ev.gold_problems:
        lines = plural(len(ev.gold_problems), "line or record", "lines or records")
        say(f"gold problems: {lines} of {name} not read as written, so not in the gold "
            f"scored against (warnings above name the first ones; the first: "
            f"{ev.gold_problems[0]})")
    strict = ev.micro("strict")
    # documents without one gold mention (raw PubTator, a corpus of other types): scores of 0
    no_mention = bool(ev.n_docs) and not (strict.tp + strict.fn + ev.gold_left_out)
    if no_mention:
        say(f"{name} holds {plural(ev.n_docs, 'document')} but no gold DRUG, DISEASE or "
            f"CYTOKINE mention: expected {GOLD_FORMATS}")
    if exclude_generic:
        say(f"left out: {plural(ev.generic_left_out, 'predicted generic mention')}, "
            f"{plural(ev.gold_left_out, 'gold mention')} at their offsets")
    acc = ev.concept_accuracy
    say("concept-ID accuracy on strictly correct mentions with gold ids: "
        + (f"{acc:.4f} ({ev.concept_correct}/{ev.concept_total})" if acc is not None
           else "n/a" + ("" if ev.has_gold_ids else " (the gold has no concept ids)")))
    return 2 if no_mention else 0


def _prf_cells(sc: LabelScore) -> list[str]:
    return [f"{sc.precision:.4f}", f"{sc.recall:.4f}", f"{sc.f1:.4f}",
            str(sc.tp), str(sc.fp), str(sc.fn)]


def error_summary(ev: Evaluation, top: int = 15) -> list[tuple[str, int]]:
    """Most frequent error strings, for a quick look at what to fix."""
    counts = Counter(f"{e['kind']} {e['label']} {str(e['text']).lower()}" for e in ev.errors)
    return counts.most_common(top)
