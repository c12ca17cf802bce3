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


def test_factory_defaults_are_the_components_own() -> None:
    """A setting's default is one fact: where a component class has a default of its own for a
    factory setting, it is the factory's (both read the module's constant)."""
    import inspect

    checked = 0
    for name in _biotab_factories():
        meta = Language.get_factory_meta(name)
        factory = Language.factories[name]
        cls = getattr(inspect.getmodule(factory), str(inspect.signature(factory).return_annotation))
        params = inspect.signature(cls.__init__).parameters
        for key, value in (meta.default_config or {}).items():
            param = params.get(key)
            # (a class default of None stands for "the built-in one": not compared)
            if param is not None and param.default not in (inspect.Parameter.empty, None):
                default = list(param.default) if isinstance(param.default, tuple) else param.default
                assert default == value, (name, key, param.default, value)
                checked += 1
    assert checked >= 20
