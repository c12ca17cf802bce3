"""`--engine dask` on a 2-worker LocalCluster gives the same tables as the local engine."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.run import run

pytest.importorskip("distributed")

from helpers import nlp_factory, read_tables

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


#: The pipeline `biotab run` uses by default (the trained model when models/biotab_ner exists).
NLP_FACTORY = nlp_factory()


def test_dask_local_cluster_equals_local_engine(tmp_path: Path) -> None:
    inp = tmp_path / "in"
    inp.mkdir()
    lines = [json.dumps({"id": f"j{i}", "text": f"Patient {i} got rituximab for "
                         "dermatomyositis; IL-13 and IL-4 fell after dupilumab."})
             for i in range(30)]
    lines.insert(7, "{not json")
    (inp / "records.jsonl").write_text("\n".join(lines) + "\n")
    inputs = [SEEDS, inp, tmp_path / "missing.txt"]

    local = run(inputs, tmp_path / "local", workers=1, quiet=True, block_size=10,
                nlp_factory=NLP_FACTORY)
    dask = run(inputs, tmp_path / "dask", engine="dask", workers=2, quiet=True, block_size=10,
               nlp_factory=NLP_FACTORY)

    assert dask.status == local.status == "complete"
    assert dask.engine == "dask" and dask.shards_total == 5 + 4 + 1
    assert dask.counts == local.counts and local.documents == 35 and local.errors == 2
    assert read_tables(tmp_path / "dask") == read_tables(tmp_path / "local")
    manifest = json.loads((tmp_path / "dask" / "manifest.json").read_text())
    assert manifest["engine"] == "dask" and manifest["status"] == "complete"
    workers = {json.loads(f.read_text())["worker"]
               for f in (tmp_path / "dask" / "_shards").glob("*.json")}
    assert len(workers) >= 1
