"""Every biotab component declares what it reads and writes (`assigns`, `requires` in
`Language.factory`), so that `nlp.analyze_pipes()` checks a pipeline's order."""

from __future__ import annotations

import pytest
from spacy.language import Language

from pipeline.nlp import blank_nlp, build_nlp, register_components


def _biotab_factories() -> list[str]:
    register_components()
    return sorted(name for name in Language.factories if name.startswith("biotab_"))


def test_every_biotab_component_declares_what_it_writes() -> None:
    names = _biotab_factories()
    assert len(names) >= 12
    for name in names:
        meta = Language.get_factory_meta(name)
        assert meta.assigns, f"{name} declares no assigns"


@pytest.mark.parametrize("model", ["auto", None])
def test_biotab_pipelines_have_no_order_problems(full_nlp: Language, model: str | None) -> None:
    nlp = full_nlp if model == "auto" else build_nlp(model=None)
    problems = nlp.analyze_pipes(pretty=False)["problems"]
    assert problems and not any(problems.values()), problems


def test_a_component_before_what_it_reads_is_reported() -> None:
    """Sections and outcomes without the sentence splitter before them: each is
    named with the attribute it lacks."""
    nlp = blank_nlp()
    for name in ("biotab_sections", "biotab_outcomes"):
        nlp.add_pipe(name)
    problems = nlp.analyze_pipes(pretty=False)["problems"]
    assert problems["biotab_sections"] == ["token.is_sent_start"]
    assert problems["biotab_outcomes"] == ["token.is_sent_start"]
    nlp.add_pipe("biotab_sentences", first=True)
    assert not any(nlp.analyze_pipes(pretty=False)["problems"].values())
