"""Every filesystem location biotab knows about, in one place.

The repository layout puts the trained model, the knowledge base and their cards in `models/`
next to the package. An installed (non-editable) biotab finds them through `BIOTAB_MODELS`.
"""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
RULES_DIR = PACKAGE_DIR / "rules"
REPO_DIR = PACKAGE_DIR.parent


def models_dir() -> Path:
    """Folder holding `kb/`, the trained NER model and `configs/`."""
    override = os.environ.get("BIOTAB_MODELS")
    return Path(override) if override else REPO_DIR / "models"


def kb_dir() -> Path:
    return models_dir() / "kb"


NER_MODEL_NAME = "biotab_ner"


def ner_model_dir() -> Path:
    return models_dir() / NER_MODEL_NAME


def trained_ner_model() -> Path:
    """`ner_model_dir()`, checked: a FileNotFoundError naming the folder when it holds no spaCy
    pipeline (no `config.cfg`). What a command without `--no-model` tags with: there
    `build_nlp(model="auto")` would run on the lexicons alone, silently, with lower recall."""
    folder = ner_model_dir()
    if not (folder / "config.cfg").is_file():
        where = "$BIOTAB_MODELS" if os.environ.get("BIOTAB_MODELS") else "models/"
        raise FileNotFoundError(
            f"no trained NER model at {folder} ({NER_MODEL_NAME}/config.cfg under {where} is "
            "missing): restore it, or give --no-model to tag with the lexicons only")
    return folder


def configs_dir() -> Path:
    return models_dir() / "configs"


DEFAULT_OUTPUT = Path("outputs")
DEFAULT_CORPORA = REPO_DIR.parent / "shared" / "corpora"


def rule_file(name: str) -> Path:
    """A rules/patterns data file shipped inside the package (`pipeline/rules/<name>`)."""
    return RULES_DIR / name
