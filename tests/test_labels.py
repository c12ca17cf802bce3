"""pipeline.labels is the one source of the entity labels: the KB loader, the mentions schema
docs and every module agree with it, and no module writes a label string itself."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from pipeline import labels
from pipeline.kb import pattern_problem
from pipeline.tag import MENTIONS_SCHEMA

ROOT = Path(__file__).resolve().parent.parent
# Double-quoted labels are code; single-quoted ones are SQL examples in the data dictionary.
QUOTED = re.compile("|".join(f'"{label}"' for label in labels.LABELS))


def test_kb_loader_accepts_every_label_and_only_those() -> None:
    for label in labels.LABELS:
        assert pattern_problem({"label": label, "pattern": "aspirin", "id": "MESH:D001241"}) is None
    problem = pattern_problem({"label": "GENE", "pattern": "aspirin", "id": "MESH:D001241"})
    assert problem is not None and "'label'" in problem


def test_subsets_are_labels() -> None:
    assert set(labels.LINKED) <= set(labels.LABELS)
    assert set(labels.MODEL) <= set(labels.LABELS)
    assert len(set(labels.LABELS)) == len(labels.LABELS)


def test_mentions_schema_docs_name_every_label() -> None:
    meta = MENTIONS_SCHEMA.field("label").metadata
    description = meta[b"description"].decode()
    label_row = next(
        line for line in (ROOT / "docs" / "tables.md").read_text().splitlines()
        if line.startswith("| `label` |")
    )
    for label in labels.LABELS:
        assert label in description
        assert label in label_row


def test_no_module_writes_a_label_string() -> None:
    found = [
        f"{path.relative_to(ROOT)}:{n}"
        for path in sorted((ROOT / "pipeline").rglob("*.py"))
        if path.name != "labels.py"
        for n, line in enumerate(path.read_text().splitlines(), 1)
        if QUOTED.search(line)
    ]
    assert found == []


def test_labels_module_is_light() -> None:
    code = "import sys, pipeline.labels; print(sorted({'spacy', 'pyarrow'} & set(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
