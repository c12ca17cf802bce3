"""Shared fixtures: the seeds folder, a blank English pipeline with scispacy's tokenizer, the
full pipelines, and biotab_assertion on the blank one."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from spacy.language import Language

if TYPE_CHECKING:
    from pipeline.components.assertion import ContextAssertion

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


@pytest.fixture(scope="session")
def outcomes_nlp() -> Language:
    """English, scispacy tokenizer, pysbd sentences and `biotab_outcomes` alone: sentences in,
    outcome rows out."""
    import scispacy.custom_sentence_segmenter  # noqa: F401  (registers pysbd_sentencizer)

    from pipeline.nlp import blank_nlp

    nlp = blank_nlp()
    nlp.add_pipe("pysbd_sentencizer")
    nlp.add_pipe("biotab_outcomes")
    return nlp


@pytest.fixture(scope="module")
def assertion(blank: Language) -> ContextAssertion:
    """biotab_assertion with its packaged rules, on `blank`'s vocab."""
    from pipeline.components.assertion import ContextAssertion

    return ContextAssertion(blank, "biotab_assertion")
