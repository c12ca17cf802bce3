"""Assembling biotab's spaCy pipeline (see docs/DESIGN.md for the component order)."""

from __future__ import annotations

import logging
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any, cast

import spacy
from scispacy import custom_sentence_segmenter as _segmenter  # noqa: F401  (pysbd_sentencizer)
from scispacy.custom_tokenizer import combined_rule_tokenizer
from spacy.language import Language
from spacy.tokenizer import Tokenizer
from spacy.util import registry
from thinc.api import Model, NumpyOps

from pipeline import extensions as _extensions  # noqa: F401
from pipeline import tokenizer as _tokenizer  # noqa: F401  (registers biotab.tokenizer.v1)
from pipeline.collector import collector_paused
from pipeline.components.abbreviations import BoundedAbbreviationDetector
from pipeline.kb import KnowledgeBase
from pipeline.kb.classes import CHEMICAL_STRUCTURE_BRANCHES
from pipeline.paths import ner_model_dir

log = logging.getLogger(__name__)

# Every biotab factory; importing the module registers it.
COMPONENT_MODULES = (
    "abbreviations",
    "sentences",
    "sections",
    "language",
    "design",
    "lexicon",
    "ner",
    "fuzzy",
    "fusion",
    "cytokines",
    "mention_filter",
    "linker",
    "gene_mentions",
    "assertion",
    "outcomes",
)




def register_components() -> None:
    """Import every component module so that its `biotab_*` factory is registered."""
    import importlib

    for module in COMPONENT_MODULES:
        importlib.import_module(f"pipeline.components.{module}")


def scispacy_tokenizer(nlp: Language) -> None:
    """Install scispacy's combined_rule_tokenizer on `nlp`.

    scispacy's builder reads only `nlp.tokenizer.token_match`. When `nlp` has no spaCy
    tokenizer yet (a config building it, or biotab's own), a bare `Tokenizer` carrying the
    language's (English has none) is put there first: spaCy's default English tokenizer (its
    special cases and affix regexes, about 0.05 s of every start-up) was built for that alone.
    A spaCy tokenizer already there keeps its `token_match` (a user's pipeline)."""
    if not isinstance(getattr(nlp, "tokenizer", None), Tokenizer):
        nlp.tokenizer = Tokenizer(nlp.vocab, token_match=nlp.Defaults.token_match)
    # scispacy's infix regex triggers a FutureWarning from `re` on every compile; it is
    # harmless and only this call is silenced.
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", category=FutureWarning, message="Possible set")
        nlp.tokenizer = combined_rule_tokenizer(nlp)


@registry.tokenizers("biotab.scispacy_tokenizer.v1")
def create_scispacy_tokenizer() -> Callable[[Language], Tokenizer]:
    """Config-file access to scispacy's tokenizer, for training on the runtime tokens."""

    def make(nlp: Language) -> Tokenizer:
        scispacy_tokenizer(nlp)
        return nlp.tokenizer

    return make


def add_abbreviation_detector(nlp: Language, **add_pipe: Any) -> BoundedAbbreviationDetector:
    """Add `biotab_abbreviations` (scispacy's detector in linear time; `add_pipe` keywords:
    where)."""
    register_components()
    return cast(BoundedAbbreviationDetector, nlp.add_pipe("biotab_abbreviations", **add_pipe))


def use_numpy_matmul(nlp: Language) -> None:
    """Let the pipeline's neural layers multiply matrices with numpy (its BLAS) instead of blis.

    thinc's CPU ops call blis for every dense layer; on the machines measured here (AVX-512)
    numpy's OpenBLAS did the same float32 products about 3x faster, which made `tok2vec` 2.2x
    faster with the same entities (`benchmarks/run_speed.py`, models/biotab_ner/MODEL_CARD.md).
    Only this pipeline's models change; thinc's current ops, which other code may use, do not.
    BLAS threads are limited per worker in `pipeline/runner/threads.py`.
    """
    ops = NumpyOps(use_blis=False)
    for _name, pipe in nlp.pipeline:
        model = getattr(pipe, "model", None)
        if isinstance(model, Model):
            for node in model.walk():
                node.ops = ops


#: One sentence through the whole pipeline after the components' own `warm_up`.
WARM_UP_TEXT = "Warm-up: components that load lazily do it now, not in the first shard."


def warm_up(nlp: Language) -> None:
    """Load now what components load lazily (the KB, its index, the lexicon's index, the fuzzy
    names), so that the first document is not slow: each component's `warm_up()` when it has
    one, then `WARM_UP_TEXT` through the pipeline (the garbage collector paused:
    `collector_paused`)."""
    with collector_paused():
        for _name, pipe in nlp.pipeline:
            hook = getattr(pipe, "warm_up", None)
            if callable(hook):
                hook()
        nlp(WARM_UP_TEXT)


def blank_nlp() -> Language:
    """English with biotab's tokenizer (scispacy's + compound splits) and no components."""
    from pipeline.tokenizer import install_tokenizer

    # biotab's tokenizer from the config: spaCy's default one is never built
    nlp = spacy.blank("en", config={"nlp": {"tokenizer": {"@tokenizers": "biotab.tokenizer.v1"}}})
    install_tokenizer(nlp)
    return nlp


def build_nlp(
    *,
    model: Path | str | None = "auto",
    kb_path: Path | None = None,
    outcomes: bool = True,
    assertion: bool = True,
) -> Language:
    """The full tagging pipeline.

    `model="auto"` uses the committed model in `models/biotab_ner` when present; `None` runs on
    lexicons alone; a path loads that spaCy pipeline's `tok2vec` + `ner`. The garbage
    collector is paused meanwhile (`collector_paused`).
    """
    with collector_paused():
        register_components()
        # the KB loads in a thread (mostly outside the GIL) while the model and components build
        kb_loading = KnowledgeBase.prefetch(kb_path)
        try:
            return _build(model, kb_path, outcomes=outcomes, assertion=assertion)
        finally:
            kb_loading.join()  # no thread of ours outlives the build (a driver may fork next)


def _build(model: Path | str | None, kb_path: Path | None, *, outcomes: bool,
           assertion: bool) -> Language:
    """`build_nlp`'s pipeline, the KB prefetch aside."""
    model_dir: Path | None
    if model == "auto":
        model_dir = ner_model_dir() if (ner_model_dir() / "config.cfg").exists() else None
    else:
        model_dir = Path(model) if model is not None else None
    if model_dir is not None:
        # The saved tokenizer is not loaded through the config (compiling scispacy's regexes
        # twice cost every worker half a second): biotab's is installed with the compound rules
        # and names the model was trained with (a model saved before them has none: defaults).
        from pipeline.tokenizer import install_tokenizer

        nlp = spacy.load(
            model_dir, exclude=["senter", "parser", "tagger", "lemmatizer", "tokenizer"]
        )
        install_tokenizer(nlp, model_dir / "tokenizer")
        use_numpy_matmul(nlp)
        model_pipes = list(nlp.pipe_names)
        log.debug("model %s with %s", model_dir, model_pipes)
    else:
        nlp = blank_nlp()
        model_pipes = []
    first = model_pipes[0] if model_pipes else None
    nlp.add_pipe("biotab_sentences", before=first)
    nlp.add_pipe("biotab_sections", after="biotab_sentences")
    nlp.add_pipe("biotab_language", after="biotab_sections")
    nlp.add_pipe("biotab_design", after="biotab_language")
    kb_cfg = {"kb_path": str(kb_path)} if kb_path else {}
    lexicon_cfg: dict[str, object] = (
        {"patterns_path": str(kb_path / "patterns.jsonl.gz")} if kb_path else {}
    )
    if "biotab_lexicon" in model_pipes:
        # The model embeds the lexicon's token tags: it carries its own copy of the patterns
        # it was trained with, replaced only when a different KB is asked for.
        if kb_path:
            nlp.replace_pipe(
                "biotab_lexicon", "biotab_lexicon", config={**lexicon_cfg, "token_tags": True}
            )
    else:
        nlp.add_pipe("biotab_lexicon", config=lexicon_cfg)
    add_abbreviation_detector(nlp)
    nlp.add_pipe("biotab_fuzzy", config={**kb_cfg, "skip_ents": False})
    # A model that embeds the lexicon's matches has seen them all: of the drug names it
    # declined only chemical structures are added back, and long forms it did not tag are not
    # looked up (fusion rules 3 and 4; measured on BC5CDR devel, models/biotab_ner/MODEL_CARD.md).
    lexicon_aware = "biotab_lexicon" in model_pipes
    branches = list(CHEMICAL_STRUCTURE_BRANCHES) if lexicon_aware else None
    nlp.add_pipe(
        "biotab_fusion",
        config={"lexicon_only_drug_branches": branches, "lookup_long_forms": not lexicon_aware,
                **kb_cfg},
    )
    nlp.add_pipe("biotab_cytokines", config=kb_cfg)
    nlp.add_pipe("biotab_mention_filter")
    nlp.add_pipe("biotab_linker", config=kb_cfg)
    nlp.add_pipe("biotab_gene_mentions", config=kb_cfg)
    if assertion:
        nlp.add_pipe("biotab_assertion")
    if outcomes:
        nlp.add_pipe("biotab_outcomes")
    return nlp
