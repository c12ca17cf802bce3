"""The trained model's folder: `export_model` copies a training run's `model-best` into a slim
pipeline folder (tok2vec + ner, the tokenizer rules), and `check_output` says whether a folder
may be written: a new or empty one, or a model biotab wrote (`is_biotab_model`: its meta.json
names `biotab_ner`), whose pipeline sub-folders are replaced. Any other folder is refused
(`OutputFolderError`): a run never deletes what it did not write."""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path

from pipeline.paths import NER_MODEL_NAME

#: The components a trained pipeline folder keeps.
MODEL_PIPES = ("biotab_lexicon", "tok2vec", "ner")


class OutputFolderError(ValueError):
    """The output folder holds something other than a model biotab wrote."""


def is_biotab_model(folder: Path) -> bool:
    """Whether `folder` is a pipeline folder `export_model` wrote: its meta.json is a JSON
    object whose "name" is NER_MODEL_NAME."""
    try:
        meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(meta, dict) and meta.get("name") == NER_MODEL_NAME


def check_output(output: str | Path) -> None:
    """Raise OutputFolderError unless a model may be written to `output`: a path that does
    not exist, an empty folder, or a model biotab wrote (which is replaced)."""
    output = Path(output)
    if not output.exists():
        _check_writable(output)
        return
    if not output.is_dir():
        raise OutputFolderError(f"--output {output} is a file, not a folder")
    try:
        empty = next(output.iterdir(), None) is None
    except OSError as exc:
        raise OutputFolderError(f"--output {output} cannot be listed ({exc})") from None
    if not empty and not is_biotab_model(output):
        raise OutputFolderError(
            f"--output {output} is not empty and is not a model biotab wrote (no meta.json "
            f"naming {NER_MODEL_NAME}); training would replace its vocab/, tokenizer/, ner/ and "
            "other pipeline sub-folders: give a new or empty folder")
    _check_writable(output)


def _check_writable(output: Path) -> None:
    """OutputFolderError unless a folder can be made in `output`, else in its nearest existing
    parent (a read-only mount, a folder of the system's): found before training, not after."""
    place = next(p for p in (output, *output.absolute().parents) if p.exists())
    try:
        with tempfile.TemporaryDirectory(dir=place):
            pass
    except OSError as exc:
        raise OutputFolderError(
            f"--output {output} cannot be written ({place}: {exc.strerror or exc})") from None


def export_model(model_path: str | Path, output: str | Path) -> Path:
    """Copy a trained pipeline into a slim folder: tok2vec + ner, scispacy tokenizer rules.

    A `biotab_lexicon` whose token tags the model embeds is kept with its patterns.

    The optimizer averages are already applied by spaCy when it saves `model-best`.
    Anything else in the folder (training logs, model cards) is left untouched; the
    pipeline sub-folders are replaced, so `output` must pass `check_output` (else
    OutputFolderError, before anything is touched).
    """
    check_output(output)
    import spacy

    from pipeline.nlp import register_components
    from pipeline.tokenizer import BiotabTokenizer

    register_components()  # and the training tokenizer, for checkpoints of the training run
    nlp = spacy.load(model_path)
    for name in list(nlp.pipe_names):
        if name not in MODEL_PIPES:
            nlp.remove_pipe(name)
    if not isinstance(nlp.tokenizer, BiotabTokenizer):  # a model trained on scispacy's tokens
        from scispacy.custom_tokenizer import combined_rule_tokenizer

        nlp.tokenizer = combined_rule_tokenizer(nlp)
    nlp.meta["name"] = NER_MODEL_NAME
    nlp.meta["version"] = "0.1.0"
    nlp.meta["description"] = (
        "biotab DRUG/DISEASE NER (CNN tok2vec + transition NER) trained on BC5CDR"
        " (and NCBI-disease, see MODEL_CARD.md)."
    )
    nlp.meta["license"] = "CC BY 4.0 (training data)"
    nlp.meta.pop("performance", None)
    output = Path(output)
    output.mkdir(parents=True, exist_ok=True)
    for sub in (*MODEL_PIPES, "vocab", "tokenizer", "config.cfg", "meta.json"):
        target = output / sub
        if target.is_dir():
            shutil.rmtree(target)
        elif target.exists():
            target.unlink()
    nlp.to_disk(output)
    # the training DocBin paths (temporary files) are meaningless in the shipped config
    from thinc.api import Config

    cfg = Config().from_disk(output / "config.cfg", interpolate=False)
    for key in ("train", "dev"):
        cfg["paths"][key] = None
    if not isinstance(nlp.tokenizer, BiotabTokenizer):
        # the tokenizer folder holds scispacy's rules: the plain tokenizer loads them
        cfg["nlp"]["tokenizer"] = {"@tokenizers": "spacy.Tokenizer.v1"}
    cfg.to_disk(output / "config.cfg")
    return output
