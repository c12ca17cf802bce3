"""Training the biotab NER model (`biotab train`).

1. `convert_corpora` turns the corpora (BC5CDR and NCBI-disease as raw-text PubTator abstracts
   by default, or their IOB files; `Chemical` -> DRUG, `Disease` -> DISEASE) into spaCy
   DocBins tokenized with the runtime tokenizer (`pipeline.tokenizer`), see `pipeline.iob`.
2. `train` runs spaCy's own training (`spacy.cli.train.train`) with a config from
   `models/configs/`, then `export_model` (`pipeline/model_export.py`) copies `model-best` into
   a slim pipeline folder (tok2vec + ner, scispacy tokenizer rules, no training artefacts).

The output folder is replaced only when it is a model biotab wrote (`is_biotab_model`: its
meta.json names `biotab_ner`, as `export_model` writes it): the pipeline sub-folders
(vocab/, tokenizer/, ner/, ...) are removed before the new ones are written, so any other
non-empty folder is refused (`OutputFolderError`) before training starts: a run never deletes
what it did not write.

NCBI-disease (optional, `include_ncbi=True`; off by default because it lowered BC5CDR devel F1 in
our runs, see models/biotab_ner/MODEL_CARD.md) annotates diseases only, so its chemicals are
unannotated. Its tokens outside a Disease mention are therefore marked O only when they cannot
be (part of) a chemical name: tokens seen inside a BC5CDR train Chemical mention (and not mostly
O there; the runtime tokens of the PubTator file, or the IOB file's tokens) or looking like a
chemical name are marked *missing* so the model is never taught that a chemical is O.
"""

from __future__ import annotations

import json
import logging
import re
import tempfile
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline import iob
from pipeline.labels import DISEASE, MODEL
from pipeline.limits import DEFAULT_BATCH_SIZE
from pipeline.model_export import check_output, export_model
from pipeline.paths import DEFAULT_CORPORA, configs_dir, ner_model_dir
from pipeline.plural import plural

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

logger = logging.getLogger(__name__)

DEFAULT_CONFIG_NAME = "biotab_ner.cfg"
#: The components a trained pipeline folder keeps.
LABELS = MODEL

#: Sentences per training document for BC5CDR / NCBI IOB files (abstract boundaries are not marked).
SENTENCES_PER_DOC = 10
CORPORA = ("bc5cdr", "ncbi-disease")
SPLITS = ("train", "devel")
SOURCES = ("pubtator", "iob")
#: biotab label -> corpus label, to tag runtime tokens as an IOB file would.
_CORPUS_LABELS = {label: name for name, label in iob.LABEL_MAP.items()}

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
    """`bc5cdr/train` ... `ncbi-disease/devel` -> `<corpus>/<split>.pubtator`, those that exist."""
    found = {}
    for corpus in CORPORA:
        for split in SPLITS:
            path = corpora_dir / corpus / f"{split}.pubtator"
            if path.is_file():
                found[f"{corpus}/{split}"] = path
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


def iob_files(corpora_dir: Path) -> dict[str, Path]:
    """Map `bc5cdr/train`, `bc5cdr/devel`, `ncbi-disease/train`, ... to the IOB files that exist.

    A folder with IOB files directly inside (no corpus sub-folders) is read as BC5CDR-style
    data: `train*` files are training data, `devel*`/`dev*` files are development data (when there
    is no devel file the training file doubles as the dev set, useful for tiny test runs).
    """
    found: dict[str, Path] = {}
    for corpus in CORPORA:
        for split in SPLITS:
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


def corpus_files(corpora_dir: Path, source: str = "pubtator") -> dict[str, Path]:
    """Map `bc5cdr/train`, `bc5cdr/devel`, `ncbi-disease/train`, ... to the file each is read from.

    `source="pubtator"`: `<corpus>/<split>.pubtator` when it exists, else the IOB file
    (`iob_files`); `source="iob"`: the IOB files only.
    """
    if source not in SOURCES:
        raise ValueError(f"source is {source!r}: expected 'pubtator' or 'iob'")
    found = iob_files(corpora_dir)
    if source == "pubtator":
        found.update(pubtator_files(corpora_dir))
    return found


def training_files(corpora_dir: Path, source: str = "pubtator") -> dict[str, Path]:
    """`corpus_files`; FileNotFoundError naming what was looked for when BC5CDR train is missing."""
    files = corpus_files(corpora_dir, source)
    if "bc5cdr/train" not in files:
        pubtator = "bc5cdr/train.pubtator (PubTator), " if source == "pubtator" else ""
        raise FileNotFoundError(
            f"no training data under {corpora_dir}: expected {pubtator}bc5cdr/train.tsv "
            "(IOB) or train*.tsv IOB files directly in the folder"
        )
    return files


def _is_pubtator(path: Path) -> bool:
    return path.suffix == ".pubtator"


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


def runtime_token_tags(nlp: Language, item: iob.IOBDocument) -> list[tuple[int, int, str]]:
    """`(start, end, tag)` of each runtime token of `item.text`, tagged as in an IOB file.

    The tag is `B-`/`I-` + the corpus label (`Chemical`, `Disease`) of the gold mention the token
    belongs to, else `O`. Mentions are expanded to whole tokens and an overlapping one is skipped,
    as `iob.to_doc` does when it sets the training entities.
    """
    doc = nlp.make_doc(item.text)
    tags = ["O"] * len(doc)
    for start, end, label in sorted(item.entities, key=lambda e: (e[0], -(e[1] - e[0]))):
        span = doc.char_span(start, end, alignment_mode="expand")
        if span is None or any(tags[i] != "O" for i in range(span.start, span.end)):
            continue
        name = _CORPUS_LABELS.get(label, label)
        tags[span.start : span.end] = [f"B-{name}"] + [f"I-{name}"] * (len(span) - 1)
    return [(tok.idx, tok.idx + len(tok.text), tag) for tok, tag in zip(doc, tags, strict=True)]


def bc5cdr_chemical_vocabulary(nlp: Language, path: Path) -> set[str]:
    """`chemical_vocabulary` of BC5CDR train: an IOB file's tokens, or a PubTator file's
    runtime tokens (`runtime_token_tags`)."""
    if not _is_pubtator(path):
        return chemical_vocabulary(iob.read_iob(path))
    sentences = []
    for item in pubtator_documents(path):
        tagged = runtime_token_tags(nlp, item)
        sentences.append(
            iob.IOBSentence([item.text[s:e] for s, e, _ in tagged], [tag for _, _, tag in tagged])
        )
    return chemical_vocabulary(sentences)


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


def disease_only_pubtator(
    nlp: Language, path: Path, chem_vocab: set[str], o_as_outside: bool = True
) -> list[iob.IOBDocument]:
    """NCBI-style raw abstracts of a PubTator file: only DISEASE is annotated.

    Runtime tokens outside every gold mention are O, except those that may be (part of) a
    chemical name (`chem_vocab` or chemical-looking), which stay missing, as in
    `disease_only_documents`; with `o_as_outside=False` every unannotated token is missing.
    """
    docs = pubtator_documents(path)
    for item in docs:
        outside: list[tuple[int, int]] = []
        if o_as_outside:
            outside = [
                (s, e)
                for s, e, tag in runtime_token_tags(nlp, item)
                if tag == "O" and not _maybe_chemical(item.text[s:e], chem_vocab)
            ]
        item.entities = [e for e in item.entities if e[2] == DISEASE]
        item.partial_labels = frozenset({DISEASE})
        item.outside_spans = outside
    return docs


def read_annotated(
    path: Path, per_doc: int, doc_prefix: str
) -> tuple[list[iob.IOBDocument], int]:
    """The documents of a BC5CDR-style file and its number of IOB sentences.

    A PubTator file gives one document per abstract (0 sentences); an IOB file documents of
    `per_doc` sentences, text = tokens joined by spaces.
    """
    if _is_pubtator(path):
        return pubtator_documents(path), 0
    sentences = iob.read_iob(path)
    return list(iob.group_sentences(sentences, per_doc, doc_prefix=doc_prefix)), len(sentences)


def _convert(
    nlp: Language,
    name: str,
    path: Path,
    read: tuple[list[iob.IOBDocument], int],
    report: dict[str, dict],
) -> list[Doc]:
    """Runtime-tokenized `Doc`s of the documents `read` from `path` (documents, IOB sentences);
    their conversion statistics go to `report[name]`."""
    items, n_sent = read
    stats = iob.ConversionStats(sentences=n_sent)
    docs = list(iob.to_docs(nlp, items, stats))
    stats.log(name)
    report[name] = {
        "file": str(path),
        "docs": stats.docs,
        "sentences": stats.sentences,
        "entities": stats.entities,
        "misaligned": stats.misaligned,
        "dropped": stats.dropped,
        "misaligned_examples": stats.examples[:20],
    }
    return docs


def ncbi_docs(
    nlp: Language,
    files: dict[str, Path],
    splits: Sequence[str],
    report: dict[str, dict],
    *,
    per_doc: int = SENTENCES_PER_DOC,
    o_as_outside: bool = True,
) -> list[Doc]:
    """NCBI-disease `splits` (those in `files`) as disease-only training `Doc`s.

    Each split is read from its PubTator file when `files` names one, else from IOB. The chemical
    vocabulary comes from `files["bc5cdr/train"]` (PubTator or IOB, whichever it is).
    """
    keys = [f"ncbi-disease/{split}" for split in splits if f"ncbi-disease/{split}" in files]
    if not keys:
        return []
    chem_vocab = bc5cdr_chemical_vocabulary(nlp, files["bc5cdr/train"])
    logger.info("chemical vocabulary: %s from %s", plural(len(chem_vocab), "token"),
                files["bc5cdr/train"])
    docs: list[Doc] = []
    for key in keys:
        path = files[key]
        if _is_pubtator(path):
            read = disease_only_pubtator(nlp, path, chem_vocab, o_as_outside), 0
        else:
            sents = iob.read_iob(path)
            prefix = f"ncbi-{key.split('/')[1]}:"
            items = disease_only_documents(sents, chem_vocab, per_doc, prefix, o_as_outside)
            read = items, len(sents)
        docs.extend(_convert(nlp, key, path, read, report))
    return docs


def write_conversion(
    out_dir: Path,
    train_docs: list[Doc],
    dev_docs: list[Doc],
    report: dict[str, dict],
    settings: dict[str, object],
) -> dict[str, Path]:
    """Write `train.spacy`, `dev.spacy` and `conversion.json` (`report` + `_settings`) into
    `out_dir`; returns {"train": path, "dev": path}."""
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = {"train": out_dir / "train.spacy", "dev": out_dir / "dev.spacy"}
    iob.save_docbin(train_docs, paths["train"])
    iob.save_docbin(dev_docs, paths["dev"])
    report["_settings"] = {
        **settings,
        "train_docs": len(train_docs),
        "dev_docs": len(dev_docs),
    }
    (out_dir / "conversion.json").write_text(json.dumps(report, indent=2))
    return paths


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

    `source="pubtator"` reads each corpus split from `<corpus>/<split>.pubtator` when it exists
    (else from its IOB file): raw abstracts with character offsets, one document per abstract,
    tokenized by the runtime tokenizer; gold mentions that do not start and end on a token
    boundary are counted in `conversion.json` (`misaligned`) and expanded to whole tokens. No IOB
    file is needed then. `source="iob"` reads the IOB files only (text = tokens joined by spaces,
    `per_doc` sentences per document). NCBI-disease (`include_ncbi`) is read the same way.
    Returns {"train": path, "dev": path}. Writes `conversion.json` with per-file statistics.
    Raises FileNotFoundError (before writing anything) when there is no BC5CDR training file.
    """
    corpora_dir, out_dir = Path(corpora_dir), Path(out_dir)
    files = training_files(corpora_dir, source)
    nlp = iob.runtime_tokenizer_nlp()
    report: dict[str, dict] = {}
    path = files["bc5cdr/train"]
    train_docs = _convert(
        nlp, "bc5cdr/train", path, read_annotated(path, per_doc, "bc5cdr-train:"), report
    )
    if "bc5cdr/devel" in files:
        path = files["bc5cdr/devel"]
        dev_docs = _convert(
            nlp, "bc5cdr/devel", path, read_annotated(path, per_doc, "bc5cdr-devel:"), report
        )
        if use_devel_for_training and path != files["bc5cdr/train"]:
            train_docs.extend(dev_docs)
    else:  # no devel file: a tenth of the training documents doubles as the dev set
        dev_docs = train_docs[: max(1, len(train_docs) // 10)]
    if include_ncbi:
        splits = ("train", "devel") if use_devel_for_training else ("train",)
        train_docs.extend(
            ncbi_docs(
                nlp, files, splits, report, per_doc=per_doc, o_as_outside=ncbi_o_as_outside
            )
        )
    bc5cdr_paths = [p for key, p in files.items() if key.startswith("bc5cdr/")]
    settings: dict[str, object] = {
        "use_devel_for_training": use_devel_for_training,
        "include_ncbi": include_ncbi,
        "ncbi_o_as_outside": ncbi_o_as_outside,
        "source": "pubtator" if any(_is_pubtator(p) for p in bc5cdr_paths) else "iob",
        "sentences_per_doc": per_doc,
    }
    return write_conversion(out_dir, train_docs, dev_docs, report, settings)


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
    `output` must pass `check_output` (OutputFolderError before any work otherwise).
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
    check_output(output)
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
    preds = nlp.pipe((d.text for d in gold), batch_size=DEFAULT_BATCH_SIZE)
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
