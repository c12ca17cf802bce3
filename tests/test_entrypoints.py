"""biotab's spaCy components are registered through `spacy_factories` entry points, so
`nlp.add_pipe("biotab_outcomes")` works in anyone's spaCy pipeline once biotab is installed.

spaCy 3.8 imports every `spacy_factories` entry point when a `Language` is created (it calls
`registry._entry_point_factories.get_all()`), so one entry point whose module does not import
breaks `spacy.blank()` for every user of the environment: every entry point must load.
"""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from importlib.metadata import entry_points
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


def declared() -> dict[str, str]:
    data = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    result: dict[str, str] = data["project"]["entry-points"]["spacy_factories"]
    return result


def installed() -> dict[str, str]:
    return {ep.name: ep.value for ep in entry_points(group="spacy_factories")
            if ep.name.startswith("biotab_")}


def test_pyproject_declares_a_factory_per_component_module() -> None:
    eps = declared()
    modules = sorted(p.stem for p in (REPO / "pipeline" / "components").glob("*.py")
                     if p.stem != "__init__")
    for module in modules:
        source = (REPO / "pipeline" / "components" / f"{module}.py").read_text(encoding="utf-8")
        for name in re.findall(r'@Language\.factory\(\s*"(biotab_\w+)"', source):
            assert name in eps, f"{name} (pipeline/components/{module}.py) has no entry point"
    for name, value in eps.items():
        assert name.startswith("biotab_")
        noun = name.removeprefix("biotab_")
        assert value == f"pipeline.components.{noun}:make_{noun}", (name, value)
        assert (REPO / "pipeline" / "components" / f"{noun}.py").exists(), (
            f"{name} points at a module that does not exist: spacy.blank() would fail"
        )


def test_entry_points_are_installed() -> None:
    assert installed() == declared(), (
        "installed entry points differ from pyproject.toml: run pip install -e '.[dev]'"
    )


@pytest.mark.parametrize("name", sorted(declared()))
def test_entry_point_loads_the_factory(name: str) -> None:
    from spacy.language import Language

    (ep,) = [ep for ep in entry_points(group="spacy_factories") if ep.name == name]
    factory = ep.load()
    assert callable(factory)
    assert Language.has_factory(name)


ADD_PIPE = """
import sys
import spacy

assert not any(m == "pipeline" or m.startswith("pipeline.") for m in sys.modules)
nlp = spacy.blank("en")
nlp.add_pipe("sentencizer")
nlp.add_pipe("biotab_sections")
nlp.add_pipe("biotab_outcomes")
assert nlp.pipe_names == ["sentencizer", "biotab_sections", "biotab_outcomes"], nlp.pipe_names
doc = nlp("Results: Twelve of those patients (86%) achieved complete response.")
assert isinstance(doc._.outcomes, list), doc._.outcomes
print("measures:", sorted({row["measure"] for row in doc._.outcomes}))
"""


def test_add_pipe_on_a_blank_pipeline_through_the_entry_point() -> None:
    """A fresh interpreter that never imports biotab itself: spaCy finds the factories."""
    proc = subprocess.run(
        [sys.executable, "-c", ADD_PIPE], capture_output=True, text=True, cwd="/"
    )
    assert proc.returncode == 0, proc.stderr
    assert "complete_response" in proc.stdout
