"""A small hand-written biotab output folder (Parquet parts with the real schemas) for the
report and table tests, including a document whose title and text carry live-looking HTML."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"

EVIL_TITLE = f"Imiquimod {SCRIPT} in <i>vitro</i> {IMG} <sup>2</sup> & more"
EVIL_TEXT = (
    f"{EVIL_TITLE}\n"
    f"Aldara (imiquimod) was given {SCRIPT} to patients with atopic dermatitis {IMG}. "
    "Levels of IL-13 fell."
)

LENA_TEXT = (
    "Lenalidomide for cutaneous lupus erythematosus\n"
    "Fifteen patients with cutaneous lupus erythematosus (CLE) received lenalidomide. "
    "Twelve of those patients (86%) achieved complete response. "
    "Neither polyneuropathy nor thrombosis was observed. IL-4 and IL-13 were measured."
)

PLAIN_TEXT = "No entities here at all.\nJust a plain sentence."

# doc_id -> (title, text, list of (surface, occurrence, label, concept_id, concept_name, negated))
DOCS: dict[str, tuple[str | None, str, list[tuple[str, int, str, str | None, str | None, bool]]]]
DOCS = {
    "lena": (
        "Lenalidomide for cutaneous lupus erythematosus",
        LENA_TEXT,
        [
            ("Lenalidomide", 0, "DRUG", "MESH:D000077269", "Lenalidomide", False),
            ("cutaneous lupus erythematosus", 0, "DISEASE", "MESH:D008178",
             "Lupus Erythematosus, Cutaneous", False),
            ("cutaneous lupus erythematosus", 1, "DISEASE", "MESH:D008178",
             "Lupus Erythematosus, Cutaneous", False),
            ("CLE", 0, "DISEASE", "MESH:D008178", "Lupus Erythematosus, Cutaneous", False),
            ("lenalidomide", 0, "DRUG", "MESH:D000077269", "Lenalidomide", False),
            ("polyneuropathy", 0, "DISEASE", "MESH:D011115", "Polyneuropathies", True),
            ("thrombosis", 0, "DISEASE", "MESH:D013927", "Thrombosis", True),
            ("IL-4", 0, "CYTOKINE", "HGNC:6014", "IL4", False),
            ("IL-13", 0, "CYTOKINE", "HGNC:5973", "IL13", False),
        ],
    ),
    "evil": (
        EVIL_TITLE,
        EVIL_TEXT,
        [
            ("Aldara", 0, "DRUG", "MESH:D000077271", "Imiquimod", False),
            ("imiquimod", 0, "DRUG", "MESH:D000077271", "Imiquimod", False),
            # no concept id: the report falls back to the (lower-cased) text -> markup in a chart
            (SCRIPT, 1, "DRUG", None, None, False),
            ("atopic dermatitis", 0, "DISEASE", "MESH:D003876", IMG, False),
            (IMG, 1, "DISEASE", None, None, True),
            ("IL-13", 0, "CYTOKINE", "HGNC:5973", "IL13", False),
        ],
    ),
    "plain": (None, PLAIN_TEXT, []),
}


def _find(text: str, surface: str, occurrence: int) -> int:
    pos = -1
    for _ in range(occurrence + 1):
        pos = text.find(surface, pos + 1)
        assert pos >= 0, (surface, occurrence)
    return pos


def _sentences(text: str) -> list[tuple[int, int]]:
    """Naive sentence offsets: split at newlines and at '. '."""
    spans = []
    start = 0
    i = 0
    while i < len(text):
        if text[i] == "\n" or (text[i] == "." and (i + 1 == len(text) or text[i + 1] == " ")):
            end = i if text[i] == "\n" else i + 1
            if end > start:
                spans.append((start, end))
            start = i + 1
            while start < len(text) and text[start] == " ":
                start += 1
            i = start
            continue
        i += 1
    if start < len(text):
        spans.append((start, len(text)))
    return spans


def _write(out: Path, table: str, rows: list[dict[str, Any]]) -> None:
    from pipeline.tables import TABLE_SCHEMAS

    folder = out / table
    folder.mkdir(parents=True, exist_ok=True)
    schema = TABLE_SCHEMAS[table]
    # two parts when there are enough rows, to exercise multi-part reads
    half = len(rows) // 2 if len(rows) > 3 else len(rows)
    chunks = [rows[:half], rows[half:]] if half < len(rows) else [rows]
    for n, chunk in enumerate(chunks):
        pq.write_table(pa.Table.from_pylist(chunk, schema=schema),
                       folder / f"part-fixture-{n:05d}.parquet")


def make_output(out: Path, *, skip: tuple[str, ...] = ()) -> Path:
    """Write the fixture tables (all but `skip`) and a manifest into `out`; return `out`."""
    import hashlib

    out.mkdir(parents=True, exist_ok=True)
    documents, sentences, mentions, outcomes = [], [], [], []
    for doc_id, (title, text, ments) in DOCS.items():
        sents = _sentences(text)
        documents.append({
            "doc_id": doc_id, "source": f"in/{doc_id}.txt", "format": "txt", "title": title,
            "text": text, "n_chars": len(text), "n_sentences": len(sents),
            "sha256": hashlib.sha256(text.encode()).hexdigest(), "meta": None,
            "language": "en",
        })
        for i, (s, e) in enumerate(sents):
            sentences.append({"doc_id": doc_id, "sent_idx": i, "section": None,
                              "start_char": s, "end_char": e, "text": text[s:e],
                              "language": "en"})
        placed = sorted(
            ((_find(text, surf, occ), surf, lab, cid, cname, neg)
             for surf, occ, lab, cid, cname, neg in ments),
        )
        for mid, (start, surf, lab, cid, cname, neg) in enumerate(placed):
            sent_idx = next(i for i, (s, e) in enumerate(sents) if s <= start < e)
            mentions.append({
                "doc_id": doc_id, "mention_id": mid, "sent_idx": sent_idx,
                "start_char": start, "end_char": start + len(surf), "text": surf,
                "label": lab, "concept_id": cid, "concept_name": cname,
                "source": "lexicon", "score": 0.9, "is_abbreviation": surf == "CLE",
                "long_form": "cutaneous lupus erythematosus" if surf == "CLE" else None,
                "negated": neg, "hypothetical": False, "uncertain": False,
                "assertion_cue": "neither" if neg else None,
            })
    figure = "Twelve of those patients (86%)"
    start = _find(LENA_TEXT, figure, 0)
    sent_idx = next(i for i, (s, e) in enumerate(_sentences(LENA_TEXT)) if s <= start < e)
    outcomes.append({
        "doc_id": "lena", "outcome_id": f"{sent_idx}:{start}", "sent_idx": sent_idx,
        "start_char": start, "end_char": start + len(figure), "text": figure,
        "measure": "complete_response",
        "value": 86.0, "unit": "percent", "numerator": 12, "denominator": 14,
        "drug_concept_id": "MESH:D000077269", "drug_text": "lenalidomide",
        "disease_concept_id": "MESH:D008178", "disease_text": "cutaneous lupus erythematosus",
        "negated": False,
    })
    figure = "Fifteen patients"
    start = _find(LENA_TEXT, figure, 0)
    outcomes.append({
        "doc_id": "lena", "outcome_id": f"1:{start}", "sent_idx": 1, "start_char": start,
        "end_char": start + len(figure), "text": figure, "measure": "enrollment",
        "value": 15.0, "unit": "count", "numerator": None, "denominator": None,
        "drug_concept_id": "MESH:D000077269", "drug_text": "lenalidomide",
        "disease_concept_id": "MESH:D008178", "disease_text": "cutaneous lupus erythematosus",
        "negated": False,
    })
    errors = [{
        "source": f"in/bad{SCRIPT}.jsonl", "location": "line 3", "doc_id": None,
        "stage": "ingest", "error": "bad_json", "message": f"malformed JSON {IMG}",
    }]
    for name, rows in (("documents", documents), ("sentences", sentences),
                       ("mentions", mentions), ("outcomes", outcomes), ("errors", errors)):
        if name not in skip:
            _write(out, name, rows)
    manifest = {
        "run_id": "fixture-run", "biotab_version": "0.1.0",
        "command": ["biotab", "run", f"in/{SCRIPT}"],
        "inputs": [{"path": "in/lena.txt", "sha256": "0" * 64}],
        "counts": {"documents": len(documents), "mentions": len(mentions)},
    }
    (out / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    return out


@dataclass
class _SeedsRun:
    """Per-session state, not a constant: the seeds' run made by the first `run_seeds` call."""

    out: Path | None = None


_seeds_run = _SeedsRun()


def run_seeds(tmp_path_factory: Any, seeds_dir: Path) -> Path:
    """A real `biotab run` of the seeds, done once per test session (shared by test modules)."""
    import shutil
    import subprocess
    import sys

    if _seeds_run.out is not None:
        return _seeds_run.out
    from pipeline.cli import app

    # a renamed command must fail every test built on this fixture, not skip them
    assert "run" in {c.name for c in app.registered_commands}, "`biotab run` is missing"
    biotab = shutil.which("biotab") or str(Path(sys.executable).parent / "biotab")
    out = tmp_path_factory.mktemp("seeds") / "out"
    subprocess.run([biotab, "run", str(seeds_dir), "--out", str(out)], check=True,
                   capture_output=True)
    _seeds_run.out = out
    return out
