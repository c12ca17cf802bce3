"""The pipeline's neural layers multiply with numpy instead of blis, with the same results."""

from __future__ import annotations

from pathlib import Path

import numpy
import pytest
import spacy
from spacy.language import Language
from thinc.api import NumpyOps

from pipeline.nlp import use_numpy_matmul
from pipeline.paths import ner_model_dir

MODEL = ner_model_dir()
pytestmark = pytest.mark.skipif(not (MODEL / "config.cfg").exists(), reason="no trained model")


def _load() -> Language:
    return spacy.load(MODEL, exclude=["tokenizer"])


def test_build_nlp_switches_every_layer(full_nlp: Language) -> None:
    nodes = [n for name in ("tok2vec", "ner") for n in full_nlp.get_pipe(name).model.walk()]
    assert nodes
    assert all(isinstance(n.ops, NumpyOps) and not n.ops.use_blis for n in nodes)


def test_same_vectors_and_entities_as_blis(seeds_dir: Path) -> None:
    texts = [p.read_text(encoding="utf-8") for p in sorted(seeds_dir.glob("*.txt"))]
    assert texts
    blis, fast = _load(), _load()
    use_numpy_matmul(fast)
    assert all(n.ops.use_blis for n in blis.get_pipe("tok2vec").model.walk())
    a = list(blis.pipe(texts))
    b = list(fast.pipe(texts))
    for x, y in zip(a, b, strict=True):
        assert numpy.allclose(x.tensor, y.tensor, atol=1e-4)
        assert [(e.start, e.end, e.label_) for e in x.ents] == [
            (e.start, e.end, e.label_) for e in y.ents
        ]
    assert any(d.ents for d in b)
