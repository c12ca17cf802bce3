"""Shared fixtures: the seeds folder and a blank English pipeline with scispacy's tokenizer."""

from __future__ import annotations

from pathlib import Path

import pytest
from spacy.language import Language

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "seeds"
DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    return SEEDS


@pytest.fixture(scope="session")
def blank() -> Language:
    """English, scispacy tokenizer, pysbd sentences: for hand-built Docs."""
    from pipeline.nlp import blank_nlp

    nlp = blank_nlp()
    nlp.add_pipe("pysbd_sentencizer")
    return nlp


@pytest.fixture(scope="session")
def full_nlp() -> Language:
    """The whole pipeline as `biotab run` builds it (committed model + KB)."""
    from pipeline.nlp import build_nlp

    return build_nlp()
