"""Training the biotab NER model (`biotab train`).

1. `convert_corpora` turns the corpora (BC5CDR as raw-text PubTator abstracts by default, or
   its IOB files; NCBI-disease IOB; `Chemical` -> DRUG, `Disease` -> DISEASE) into spaCy
   DocBins tokenized with the runtime tokenizer (`pipeline.tokenizer`), see `pipeline.iob`.
2. `train` runs spaCy's own training (`spacy.cli.train.train`) with a config from
   `models/configs/`, then `export_model` copies `model-best` into a slim pipeline folder
   (tok2vec + ner, scispacy tokenizer rules, no training artefacts).

NCBI-disease (optional, `include_ncbi=True`; off by default because it lowered BC5CDR devel F1 in
our runs, see models/biotab_ner/MODEL_CARD.md) annotates diseases only, so its chemicals are
unannotated. Its tokens outside a Disease mention are therefore marked O only when they cannot
be (part of) a chemical name: tokens seen inside a BC5CDR Chemical mention (and not mostly O
there) or looking like a chemical name are marked *missing* so the model is never taught that a
chemical is O.
"""

from __future__ import annotations

import json
import logging
import re
import shutil
import tempfile
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline import iob
from pipeline.labels import DISEASE, MODEL
from pipeline.paths import DEFAULT_CORPORA, configs_dir, ner_model_dir

if TYPE_CHECKING:
    from spacy.tokens import Doc

logger = logging.getLogger(__name__)

DEFAULT_CONFIG_NAME = "biotab_ner.cfg"
#: The components a trained pipeline folder keeps.
MODEL_PIPES = ("biotab_lexicon", "tok2vec", "ner")
LABELS = MODEL

#: Sentences per training document for BC5CDR / NCBI (abstract boundaries are not marked).
SENTENCES_PER_DOC = 10

_CHEMICAL_LIKE = re.compile(
    r"(?:\d.*[a-z]|[a-z].*\d)"  # mixed letters and digits (5-FU, L-NAME, cisplatin2)
    r"|(?:ine|ide|ate|ole|one|ol|in|an|yl|ium|mab|nib|vir|cycline|mycin|azole|pril|sartan|olol|statin|"
    r"ase|gen|ene|oid|acid|ose|amine|ane)s?$",
    re.IGNORECASE,
)


def default_config() -> Path:
    return configs_dir() / DEFAULT_CONFIG_NAME


def _find(corpora_dir: Path, corpus: str, split: str) -> Path | None:
    folder = corpora_dir / corpus
    if not folder.is_dir():
        return None
    for pattern in (f"{split}.tsv", f"{split}*.tsv", f"{split}*.iob", f"{split}*.txt", f"{split}*"):
        hits = sorted(p for p in folder.glob(pattern) if p.suffix != ".pubtator")
        if hits:
            return hits[0]
    return None


def pubtator_files(corpora_dir: Path) -> dict[str, Path]:
    """`bc5cdr/train` and `bc5cdr/devel` -> `bc5cdr/{train,devel}.pubtator`, those that exist."""
    found = {}
    for split in ("train", "devel"):
        path = corpora_dir / "bc5cdr" / f"{split}.pubtator"
        if path.is_file():
            found[f"bc5cdr/{split}"] = path
    return found


def pubtator_documents(path: Path) -> list[iob.IOBDocument]:
    """Raw-text abstracts (title + abstract) with their gold DRUG/DISEASE offsets."""
    from pipeline.evaluate import read_pubtator_gold

    return [
        iob.IOBDocument(
            doc.text,
            [(m.start, m.end, m.label) for m in doc.mentions],
            doc_id=f"{path.stem}:{doc.doc_id}",
        )
        for doc in read_pubtator_gold(path)
    ]


def corpus_files(corpora_dir: Path) -> dict[str, Path]:
    """Map `bc5cdr/train`, `bc5cdr/devel`, `ncbi-disease/train`, ... to the files that exist.

    A folder with IOB files directly inside (no corpus sub-folders) is read as BC5CDR-style
    data: `train*` files are training data, `devel*`/`dev*` files are development data (when there
    is no devel file the training file doubles as the dev set, useful for tiny test runs).
    """
    found: dict[str, Path] = {}
    for corpus in ("bc5cdr", "ncbi-disease"):
        for split in ("train", "devel"):
            hit = _find(corpora_dir, corpus, split)
            if hit:
                found[f"{corpus}/{split}"] = hit
    if not found and corpora_dir.is_dir():
        files = sorted(
            p
            for p in corpora_dir.iterdir()
            if p.is_file() and p.suffix in {".tsv", ".iob", ".txt", ".conll"}
        )
        train = [p for p in files if p.name.startswith("train")] or files[:1]
        dev = [p for p in files if p.name.startswith("dev")]
        if train:
            found["bc5cdr/train"] = train[0]
            found["bc5cdr/devel"] = dev[0] if dev else train[0]
    return found


def chemical_vocabulary(sentences: Iterable[iob.IOBSentence]) -> set[str]:
    """Lower-cased tokens that appear inside Chemical mentions more often than as O."""
    in_chem: Counter[str] = Counter()
    as_o: Counter[str] = Counter()
    for sent in sentences:
        for tok, tag in zip(sent.tokens, sent.tags, strict=True):
            low = tok.lower()
            if tag.endswith("-Chemical"):
                in_chem[low] += 1
            elif tag == "O":
                as_o[low] += 1
    return {t for t, n in in_chem.items() if n >= as_o.get(t, 0) and any(c.isalnum() for c in t)}


def _maybe_chemical(token: str, chem_vocab: set[str]) -> bool:
    low = token.lower()
    if low in chem_vocab:
        return True
    return len(low) >= 5 and bool(_CHEMICAL_LIKE.search(low))


def disease_only_documents(
    sentences: Sequence[iob.IOBSentence],
    chem_vocab: set[str],
    per_doc: int,
    doc_prefix: str,
    o_as_outside: bool = True,
) -> list[iob.IOBDocument]:
    """NCBI-style documents: only DISEASE is annotated; chemical-looking O tokens are missing."""
    docs: list[iob.IOBDocument] = []
    groups = iob.group_sentences(sentences, per_doc, iob.LABEL_MAP, doc_prefix=doc_prefix)
    starts = range(0, len(sentences), max(1, per_doc))
    for item, start in zip(groups, starts, strict=True):
        outside: list[tuple[int, int]] = []
        offset = 0
        for sent in sentences[start : start + per_doc]:
            for tok, tag in zip(sent.tokens, sent.tags, strict=True):
                if o_as_outside and tag == "O" and not _maybe_chemical(tok, chem_vocab):
                    outside.append((offset, offset + len(tok)))
                offset += len(tok) + 1
        item.entities = [e for e in item.entities if e[2] == DISEASE]
        item.partial_labels = frozenset({DISEASE})
        item.outside_spans = outside
        docs.append(item)
    return docs


def convert_corpora(
    corpora_dir: str | Path = DEFAULT_CORPORA,
    out_dir: str | Path = "corpus",
    *,
    use_devel_for_training: bool = False,
    include_ncbi: bool = False,
    ncbi_o_as_outside: bool = True,
    per_doc: int = SENTENCES_PER_DOC,
    source: str = "pubtator",
) -> dict[str, Path]:
    """Convert the corpora to `train.spacy` and `dev.spacy` (BC5CDR devel) in `out_dir`.

    `source="pubtator"` (the default when `bc5cdr/{train,devel}.pubtator` exist) reads BC5CDR as
    raw abstracts with character offsets, one document per abstract, tokenized by the runtime
    tokenizer: gold mentions that do not start and end on a token boundary are counted in
    `conversion.json` (`misaligned`) and expanded to whole tokens. `source="iob"` reads the IOB
    files (text = tokens joined by spaces, `per_doc` sentences per document).
    NCBI-disease (`include_ncbi`) is always read from its IOB files.
    Returns {"train": path, "dev": path}. Writes `conversion.json` with per-file statistics.
    """
    corpora_dir, out_dir = Path(corpora_dir), Path(out_dir)
    files = corpus_files(corpora_dir)
    raw = pubtator_files(corpora_dir) if source == "pubtator" else {}
    if source not in ("pubtator", "iob"):
        raise ValueError(f"source is {source!r}: expected 'pubtator' or 'iob'")
    if "bc5cdr/train" not in files:
        raise FileNotFoundError(
            f"no training IOB file under {corpora_dir} (expected bc5cdr/train.tsv or train*.tsv)"
        )
    nlp = iob.runtime_tokenizer_nlp()
    out_dir.mkdir(parents=True, exist_ok=True)
    report: dict[str, dict] = {}
    train_docs: list[Doc] = []
    dev_docs: list[Doc] = []

    bc_train = iob.read_iob(files["bc5cdr/train"])
    chem_vocab = chemical_vocabulary(bc_train)

    def add(name: str, items: list[iob.IOBDocument], target: list, n_sent: int) -> None:
        stats = iob.ConversionStats(sentences=n_sent)
        target.extend(iob.to_docs(nlp, items, stats))
        stats.log(name)
        report[name] = {
            "file": str(files.get(name, "")),
            "docs": stats.docs,
            "sentences": stats.sentences,
            "entities": stats.entities,
            "misaligned": stats.misaligned,
            "dropped": stats.dropped,
            "misaligned_examples": stats.examples[:20],
        }

    if "bc5cdr/train" in raw:
        files["bc5cdr/train"] = raw["bc5cdr/train"]
        add("bc5cdr/train", pubtator_documents(raw["bc5cdr/train"]), train_docs, 0)
    else:
        add(
            "bc5cdr/train",
            list(iob.group_sentences(bc_train, per_doc, doc_prefix="bc5cdr-train:")),
            train_docs,
            len(bc_train),
        )
    if "bc5cdr/devel" in raw:
        files["bc5cdr/devel"] = raw["bc5cdr/devel"]
        add("bc5cdr/devel", pubtator_documents(raw["bc5cdr/devel"]), dev_docs, 0)
        if use_devel_for_training:
            train_docs.extend(dev_docs)
    elif "bc5cdr/devel" in files:
        bc_dev = iob.read_iob(files["bc5cdr/devel"])
        add(
            "bc5cdr/devel",
            list(iob.group_sentences(bc_dev, per_doc, doc_prefix="bc5cdr-devel:")),
            dev_docs,
            len(bc_dev),
        )
        if use_devel_for_training and files["bc5cdr/devel"] != files["bc5cdr/train"]:
            train_docs.extend(dev_docs)
    else:
        dev_docs = train_docs[: max(1, len(train_docs) // 10)]
    if include_ncbi:
        splits = ["train"] + (["devel"] if use_devel_for_training else [])
        for split in splits:
            key = f"ncbi-disease/{split}"
            if key in files:
                sents = iob.read_iob(files[key])
                items = disease_only_documents(
                    sents, chem_vocab, per_doc, f"ncbi-{split}:", ncbi_o_as_outside
                )
                add(key, items, train_docs, len(sents))

    paths = {"train": out_dir / "train.spacy", "dev": out_dir / "dev.spacy"}
    iob.save_docbin(train_docs, paths["train"])
    iob.save_docbin(dev_docs, paths["dev"])
    report["_settings"] = {
        "use_devel_for_training": use_devel_for_training,
        "include_ncbi": include_ncbi,
        "ncbi_o_as_outside": ncbi_o_as_outside,
        "source": "pubtator" if raw else "iob",
        "sentences_per_doc": per_doc,
        "train_docs": len(train_docs),
        "dev_docs": len(dev_docs),
    }
    (out_dir / "conversion.json").write_text(json.dumps(report, indent=2))
    return paths


def export_model(model_path: str | Path, output: str | Path) -> Path:
    """Copy a trained pipeline into a slim folder: tok2vec + ner, scispacy tokenizer rules.

    A `biotab_lexicon` whose token tags the model embeds is kept with its patterns.

    The optimizer averages are already applied by spaCy when it saves `model-best`.
    Anything else in the folder (training logs, model cards) is left untouched; the
    pipeline sub-folders are replaced.
    """
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
    nlp.meta["name"] = "biotab_ner"
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


def train(
    corpora_dir: str | Path = DEFAULT_CORPORA,
    config: str | Path | None = None,
    output: str | Path | None = None,
    max_steps: int | None = None,
    use_devel_for_training: bool = False,
    *,
    include_ncbi: bool = False,
    ncbi_o_as_outside: bool = True,
    work_dir: str | Path | None = None,
    overrides: dict | None = None,
    use_gpu: int = -1,
    source: str = "pubtator",
    numpy_matmul: bool = True,
) -> Path:
    """Convert the corpora, train with spaCy, export `model-best` to `output` (slim pipeline).

    `work_dir` keeps DocBins and spaCy's `model-best`/`model-last` (a temporary folder if None).
    With `use_devel_for_training`, BC5CDR devel (and NCBI devel) is added to the training data;
    the dev set is still BC5CDR devel, so its scores are then *not* held-out figures.
    `numpy_matmul` (CPU only) builds the models with thinc's `NumpyOps(use_blis=False)`, as
    `pipeline.nlp.use_numpy_matmul` does at inference: the same products through numpy's BLAS,
    measured 1.8x faster per update step than blis (models/biotab_ner/MODEL_CARD.md). Only
    this call's models use those ops; thinc's current ops are restored afterwards.
    """
    from contextlib import nullcontext

    from spacy.cli.train import train as spacy_train
    from thinc.api import use_ops

    from pipeline.nlp import register_components

    register_components()

    config = Path(config) if config else default_config()
    output = Path(output) if output else ner_model_dir()
    tmp = None
    if work_dir is None:
        tmp = tempfile.TemporaryDirectory(prefix="biotab-train-")
        work_dir = tmp.name
    work = Path(work_dir)
    try:
        paths = convert_corpora(
            corpora_dir,
            work / "corpus",
            use_devel_for_training=use_devel_for_training,
            include_ncbi=include_ncbi,
            ncbi_o_as_outside=ncbi_o_as_outside,
            source=source,
        )
        ov: dict = {"paths.train": str(paths["train"]), "paths.dev": str(paths["dev"])}
        if max_steps is not None:
            ov["training.max_steps"] = max_steps
            if max_steps < 400:  # smoke tests: still evaluate (and save model-best) at least twice
                ov["training.eval_frequency"] = max(1, max_steps // 2)
        ov.update(overrides or {})
        # Models take the current ops when they are built (spaCy's CPU set-up keeps them)
        ops = use_ops("numpy", use_blis=False) if numpy_matmul and use_gpu < 0 else nullcontext()
        with ops:
            spacy_train(config, work / "training", overrides=ov, use_gpu=use_gpu)
        best = work / "training" / "model-best"
        if not best.exists():
            best = work / "training" / "model-last"
        return export_model(best, output)
    finally:
        if tmp is not None:
            tmp.cleanup()


def evaluate_model(model: str | Path, docbin: str | Path) -> dict:
    """Strict (exact token span) P/R/F1 of a NER pipeline on a gold DocBin, overall and per label.

    Gold docs are the runtime-tokenized conversions written by `convert_corpora`; the model
    re-tokenizes their text with its own (scispacy) tokenizer, as at inference.
    """
    import spacy
    from spacy.tokens import DocBin

    from pipeline.nlp import register_components

    register_components()
    nlp = spacy.load(model)
    gold = list(DocBin().from_disk(docbin).get_docs(nlp.vocab))
    preds = nlp.pipe((d.text for d in gold), batch_size=64)
    tp: Counter[str] = Counter()
    n_pred: Counter[str] = Counter()
    n_gold: Counter[str] = Counter()
    for g, p in zip(gold, preds, strict=True):
        gs = {(e.start_char, e.end_char, e.label_) for e in g.ents}
        ps = {(e.start_char, e.end_char, e.label_) for e in p.ents}
        for _, _, lab in gs:
            n_gold[lab] += 1
        for _, _, lab in ps:
            n_pred[lab] += 1
        for _, _, lab in gs & ps:
            tp[lab] += 1

    def prf(t: int, np_: int, ng: int) -> dict:
        p = t / np_ if np_ else 0.0
        r = t / ng if ng else 0.0
        return {
            "p": p,
            "r": r,
            "f": 2 * p * r / (p + r) if p + r else 0.0,
            "tp": t,
            "pred": np_,
            "gold": ng,
        }

    labels = sorted(set(n_gold) | set(n_pred))
    out = {lab: prf(tp[lab], n_pred[lab], n_gold[lab]) for lab in labels}
    out["micro"] = prf(sum(tp.values()), sum(n_pred.values()), sum(n_gold.values()))
    return out
